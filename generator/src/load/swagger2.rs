//! Swagger 2.0 to OpenAPI 3.0, as a transformation of the JSON value.

use serde_json::Value;

use super::Note;

/// Upgrades a Swagger 2.0 document to OpenAPI 3.0.3; errors when the document cannot be.
pub(crate) fn upgrade(document: Value, notes: &mut Vec<Note>) -> Result<Value, Vec<Note>> {
    let _ = notes;
    let _ = document;
    Err(vec![(
        crate::diagnostic::Pointer::root().push("swagger"),
        "Swagger 2.0 is not supported yet".to_owned(),
    )])
}

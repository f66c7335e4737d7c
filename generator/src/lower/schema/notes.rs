//! Doc lines for a schema: its title and description, then one paragraph of notes on what
//! the Rust type does not say (default, allowed values, format, constraints, read/write-only,
//! deprecation).

use openapiv3::{AdditionalProperties, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Lowerer;
use super::shape::{Shape, any_shape, shape};
use crate::lower::docs::{code_span, doc_lines};

impl<'a> Lowerer<'a> {
    /// Doc lines for a schema: title, description, then one paragraph of notes: default,
    /// allowed values, format, constraints, read/write-only, deprecation.
    pub(crate) fn schema_docs(&self, schema: &Schema) -> Vec<String> {
        self.docs_of(schema, true)
    }

    /// [`Lowerer::schema_docs`], with or without the title.
    pub(super) fn docs_of(&self, schema: &Schema, title: bool) -> Vec<String> {
        let data = &schema.schema_data;
        let title = if title { data.title.as_ref() } else { None };
        let mut docs = Vec::new();
        for text in [title, data.description.as_ref()].into_iter().flatten() {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.extend(doc_lines(text));
        }
        let mut notes = Vec::new();
        match &data.default {
            Some(Value::String(default)) => {
                notes.push(format!("Defaults to {}.", code_span(default)));
            }
            Some(default) => {
                notes.push(format!("Defaults to {}.", code_span(&default.to_string())))
            }
            None => {}
        }
        notes.extend(value_notes(schema));
        notes.extend(format_note(schema));
        notes.extend(constraint_notes(schema));
        if data.read_only {
            notes.push("Read-only: set by the server, and left out of requests.".to_owned());
        }
        if data.write_only {
            notes.push("Write-only: sent in requests, never returned.".to_owned());
        }
        if data.deprecated {
            notes.push("Deprecated.".to_owned());
        }
        if !notes.is_empty() {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(notes.join(" "));
        }
        docs
    }
}

/// The allowed values of a schema whose type does not list them: booleans (every other
/// `enum` is an enum type, whose variants list them).
fn value_notes(schema: &Schema) -> Option<String> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::Boolean(b)) => b
            .enumeration
            .iter()
            .flatten()
            .map(bool::to_string)
            .collect(),
        SchemaKind::Any(any) if matches!(any_shape(any), Shape::Boolean) => {
            any.enumeration.iter().map(Value::to_string).collect()
        }
        _ => Vec::new(),
    };
    if values.is_empty() {
        return None;
    }
    // A doc line is for reading: a long list is cut short (the type has every value).
    const LISTED: usize = 30;
    let mut quoted: Vec<String> = values.iter().take(LISTED).map(|v| code_span(v)).collect();
    if values.len() > LISTED {
        quoted.push(format!("and {} more", values.len() - LISTED));
    }
    Some(format!("One of {}.", quoted.join(", ")))
}

/// What a format means when the Rust type does not say it.
fn format_note(schema: &Schema) -> Option<String> {
    let (string, format) = match shape(schema) {
        Shape::String { format, .. } => (true, format?),
        Shape::Integer { format, .. } | Shape::Number(format) => (false, format?),
        _ => return None,
    };
    let note = match (string, format) {
        (true, "date-time" | "date" | "uuid" | "password") => return None,
        (true, "byte") => "Bytes, base64-encoded on the wire (`format: byte`).".to_owned(),
        (true, "binary") => "Binary data (`format: binary`).".to_owned(),
        (true, "decimal" | "number" | "double" | "float" | "bigdecimal") => format!(
            "A decimal number written as a string (`format: {format}`), so that no precision is lost."
        ),
        (true, "int32" | "int64" | "uint32" | "uint64" | "integer" | "bigint") => {
            format!("An integer written as a string (`format: {format}`).")
        }
        (false, "int32" | "int64" | "uint32" | "uint64" | "float" | "double") => return None,
        (false, "decimal") => {
            "A decimal number (`format: decimal`); as `f64` it may be rounded.".to_owned()
        }
        (_, format) => format!("Format: {}.", code_span(format)),
    };
    Some(note)
}

/// Constraints as sentences: bounds, multiples, lengths, patterns, item and property counts.
fn constraint_notes(schema: &Schema) -> Vec<String> {
    let mut notes = Vec::new();
    let mut bounds = |minimum: Option<f64>,
                      exclusive_minimum: bool,
                      maximum: Option<f64>,
                      exclusive_maximum: bool,
                      multiple_of: Option<f64>| {
        if let Some(min) = minimum {
            let word = if exclusive_minimum {
                "Greater than"
            } else {
                "At least"
            };
            notes.push(format!("{word} {}.", number_text(min)));
        }
        if let Some(max) = maximum {
            let word = if exclusive_maximum {
                "Less than"
            } else {
                "At most"
            };
            notes.push(format!("{word} {}.", number_text(max)));
        }
        if let Some(step) = multiple_of {
            notes.push(format!("A multiple of {}.", number_text(step)));
        }
    };
    let (mut length, mut items, mut properties) = (None, None, None);
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => bounds(
            i.minimum.map(|v| v as f64),
            i.exclusive_minimum,
            i.maximum.map(|v| v as f64),
            i.exclusive_maximum,
            i.multiple_of.map(|v| v as f64),
        ),
        SchemaKind::Type(Type::Number(n)) => bounds(
            n.minimum,
            n.exclusive_minimum,
            n.maximum,
            n.exclusive_maximum,
            n.multiple_of,
        ),
        SchemaKind::Type(Type::String(s)) => {
            length = Some((s.min_length, s.max_length, s.pattern.as_deref()));
        }
        SchemaKind::Type(Type::Array(a)) => {
            items = Some((a.min_items, a.max_items, a.unique_items))
        }
        SchemaKind::Type(Type::Object(o)) => {
            properties = Some((o.min_properties, o.max_properties))
        }
        SchemaKind::Any(any) => {
            bounds(
                any.minimum,
                any.exclusive_minimum.unwrap_or(false),
                any.maximum,
                any.exclusive_maximum.unwrap_or(false),
                any.multiple_of,
            );
            length = Some((any.min_length, any.max_length, any.pattern.as_deref()));
            items = Some((
                any.min_items,
                any.max_items,
                any.unique_items.unwrap_or(false),
            ));
            properties = Some((any.min_properties, any.max_properties));
        }
        _ => {}
    }
    if let Some((min, max, pattern)) = length {
        count_notes(&mut notes, min, max, "character", "characters");
        if let Some(pattern) = pattern {
            notes.push(format!("Matches {}.", code_span(pattern)));
        }
    }
    if let Some((min, max, unique)) = items {
        count_notes(&mut notes, min, max, "item", "items");
        if unique {
            notes.push("Items are unique.".to_owned());
        }
    }
    if let Some((min, max)) = properties {
        count_notes(&mut notes, min, max, "property", "properties");
    }
    if let Some(AdditionalProperties::Any(false)) = additional_properties(schema) {
        notes.push("No properties beyond those listed.".to_owned());
    }
    notes
}

/// `At least 1 item.`, `At most 3 characters.`, or `Exactly 3 characters.`
fn count_notes(
    notes: &mut Vec<String>,
    min: Option<usize>,
    max: Option<usize>,
    one: &str,
    many: &str,
) {
    let noun = |count: usize| if count == 1 { one } else { many };
    match (min, max) {
        (Some(min), Some(max)) if min == max => {
            notes.push(format!("Exactly {min} {}.", noun(min)));
        }
        _ => {
            if let Some(min) = min {
                notes.push(format!("At least {min} {}.", noun(min)));
            }
            if let Some(max) = max {
                notes.push(format!("At most {max} {}.", noun(max)));
            }
        }
    }
}

fn additional_properties(schema: &Schema) -> Option<&AdditionalProperties> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }
}

/// A number as the spec would write it: `1`, not `1.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::testing::{api, field};

    #[test]
    fn formats_and_constraints_are_documented() {
        let api = api(r##"
            F:
              type: object
              properties:
                g: {type: string, format: decimal}
                h: {type: string, format: binary}
                i: {type: integer, minimum: 1, maximum: 9, exclusiveMaximum: true, multipleOf: 2}
                j: {type: array, items: {type: string}, minItems: 1, maxItems: 1, uniqueItems: true}
                k: {type: string, minLength: 2, maxLength: 5, pattern: "^a`b$"}
                l: {type: string, format: email, deprecated: true, default: x}
                m: {type: boolean, enum: [true]}
            "##);
        let docs = |name: &str| field(&api, "F", name).docs.join("\n");
        assert!(docs("g").contains("decimal number written as a string"));
        assert!(docs("h").contains("Binary data"));
        assert_eq!(docs("i"), "At least 1. Less than 9. A multiple of 2.");
        assert_eq!(docs("j"), "Exactly 1 item. Items are unique.");
        assert_eq!(
            docs("k"),
            "At least 2 characters. At most 5 characters. Matches ``^a`b$``."
        );
        assert_eq!(docs("l"), "Defaults to `x`. Format: `email`. Deprecated.");
        // Booleans are the one `enum` without a type of its own to list the values.
        assert_eq!(docs("m"), "One of `true`.");
    }
}

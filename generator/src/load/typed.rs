//! The typed parse: the JSON value (already OpenAPI 3.0) as `openapiv3::OpenAPI`, with every
//! shape error of the document rather than the first.
//!
//! serde stops at the first error, and the model's flattened maps hide where inside a path
//! item an error is. So when the whole document does not parse, each piece is parsed on its
//! own (the top-level fields, every operation of every path item, every component), every
//! failure is reported at its pointer, and the document is parsed again without the failing
//! pieces: operations, path items and top-level fields are left out, components replaced by a
//! placeholder of their kind so that references to them still resolve. Lowering can then look
//! for the errors of the rest; what it says inside a removed piece is not about the document.

use openapiv3::{
    Callback, Example, ExternalDocumentation, Header, Info, Link, OpenAPI, Operation, Parameter,
    PathItem, ReferenceOr, RequestBody, Response, Responses, Schema, SecurityRequirement,
    SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::openapi31::METHODS;
use crate::pointer::Pointer;

/// A failure: where, and serde's message.
pub(super) type Failure = (Pointer, String);

/// The document as far as it parses, and why the rest does not.
pub(super) struct Typed {
    /// The document without its failing pieces; `None` when even that does not parse.
    pub(super) document: Option<OpenAPI>,
    /// Every failure, each at its piece.
    pub(super) errors: Vec<Failure>,
    /// The pieces left out or replaced.
    pub(super) removed: Vec<Pointer>,
}

/// Parses `value` as the OpenAPI 3.0 model, piece by piece when it does not parse whole.
pub(super) fn parse(mut value: Value) -> Typed {
    let root = Pointer::root();
    let whole = match typed::<OpenAPI>(&value, &root) {
        Ok(document) => {
            return Typed {
                document: Some(document),
                errors: Vec::new(),
                removed: Vec::new(),
            };
        }
        Err(failure) => failure,
    };
    let mut pieces = Pieces::default();
    if let Some(object) = value.as_object_mut() {
        pieces.top_level(object);
    }
    let document = match typed::<OpenAPI>(&value, &root) {
        Ok(document) => Some(document),
        Err(failure) => {
            // What the pieces did not show (a missing required field, say), or the first
            // failure when nothing could be narrowed.
            if !pieces.errors.iter().any(|(at, _)| *at == failure.0) {
                pieces.errors.push(failure);
            }
            None
        }
    };
    if pieces.errors.is_empty() {
        pieces.errors.push(whole);
    }
    Typed {
        document,
        errors: pieces.errors,
        removed: pieces.removed,
    }
}

/// `value` as `T`, or where that fails and why.
fn typed<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Result<T, Failure> {
    // Tracking the path costs at every value, and most documents parse: only a failure is
    // parsed again to find where.
    if let Ok(typed) = T::deserialize(value) {
        return Ok(typed);
    }
    let error = match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(typed) => return Ok(typed),
        Err(error) => error,
    };
    let pointer = error
        .path()
        .iter()
        .fold(at.clone(), |pointer, segment| match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push(index),
            serde_path_to_error::Segment::Map { key } => pointer.push(key),
            serde_path_to_error::Segment::Enum { variant } => pointer.push(variant),
            serde_path_to_error::Segment::Unknown => pointer,
        });
    Err((pointer, error.into_inner().to_string()))
}

/// Where deserializing `value` as `T` fails, if it does.
fn failure<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Option<Failure> {
    typed::<T>(value, at).err()
}

/// The failures found so far, and the pieces taken out because of them.
#[derive(Default)]
struct Pieces {
    errors: Vec<Failure>,
    removed: Vec<Pointer>,
}

impl Pieces {
    fn fail(&mut self, failure: Failure, removed: Pointer) {
        self.errors.push(failure);
        self.removed.push(removed);
    }

    fn top_level(&mut self, root: &mut Map<String, Value>) {
        let at = Pointer::root();
        let mut dropped = Vec::new();
        for (key, value) in root.iter_mut() {
            let key_at = at.push(key);
            let failed = match key.as_str() {
                "openapi" => failure::<String>(value, &key_at),
                "info" => failure::<Info>(value, &key_at),
                "externalDocs" => failure::<ExternalDocumentation>(value, &key_at),
                "servers" => self.list::<Server>(value, &key_at),
                "tags" => self.list::<Tag>(value, &key_at),
                "security" => self.list::<SecurityRequirement>(value, &key_at),
                "paths" => {
                    self.paths(value, &key_at);
                    None
                }
                "components" => {
                    self.components(value, &key_at);
                    None
                }
                _ => None,
            };
            if let Some(failed) = failed {
                self.fail(failed, key_at);
                dropped.push(key.clone());
            }
        }
        for key in dropped {
            match key.as_str() {
                // Required: a placeholder keeps the rest parsing.
                "openapi" => root.insert(key, json!("3.0.3")),
                "info" => root.insert(key, json!({ "title": "", "version": "" })),
                _ => root.shift_remove(&key),
            };
        }
    }

    /// A list whose failing items are each reported and left out; the list's own failure when
    /// it is not a list.
    fn list<T: DeserializeOwned>(&mut self, value: &mut Value, at: &Pointer) -> Option<Failure> {
        let Value::Array(items) = value else {
            return failure::<Vec<T>>(value, at);
        };
        let mut index = 0;
        items.retain(|item| {
            let item_at = at.push(index);
            index += 1;
            match failure::<T>(item, &item_at) {
                Some(failed) => {
                    self.fail(failed, item_at);
                    false
                }
                None => true,
            }
        });
        None
    }

    fn paths(&mut self, value: &mut Value, at: &Pointer) {
        let Value::Object(items) = value else {
            if let Some(failed) = failure::<openapiv3::Paths>(value, at) {
                self.fail(failed, at.clone());
                *value = json!({});
            }
            return;
        };
        items.retain(|key, item| key.starts_with("x-") || self.path_item(item, &at.push(key)));
    }

    /// A path item: each failing operation reported and left out, then the item's own
    /// failure, if any, reported and the item left out (`false`).
    fn path_item(&mut self, item: &mut Value, at: &Pointer) -> bool {
        if failure::<ReferenceOr<PathItem>>(item, at).is_none() {
            return true;
        }
        if let Value::Object(fields) = item {
            for method in METHODS {
                let op_at = at.push(method);
                if let Some(failed) = fields.get(method).and_then(|op| operation(op, &op_at)) {
                    self.fail(failed, op_at);
                    fields.shift_remove(method);
                }
            }
        }
        match failure::<ReferenceOr<PathItem>>(item, at) {
            Some(failed) => {
                self.fail(path_item_failure(item, at).unwrap_or(failed), at.clone());
                false
            }
            None => true,
        }
    }

    /// Each component that does not parse, reported and replaced by a placeholder of its
    /// kind, so that references to it still resolve.
    fn components(&mut self, value: &mut Value, at: &Pointer) {
        let Value::Object(sections) = value else {
            if let Some(failed) = failure::<openapiv3::Components>(value, at) {
                self.fail(failed, at.clone());
                *value = json!({});
            }
            return;
        };
        let mut dropped = Vec::new();
        for (section, entries) in sections.iter_mut() {
            let section_at = at.push(section);
            let check: fn(&Value, &Pointer) -> Option<Failure> = match section.as_str() {
                "schemas" => failure::<ReferenceOr<Schema>>,
                "responses" => failure::<ReferenceOr<Response>>,
                "parameters" => failure::<ReferenceOr<Parameter>>,
                "examples" => failure::<ReferenceOr<Example>>,
                "requestBodies" => failure::<ReferenceOr<RequestBody>>,
                "headers" => failure::<ReferenceOr<Header>>,
                "securitySchemes" => failure::<ReferenceOr<SecurityScheme>>,
                "links" => failure::<ReferenceOr<Link>>,
                "callbacks" => failure::<ReferenceOr<Callback>>,
                _ => continue,
            };
            let Value::Object(entries) = entries else {
                self.fail(
                    (
                        section_at.clone(),
                        "expected a map of components".to_owned(),
                    ),
                    section_at,
                );
                dropped.push(section.clone());
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let entry_at = section_at.push(name);
                if let Some(failed) = check(entry, &entry_at) {
                    self.fail(failed, entry_at);
                    *entry = placeholder(section, name);
                }
            }
        }
        for section in dropped {
            sections.shift_remove(&section);
        }
    }
}

/// Where an operation fails, narrowed to the parameter, request body or response that does:
/// the model reads operations through flattened maps that hide the place inside them.
fn operation(value: &Value, at: &Pointer) -> Option<Failure> {
    let found = failure::<Operation>(value, at)?;
    if let Some(Value::Array(parameters)) = value.get("parameters") {
        let parameters_at = at.push("parameters");
        for (index, parameter) in parameters.iter().enumerate() {
            let failed = failure::<ReferenceOr<Parameter>>(parameter, &parameters_at.push(index));
            if failed.is_some() {
                return failed;
            }
        }
    }
    if let Some(body) = value.get("requestBody") {
        let failed = failure::<ReferenceOr<RequestBody>>(body, &at.push("requestBody"));
        if failed.is_some() {
            return failed;
        }
    }
    if let Some(responses) = value.get("responses") {
        let responses_at = at.push("responses");
        if let Some(failed) = failure::<Responses>(responses, &responses_at) {
            for (status, response) in responses.as_object().into_iter().flatten() {
                let deeper = failure::<ReferenceOr<Response>>(response, &responses_at.push(status));
                if deeper.is_some() {
                    return deeper;
                }
            }
            return Some(failed);
        }
    }
    Some(found)
}

/// Where a path item's own fields fail, narrowed to the parameter or server that does.
fn path_item_failure(item: &Value, at: &Pointer) -> Option<Failure> {
    let fields = item.as_object()?;
    if let Some(parameters) = fields.get("parameters") {
        let parameters_at = at.push("parameters");
        let Value::Array(list) = parameters else {
            return failure::<Vec<Value>>(parameters, &parameters_at);
        };
        for (index, parameter) in list.iter().enumerate() {
            let failed = failure::<ReferenceOr<Parameter>>(parameter, &parameters_at.push(index));
            if failed.is_some() {
                return failed;
            }
        }
    }
    fields
        .get("servers")
        .and_then(|servers| failure::<Vec<Server>>(servers, &at.push("servers")))
}

/// A component of the `section` kind that parses and says nothing, in place of one that
/// does not parse.
fn placeholder(section: &str, name: &str) -> Value {
    match section {
        "responses" => json!({ "description": "" }),
        "parameters" => json!({ "name": name, "in": "query", "schema": {} }),
        "requestBodies" => json!({ "content": {} }),
        "headers" => json!({ "schema": {} }),
        "securitySchemes" => json!({ "type": "http", "scheme": "bearer" }),
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(failures: &[Failure]) -> Vec<String> {
        failures.iter().map(|(at, _)| at.to_string()).collect()
    }

    #[test]
    fn every_failing_piece_is_reported_and_the_rest_parses() {
        let typed = parse(json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "tags": [{ "name": "a" }, { "description": "no name" }],
            "paths": {
                "/a": {
                    "get": { "responses": 7 },
                    "put": { "responses": { "200": { "description": "ok" } } },
                },
                "/b": { "post": { "parameters": [{ "name": "p", "in": "body" }], "responses": {} } },
                "/c": { "parameters": 5 },
            },
            "components": {
                "schemas": { "Good": { "type": "string" }, "Bad": { "required": "yes" } },
                "responses": { "Worse": { "content": 5 } },
            },
        }));
        assert_eq!(
            at(&typed.errors),
            [
                "#/tags/1",
                "#/paths/~1a/get/responses",
                "#/paths/~1b/post/parameters/0",
                "#/paths/~1c/parameters",
                "#/components/schemas/Bad",
                "#/components/responses/Worse",
            ]
        );
        let document = typed.document.expect("the rest parses");
        let paths: Vec<&str> = document.paths.paths.keys().map(String::as_str).collect();
        assert_eq!(paths, ["/a", "/b"]);
        let a = document.paths.paths["/a"].as_item().expect("item");
        assert!(a.get.is_none() && a.put.is_some());
        let components = document.components.expect("components");
        assert_eq!(
            components.schemas.len(),
            2,
            "the bad schema is a placeholder"
        );
        let removed: Vec<String> = typed.removed.iter().map(ToString::to_string).collect();
        assert!(
            removed.contains(&"#/components/schemas/Bad".to_owned()),
            "{removed:?}"
        );
    }

    #[test]
    fn a_missing_required_field_is_reported_once() {
        let typed = parse(json!({ "openapi": "3.0.3", "paths": {} }));
        assert_eq!(typed.errors.len(), 1, "{:?}", typed.errors);
        assert!(typed.errors[0].1.contains("info"), "{:?}", typed.errors);
        assert!(typed.document.is_none());
    }
}

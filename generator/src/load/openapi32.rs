//! OpenAPI 3.2 to OpenAPI 3.1, as a transformation of the JSON value; `openapi31` takes the
//! result on to 3.0.
//!
//! 3.2 keeps 3.1's schema dialect and adds constructs around it. Each is brought to its 3.1
//! spelling where one says the same (reusable media types inlined, an `in: querystring` form
//! as an exploded `form` query object, `style: cookie` as `form`, an Example Object's
//! `dataValue` as its `value`, a tag's or response's `summary` as the missing `description`),
//! or dropped with a note where a client cannot honour it (the `query` method and the custom
//! methods of `additionalOperations`, whose operations are skipped; `itemEncoding` and
//! `prefixEncoding`). A media type's `itemSchema` (each item of a streamed body) is kept, as
//! the 3.0 extension [`ITEM_SCHEMA`], downgraded like any schema, for lowering to type the
//! events of a `text/event-stream` response; on any other media type, with a note that the
//! body is still read whole. What only documents (`$self`, a tag's `parent` and `kind`, a server's
//! `name`, `deprecated` security schemes, OAuth 2 metadata and device flows) is left for the
//! typed parser to ignore. Notes point into the original document.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::Note;
use super::openapi31::{self, METHODS};
use crate::media::MediaKind;
use crate::pointer::{Pointer, unescape};

/// The extension a media type's 3.2 `itemSchema` is kept under, for streamed bodies.
pub(crate) const ITEM_SCHEMA: &str = "x-apiforge-item-schema";

/// How deep callbacks nest, and how long a chain of media type references may be, before the
/// rest is left as it is.
const MAX_DEPTH: usize = 64;

/// Downgrades an OpenAPI 3.2 document to 3.1, noting what it had to drop.
pub(crate) fn downgrade(document: Value, notes: &mut Vec<Note>) -> Value {
    let Value::Object(mut root) = document else {
        return document;
    };
    let mut downgrade = Downgrade {
        notes,
        media_types: Map::new(),
        unmappable_parameters: BTreeSet::new(),
    };
    // Components first: media types are inlined where they are referenced, and operations
    // go with the parameters they use.
    if let Some(components) = root.get_mut("components") {
        if let Some(Value::Object(media_types)) = components
            .as_object_mut()
            .and_then(|c| c.shift_remove("mediaTypes"))
        {
            downgrade.media_types = media_types;
        }
        downgrade.components(components, &Pointer::root().push("components"));
    }
    if root.shift_remove("$self").is_some() {
        downgrade.note(
            &Pointer::root().push("$self"),
            "`$self` is not used: relative `$ref`s are read relative to this file",
        );
    }
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "openapi" => *value = json!("3.1.2"),
            "tags" => each_item(value, summary_as_description),
            "paths" => downgrade.path_items(value, &Pointer::root().push(key), 0),
            _ => {}
        }
    }
    Value::Object(root)
}

/// The state of one downgrade: the notes, the document's reusable media types, and the
/// component parameters that had to go (operations that use them go too).
struct Downgrade<'n> {
    notes: &'n mut Vec<Note>,
    media_types: Map<String, Value>,
    unmappable_parameters: BTreeSet<String>,
}

impl Downgrade<'_> {
    fn note(&mut self, at: &Pointer, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    fn components(&mut self, value: &mut Value, at: &Pointer) {
        let Some(components) = value.as_object_mut() else {
            return;
        };
        for (section, entries) in components.iter_mut() {
            let at = at.push(section);
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            if section == "parameters" {
                entries.retain(|name, parameter| {
                    let kept = self.parameter(parameter, &at.push(name));
                    if !kept {
                        self.unmappable_parameters.insert(name.clone());
                    }
                    kept
                });
                continue;
            }
            for (name, entry) in entries.iter_mut() {
                let at = at.push(name);
                match section.as_str() {
                    "headers" => self.header(entry, &at),
                    "responses" => self.response(entry, &at),
                    "requestBodies" => self.content(entry, &at),
                    "examples" => example(entry),
                    "callbacks" => self.callback(entry, &at, 0),
                    _ => {}
                }
            }
        }
    }

    /// The path items of `paths` or of a callback (extensions left alone), `depth` callbacks
    /// deep.
    fn path_items(&mut self, value: &mut Value, at: &Pointer, depth: usize) {
        let Some(items) = value.as_object_mut() else {
            return;
        };
        for (key, item) in items.iter_mut() {
            if !key.starts_with("x-") {
                self.path_item(item, &at.push(key), depth);
            }
        }
    }

    /// A path item: `query` and `additionalOperations` skipped, each with a note; a path-level
    /// parameter that cannot be sent dropped, and every operation skipped with it.
    fn path_item(&mut self, value: &mut Value, at: &Pointer, depth: usize) {
        let Some(item) = value.as_object_mut() else {
            return;
        };
        if item.shift_remove("query").is_some() {
            self.note(
                &at.push("query"),
                "operation skipped: the HTTP QUERY method (OpenAPI 3.2) is not supported yet",
            );
        }
        if let Some(Value::Object(others)) = item.shift_remove("additionalOperations") {
            for method in others.keys() {
                self.note(
                    &at.push("additionalOperations").push(method),
                    format!(
                        "operation skipped: the custom HTTP method `{method}` is not supported"
                    ),
                );
            }
        }
        // A shared parameter that cannot be sent goes (it would not parse as 3.0), and with
        // it every operation, which would have taken it.
        let mut shared_ok = true;
        if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
            let parameters_at = at.push("parameters");
            let mut index = 0;
            parameters.retain_mut(|parameter| {
                let kept = self.parameter(parameter, &parameters_at.push(index));
                index += 1;
                shared_ok &= kept;
                kept
            });
            if parameters.is_empty() {
                item.shift_remove("parameters");
            }
        }
        for method in METHODS {
            let Some(operation) = item.get_mut(method) else {
                continue;
            };
            let op_at = at.push(method);
            let kept = self.operation(operation, &op_at, depth);
            if !kept || !shared_ok {
                self.note(
                    &op_at,
                    "operation skipped: it takes an `in: querystring` parameter that is not a form, which has no OpenAPI 3.0 equivalent",
                );
                item.shift_remove(method);
            }
        }
    }

    /// An operation; `false` when one of its parameters cannot be sent, so it must go.
    fn operation(&mut self, value: &mut Value, at: &Pointer, depth: usize) -> bool {
        let Some(operation) = value.as_object_mut() else {
            return true;
        };
        let mut kept = true;
        for (key, field) in operation.iter_mut() {
            let at = at.push(key);
            match key.as_str() {
                "parameters" => {
                    for (index, parameter) in field.as_array_mut().into_iter().flatten().enumerate()
                    {
                        kept &= self.parameter(parameter, &at.push(index));
                    }
                }
                "requestBody" => self.content(field, &at),
                "responses" => {
                    for (status, response) in field.as_object_mut().into_iter().flatten() {
                        if !status.starts_with("x-") {
                            self.response(response, &at.push(status));
                        }
                    }
                }
                "callbacks" => {
                    for (name, callback) in field.as_object_mut().into_iter().flatten() {
                        if !name.starts_with("x-") {
                            self.callback(callback, &at.push(name), depth);
                        }
                    }
                }
                _ => {}
            }
        }
        kept
    }

    fn callback(&mut self, value: &mut Value, at: &Pointer, depth: usize) {
        if depth >= MAX_DEPTH {
            self.note(
                at,
                format!("callbacks nest more than {MAX_DEPTH} levels deep; left as they are"),
            );
            return;
        }
        self.path_items(value, at, depth + 1);
    }

    /// A parameter in 3.1 terms; `false` when it cannot be sent (an `in: querystring` that is
    /// not a form, or a reference to such a component).
    fn parameter(&mut self, value: &mut Value, at: &Pointer) -> bool {
        let Some(parameter) = value.as_object_mut() else {
            return true;
        };
        if let Some(reference) = parameter.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .map(unescape);
            return !name.is_some_and(|name| self.unmappable_parameters.contains(&name));
        }
        if parameter.get("style").and_then(Value::as_str) == Some("cookie") {
            // `name=value` pairs joined by `; `: for the values a cookie takes, `form`.
            parameter.shift_remove("style");
        }
        if parameter.get("in").and_then(Value::as_str) == Some("querystring") {
            let mapped = querystring_as_query(parameter);
            if !mapped {
                self.note(
                    &at.push("in"),
                    "an `in: querystring` parameter that is not `application/x-www-form-urlencoded` has no OpenAPI 3.0 equivalent; dropped",
                );
                return false;
            }
        }
        self.content(value, at);
        if let Some(Value::Object(examples)) = value.get_mut("examples") {
            examples.values_mut().for_each(example);
        }
        true
    }

    fn header(&mut self, value: &mut Value, at: &Pointer) {
        self.content(value, at);
        if let Some(Value::Object(examples)) = value.get_mut("examples") {
            examples.values_mut().for_each(example);
        }
    }

    /// A response: a missing `description` (optional in 3.2) from its `summary`, else empty.
    fn response(&mut self, value: &mut Value, at: &Pointer) {
        let Some(response) = value.as_object_mut() else {
            return;
        };
        if !response.contains_key("$ref") && !response.contains_key("description") {
            let summary = response.get("summary").cloned().unwrap_or(json!(""));
            response.insert("description".to_owned(), summary);
        }
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                self.header(header, &at.push("headers").push(name));
            }
        }
        self.content(value, at);
    }

    /// The media types of the `content` of a request body, response, parameter or header.
    fn content(&mut self, value: &mut Value, at: &Pointer) {
        let at = at.push("content");
        let Some(Value::Object(content)) = value.get_mut("content") else {
            return;
        };
        for (media_type, media) in content.iter_mut() {
            let events = MediaKind::is_event_stream(media_type);
            self.media_type(media, &at.push(media_type), events);
        }
    }

    /// A media type: a reference to `components/mediaTypes` inlined, `itemSchema` kept as
    /// [`ITEM_SCHEMA`] (noted as unused unless the media type is `events`, server-sent events),
    /// the sequential encodings dropped, examples in 3.1 terms.
    fn media_type(&mut self, value: &mut Value, at: &Pointer, events: bool) {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = reference
                .strip_prefix("#/components/mediaTypes/")
                .map(unescape)
                .and_then(|name| self.media_types.get(&name));
            match target {
                Some(target) => *value = target.clone(),
                None => {
                    let message = format!(
                        "media type `$ref` `{reference}` does not name one of #/components/mediaTypes; read as a media type without a schema"
                    );
                    self.note(&at.push("$ref"), message);
                    *value = json!({});
                }
            }
        }
        let Some(media) = value.as_object_mut() else {
            return;
        };
        if let Some(schema) = media.shift_remove("itemSchema") {
            let schema_at = at.push("itemSchema");
            let downgraded = openapi31::schema(schema, &schema_at, self.notes);
            media.insert(ITEM_SCHEMA.to_owned(), downgraded);
            if !events {
                self.note(
                    &schema_at,
                    "`itemSchema` (the schema of each item of a streamed body) is used for `text/event-stream` only: this body is read whole, as its media type says",
                );
            }
        }
        for keyword in ["itemEncoding", "prefixEncoding"] {
            if media.shift_remove(keyword).is_some() {
                self.note(
                    &at.push(keyword),
                    format!("`{keyword}` has no OpenAPI 3.0 equivalent; dropped"),
                );
            }
        }
        if let Some(Value::Object(examples)) = media.get_mut("examples") {
            examples.values_mut().for_each(example);
        }
        if let Some(Value::Object(encodings)) = media.get_mut("encoding") {
            let encoding_at = at.push("encoding");
            for (property, encoding) in encodings.iter_mut() {
                self.encoding(encoding, &encoding_at.push(property));
            }
        }
    }

    /// One encoding of a form: its headers, without 3.2's nested encodings.
    fn encoding(&mut self, value: &mut Value, at: &Pointer) {
        let Some(encoding) = value.as_object_mut() else {
            return;
        };
        for keyword in ["encoding", "itemEncoding", "prefixEncoding"] {
            if encoding.shift_remove(keyword).is_some() {
                self.note(
                    &at.push(keyword),
                    format!("a nested `{keyword}` has no OpenAPI 3.0 equivalent; dropped"),
                );
            }
        }
        if let Some(Value::Object(headers)) = encoding.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                self.header(header, &at.push("headers").push(name));
            }
        }
    }
}

/// An `in: querystring` parameter whose one media type is a form, as the exploded `form`
/// query object that sends the same pairs; `false` (left as it is) when it is anything else.
fn querystring_as_query(parameter: &mut Map<String, Value>) -> bool {
    let form = parameter
        .get("content")
        .and_then(Value::as_object)
        .filter(|content| content.len() == 1)
        .and_then(|content| content.get("application/x-www-form-urlencoded"));
    let Some(form) = form else {
        return false;
    };
    let schema = form
        .get("schema")
        .cloned()
        .unwrap_or_else(|| json!({ "type": "object" }));
    parameter.shift_remove("content");
    parameter.insert("in".to_owned(), json!("query"));
    parameter.insert("style".to_owned(), json!("form"));
    parameter.insert("explode".to_owned(), json!(true));
    parameter.insert("schema".to_owned(), schema);
    true
}

/// An Example Object in 3.1 terms: 3.2's `dataValue` is its `value`.
fn example(value: &mut Value) {
    let Some(example) = value.as_object_mut() else {
        return;
    };
    if let Some(data) = example.shift_remove("dataValue") {
        example.entry("value").or_insert(data);
    }
}

/// A tag described by its `summary` when it has no description.
fn summary_as_description(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if !object.contains_key("description") {
        if let Some(summary) = object.get("summary").cloned() {
            object.insert("description".to_owned(), summary);
        }
    }
}

/// Each item of a list through `each`.
fn each_item(value: &mut Value, mut each: impl FnMut(&mut Value)) {
    if let Value::Array(items) = value {
        items.iter_mut().for_each(&mut each);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downgraded(document: Value) -> (Value, Vec<(String, String)>) {
        let mut notes = Vec::new();
        let value = downgrade(document, &mut notes);
        let notes = notes
            .into_iter()
            .map(|(at, message)| (at.to_string(), message))
            .collect();
        (value, notes)
    }

    fn document(paths: Value, components: Value) -> Value {
        json!({
            "openapi": "3.2.0",
            "info": { "title": "t", "version": "1" },
            "paths": paths,
            "components": components,
        })
    }

    #[test]
    fn query_and_custom_methods_are_skipped_with_notes() {
        let (value, notes) = downgraded(document(
            json!({ "/search": {
                "get": { "responses": { "200": { "description": "ok" } } },
                "query": { "responses": { "200": { "description": "ok" } } },
                "additionalOperations": { "PURGE": { "responses": {} } },
            }}),
            json!({}),
        ));
        assert_eq!(value["openapi"], "3.1.2");
        let item = value["paths"]["/search"].as_object().expect("item");
        assert_eq!(item.keys().collect::<Vec<_>>(), ["get"]);
        let at: Vec<&str> = notes.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/paths/~1search/query",
                "#/paths/~1search/additionalOperations/PURGE"
            ]
        );
        assert!(notes[1].1.contains("`PURGE`"), "{notes:?}");
    }

    #[test]
    fn a_form_querystring_is_an_exploded_query_object_and_others_skip_their_operation() {
        let form = json!({
            "name": "filter", "in": "querystring", "required": true,
            "content": { "application/x-www-form-urlencoded": { "schema": { "$ref": "#/components/schemas/F" } } },
        });
        let json_string = json!({
            "name": "q", "in": "querystring",
            "content": { "application/json": { "schema": { "type": "object" } } },
        });
        let (value, notes) = downgraded(document(
            json!({
                "/a": { "get": { "parameters": [form], "responses": {} } },
                "/b": { "get": { "parameters": [json_string], "responses": {} } },
                "/c": { "get": {
                    "parameters": [{ "$ref": "#/components/parameters/Raw" }],
                    "responses": {},
                } },
            }),
            json!({ "parameters": { "Raw": json_string } }),
        ));
        assert_eq!(
            value["paths"]["/a"]["get"]["parameters"][0],
            json!({
                "name": "filter", "in": "query", "required": true, "style": "form",
                "explode": true, "schema": { "$ref": "#/components/schemas/F" },
            })
        );
        assert_eq!(value["paths"]["/b"], json!({}));
        assert_eq!(value["paths"]["/c"], json!({}));
        assert_eq!(value["components"]["parameters"], json!({}));
        let at: Vec<&str> = notes.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/components/parameters/Raw/in",
                "#/paths/~1b/get/parameters/0/in",
                "#/paths/~1b/get",
                "#/paths/~1c/get",
            ]
        );
    }

    #[test]
    fn a_path_level_querystring_that_is_not_a_form_goes_with_every_operation() {
        let json_string = json!({
            "name": "q", "in": "querystring",
            "content": { "application/json": { "schema": { "type": "object" } } },
        });
        let kept =
            json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } });
        let (value, notes) = downgraded(document(
            json!({
                "/a/{id}": {
                    "parameters": [kept, json_string],
                    "get": { "responses": {} },
                    "post": { "responses": {} },
                },
                "/b": {
                    "parameters": [{ "$ref": "#/components/parameters/Raw" }],
                    "get": { "responses": {} },
                },
            }),
            json!({ "parameters": { "Raw": json_string } }),
        ));
        assert_eq!(value["paths"]["/a/{id}"], json!({ "parameters": [kept] }));
        assert_eq!(value["paths"]["/b"], json!({}));
        let at: Vec<&str> = notes.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/components/parameters/Raw/in",
                "#/paths/~1a~1{id}/parameters/1/in",
                "#/paths/~1a~1{id}/get",
                "#/paths/~1a~1{id}/post",
                "#/paths/~1b/get",
            ]
        );
    }

    #[test]
    fn media_types_are_inlined_and_item_schemas_kept_downgraded() {
        let (value, notes) = downgraded(document(
            json!({ "/events": { "get": { "responses": { "200": {
                "summary": "a stream",
                "content": {
                    "text/event-stream": { "$ref": "#/components/mediaTypes/Events" },
                    "application/jsonl": { "itemSchema": { "type": "integer" } },
                },
            } } } } }),
            json!({ "mediaTypes": { "Events": {
                "itemSchema": { "type": ["string", "null"] },
                "itemEncoding": { "contentType": "text/plain" },
                "examples": { "one": { "dataValue": { "data": "x" } } },
            } } }),
        ));
        let response = &value["paths"]["/events"]["get"]["responses"]["200"];
        assert_eq!(response["description"], "a stream");
        let media = &response["content"]["text/event-stream"];
        assert_eq!(
            media[ITEM_SCHEMA],
            json!({ "type": "string", "nullable": true })
        );
        assert_eq!(
            media["examples"]["one"],
            json!({ "value": { "data": "x" } })
        );
        assert!(media.get("itemEncoding").is_none(), "{media}");
        assert!(value["components"].get("mediaTypes").is_none());
        let at: Vec<&str> = notes.iter().map(|(at, _)| at.as_str()).collect();
        // Events use their item schema; another streamed body is read whole, with a note.
        let content = "#/paths/~1events/get/responses/200/content";
        assert_eq!(
            at,
            [
                format!("{content}/text~1event-stream/itemEncoding"),
                format!("{content}/application~1jsonl/itemSchema"),
            ]
        );
    }

    #[test]
    fn documentation_fields_stay_for_the_parser_to_ignore() {
        let mut input = document(json!({}), json!({}));
        input["$self"] = json!("https://example.com/api.yaml");
        input["tags"] = json!([
            { "name": "pets", "summary": "Pets", "parent": "animals", "kind": "nav" },
            { "name": "animals", "description": "All", "summary": "A" },
        ]);
        let (value, notes) = downgraded(input);
        assert!(value.get("$self").is_none());
        assert_eq!(value["tags"][0]["description"], "Pets");
        assert_eq!(value["tags"][1]["description"], "All");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "#/$self");
    }
}

//! OpenAPI 3.1 to OpenAPI 3.0, as a transformation of the JSON value.
//!
//! 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are the draft-5 dialect `openapiv3`
//! reads. The downgrade rewrites the 3.1 spellings that have a 3.0 one (`type` lists with
//! `"null"`, `const`, `examples`, numeric `exclusiveMinimum`/`exclusiveMaximum`, `$ref` with
//! siblings, `prefixItems`, boolean schemas, `anyOf: [X, {type: "null"}]`) and drops, with a
//! note, what 3.0 cannot say, so that everything after loading needs one model only.
//!
//! Schemas are looked for only where OpenAPI puts them (components, parameters, headers,
//! media types, and inside schemas), so that a property, an example or a media type that
//! happens to be called `const` or `examples` is left alone. Keywords 3.0 does not know and
//! that are not listed here are left as they are: the typed parser ignores them. Notes point
//! into the original document, since that is the file the user edits.

use serde_json::{Map, Value, json};

use super::Note;
use crate::pointer::Pointer;

/// How deep schemas (and callbacks) may nest; deeper input is left as it is, with a note,
/// rather than recursed into.
const MAX_DEPTH: usize = 128;

/// The operations of a path item.
pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords OpenAPI 3.0 has no room for: dropped, with a note.
const DROPPED: &[&str] = &[
    "contentEncoding",
    "contentMediaType",
    "$schema",
    "$id",
    "$anchor",
    "$defs",
    "dependentRequired",
    "unevaluatedProperties",
    "if",
    "then",
    "else",
    // References resolved at validation time; a client's types cannot follow them.
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
];

/// Siblings of a `$ref` that only annotate it (besides `x-` extensions): with these alone,
/// the `$ref` is kept as it is, as 3.0 reads it.
const ANNOTATIONS: &[&str] = &["description", "summary", "title", "$comment", "example"];

/// The keywords that constrain one type only: when a `type` list becomes `anyOf`, they move
/// into the member of their type.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    ("string", &["minLength", "maxLength", "pattern"]),
    (
        "number",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    (
        "integer",
        &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
    ),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// Downgrades an OpenAPI 3.1 document to 3.0.3, noting what it had to drop.
pub(crate) fn downgrade(document: Value, notes: &mut Vec<Note>) -> Value {
    let Value::Object(root) = document else {
        return document;
    };
    let mut downgrade = Downgrade {
        notes,
        callback_depth: 0,
    };
    let mut out = Map::new();
    for (key, value) in root {
        let at = Pointer::root().push(&key);
        let value = match key.as_str() {
            "openapi" => json!("3.0.3"),
            "jsonSchemaDialect" => continue,
            "webhooks" => {
                downgrade.note(&at, "webhooks have no OpenAPI 3.0 equivalent; dropped");
                continue;
            }
            "info" => info(value),
            "paths" => downgrade.entries(value, &at, true, Downgrade::path_item),
            "components" => downgrade.components(value, &at),
            _ => value,
        };
        out.insert(key, value);
    }
    // `paths` is optional in 3.1 and required in 3.0.
    out.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    Value::Object(out)
}

/// One schema downgraded on its own (3.2's `itemSchema`, which 3.0 keeps as an extension that
/// the walk of the document does not enter).
pub(super) fn schema(value: Value, at: &Pointer, notes: &mut Vec<Note>) -> Value {
    let mut downgrade = Downgrade {
        notes,
        callback_depth: 0,
    };
    downgrade.schema(value, at, 0)
}

/// `info` without the 3.1 `license.identifier`.
fn info(value: Value) -> Value {
    let Value::Object(mut info) = value else {
        return value;
    };
    if let Some(Value::Object(license)) = info.get_mut("license") {
        license.shift_remove("identifier");
    }
    Value::Object(info)
}

/// The state of one downgrade (named apart from lowering, the stage after loading): the
/// notes, and how deep callbacks nest.
struct Downgrade<'n> {
    notes: &'n mut Vec<Note>,
    callback_depth: usize,
}

impl Downgrade<'_> {
    fn note(&mut self, at: &Pointer, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    /// Each field of a mapping, in order, through `field` (given the key, the value and where
    /// it is), which returns the new value or `None` to drop the field. Anything but a mapping
    /// is left as it is, for the typed parser to report.
    fn fields(
        &mut self,
        value: Value,
        at: &Pointer,
        mut field: impl FnMut(&mut Self, &str, Value, &Pointer) -> Option<Value>,
    ) -> Value {
        let Value::Object(map) = value else {
            return value;
        };
        let mut out = Map::new();
        for (key, value) in map {
            if let Some(value) = field(self, &key, value, &at.push(&key)) {
                out.insert(key, value);
            }
        }
        Value::Object(out)
    }

    /// Each entry of a mapping through `each` (`x-` keys left alone when `skip_extensions`).
    fn entries(
        &mut self,
        value: Value,
        at: &Pointer,
        skip_extensions: bool,
        mut each: impl FnMut(&mut Self, Value, &Pointer) -> Value,
    ) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(if skip_extensions && key.starts_with("x-") {
                value
            } else {
                each(d, value, at)
            })
        })
    }

    /// Each item of a list through `each`.
    fn items(
        &mut self,
        value: Value,
        at: &Pointer,
        mut each: impl FnMut(&mut Self, Value, &Pointer) -> Value,
    ) -> Value {
        let Value::Array(list) = value else {
            return value;
        };
        let downgraded = list
            .into_iter()
            .enumerate()
            .map(|(index, item)| each(self, item, &at.push(index)))
            .collect();
        Value::Array(downgraded)
    }

    fn components(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "schemas" => d.entries(value, at, false, |d, v, a| d.schema(v, a, 0)),
                "responses" => d.entries(value, at, false, Self::response),
                "parameters" | "headers" => d.entries(value, at, false, Self::parameter),
                "requestBodies" => d.entries(value, at, false, Self::request_body),
                "callbacks" => d.entries(value, at, false, Self::callback),
                "securitySchemes" => d.security_schemes(value, at),
                "pathItems" => {
                    d.note(
                        at,
                        "components.pathItems have no OpenAPI 3.0 equivalent; dropped",
                    );
                    return None;
                }
                _ => value,
            })
        })
    }

    /// Security schemes without the 3.1 `mutualTLS` ones, which 3.0 cannot declare.
    fn security_schemes(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, _, scheme, at| {
            if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
                d.note(
                    at,
                    "mutualTLS security schemes have no OpenAPI 3.0 equivalent; dropped",
                );
                return None;
            }
            Some(scheme)
        })
    }

    fn path_item(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "parameters" => d.items(value, at, Self::parameter),
                method if METHODS.contains(&method) => d.operation(value, at),
                _ => value,
            })
        })
    }

    fn operation(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "parameters" => d.items(value, at, Self::parameter),
                "requestBody" => d.request_body(value, at),
                "responses" => d.entries(value, at, true, Self::response),
                "callbacks" => d.entries(value, at, false, Self::callback),
                _ => value,
            })
        })
    }

    /// A callback: path items, which may hold callbacks in turn (hence the depth limit).
    fn callback(&mut self, value: Value, at: &Pointer) -> Value {
        if self.callback_depth >= MAX_DEPTH {
            self.note(
                at,
                format!("callbacks nest more than {MAX_DEPTH} levels deep; left as they are"),
            );
            return value;
        }
        self.callback_depth += 1;
        let downgraded = self.entries(value, at, true, Self::path_item);
        self.callback_depth -= 1;
        downgraded
    }

    /// A parameter or a header: its `schema`, or the schemas of its `content`.
    fn parameter(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "schema" => d.schema(value, at, 0),
                "content" => d.entries(value, at, false, Self::media_type),
                _ => value,
            })
        })
    }

    fn request_body(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "content" => d.entries(value, at, false, Self::media_type),
                _ => value,
            })
        })
    }

    fn response(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "content" => d.entries(value, at, false, Self::media_type),
                "headers" => d.entries(value, at, false, Self::parameter),
                _ => value,
            })
        })
    }

    /// A media type: its `schema`, and the headers of its `encoding`.
    fn media_type(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "schema" => d.schema(value, at, 0),
                "encoding" => d.entries(value, at, false, Self::encoding),
                _ => value,
            })
        })
    }

    /// One encoding of a media type: the headers of its parts.
    fn encoding(&mut self, value: Value, at: &Pointer) -> Value {
        self.fields(value, at, |d, key, value, at| {
            Some(match key {
                "headers" => d.entries(value, at, false, Self::parameter),
                _ => value,
            })
        })
    }

    /// A schema in a place where `true`/`false` mean "anything"/"nothing".
    fn schema(&mut self, value: Value, at: &Pointer, depth: usize) -> Value {
        match value {
            Value::Bool(true) => json!({}),
            Value::Bool(false) => json!({ "not": {} }),
            Value::Object(schema) if depth >= MAX_DEPTH => {
                self.note(
                    at,
                    format!("schemas nest more than {MAX_DEPTH} levels deep; left as they are"),
                );
                Value::Object(schema)
            }
            Value::Object(schema) => self.schema_object(schema, at, depth),
            other => other,
        }
    }

    /// A schema object: its subschemas first, then its own keywords, in the order that lets
    /// each rewrite see the others' results (bounds, tuple items, types, nullable
    /// alternatives, `$ref` siblings last).
    fn schema_object(&mut self, schema: Map<String, Value>, at: &Pointer, depth: usize) -> Value {
        let has_example = schema.contains_key("example");
        let mut out = Map::new();
        let mut exclusive: Vec<(String, Value)> = Vec::new();
        let mut prefix_items: Option<(Value, Pointer)> = None;
        let mut types: Option<(Value, Pointer)> = None;
        let mut null_alternative: Option<String> = None;
        let mut constant: Option<Value> = None;
        for (key, value) in schema {
            let key_at = at.push(&key);
            let sub = depth + 1;
            let value = match key.as_str() {
                "properties" => self.entries(value, &key_at, false, |d, v, a| d.schema(v, a, sub)),
                // `contentSchema` types a string's decoded content (an event's JSON `data`).
                "items" | "not" | "contentSchema" => self.schema(value, &key_at, sub),
                "additionalProperties" if value.is_object() => self.schema(value, &key_at, sub),
                "allOf" => self.items(value, &key_at, |d, v, a| d.schema(v, a, sub)),
                "anyOf" | "oneOf" => {
                    let (members, had_null) = self.alternatives(value, &key_at, sub);
                    if had_null {
                        null_alternative = Some(key.clone());
                    }
                    members
                }
                "prefixItems" => {
                    let downgraded = self.items(value, &key_at, |d, v, a| d.schema(v, a, sub));
                    prefix_items = Some((downgraded, key_at));
                    continue;
                }
                "type" => {
                    // The place of `type`, settled below.
                    types = Some((value, key_at));
                    Value::Null
                }
                "const" => {
                    constant = Some(value);
                    continue;
                }
                "examples" if value.is_array() => {
                    let first = value.as_array().and_then(|list| list.first()).cloned();
                    if let (false, Some(first)) = (has_example, first) {
                        out.insert("example".to_owned(), first);
                    }
                    continue;
                }
                "discriminator" => self.discriminator(value, &key_at),
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_number() => {
                    exclusive.push((key, value));
                    continue;
                }
                keyword if DROPPED.contains(&keyword) => {
                    self.note(
                        &key_at,
                        format!("`{keyword}` has no OpenAPI 3.0 equivalent; dropped"),
                    );
                    continue;
                }
                _ => value,
            };
            out.insert(key, value);
        }
        if let Some(constant) = constant {
            out.insert("enum".to_owned(), Value::Array(vec![constant]));
        }
        for (keyword, bound) in exclusive {
            exclusive_bound(&mut out, &keyword, bound);
        }
        if let Some((downgraded, at)) = prefix_items {
            self.prefix_items(&mut out, downgraded, &at);
        }
        let mut nullable = false;
        if let Some((value, at)) = types {
            nullable = self.types(&mut out, value, &at);
        }
        if let Some(key) = null_alternative {
            nullable = true;
            single_alternative_as_all_of(&mut out, &key);
        }
        if nullable {
            out.insert("nullable".to_owned(), json!(true));
        }
        Value::Object(ref_siblings(out))
    }

    /// A discriminator without 3.2's `defaultMapping` (the schema for values the mapping does
    /// not name), which 3.0 cannot say.
    fn discriminator(&mut self, value: Value, at: &Pointer) -> Value {
        let Value::Object(mut discriminator) = value else {
            return value;
        };
        if discriminator.shift_remove("defaultMapping").is_some() {
            self.note(
                &at.push("defaultMapping"),
                "`defaultMapping` has no OpenAPI 3.0 equivalent; dropped",
            );
        }
        Value::Object(discriminator)
    }

    /// The members of an `anyOf`/`oneOf`, downgraded, without those that only allow `null`;
    /// and whether there was such a member (the schema is then nullable).
    fn alternatives(&mut self, value: Value, at: &Pointer, depth: usize) -> (Value, bool) {
        let Value::Array(members) = value else {
            return (value, false);
        };
        let mut had_null = false;
        let mut kept = Vec::new();
        for (index, member) in members.into_iter().enumerate() {
            if only_null(&member) {
                had_null = true;
                continue;
            }
            kept.push(self.schema(member, &at.push(index), depth));
        }
        (Value::Array(kept), had_null)
    }

    /// `prefixItems` as `items`: the one schema all positions share, else any value.
    fn prefix_items(&mut self, out: &mut Map<String, Value>, downgraded: Value, at: &Pointer) {
        let mut candidates = match downgraded {
            Value::Array(list) => list,
            other => vec![other],
        };
        if let Some(rest) = out.get("items") {
            candidates.push(rest.clone());
        }
        let shared = candidates
            .first()
            .filter(|first| candidates.iter().all(|c| c == *first))
            .cloned();
        let items = match shared {
            Some(items) => items,
            None => {
                self.note(
                    at,
                    "`prefixItems` with different item schemas has no OpenAPI 3.0 equivalent; the items are left untyped",
                );
                json!({})
            }
        };
        out.insert("items".to_owned(), items);
    }

    /// Settles `type` in `out` (whose `type` key holds its place): one type stays, `"null"`
    /// makes the schema nullable, several types become `anyOf`. Returns whether `null` was
    /// among the types.
    fn types(&mut self, out: &mut Map<String, Value>, value: Value, at: &Pointer) -> bool {
        let list = match value {
            Value::Array(list) => list,
            Value::String(name) if name != "null" => {
                out.insert("type".to_owned(), Value::String(name));
                return false;
            }
            Value::String(_) => vec![json!("null")],
            other => {
                out.insert("type".to_owned(), other);
                return false;
            }
        };
        let has_null = list.iter().any(|t| t == "null");
        let mut named: Vec<Value> = Vec::new();
        for name in list {
            if name != "null" && !named.contains(&name) {
                named.push(name);
            }
        }
        match named.len() {
            0 => {
                out.shift_remove("type");
                self.note(
                    at,
                    "`type: null` alone has no OpenAPI 3.0 equivalent; read as a nullable value of any type",
                );
            }
            1 => {
                out.insert("type".to_owned(), named.remove(0));
            }
            _ if out.contains_key("anyOf") => {
                out.shift_remove("type");
                self.note(
                    at,
                    "a list of types beside `anyOf` has no OpenAPI 3.0 equivalent; the types are dropped",
                );
            }
            _ => {
                out.shift_remove("type");
                let members = named
                    .iter()
                    .map(|name| type_member(out, name))
                    .collect::<Vec<_>>();
                for (_, keywords) in TYPE_KEYWORDS {
                    for keyword in *keywords {
                        out.shift_remove(*keyword);
                    }
                }
                if members.iter().any(|m| m.get("format").is_some()) {
                    out.shift_remove("format");
                }
                out.insert("anyOf".to_owned(), Value::Array(members));
            }
        }
        has_null
    }
}

/// The `anyOf` member for one of several types: the type and the keywords of `out` that
/// constrain it (and `format`, when the format belongs to that type).
fn type_member(out: &Map<String, Value>, name: &Value) -> Value {
    let mut member = Map::new();
    member.insert("type".to_owned(), name.clone());
    let name = name.as_str().unwrap_or_default();
    let keywords = TYPE_KEYWORDS
        .iter()
        .find(|(kind, _)| *kind == name)
        .map(|(_, keywords)| *keywords)
        .unwrap_or_default();
    for keyword in keywords {
        if let Some(value) = out.get(*keyword) {
            member.insert((*keyword).to_owned(), value.clone());
        }
    }
    if let Some(format) = out.get("format") {
        let format_type = match format.as_str().unwrap_or_default() {
            "int32" | "int64" => "integer",
            "float" | "double" => "number",
            _ => "string",
        };
        if format_type == name {
            member.insert("format".to_owned(), format.clone());
        }
    }
    Value::Object(member)
}

/// A numeric 3.1 `exclusiveMinimum`/`exclusiveMaximum` as the 3.0 bound plus flag, unless an
/// inclusive bound already present is stricter.
fn exclusive_bound(out: &mut Map<String, Value>, keyword: &str, bound: Value) {
    let (inclusive, stricter) = match keyword {
        "exclusiveMinimum" => ("minimum", std::cmp::Ordering::Greater),
        _ => ("maximum", std::cmp::Ordering::Less),
    };
    let present = out.get(inclusive).and_then(Value::as_f64);
    let stricter_present = match (present, bound.as_f64()) {
        (Some(present), Some(bound)) => present.partial_cmp(&bound) == Some(stricter),
        _ => false,
    };
    if !stricter_present {
        out.insert(inclusive.to_owned(), bound);
        out.insert(keyword.to_owned(), json!(true));
    }
}

/// After its `null` members are gone, an `anyOf`/`oneOf` of one member is that member: an
/// `allOf` of one, which (unlike a bare `$ref`) can carry `nullable`.
fn single_alternative_as_all_of(out: &mut Map<String, Value>, key: &str) {
    let single = matches!(out.get(key), Some(Value::Array(members)) if members.len() == 1);
    if single && !out.contains_key("allOf") {
        if let Some(members) = out.shift_remove(key) {
            out.insert("allOf".to_owned(), members);
        }
    } else if matches!(out.get(key), Some(Value::Array(members)) if members.is_empty()) {
        out.shift_remove(key);
    }
}

/// Whether an `anyOf`/`oneOf` member allows only `null` (`{type: "null"}`, perhaps annotated).
fn only_null(member: &Value) -> bool {
    let Some(member) = member.as_object() else {
        return false;
    };
    let null_type = match member.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => !names.is_empty() && names.iter().all(|n| n == "null"),
        _ => false,
    };
    null_type && member.keys().all(|key| key == "type" || is_annotation(key))
}

/// A `$ref` with siblings: alone when the siblings only annotate it; otherwise an `allOf` of
/// the reference beside the siblings, since 3.0 ignores a `$ref`'s siblings.
fn ref_siblings(out: Map<String, Value>) -> Map<String, Value> {
    if !out.contains_key("$ref") || out.len() == 1 {
        return out;
    }
    if out.keys().all(|key| key == "$ref" || is_annotation(key)) {
        return out.into_iter().filter(|(key, _)| key == "$ref").collect();
    }
    let mut wrapped = Map::new();
    let mut reference = None;
    for (key, value) in out {
        if key == "$ref" {
            reference = Some(value);
        } else {
            wrapped.insert(key, value);
        }
    }
    let reference = json!({ "$ref": reference });
    match wrapped.get_mut("allOf") {
        Some(Value::Array(members)) => members.insert(0, reference),
        _ => {
            wrapped.shift_insert(0, "allOf".to_owned(), json!([reference]));
        }
    }
    wrapped
}

fn is_annotation(key: &str) -> bool {
    key.starts_with("x-") || ANNOTATIONS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downgraded_schema(schema: Value) -> (Value, Vec<Note>) {
        let mut notes = Vec::new();
        let document = json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "components": { "schemas": { "S": schema } },
        });
        let downgraded = downgrade(document, &mut notes);
        (downgraded["components"]["schemas"]["S"].clone(), notes)
    }

    #[test]
    fn deep_schemas_are_left_with_a_note() {
        let mut schema = json!({ "type": ["string", "null"] });
        for _ in 0..(MAX_DEPTH + 10) {
            schema = json!({ "type": "array", "items": schema });
        }
        let (_, notes) = downgraded_schema(schema);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].1.contains("nest more than"), "{notes:?}");
    }

    #[test]
    fn several_types_become_any_of_with_their_own_keywords() {
        let (schema, notes) = downgraded_schema(json!({
            "type": ["string", "integer", "null"],
            "maxLength": 3,
            "minimum": 1,
            "description": "either",
        }));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            schema,
            json!({
                "description": "either",
                "anyOf": [
                    { "type": "string", "maxLength": 3 },
                    { "type": "integer", "minimum": 1 },
                ],
                "nullable": true,
            })
        );
    }

    #[test]
    fn null_alternatives_make_a_nullable_all_of() {
        let (schema, _) = downgraded_schema(json!({
            "anyOf": [{ "$ref": "#/components/schemas/T" }, { "type": "null" }],
        }));
        assert_eq!(
            schema,
            json!({ "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true })
        );
    }

    #[test]
    fn boolean_schemas_and_tuples() {
        let (schema, notes) = downgraded_schema(json!({
            "type": "object",
            "properties": { "any": true, "none": false },
            "additionalProperties": false,
        }));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(schema["properties"]["any"], json!({}));
        assert_eq!(schema["properties"]["none"], json!({ "not": {} }));
        assert_eq!(schema["additionalProperties"], json!(false));

        let (schema, notes) = downgraded_schema(json!({
            "type": "array",
            "prefixItems": [{ "type": "string" }, { "type": "string" }],
        }));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(schema["items"], json!({ "type": "string" }));
        let (schema, notes) = downgraded_schema(json!({
            "type": "array",
            "prefixItems": [{ "type": "string" }, { "type": "integer" }],
        }));
        assert_eq!(schema["items"], json!({}));
        assert_eq!(notes[0].0.to_string(), "#/components/schemas/S/prefixItems");
    }

    #[test]
    fn dynamic_references_are_dropped_with_a_located_note() {
        let (schema, notes) = downgraded_schema(json!({
            "$dynamicAnchor": "node",
            "type": "object",
            "properties": { "children": { "type": "array", "items": { "$dynamicRef": "#node" } } },
        }));
        assert_eq!(schema["properties"]["children"]["items"], json!({}));
        let notes: Vec<(String, &str)> = notes
            .iter()
            .map(|(at, note)| (at.to_string(), note.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                (
                    "#/components/schemas/S/$dynamicAnchor".to_owned(),
                    "`$dynamicAnchor` has no OpenAPI 3.0 equivalent; dropped"
                ),
                (
                    "#/components/schemas/S/properties/children/items/$dynamicRef".to_owned(),
                    "`$dynamicRef` has no OpenAPI 3.0 equivalent; dropped"
                ),
            ]
        );
    }
}

//! Swagger 2.0 to OpenAPI 3.0, as a transformation of the JSON value.
//!
//! The upgrade works on the untyped value so that everything after loading sees one model
//! (`openapiv3`, 3.0). What 2.0 spreads over several places is gathered where 3.0 keeps it:
//! `host`/`basePath`/`schemes` become `servers`, `consumes`/`produces` become the media types
//! of bodies and responses, `in: body` and `in: formData` parameters become one
//! `requestBody`, and the top-level sections move under `components`. Body and formData
//! parameters declared under the top-level `parameters` are inlined where they are used
//! (3.0 has no place for them among parameters), so `components/parameters` keeps only the
//! others.
//!
//! Keys keep the input's order (maps are ordered): the order of properties, paths, responses
//! and form fields decides the order of fields, methods, variants and arguments. Notes and
//! errors point into the original 2.0 document, since that is the file the user edits.

use serde_json::{Map, Value, json};

use super::Note;
use crate::media::MediaKind;
use crate::pointer::{Pointer, unescape};

/// How deep schemas may nest; deeper input is refused rather than recursed into.
const MAX_DEPTH: usize = 128;

/// The operations of a 2.0 path item.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords of a non-body parameter, a header or an `items` object that describe its
/// value: in OpenAPI 3.0 they move into a `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// Where local `$ref`s into the 2.0 sections point once those sections are components.
const REF_PREFIXES: [(&str, &str); 3] = [
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
];

/// Upgrades a Swagger 2.0 document to OpenAPI 3.0.3, with the errors that kept parts of it
/// from being upgraded (every one of them: the rest is upgraded all the same). A part that
/// could not be upgraded is left out (or emptied, where 3.0 requires it), so that the typed
/// parse does not report it a second time.
pub(crate) fn upgrade(document: Value, notes: &mut Vec<Note>) -> (Value, Vec<Note>) {
    let Value::Object(root) = &document else {
        let error = (
            Pointer::root(),
            "not a Swagger 2.0 document: the top level is not a mapping".to_owned(),
        );
        return (document, vec![error]);
    };
    let mut upgrader = Upgrader {
        root,
        notes,
        errors: Vec::new(),
        consumes: None,
        produces: None,
    };
    upgrader.consumes =
        upgrader.media_types(root.get("consumes"), &Pointer::root().push("consumes"));
    upgrader.produces =
        upgrader.media_types(root.get("produces"), &Pointer::root().push("produces"));
    let upgraded = upgrader.document();
    (Value::Object(upgraded), upgrader.errors)
}

/// The state of one upgrade: the original document (for `$ref`s to shared parameters and
/// for the global media types) and what was found on the way.
struct Upgrader<'a> {
    root: &'a Map<String, Value>,
    notes: &'a mut Vec<Note>,
    errors: Vec<Note>,
    /// The document-wide `consumes`, when it names any media type.
    consumes: Option<Vec<String>>,
    /// The document-wide `produces`, when it names any media type.
    produces: Option<Vec<String>>,
}

/// The parameters of a path item or an operation, sorted by what they become in 3.0.
#[derive(Default)]
struct Parameters<'a> {
    /// Query, header and path parameters, already upgraded.
    others: Vec<Value>,
    /// The body parameter, and where it is written.
    body: Option<(&'a Map<String, Value>, Pointer)>,
    /// The formData parameters in order, and where each is written.
    form: Vec<(&'a Map<String, Value>, Pointer)>,
}

/// A parameter as listed: an object (perhaps behind a `$ref` to the top-level
/// `parameters`), or a reference that cannot be followed here and is kept as one.
enum Listed<'a> {
    Object {
        object: &'a Map<String, Value>,
        at: Pointer,
        /// The upgraded `$ref` it was reached through, if any.
        reference: Option<String>,
    },
    Opaque(String),
}

impl<'a> Upgrader<'a> {
    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        self.errors.push((at.clone(), message.into()));
    }

    /// Reports `what` nesting deeper than [`MAX_DEPTH`] at `at`; whether it does.
    fn too_deep(&mut self, depth: usize, at: &Pointer, what: &str) -> bool {
        if depth > MAX_DEPTH {
            self.error(at, format!("{what} nest more than {MAX_DEPTH} levels deep"));
        }
        depth > MAX_DEPTH
    }

    fn note(&mut self, at: &Pointer, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    /// The root, key by key in the input's order; `components` and `servers` take the place
    /// of the first key they are made from.
    fn document(&mut self) -> Map<String, Value> {
        let root = self.root;
        let mut out = Map::new();
        let mut servers_placed = false;
        for (key, value) in root {
            let at = Pointer::root().push(key);
            match key.as_str() {
                "swagger" => {
                    out.insert("openapi".to_owned(), json!("3.0.3"));
                }
                "host" | "basePath" | "schemes" | "x-servers" => {
                    if !std::mem::replace(&mut servers_placed, true) {
                        if let Some(servers) = self.servers() {
                            out.insert("servers".to_owned(), servers);
                        }
                    }
                }
                "consumes" | "produces" => {}
                "paths" => {
                    let paths = self.paths(value, &at);
                    out.insert(key.clone(), paths);
                }
                "definitions" | "parameters" | "responses" | "securityDefinitions" => {
                    let (section, converted) = match key.as_str() {
                        "definitions" => (
                            "schemas",
                            self.section(value, &at, |u, v, a| Some(u.schema(v, a, 0))),
                        ),
                        "parameters" => (
                            "parameters",
                            self.section(value, &at, Self::shared_parameter),
                        ),
                        "responses" => {
                            let produces = self.produces.clone();
                            (
                                "responses",
                                self.section(value, &at, |u, v, a| {
                                    u.response(v, a, produces.as_deref())
                                }),
                            )
                        }
                        _ => (
                            "securitySchemes",
                            self.section(value, &at, Self::security_scheme),
                        ),
                    };
                    let components = out
                        .entry("components")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(components) = components {
                        components.insert(section.to_owned(), converted);
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        out
    }

    /// A top-level section (`definitions`, ...) entry by entry; `None` leaves an entry out.
    fn section<'v>(
        &mut self,
        value: &'v Value,
        at: &Pointer,
        mut convert: impl FnMut(&mut Self, &'v Value, &Pointer) -> Option<Value>,
    ) -> Value {
        let Some(entries) = value.as_object() else {
            self.error(at, "expected a mapping of names to definitions");
            return Value::Object(Map::new());
        };
        let mut out = Map::new();
        for (name, entry) in entries {
            if let Some(converted) = convert(self, entry, &at.push(name)) {
                out.insert(name.clone(), converted);
            }
        }
        Value::Object(out)
    }

    /// `servers` from `x-servers` (3.0 server objects, the convention swagger2openapi and
    /// Redocly read, for what 2.0 cannot say: several hosts, descriptions), else from `host`,
    /// `basePath` and `schemes`: one server per scheme, or a relative one without a host.
    fn servers(&mut self) -> Option<Value> {
        let root = self.root;
        if let Some(servers) = root.get("x-servers") {
            if servers.is_array() {
                return Some(servers.clone());
            }
            self.error(
                &Pointer::root().push("x-servers"),
                "`x-servers` is not a list of servers",
            );
            return None;
        }
        let host = self.string(root.get("host"), &Pointer::root().push("host"));
        let base_path = self.string(root.get("basePath"), &Pointer::root().push("basePath"));
        let base = base_path.unwrap_or_default().trim_end_matches('/');
        let Some(host) = host else {
            let url = if base.is_empty() { "/" } else { base };
            return base_path.map(|_| json!([{ "url": url }]));
        };
        let schemes_at = Pointer::root().push("schemes");
        let schemes = match self.strings(root.get("schemes"), &schemes_at) {
            Some(schemes) => schemes,
            None => {
                self.note(
                    &Pointer::root().push("host"),
                    "no `schemes`: https is assumed",
                );
                vec!["https".to_owned()]
            }
        };
        let servers = schemes
            .iter()
            .map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") }))
            .collect();
        Some(Value::Array(servers))
    }

    /// A string field, or an error if it is something else.
    fn string<'v>(&mut self, value: Option<&'v Value>, at: &Pointer) -> Option<&'v str> {
        let value = value?;
        let text = value.as_str();
        if text.is_none() {
            self.error(at, "expected a string");
        }
        text
    }

    /// A list of strings (`schemes`); `None` when absent, empty or not such a list (an error).
    fn strings(&mut self, value: Option<&Value>, at: &Pointer) -> Option<Vec<String>> {
        let list = value?;
        let strings: Option<Vec<String>> = list.as_array().and_then(|items| {
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect()
        });
        match strings {
            Some(strings) => (!strings.is_empty()).then_some(strings),
            None => {
                self.error(at, "expected a list of strings");
                None
            }
        }
    }

    /// `consumes` or `produces`: the media types it names, if any.
    fn media_types(&mut self, value: Option<&Value>, at: &Pointer) -> Option<Vec<String>> {
        self.strings(value, at)
    }

    fn paths(&mut self, value: &'a Value, at: &Pointer) -> Value {
        let Some(paths) = value.as_object() else {
            self.error(at, "`paths` is not a mapping");
            return Value::Object(Map::new());
        };
        let mut out = Map::new();
        for (key, item) in paths {
            let converted = if key.starts_with("x-") {
                Some(item.clone())
            } else {
                self.path_item(item, &at.push(key))
            };
            if let Some(converted) = converted {
                out.insert(key.clone(), converted);
            }
        }
        Value::Object(out)
    }

    /// A path item: its query, header and path parameters stay shared; its body and formData
    /// parameters go into each operation's `requestBody`. `None` (an error) leaves it out, so
    /// that the typed parse does not report it again.
    fn path_item(&mut self, value: &'a Value, at: &Pointer) -> Option<Value> {
        let Some(item) = value.as_object() else {
            self.error(at, "a path item is not a mapping");
            return None;
        };
        let mut shared = self.parameters(item.get("parameters"), &at.push("parameters"));
        let mut out = Map::new();
        for (key, value) in item {
            let key_at = at.push(key);
            match key.as_str() {
                "parameters" => {
                    let kept = std::mem::take(&mut shared.others);
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(kept));
                    }
                }
                method if METHODS.contains(&method) => {
                    if let Some(operation) = self.operation(value, &key_at, &shared) {
                        out.insert(key.clone(), operation);
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Some(Value::Object(out))
    }

    /// An operation; `None` (an error) leaves it out.
    fn operation(
        &mut self,
        value: &'a Value,
        at: &Pointer,
        shared: &Parameters<'a>,
    ) -> Option<Value> {
        let Some(operation) = value.as_object() else {
            self.error(at, "an operation is not a mapping");
            return None;
        };
        let consumes = self
            .media_types(operation.get("consumes"), &at.push("consumes"))
            .or_else(|| self.consumes.clone());
        let produces = self
            .media_types(operation.get("produces"), &at.push("produces"))
            .or_else(|| self.produces.clone());
        let own = self.parameters(operation.get("parameters"), &at.push("parameters"));
        let mut body = self.request_body(shared, &own, consumes.as_deref(), at);
        let parameters = own.others;
        let mut out = Map::new();
        for (key, value) in operation {
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    if !parameters.is_empty() {
                        out.insert(key.clone(), Value::Array(parameters.clone()));
                    }
                    if let Some(body) = body.take() {
                        out.insert("requestBody".to_owned(), body);
                    }
                }
                "responses" => {
                    if let Some(body) = body.take() {
                        out.insert("requestBody".to_owned(), body);
                    }
                    let responses = self.responses(value, &at.push(key), produces.as_deref());
                    out.insert(key.clone(), responses);
                }
                "schemes" => self.note(
                    &at.push(key),
                    "operation-level `schemes` has no OpenAPI 3.0 equivalent; the document's servers apply",
                ),
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(body) = body {
            out.insert("requestBody".to_owned(), body);
        }
        Some(Value::Object(out))
    }

    /// A `parameters` list, sorted into upgraded non-body parameters, the body and the form.
    fn parameters(&mut self, value: Option<&'a Value>, at: &Pointer) -> Parameters<'a> {
        let mut found = Parameters::default();
        let Some(value) = value else {
            return found;
        };
        let Some(list) = value.as_array() else {
            self.error(at, "`parameters` is not a list");
            return found;
        };
        for (index, parameter) in list.iter().enumerate() {
            let (object, object_at, reference) = match self.listed(parameter, &at.push(index)) {
                Some(Listed::Object {
                    object,
                    at,
                    reference,
                }) => (object, at, reference),
                Some(Listed::Opaque(reference)) => {
                    found.others.push(json!({ "$ref": reference }));
                    continue;
                }
                None => continue,
            };
            match object.get("in").and_then(Value::as_str) {
                Some("body") => {
                    if found.body.is_some() {
                        self.error(&object_at, "more than one body parameter");
                    }
                    found.body = Some((object, object_at));
                }
                Some("formData") => found.form.push((object, object_at)),
                Some("query" | "header" | "path") => {
                    let upgraded = match reference {
                        Some(reference) => json!({ "$ref": reference }),
                        None => self.parameter(object, &object_at),
                    };
                    found.others.push(upgraded);
                }
                Some(other) => {
                    let message = format!("unknown parameter location `in: {other}`");
                    self.error(&object_at.push("in"), message);
                }
                None => self.error(&object_at, "a parameter without `in`"),
            }
        }
        found
    }

    /// A listed parameter, following a `$ref` into the top-level `parameters`.
    fn listed(&mut self, value: &'a Value, at: &Pointer) -> Option<Listed<'a>> {
        let Some(object) = value.as_object() else {
            self.error(at, "a parameter is not a mapping");
            return None;
        };
        let Some(reference) = object.get("$ref") else {
            return Some(Listed::Object {
                object,
                at: at.clone(),
                reference: None,
            });
        };
        let Some(reference) = reference.as_str() else {
            self.error(&at.push("$ref"), "`$ref` is not a string");
            return None;
        };
        let shared = self.root.get("parameters").and_then(Value::as_object);
        let target = reference
            .strip_prefix("#/parameters/")
            .map(unescape)
            .and_then(|name| {
                let object = shared?.get(&name)?.as_object()?;
                let at = Pointer::root().push("parameters").push(&name);
                (!object.contains_key("$ref")).then_some((object, at))
            });
        Some(match target {
            Some((object, at)) => Listed::Object {
                object,
                at,
                reference: Some(rewrite_ref(reference)),
            },
            // Dangling or into another file: kept, for lowering to resolve or report.
            None => Listed::Opaque(rewrite_ref(reference)),
        })
    }

    /// An entry of the top-level `parameters`: body and formData ones are left out (they are
    /// inlined where used).
    fn shared_parameter(&mut self, value: &'a Value, at: &Pointer) -> Option<Value> {
        let Some(object) = value.as_object() else {
            self.error(at, "a parameter is not a mapping");
            return None;
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return Some(json!({ "$ref": rewrite_ref(reference) }));
        }
        match object.get("in").and_then(Value::as_str) {
            Some("body" | "formData") => None,
            _ => Some(self.parameter(object, at)),
        }
    }

    /// A query, header or path parameter: value keywords into `schema`, `collectionFormat`
    /// into `style`/`explode`.
    fn parameter(&mut self, object: &Map<String, Value>, at: &Pointer) -> Value {
        let place = object.get("in").and_then(Value::as_str).unwrap_or_default();
        let is_array = object.get("type").and_then(Value::as_str) == Some("array");
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "collectionFormat" => {
                    if is_array {
                        out.extend(self.style(place, Some(value), &at.push(key)));
                    }
                }
                keyword if VALUE_KEYWORDS.contains(&keyword) => {
                    if !out.contains_key("schema") {
                        let schema = self.value_schema(object, at, 0);
                        out.insert("schema".to_owned(), schema);
                    }
                }
                // OpenAPI 3.0 allows `allowEmptyValue` on query parameters only.
                "allowEmptyValue" if place != "query" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if is_array && !object.contains_key("collectionFormat") {
            out.extend(self.style(place, None, at));
        }
        Value::Object(out)
    }

    /// The 3.0 `style` and `explode` of an array's 2.0 `collectionFormat` (csv when absent),
    /// for a parameter in `place` (`query` also stands for form fields).
    fn style(&mut self, place: &str, format: Option<&Value>, at: &Pointer) -> Vec<(String, Value)> {
        let format = match format {
            None => "csv",
            Some(value) => value.as_str().unwrap_or_default(),
        };
        let (style, explode) = match format {
            "csv" => ("form", false),
            "ssv" => ("spaceDelimited", false),
            "pipes" => ("pipeDelimited", false),
            "multi" => ("form", true),
            "tsv" => {
                self.note(
                    at,
                    "`collectionFormat: tsv` has no OpenAPI 3.0 equivalent; csv is used",
                );
                ("form", false)
            }
            other => {
                self.note(
                    at,
                    format!("unknown `collectionFormat: {other}`; csv is used"),
                );
                ("form", false)
            }
        };
        if place == "query" {
            return vec![
                ("style".to_owned(), json!(style)),
                ("explode".to_owned(), json!(explode)),
            ];
        }
        // Path and header parameters are `simple`, the 3.0 default, which is csv.
        if (style, explode) != ("form", false) {
            self.note(
                at,
                format!("only csv can be expressed for a {place} parameter; csv is used"),
            );
        }
        Vec::new()
    }

    /// The schema of a non-body parameter, form field, header or `items` object: its value
    /// keywords, with `type: file` as binary and `x-nullable` as `nullable`.
    fn value_schema(&mut self, object: &Map<String, Value>, at: &Pointer, depth: usize) -> Value {
        if self.too_deep(depth, at, "`items`") {
            return Value::Object(Map::new());
        }
        let is_file = object.get("type").and_then(Value::as_str) == Some("file");
        let mut out = Map::new();
        for (key, value) in object {
            if file_or_nullable(key, value, is_file, &mut out) {
                continue;
            }
            match key.as_str() {
                "items" => {
                    let items = match value.as_object() {
                        Some(items) => self.value_schema(items, &at.push(key), depth + 1),
                        None => value.clone(),
                    };
                    out.insert(key.clone(), items);
                }
                "collectionFormat" if depth > 0 && value.as_str() != Some("csv") => self.note(
                    &at.push(key),
                    "a nested `collectionFormat` has no OpenAPI 3.0 equivalent; dropped",
                ),
                keyword if VALUE_KEYWORDS.contains(&keyword) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        Value::Object(out)
    }

    /// The `requestBody` of an operation: its own body parameter or the path item's, else
    /// the form fields of both (the operation's replacing the path item's of the same name).
    fn request_body(
        &mut self,
        shared: &Parameters<'a>,
        own: &Parameters<'a>,
        consumes: Option<&[String]>,
        at: &Pointer,
    ) -> Option<Value> {
        let body = own.body.as_ref().or(shared.body.as_ref());
        let mut form: Vec<(&Map<String, Value>, &Pointer)> = Vec::new();
        for (object, field_at) in shared.form.iter().chain(&own.form) {
            let name = object.get("name");
            match form.iter_mut().find(|(seen, _)| seen.get("name") == name) {
                Some(slot) => *slot = (*object, field_at),
                None => form.push((*object, field_at)),
            }
        }
        match (body, form.is_empty()) {
            (Some(_), false) => {
                self.error(
                    &at.push("parameters"),
                    "an operation cannot have both a body parameter and formData parameters",
                );
                None
            }
            (Some((object, body_at)), true) => Some(self.body_parameter(object, body_at, consumes)),
            (None, false) => Some(self.form_body(&form, consumes)),
            (None, true) => None,
        }
    }

    /// A body parameter as a `requestBody`: one media type per `consumes` entry (JSON when
    /// nothing says).
    fn body_parameter(
        &mut self,
        object: &Map<String, Value>,
        at: &Pointer,
        consumes: Option<&[String]>,
    ) -> Value {
        let schema = match object.get("schema") {
            Some(schema) => self.schema(schema, &at.push("schema"), 0),
            None => {
                self.error(at, "a body parameter without `schema`");
                Value::Object(Map::new())
            }
        };
        let default = ["application/json".to_owned()];
        let content: Map<String, Value> = consumes
            .unwrap_or(&default[..])
            .iter()
            .map(|media_type| (media_type.clone(), json!({ "schema": schema })))
            .collect();
        let mut content = Some(Value::Object(content));
        let mut out = Map::new();
        for (key, value) in object {
            match key.as_str() {
                "schema" => {
                    if let Some(content) = content.take() {
                        out.insert("content".to_owned(), content);
                    }
                }
                "description" | "required" => {
                    out.insert(key.clone(), value.clone());
                }
                extension if extension.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if let Some(content) = content {
            out.insert("content".to_owned(), content);
        }
        Value::Object(out)
    }

    /// formData fields as one object body: url-encoded, or multipart when a field is a file,
    /// unless `consumes` names form media types.
    fn form_body(
        &mut self,
        fields: &[(&Map<String, Value>, &Pointer)],
        consumes: Option<&[String]>,
    ) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let mut has_file = false;
        for (object, at) in fields {
            let Some(name) = object.get("name").and_then(Value::as_str) else {
                self.error(at, "a formData parameter without `name`");
                continue;
            };
            let mut schema = self.value_schema(object, at, 0);
            if let (Some(description), Value::Object(schema)) =
                (object.get("description"), &mut schema)
            {
                schema.insert("description".to_owned(), description.clone());
            }
            let kind = object.get("type").and_then(Value::as_str);
            has_file |= kind == Some("file");
            if kind == Some("array") {
                let style = self.style(
                    "query",
                    object.get("collectionFormat"),
                    &at.push("collectionFormat"),
                );
                encoding.insert(name.to_owned(), Value::Object(style.into_iter().collect()));
            }
            if object.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
            properties.insert(name.to_owned(), schema);
        }
        let mut schema = Map::new();
        schema.insert("type".to_owned(), json!("object"));
        schema.insert("properties".to_owned(), Value::Object(properties));
        let any_required = !required.is_empty();
        if any_required {
            schema.insert("required".to_owned(), Value::Array(required));
        }
        let schema = Value::Object(schema);
        let mut media_types: Vec<&str> = consumes
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .filter(|media_type| MediaKind::of(media_type).is_form())
            .collect();
        if media_types.is_empty() {
            media_types.push(if has_file {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            });
        }
        let content: Map<String, Value> = media_types
            .into_iter()
            .map(|media_type| {
                let mut media = Map::new();
                media.insert("schema".to_owned(), schema.clone());
                let url_encoded =
                    media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded");
                if url_encoded && !encoding.is_empty() {
                    media.insert("encoding".to_owned(), Value::Object(encoding.clone()));
                }
                (media_type.to_owned(), Value::Object(media))
            })
            .collect();
        let mut body = Map::new();
        body.insert("content".to_owned(), Value::Object(content));
        if any_required {
            body.insert("required".to_owned(), json!(true));
        }
        Value::Object(body)
    }

    /// An operation's responses; empty (they are required) when they are not a mapping.
    fn responses(&mut self, value: &Value, at: &Pointer, produces: Option<&[String]>) -> Value {
        let Some(responses) = value.as_object() else {
            self.error(at, "`responses` is not a mapping");
            return Value::Object(Map::new());
        };
        let mut out = Map::new();
        for (status, response) in responses {
            let converted = if status.starts_with("x-") {
                Some(response.clone())
            } else {
                self.response(response, &at.push(status), produces)
            };
            if let Some(converted) = converted {
                out.insert(status.clone(), converted);
            }
        }
        Value::Object(out)
    }

    /// A response: `schema` (and `examples`) into `content`, one media type per `produces`
    /// entry (`*/*` when nothing says), headers upgraded; `None` (an error) leaves it out.
    fn response(
        &mut self,
        value: &Value,
        at: &Pointer,
        produces: Option<&[String]>,
    ) -> Option<Value> {
        let Some(response) = value.as_object() else {
            self.error(at, "a response is not a mapping");
            return None;
        };
        if let Some(reference) = response.get("$ref") {
            let Some(reference) = reference.as_str() else {
                self.error(&at.push("$ref"), "`$ref` is not a string");
                return None;
            };
            return Some(json!({ "$ref": rewrite_ref(reference) }));
        }
        let examples = response.get("examples").and_then(Value::as_object);
        let mut out = Map::new();
        for (key, value) in response {
            match key.as_str() {
                "schema" => {
                    let schema = self.schema(value, &at.push(key), 0);
                    let is_file = value.get("type").and_then(Value::as_str) == Some("file");
                    let fallback = [if is_file {
                        "application/octet-stream"
                    } else {
                        "*/*"
                    }
                    .to_owned()];
                    let content: Map<String, Value> = produces
                        .unwrap_or(&fallback[..])
                        .iter()
                        .map(|media_type| {
                            let mut media = Map::new();
                            media.insert("schema".to_owned(), schema.clone());
                            if let Some(example) = examples.and_then(|e| e.get(media_type)) {
                                media.insert("example".to_owned(), example.clone());
                            }
                            (media_type.clone(), Value::Object(media))
                        })
                        .collect();
                    out.insert("content".to_owned(), Value::Object(content));
                }
                // Examples go with the schema's media types; without a schema there is no body.
                "examples" => {}
                "headers" => {
                    let headers = self.section(value, &at.push(key), Self::header);
                    out.insert(key.clone(), headers);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Some(Value::Object(out))
    }

    /// A response header: value keywords into `schema`; `None` (an error) leaves it out.
    fn header(&mut self, value: &Value, at: &Pointer) -> Option<Value> {
        let Some(header) = value.as_object() else {
            self.error(at, "a header is not a mapping");
            return None;
        };
        let mut out = Map::new();
        for (key, value) in header {
            match key.as_str() {
                keyword if VALUE_KEYWORDS.contains(&keyword) => {
                    if !out.contains_key("schema") {
                        let schema = self.value_schema(header, at, 0);
                        out.insert("schema".to_owned(), schema);
                    }
                }
                "collectionFormat" => {
                    if value.as_str() != Some("csv") {
                        self.note(
                            &at.push(key),
                            "only csv can be expressed for a header; csv is used",
                        );
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Some(Value::Object(out))
    }

    /// A schema: `$ref`s into the new places, `type: file` as binary, `x-nullable` as
    /// `nullable` (a nullable `$ref` becomes an `allOf` of one, since 3.0 ignores a `$ref`'s
    /// siblings), a `discriminator` name as an object.
    fn schema(&mut self, value: &Value, at: &Pointer, depth: usize) -> Value {
        let Some(schema) = value.as_object() else {
            return value.clone();
        };
        if self.too_deep(depth, at, "schemas") {
            return Value::Object(Map::new());
        }
        let is_file = schema.get("type").and_then(Value::as_str) == Some("file");
        let mut out = Map::new();
        for (key, value) in schema {
            if file_or_nullable(key, value, is_file, &mut out) {
                continue;
            }
            let key_at = at.push(key);
            let converted = match key.as_str() {
                "$ref" => match value.as_str() {
                    Some(reference) => json!(rewrite_ref(reference)),
                    None => value.clone(),
                },
                "properties" => match value.as_object() {
                    Some(properties) => Value::Object(
                        properties
                            .iter()
                            .map(|(name, property)| {
                                let property = self.schema(property, &key_at.push(name), depth + 1);
                                (name.clone(), property)
                            })
                            .collect(),
                    ),
                    None => value.clone(),
                },
                "items" if value.is_array() => {
                    self.note(&key_at, "a list of `items` (a tuple) has no OpenAPI 3.0 equivalent; items are left untyped");
                    json!({})
                }
                "items" | "additionalProperties" | "not" => self.schema(value, &key_at, depth + 1),
                "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                    Some(members) => Value::Array(
                        members
                            .iter()
                            .enumerate()
                            .map(|(index, member)| {
                                self.schema(member, &key_at.push(index), depth + 1)
                            })
                            .collect(),
                    ),
                    None => value.clone(),
                },
                "discriminator" => match value.as_str() {
                    Some(name) => json!({ "propertyName": name }),
                    None => value.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        let nullable_ref = out.contains_key("$ref") && out.get("nullable") == Some(&json!(true));
        if nullable_ref {
            let mut wrapped = Map::new();
            for (key, value) in out {
                if key == "$ref" {
                    wrapped.insert("allOf".to_owned(), json!([{ "$ref": value }]));
                } else {
                    wrapped.insert(key, value);
                }
            }
            return Value::Object(wrapped);
        }
        Value::Object(out)
    }

    /// A security definition: `basic` as HTTP basic, `oauth2` with its one flow under
    /// `flows` (2.0 `application` and `accessCode` are 3.0 `clientCredentials` and
    /// `authorizationCode`).
    fn security_scheme(&mut self, value: &Value, at: &Pointer) -> Option<Value> {
        let Some(scheme) = value.as_object() else {
            self.error(at, "a security definition is not a mapping");
            return None;
        };
        let flow = match scheme.get("type").and_then(Value::as_str) {
            Some("apiKey") => return Some(value.clone()),
            Some("basic") => None,
            Some("oauth2") => {
                let flow = match scheme.get("flow").and_then(Value::as_str) {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    Some(other) => {
                        self.error(&at.push("flow"), format!("unknown OAuth2 flow `{other}`"));
                        return None;
                    }
                    None => {
                        self.error(at, "an oauth2 security definition without `flow`");
                        return None;
                    }
                };
                Some(flow)
            }
            Some(other) => {
                self.error(
                    &at.push("type"),
                    format!("unknown security definition type `{other}`"),
                );
                return None;
            }
            None => {
                self.error(at, "a security definition without `type`");
                return None;
            }
        };
        let mut out = Map::new();
        let mut flow_fields = Map::new();
        for (key, value) in scheme {
            match key.as_str() {
                "type" => match flow {
                    None => {
                        out.insert("type".to_owned(), json!("http"));
                        out.insert("scheme".to_owned(), json!("basic"));
                    }
                    Some(_) => {
                        out.insert("type".to_owned(), json!("oauth2"));
                    }
                },
                // The place of `flows`, filled in below.
                "flow" if flow.is_some() => {
                    out.insert("flows".to_owned(), Value::Null);
                }
                "authorizationUrl" | "tokenUrl" | "scopes" => {
                    flow_fields.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(flow) = flow {
            flow_fields.entry("scopes").or_insert_with(|| json!({}));
            out.insert("flows".to_owned(), json!({ flow: flow_fields }));
        }
        Some(Value::Object(out))
    }
}

/// A local `$ref` into `definitions`, `parameters` or `responses`, pointed at the component
/// it became; any other reference as it is.
fn rewrite_ref(reference: &str) -> String {
    REF_PREFIXES
        .iter()
        .find_map(|(from, to)| {
            reference
                .strip_prefix(from)
                .map(|rest| format!("{to}{rest}"))
        })
        .unwrap_or_else(|| reference.to_owned())
}

/// Writes the 3.0 form of a keyword that 2.0 spells otherwise in every kind of schema, and says
/// whether `key` was one: `type: file` is a binary string (its `format` gives way), and
/// `x-nullable: true` is `nullable` (`false` is the default, so it is left out).
fn file_or_nullable(key: &str, value: &Value, is_file: bool, out: &mut Map<String, Value>) -> bool {
    match key {
        "type" if is_file => {
            out.insert("type".to_owned(), json!("string"));
            out.insert("format".to_owned(), json!("binary"));
        }
        "format" if is_file => {}
        "x-nullable" => {
            if value.as_bool() == Some(true) {
                out.insert("nullable".to_owned(), json!(true));
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_schemas_are_refused_not_recursed_into() {
        let mut schema = json!({ "type": "string" });
        for _ in 0..(MAX_DEPTH + 10) {
            schema = json!({ "type": "array", "items": schema });
        }
        let document = json!({
            "swagger": "2.0",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "definitions": { "Deep": schema },
        });
        let (_, errors) = upgrade(document, &mut Vec::new());
        assert!(errors[0].1.contains("nest more than"), "{errors:?}");
    }

    #[test]
    fn non_mapping_documents_are_errors() {
        let (_, errors) = upgrade(json!(["swagger"]), &mut Vec::new());
        assert_eq!(errors[0].0, Pointer::root());
    }

    #[test]
    fn refs_move_to_components() {
        assert_eq!(rewrite_ref("#/definitions/Pet"), "#/components/schemas/Pet");
        assert_eq!(rewrite_ref("#/parameters/id"), "#/components/parameters/id");
        assert_eq!(
            rewrite_ref("#/responses/NotFound"),
            "#/components/responses/NotFound"
        );
        assert_eq!(
            rewrite_ref("other.yaml#/definitions/Pet"),
            "other.yaml#/definitions/Pet"
        );
    }
}

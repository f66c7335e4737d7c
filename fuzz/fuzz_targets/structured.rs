//! Arbitrary OpenAPI-shaped documents: a valid skeleton filled with trees built from the
//! spec's own keywords and values, so that the fuzzer spends its time in lowering and emit
//! rather than in the YAML parser.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

const KEYS: &[&str] = &[
    "type", "properties", "items", "required", "nullable", "allOf", "oneOf", "anyOf", "not",
    "enum", "default", "format", "additionalProperties", "discriminator", "propertyName",
    "mapping", "$ref", "description", "title", "readOnly", "writeOnly", "minLength", "pattern",
    "parameters", "name", "in", "schema", "style", "explode", "responses", "content",
    "requestBody", "operationId", "tags", "security", "get", "post", "put", "delete", "patch",
    "application/json", "multipart/form-data", "application/x-www-form-urlencoded", "*/*",
    "text/plain", "200", "201", "204", "2XX", "4XX", "default", "headers", "x-nullable", "const",
    "examples", "A", "B", "self", "type-", "2FA-token", "",
];

const STRINGS: &[&str] = &[
    "object", "string", "integer", "number", "boolean", "array", "null", "date-time", "date",
    "uuid", "byte", "binary", "int32", "int64", "float", "double", "query", "path", "header",
    "cookie", "form", "deepObject", "pipeDelimited", "#/components/schemas/A",
    "#/components/schemas/B", "#/components/schemas/Missing", "#/components/parameters/P",
    "#/components/responses/R", "#/paths/~1a/get", "other.yaml#/X", "http://example.com/x",
    "/a/{id}", "/a#1", "id", "type", "Self", "", "\u{0}", "\u{1F600}", "😀/~0~1",
];

/// A JSON value built from the keyword tables, at most `depth` levels deep.
fn value(u: &mut Unstructured<'_>, depth: usize) -> arbitrary::Result<Value> {
    let choice = if depth == 0 { u.int_in_range(0..=3)? } else { u.int_in_range(0..=5)? };
    Ok(match choice {
        0 => Value::String((*u.choose(STRINGS)?).to_owned()),
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.arbitrary::<i64>()?),
        3 => Value::Null,
        4 => {
            let len = u.int_in_range(0..=3)?;
            Value::Array((0..len).map(|_| value(u, depth - 1)).collect::<Result<_, _>>()?)
        }
        _ => {
            let len = u.int_in_range(0..=5)?;
            let mut map = Map::new();
            for _ in 0..len {
                let key = if u.arbitrary()? {
                    (*u.choose(KEYS)?).to_owned()
                } else {
                    (*u.choose(STRINGS)?).to_owned()
                };
                map.insert(key, value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

#[derive(Debug)]
struct Document(Vec<u8>);

impl<'a> Arbitrary<'a> for Document {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "Fuzz", "version": "1"},
            "security": value(u, 2)?,
            "paths": {
                "/a": {"get": value(u, 6)?, "post": value(u, 6)?},
                "/a/{id}": value(u, 6)?,
                "/a#1": {"parameters": value(u, 3)?, "get": value(u, 6)?},
            },
            "components": {
                "schemas": {"A": value(u, 6)?, "B": value(u, 6)?},
                "parameters": {"P": value(u, 4)?},
                "responses": {"R": value(u, 4)?},
                "securitySchemes": value(u, 3)?,
            },
        });
        Ok(Document(serde_json::to_vec(&document).unwrap_or_default()))
    }
}

fuzz_target!(|document: Document| {
    let settings = apiforge_generator::Settings::new("fuzz");
    let _ = apiforge_generator::generate("fuzz.json", &document.0, &settings);
});

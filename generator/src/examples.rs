//! The example values a document gives for its JSON bodies, each with the Rust type the
//! generated crate decodes it into: what `cargo xtask corpus --examples` round-trips to see
//! whether the generated types fit what servers really send.

use openapiv3::{MediaType, OpenAPI, Schema};
use serde_json::Value;

use crate::ir::{Api, HttpMethod, Operation, ResponseBody, StatusMatch, TypeKind, TypeRef};
use crate::lower::resolve::{RefOr, lookup};
use crate::media::MediaKind;
use crate::pointer::Pointer;
use crate::{Diagnostics, Settings, Sources};

/// The examples of one document.
#[derive(Clone, Debug)]
pub struct DocumentExamples {
    /// The document's component schemas (`#/components/schemas`, as the generator read them),
    /// which the examples' schemas refer to.
    pub component_schemas: Value,
    /// Every example of a JSON body whose type the crate has.
    pub examples: Vec<BodyExample>,
}

/// One example value of a request or response body.
#[derive(Clone, Debug)]
pub struct BodyExample {
    /// Where it is: the JSON pointer of the example value.
    pub pointer: String,
    /// The body's type as code outside the crate spells it (`petstore::types::Pet`,
    /// `Vec<petstore::types::Pet>`).
    pub rust_type: String,
    /// Whether that type is `serde_json::Value`, which takes any JSON.
    pub untyped: bool,
    /// The example.
    pub value: Value,
    /// The body's schema as the document gives it (a `$ref` or inline), to judge the example.
    pub schema: Value,
}

/// The examples of the document `contents` (named `file`), with the types of the crate that
/// `settings` generate from it.
pub fn body_examples(
    file: &str,
    contents: &[u8],
    settings: &Settings,
    sources: &dyn Sources,
) -> Result<DocumentExamples, Diagnostics> {
    let loaded = crate::load::load_with(file, contents, sources)?;
    let (api, _) = crate::lower::lower(file, &loaded.document, settings)?;
    let doc = &loaded.document;
    let component_schemas = doc
        .components
        .as_ref()
        .and_then(|c| serde_json::to_value(&c.schemas).ok())
        .unwrap_or(Value::Null);
    let mut examples = Vec::new();
    for op in api.operations() {
        let Some((operation, at)) = spec_operation(doc, op) else {
            continue;
        };
        if let (Some(body), Some(request_body)) = (&op.body, &operation.request_body) {
            let request_body = lookup(doc.components.as_ref(), request_body.into());
            let json = request_body.and_then(|b| {
                b.content
                    .iter()
                    .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json)
            });
            if let Some((media_type, media)) = json {
                let at = at.push("requestBody").push("content").push(media_type);
                collect(&api, doc, &body.ty, media, &at, &mut examples);
            }
        }
        for case in &op.responses {
            let ResponseBody::Json(ty) = &case.body else {
                continue;
            };
            let (key, response) = match case.status {
                StatusMatch::Default => {
                    ("default".to_owned(), operation.responses.default.as_ref())
                }
                status => {
                    let key = status.key();
                    let response = operation
                        .responses
                        .responses
                        .iter()
                        .find(|(code, _)| code.to_string() == key)
                        .map(|(_, response)| response);
                    (key, response)
                }
            };
            let Some(response) = response.and_then(|r| lookup(doc.components.as_ref(), r.into()))
            else {
                continue;
            };
            // The media type lowering decoded: the first JSON one.
            let json = response
                .content
                .iter()
                .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json);
            if let Some((media_type, media)) = json {
                let at = at
                    .push("responses")
                    .push(&key)
                    .push("content")
                    .push(media_type);
                collect(&api, doc, ty, media, &at, &mut examples);
            }
        }
    }
    Ok(DocumentExamples {
        component_schemas,
        examples,
    })
}

/// The document's operation an IR operation came from, and its pointer.
fn spec_operation<'d>(
    doc: &'d OpenAPI,
    op: &Operation,
) -> Option<(&'d openapiv3::Operation, Pointer)> {
    let item = doc.paths.paths.get(&op.path_template)?.as_item()?;
    let (method, operation) = match op.http_method {
        HttpMethod::Get => ("get", &item.get),
        HttpMethod::Put => ("put", &item.put),
        HttpMethod::Post => ("post", &item.post),
        HttpMethod::Delete => ("delete", &item.delete),
        HttpMethod::Options => ("options", &item.options),
        HttpMethod::Head => ("head", &item.head),
        HttpMethod::Patch => ("patch", &item.patch),
        HttpMethod::Trace => ("trace", &item.trace),
    };
    let at = Pointer::root()
        .push("paths")
        .push(&op.path_template)
        .push(method);
    Some((operation.as_ref()?, at))
}

/// Whether `ty` is `serde_json::Value`, directly or through aliases and `Option`s: a type
/// that any JSON decodes into says nothing about the schema.
fn takes_any_json(api: &Api, ty: &TypeRef) -> bool {
    let mut ty = ty;
    // Lowered aliases form no cycles (a cycle falls back to `Value`); the bound only keeps
    // the walk finite whatever the IR holds.
    for _ in 0..=api.types.len() {
        ty = match ty {
            TypeRef::Json => return true,
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => inner,
            TypeRef::Named(id) => match &api.type_def(*id).kind {
                TypeKind::Alias(aliased) => aliased,
                _ => return false,
            },
            _ => return false,
        };
    }
    false
}

/// The media type's `example`, each of its `examples`, and its schema's `example`.
fn collect(
    api: &Api,
    doc: &OpenAPI,
    ty: &TypeRef,
    media: &MediaType,
    at: &Pointer,
    out: &mut Vec<BodyExample>,
) {
    let Some(schema) = &media.schema else {
        return;
    };
    let mut values: Vec<(Pointer, &Value)> = Vec::new();
    if let Some(value) = &media.example {
        values.push((at.push("example"), value));
    }
    for (name, example) in &media.examples {
        let example = lookup(doc.components.as_ref(), example.into());
        if let Some(value) = example.and_then(|e| e.value.as_ref()) {
            values.push((at.push("examples").push(name).push("value"), value));
        }
    }
    let schema_example = lookup(doc.components.as_ref(), RefOr::<Schema>::from(schema))
        .and_then(|s| s.schema_data.example.as_ref());
    if let Some(value) = schema_example {
        values.push((at.push("schema").push("example"), value));
    }
    let rust_type = crate::emit::type_path(api, ty);
    let schema = serde_json::to_value(schema).unwrap_or(Value::Null);
    for (pointer, value) in values {
        out.push(BodyExample {
            pointer: pointer.to_string(),
            rust_type: rust_type.clone(),
            untyped: takes_any_json(api, ty),
            value: value.clone(),
            schema: schema.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETS: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
            examples:
              rex: {$ref: '#/components/examples/Rex'}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              example: {name: tom}
        4XX:
          description: refused
          content:
            application/json:
              schema: {}
              example: {message: no}
    get:
      operationId: listPets
      responses:
        default:
          description: all
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
components:
  examples:
    Rex: {value: {name: rex}}
  schemas:
    Pet:
      type: object
      required: [name]
      properties: {name: {type: string}}
      example: {name: felix}
"#;

    #[test]
    fn examples_come_with_their_pointer_and_type() {
        let found = body_examples(
            "pets.yaml",
            PETS.as_bytes(),
            &Settings::new("pets"),
            &crate::NoSources,
        )
        .expect("loads");
        let examples: Vec<(&str, &str, bool, String)> = found
            .examples
            .iter()
            .map(|e| {
                (
                    e.pointer.as_str(),
                    e.rust_type.as_str(),
                    e.untyped,
                    e.value.to_string(),
                )
            })
            .collect();
        assert_eq!(
            examples,
            [
                (
                    "#/paths/~1pets/post/requestBody/content/application~1json/examples/rex/value",
                    ":: pets :: types :: Pet",
                    false,
                    r#"{"name":"rex"}"#.to_owned()
                ),
                (
                    "#/paths/~1pets/post/requestBody/content/application~1json/schema/example",
                    ":: pets :: types :: Pet",
                    false,
                    r#"{"name":"felix"}"#.to_owned()
                ),
                (
                    "#/paths/~1pets/post/responses/201/content/application~1json/example",
                    ":: pets :: types :: Pet",
                    false,
                    r#"{"name":"tom"}"#.to_owned()
                ),
                (
                    "#/paths/~1pets/post/responses/201/content/application~1json/schema/example",
                    ":: pets :: types :: Pet",
                    false,
                    r#"{"name":"felix"}"#.to_owned()
                ),
                (
                    "#/paths/~1pets/post/responses/4XX/content/application~1json/example",
                    ":: serde_json :: Value",
                    true,
                    r#"{"message":"no"}"#.to_owned()
                ),
            ]
        );
        assert!(found.component_schemas.get("Pet").is_some());
    }
}

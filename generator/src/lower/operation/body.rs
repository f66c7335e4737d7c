//! An operation's request body: the encodings it may be sent in (the default first), and
//! either one value or, for a form of named fields, one parameter per field.

use openapiv3::ReferenceOr;

use super::super::Lowerer;
use super::super::docs::doc_lines;
use super::super::schema::SchemaRef;
use super::params::{ParamDraft, schema_format_name, strip_option};
use crate::ir::{Body, Encoding, EncodingKind, ParamLocation, TypeRef};
use crate::media::MediaKind;
use crate::naming;
use crate::pointer::Pointer;

/// A form property that is a file part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileShape {
    /// One file.
    One,
    /// An array of files, one part each.
    Many,
}

/// What [`Lowerer::request_body`] makes of a body: the value the caller passes (unless the
/// body is flattened or absent), its encodings, and the form fields it was flattened into.
pub(super) struct RequestBody {
    pub(super) body: Option<Body>,
    pub(super) encodings: Vec<Encoding>,
    pub(super) form_fields: Vec<ParamDraft>,
}

impl RequestBody {
    fn none() -> Self {
        RequestBody {
            body: None,
            encodings: Vec::new(),
            form_fields: Vec::new(),
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The body: passed as one value, or, for a form of named fields, flattened into
    /// form-field parameters (as Swagger 2.0 `formData` parameters were).
    pub(super) fn request_body(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> RequestBody {
        let Some(body) = &operation.request_body else {
            return RequestBody::none();
        };
        let at = pointer.push("requestBody");
        let Some((body, at)) = self.resolve(body.into(), &at) else {
            return RequestBody::none();
        };
        let offered: Vec<(&String, EncodingKind)> = body
            .content
            .keys()
            .map(|media_type| {
                let kind = match MediaKind::of(media_type) {
                    MediaKind::Json => EncodingKind::Json,
                    MediaKind::FormUrlEncoded => EncodingKind::FormUrlEncoded,
                    MediaKind::Multipart => EncodingKind::Multipart,
                    MediaKind::Text => EncodingKind::Text,
                    MediaKind::Binary => EncodingKind::Binary,
                };
                (media_type, kind)
            })
            .collect();
        // JSON is the default where the spec offers it; otherwise the first listed type. The
        // caller may pick another encoding of the same body type (JSON or a form: one struct);
        // text and bytes are other types, offered only when nothing structured is.
        let Some(&(_, default_kind)) = offered
            .iter()
            .find(|(_, kind)| *kind == EncodingKind::Json)
            .or_else(|| offered.first())
        else {
            return RequestBody::none();
        };
        let structured = |kind: EncodingKind| {
            matches!(
                kind,
                EncodingKind::Json | EncodingKind::FormUrlEncoded | EncodingKind::Multipart
            )
        };
        let mut encodings: Vec<Encoding> = Vec::new();
        let mut media_of = Vec::new();
        for (media_type, kind) in offered {
            let media_at = at.push("content").push(media_type);
            let same_type = kind == default_kind || (structured(kind) && structured(default_kind));
            if !same_type {
                self.warning(
                    &media_at,
                    format!(
                        "the body is also accepted as `{media_type}`; the client sends it as {}",
                        default_kind.describe()
                    ),
                );
                continue;
            }
            if encodings.iter().any(|e| e.kind == kind) {
                continue;
            }
            encodings.push(Encoding {
                media_type: media_type.clone(),
                kind,
                method_ident: None,
            });
            media_of.push((&body.content[media_type], media_at));
        }
        if let Some(default) = encodings.iter().position(|e| e.kind == default_kind) {
            let chosen = encodings.remove(default);
            encodings.insert(0, chosen);
            let chosen = media_of.remove(default);
            media_of.insert(0, chosen);
        }
        let Some((media, media_at)) = media_of.into_iter().next() else {
            return RequestBody::none();
        };
        let docs = body
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        let encodings = name_encodings(encodings);
        let value = |ty| RequestBody {
            body: Some(Body {
                ty,
                required: body.required,
                docs,
            }),
            encodings: encodings.clone(),
            form_fields: Vec::new(),
        };
        // Whatever the schema says, the caller hands over text or bytes as they are sent.
        match default_kind {
            EncodingKind::Text => return value(TypeRef::String),
            EncodingKind::Binary => return value(TypeRef::Upload),
            _ => {}
        }
        let Some(schema) = &media.schema else {
            return value(TypeRef::Json);
        };
        let schema_at = media_at.push("schema");
        let is_form = encodings.iter().all(|e| e.kind != EncodingKind::Json);
        if is_form {
            if let Some(form_fields) =
                self.form_fields(schema.into(), &schema_at, hint, body.required)
            {
                return RequestBody {
                    body: None,
                    encodings: encodings.clone(),
                    form_fields,
                };
            }
        }
        let ty = self.type_of(schema.into(), &schema_at, &format!("{hint}Request"));
        value(strip_option(ty))
    }

    /// A form body's properties as parameters, when the schema is an object with properties.
    fn form_fields(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
        body_required: bool,
    ) -> Option<Vec<ParamDraft>> {
        let (schema, at) = self.resolve(schema, pointer)?;
        let (properties, required) = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) => {
                (&object.properties, &object.required)
            }
            openapiv3::SchemaKind::Any(any) => (&any.properties, &any.required),
            _ => return None,
        };
        if properties.is_empty() {
            return None;
        }
        let fields = properties
            .iter()
            .map(|(name, property)| {
                let property_at = at.push("properties").push(name);
                let (docs, format) = match property {
                    ReferenceOr::Item(s) => (self.schema_docs(s), schema_format_name(s)),
                    ReferenceOr::Reference { .. } => (Vec::new(), None),
                };
                let file = self.is_file(property.into(), &property_at);
                let (location, ty) = match file {
                    Some(FileShape::One) => (ParamLocation::FormFile, TypeRef::Upload),
                    Some(FileShape::Many) => (
                        ParamLocation::FormFile,
                        TypeRef::Vec(Box::new(TypeRef::Upload)),
                    ),
                    None => (
                        ParamLocation::FormField,
                        strip_option(self.type_of(
                            property.into(),
                            &property_at,
                            &format!("{hint}{}", naming::pascal(name)),
                        )),
                    ),
                };
                ParamDraft {
                    wire_name: name.clone(),
                    location,
                    ty,
                    required: body_required && required.contains(name),
                    docs,
                    secret: naming::is_secret(name, format),
                }
            })
            .collect();
        Some(fields)
    }

    /// Whether a form property is a file (`format: binary`, or Swagger 2.0's `type: file`
    /// upgraded to it) or a list of files.
    fn is_file(&mut self, schema: SchemaRef<'a>, pointer: &Pointer) -> Option<FileShape> {
        let (schema, at) = self.resolve(schema, pointer)?;
        match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) => {
                let binary = matches!(
                    &string.format,
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                );
                binary.then_some(FileShape::One)
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => {
                let items = array.items.as_ref()?;
                match self.is_file(items.into(), &at.push("items"))? {
                    FileShape::One => Some(FileShape::Many),
                    FileShape::Many => None,
                }
            }
            _ => None,
        }
    }
}

/// The builder method that picks an encoding.
fn encoding_method(kind: EncodingKind) -> &'static str {
    match kind {
        EncodingKind::Json => naming::builder::JSON,
        EncodingKind::FormUrlEncoded => naming::builder::FORM_URLENCODED,
        EncodingKind::Multipart => naming::builder::MULTIPART,
        EncodingKind::Text => naming::builder::TEXT,
        EncodingKind::Binary => naming::builder::BINARY,
    }
}

/// Gives each encoding its builder method when there is a choice.
fn name_encodings(mut encodings: Vec<Encoding>) -> Vec<Encoding> {
    if encodings.len() > 1 {
        for encoding in &mut encodings {
            encoding.method_ident = Some(encoding_method(encoding.kind).to_owned());
        }
    }
    encodings
}

#[cfg(test)]
mod tests {
    use crate::ir::{EncodingKind, ParamLocation, TypeRef};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn json_is_the_default_encoding_and_the_others_are_builder_methods() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /pets:
              post:
                operationId: addPet
                requestBody:
                  required: true
                  content:
                    application/x-www-form-urlencoded:
                      schema: {type: object, properties: {name: {type: string}}}
                    application/json:
                      schema: {type: object, properties: {name: {type: string}}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "add_pet");
        let encodings: Vec<(EncodingKind, Option<&str>)> = op
            .encodings
            .iter()
            .map(|e| (e.kind, e.method_ident.as_deref()))
            .collect();
        assert_eq!(
            encodings,
            [
                (EncodingKind::Json, Some("json")),
                (EncodingKind::FormUrlEncoded, Some("form_urlencoded")),
            ]
        );
        assert!(op.body.as_ref().is_some_and(|body| body.required));
    }

    #[test]
    fn a_form_of_named_fields_is_flattened_into_parameters() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /upload:
              post:
                operationId: upload
                requestBody:
                  required: true
                  content:
                    multipart/form-data:
                      schema:
                        type: object
                        required: [file]
                        properties:
                          file: {type: string, format: binary}
                          tags: {type: array, items: {type: string, format: binary}}
                          note: {type: string}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "upload");
        assert!(op.body.is_none());
        let params: Vec<(&str, ParamLocation, &TypeRef, bool)> = op
            .params
            .iter()
            .map(|p| (p.ident.as_str(), p.location, &p.ty, p.required))
            .collect();
        assert_eq!(
            params,
            [
                ("file", ParamLocation::FormFile, &TypeRef::Upload, true),
                (
                    "tags",
                    ParamLocation::FormFile,
                    &TypeRef::Vec(Box::new(TypeRef::Upload)),
                    false
                ),
                ("note", ParamLocation::FormField, &TypeRef::String, false),
            ]
        );
    }
}

//! Server-sent events: what each event's `data` of a `text/event-stream` response decodes as.
//!
//! The rule, in order: OpenAPI 3.2's `itemSchema` (kept by loading as
//! [`ITEM_SCHEMA`](crate::load::ITEM_SCHEMA)) when the media type has one, else the media
//! type's `schema`, else nothing (text). An `itemSchema` written in place as an object whose
//! properties are among `event`, `data`, `id` and `retry`, `data` included, describes the whole
//! event, as 3.2's own example does: the data is its `data` property, read through that
//! property's `contentSchema` when it has one (JSON text of that schema). Any other schema is
//! the data's own. Data whose type is `String` is kept as text; any other type is decoded from
//! the data as JSON.
//!
//! The item schemas are parsed before lowering starts ([`ItemSchemas::of`]), since lowering
//! borrows every schema it lowers from the document for as long as it runs.

use openapiv3::{MediaType, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use super::super::Lowerer;
use crate::ir::{ResponseBody, TypeRef};
use crate::load::ITEM_SCHEMA;
use crate::media::MediaKind;
use crate::pointer::Pointer;

/// The property names of an event as 3.2 describes it with an `itemSchema`.
const EVENT_FIELDS: &[&str] = &["event", "data", "id", "retry"];

/// The schema of the data of each event stream's events that an `itemSchema` gives, parsed
/// from the extension loading keeps it under, by the media type it is on.
pub(crate) struct ItemSchemas<'d> {
    entries: Vec<(&'d MediaType, DataSchema)>,
}

/// The part of an `itemSchema` that types an event's data, and where it is under the media
/// type.
struct DataSchema {
    /// The schema, or why it does not parse.
    schema: Result<ReferenceOr<Schema>, String>,
    path: &'static [&'static str],
}

impl<'d> ItemSchemas<'d> {
    /// The item schemas of every `text/event-stream` response of `doc`, in operations and in
    /// the components.
    pub(crate) fn of(doc: &'d OpenAPI) -> Self {
        let in_operations = doc
            .paths
            .paths
            .values()
            .filter_map(ReferenceOr::as_item)
            .flat_map(|item| item.iter().map(|(_, operation)| &operation.responses))
            .flat_map(|responses| responses.responses.values().chain(&responses.default));
        let in_components = doc
            .components
            .iter()
            .flat_map(|components| components.responses.values());
        let mut entries = Vec::new();
        for response in in_operations
            .chain(in_components)
            .filter_map(ReferenceOr::as_item)
        {
            for (media_type, media) in &response.content {
                if !MediaKind::is_event_stream(media_type) {
                    continue;
                }
                if let Some(item) = media.extensions.get(ITEM_SCHEMA) {
                    entries.push((media, DataSchema::of(item)));
                }
            }
        }
        ItemSchemas { entries }
    }

    fn get(&self, media: &MediaType) -> Option<&DataSchema> {
        self.entries
            .iter()
            .find(|(candidate, _)| std::ptr::eq(*candidate, media))
            .map(|(_, data)| data)
    }
}

impl DataSchema {
    fn of(item: &Value) -> Self {
        let data = item
            .get("properties")
            .and_then(Value::as_object)
            .filter(|properties| {
                item.get("$ref").is_none()
                    && properties
                        .keys()
                        .all(|name| EVENT_FIELDS.contains(&name.as_str()))
            })
            .and_then(|properties| properties.get("data"));
        let (value, path): (&Value, &'static [&'static str]) = match data {
            Some(data) => match data.get("contentSchema") {
                Some(content) => (
                    content,
                    &["itemSchema", "properties", "data", "contentSchema"],
                ),
                None => (data, &["itemSchema", "properties", "data"]),
            },
            None => (item, &["itemSchema"]),
        };
        DataSchema {
            schema: serde_json::from_value(value.clone()).map_err(|error| error.to_string()),
            path,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The body of a successful `text/event-stream` response whose media type is `media` (at
    /// `at`): events whose data is text, or JSON of a type named after `hint` if it needs a
    /// name.
    pub(super) fn event_body(
        &mut self,
        media: &'a MediaType,
        at: &Pointer,
        hint: &str,
    ) -> ResponseBody {
        let item_schemas = self.item_schemas;
        let ty = match item_schemas.get(media) {
            Some(data) => {
                let at = data.path.iter().fold(at.clone(), |at, key| at.push(key));
                match &data.schema {
                    Ok(schema) => self.type_of(schema.into(), &at, hint),
                    Err(error) => {
                        self.warning(
                            &at,
                            format!(
                                "the schema of each event's data does not parse ({error}); the data is read as text"
                            ),
                        );
                        TypeRef::String
                    }
                }
            }
            None => match &media.schema {
                Some(schema) => self.type_of(schema.into(), &at.push("schema"), hint),
                None => TypeRef::String,
            },
        };
        match ty {
            TypeRef::String => ResponseBody::TextEvents,
            ty => ResponseBody::JsonEvents(ty),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{ResponseBody, Success, TypeKind, TypeRef};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn an_event_stream_is_typed_by_its_schema_or_is_text() {
        let (api, warnings) = lowered_document(&with_paths(
            r#"
            /ticks:
              get:
                operationId: ticks
                responses:
                  '200':
                    description: ticks
                    content:
                      text/event-stream:
                        schema: {type: object, properties: {n: {type: integer}}}
                  '400': {description: no, content: {text/event-stream: {}}}
            /lines:
              get:
                operationId: lines
                responses:
                  '200': {description: lines, content: {text/event-stream: {}}}
            "#,
        ));
        assert!(warnings.is_empty(), "{warnings:?}");
        let ticks = operation(&api, "ticks");
        let ResponseBody::JsonEvents(TypeRef::Named(id)) = &ticks.responses[0].body else {
            panic!("typed events: {:?}", ticks.responses[0].body);
        };
        assert_eq!(api.type_def(*id).ident, "TicksEvent");
        assert!(matches!(api.type_def(*id).kind, TypeKind::Struct(_)));
        // An error body is read whole, as text.
        assert_eq!(ticks.responses[1].body, ResponseBody::Text);
        let lines = operation(&api, "lines");
        assert_eq!(lines.responses[0].body, ResponseBody::TextEvents);
        assert!(matches!(
            &lines.success,
            Success::Body(TypeRef::EventStream(data)) if **data == TypeRef::String
        ));
    }

    #[test]
    fn an_item_schema_that_describes_the_event_types_its_data() {
        let document = r#"
            openapi: 3.2.0
            info: {title: t, version: '1'}
            paths:
              /a:
                get:
                  operationId: described
                  responses:
                    '200':
                      description: events
                      content:
                        text/event-stream:
                          schema: {type: integer}
                          itemSchema:
                            type: object
                            required: [data]
                            properties:
                              event: {type: string}
                              data:
                                type: string
                                contentSchema: {type: array, items: {type: integer}}
                              id: {type: string}
              /b:
                get:
                  operationId: plain
                  responses:
                    '200':
                      description: events
                      content:
                        text/event-stream:
                          itemSchema:
                            type: object
                            properties: {event: {type: string}, data: {type: string}}
              /c:
                get:
                  operationId: whole
                  responses:
                    '200':
                      description: events
                      content:
                        text/event-stream:
                          itemSchema: {type: [integer, "null"]}
            "#;
        let (api, warnings) = lowered_document(document);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            operation(&api, "described").responses[0].body,
            ResponseBody::JsonEvents(TypeRef::Vec(Box::new(TypeRef::I64)))
        );
        assert_eq!(
            operation(&api, "plain").responses[0].body,
            ResponseBody::TextEvents
        );
        assert_eq!(
            operation(&api, "whole").responses[0].body,
            ResponseBody::JsonEvents(TypeRef::Option(Box::new(TypeRef::I64)))
        );
    }
}

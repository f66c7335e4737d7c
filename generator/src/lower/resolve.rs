//! `$ref`s followed to the components they name: one resolver for every kind of component
//! (schemas, parameters, request bodies, responses, headers).
//!
//! A kind says which section of `#/components` holds it ([`Component`]); the resolver follows
//! a chain of references through that section, unescaping each name (`~1` is `/`), and
//! either reports a reference that leads nowhere ([`Lowerer::resolve`]) or, for looking
//! ahead at what is reported elsewhere, says nothing ([`lookup`], [`Lowerer::peek`]).
//!
//! A reference into another kind's section is an error, unless it has one plain meaning: a
//! schema `$ref` to a response, request body, parameter or header stands for that item's
//! schema ([`Component::stand_in`]). Swagger 2.0 documents write such references (a
//! response's `schema: {$ref: '#/responses/X'}`); they are followed with a warning.

use indexmap::IndexMap;
use openapiv3::{
    Components, Example, Header, MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, Schema,
};

use super::Lowerer;
use crate::diagnostic::Diagnostic;
use crate::media::MediaKind;
use crate::pointer::{Pointer, unescape};

/// How deep `$ref` chains (and `allOf` or inline schema nesting) may go before the spec is
/// declared cyclic.
pub(super) const MAX_DEPTH: usize = 64;

/// A kind of item that `#/components` holds by name, and that may be given as a `$ref`.
pub(crate) trait Component: Sized {
    /// The section under `#/components`, as a pointer spells it (`requestBodies`).
    const SECTION: &'static str;
    /// What one item is called in messages (`request body`).
    const NOUN: &'static str;

    /// The section of `components` that holds this kind.
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;

    /// The item of this kind that `reference`, a `$ref` into another kind's section, plainly
    /// stands for; `None` when it has no such meaning (the reference is then an error).
    fn stand_in<'c>(_components: &'c Components, _reference: &str) -> Option<StandIn<'c, Self>> {
        None
    }
}

/// What a `$ref` of the wrong kind stands for: the item, where it is, and the warning that
/// says so.
pub(crate) struct StandIn<'c, T> {
    item: RefOr<'c, T>,
    at: Pointer,
    message: &'static str,
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    const NOUN: &'static str = "schema";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }

    /// The schema of the response, request body (the JSON one, else the first), parameter or
    /// header the reference names. Only a schema written there, or a `$ref` into the schemas,
    /// stands in, so that stand-ins never chain.
    fn stand_in<'c>(components: &'c Components, reference: &str) -> Option<StandIn<'c, Self>> {
        let (section, name) = reference.strip_prefix("#/components/")?.split_once('/')?;
        let name = unescape(name);
        let (schema, at, message) = match section {
            Response::SECTION => {
                let (response, at) = locate::<Response>(components, &name)?;
                let (media_type, media) = body_media(&response.content)?;
                (
                    media.schema.as_ref()?,
                    at.push("content").push(media_type).push("schema"),
                    "a schema $ref points at a response; its body schema is used",
                )
            }
            RequestBody::SECTION => {
                let (body, at) = locate::<RequestBody>(components, &name)?;
                let (media_type, media) = body_media(&body.content)?;
                (
                    media.schema.as_ref()?,
                    at.push("content").push(media_type).push("schema"),
                    "a schema $ref points at a request body; its body schema is used",
                )
            }
            Parameter::SECTION => {
                let (parameter, at) = locate::<Parameter>(components, &name)?;
                let ParameterSchemaOrContent::Schema(schema) =
                    &parameter.parameter_data_ref().format
                else {
                    return None;
                };
                (
                    schema,
                    at.push("schema"),
                    "a schema $ref points at a parameter; its schema is used",
                )
            }
            Header::SECTION => {
                let (header, at) = locate::<Header>(components, &name)?;
                let ParameterSchemaOrContent::Schema(schema) = &header.format else {
                    return None;
                };
                (
                    schema,
                    at.push("schema"),
                    "a schema $ref points at a header; its schema is used",
                )
            }
            _ => return None,
        };
        if let ReferenceOr::Reference { reference } = schema
            && component_name::<Schema>(reference).is_none()
        {
            return None;
        }
        Some(StandIn {
            item: schema.into(),
            at,
            message,
        })
    }
}

/// The media type of a body whose schema stands for it: the JSON one, else the first.
fn body_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json)
        .or_else(|| content.iter().next())
}

/// The component called `name` in `T`'s section, its references followed, and where it is;
/// `None` when a reference dangles or the chain does not end.
fn locate<'c, T: Component>(components: &'c Components, name: &str) -> Option<(&'c T, Pointer)> {
    let mut name = name.to_owned();
    for _ in 0..MAX_DEPTH {
        match T::section(components).get(&name)? {
            ReferenceOr::Item(item) => return Some((item, component_pointer::<T>(&name))),
            ReferenceOr::Reference { reference } => name = component_name::<T>(reference)?,
        }
    }
    None
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    const NOUN: &'static str = "parameter";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    const NOUN: &'static str = "request body";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    const NOUN: &'static str = "response";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

impl Component for Header {
    const SECTION: &'static str = "headers";
    const NOUN: &'static str = "header";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.headers
    }
}

impl Component for Example {
    const SECTION: &'static str = "examples";
    const NOUN: &'static str = "example";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.examples
    }
}

/// An item or a reference to one, whichever box the `openapiv3` model put it in (schemas
/// come as both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`).
pub(crate) enum RefOr<'a, T> {
    /// `$ref`.
    Ref(&'a str),
    /// The item itself, written in place.
    Inline(&'a T),
}

// Derived, these would need `T: Copy`; a reference to `T` is `Copy` whatever `T` is.
impl<T> Clone for RefOr<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for RefOr<'_, T> {}

impl<'a, T> From<&'a ReferenceOr<T>> for RefOr<'a, T> {
    fn from(value: &'a ReferenceOr<T>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => RefOr::Ref(reference),
            ReferenceOr::Item(item) => RefOr::Inline(item),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for RefOr<'a, Schema> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => RefOr::Ref(reference),
            ReferenceOr::Item(schema) => RefOr::Inline(schema),
        }
    }
}

/// The component name a `$ref` gives, unescaped, if it points into `T`'s section of the same
/// file (`#/components/schemas/a~1b` is the schema `a/b`).
pub(crate) fn component_name<T: Component>(reference: &str) -> Option<String> {
    let name = reference
        .strip_prefix("#/components/")?
        .strip_prefix(T::SECTION)?
        .strip_prefix('/')?;
    Some(unescape(name))
}

/// The pointer of the component called `name` in `T`'s section.
pub(crate) fn component_pointer<T: Component>(name: &str) -> Pointer {
    Pointer::root()
        .push("components")
        .push(T::SECTION)
        .push(name)
}

/// Follows `$ref`s to the item itself, reporting nothing: `None` when a reference dangles or
/// the chain does not end. For looking ahead at what is lowered (and reported on) elsewhere.
pub(crate) fn lookup<'a, T: Component>(
    components: Option<&'a Components>,
    item: RefOr<'a, T>,
) -> Option<&'a T> {
    let mut current = item;
    for _ in 0..MAX_DEPTH {
        match current {
            RefOr::Inline(item) => return Some(item),
            RefOr::Ref(reference) => {
                let components = components?;
                current = match component_name::<T>(reference) {
                    Some(name) => T::section(components).get(&name)?.into(),
                    None => T::stand_in(components, reference)?.item,
                };
            }
        }
    }
    None
}

impl<'a> Lowerer<'a> {
    /// Follows `$ref`s to the item itself and the pointer where it was found; `None` (with an
    /// error recorded) when a reference dangles or the chain does not end.
    pub(crate) fn resolve<T: Component>(
        &mut self,
        item: RefOr<'a, T>,
        pointer: &Pointer,
    ) -> Option<(&'a T, Pointer)> {
        let mut current = item;
        let mut at = pointer.clone();
        for _ in 0..MAX_DEPTH {
            match current {
                RefOr::Inline(item) => return Some((item, at)),
                RefOr::Ref(reference) => {
                    if let Some((item, stand_in_at)) = self.stand_in::<T>(reference, &at) {
                        current = item;
                        at = stand_in_at;
                        continue;
                    }
                    let (name, target) = self.component::<T>(reference, &at)?;
                    at = component_pointer::<T>(name);
                    current = target.into();
                }
            }
        }
        self.error(pointer, "`$ref` chain does not end (a reference cycle)");
        None
    }

    /// The item a `$ref` of the wrong kind (at `at`) stands for, and where it is, with a
    /// warning that says so; `None`, reporting nothing, for a reference into `T`'s own section
    /// or one without a plain meaning.
    pub(crate) fn stand_in<T: Component>(
        &mut self,
        reference: &str,
        at: &Pointer,
    ) -> Option<(RefOr<'a, T>, Pointer)> {
        if component_name::<T>(reference).is_some() {
            return None;
        }
        let stand_in = T::stand_in(self.doc.components.as_ref()?, reference)?;
        self.warning(at, stand_in.message);
        Some((stand_in.item, stand_in.at))
    }

    /// [`lookup`] in this document.
    pub(crate) fn peek<T: Component>(&self, item: RefOr<'a, T>) -> Option<&'a T> {
        lookup(self.doc.components.as_ref(), item)
    }

    /// The component one `$ref` (at `at`) names, with its name, one step only: what it holds
    /// may be a reference again. `None` (with an error recorded) when there is none.
    pub(super) fn component<T: Component>(
        &mut self,
        reference: &str,
        at: &Pointer,
    ) -> Option<(&'a str, &'a ReferenceOr<T>)> {
        let name = component_name::<T>(reference);
        let found = name.as_ref().and_then(|name| {
            let components = self.doc.components.as_ref()?;
            T::section(components).get_key_value(name)
        });
        if let Some((name, item)) = found {
            return Some((name.as_str(), item));
        }
        let (message, note) = if name.is_some() {
            (
                format!("dangling $ref `{reference}`"),
                format!("no such {} under #/components/{}", T::NOUN, T::SECTION),
            )
        } else {
            (
                format!("unsupported $ref `{reference}`"),
                format!(
                    "{} references must point into #/components/{} of the same file",
                    T::NOUN,
                    T::SECTION
                ),
            )
        };
        self.diagnostics
            .push(Diagnostic::error(self.file, Some(at), message).note(note));
        None
    }
}

#[cfg(test)]
mod tests {

    use openapiv3::OpenAPI;

    use super::*;
    use crate::Settings;
    use crate::diagnostic::Severity;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    a/b: {type: string}
    Alias: {$ref: "#/components/schemas/a~1b"}
    Loop: {$ref: "#/components/schemas/Loop"}
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
    Again: {$ref: "#/components/parameters/Limit"}
  responses:
    Ok: {description: fine}
    Pet:
      description: a pet
      content:
        text/plain: {schema: {type: string}}
        application/json: {schema: {$ref: "#/components/schemas/a~1b"}}
    Same: {$ref: "#/components/responses/Pet"}
    Loop:
      description: refers to itself
      content:
        application/json: {schema: {$ref: "#/components/responses/Loop"}}
  requestBodies:
    Note:
      content:
        application/json: {schema: {type: object, properties: {text: {type: string}}}}
  headers:
    Rate: {schema: {type: integer}}
"##;

    fn document() -> OpenAPI {
        crate::load::load("t.yaml", SPEC.as_bytes())
            .expect("loads")
            .document
    }

    fn lowerer<'a>(doc: &'a OpenAPI, settings: &'a Settings) -> Lowerer<'a> {
        // Leaked: a test's lowerer borrows them for as long as the document.
        let item_schemas = Box::leak(Box::new(super::super::operation::ItemSchemas::of(doc)));
        Lowerer::new("t.yaml", doc, settings, item_schemas)
    }

    fn reference<T>(text: &str) -> ReferenceOr<T> {
        ReferenceOr::Reference {
            reference: text.to_owned(),
        }
    }

    #[test]
    fn names_are_unescaped_and_checked_against_the_section() {
        assert_eq!(
            component_name::<Schema>("#/components/schemas/a~1b~0c").as_deref(),
            Some("a/b~c")
        );
        assert_eq!(component_name::<Schema>("#/components/parameters/a"), None);
        assert_eq!(component_name::<Schema>("#/components/schemasX/a"), None);
        assert_eq!(
            component_name::<RequestBody>("#/components/requestBodies/Pet").as_deref(),
            Some("Pet")
        );
    }

    #[test]
    fn chains_end_at_the_item_and_its_pointer() {
        let (doc, settings) = (document(), Settings::new("t"));
        let alias = reference::<Schema>("#/components/schemas/Alias");
        let again = reference::<Parameter>("#/components/parameters/Again");
        let ok = reference::<Response>("#/components/responses/Ok");
        let mut lowerer = lowerer(&doc, &settings);
        let start = Pointer::root().push("here");
        let (_, at) = lowerer.resolve((&alias).into(), &start).expect("resolves");
        assert_eq!(at.to_string(), "#/components/schemas/a~1b");
        let (parameter, at) = lowerer.resolve((&again).into(), &start).expect("resolves");
        assert_eq!(parameter.parameter_data_ref().name, "limit");
        assert_eq!(at.to_string(), "#/components/parameters/Limit");
        assert_eq!(
            lowerer.peek((&ok).into()).map(|r| &r.description),
            Some(&"fine".to_owned())
        );
        assert!(lowerer.diagnostics.is_empty(), "{:#?}", lowerer.diagnostics);
    }

    #[test]
    fn schema_references_to_other_kinds_stand_for_their_schema_with_a_warning() {
        let (doc, settings) = (document(), Settings::new("t"));
        let cases = [
            // The JSON body of a response (through a chain of responses), then a schema.
            (
                "#/components/responses/Same",
                "#/components/schemas/a~1b",
                "a schema $ref points at a response; its body schema is used",
            ),
            (
                "#/components/requestBodies/Note",
                "#/components/requestBodies/Note/content/application~1json/schema",
                "a schema $ref points at a request body; its body schema is used",
            ),
            (
                "#/components/parameters/Again",
                "#/components/parameters/Limit/schema",
                "a schema $ref points at a parameter; its schema is used",
            ),
            (
                "#/components/headers/Rate",
                "#/components/headers/Rate/schema",
                "a schema $ref points at a header; its schema is used",
            ),
        ];
        let schemas: Vec<ReferenceOr<Schema>> = cases.iter().map(|c| reference(c.0)).collect();
        // No plain meaning: a response without a body, one whose schema is a response again
        // (stand-ins never chain), anything but a schema standing for another kind.
        let no_body = reference::<Schema>("#/components/responses/Ok");
        let chained = reference::<Schema>("#/components/responses/Loop");
        let parameter = reference::<Parameter>("#/components/headers/Rate");
        let mut lowerer = lowerer(&doc, &settings);
        let start = Pointer::root().push("here");
        for ((target, found_at, message), schema) in cases.into_iter().zip(&schemas) {
            let (_, at) = lowerer.resolve(schema.into(), &start).expect(target);
            assert_eq!(at.to_string(), found_at);
            assert!(lowerer.peek(schema.into()).is_some(), "{target}");
            let warning = lowerer.diagnostics.pop().expect("a warning");
            assert_eq!(
                (
                    warning.severity,
                    warning.message.as_str(),
                    warning.pointer.as_deref()
                ),
                (Severity::Warning, message, Some("#/here")),
            );
        }
        assert!(lowerer.resolve((&no_body).into(), &start).is_none());
        assert!(lowerer.resolve((&chained).into(), &start).is_none());
        assert!(lowerer.resolve((&parameter).into(), &start).is_none());
        assert!(lowerer.peek((&chained).into()).is_none());
        let reported: Vec<(Severity, &str)> = lowerer
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.message.as_str()))
            .collect();
        assert_eq!(
            reported,
            [
                (
                    Severity::Error,
                    "unsupported $ref `#/components/responses/Ok`"
                ),
                (
                    Severity::Error,
                    "unsupported $ref `#/components/responses/Loop`"
                ),
                (
                    Severity::Error,
                    "unsupported $ref `#/components/headers/Rate`"
                ),
            ]
        );
    }

    #[test]
    fn a_swagger_response_schema_that_names_a_response_uses_its_schema() {
        let (api, warnings) = crate::lower::testing::lowered_document(
            r##"
            swagger: "2.0"
            info: {title: t, version: "1"}
            produces: [application/json]
            paths:
              /repos/{id}:
                get:
                  operationId: getRepo
                  parameters: [{name: id, in: path, required: true, type: integer}]
                  responses:
                    "200":
                      description: the repository
                      schema: {$ref: "#/responses/Repository"}
            responses:
              Repository:
                description: a repository
                schema: {$ref: "#/definitions/Repository"}
            definitions:
              Repository:
                type: object
                properties: {name: {type: string}}
            "##,
        );
        let op = crate::lower::testing::operation(&api, "get_repo");
        let repository = crate::lower::testing::named(&api, "Repository");
        assert!(
            matches!(&op.success, crate::ir::Success::Body(ty) if *ty == repository),
            "{:?}",
            op.success
        );
        assert_eq!(
            warnings,
            [
                "warning: a schema $ref points at a response; its body schema is used\n  --> t.yaml at #/paths/~1repos~1{id}/get/responses/200/content/application~1json/schema"
            ]
        );
    }

    #[test]
    fn dangling_foreign_and_cyclic_references_are_located_errors() {
        let (doc, settings) = (document(), Settings::new("t"));
        let missing = reference::<Parameter>("#/components/parameters/Nope");
        let foreign = reference::<Parameter>("#/components/schemas/a~1b");
        let cycle = reference::<Schema>("#/components/schemas/Loop");
        let mut lowerer = lowerer(&doc, &settings);
        let start = Pointer::root().push("here");
        for parameter in [&missing, &foreign] {
            assert!(lowerer.resolve(parameter.into(), &start).is_none());
            assert!(lowerer.peek(parameter.into()).is_none());
        }
        assert!(lowerer.resolve((&cycle).into(), &start).is_none());
        assert!(lowerer.peek((&cycle).into()).is_none());
        let reported: Vec<(&str, Option<&str>, Option<&str>)> = lowerer
            .diagnostics
            .iter()
            .map(|d| (d.message.as_str(), d.pointer.as_deref(), d.note.as_deref()))
            .collect();
        assert_eq!(
            reported,
            [
                (
                    "dangling $ref `#/components/parameters/Nope`",
                    Some("#/here"),
                    Some("no such parameter under #/components/parameters"),
                ),
                (
                    "unsupported $ref `#/components/schemas/a~1b`",
                    Some("#/here"),
                    Some(
                        "parameter references must point into #/components/parameters of the same file"
                    ),
                ),
                (
                    "`$ref` chain does not end (a reference cycle)",
                    Some("#/here"),
                    None
                ),
            ]
        );
    }
}

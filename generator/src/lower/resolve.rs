//! `$ref`s followed to the components they name: one resolver for every kind of component
//! (schemas, parameters, request bodies, responses, headers).
//!
//! A kind says which section of `#/components` holds it ([`Component`]); the resolver follows
//! a chain of references through that section, unescaping each name (`~1` is `/`), and
//! either reports a reference that leads nowhere ([`Lowerer::resolve`]) or, for looking
//! ahead at what is reported elsewhere, says nothing ([`lookup`], [`Lowerer::peek`]).

use indexmap::IndexMap;
use openapiv3::{
    Components, Example, Header, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

use super::Lowerer;
use crate::diagnostic::Diagnostic;
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
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    const NOUN: &'static str = "schema";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
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
fn component_pointer<T: Component>(name: &str) -> Pointer {
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
                let name = component_name::<T>(reference)?;
                current = T::section(components?).get(&name)?.into();
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
                    let (name, target) = self.component::<T>(reference, &at)?;
                    at = component_pointer::<T>(name);
                    current = target.into();
                }
            }
        }
        self.error(pointer, "`$ref` chain does not end (a reference cycle)");
        None
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
"##;

    fn document() -> OpenAPI {
        crate::load::load("t.yaml", SPEC.as_bytes())
            .expect("loads")
            .document
    }

    fn lowerer<'a>(doc: &'a OpenAPI, settings: &'a Settings) -> Lowerer<'a> {
        Lowerer::new("t.yaml", doc, settings)
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

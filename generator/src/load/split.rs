//! The typed parse of a JSON document in pieces, side by side.
//!
//! Parsed whole, a document is read on one thread, and `openapiv3`'s flattened extensions
//! make serde hold each of its objects as untyped content before typing it: the paths and the
//! components, most of a big spec, were read twice. Here the document's members are found
//! first, each kept as its text; the paths, the component schemas, the rest of the components
//! and the rest of the document are then typed each from its own text, on all threads. The
//! document is the one the whole parse gives: each piece is typed as the same type from the
//! same text, and any piece that fails gives `None`, as the whole parse would fail.

use std::fmt;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr, Schema};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// A member of a JSON object: its name and its value's text.
pub(super) type Member<'a> = (String, &'a RawValue);

/// `text`, a JSON document, typed in pieces side by side; `None` where it is not a JSON object
/// the typed parse takes.
#[cfg(test)]
fn parse(text: &str) -> Option<OpenAPI> {
    typed(members(text)?)
}

/// The document whose top-level members ([`members`]) these are, typed in pieces side by
/// side; `None` where the typed parse of the whole would fail.
pub(super) fn typed(top: Vec<Member<'_>>) -> Option<OpenAPI> {
    let (paths, rest) = without(&top, "paths");
    let paths = paths?;
    let (components, rest) = without_in(rest, "components");
    // `paths` is required; its value comes from its own piece.
    let rest = object_text(&rest, Some("\"paths\":{}"));
    let components_pieces = match components {
        Some(components) => match members(components.get()) {
            Some(members) => {
                let (schemas, rest) = without(&members, "schemas");
                Some(ComponentsPieces::Split {
                    schemas,
                    rest: object_text(&rest, None),
                })
            }
            // Not an object (`null`): typed whole.
            None => Some(ComponentsPieces::Whole(components)),
        },
        None => None,
    };
    let ((paths, document), components) = rayon::join(
        || {
            rayon::join(
                || serde_json::from_str::<Paths>(paths.get()).ok(),
                || serde_json::from_str::<OpenAPI>(&rest).ok(),
            )
        },
        || components_pieces.map(ComponentsPieces::parse),
    );
    let mut document = document?;
    document.paths = paths?;
    document.components = match components {
        Some(components) => components?,
        None => None,
    };
    Some(document)
}

/// The components' text, split when it is an object.
enum ComponentsPieces<'a> {
    Split {
        schemas: Option<&'a RawValue>,
        rest: String,
    },
    Whole(&'a RawValue),
}

impl ComponentsPieces<'_> {
    /// The components typed, the schemas beside the rest; `None` if a piece fails.
    fn parse(self) -> Option<Option<Components>> {
        match self {
            ComponentsPieces::Whole(text) => serde_json::from_str(text.get()).ok(),
            ComponentsPieces::Split { schemas, rest } => {
                let (schemas, components) = rayon::join(
                    || match schemas {
                        Some(schemas) => serde_json::from_str::<
                            IndexMap<String, ReferenceOr<Schema>>,
                        >(schemas.get())
                        .ok(),
                        None => Some(IndexMap::new()),
                    },
                    || serde_json::from_str::<Components>(&rest).ok(),
                );
                let mut components = components?;
                components.schemas = schemas?;
                Some(Some(components))
            }
        }
    }
}

/// The member `key` of `members`, and the others in order.
fn without<'a>(
    members: &[(String, &'a RawValue)],
    key: &str,
) -> (Option<&'a RawValue>, Vec<(String, &'a RawValue)>) {
    without_in(members.to_vec(), key)
}

/// [`without`], taking the members.
fn without_in<'a>(
    members: Vec<(String, &'a RawValue)>,
    key: &str,
) -> (Option<&'a RawValue>, Vec<(String, &'a RawValue)>) {
    let mut found = None;
    let mut rest = Vec::with_capacity(members.len());
    for (name, value) in members {
        if name == key {
            found = Some(value);
        } else {
            rest.push((name, value));
        }
    }
    (found, rest)
}

/// The JSON object of `members`, in order, and `tail` (a member's text) last.
fn object_text(members: &[(String, &RawValue)], tail: Option<&str>) -> String {
    let mut pieces: Vec<String> = members
        .iter()
        .map(|(name, value)| {
            // A string serialises whatever it holds.
            let name = serde_json::to_string(name).unwrap_or_default();
            format!("{name}:{}", value.get())
        })
        .collect();
    pieces.extend(tail.map(str::to_owned));
    format!("{{{}}}", pieces.join(","))
}

/// The members of the JSON object `text`, each value as its text, in order; `None` if `text`
/// is not an object, or names a member twice (which the typed parse refuses).
pub(super) fn members(text: &str) -> Option<Vec<Member<'_>>> {
    let Members(members) = serde_json::from_str(text).ok()?;
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    members
        .iter()
        .all(|(name, _)| seen.insert(name.as_str()))
        .then_some(members)
}

/// An object's members as they are read.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    members.push((name, map.next_value::<&RawValue>()?));
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use openapiv3::OpenAPI;

    #[test]
    fn a_document_typed_in_pieces_is_the_one_typed_whole() {
        let whole = r##"{"openapi": "3.0.3", "x-top": [1, 2.5, "\u00e9"],
          "info": {"title": "t", "version": "1"},
          "paths": {"x-paths": true, "/pets": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}}},
          "tags": [{"name": "pets"}],
          "components": {"x-components": {"a": null},
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}}}}"##;
        let typed_whole: OpenAPI = serde_json::from_str(whole).expect("typed whole");
        assert_eq!(super::parse(whole).as_ref(), Some(&typed_whole));
        // A member's name spelled with an escape is the same member.
        let escaped = whole.replacen("\"paths\"", "\"p\\u0061ths\"", 1);
        assert_eq!(super::parse(&escaped).as_ref(), Some(&typed_whole));

        for (document, which) in [
            (
                whole.replace("\"components\": {", "\"components\": null, \"x-c\": {"),
                "null components",
            ),
            (
                whole.replace("\"schemas\"", "\"x-schemas\""),
                "components without schemas",
            ),
        ] {
            let typed_whole: Option<OpenAPI> = serde_json::from_str(&document).ok();
            assert!(typed_whole.is_some(), "{which}");
            assert_eq!(super::parse(&document), typed_whole, "{which}");
        }
        for (why, refused) in [
            ("not an object", "[1]".to_owned()),
            (
                "no paths",
                whole.replacen("\"paths\"", "\"x-paths-moved\"", 1),
            ),
            (
                "a member twice",
                whole.replacen("{", "{\"openapi\": \"3.0.3\",", 1),
            ),
            (
                "a component member twice",
                whole.replacen("\"schemas\"", "\"schemas\": {}, \"schemas\"", 1),
            ),
            (
                "a wrong piece",
                whole.replace("\"in\": \"query\"", "\"in\": 7"),
            ),
        ] {
            assert!(serde_json::from_str::<OpenAPI>(&refused).is_err(), "{why}");
            assert_eq!(super::parse(&refused), None, "{why}");
        }
    }
}

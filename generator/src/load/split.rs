//! The typed parse of a JSON document in pieces, side by side.
//!
//! Parsed whole, a document is read on one thread, and `openapiv3`'s flattened extensions
//! make serde hold each of its objects as untyped content before typing it: the paths and the
//! components, most of a big spec, were read twice. Here the document's members are found
//! first, each kept as its text; the path items and the component schemas (each a piece of
//! its own: they are most of the work), the rest of the components and the rest of the
//! document are then typed each from its own text, on all threads. The
//! document is the one the whole parse gives: each piece is typed as the same type from the
//! same text, and any piece that fails gives `None`, as the whole parse would fail.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr, Schema};
use rayon::prelude::*;
use serde::de::{DeserializeOwned, IgnoredAny};

/// A member of a JSON object: its name and its value's text.
pub(super) type Member<'a> = (String, &'a str);

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
        Some(components) => match members(components) {
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
                || paths_of(paths),
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
        schemas: Option<&'a str>,
        rest: String,
    },
    Whole(&'a str),
}

impl ComponentsPieces<'_> {
    /// The components typed, the schemas beside the rest; `None` if a piece fails.
    fn parse(self) -> Option<Option<Components>> {
        match self {
            ComponentsPieces::Whole(text) => serde_json::from_str(text).ok(),
            ComponentsPieces::Split { schemas, rest } => {
                let (schemas, components) = rayon::join(
                    || match schemas {
                        Some(schemas) => map_of::<ReferenceOr<Schema>>(schemas),
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

/// The JSON object `text` typed as a map, each member's value typed on its own, side by
/// side; `None` where the typed parse of the whole map would fail.
fn map_of<T: DeserializeOwned + Send>(text: &str) -> Option<IndexMap<String, T>> {
    let Some(members) = members(text) else {
        // Not an object, or a name given twice: the whole parse decides.
        return serde_json::from_str(text).ok();
    };
    typed_members(members)
}

/// `members` typed as a map, each value on its own, side by side; `None` where one fails.
fn typed_members<T: DeserializeOwned + Send>(
    members: Vec<Member<'_>>,
) -> Option<IndexMap<String, T>> {
    let typed: Vec<(String, T)> = members
        .into_par_iter()
        .map(|(name, value)| Some((name, serde_json::from_str(value).ok()?)))
        .collect::<Option<_>>()?;
    Some(typed.into_iter().collect())
}

/// The JSON object `text` typed as [`Paths`], each path item on its own, side by side, as
/// [`map_of`] does; `None` where the typed parse of the whole would fail. As that parse
/// does, a member named with `/` is a path item, one named with `x-` an extension, and any
/// other member's value is read and left.
fn paths_of(text: &str) -> Option<Paths> {
    let Some(members) = members(text) else {
        return serde_json::from_str(text).ok();
    };
    let (items, rest): (Vec<_>, Vec<_>) = members
        .into_iter()
        .partition(|(name, _)| name.starts_with('/'));
    let (extensions, left): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|(name, _)| name.starts_with("x-"));
    if left
        .iter()
        .any(|(_, value)| serde_json::from_str::<IgnoredAny>(value).is_err())
    {
        return None;
    }
    Some(Paths {
        paths: typed_members(items)?,
        extensions: typed_members(extensions)?,
    })
}

/// The member `key` of `members`, and the others in order.
fn without<'a>(members: &[Member<'a>], key: &str) -> (Option<&'a str>, Vec<Member<'a>>) {
    without_in(members.to_vec(), key)
}

/// [`without`], taking the members.
fn without_in<'a>(members: Vec<Member<'a>>, key: &str) -> (Option<&'a str>, Vec<Member<'a>>) {
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
fn object_text(members: &[Member<'_>], tail: Option<&str>) -> String {
    let mut pieces: Vec<String> = members
        .iter()
        .map(|(name, value)| {
            // A string serialises whatever it holds.
            let name = serde_json::to_string(name).unwrap_or_default();
            format!("{name}:{value}")
        })
        .collect();
    pieces.extend(tail.map(str::to_owned));
    format!("{{{}}}", pieces.join(","))
}

/// The members of the JSON object `text`, each value as its text, in order; `None` if `text`
/// is not an object, or names a member twice (which the typed parse refuses).
///
/// Only the object's own structure is read: where each value starts and ends. Every value is
/// parsed later, as a piece of its own or in the rest's text, so a value that is not JSON
/// fails there; a member's name is read here, and one the whole parse would refuse (a raw
/// control character, a bad escape) gives `None`. Reading each value with serde_json instead
/// was 4% of generation on GitHub's spec, on the one thread before the pieces.
pub(super) fn members(text: &str) -> Option<Vec<Member<'_>>> {
    let bytes = text.as_bytes();
    let mut at = skip_blanks(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_blanks(bytes, at + 1);
    let mut members = Vec::new();
    if bytes.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let name_end = string_end(bytes, at)?;
            let name = member_name(&text[at..name_end])?;
            at = skip_blanks(bytes, name_end);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            let value_start = skip_blanks(bytes, at + 1);
            let value_end = value_end(bytes, value_start)?;
            members.push((name, text.get(value_start..value_end)?));
            at = skip_blanks(bytes, value_end);
            match bytes.get(at) {
                Some(b',') => at = skip_blanks(bytes, at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    if skip_blanks(bytes, at) != bytes.len() {
        return None;
    }
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    members
        .iter()
        .all(|(name, _)| seen.insert(name.as_str()))
        .then_some(members)
}

/// The first place at or after `at` that is not JSON whitespace.
fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Where the string that opens at `start` ends (just past its closing quote); `None` if no
/// string opens there or it never closes.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    loop {
        at += memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if bytes[at] == b'"' {
            return Some(at + 1);
        }
        // An escape: the character after the backslash is part of it.
        at += 2;
    }
}

/// Where the value that starts at `start` ends: past a string's closing quote, past the
/// bracket that closes an object or array (brackets inside strings aside), or past a
/// number's or literal's last character. Whether the value is valid JSON is left to its
/// parse.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        &open @ (b'{' | b'[') => {
            // Only brackets of the value's own kind are counted: in valid JSON the other
            // kind balances inside it, and what is not valid fails in its parse. Three bytes
            // are what memchr looks for at once, past the indentation between strings.
            let close = if open == b'{' { b'}' } else { b']' };
            let mut depth = 0usize;
            let mut at = start;
            loop {
                at += memchr::memchr3(b'"', open, close, bytes.get(at..)?)?;
                match bytes[at] {
                    b'"' => {
                        at = string_end(bytes, at)?;
                        continue;
                    }
                    byte if byte == open => depth += 1,
                    _ => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                }
                at += 1;
            }
        }
        _ => {
            let length = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - start);
            (length > 0).then_some(start + length)
        }
    }
}

/// A member's name from its quoted text, as the whole parse reads it; `None` where that
/// parse would refuse it.
fn member_name(quoted: &str) -> Option<String> {
    let inner = quoted.get(1..quoted.len() - 1)?;
    if inner.bytes().any(|b| b == b'\\' || b < 0x20) {
        serde_json::from_str(quoted).ok()
    } else {
        Some(inner.to_owned())
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
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
              "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
              "Named": {"$ref": "#/components/schemas/Pet"}, "Free": {}},
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
            (
                whole.replace("\"Free\": {}", "\"Pet\": {\"type\": \"integer\"}"),
                "a schema named twice",
            ),
            (
                whole.replace(
                    "\"x-paths\": true,",
                    "\"x-paths\": true, \"other\": {\"get\": 1}, \"/pet\": {\"$ref\": \"#/x\"},",
                ),
                "paths with a reference and a member neither a path nor an extension",
            ),
        ] {
            let typed_whole: Option<OpenAPI> = serde_json::from_str(&document).ok();
            assert!(typed_whole.is_some(), "{which}");
            assert_eq!(super::parse(&document), typed_whole, "{which}");
        }
        // Text that looks like structure inside strings, escapes before quotes, and values of
        // every kind at the top.
        let tricky = whole.replacen(
            "\"x-top\": [1, 2.5, \"\\u00e9\"]",
            r#""x-top": ["}", "]", "\"{", "\\", "a\\\"}"], "x-n": -1.5e3, "x-t": true, "x-null": null, "x-s": "{\"paths\": 1}""#,
            1,
        );
        assert_ne!(tricky, whole);
        let typed_tricky: OpenAPI = serde_json::from_str(&tricky).expect("typed whole");
        assert_eq!(super::parse(&tricky).as_ref(), Some(&typed_tricky));
        let members = super::members(&tricky).expect("an object");
        assert_eq!(
            members
                .iter()
                .find(|(name, _)| name == "x-top")
                .map(|(_, value)| *value),
            Some(r#"["}", "]", "\"{", "\\", "a\\\"}"]"#)
        );

        // Brackets of the other kind inside a value, and in strings.
        let nested = r#"{"a": {"x": [1, {"y": "}"}], "z": "]"}, "b": [{"c": "["}, [], {}]}"#;
        assert_eq!(
            super::members(nested),
            Some(vec![
                ("a".to_owned(), r#"{"x": [1, {"y": "}"}], "z": "]"}"#),
                ("b".to_owned(), r#"[{"c": "["}, [], {}]"#),
            ])
        );

        for (why, refused) in [
            ("trailing text", format!("{whole} x")),
            ("a second object", format!("{whole} {{}}")),
            (
                "no comma between members",
                whole.replacen("\\u00e9\"],", "\\u00e9\"]", 1),
            ),
            ("no colon", whole.replacen("\"info\":", "\"info\"", 1)),
            (
                "a bad escape in a name",
                whole.replacen("\"x-top\"", "\"x-\\qtop\"", 1),
            ),
            (
                "a raw control character in a name",
                whole.replacen("\"x-top\"", "\"x-\ttop\"", 1),
            ),
            (
                "an unclosed string",
                whole.replacen("\"x-top\": [1", "\"x-top\": [\"1", 1),
            ),
            (
                "a bracket closing the wrong kind",
                whole.replacen("[1, 2.5", "[1}, 2.5", 1),
            ),
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
            (
                "a path item of the wrong type",
                whole.replace("\"/pets\": {\"get\"", "\"/pet\": [], \"/pets\": {\"get\""),
            ),
            (
                "a wrong extension of the paths",
                whole.replace("\"x-paths\": true", "\"x-paths\": tru"),
            ),
            (
                "a member of the paths that is no JSON",
                whole.replace("\"x-paths\": true", "\"other\": tru"),
            ),
            (
                "a wrong schema",
                whole.replace("\"items\": {", "\"items\": 7, \"x\": {"),
            ),
        ] {
            assert_ne!(refused, whole, "{why}");
            assert!(serde_json::from_str::<OpenAPI>(&refused).is_err(), "{why}");
            assert_eq!(super::parse(&refused), None, "{why}");
        }
    }
}

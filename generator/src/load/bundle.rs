//! Multi-file documents: every `$ref` to another file is brought into the root document.
//!
//! A referenced schema, parameter, response, ... is added to the root's components under a
//! name of its own (its last pointer segment, or its file's stem), and the `$ref` is rewritten
//! to point there; path items are inlined, since OpenAPI 3.0 has nowhere to name them. Each
//! `(file, fragment)` is imported once, and its name is taken before its own references are
//! followed, so reference cycles across files end. Relative paths are resolved against the
//! referring file. Nothing is fetched from the network.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::parse;
use crate::Sources;
use crate::diagnostic::Diagnostic;
use crate::pointer::Pointer;

/// How deep a document may nest before bundling gives up on it (parsers already stop at 128).
const MAX_NESTING: usize = 256;

/// Where an imported node goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Schemas,
    Parameters,
    Responses,
    RequestBodies,
    Headers,
    Examples,
    SecuritySchemes,
    Links,
    Callbacks,
    /// OpenAPI 3.2's reusable media types.
    MediaTypes,
    /// Inlined where it is referenced.
    PathItem,
}

impl Section {
    /// Every section that is a kind of component: all but path items.
    const COMPONENTS: [Section; 10] = [
        Section::Schemas,
        Section::Parameters,
        Section::Responses,
        Section::RequestBodies,
        Section::Headers,
        Section::Examples,
        Section::SecuritySchemes,
        Section::Links,
        Section::Callbacks,
        Section::MediaTypes,
    ];

    fn components_key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::Responses => "responses",
            Section::RequestBodies => "requestBodies",
            Section::Headers => "headers",
            Section::Examples => "examples",
            Section::SecuritySchemes => "securitySchemes",
            Section::Links => "links",
            Section::Callbacks => "callbacks",
            Section::MediaTypes => "mediaTypes",
            Section::PathItem => "pathItems",
        }
    }

    /// The section a pointer such as `#/components/schemas/Pet` or `#/definitions/Pet` names.
    fn of_fragment(fragment: &Pointer) -> Option<Section> {
        let segments: Vec<String> = fragment.segments().collect();
        let section = match segments.as_slice() {
            [components, section, _] if components == "components" => section.as_str(),
            [section, _] => match section.as_str() {
                "definitions" => "schemas",
                "parameters" => "parameters",
                "responses" => "responses",
                _ => return None,
            },
            _ => return None,
        };
        Section::COMPONENTS
            .into_iter()
            .find(|s| s.components_key() == section)
    }

    /// What a `$ref` at `location` must point at, judged by where it sits.
    fn of_location(location: &Pointer) -> Section {
        let segments: Vec<String> = location.segments().collect();
        let last = segments.last().map(String::as_str);
        let parent = segments.len().checked_sub(2).map(|i| segments[i].as_str());
        match (parent, last) {
            (Some("paths"), _) => Section::PathItem,
            (Some("parameters"), Some(_)) => Section::Parameters,
            (Some("responses"), Some(_)) => Section::Responses,
            (_, Some("requestBody")) => Section::RequestBodies,
            (Some("headers"), Some(_)) => Section::Headers,
            (Some("securitySchemes"), Some(_)) => Section::SecuritySchemes,
            (Some("links"), Some(_)) => Section::Links,
            (Some("callbacks"), Some(_)) => Section::Callbacks,
            (Some("examples"), Some(_)) => Section::Examples,
            (Some("content"), Some(_)) => Section::MediaTypes,
            _ => Section::Schemas,
        }
    }
}

/// Brings every external `$ref` of `root` (read from `file`) into it, with an error for each
/// that cannot be (left as it was written).
pub(super) fn bundle(
    file: &str,
    mut root: Value,
    sources: &dyn Sources,
) -> (Value, Vec<Diagnostic>) {
    let swagger2 = root.get("swagger").is_some();
    let mut bundler = Bundler {
        root_file: normalize(file),
        sources,
        swagger2,
        documents: BTreeMap::new(),
        imported: BTreeMap::new(),
        taken: BTreeSet::new(),
        additions: Vec::new(),
        inlining: Vec::new(),
        errors: Vec::new(),
    };
    for section in Section::COMPONENTS {
        let (container, key) = bundler.location_of(section);
        let existing = match container {
            Some(container) => root.get(container).and_then(|c| c.get(key)),
            None => root.get(key),
        };
        for name in existing
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::keys)
        {
            bundler.taken.insert((section, name.clone()));
        }
    }
    if !needs_bundling(&root, swagger2).unwrap_or(true) {
        return (root, Vec::new());
    }
    let root_file = bundler.root_file.clone();
    bundler.documents.insert(root_file.clone(), root.clone());
    bundler.rewrite(&mut root, &root_file, &Pointer::root(), Place::default(), 0);
    let additions = std::mem::take(&mut bundler.additions);
    for (section, name, node) in additions {
        let (container, key) = bundler.location_of(section);
        let Some(object) = root.as_object_mut() else {
            break;
        };
        let holder = match container {
            Some(container) => match object
                .entry(container)
                .or_insert_with(|| Value::Object(Map::new()))
            {
                Value::Object(holder) => holder,
                _ => continue,
            },
            None => object,
        };
        if let Value::Object(target) = holder
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            target.insert(name, node);
        }
    }
    (root, bundler.errors)
}

struct Bundler<'s> {
    root_file: String,
    sources: &'s dyn Sources,
    swagger2: bool,
    /// Parsed files, by normalized path.
    documents: BTreeMap<String, Value>,
    /// `(file, fragment)` to the local `$ref` it was given.
    imported: BTreeMap<(String, String), String>,
    /// Names in use per section, the root's own included.
    taken: BTreeSet<(Section, String)>,
    /// Imported nodes to add to the root, in import order.
    additions: Vec<(Section, String, Value)>,
    /// Path items being inlined, to stop a cycle of them.
    inlining: Vec<(String, String)>,
    errors: Vec<Diagnostic>,
}

impl Bundler<'_> {
    /// Where a section lives in the root: `(Some("components"), "schemas")`, or top-level
    /// `(None, "definitions")` in Swagger 2.0.
    fn location_of(&self, section: Section) -> (Option<&'static str>, &'static str) {
        if self.swagger2 {
            match section {
                Section::Schemas => return (None, "definitions"),
                Section::Parameters => return (None, "parameters"),
                Section::Responses => return (None, "responses"),
                Section::SecuritySchemes => return (None, "securityDefinitions"),
                _ => {}
            }
        }
        (Some("components"), section.components_key())
    }

    /// Rewrites the `$ref`s of `value` (found in `file` at `at`, a place of the kind `place`
    /// says), leaving literal data alone.
    fn rewrite(
        &mut self,
        value: &mut Value,
        file: &str,
        at: &Pointer,
        place: Place<'_>,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            self.errors.push(Diagnostic::error(
                file,
                Some(at),
                "the document nests too deeply",
            ));
            return;
        }
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    let reference = reference.clone();
                    match self.resolve(&reference, file, at) {
                        Some(Resolved::Ref(local)) => {
                            object.insert("$ref".to_owned(), Value::String(local));
                        }
                        Some(Resolved::Inline(node)) => {
                            *value = node;
                            return;
                        }
                        None => {}
                    }
                }
                if let Value::Object(object) = value {
                    for (key, child) in object.iter_mut() {
                        if key != "$ref" && !place.holds_literal(key, child, self.swagger2) {
                            let child_place = place.child(key);
                            self.rewrite(child, file, &at.push(key), child_place, depth + 1);
                        }
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let item_place = place.child("");
                    self.rewrite(item, file, &at.push(index), item_place, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// What a `$ref` found in `file` at `at` becomes in the root document.
    fn resolve(&mut self, reference: &str, file: &str, at: &Pointer) -> Option<Resolved> {
        if reference.starts_with("http://") || reference.starts_with("https://") {
            let diagnostic = Diagnostic::error(
                file,
                Some(at),
                format!("remote $ref `{reference}` is not fetched"),
            )
            .note("save the document next to the spec and refer to it by a relative path");
            self.errors.push(diagnostic);
            return None;
        }
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target_file = if path.is_empty() {
            file.to_owned()
        } else {
            normalize(&join(file, path))
        };
        let Some(fragment_pointer) = Pointer::from_fragment(&format!("#{fragment}")) else {
            self.errors.push(
                Diagnostic::error(file, Some(at), format!("unsupported $ref `{reference}`"))
                    .note("a fragment must be a JSON pointer such as `#/components/schemas/Pet`"),
            );
            return None;
        };
        // A reference into the root's own components stays; one anywhere else in the root
        // (into `paths`, or deep inside a schema) is imported like another file's.
        if target_file == self.root_file && names_a_component(&fragment_pointer, self.swagger2) {
            return (file != self.root_file).then(|| Resolved::Ref(format!("#{fragment}")));
        }
        let key = (target_file.clone(), fragment_pointer.to_string());
        if let Some(local) = self.imported.get(&key) {
            return Some(Resolved::Ref(local.clone()));
        }
        let node = self.node(&target_file, &fragment_pointer, file, at, reference)?;
        let section =
            Section::of_fragment(&fragment_pointer).unwrap_or_else(|| Section::of_location(at));
        // An imported node is an entry of its section (an Example Object's value is data).
        let place = Place {
            map: None,
            entry_of: Some(section.components_key()),
        };
        let inline = section == Section::PathItem
            || (self.swagger2 && self.location_of(section).0.is_some());
        if inline {
            if self.inlining.contains(&key) {
                self.errors.push(Diagnostic::error(
                    file,
                    Some(at),
                    format!("$ref `{reference}` includes itself"),
                ));
                return None;
            }
            self.inlining.push(key);
            let mut node = node;
            self.rewrite(&mut node, &target_file, &fragment_pointer, place, 0);
            self.inlining.pop();
            return Some(Resolved::Inline(node));
        }
        let name = self.fresh_name(section, &target_file, &fragment_pointer);
        let (container, section_key) = self.location_of(section);
        let mut local = Pointer::root();
        if let Some(container) = container {
            local = local.push(container);
        }
        let local = local.push(section_key).push(&name).to_string();
        self.imported.insert(key, local.clone());
        // The slot is taken before the node's own references are followed: first import first.
        let slot = self.additions.len();
        self.additions.push((section, name, Value::Null));
        let mut node = node;
        self.rewrite(&mut node, &target_file, &fragment_pointer, place, 0);
        self.additions[slot].2 = node;
        Some(Resolved::Ref(local))
    }

    /// The node `fragment` names in `target_file`, reading and parsing the file once.
    fn node(
        &mut self,
        target_file: &str,
        fragment: &Pointer,
        file: &str,
        at: &Pointer,
        reference: &str,
    ) -> Option<Value> {
        if !self.documents.contains_key(target_file) {
            let bytes = match self.sources.read(target_file) {
                Ok(bytes) => bytes,
                Err(error) => {
                    self.errors.push(Diagnostic::error(
                        file,
                        Some(at),
                        format!("cannot read `{target_file}` for $ref `{reference}`: {error}"),
                    ));
                    return None;
                }
            };
            match parse(target_file, &bytes) {
                Ok(document) => {
                    self.documents.insert(target_file.to_owned(), document);
                }
                Err(diagnostics) => {
                    self.errors.extend(diagnostics.0);
                    return None;
                }
            }
        }
        let document = &self.documents[target_file];
        let found = fragment
            .segments()
            .try_fold(document, |node, segment| match node {
                Value::Object(object) => object.get(&segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            });
        match found {
            Some(node) => Some(node.clone()),
            None => {
                self.errors.push(
                    Diagnostic::error(file, Some(at), format!("dangling $ref `{reference}`"))
                        .note(format!("`{target_file}` has nothing at {fragment}")),
                );
                None
            }
        }
    }

    /// A name for an imported node: its last pointer segment or its file's stem, made unique.
    fn fresh_name(&mut self, section: Section, target_file: &str, fragment: &Pointer) -> String {
        let base = fragment
            .segments()
            .last()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| {
                let name = target_file.rsplit('/').next().unwrap_or(target_file);
                name.split('.').next().unwrap_or(name).to_owned()
            });
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|name| !self.taken.contains(&(section, name.clone())))
            .unwrap_or(base);
        self.taken.insert((section, name.clone()));
        name
    }
}

/// Whether `pointer` names one entry of a components section, where the model can follow it.
fn names_a_component(pointer: &Pointer, swagger2: bool) -> bool {
    let segments: Vec<String> = pointer.segments().collect();
    match segments.as_slice() {
        [components, section, _] if !swagger2 && components == "components" => {
            Section::of_fragment(pointer).is_some() && !section.is_empty()
        }
        [section, _] if swagger2 => {
            matches!(
                section.as_str(),
                "definitions" | "parameters" | "responses" | "securityDefinitions"
            )
        }
        _ => false,
    }
}

/// Whether every `$ref` in the JSON `text` names a component, as far as a look at the text
/// alone can tell: then bundling has nothing to do. `false` when one names anything else, and
/// when one is spelled in a way this look does not read (a key or value with escapes, a value
/// that is not text); [`needs_bundling`] decides those. Unlike it, this look does not know
/// where a `$ref` sits, so one in literal data (an example) counts here too.
pub(super) fn refs_name_components_only(text: &str) -> bool {
    let bytes = text.as_bytes();
    // `"\u0024ref"` is the key `$ref` too: a key with an escape for one of its letters is
    // left to the walk.
    let escapes_a_letter = memchr::memmem::find_iter(bytes, br"\u00").any(|at| {
        matches!(
            bytes.get(at + 4..at + 6),
            Some(b"24" | b"72" | b"65" | b"66")
        )
    });
    if escapes_a_letter {
        return false;
    }
    memchr::memmem::find_iter(bytes, br#""$ref""#).all(|at| {
        let value = text[at + 6..]
            .trim_start_matches(JSON_WHITESPACE)
            .strip_prefix(':')
            .map(|rest| rest.trim_start_matches(JSON_WHITESPACE))
            .and_then(|rest| rest.strip_prefix('"'))
            .and_then(|rest| rest.find(['"', '\\']).map(|end| (rest, end)))
            .filter(|&(rest, end)| rest.as_bytes()[end] == b'"')
            .map(|(rest, end)| &rest[..end]);
        value
            .and_then(Pointer::from_fragment)
            .is_some_and(|pointer| names_a_component(&pointer, false))
    })
}

/// The characters JSON allows between tokens.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Whether bundling has anything to do in `document`: a `$ref` outside literal data that
/// names another file, or a part of this one other than a component.
///
/// It reads the document as it is deserialized, so it runs on a parsed [`Value`] and, before
/// anything is built, on a JSON document's text ([`super::read`]'s direct parse).
pub(super) fn needs_bundling<'de, D: Deserializer<'de>>(
    document: D,
    swagger2: bool,
) -> Result<bool, D::Error> {
    document.deserialize_any(Walk {
        place: Place::default(),
        swagger2,
        reference: false,
        list_is_literal: false,
    })
}

/// The walk of [`needs_bundling`] through one value: whether it holds a `$ref` to bundle.
#[derive(Clone, Copy)]
struct Walk<'k> {
    place: Place<'k>,
    swagger2: bool,
    /// The value of a `$ref` field, which bundling resolves when it is text.
    reference: bool,
    /// A list here is literal data (a schema's `examples`).
    list_is_literal: bool,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<bool, E> {
        if !self.reference {
            return Ok(false);
        }
        let local = text
            .strip_prefix('#')
            .and_then(|f| Pointer::from_fragment(&format!("#{f}")));
        Ok(!local.is_some_and(|pointer| names_a_component(&pointer, self.swagger2)))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<bool, A::Error> {
        if self.list_is_literal {
            while items.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(false);
        }
        let item = Walk {
            place: self.place.child(""),
            swagger2: self.swagger2,
            reference: false,
            list_is_literal: false,
        };
        let mut found = false;
        while let Some(holds) = items.next_element_seed(item)? {
            found |= holds;
        }
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(Key(key)) = fields.next_key()? {
            let literal = self.place.literal(&key, self.swagger2);
            if found || literal == Literal::Yes {
                fields.next_value::<IgnoredAny>()?;
                continue;
            }
            found = fields.next_value_seed(Walk {
                place: self.place.child(&key),
                swagger2: self.swagger2,
                reference: key == "$ref",
                list_is_literal: literal == Literal::IfList,
            })?;
        }
        Ok(found)
    }
}

/// A key of the document, borrowed from the text when it holds no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// What kind of object a walk is in, as far as literal data is concerned: a map whose keys
/// are names (`properties`, `responses`, ...), or an object whose keys are fields; and, for
/// an entry of a map, which map. That tells literal data from the document's structure
/// without a schema of the whole document.
#[derive(Clone, Copy, Debug, Default)]
struct Place<'k> {
    /// `Some(key)` when this object is the map found under `key`: its keys are names.
    map: Option<&'k str>,
    /// `Some(key)` when this object is an entry of the map found under `key`.
    entry_of: Option<&'k str>,
}

impl<'k> Place<'k> {
    /// Keys whose objects are maps of names, where the keys below are not fields.
    const MAPS: &'static [&'static str] = &[
        "properties",
        "patternProperties",
        "definitions",
        "schemas",
        "parameters",
        "responses",
        "headers",
        "paths",
        "examples",
        "requestBodies",
        "securitySchemes",
        "securityDefinitions",
        "links",
        "callbacks",
        "content",
        "encoding",
        "variables",
        "mapping",
        "webhooks",
        "pathItems",
        "mediaTypes",
        "scopes",
        "$defs",
    ];

    /// The place of the value found under `key` (an index is `""`) of an object here.
    fn child(self, key: &'k str) -> Place<'k> {
        match self.map {
            Some(map) => Place {
                map: None,
                entry_of: Some(map),
            },
            None => Place {
                map: Self::MAPS.contains(&key).then_some(key),
                entry_of: None,
            },
        }
    }

    /// Whether the field `key` (holding `value`) of an object here is literal data, whose
    /// `$ref`s are text and never references: see [`Place::literal`].
    fn holds_literal(self, key: &str, value: &Value, swagger2: bool) -> bool {
        match self.literal(key, swagger2) {
            Literal::Yes => true,
            Literal::IfList => value.is_array(),
            Literal::No => false,
        }
    }

    /// Whether the field `key` of an object here is literal data, whose `$ref`s are text and
    /// never references: specification extensions (the vendor's), and the values a document
    /// gives as data (`example`, a schema's list of `examples`, an Example Object's `value`
    /// or 3.2 `dataValue`, `default`, `enum`, `const`). In a map of names the same keys are
    /// names like any other, except that `paths` and `responses` take extensions too. A
    /// Swagger 2.0 response's `examples` map media types to data.
    fn literal(self, key: &str, swagger2: bool) -> Literal {
        let literal = if let Some(map) = self.map {
            matches!(map, "paths" | "responses") && key.starts_with("x-")
        } else {
            match key {
                "example" | "default" | "enum" | "const" => true,
                // A map of examples holds Example Objects, which may be `$ref`s.
                "examples" if !swagger2 => return Literal::IfList,
                "examples" => true,
                "value" | "dataValue" => self.entry_of == Some("examples"),
                _ => key.starts_with("x-"),
            }
        };
        if literal { Literal::Yes } else { Literal::No }
    }
}

/// Whether a field is literal data ([`Place::literal`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Literal {
    Yes,
    No,
    /// When its value is a list.
    IfList,
}

enum Resolved {
    /// The `$ref` now points here, inside the root document.
    Ref(String),
    /// The node itself, to put where the `$ref` was.
    Inline(Value),
}

/// `other` relative to the directory of `file`.
fn join(file: &str, other: &str) -> String {
    if other.starts_with('/') {
        return other.to_owned();
    }
    match file.rfind('/') {
        Some(slash) => format!("{}/{other}", &file[..slash]),
        None => other.to_owned(),
    }
}

/// Removes `.` and `..` segments so one file always has one name.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_joined_and_normalized() {
        assert_eq!(
            normalize(&join("specs/pets.yaml", "./schemas/pet.yaml")),
            "specs/schemas/pet.yaml"
        );
        assert_eq!(
            normalize(&join("specs/a/b.yaml", "../c.yaml")),
            "specs/c.yaml"
        );
        assert_eq!(normalize(&join("b.yaml", "./c.yaml")), "c.yaml");
        assert_eq!(normalize("/abs/./x/../y.yaml"), "/abs/y.yaml");
    }
}

//! Stage 1: bytes in, the canonical `openapiv3::OpenAPI` model out.
//!
//! YAML and JSON are both accepted. Every input is brought to OpenAPI 3.0 as a transformation
//! of the JSON value before typed parsing: Swagger 2.0 is upgraded (`swagger2`), OpenAPI 3.1
//! is downgraded (`openapi31`), and OpenAPI 3.2 is brought to 3.1 first (`openapi32`); the
//! typed parse (`typed`) follows. Parse errors carry the line and column; errors in the
//! document's shape carry the JSON pointer of the offending node. Each stage reports every
//! error it finds, not only the first, and hands on what it could read of the rest.

mod bundle;
mod openapi31;
mod openapi32;
mod split;
mod swagger2;
mod typed;

pub(crate) use openapi32::ITEM_SCHEMA;

use serde_json::Value;

use crate::Sources;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::pointer::Pointer;

/// The spec versions this loader accepts, for messages.
const SUPPORTED: &str = "OpenAPI 3.0.x, OpenAPI 3.1.x, OpenAPI 3.2.x, Swagger 2.0";

/// A loaded document and what the loader noticed on the way (ignored constructs and such).
#[derive(Debug)]
pub struct Loaded {
    /// The document, as OpenAPI 3.0.
    pub document: openapiv3::OpenAPI,
    /// Warnings, each with its pointer into the original document.
    pub warnings: Vec<Diagnostic>,
}

/// A note from a version transformation: where in the original document, and what.
pub(crate) type Note = (Pointer, String);

/// Parses `contents` (named `file` in messages) into an OpenAPI 3.0 document; a `$ref` to
/// another file is refused (see [`load_with`]).
pub fn load(file: &str, contents: &[u8]) -> Result<Loaded, Diagnostics> {
    load_with(file, contents, &crate::NoSources)
}

/// Like [`load`], reading the files that relative `$ref`s name through `sources`. A document
/// with errors gives all of them (and the warnings), not only the first.
pub fn load_with(
    file: &str,
    contents: &[u8],
    sources: &dyn Sources,
) -> Result<Loaded, Diagnostics> {
    let read = read(file, contents, sources);
    let has_errors = read
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    match read.document {
        Some(document) if !has_errors => Ok(Loaded {
            document,
            warnings: read.diagnostics,
        }),
        _ => Err(Diagnostics(read.diagnostics)),
    }
}

/// What loading made of a document, errors or not: for a caller that goes on to find the
/// errors of the rest.
pub(crate) struct Read {
    /// The document without the pieces that have errors; `None` when none of it can be read.
    pub(crate) document: Option<openapiv3::OpenAPI>,
    /// Every error and warning, in the order they were found.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Whether lowering may look for more errors: not when a `$ref` could not be bundled or a
    /// Swagger 2.0 part not upgraded, which lowering would only report again, elsewhere.
    pub(crate) lowerable: bool,
    /// The pieces left out of the document or replaced by a placeholder, because of errors:
    /// what lowering says inside them is not about the document.
    pub(crate) removed: Vec<Pointer>,
}

/// Reads `contents` as far as it can: each stage reports every error it finds and hands on
/// what it could make of the rest (a YAML or JSON syntax error, or a document of no known
/// version, stops here).
pub(crate) fn read(file: &str, contents: &[u8], sources: &dyn Sources) -> Read {
    let mut read = Read {
        document: None,
        diagnostics: Vec::new(),
        lowerable: true,
        removed: Vec::new(),
    };
    if let Some(document) = direct(file, contents) {
        read.document = Some(document);
        return read;
    }
    let value = match parse(file, contents) {
        Ok(value) => value,
        Err(diagnostics) => {
            read.diagnostics = diagnostics.0;
            return read;
        }
    };
    let (value, unbundled) = bundle::bundle(file, value, sources);
    read.lowerable = unbundled.is_empty();
    read.diagnostics.extend(unbundled);
    let version = match version(file, &value) {
        Ok(version) => version,
        Err(diagnostics) => {
            read.diagnostics.extend(diagnostics.0);
            return read;
        }
    };
    let mut notes = Vec::new();
    let value = match version {
        Version::OpenApi30 => value,
        Version::OpenApi31 => openapi31::downgrade(value, &mut notes),
        Version::OpenApi32 => {
            let value = openapi32::downgrade(value, &mut notes);
            openapi31::downgrade(value, &mut notes)
        }
        Version::Swagger20 => {
            let (value, errors) = swagger2::upgrade(value, &mut notes);
            read.lowerable &= errors.is_empty();
            read.diagnostics.extend(
                errors
                    .into_iter()
                    .map(|(pointer, message)| Diagnostic::error(file, Some(&pointer), message)),
            );
            value
        }
    };
    read.diagnostics.extend(
        notes
            .into_iter()
            .map(|(pointer, message)| Diagnostic::warning(file, &pointer, message)),
    );
    let typed = typed::parse(value);
    read.diagnostics
        .extend(typed.errors.into_iter().map(|(pointer, message)| {
            Diagnostic::error(
                file,
                Some(&pointer),
                format!("not a valid OpenAPI document: {message}"),
            )
        }));
    read.document = typed.document;
    read.removed = typed.removed;
    read
}

/// The document parsed straight from its text, when that is all loading would do: a JSON
/// OpenAPI 3.0 document, with no `$ref` to bundle, that parses whole. Building the JSON value
/// first costs as much again as the typed parse; any other document, or any error, takes
/// the way through the value, which says where each error is.
fn direct(file: &str, contents: &[u8]) -> Option<openapiv3::OpenAPI> {
    let text = std::str::from_utf8(contents).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let members = split::members(text)?;
    if !says_openapi_30(file, &members) {
        return None;
    }
    if bundle::refs_name_components_only(text) {
        return split::typed(members);
    }
    // A `$ref` the look at the text could not clear: the walk through the whole text, which
    // knows where each one sits, decides beside the typed parse. The parse stays on this
    // thread, whose stack is the caller's.
    let (parsed, needs_bundling) = rayon::join(
        || split::typed(members),
        || {
            let mut text_walk = serde_json::Deserializer::from_str(text);
            bundle::needs_bundling(&mut text_walk, false).unwrap_or(true)
        },
    );
    parsed.filter(|_| !needs_bundling)
}

/// Whether a document whose top-level `members` these are is OpenAPI 3.0, as [`version`]
/// reads it (a `null` member is none).
fn says_openapi_30(file: &str, members: &[split::Member<'_>]) -> bool {
    let member = |key: &str| {
        members
            .iter()
            .find(|(name, _)| name == key)
            .and_then(|(_, value)| serde_json::from_str::<Option<Value>>(value).ok())
            .flatten()
    };
    if member("swagger").is_some() {
        return false;
    }
    let root = Value::Object(
        member("openapi")
            .map(|version| ("openapi".to_owned(), version))
            .into_iter()
            .collect(),
    );
    matches!(version(file, &root), Ok(Version::OpenApi30))
}

/// Parses YAML or JSON (JSON when the first non-blank character is `{`).
fn parse(file: &str, contents: &[u8]) -> Result<Value, Diagnostics> {
    let text = std::str::from_utf8(contents).map_err(|error| {
        Diagnostics::from(Diagnostic::error(
            file,
            None,
            format!("not UTF-8 text: {error}"),
        ))
    })?;
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|error| {
            Diagnostic::error(file, None, format!("invalid JSON: {error}"))
                .at(error.line(), error.column())
                .into()
        })
    } else {
        if let Some((line, column)) = flow_nesting_beyond(text, MAX_FLOW_NESTING) {
            return Err(Diagnostic::error(
                file,
                None,
                format!("invalid YAML: flow collections (`[`, `{{`) nest more than {MAX_FLOW_NESTING} deep"),
            )
            .at(line, column)
            .into());
        }
        serde_yaml::from_str(text).map_err(|error| {
            let message = format!("invalid YAML: {error}");
            let diagnostic = Diagnostic::error(file, None, message);
            match error.location() {
                Some(location) => diagnostic.at(location.line(), location.column()).into(),
                None => diagnostic.into(),
            }
        })
    }
}

/// The YAML parser refuses documents nested deeper than 128 levels, but takes time quadratic
/// in the flow nesting to get there: deeper flow nesting is refused before it is parsed.
const MAX_FLOW_NESTING: usize = 128;

/// Where a flow collection opens deeper than `limit` (line and column, from 1), if one does.
///
/// A cheap look at the text, not a parse: quoted scalars and comments are skipped, and `[` or
/// `{` counts only where a flow collection can start (after `:`, `-`, `?`, `,`, another opener,
/// or first on its line), so brackets inside plain text are not taken for structure.
fn flow_nesting_beyond(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    // The indentation of the key that opened a block scalar (`key: |`), whose lines (those
    // indented deeper) are text, whatever brackets they hold.
    let mut block_scalar: Option<usize> = None;
    for (line_index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(opener) = block_scalar {
            if line.trim().is_empty() || indent > opener {
                continue;
            }
            block_scalar = None;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        // A key at the left margin cannot be inside a flow collection of valid YAML: whatever
        // an odd quote or bracket before it left open is closed.
        if indent == 0 && trimmed.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            depth = 0;
        }
        if depth == 0 && opens_block_scalar(line) {
            // `- key: |` is a key two columns in.
            let key = line.len() - line.trim_start_matches([' ', '-']).len();
            block_scalar = Some(key);
        }
        let mut quote: Option<char> = None;
        // Whether a flow collection or a quoted scalar may start here: at the start of the
        // line, or after an indicator, an opener that counted, a tag (`!!seq`) or an anchor
        // (`&a`).
        let mut may_start = true;
        let mut token_start: Option<char> = None;
        let mut after_space = true;
        for (column, c) in line.chars().enumerate() {
            if let Some(open) = quote {
                if c == open {
                    quote = None;
                }
                may_start = false;
                continue;
            }
            let mut opened = false;
            match c {
                '\'' | '"' if may_start => quote = Some(c),
                '#' if after_space => break,
                '[' | '{' if may_start => {
                    depth += 1;
                    opened = true;
                    if depth > limit {
                        return Some((line_index + 1, column + 1));
                    }
                }
                ']' | '}' if depth > 0 => depth -= 1,
                _ => {}
            }
            let space = c.is_whitespace();
            if after_space && !space {
                token_start = Some(c);
            }
            may_start = if space {
                // After a tag (`!!seq`) or an anchor (`&a`) a collection may still start.
                may_start || matches!(token_start, Some('!' | '&'))
            } else {
                // A comma outside a flow collection is prose, as in `[0, 1)`.
                opened || matches!(c, ':' | '-' | '?') || (c == ',' && depth > 0)
            };
            after_space = space;
        }
    }
    None
}

/// Whether `line` ends in a block scalar indicator (`|`, `>-`, `|2+`), after any comment.
fn opens_block_scalar(line: &str) -> bool {
    if line.trim_start().starts_with('#') {
        return false;
    }
    let content = match line.find(" #") {
        Some(at) => &line[..at],
        None => line,
    };
    let last = content.split_whitespace().next_back().unwrap_or("");
    let mut chars = last.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// The versions the loader takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    OpenApi30,
    OpenApi31,
    OpenApi32,
    Swagger20,
}

/// Which version a document is, refusing documents that are not OpenAPI or of another version.
fn version(file: &str, value: &Value) -> Result<Version, Diagnostics> {
    let root = Pointer::root();
    let Some(object) = value.as_object() else {
        return Err(Diagnostic::error(
            file,
            Some(&root),
            "not an OpenAPI document: the top level is not a mapping",
        )
        .into());
    };
    let version = |key: &str| {
        object.get(key).map(|v| match v {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    };
    let outcome = match (version("openapi"), version("swagger")) {
        (Some(v), _) if v.starts_with("3.0.") || v == "3.0" => Ok(Version::OpenApi30),
        (Some(v), _) if v.starts_with("3.1.") || v == "3.1" => Ok(Version::OpenApi31),
        (Some(v), _) if v.starts_with("3.2.") || v == "3.2" => Ok(Version::OpenApi32),
        (Some(v), _) => Err(Diagnostic::error(
            file,
            Some(&root.push("openapi")),
            format!("unsupported OpenAPI version `{v}`"),
        )
        .note(format!("supported: {SUPPORTED}"))),
        (None, Some(v)) if v == "2.0" => Ok(Version::Swagger20),
        (None, Some(v)) => Err(Diagnostic::error(
            file,
            Some(&root.push("swagger")),
            format!("unsupported Swagger version `{v}`"),
        )
        .note(format!("supported: {SUPPORTED}"))),
        (None, None) => Err(Diagnostic::error(
            file,
            Some(&root),
            "not an OpenAPI document: there is no top-level `openapi` or `swagger` field",
        )
        .note(format!("supported: {SUPPORTED}"))),
    };
    outcome.map_err(Diagnostics::from)
}

#[cfg(test)]
mod tests {
    #[test]
    fn flow_nesting_deeper_than_the_parser_takes_is_refused_where_it_goes_too_deep() {
        let deep = format!("a: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
        assert_eq!(flow_nesting_beyond(&deep, 128), Some((1, 132)));
        let error = parse("deep.yaml", deep.as_bytes()).expect_err("refused");
        assert!(
            error.to_string().contains("nest more than 128 deep"),
            "{error}"
        );
        assert!(error.to_string().contains("deep.yaml:1:132"), "{error}");
    }

    #[test]
    fn brackets_in_text_are_not_structure() {
        let text = format!(
            "description: text {} and '{}' # {}\nx: [a, {{b: [c]}}]\n",
            "[".repeat(300),
            "{".repeat(300),
            "[".repeat(300)
        );
        assert_eq!(flow_nesting_beyond(&text, 128), None);
        assert_eq!(flow_nesting_beyond("x: [[[a]]]", 2), Some((1, 6)));
        // Lines of a block scalar are text, brackets first on the line included.
        let block = format!("a: |-\n  {}\n  more\nb: [c]\n", "[".repeat(300));
        assert_eq!(flow_nesting_beyond(&block, 128), None);
        assert_eq!(
            flow_nesting_beyond("a: >\n  [[[\nb: [[[x]]]", 2),
            Some((3, 6))
        );
    }

    use super::*;

    fn load_error(file: &str, contents: &[u8]) -> Diagnostic {
        let mut diagnostics = load(file, contents).unwrap_err().0;
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        diagnostics.remove(0)
    }

    #[test]
    fn a_json_document_parsed_directly_is_the_one_the_value_gives() {
        // References to components only, and `$ref` text in literal data and as a name.
        let plain = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/pets/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/Pet"},
              "example": {"$ref": "elsewhere.json"}}}}}}}},
          "components": {"schemas": {"Pet": {"type": "object",
            "properties": {"$ref": {"type": "string"}}, "x-note": {"$ref": "x.json"}}}}}"##;
        let direct = super::direct("pets.json", plain.as_bytes()).expect("parsed directly");
        let value = parse("pets.json", plain.as_bytes()).expect("JSON");
        let through_value = typed::parse(value).document.expect("typed");
        assert_eq!(direct, through_value);
        // The `$ref`s in literal data and as a name are cleared by the walk, not by the look
        // at the text; with only components named, the look clears them.
        assert!(!bundle::refs_name_components_only(plain));
        let components_only = plain
            .replace("elsewhere.json", "#/components/schemas/Pet")
            .replace("x.json", "#/components/schemas/Pet")
            .replace("{\"$ref\": {\"type\"", "{\"ref\": {\"type\"");
        assert!(bundle::refs_name_components_only(&components_only));
        let direct =
            super::direct("pets.json", components_only.as_bytes()).expect("parsed directly");
        let value = parse("pets.json", components_only.as_bytes()).expect("JSON");
        assert_eq!(Some(direct), typed::parse(value).document);
        let version_later = plain.replacen("{", "{\"x-first\": 1, ", 1);
        let direct = super::direct("pets.json", version_later.as_bytes()).expect("parsed directly");
        assert_eq!(
            direct.extensions.get("x-first"),
            Some(&serde_json::json!(1))
        );

        for (why, other) in [
            (
                "another file",
                plain.replace("#/components/schemas/Pet\"", "pet.json\""),
            ),
            (
                "a path's response, inlined by bundling",
                plain.replace(
                    "#/components/schemas/Pet\"",
                    "#/paths/~1pets~1{id}/get/responses/200\"",
                ),
            ),
            ("OpenAPI 3.1", plain.replace("3.0.3", "3.1.0")),
            ("Swagger", plain.replacen("{", "{\"swagger\": \"2.0\",", 1)),
            (
                "a shape error",
                plain.replace("\"in\": \"path\"", "\"in\": 7"),
            ),
            (
                "a duplicate key",
                plain.replacen("{", "{\"openapi\": \"3.0.3\",", 1),
            ),
            (
                "another file, its key spelled with an escape",
                components_only.replacen(
                    "{\"$ref\": \"#/components/schemas/Pet\"}",
                    "{\"\\u0024ref\": \"pet.json\"}",
                    1,
                ),
            ),
            (
                "another file, the version not first",
                version_later.replace("#/components/schemas/Pet\"", "pet.json\""),
            ),
        ] {
            assert!(
                super::direct("pets.json", other.as_bytes()).is_none(),
                "{why}"
            );
        }
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let error = load_error("bad.yaml", b"openapi: 3.0.3\ninfo: [unclosed\n");
        assert_eq!(error.file, "bad.yaml");
        assert!(error.message.starts_with("invalid YAML"), "{error}");
        assert!(error.position.is_some(), "{error}");
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let error = load_error("bad.json", b"{\n  \"openapi\": \"3.0.3\",\n  oops\n}");
        assert_eq!(error.position, Some((3, 3)), "{error}");
    }

    #[test]
    fn shape_errors_carry_the_pointer() {
        let doc = b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let error = load_error("shape.yaml", doc);
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/paths/~1a/get/responses"),
            "{error}"
        );
    }

    #[test]
    fn non_openapi_documents_are_named_as_such() {
        let error = load_error("x.yaml", b"name: not a spec\n");
        assert!(
            error
                .message
                .contains("no top-level `openapi` or `swagger`"),
            "{error}"
        );
        let error = load_error("x.yaml", b"- a\n- b\n");
        assert!(error.message.contains("not a mapping"), "{error}");
    }
}

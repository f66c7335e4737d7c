//! Turning parameter values into the text OpenAPI's serialization styles put on the wire.
//!
//! Every value goes through `serde`: a generated enum sends its wire name, a date-time its
//! RFC 3339 text, an `Option` that is `None` nothing at all.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use crate::error::EncodeError;

/// How a query parameter is serialized (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`. With `explode`, arrays repeat the name and objects spread their fields.
    Form {
        /// The OpenAPI `explode` flag.
        explode: bool,
    },
    /// `style: spaceDelimited`: array items joined with spaces.
    SpaceDelimited,
    /// `style: pipeDelimited`: array items joined with `|`.
    PipeDelimited,
    /// `style: deepObject`: `name[field]=value`, nested as deep as the value goes.
    DeepObject,
}

/// Everything outside RFC 3986 `unreserved` is escaped, so a value is always one path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes a path parameter as exactly one path segment: `a/b?c#d` becomes `a%2Fb%3Fc%23d`.
///
/// The values `.` and `..`, and the empty value, are refused: URL parsers (the WHATWG URL
/// standard, which the `url` crate and browsers follow) treat `.`, `..` and their
/// percent-encoded forms `%2E`, `%2E%2E` as dot segments and remove them, and an empty segment
/// names another resource (`/jwt/` for `/jwt/{uid}`), so no encoding of these keeps the request
/// on the path the operation names.
pub fn encode_path_segment<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<String, EncodeError> {
    let text = simple_text(name, value)?
        .ok_or_else(|| EncodeError::new(format!("path parameter `{name}` has no value")))?;
    match text.as_str() {
        "" => Err(EncodeError::new(format!(
            "path parameter `{name}` is empty, which would change the path"
        ))),
        "." | ".." => Err(EncodeError::new(format!(
            "path parameter `{name}` is `{text}`, which would walk the path"
        ))),
        _ => Ok(utf8_percent_encode(&text, PATH_SEGMENT).to_string()),
    }
}

/// `template` with each placeholder `{name}` replaced by `segment`. Placeholders are found as
/// the generator finds them, each `{` with the first `}` after it, so a name may hold any
/// character but `}`. An encoded segment holds no braces, so filling one placeholder never
/// changes where the others are.
pub(crate) fn fill_placeholder(template: &str, name: &str, segment: &str) -> String {
    let mut filled = String::with_capacity(template.len() + segment.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        filled.push_str(&rest[..open]);
        if &rest[open + 1..close] == name {
            filled.push_str(segment);
        } else {
            filled.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    filled.push_str(rest);
    filled
}

/// The `simple` style text of a value (path and header parameters): scalars as text, arrays
/// joined with commas, objects as `key,value` pairs. `None` for null.
pub(crate) fn simple_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Option<String>, EncodeError> {
    match to_value(name, value)? {
        Value::Null => Ok(None),
        Value::Array(items) => {
            let parts: Result<Vec<String>, EncodeError> =
                items.iter().map(|item| scalar_text(name, item)).collect();
            Ok(Some(parts?.join(",")))
        }
        Value::Object(fields) => {
            let mut parts = Vec::with_capacity(fields.len() * 2);
            for (key, field) in &fields {
                parts.push(key.clone());
                parts.push(scalar_text(name, field)?);
            }
            Ok(Some(parts.join(",")))
        }
        scalar => scalar_text(name, &scalar).map(Some),
    }
}

/// The query pairs a parameter contributes, in order.
pub(crate) fn query_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<Vec<(String, String)>, EncodeError> {
    let value = to_value(name, value)?;
    let mut pairs = Vec::new();
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), QueryStyle::Form { explode: true } | QueryStyle::DeepObject) => {
            for item in &items {
                pairs.push((name.to_owned(), scalar_text(name, item)?));
            }
        }
        (Value::Array(items), _) => {
            let separator = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            let parts: Result<Vec<String>, EncodeError> =
                items.iter().map(|item| scalar_text(name, item)).collect();
            pairs.push((name.to_owned(), parts?.join(separator)));
        }
        (Value::Object(fields), QueryStyle::DeepObject) => {
            deep_object(name, &Value::Object(fields), &mut pairs)?;
        }
        (Value::Object(fields), QueryStyle::Form { explode: true }) => {
            for (key, field) in &fields {
                if !field.is_null() {
                    pairs.push((key.clone(), scalar_text(name, field)?));
                }
            }
        }
        (Value::Object(fields), _) => {
            let mut parts = Vec::with_capacity(fields.len() * 2);
            for (key, field) in &fields {
                parts.push(key.clone());
                parts.push(scalar_text(name, field)?);
            }
            pairs.push((name.to_owned(), parts.join(",")));
        }
        (scalar, _) => pairs.push((name.to_owned(), scalar_text(name, &scalar)?)),
    }
    Ok(pairs)
}

fn deep_object(
    prefix: &str,
    value: &Value,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), EncodeError> {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (key, field) in fields {
                deep_object(&format!("{prefix}[{key}]"), field, pairs)?;
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                deep_object(&format!("{prefix}[{index}]"), item, pairs)?;
            }
        }
        scalar => pairs.push((prefix.to_owned(), scalar_text(prefix, scalar)?)),
    }
    Ok(())
}

pub(crate) fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, EncodeError> {
    serde_json::to_value(value)
        .map_err(|error| EncodeError::new(format!("cannot encode `{name}`: {error}")))
}

/// The text of one scalar; nested arrays and objects have no agreed text form.
pub(crate) fn scalar_text(name: &str, value: &Value) -> Result<String, EncodeError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(_) | Value::Object(_) => Err(EncodeError::new(format!(
            "`{name}` nests an array or object where this style allows only a scalar"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_never_split_or_climb() {
        assert_eq!(
            encode_path_segment("jti", "a/b?c#d").unwrap(),
            "a%2Fb%3Fc%23d"
        );
        for climbing in ["..", ".", ""] {
            assert!(encode_path_segment("x", climbing).is_err(), "{climbing:?}");
        }
        assert_eq!(encode_path_segment("x", "...").unwrap(), "...");
        assert_eq!(encode_path_segment("x", "../a").unwrap(), "..%2Fa");
        assert_eq!(
            encode_path_segment("x", "user@domain").unwrap(),
            "user%40domain"
        );
        assert_eq!(encode_path_segment("x", &42).unwrap(), "42");
        assert!(encode_path_segment("x", &None::<String>).is_err());
    }

    #[test]
    fn placeholders_are_filled_where_the_generator_found_them() {
        let fill = fill_placeholder;
        assert_eq!(fill("/a/{id}/b/{id}", "id", "7"), "/a/7/b/7");
        assert_eq!(fill("/{ref}/{type}", "type", "x%7By%7D"), "/{ref}/x%7By%7D");
        // A name holds everything up to the first `}`: `{a{b}` is one placeholder, `a{b`.
        assert_eq!(fill("/{a{b}/{b}", "b", "1"), "/{a{b}/1");
        assert_eq!(fill("/{a{b}/{b}", "a{b", "2"), "/2/{b}");
        // An unclosed brace is text.
        assert_eq!(fill("/{x}/{open", "x", "3"), "/3/{open");
        assert_eq!(fill("/{idx}", "id", "4"), "/{idx}");
    }

    #[test]
    fn query_styles_follow_the_openapi_table() {
        let items = vec!["blue", "black"];
        let form = QueryStyle::Form { explode: true };
        let flat = QueryStyle::Form { explode: false };
        let pairs = |value: &serde_json::Value, style| query_pairs("color", value, style).unwrap();
        let array = serde_json::json!(items);
        assert_eq!(
            pairs(&array, form),
            [
                ("color".into(), "blue".into()),
                ("color".into(), "black".into())
            ]
        );
        assert_eq!(pairs(&array, flat), [("color".into(), "blue,black".into())]);
        assert_eq!(
            pairs(&array, QueryStyle::SpaceDelimited),
            [("color".into(), "blue black".into())]
        );
        assert_eq!(
            pairs(&array, QueryStyle::PipeDelimited),
            [("color".into(), "blue|black".into())]
        );
        let object = serde_json::json!({"R": 100, "G": 200});
        assert_eq!(
            pairs(&object, QueryStyle::DeepObject),
            [
                ("color[R]".into(), "100".into()),
                ("color[G]".into(), "200".into())
            ]
        );
        assert_eq!(
            pairs(&object, flat),
            [("color".into(), "R,100,G,200".into())]
        );
        assert!(pairs(&serde_json::Value::Null, form).is_empty());
    }
}

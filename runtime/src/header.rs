//! Decoding the response headers a spec declares into the types it gives them.
//!
//! A header value is text, so it is decoded by what the target type asks for rather than as
//! JSON: a `String` gets the text as it is (`007` stays `007`), a number or `bool` is parsed
//! from it, a date, UUID or string enum gets the text, and a list is the text split on commas
//! (OpenAPI's `simple` style). A type that accepts anything (`serde_json::Value`, an untagged
//! union) gets a number or boolean when the text is a JSON number or boolean, else the text.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Error as _, IntoDeserializer, SeqAccess, Unexpected,
    Visitor,
};

use crate::redact;

/// A response header that does not decode as the spec says it would; it names the header.
///
/// The message shows the value unless the header's name looks like it holds a secret.
#[derive(Debug)]
pub struct HeaderDecodeError {
    name: &'static str,
    source: serde_json::Error,
}

impl HeaderDecodeError {
    /// The header's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn into_parts(self) -> (&'static str, serde_json::Error) {
        (self.name, self.source)
    }

    fn new(name: &'static str, source: serde_json::Error) -> Self {
        // Decoder messages quote the value (`invalid value: string "abc"`).
        let source = if redact::is_secret_name(name) {
            serde_json::Error::custom(
                "the value does not decode as the spec says (not shown: the header looks secret)",
            )
        } else {
            source
        };
        HeaderDecodeError { name, source }
    }
}

impl fmt::Display for HeaderDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode header `{}`: {}", self.name, self.source)
    }
}

impl std::error::Error for HeaderDecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Decodes the response header `name` into `T`: `Ok(None)` when it is absent.
///
/// See the module notes above for how text becomes `T`: numbers and booleans are parsed, strings
/// (and dates, UUIDs, enums) take the text, a `Vec` splits it on commas (spaces around items are
/// trimmed; an empty value is an empty list). A header sent more than once is read as its
/// values joined with commas, as HTTP says a list-valued header may be.
pub fn decode_header<T: DeserializeOwned>(
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<T>, HeaderDecodeError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let first = text(name, first)?;
    let text: Cow<'_, str> = match values.next() {
        None => Cow::Borrowed(first),
        Some(second) => {
            let mut joined = first.to_owned();
            for value in std::iter::once(second).chain(values) {
                joined.push(',');
                joined.push_str(text(name, value)?);
            }
            Cow::Owned(joined)
        }
    };
    T::deserialize(Text(&text))
        .map(Some)
        .map_err(|source| HeaderDecodeError::new(name, source))
}

/// A header value as text; one that is not UTF-8 is refused rather than guessed at.
fn text<'a>(name: &'static str, value: &'a HeaderValue) -> Result<&'a str, HeaderDecodeError> {
    std::str::from_utf8(value.as_bytes()).map_err(|_| {
        HeaderDecodeError::new(
            name,
            serde_json::Error::custom("the value is not UTF-8 text"),
        )
    })
}

/// A deserializer over one header value (or one item of a list).
struct Text<'a>(&'a str);

impl Text<'_> {
    fn invalid<'de, V: Visitor<'de>>(&self, visitor: &V) -> serde_json::Error {
        serde_json::Error::invalid_value(Unexpected::Str(self.0), visitor)
    }
}

/// `deserialize_*` for a type parsed from the text with `str::parse`.
macro_rules! parsed {
    ($($method:ident => $visit:ident: $ty:ty,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                match self.0.parse::<$ty>() {
                    Ok(value) => visitor.$visit(value),
                    Err(_) => Err(serde_json::Error::invalid_value(
                        Unexpected::Str(self.0),
                        &visitor,
                    )),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Text<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // Only text that could be a JSON number or boolean is tried as one.
        let maybe_scalar = self
            .0
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b't' | b'f'));
        if maybe_scalar {
            match serde_json::from_str::<serde_json::Value>(self.0) {
                Ok(serde_json::Value::Bool(value)) => return visitor.visit_bool(value),
                Ok(serde_json::Value::Number(number)) => {
                    if let Some(value) = number.as_u64() {
                        return visitor.visit_u64(value);
                    }
                    if let Some(value) = number.as_i64() {
                        return visitor.visit_i64(value);
                    }
                    if let Some(value) = number.as_f64() {
                        return visitor.visit_f64(value);
                    }
                }
                _ => {}
            }
        }
        visitor.visit_str(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(self.invalid(&visitor)),
        }
    }

    parsed! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // `str::parse` also takes `inf` and `NaN`, which no JSON number (and no spec) means.
        match self.0.parse::<f64>() {
            Ok(value) if value.is_finite() => visitor.visit_f64(value),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(self.0.as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(self.0.as_bytes())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // The header is present (absent ones never get here), so there is a value.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let text = self.0.trim();
        let mut items = (!text.is_empty()).then(|| text.split(','));
        visitor.visit_seq(Items(items.as_mut()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // A unit variant named by the text: what a string enum in a header is.
        let text: StrDeserializer<'_, serde_json::Error> = self.0.into_deserializer();
        visitor.visit_enum(text)
    }

    serde::forward_to_deserialize_any! {
        unit unit_struct map struct identifier ignored_any
    }
}

/// The items of a comma-separated list; `None` for an empty one.
struct Items<'a, 'b>(Option<&'b mut std::str::Split<'a, char>>);

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        match self.0.as_mut().and_then(|items| items.next()) {
            Some(item) => seed.deserialize(Text(item.trim())).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn strings_keep_their_text_even_when_it_looks_like_a_number() {
        let map = headers(&[("x-id", "007")]);
        let id: Option<String> = decode_header(&map, "x-id").unwrap();
        assert_eq!(id.as_deref(), Some("007"));
    }

    #[test]
    fn any_typed_values_get_json_scalars_when_the_text_is_one() {
        let map = headers(&[("x-a", "12"), ("x-b", "true"), ("x-c", "12a")]);
        let a: Option<serde_json::Value> = decode_header(&map, "x-a").unwrap();
        let b: Option<serde_json::Value> = decode_header(&map, "x-b").unwrap();
        let c: Option<serde_json::Value> = decode_header(&map, "x-c").unwrap();
        assert_eq!(a, Some(serde_json::json!(12)));
        assert_eq!(b, Some(serde_json::json!(true)));
        assert_eq!(c, Some(serde_json::json!("12a")));
    }

    #[test]
    fn repeated_headers_are_one_list() {
        let map = headers(&[("x-tag", "a, b"), ("x-tag", "c")]);
        let tags: Option<Vec<String>> = decode_header(&map, "x-tag").unwrap();
        assert_eq!(tags, Some(vec!["a".into(), "b".into(), "c".into()]));
    }

    #[test]
    fn secret_looking_headers_are_not_quoted_in_errors() {
        let map = headers(&[("x-session-token", "hunter2")]);
        let error = decode_header::<u32>(&map, "x-session-token").unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("x-session-token"), "{shown}");
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "kebab-case")]
    enum Mode {
        ReadOnly,
        #[serde(other)]
        Unknown,
    }

    #[test]
    fn string_enums_take_the_text() {
        let map = headers(&[("x-mode", "read-only"), ("x-new", "write")]);
        assert_eq!(decode_header(&map, "x-mode").unwrap(), Some(Mode::ReadOnly));
        assert_eq!(decode_header(&map, "x-new").unwrap(), Some(Mode::Unknown));
    }
}

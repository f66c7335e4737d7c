//! Serde helpers that generated types name in their `#[serde(...)]` attributes and impls.
//!
//! Each helper keeps a distinction the spec makes that serde's derives would lose:
//!
//! - [`double_option`]: an optional, nullable field, where absent and `null` mean different
//!   things (`Option<Option<T>>`: absent is `None`, `null` is `Some(None)`).
//! - [`nullable`]: a required, nullable field: `null` is `None`, and absence is an error.
//! - [`base64`]: bytes (`format: byte`) as base64 strings, also inside `Option`, `Vec` and
//!   maps.
//! - [`tagged`]: the hand-written `Serialize`/`Deserialize` of a union with a discriminator,
//!   which reads the tag first and keeps values with an unknown tag.

/// An optional, nullable field: `#[serde(default, skip_serializing_if = "Option::is_none",
/// deserialize_with = "double_option::deserialize")]` on an `Option<Option<T>>`.
///
/// Absent decodes as `None` (through `default`), `null` as `Some(None)` and a value as
/// `Some(Some(value))`. Serializing needs no helper: `None` is skipped, `Some(None)` is
/// written as `null`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    /// Decodes a field that is present: `Some` of whatever the value decodes to, so that
    /// `null` is `Some(None)` for an `Option` (and `Some(Value::Null)` for a JSON value).
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        T::deserialize(deserializer).map(Some)
    }
}

/// A required, nullable field: `#[serde(deserialize_with = "nullable::deserialize")]` on an
/// `Option<T>`.
///
/// `null` decodes as `None`. Serde's derive lets a missing `Option` field pass as `None`;
/// with this helper (and no `default`) a missing field is an error, as the spec says it is
/// required. `None` is written as `null`.
pub mod nullable {
    use serde::{Deserialize, Deserializer};

    /// Decodes the field: `null` is `None`.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer)
    }
}

/// Bytes sent as base64 strings (`format: byte`): `#[serde(with = "base64")]` on a field of
/// type `Vec<u8>`, or an `Option`, `Vec` or `BTreeMap<String, _>` of those.
///
/// Writes the standard alphabet with padding (RFC 4648, section 4); reads the standard and
/// the URL-safe alphabets, with or without padding.
pub mod base64 {
    use std::collections::BTreeMap;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A type whose bytes travel as base64 strings: `Vec<u8>`, and `Option`, `Vec` and
    /// string-keyed maps of such types (`None` is `null`).
    pub trait Base64Encoded: Sized {
        /// Writes the value with its bytes as base64 strings.
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        /// Reads a value whose bytes are base64 strings.
        fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D)
        -> Result<Self, D::Error>;
    }

    /// One value with the [`Base64Encoded`] impls, for containers to hand to serde.
    struct Encoded<'a, T>(&'a T);

    impl<T: Base64Encoded> Serialize for Encoded<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_base64(serializer)
        }
    }

    /// One decoded value with the [`Base64Encoded`] impls, for containers to ask serde for.
    struct Decoded<T>(T);

    impl<'de, T: Base64Encoded> Deserialize<'de> for Decoded<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_base64(deserializer).map(Decoded)
        }
    }

    impl Base64Encoded for Vec<u8> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&encode(self))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            decode(&text).map_err(D::Error::custom)
        }
    }

    impl<T: Base64Encoded> Base64Encoded for Option<T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(value) => serializer.serialize_some(&Encoded(value)),
                None => serializer.serialize_none(),
            }
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            Ok(Option::<Decoded<T>>::deserialize(deserializer)?.map(|decoded| decoded.0))
        }
    }

    impl<T: Base64Encoded> Base64Encoded for Vec<T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.iter().map(Encoded))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let items = Vec::<Decoded<T>>::deserialize(deserializer)?;
            Ok(items.into_iter().map(|decoded| decoded.0).collect())
        }
    }

    impl<T: Base64Encoded> Base64Encoded for BTreeMap<String, T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.iter().map(|(key, value)| (key, Encoded(value))))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let entries = BTreeMap::<String, Decoded<T>>::deserialize(deserializer)?;
            Ok(entries
                .into_iter()
                .map(|(key, decoded)| (key, decoded.0))
                .collect())
        }
    }

    /// Writes `value` with its bytes as base64 strings.
    pub fn serialize<T: Base64Encoded, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize_base64(serializer)
    }

    /// Reads a value whose bytes are base64 strings.
    pub fn deserialize<'de, T: Base64Encoded, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_base64(deserializer)
    }

    /// An optional, nullable field of bytes: `#[serde(default, skip_serializing_if =
    /// "Option::is_none", with = "base64::double_option")]` on an `Option<Option<T>>`.
    ///
    /// As [`super::double_option`]: absent is `None`, `null` is `Some(None)`.
    pub mod double_option {
        use serde::{Deserializer, Serializer};

        use super::Base64Encoded;

        /// Writes `Some(None)` as `null` and `Some(Some(bytes))` as base64.
        pub fn serialize<T: Base64Encoded, S: Serializer>(
            value: &Option<Option<T>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(inner) => inner.serialize_base64(serializer),
                None => serializer.serialize_none(),
            }
        }

        /// Reads a field that is present: `null` is `Some(None)`.
        pub fn deserialize<'de, T: Base64Encoded, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Option<T>>, D::Error> {
            Option::<T>::deserialize_base64(deserializer).map(Some)
        }
    }

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `bytes` in standard base64 with padding.
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                if index <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> shift) & 0x3f) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes standard or URL-safe base64, padded or not.
    pub fn decode(text: &str) -> Result<Vec<u8>, String> {
        let digits = text.trim_end_matches('=');
        if text.len() - digits.len() > 2 || digits.len() % 4 == 1 {
            return Err(format!("invalid base64 length in `{text}`"));
        }
        let mut out = Vec::with_capacity(digits.len() * 3 / 4);
        let mut buffer = 0u32;
        let mut bits = 0;
        for c in digits.bytes() {
            let value = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                _ => {
                    return Err(format!(
                        "invalid base64 character `{}` in `{text}`",
                        char::from(c)
                    ));
                }
            };
            buffer = (buffer << 6) | u32::from(value);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
                buffer &= (1 << bits) - 1;
            }
        }
        if buffer != 0 {
            return Err(format!("invalid base64 padding bits in `{text}`"));
        }
        Ok(out)
    }
}

/// The `Serialize` and `Deserialize` impls of a union with a discriminator.
///
/// The variants' types usually declare the tag property themselves and are used on their own
/// elsewhere, so the whole value goes to the variant's type: decoding reads the value, looks
/// at the tag, and decodes the value into the variant the tag names; a tag the spec does not
/// list keeps the value as it came.
pub mod tagged {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    /// Reads a tagged value: its tag (the string in `property`) and the whole value.
    ///
    /// A value that is not an object, or has no string `property`, is an error.
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        property: &str,
    ) -> Result<(String, Value), D::Error> {
        let value = Value::deserialize(deserializer)?;
        let tag = match &value {
            Value::Object(map) => match map.get(property) {
                Some(Value::String(tag)) => tag.clone(),
                Some(_) => {
                    return Err(D::Error::custom(format!(
                        "the discriminator `{property}` is not a string"
                    )));
                }
                None => {
                    return Err(D::Error::custom(format!(
                        "missing discriminator `{property}`"
                    )));
                }
            },
            _ => {
                return Err(D::Error::custom(format!(
                    "expected an object with a discriminator `{property}`"
                )));
            }
        };
        Ok((tag, value))
    }

    /// Decodes the whole value into the variant its tag names.
    pub fn variant<T: DeserializeOwned, E: serde::de::Error>(
        tag: &str,
        value: Value,
    ) -> Result<T, E> {
        T::deserialize(value).map_err(|error| E::custom(format!("variant `{tag}`: {error}")))
    }

    /// Writes a variant whose type does not declare the tag property, or declares it
    /// optional, adding `tag` where the value has no string there (a tag the value carries
    /// stays: it may be another of the variant's values).
    pub fn serialize_with_tag<T: Serialize, S: Serializer>(
        value: &T,
        property: &str,
        tag: &str,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut json = serde_json::to_value(value).map_err(S::Error::custom)?;
        if let Value::Object(map) = &mut json {
            if !matches!(map.get(property), Some(Value::String(_))) {
                map.insert(property.to_owned(), Value::String(tag.to_owned()));
            }
        }
        json.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::base64::{decode, encode};
    use super::tagged::serialize_with_tag;

    #[test]
    fn a_tag_is_added_where_the_value_has_none() {
        #[derive(serde::Serialize)]
        struct Dog {
            #[serde(skip_serializing_if = "Option::is_none")]
            kind: Option<String>,
            bark: bool,
        }
        let write = |kind: Option<&str>| {
            let dog = Dog {
                kind: kind.map(str::to_owned),
                bark: true,
            };
            serialize_with_tag(&dog, "kind", "dog", serde_json::value::Serializer).unwrap()
        };
        assert_eq!(
            write(None),
            serde_json::json!({"kind": "dog", "bark": true})
        );
        // Another of the variant's tags, set by the caller, stays.
        assert_eq!(
            write(Some("doggo")),
            serde_json::json!({"kind": "doggo", "bark": true})
        );
    }

    #[test]
    fn base64_round_trips_every_length() {
        let cases: [(&[u8], &str); 6] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg=="),
            (b"\xfb\xff\xbf", "+/+/"),
        ];
        for (bytes, text) in cases {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).as_deref(), Ok(bytes));
        }
        assert_eq!(decode("Zg").as_deref(), Ok(&b"f"[..]));
        assert_eq!(decode("-_-_").as_deref(), Ok(&b"\xfb\xff\xbf"[..]));
        assert!(decode("Z").is_err());
        assert!(decode("Zh==").is_err());
        assert!(decode("Zm9v!").is_err());
    }
}

//! Serde helpers that generated types call from their hand-written impls.
//!
//! - [`object`]: the `Serialize` and `Deserialize` of every generated struct, one call per
//!   field. Its kinds keep the distinctions a spec makes that serde's derives would lose: an
//!   optional, nullable field, where absent and `null` differ (`Option<Option<T>>`); a
//!   required, nullable one, whose absence is an error.
//! - [`base64`]: bytes (`format: byte`) as base64 strings, also inside `Option`, `Vec` and
//!   maps.
//! - [`tagged`]: the hand-written `Serialize`/`Deserialize` of a union with a discriminator,
//!   which reads the tag first and keeps values with an unknown tag.

/// Bytes sent as base64 strings (`format: byte`): a field of type `Vec<u8>`, or an `Option`,
/// `Vec` or `BTreeMap<String, _>` of those, of kind [`object::base64`] and its optional
/// siblings.
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
    pub(super) struct Encoded<'a, T>(pub(super) &'a T);

    impl<T: Base64Encoded> Serialize for Encoded<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_base64(serializer)
        }
    }

    /// One decoded value with the [`Base64Encoded`] impls, for containers to ask serde for.
    pub(super) struct Decoded<T>(pub(super) T);

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

/// The serde of generated structs. A struct is written inside the crate's `object!` macro,
/// each field with its kind and JSON name (`pub id: i64 = required("id")`), and the macro
/// writes `Serialize` and `Deserialize` by hand as one call here per field: serde's derives
/// cost several times as much to compile, for the same behaviour.
///
/// Each kind of field is a module of three functions: `read` decodes the value of the field's
/// key, `finish` makes the field once the whole object is read, and `write` encodes it or
/// leaves it out. A key read twice is an error, as with serde's derive; keys no field names
/// are skipped, or kept by the struct's map of other properties ([`keep`](object::keep), [`write_rest`](object::write_rest)).
pub mod object {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize};

    use super::base64::{Base64Encoded, Decoded, Encoded};

    /// An object's key, borrowed from the input where the format allows it.
    pub struct Key<'de>(Cow<'de, str>);

    impl Key<'_> {
        /// The key's text.
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;

            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = Key<'de>;

                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    formatter.write_str("a field name")
                }

                fn visit_borrowed_str<E: Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Borrowed(key)))
                }

                fn visit_str<E: Error>(self, key: &str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(key.to_owned())))
                }

                fn visit_string<E: Error>(self, key: String) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(key)))
                }
            }

            deserializer.deserialize_identifier(KeyVisitor)
        }
    }

    /// Skips the value of `key`, which no field of the struct names.
    pub fn skip<'de, A: MapAccess<'de>>(key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        drop(key);
        map.next_value::<IgnoredAny>().map(drop)
    }

    /// Keeps `key`, which no field of the struct names, and its value in `rest`, the
    /// struct's map of the properties its schema does not declare.
    pub fn keep<'de, T, R, A>(rest: &mut R, key: Key<'de>, map: &mut A) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
        R: Extend<(String, T)>,
        A: MapAccess<'de>,
    {
        let value = map.next_value()?;
        rest.extend([(key.0.into_owned(), value)]);
        Ok(())
    }

    /// Writes each entry of `rest`, the struct's map of the properties its schema does not
    /// declare, after its fields.
    pub fn write_rest<'a, K, V, R, M>(map: &mut M, rest: &'a R) -> Result<(), M::Error>
    where
        K: Serialize + 'a,
        V: Serialize + 'a,
        &'a R: IntoIterator<Item = (&'a K, &'a V)>,
        M: SerializeMap,
    {
        rest.into_iter()
            .try_for_each(|(key, value)| map.serialize_entry(key, value))
    }

    /// Puts `value` in `slot`, unless the key was read before.
    fn fill<T, E: Error>(slot: &mut Option<T>, value: T, key: &'static str) -> Result<(), E> {
        match slot.replace(value) {
            Some(_) => Err(E::duplicate_field(key)),
            None => Ok(()),
        }
    }

    /// The field of an optional key: `None` when the key was absent.
    fn present<T, E>(slot: Option<Option<T>>) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    /// A required field: its key must be there. A nullable one is an `Option` whose `null`
    /// is `None`.
    pub mod required {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;
        use serde::{Deserialize, Serialize};

        /// Reads the value.
        pub fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            slot: &mut Option<T>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            super::fill(slot, map.next_value()?, key)
        }

        /// The field; an error if its key was absent.
        pub fn finish<T, E: Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
            slot.ok_or_else(|| E::missing_field(key))
        }

        /// Writes the field (`None` as `null`).
        pub fn write<T: Serialize, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &T,
        ) -> Result<(), M::Error> {
            map.serialize_entry(key, value)
        }
    }

    /// An optional field (`Option<T>`): absent or `null` is `None`, and `None` is left out.
    pub mod optional {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;
        use serde::{Deserialize, Serialize};

        /// Reads the value; `null` is `None`.
        pub fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            slot: &mut Option<Option<T>>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            super::fill(slot, map.next_value()?, key)
        }

        /// The field: `None` if its key was absent.
        pub fn finish<T, E: Error>(
            slot: Option<Option<T>>,
            _key: &'static str,
        ) -> Result<Option<T>, E> {
            super::present(slot)
        }

        /// Writes the field, or nothing for `None`.
        pub fn write<T: Serialize, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &Option<T>,
        ) -> Result<(), M::Error> {
            match value {
                Some(value) => map.serialize_entry(key, value),
                None => Ok(()),
            }
        }
    }

    /// An optional, nullable field (`Option<Option<T>>`, or `Option<serde_json::Value>`),
    /// where absent and `null` differ: absent is `None` and left out, `null` is `Some(None)`
    /// (`Some(Value::Null)`) and written as `null`.
    pub mod optional_nullable {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;
        use serde::{Deserialize, Serialize};

        /// Reads the value: `Some` of whatever it decodes to, `null` included.
        pub fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            slot: &mut Option<Option<T>>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            super::fill(slot, Some(map.next_value()?), key)
        }

        /// The field: `None` if its key was absent.
        pub fn finish<T, E: Error>(
            slot: Option<Option<T>>,
            _key: &'static str,
        ) -> Result<Option<T>, E> {
            super::present(slot)
        }

        /// Writes the field, or nothing for `None`.
        pub fn write<T: Serialize, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &Option<T>,
        ) -> Result<(), M::Error> {
            super::optional::write(map, key, value)
        }
    }

    /// A required field of bytes sent as base64 strings ([`super::base64`]), or of an
    /// `Option`, `Vec` or map of them.
    pub mod base64 {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;

        use super::{Base64Encoded, Decoded, Encoded};

        /// Reads the value.
        pub fn read<'de, T: Base64Encoded, A: MapAccess<'de>>(
            slot: &mut Option<T>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            let Decoded(value) = map.next_value()?;
            super::fill(slot, value, key)
        }

        /// The field; an error if its key was absent.
        pub fn finish<T, E: Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
            super::required::finish(slot, key)
        }

        /// Writes the field.
        pub fn write<T: Base64Encoded, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &T,
        ) -> Result<(), M::Error> {
            map.serialize_entry(key, &Encoded(value))
        }
    }

    /// An optional field of base64 bytes (`Option<T>`): absent or `null` is `None`, and
    /// `None` is left out.
    pub mod optional_base64 {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;

        use super::{Base64Encoded, Decoded, Encoded};

        /// Reads the value; `null` is `None`.
        pub fn read<'de, T: Base64Encoded, A: MapAccess<'de>>(
            slot: &mut Option<Option<T>>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            let Decoded(value) = map.next_value()?;
            super::fill(slot, value, key)
        }

        /// The field: `None` if its key was absent.
        pub fn finish<T, E: Error>(
            slot: Option<Option<T>>,
            _key: &'static str,
        ) -> Result<Option<T>, E> {
            super::present(slot)
        }

        /// Writes the field, or nothing for `None`.
        pub fn write<T: Base64Encoded, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &Option<T>,
        ) -> Result<(), M::Error> {
            match value {
                Some(value) => map.serialize_entry(key, &Encoded(value)),
                None => Ok(()),
            }
        }
    }

    /// An optional, nullable field of base64 bytes (`Option<Option<T>>`): absent is `None`
    /// and left out, `null` is `Some(None)` and written as `null`.
    pub mod optional_nullable_base64 {
        use serde::de::{Error, MapAccess};
        use serde::ser::SerializeMap;

        use super::{Base64Encoded, Decoded, Encoded};

        /// Reads the value: `Some` of it, `null` included.
        pub fn read<'de, T: Base64Encoded, A: MapAccess<'de>>(
            slot: &mut Option<Option<Option<T>>>,
            map: &mut A,
            key: &'static str,
        ) -> Result<(), A::Error> {
            let Decoded(value) = map.next_value()?;
            super::fill(slot, Some(value), key)
        }

        /// The field: `None` if its key was absent.
        pub fn finish<T, E: Error>(
            slot: Option<Option<Option<T>>>,
            _key: &'static str,
        ) -> Result<Option<Option<T>>, E> {
            super::present(slot)
        }

        /// Writes the field (`Some(None)` as `null`), or nothing for `None`.
        pub fn write<T: Base64Encoded, M: SerializeMap>(
            map: &mut M,
            key: &'static str,
            value: &Option<Option<T>>,
        ) -> Result<(), M::Error> {
            match value {
                Some(value) => map.serialize_entry(key, &Encoded(value)),
                None => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base64::{decode, encode};
    use super::object;
    use super::tagged::serialize_with_tag;

    /// What `object!` writes for `pub id: i64 = required("id"), pub note: Option<Option<String>>
    /// = optional_nullable("note")`.
    #[derive(Debug, PartialEq)]
    struct Record {
        id: i64,
        note: Option<Option<String>>,
    }

    impl serde::Serialize for Record {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = serializer.serialize_map(None)?;
            object::required::write(&mut map, "id", &self.id)?;
            object::optional_nullable::write(&mut map, "note", &self.note)?;
            map.end()
        }
    }

    impl<'de> serde::Deserialize<'de> for Record {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visitor;

            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = Record;

                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("struct Record")
                }

                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Record, A::Error> {
                    let (mut id, mut note) = (None, None);
                    while let Some(key) = map.next_key::<object::Key<'de>>()? {
                        match key.as_str() {
                            "id" => object::required::read(&mut id, &mut map, "id"),
                            "note" => object::optional_nullable::read(&mut note, &mut map, "note"),
                            _ => object::skip(key, &mut map),
                        }?;
                    }
                    Ok(Record {
                        id: object::required::finish(id, "id")?,
                        note: object::optional_nullable::finish(note, "note")?,
                    })
                }
            }

            deserializer.deserialize_map(Visitor)
        }
    }

    #[test]
    fn object_fields_keep_absent_and_null_apart_and_refuse_missing_or_repeated_keys() {
        let read = |text: &str| serde_json::from_str::<Record>(text).map_err(|e| e.to_string());
        let absent = read(r#"{"id": 1, "other": [1, {"x": 2}]}"#);
        assert_eq!(absent, Ok(Record { id: 1, note: None }));
        let null = read(r#"{"note": null, "id": 1}"#);
        assert_eq!(
            null,
            Ok(Record {
                id: 1,
                note: Some(None)
            })
        );
        assert!(read(r#"{"note": "x"}"#).is_err_and(|e| e.contains("missing field `id`")));
        assert!(read(r#"{"id": 1, "id": 2}"#).is_err_and(|e| e.contains("duplicate field `id`")));

        let written = |note| serde_json::to_string(&Record { id: 1, note }).unwrap();
        assert_eq!(written(None), r#"{"id":1}"#);
        assert_eq!(written(Some(None)), r#"{"id":1,"note":null}"#);
        assert_eq!(
            written(Some(Some("x".to_owned()))),
            r#"{"id":1,"note":"x"}"#
        );
    }

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

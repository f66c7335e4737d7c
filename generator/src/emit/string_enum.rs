//! `string_enum!`, the macro a generated crate defines once in `src/types/mod.rs` and each
//! enum of strings invokes: the enum with its catch-all variant, `as_str`, `Display`,
//! `From<&str>`, `FromStr`, and serde through the wire strings. Written by hand rather than
//! derived: serde's derive with an untagged catch-all costs each enum far more to compile than
//! these few impls, for the same behaviour.
//!
//! Its rules repeat (`$(...)*`), which cannot be formatted as the items they expand to, so
//! they are kept here as text, formatted, and printed as they are.

/// The macro's name.
pub(super) const NAME: &str = "string_enum";

/// The rules, as they are printed inside `macro_rules! string_enum { ... }`. The catch-all
/// variant comes first in the input, so that the rules can tell it from the listed ones.
pub(super) const RULES: &str = r#"    (
        $(#$attr:tt)*
        pub enum $name:ident {
            $unknown:ident(String),
            $($(#$variant_attr:tt)* $variant:ident = $wire:literal,)*
        }
    ) => {
        $(#$attr)*
        pub enum $name {
            $($(#$variant_attr)* $variant,)*
            /// A value the spec does not list, kept as it came so that newer servers still
            /// decode.
            $unknown(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The variant a value names; a value the spec does not list is kept in the
        /// catch-all variant. `TryFrom<&str>` and `FromStr` never fail through it.
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
"#;

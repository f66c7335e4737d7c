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

/// An invocation written as text, as the printer prints it from tokens: the enum's doc lines
/// and derives, its name, its catch-all variant, and each listed variant's name, JSON string
/// and whether it is the default. `None` outside a file whose text items and doc lines are
/// kept, or where only the printer can spell a derive or would break a line.
pub(super) fn invocation_text(
    docs: &[String],
    derives: &[String],
    name: &str,
    unknown: &str,
    variants: &[(&str, &str, bool)],
) -> Option<String> {
    if !super::text_items::are_kept() {
        return None;
    }
    let derive = match derives {
        [] => None,
        derives => Some(super::macros::derive_text(derives)?),
    };
    let lines: Vec<String> = variants
        .iter()
        .map(|(variant, wire, _)| format!("{variant} = {},", proc_macro2::Literal::string(wire)))
        .collect();
    if lines
        .iter()
        .any(|line| line.len() + 4 > super::macros::PRINTER_MARGIN)
    {
        return None;
    }
    let mut out = format!("{NAME}! {{\n");
    for line in super::doc_comments::attr_lines(docs)? {
        out.push_str(&format!("    {line}\n"));
    }
    if let Some(derive) = derive {
        out.push_str(&format!("    {derive}\n"));
    }
    out.push_str(&format!(
        "    pub enum {name} {{\n        {unknown}(String),\n"
    ));
    for ((_, wire, default), line) in variants.iter().zip(lines) {
        for doc in super::doc_comments::attr_lines(&[crate::lower::code_span(wire)])? {
            out.push_str(&format!("        {doc}\n"));
        }
        if *default {
            out.push_str("        #[default]\n");
        }
        out.push_str(&format!("        {line}\n"));
    }
    out.push_str("    }\n}\n");
    Some(out)
}

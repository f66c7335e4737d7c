//! `object!`, the macro a generated crate defines once in `src/types/mod.rs` and each struct
//! invokes: the struct, and its `Serialize` and `Deserialize` written by hand as one call per
//! field to the runtime's `serde_helpers::object`. Serde's derives write a field enum, a
//! visitor for maps and one for sequences per struct; type-checking them was most of the time
//! `cargo check` spent on a big crate, for nothing these impls do not do.
//!
//! Each field says how it travels: `pub id: i64 = required("id")`, the kind naming a module
//! of `serde_helpers::object` and the string its JSON name. A map of the properties the schema
//! does not declare comes last, after `..`. The invocation is not Rust syntax, so it is
//! printed here: the struct as the printer writes it, each field's kind and name added after.
//!
//! The rules repeat (`$(...)*`), which cannot be formatted as the items they expand to, so
//! they are kept here as text, formatted, and printed as they are.

use syn::parse::{Parse, ParseStream};

/// The macro's name.
pub(super) const NAME: &str = "object";

/// What a struct derives when its invocation names no derives: the `#[derive(...)]` the
/// second rule adds.
pub(super) const DEFAULT_DERIVES: [&str; 3] = ["Clone", "Debug", "PartialEq"];

/// The rules, as they are printed inside `macro_rules! object { ... }`. An invocation that
/// starts with `#[derive(...)]` derives those; one without derives [`DEFAULT_DERIVES`]
/// (written out, that line was one in every hundred of GitHub's crate). The runtime's
/// helpers are reached through `super::object`, which `src/types/mod.rs` imports for the
/// type files, its modules, that invoke the macro.
pub(super) const RULES: &str = r#"    (
        #[derive $derives:tt]
        $(#$attr:tt)*
        pub struct $name:ident {
            $($(#$field_attr:tt)* pub $field:ident: $ty:ty = $kind:ident($wire:literal),)*
            $(..
            $(#$rest_attr:tt)* pub $rest:ident: $rest_ty:ty,)?
        }
    ) => {
        $(#$attr)*
        #[derive $derives]
        pub struct $name {
            $($(#$field_attr)* pub $field: $ty,)*
            $($(#$rest_attr)* pub $rest: $rest_ty,)?
        }

        // Per field, a plain `return` rather than `?`, whose trait calls rustc checks once
        // for every field of every struct.
        impl ::serde::Serialize for $name {
            #[allow(clippy::question_mark, reason = "a `?` per field is slower to compile")]
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut, reason = "a struct without fields writes no entries")]
                let mut map = ::serde::Serializer::serialize_map(serializer, None)?;
                $(if let Err(error) = super::object::$kind::write(&mut map, $wire, &self.$field) {
                    return Err(error);
                })*
                $(super::object::write_rest(&mut map, &self.$rest)?;)?
                ::serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $(let mut $field = None;)*
                        $(let mut $rest = <$rest_ty>::default();)?
                        while let Some(key) = ::serde::de::MapAccess::next_key::<super::object::Key<'de>>(&mut map)? {
                            match key.as_str() {
                                $($wire => super::object::$kind::read(&mut $field, &mut map, $wire),)*
                                _ => object!(@other key map $($rest)?),
                            }?;
                        }
                        Ok($name {
                            $($field: match super::object::$kind::finish($field, $wire) {
                                Ok(value) => value,
                                Err(error) => return Err(error),
                            },)*
                            $($rest,)?
                        })
                    }
                }

                ::serde::Deserializer::deserialize_map(deserializer, __Visitor)
            }
        }
    };
    ($(#$attr:tt)* pub struct $name:ident $fields:tt) => {
        object! {
            #[derive(Clone, Debug, PartialEq)]
            $(#$attr)*
            pub struct $name $fields
        }
    };
    (@other $key:ident $map:ident) => {
        super::object::skip($key, &mut $map)
    };
    (@other $key:ident $map:ident $rest:ident) => {
        super::object::keep(&mut $rest, $key, &mut $map)
    };
"#;

/// One field as an invocation writes it: `pub name: Type = kind("wire"),`.
struct WireField {
    field: syn::Field,
    kind: syn::Ident,
    wire: syn::LitStr,
}

/// An invocation's input: the struct, its fields with their kinds, then the map of other
/// properties after `..`.
struct Input {
    attrs: Vec<syn::Attribute>,
    name: syn::Ident,
    fields: Vec<WireField>,
    rest: Option<syn::Field>,
}

/// `pub name: Type` with its attributes.
fn parse_field(input: ParseStream) -> syn::Result<syn::Field> {
    let attrs = input.call(syn::Attribute::parse_outer)?;
    let vis: syn::Visibility = input.parse()?;
    let ident: syn::Ident = input.parse()?;
    let colon_token: syn::Token![:] = input.parse()?;
    let ty: syn::Type = input.parse()?;
    Ok(syn::Field {
        attrs,
        vis,
        mutability: syn::FieldMutability::None,
        ident: Some(ident),
        colon_token: Some(colon_token),
        ty,
    })
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Token![pub]>()?;
        input.parse::<syn::Token![struct]>()?;
        let name: syn::Ident = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut fields = Vec::new();
        let mut rest = None;
        while !body.is_empty() {
            if body.parse::<Option<syn::Token![..]>>()?.is_some() {
                rest = Some(parse_field(&body)?);
                body.parse::<Option<syn::Token![,]>>()?;
                break;
            }
            let field = parse_field(&body)?;
            body.parse::<syn::Token![=]>()?;
            let kind: syn::Ident = body.parse()?;
            let wire;
            syn::parenthesized!(wire in body);
            let wire: syn::LitStr = wire.parse()?;
            body.parse::<Option<syn::Token![,]>>()?;
            fields.push(WireField { field, kind, wire });
        }
        Ok(Input {
            attrs,
            name,
            fields,
            rest,
        })
    }
}

/// `item` printed as `object! { struct }` when it invokes this macro; `None` otherwise.
pub(super) fn format_invocation(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(NAME) || !item.attrs.is_empty() {
        return None;
    }
    let input: Input = syn::parse2(item.mac.tokens.clone()).ok()?;
    let annotations: Vec<String> = input
        .fields
        .iter()
        .map(|field| {
            let wire = proc_macro2::Literal::string(&field.wire.value());
            format!(" = {}({wire})", field.kind)
        })
        .collect();
    let mut fields: syn::punctuated::Punctuated<syn::Field, syn::Token![,]> =
        input.fields.into_iter().map(|field| field.field).collect();
    let rest_at = input.rest.is_some().then_some(fields.len());
    fields.extend(input.rest);
    let definition = syn::ItemStruct {
        attrs: input.attrs,
        vis: syn::parse_quote! { pub },
        struct_token: Default::default(),
        ident: input.name,
        generics: syn::Generics::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: fields,
        }),
        semi_token: None,
    };
    Some(super::macros::struct_invocation(
        NAME,
        definition,
        &annotations,
        rest_at,
    ))
}

/// A field of an invocation written as text.
pub(super) struct TextField<'a> {
    pub(super) docs: &'a [String],
    pub(super) ident: &'a str,
    /// Its type's tokens, rebased.
    pub(super) ty: proc_macro2::TokenStream,
    /// The module of `serde_helpers::object` that reads and writes it, and its JSON name;
    /// `None` for the map of the properties the schema does not declare.
    pub(super) wire: Option<(&'static str, &'a str)>,
}

/// The invocation [`format_invocation`] prints for a struct, written from its parts: `derives`
/// when they are not [`DEFAULT_DERIVES`], the struct's doc lines, its name and fields, the
/// map of the rest last. `None` outside a file whose text items and doc lines are kept, or
/// where only the printer can spell a derive or a field's type.
pub(super) fn invocation_text(
    derives: Option<&[String]>,
    docs: &[String],
    name: &str,
    fields: Vec<TextField<'_>>,
) -> Option<String> {
    // Lowering gives no struct without fields (an empty object is a map), and puts the rest's
    // map last; anything else is left to the printer.
    let rests = fields.iter().filter(|field| field.wire.is_none()).count();
    if fields.is_empty()
        || rests > 1
        || (rests == 1 && fields.last().is_some_and(|last| last.wire.is_some()))
    {
        return None;
    }
    let derive = match derives {
        Some(derives) => Some(super::macros::derive_text(derives)?),
        None => None,
    };
    let fields = fields
        .into_iter()
        .map(|field| super::macros::TextField {
            docs: field.docs,
            public: true,
            ident: field.ident,
            ty: field.ty,
            suffix: match field.wire {
                Some((kind, wire)) => format!(" = {kind}({})", proc_macro2::Literal::string(wire)),
                None => String::new(),
            },
            after_dots: field.wire.is_none(),
        })
        .collect();
    super::macros::invocation_text(
        NAME,
        derive.as_deref(),
        docs,
        &format!("pub struct {name}"),
        fields,
    )
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn rules_reach_the_runtime_through_the_module_types_import() {
        let path = format!("super::{}::", crate::naming::TYPES_RUNTIME_MODULE);
        assert_eq!(
            super::RULES.matches("super::").count(),
            super::RULES.matches(&path).count()
        );
    }

    #[test]
    fn the_second_rule_derives_the_defaults() {
        let derive = format!("#[derive({})]", super::DEFAULT_DERIVES.join(", "));
        assert!(super::RULES.contains(&derive), "{derive}");
    }

    #[test]
    fn an_invocation_prints_each_field_with_its_kind_and_the_rest_after_two_dots() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            object! {
                #[doc = " A pet."]
                #[derive(Clone, Debug)]
                pub struct Pet {
                    #[doc = " Its name."]
                    pub name: String = required("name"),
                    pub type_: Option<::std::collections::BTreeMap<String, crate::types::VeryLongTypeNameThatWraps>> = optional("type"),
                    ..
                    #[doc = " Other properties."]
                    pub additional_properties: ::serde_json::Map<String, ::serde_json::Value>,
                }
            }
        })
        .expect("the invocation parses");
        let printed = super::format_invocation(&item).expect("it is an invocation of object!");
        assert_eq!(
            printed,
            r#"object! {
    /// A pet.
    #[derive(Clone, Debug)]
    pub struct Pet {
        /// Its name.
        pub name: String = required("name"),
        pub type_: Option<
            ::std::collections::BTreeMap<String, crate::types::VeryLongTypeNameThatWraps>,
        > = optional("type"),
        ..
        /// Other properties.
        pub additional_properties: ::serde_json::Map<String, ::serde_json::Value>,
    }
}
"#
        );
    }
}

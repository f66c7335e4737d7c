//! `setters!`, the macro a generated crate defines once in `src/operations/mod.rs` and each
//! request builder with optional members invokes: for each member, `name(value)`, which sets
//! it, and `set_name(option)`, which sets or clears it. Written out, the pair took a dozen
//! lines per optional parameter; an invocation takes one, after the member's docs.
//!
//! Each member is written as the builder's field with its `Option` setter's name after it:
//! `per_page: i64 = set_per_page`. The invocation is not Rust syntax, so it is printed here.
//!
//! The rules repeat (`$(...)*`), which cannot be formatted as the items they expand to, so
//! they are kept here as text, formatted, and printed as they are.

use syn::parse::{Parse, ParseStream};

/// The macro's name.
pub(super) const NAME: &str = "setters";

/// The rules, as they are printed inside `macro_rules! setters { ... }`.
pub(super) const RULES: &str = r#"    ($builder:ident { $($(#$attr:tt)* $name:ident: $ty:ty = $set:ident,)* }) => {
        impl $builder<'_> {
            $(
                $(#$attr)*
                pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                    self.$name = Some(value.into());
                    self
                }

                #[doc = concat!("Sets or clears [`", stringify!($name), "`](Self::", stringify!($name), ").")]
                pub fn $set(mut self, value: Option<$ty>) -> Self {
                    self.$name = value;
                    self
                }
            )*
        }
    };
"#;

/// An invocation's input: the builder, and each member with its `Option` setter's name.
struct Input {
    builder: syn::Ident,
    members: Vec<(syn::Field, syn::Ident)>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let builder: syn::Ident = input.parse()?;
        let body;
        syn::braced!(body in input);
        let mut members = Vec::new();
        while !body.is_empty() {
            let attrs = body.call(syn::Attribute::parse_outer)?;
            let ident: syn::Ident = body.parse()?;
            let colon_token: syn::Token![:] = body.parse()?;
            let ty: syn::Type = body.parse()?;
            body.parse::<syn::Token![=]>()?;
            let set: syn::Ident = body.parse()?;
            body.parse::<Option<syn::Token![,]>>()?;
            let field = syn::Field {
                attrs,
                vis: syn::Visibility::Inherited,
                mutability: syn::FieldMutability::None,
                ident: Some(ident),
                colon_token: Some(colon_token),
                ty,
            };
            members.push((field, set));
        }
        Ok(Input { builder, members })
    }
}

/// `item` printed as `setters! { Builder { members } }` when it invokes this macro; `None`
/// otherwise.
pub(super) fn format_invocation(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(NAME) || !item.attrs.is_empty() {
        return None;
    }
    let input: Input = syn::parse2(item.mac.tokens.clone()).ok()?;
    let suffixes: Vec<String> = input
        .members
        .iter()
        .map(|(_, set)| format!(" = {set}"))
        .collect();
    let definition = syn::ItemStruct {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        struct_token: Default::default(),
        ident: input.builder,
        generics: syn::Generics::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: input.members.into_iter().map(|(field, _)| field).collect(),
        }),
        semi_token: None,
    };
    let printed = super::macros::struct_invocation(NAME, definition, &suffixes, None);
    // Printed as a struct, whose keyword the invocation does not have.
    Some(printed.replacen("\n    struct ", "\n    ", 1))
}

/// The invocation [`format_invocation`] prints, written from its parts: the builder's name
/// and each optional member's docs, name, type (its tokens, rebased) and `Option` setter.
/// `None` outside a file whose text items and doc lines are kept, or where only the printer
/// can spell a type.
pub(super) fn invocation_text(
    builder: &str,
    members: Vec<(&[String], &str, proc_macro2::TokenStream, &str)>,
) -> Option<String> {
    let fields = members
        .into_iter()
        .map(|(docs, ident, ty, setter)| super::macros::TextField {
            docs,
            public: false,
            ident,
            ty,
            suffix: format!(" = {setter}"),
            after_dots: false,
        })
        .collect();
    super::macros::invocation_text(NAME, None, &[], builder, fields)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn an_invocation_prints_each_member_with_its_option_setter() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            setters! {
                ListPets {
                    #[doc = " How many to return."]
                    limit: i64 = set_limit,
                    r#type: crate::types::PetType = set_type,
                }
            }
        })
        .expect("the invocation parses");
        let printed = super::format_invocation(&item).expect("it is an invocation of setters!");
        assert_eq!(
            printed,
            "setters! {\n    ListPets {\n        /// How many to return.\n        limit: i64 = set_limit,\n        r#type: crate::types::PetType = set_type,\n    }\n}\n"
        );
    }
}

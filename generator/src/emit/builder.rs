//! `builder!`, the macro a generated crate defines once in `src/operations/mod.rs` and each
//! operation invokes for its request builder: the struct with its parameters, and the types
//! its call returns (`Builder => Output, Headers, Error { fields }`). The macro adds what every
//! builder has: the client it is sent with, the caller's `RequestOptions`, `#[must_use]`, and
//! `request_methods!` with those types. Written out, that took seven lines per operation.
//!
//! The invocation is not Rust syntax, so it is printed here. The rules repeat (`$(...)*`),
//! which cannot be formatted as the items they expand to, so they are kept here as text; the
//! paths in them are relative (`super::super::Client`) or the operation module's imports
//! (`RequestOptions`), so that they hold wherever the client is (a crate, or a module of one).

use syn::parse::{Parse, ParseStream};

/// The macro's name.
pub(super) const NAME: &str = "builder";

/// The rules, as they are printed inside `macro_rules! builder { ... }`. The members `client`
/// and `options` are `naming::builder::CLIENT` and `OPTIONS`. A builder derives `Clone` and
/// `Debug` unless its invocation starts with derives of its own (one whose `Debug` hides a
/// secret parameter derives only `Clone`).
pub(super) const RULES: &str = r#"    (
        #[derive($($derive:ident),*)]
        $(#$attr:tt)*
        $builder:ident => $output:ty, $headers:ty, $error:ty { $($field:ident: $ty:ty,)* }
    ) => {
        $(#$attr)*
        #[derive($($derive),*)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct $builder<'a> {
            client: &'a super::super::Client,
            $($field: $ty,)*
            options: RequestOptions,
        }

        request_methods!($builder, $output, $headers, $error);
    };
    (
        $(#$attr:tt)*
        $builder:ident => $output:ty, $headers:ty, $error:ty { $($field:ident: $ty:ty,)* }
    ) => {
        builder! {
            #[derive(Clone, Debug)]
            $(#$attr)*
            $builder => $output, $headers, $error { $($field: $ty,)* }
        }
    };
"#;

/// An invocation's input: the builder's attributes and name, its call's three types, and its
/// fields.
struct Input {
    attrs: Vec<syn::Attribute>,
    builder: syn::Ident,
    types: Vec<syn::Type>,
    fields: syn::FieldsNamed,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let builder: syn::Ident = input.parse()?;
        input.parse::<syn::Token![=>]>()?;
        let mut types = Vec::new();
        for index in 0..3 {
            if index > 0 {
                input.parse::<syn::Token![,]>()?;
            }
            types.push(input.parse()?);
        }
        let fields: syn::FieldsNamed = input.parse()?;
        Ok(Input {
            attrs,
            builder,
            types,
            fields,
        })
    }
}

/// `item` printed as `builder! { Builder => Output, Headers, Error { fields } }` when it
/// invokes this macro; `None` otherwise.
pub(super) fn format_invocation(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(NAME) || !item.attrs.is_empty() {
        return None;
    }
    let input: Input = syn::parse2(item.mac.tokens.clone()).ok()?;
    let types = input
        .types
        .iter()
        .map(super::macros::print_type)
        .collect::<Option<Vec<String>>>()?
        .join(", ");
    let builder = input.builder.to_string();
    let definition = syn::ItemStruct {
        attrs: input.attrs,
        vis: syn::Visibility::Inherited,
        struct_token: Default::default(),
        ident: input.builder,
        generics: syn::Generics::default(),
        fields: syn::Fields::Named(input.fields),
        semi_token: None,
    };
    let printed = super::macros::struct_invocation(NAME, definition, &[], None);
    // Printed as a struct, whose keyword the invocation has not, and without its types.
    let head = format!("\n    struct {builder} {{");
    Some(printed.replacen(&head, &format!("\n    {builder} => {types} {{"), 1))
}

/// The invocation [`format_invocation`] prints, written from its parts: `#[derive(Clone)]`
/// when `clone_only` (a `Debug` of its own hides a secret), the doc line, the builder's name,
/// its call's three types and its fields, each with its type's tokens, rebased. `None`
/// outside a file whose text items and doc lines are kept, or where only the printer can
/// spell a type, or would break one over lines (which the invocation's printing gives up on).
pub(super) fn invocation_text(
    clone_only: bool,
    doc: &str,
    builder: &str,
    types: [proc_macro2::TokenStream; 3],
    fields: Vec<(&str, proc_macro2::TokenStream)>,
) -> Option<String> {
    let mut spelled = Vec::with_capacity(3);
    for ty in types {
        let text = super::macros::type_text(ty)?;
        if format!("type T = {text};").len() > super::macros::PRINTER_MARGIN {
            return None;
        }
        spelled.push(text);
    }
    let fields = fields
        .into_iter()
        .map(|(ident, ty)| super::macros::TextField {
            docs: &[],
            public: false,
            ident,
            ty,
            suffix: String::new(),
            after_dots: false,
        })
        .collect();
    super::macros::invocation_text(
        NAME,
        clone_only.then_some("#[derive(Clone)]"),
        &[doc.to_owned()],
        &format!("{builder} => {}", spelled.join(", ")),
        fields,
    )
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn an_invocation_prints_the_builder_with_its_types_and_fields() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            builder! {
                #[doc = " A `GET /pets` request."]
                ListPets => Vec<crate::types::Pet>, (), ::std::convert::Infallible {
                    limit: Option<i64>,
                }
            }
        })
        .expect("the invocation parses");
        let printed = super::format_invocation(&item).expect("it is an invocation of builder!");
        assert_eq!(
            printed,
            "builder! {\n    /// A `GET /pets` request.\n    ListPets => Vec<crate::types::Pet>, (), ::std::convert::Infallible {\n        limit: Option<i64>,\n    }\n}\n"
        );
    }

    #[test]
    fn the_rules_name_the_members_lowering_keeps_parameters_off() {
        for member in [
            crate::naming::builder::CLIENT,
            crate::naming::builder::OPTIONS,
        ] {
            assert!(
                super::RULES.contains(&format!("    {member}: ")),
                "{member}"
            );
        }
    }
}

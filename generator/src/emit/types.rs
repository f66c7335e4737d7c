//! One file per named type under `src/types/`, and the module that re-exports them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, type_tokens};
use crate::ir::{Api, EnumDef, StructDef, TypeDef, TypeKind, TypeRef};

/// `src/types/mod.rs`.
pub(super) fn types_mod(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|def| {
        let module = ident(&def.module);
        let name = ident(&def.ident);
        quote! {
            mod #module;
            pub use #module::#name;
        }
    });
    quote! {
        #![doc = " The types the API's schemas describe, one file each."]
        #(#items)*
    }
}

/// `src/types/<name>.rs`.
pub(super) fn type_file(api: &Api, def: &TypeDef) -> TokenStream {
    let mut docs = def.docs.clone();
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!("Schema `{}`.", def.origin));
    let docs = doc_attrs(&docs);
    let name = ident(&def.ident);
    match &def.kind {
        TypeKind::Struct(s) => struct_tokens(api, def, s, docs),
        TypeKind::Enum(e) => enum_tokens(e, &def.ident, docs),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(api, ty);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn struct_tokens(api: &Api, def: &TypeDef, s: &StructDef, docs: TokenStream) -> TokenStream {
    let name = ident(&def.ident);
    let fields = s.fields.iter().map(|field| {
        let field_docs = doc_attrs(&field.docs);
        let field_ident = ident(&field.ident);
        let ty = type_tokens(api, &field.ty);
        let wire = &field.wire_name;
        let mut serde_args = Vec::new();
        if field.rename {
            serde_args.push(quote! { rename = #wire });
        }
        if field.skip_if_none {
            serde_args.push(quote! { default, skip_serializing_if = "Option::is_none" });
        }
        let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde(#(#serde_args),*)] });
        quote! {
            #field_docs
            #serde_attr
            pub #field_ident: #ty,
        }
    });
    let debug_derive = (!s.redacted_debug).then(|| quote! { Debug, });
    let default_derive = s.derive_default.then(|| quote! { Default, });
    let debug_impl = s.redacted_debug.then(|| {
        let name_text = &def.ident;
        let entries = s.fields.iter().map(|field| {
            let field_ident = ident(&field.ident);
            let label = &field.ident;
            match (field.secret, &field.ty) {
                (false, _) => quote! { .field(#label, &self.#field_ident) },
                (true, TypeRef::Option(_)) => {
                    quote! { .field(#label, &self.#field_ident.as_ref().map(|_| "<redacted>")) }
                }
                (true, _) => quote! { .field(#label, &"<redacted>") },
            }
        });
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#name_text)
                        #(#entries)*
                        .finish()
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, #debug_derive #default_derive PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}

fn enum_tokens(e: &EnumDef, type_name: &str, docs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(&e.unknown_ident);
    let variants = e.variants.iter().enumerate().map(|(index, variant)| {
        let variant_ident = ident(&variant.ident);
        let wire = &variant.wire_name;
        let default = (e.default == Some(index)).then(|| quote! { #[default] });
        let doc = format!(" `{wire}`");
        quote! {
            #[doc = #doc]
            #[serde(rename = #wire)]
            #default
            #variant_ident,
        }
    });
    let as_str_arms = e.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.ident);
        let wire = &variant.wire_name;
        quote! { #name::#variant_ident => #wire, }
    });
    let default_derive = e.default.is_some().then(|| quote! { Default, });
    quote! {
        #docs
        #[derive(Clone, Debug, #default_derive PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as it came so that newer servers still decode.
            #[serde(untagged)]
            #unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    #name::#unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

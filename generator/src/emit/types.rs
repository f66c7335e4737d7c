//! The files under `src/types/`, each a schema's type and those written inside it, and the
//! module that re-exports them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{DebugField, doc_attrs, feature_gate, ident, redacted_debug, type_tokens};
use crate::ir::{
    Api, Constructor, DefaultValue, EnumDef, EnumRepr, Field, FieldCodec, Packaging, StructDef,
    Tagging, TypeDef, TypeFile, TypeKind, TypeRef, UnionDef,
};
use crate::lower::code_span;

/// `src/types/mod.rs`.
pub(super) fn types_mod(api: &Api) -> TokenStream {
    // A module file folds each `mod name;` into the file (`layout::single_module`), which a
    // macro's expansion is not: there, the items are written out.
    let modules = if let Packaging::ModuleFile { .. } = api.packaging {
        let items = api.type_files.iter().map(|file| {
            let module = ident(&file.module);
            let types = super::type_modules::reexported(api, file);
            quote! {
                mod #module;
                pub use #module::#types;
            }
        });
        Some(quote! { #(#items)* })
    } else {
        (!api.types.is_empty()).then(|| {
            let definition = super::macros::text_definition(
                super::type_modules::NAME,
                quote! {
                    /// Each file's module, and the types re-exported from it, under their feature
                    /// gate.
                },
            );
            let invocation = super::type_modules::invocation(api);
            quote! {
                #definition
                #invocation
            }
        })
    };
    let string_enum = macro_gate(
        api,
        |kind| matches!(kind, TypeKind::Enum(e) if e.repr == EnumRepr::String),
    )
    .map(|gate| {
        super::macros::text_definition(
            super::string_enum::NAME,
            quote! {
                /// An enum of the strings a schema lists, with a catch-all variant (first in the
                /// input) for those it does not: `as_str`, `Display`, `From<&str>`, `FromStr`, and
                /// serde through the wire strings.
                #gate
            },
        )
    });
    let object = macro_gate(api, |kind| matches!(kind, TypeKind::Struct(_))).map(|gate| {
        let definition = super::macros::text_definition(
            super::object::NAME,
            quote! {
                /// A struct, and its serde through each field's JSON name (`pub id: i64 =
                /// required("id")`, the kind naming a module of the runtime's
                /// `serde_helpers::object`), with the map of other properties after `..`.
                #gate
            },
        );
        let module = ident(crate::naming::TYPES_RUNTIME_MODULE);
        quote! {
            #gate
            use ::apiforge_runtime::serde_helpers::#module;
            #definition
        }
    });
    quote! {
        #![doc = " The types the API's schemas describe, one file per schema with the types written"]
        #![doc = " inside it."]
        #![doc = ""]
        #![doc = " A type is compiled only when the cargo feature of a tag whose operations use it is on"]
        #![doc = " (all are, by default); a type no operation uses, with `standalone-types`."]
        #string_enum
        #object
        #modules
    }
}

/// The feature gate of a macro that the types of a `kind` invoke: compiled with any feature
/// whose types invoke it; `None` when no type does.
fn macro_gate(api: &Api, kind: impl Fn(&TypeKind) -> bool) -> Option<TokenStream> {
    let users: Vec<&TypeDef> = api.types.iter().filter(|def| kind(&def.kind)).collect();
    if users.is_empty() {
        return None;
    }
    let mut features: Vec<&str> = users
        .iter()
        .flat_map(|def| def.features.iter().map(String::as_str))
        .collect();
    features.sort_unstable();
    features.dedup();
    Some(feature_gate(&features))
}

/// `src/types/<module>.rs`: its types, one after the other.
pub(super) fn type_file(api: &Api, file: &TypeFile) -> TokenStream {
    file.types
        .iter()
        .map(|&id| type_items(api, api.type_def(id)))
        .collect()
}

/// The items of one type.
fn type_items(api: &Api, def: &TypeDef) -> TokenStream {
    let mut docs = def.docs.clone();
    let how = match &def.kind {
        TypeKind::Union(UnionDef {
            tagging: Tagging::Untagged,
            ..
        }) => Some("Decoded as the first variant, in this order, that the value fits.".to_owned()),
        TypeKind::Union(UnionDef {
            tagging: Tagging::Discriminator { property, .. },
            ..
        }) => Some(format!(
            "The value's {} property names the variant.",
            code_span(property)
        )),
        _ => None,
    };
    for paragraph in how
        .into_iter()
        .chain([format!("Schema {}.", code_span(&def.origin))])
    {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(paragraph);
    }
    let as_text = match &def.kind {
        TypeKind::Struct(s) => struct_text(api, def, s, &docs),
        TypeKind::Enum(e) if e.repr == EnumRepr::String => string_enum_text(def, e, &docs),
        _ => None,
    };
    if let Some(tokens) = as_text {
        return tokens;
    }
    let docs = doc_attrs(&docs);
    let derives = derive_attr(def);
    // Each kind's own attributes (`#[serde(...)]`) follow.
    let attrs = quote! { #docs #derives };
    let name = ident(&def.ident);
    match &def.kind {
        // `object!` derives its defaults itself, and reads derives of its own first.
        TypeKind::Struct(s) if def.derives == super::object::DEFAULT_DERIVES => {
            struct_tokens(api, def, s, docs)
        }
        TypeKind::Struct(s) => struct_tokens(api, def, s, quote! { #derives #docs }),
        TypeKind::Enum(e) => match e.repr {
            EnumRepr::String => enum_tokens(e, &def.ident, attrs),
            EnumRepr::Integer => integer_enum_tokens(e, &def.ident, attrs),
            EnumRepr::Mixed => mixed_enum_tokens(e, &def.ident, attrs),
        },
        TypeKind::Union(u) => match &u.tagging {
            Tagging::Untagged => untagged_union_tokens(api, u, &def.ident, attrs),
            Tagging::Discriminator {
                property,
                unknown_ident,
            } => tagged_union_tokens(api, u, &def.ident, property, unknown_ident, attrs),
        },
        TypeKind::Alias(ty) => {
            let ty = type_tokens(api, ty);
            quote! {
                #attrs
                pub type #name = #ty;
            }
        }
    }
}

/// The enum's `string_enum!` invocation written as text ([`super::text_items`]); `None`
/// where it cannot be, and the invocation is tokens.
fn string_enum_text(def: &TypeDef, e: &EnumDef, docs: &[String]) -> Option<TokenStream> {
    let variants: Vec<(&str, &str, bool)> = e
        .variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            let default = e.default == Some(index);
            (variant.ident.as_str(), variant.wire_name.as_str(), default)
        })
        .collect();
    let text = super::string_enum::invocation_text(
        docs,
        &def.derives,
        &def.ident,
        &e.unknown_ident,
        &variants,
    )?;
    super::text_items::stand_in(text)
}

/// `#[derive(...)]` with the type's derives, as lowering chose them; nothing for none.
fn derive_attr(def: &TypeDef) -> Option<TokenStream> {
    // Lowering checked every path; one that did not parse is left out rather than panic.
    let paths = def
        .derives
        .iter()
        .filter_map(|derive| syn::parse_str::<syn::Path>(derive).ok());
    (!def.derives.is_empty()).then(|| quote! { #[derive(#(#paths),*)] })
}

/// The module of the runtime's `serde_helpers::object` that reads and writes `field`, as
/// `object!` names it.
fn field_kind(field: &Field) -> &'static str {
    match (field.codec, field.skip_if_none) {
        (FieldCodec::DoubleOption, _) => "optional_nullable",
        (FieldCodec::Base64DoubleOption, _) => "optional_nullable_base64",
        (FieldCodec::Base64, true) => "optional_base64",
        (FieldCodec::Base64, false) => "base64",
        (FieldCodec::Plain | FieldCodec::RequiredNullable, true) => "optional",
        (FieldCodec::Plain | FieldCodec::RequiredNullable, false) => "required",
    }
}

fn struct_tokens(api: &Api, def: &TypeDef, s: &StructDef, attrs: TokenStream) -> TokenStream {
    let name = ident(&def.ident);
    let field_tokens = |field: &Field| {
        let field_docs = doc_attrs(&field.docs);
        let field_ident = ident(&field.ident);
        let ty = type_tokens(api, &field.ty);
        quote! {
            #field_docs
            pub #field_ident: #ty
        }
    };
    let fields = s.fields.iter().filter(|field| !field.flatten).map(|field| {
        let tokens = field_tokens(field);
        let kind = ident(field_kind(field));
        let wire = &field.wire_name;
        quote! { #tokens = #kind(#wire), }
    });
    // The map of the properties the schema does not declare, which lowering puts last.
    let rest = s.fields.iter().filter(|field| field.flatten).map(|field| {
        let tokens = field_tokens(field);
        quote! { .. #tokens, }
    });
    let macro_name = ident(super::object::NAME);
    let impls = struct_impls(api, def, s);
    quote! {
        #macro_name! {
            #attrs
            pub struct #name {
                #(#fields)*
                #(#rest)*
            }
        }

        #impls
    }
}

/// The struct's file with its `object!` invocation written as text ([`super::text_items`]);
/// `None` where it cannot be, and the invocation is tokens.
fn struct_text(api: &Api, def: &TypeDef, s: &StructDef, docs: &[String]) -> Option<TokenStream> {
    let wire_fields = s.fields.iter().filter(|field| !field.flatten);
    // The map of the properties the schema does not declare, which lowering puts last.
    let rest = s.fields.iter().filter(|field| field.flatten);
    let fields = wire_fields
        .map(|field| (field, Some((field_kind(field), field.wire_name.as_str()))))
        .chain(rest.map(|field| (field, None)))
        .map(|(field, wire)| super::object::TextField {
            docs: &field.docs,
            ident: &field.ident,
            ty: super::layout::rebase(type_tokens(api, &field.ty), &api.paths),
            wire,
        })
        .collect();
    let derives = (def.derives != super::object::DEFAULT_DERIVES).then_some(def.derives.as_slice());
    let text = super::object::invocation_text(derives, docs, &def.ident, fields)?;
    let invocation = super::text_items::stand_in(text)?;
    let impls = struct_impls(api, def, s);
    Some(quote! {
        #invocation

        #impls
    })
}

/// What a struct has besides its `object!` invocation: its constructor and setters, its
/// redacted `Debug`, its `Default`.
fn struct_impls(api: &Api, def: &TypeDef, s: &StructDef) -> TokenStream {
    let name = ident(&def.ident);
    let debug_impl = s.redacted_debug.then(|| {
        let fields = s.fields.iter().map(|field| DebugField {
            ident: &field.ident,
            secret: field.secret,
            optional: matches!(field.ty, TypeRef::Option(_)),
        });
        redacted_debug(&def.ident, false, fields)
    });
    let default_impl = s.impl_default.then(|| {
        let values = s.fields.iter().map(|field| {
            let field_ident = ident(&field.ident);
            let value = default_value(api, field);
            quote! { #field_ident: #value, }
        });
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self {
                        #(#values)*
                    }
                }
            }
        }
    });
    let constructor_impl = s.constructor.as_ref().map(|constructor| {
        constructor_text(api, s, constructor, &def.ident)
            .and_then(super::text_items::stand_in)
            .unwrap_or_else(|| constructor_tokens(api, s, constructor, &name))
    });
    quote! {
        #constructor_impl

        #debug_impl

        #default_impl
    }
}

/// Why a `new` with many required fields takes them all.
const MANY_ARGUMENTS_ALLOW: &str = "one argument per required field of the schema";

/// [`constructor_tokens`] as the printer writes it; `None` where only the printer can spell a
/// type or lay out a line, and outside a file whose text items and doc lines are kept.
fn constructor_text(
    api: &Api,
    s: &StructDef,
    constructor: &Constructor,
    name: &str,
) -> Option<String> {
    if !super::text_items::are_kept() {
        return None;
    }
    let fits = |line: &str| line.len() <= super::macros::PRINTER_MARGIN;
    let ty_text = |ty: &TypeRef| {
        super::macros::type_text(super::layout::rebase(type_tokens(api, ty), &api.paths))
    };
    let mut text = format!("impl {name} {{\n");
    if let Some(new) = &constructor.new {
        let mut arguments = Vec::with_capacity(new.arguments.len());
        for &index in &new.arguments {
            let field = s.fields.get(index)?;
            arguments.push((field.ident.as_str(), ty_text(&field.ty)?));
        }
        let values: Vec<String> = s
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let name = &field.ident;
                if new.arguments.contains(&index) {
                    format!("{name}: {name}.into()")
                } else if matches!(field.ty, TypeRef::Option(_)) {
                    format!("{name}: None")
                } else {
                    format!("{name}: Default::default()")
                }
            })
            .collect();
        // The printer keeps a struct expression this narrow on one line.
        if values.is_empty() || format!("Self {{ {} }}", values.join(", ")).len() <= 40 {
            return None;
        }
        let signature =
            super::expr_text::signature(&new.ident, None, &arguments, "Self", "    ) -> Self {\n")?;
        for line in super::doc_comments::attr_lines(&new.docs)? {
            text.push_str(&format!("    {line}\n"));
        }
        if new.allow_many_arguments {
            text.push_str(&format!(
                "    #[allow(\n        clippy::too_many_arguments,\n        reason = \"{MANY_ARGUMENTS_ALLOW}\"\n    )]\n"
            ));
        }
        text.push_str(&signature);
        text.push_str("        Self {\n");
        for value in values {
            let line = format!("            {value},");
            if !fits(&line) {
                return None;
            }
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("        }\n    }\n");
    }
    for setter in &constructor.setters {
        let field = s.fields.get(setter.field)?;
        let value = if setter.nullable {
            "Some(Some(value.into()))"
        } else {
            "Some(value.into())"
        };
        let assignment = format!("        self.{} = {value};", field.ident);
        let arguments = [("value", ty_text(&setter.value)?)];
        let signature = super::expr_text::signature(
            &setter.ident,
            Some("mut self"),
            &arguments,
            "Self",
            "    ) -> Self {\n",
        )?;
        if !fits(&assignment) {
            return None;
        }
        for line in super::doc_comments::attr_lines(&setter.docs)? {
            text.push_str(&format!("    {line}\n"));
        }
        text.push_str(&signature);
        text.push_str(&assignment);
        text.push_str("\n        self\n    }\n");
    }
    text.push_str("}\n");
    Some(text)
}

/// `impl Struct { new, setters }`, as lowering laid them out.
fn constructor_tokens(
    api: &Api,
    s: &StructDef,
    constructor: &Constructor,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let new = constructor.new.as_ref().map(|new| {
        let docs = doc_attrs(&new.docs);
        let method = ident(&new.ident);
        let allow = new.allow_many_arguments.then(|| {
            quote! { #[allow(clippy::too_many_arguments, reason = #MANY_ARGUMENTS_ALLOW)] }
        });
        let args = new
            .arguments
            .iter()
            .filter_map(|&index| s.fields.get(index))
            .map(|field| {
                let arg = ident(&field.ident);
                let ty = type_tokens(api, &field.ty);
                quote! { #arg: impl Into<#ty> }
            });
        let values = s.fields.iter().enumerate().map(|(index, field)| {
            let field_ident = ident(&field.ident);
            if new.arguments.contains(&index) {
                quote! { #field_ident: #field_ident.into(), }
            } else if matches!(field.ty, TypeRef::Option(_)) {
                quote! { #field_ident: None, }
            } else {
                quote! { #field_ident: Default::default(), }
            }
        });
        quote! {
            #docs
            #allow
            pub fn #method(#(#args),*) -> Self {
                Self {
                    #(#values)*
                }
            }
        }
    });
    let setters = constructor.setters.iter().filter_map(|setter| {
        let field = s.fields.get(setter.field)?;
        let docs = doc_attrs(&setter.docs);
        let method = ident(&setter.ident);
        let field_ident = ident(&field.ident);
        let ty = type_tokens(api, &setter.value);
        let value = if setter.nullable {
            quote! { Some(Some(value.into())) }
        } else {
            quote! { Some(value.into()) }
        };
        Some(quote! {
            #docs
            pub fn #method(mut self, value: impl Into<#ty>) -> Self {
                self.#field_ident = #value;
                self
            }
        })
    });
    quote! {
        impl #name {
            #new
            #(#setters)*
        }
    }
}

/// A field's value in a hand-written `Default`.
fn default_value(api: &Api, field: &Field) -> TokenStream {
    match &field.default {
        Some(DefaultValue::None) => quote! { None },
        None | Some(DefaultValue::TypeDefault) => quote! { Default::default() },
        Some(DefaultValue::Bool(value)) => quote! { #value },
        Some(DefaultValue::Number(text)) => text
            .parse::<TokenStream>()
            .unwrap_or_else(|_| quote! { Default::default() }),
        Some(DefaultValue::Str(text)) => quote! { #text.to_owned() },
        Some(DefaultValue::Variant(variant)) => {
            let variant = ident(variant);
            let ty = type_tokens(api, &field.ty);
            quote! { #ty::#variant }
        }
    }
}

/// An enum of strings: an invocation of the crate's `string_enum!`, which writes the enum, its
/// catch-all and its impls (`emit/string_enum.rs`).
fn enum_tokens(e: &EnumDef, type_name: &str, attrs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(&e.unknown_ident);
    let macro_name = ident(super::string_enum::NAME);
    let variants = e.variants.iter().enumerate().map(|(index, variant)| {
        let variant_ident = ident(&variant.ident);
        let wire = &variant.wire_name;
        let default = (e.default == Some(index)).then(|| quote! { #[default] });
        let doc = format!(" {}", code_span(wire));
        quote! {
            #[doc = #doc]
            #default
            #variant_ident = #wire,
        }
    });
    quote! {
        #macro_name! {
            #attrs
            pub enum #name {
                #unknown(String),
                #(#variants)*
            }
        }
    }
}

fn integer_enum_tokens(e: &EnumDef, type_name: &str, attrs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(&e.unknown_ident);
    let literal = |wire: &str| wire.parse::<TokenStream>().unwrap_or_default();
    let variants = unit_variants(e);
    let value_arms = value_arms(e, &name, literal);
    let from_arms = e.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.ident);
        let value = literal(&variant.wire_name);
        quote! { #value => #name::#variant_ident, }
    });
    quote! {
        #attrs
        #[serde(from = "i64", into = "i64")]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as it came so that newer servers still decode.
            #unknown(i64),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(#value_arms)*
                    #name::#unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_arms)*
                    value => #name::#unknown(value),
                }
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }
    }
}

/// The variants of an enum whose values are not strings: unit variants documented with their
/// value, the default marked.
fn unit_variants(e: &EnumDef) -> impl Iterator<Item = TokenStream> + '_ {
    e.variants.iter().enumerate().map(|(index, variant)| {
        let variant_ident = ident(&variant.ident);
        let default = (e.default == Some(index)).then(|| quote! { #[default] });
        let doc = format!(" {}", code_span(&variant.wire_name));
        quote! {
            #[doc = #doc]
            #default
            #variant_ident,
        }
    })
}

/// `Name::Variant => value,` for each variant, the value spelled by `literal`.
fn value_arms<'e>(
    e: &'e EnumDef,
    name: &'e proc_macro2::Ident,
    literal: impl Fn(&str) -> TokenStream + 'e,
) -> impl Iterator<Item = TokenStream> + 'e {
    e.variants.iter().map(move |variant| {
        let variant_ident = ident(&variant.ident);
        let value = literal(&variant.wire_name);
        quote! { #name::#variant_ident => #value, }
    })
}

/// An enum whose values are of several JSON types; it goes through `serde_json::Value`.
fn mixed_enum_tokens(e: &EnumDef, type_name: &str, attrs: TokenStream) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(&e.unknown_ident);
    // The wire name is the value's JSON text, which `json!` reads as it is.
    let literal = |wire: &str| {
        let tokens = wire.parse::<TokenStream>().unwrap_or_default();
        quote! { ::serde_json::json!(#tokens) }
    };
    let variants = unit_variants(e);
    let value_arms = value_arms(e, &name, literal);
    let from_checks = e.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.ident);
        let value = literal(&variant.wire_name);
        quote! {
            if value == #value {
                return #name::#variant_ident;
            }
        }
    });
    quote! {
        #attrs
        #[serde(from = "::serde_json::Value", into = "::serde_json::Value")]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as it came so that newer servers still decode.
            #unknown(::serde_json::Value),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(&self) -> ::serde_json::Value {
                match self {
                    #(#value_arms)*
                    #name::#unknown(value) => value.clone(),
                }
            }
        }

        impl From<::serde_json::Value> for #name {
            fn from(value: ::serde_json::Value) -> Self {
                #(#from_checks)*
                #name::#unknown(value)
            }
        }

        impl From<#name> for ::serde_json::Value {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }
    }
}

/// `#[allow(clippy::large_enum_variant)]` when lowering found a variant may be large; boxing
/// it would make every use of the union clumsier.
fn large_variant_allow(u: &UnionDef) -> Option<TokenStream> {
    u.large_variants.then(|| {
        quote! {
            #[allow(
                clippy::large_enum_variant,
                reason = "variants hold the API's own types unboxed, as they are used elsewhere"
            )]
        }
    })
}

/// `impl From<Payload> for Union` for the variants whose payload type is theirs alone.
fn from_impls(api: &Api, u: &UnionDef, name: &proc_macro2::Ident) -> TokenStream {
    let impls = u.variants.iter().filter(|v| v.from_impl).map(|variant| {
        let variant_ident = ident(&variant.ident);
        let ty = type_tokens(api, &variant.ty);
        let text = super::macros::type_text(super::layout::rebase(ty.clone(), &api.paths))
            .and_then(|ty| from_impl_text(&ty, &name.to_string(), &variant.ident));
        if let Some(stand_in) = text.and_then(super::text_items::stand_in) {
            return stand_in;
        }
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    #name::#variant_ident(value)
                }
            }
        }
    });
    quote! { #(#impls)* }
}

/// `impl From<ty> for name`, whose payload is the variant's, as the printer writes it; `None`
/// where a line would break where the text does not.
fn from_impl_text(ty: &str, name: &str, variant: &str) -> Option<String> {
    let fits = |line: &str| line.len() <= super::macros::PRINTER_MARGIN;
    let mut text = format!("impl From<{ty}> for {name} {{\n");
    if !fits(text.trim_end()) {
        // Too wide, the printer breaks the header before `for`.
        text = format!("impl From<{ty}>\nfor {name} {{\n");
        if !text.lines().all(fits) {
            return None;
        }
    }
    let signature = format!("    fn from(value: {ty}) -> Self {{");
    if fits(&signature) {
        text.push_str(&signature);
        text.push('\n');
    } else {
        let parameter = format!("        value: {ty}");
        if !fits(&parameter) {
            return None;
        }
        text.push_str(&format!("    fn from(\n{parameter},\n    ) -> Self {{\n"));
    }
    let body = format!("        {name}::{variant}(value)");
    if !fits(&body) {
        return None;
    }
    text.push_str(&body);
    text.push_str("\n    }\n}\n");
    Some(text)
}

/// A union's newtype variants, documented.
fn union_variants<'u>(api: &'u Api, u: &'u UnionDef) -> impl Iterator<Item = TokenStream> + 'u {
    u.variants.iter().map(|variant| {
        let variant_docs = doc_attrs(&variant.docs);
        let variant_ident = ident(&variant.ident);
        let ty = type_tokens(api, &variant.ty);
        quote! {
            #variant_docs
            #variant_ident(#ty),
        }
    })
}

fn untagged_union_tokens(
    api: &Api,
    u: &UnionDef,
    type_name: &str,
    attrs: TokenStream,
) -> TokenStream {
    let name = ident(type_name);
    let allow = large_variant_allow(u);
    let from = from_impls(api, u, &name);
    let variants = union_variants(api, u);
    quote! {
        #attrs
        #[serde(untagged)]
        #allow
        pub enum #name {
            #(#variants)*
        }

        #from
    }
}

fn tagged_union_tokens(
    api: &Api,
    u: &UnionDef,
    type_name: &str,
    property: &str,
    unknown_ident: &str,
    attrs: TokenStream,
) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(unknown_ident);
    let allow = large_variant_allow(u);
    let from = from_impls(api, u, &name);
    let helpers = quote! { ::apiforge_runtime::serde_helpers };
    let variants = union_variants(api, u);
    let serialize_arms = u.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.ident);
        match (variant.insert_tag, variant.tags.first()) {
            (true, Some(tag)) => quote! {
                #name::#variant_ident(value) => {
                    #helpers::tagged::serialize_with_tag(value, #property, #tag, serializer)
                }
            },
            _ => quote! {
                #name::#variant_ident(value) => ::serde::Serialize::serialize(value, serializer),
            },
        }
    });
    let deserialize_arms = u
        .variants
        .iter()
        .filter(|variant| !variant.tags.is_empty())
        .map(|variant| {
            let variant_ident = ident(&variant.ident);
            let tags = &variant.tags;
            quote! {
                #(#tags)|* => #helpers::tagged::variant(&tag, value).map(#name::#variant_ident),
            }
        });
    let accessors = accessor_impl(api, u, &name, &unknown);
    let unknown_doc = format!(
        " A value whose {} the spec does not list, kept as it came so that newer servers still decode.",
        code_span(property)
    );
    quote! {
        #attrs
        #allow
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    #name::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = #helpers::tagged::read(deserializer, #property)?;
                match tag.as_str() {
                    #(#deserialize_arms)*
                    _ => Ok(#name::#unknown(value)),
                }
            }
        }

        #accessors

        #from
    }
}

/// `impl Union { pub fn field(&self) -> Option<&T> }`: one method per field every variant of
/// a polymorphic union has; nothing without accessors.
fn accessor_impl(
    api: &Api,
    u: &UnionDef,
    name: &proc_macro2::Ident,
    unknown: &proc_macro2::Ident,
) -> Option<TokenStream> {
    if u.accessors.is_empty() {
        return None;
    }
    let methods = u.accessors.iter().map(|accessor| {
        let method = ident(&accessor.ident);
        let field = ident(&accessor.field);
        let ty = type_tokens(api, &accessor.ty);
        let read = match (accessor.optional, accessor.boxed) {
            (false, false) => quote! { Some(&value.#field) },
            (false, true) => quote! { Some(&*value.#field) },
            (true, false) => quote! { value.#field.as_ref() },
            (true, true) => quote! { value.#field.as_deref() },
        };
        let arms = u.variants.iter().map(|variant| {
            let variant_ident = ident(&variant.ident);
            quote! { #name::#variant_ident(value) => #read, }
        });
        let absent = if accessor.optional {
            "; `None` when it is absent or the variant is unknown"
        } else {
            "; `None` when the variant is unknown"
        };
        let doc = format!(
            " The {}, whichever variant this is{absent}.",
            code_span(&accessor.wire_name)
        );
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> Option<&#ty> {
                match self {
                    #(#arms)*
                    #name::#unknown(_) => None,
                }
            }
        }
    });
    Some(quote! {
        impl #name {
            #(#methods)*
        }
    })
}

//! `types!`, the macro `src/types/mod.rs` defines and invokes once: for each file, its module
//! and the types re-exported from it, both under the types' feature gate. Written out, each
//! type took the gate twice and four blank-separated items, a sixth of GitHub's crate; in the
//! invocation a file takes one line, `#[cfg(feature = "pets")] pet::{Pet, PetKind},`.
//!
//! The rules repeat (`$(...)*`), which cannot be formatted as the items they expand to, so
//! they are kept here as text, formatted, and printed as they are. The invocation is printed
//! here too, one file to a line, its list of types broken over lines when too wide for one.
//!
//! The gate is matched as the one token tree after `cfg`, not as a `meta` fragment: rustc
//! parses each fragment with its parser, which for GitHub's 2,900 types took 0.4 s of every
//! `cargo check`, whatever features were on. For the same reason the other macros match an
//! attribute as `#` and one token tree, not `#[$attr:meta]`, and the types re-exported are
//! one token tree too: a name, or names in braces.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};

use super::{feature_gate, ident};
use crate::ir::{Api, TypeFile};

/// The macro's name.
pub(super) const NAME: &str = "types";

/// The rules, as they are printed inside `macro_rules! types { ... }`.
pub(super) const RULES: &str = r#"    ($($(#[cfg $gate:tt])? $module:ident::$types:tt,)*) => {
        $(
            $(#[cfg $gate])?
            mod $module;
            $(#[cfg $gate])?
            pub use self::$module::$types;
        )*
    };
"#;

/// The invocation: every type file of `api`, with its types' gate; written as text
/// ([`super::text_items`]) where it can be, as it is printed below.
pub(super) fn invocation(api: &Api) -> TokenStream {
    if super::text_items::are_kept() {
        let mut text = format!("{NAME}! {{\n");
        for file in &api.type_files {
            let defs: Vec<_> = file.types.iter().map(|&id| api.type_def(id)).collect();
            let gate = match defs.first().map(|def| &def.features[..]) {
                None | Some([]) => String::new(),
                Some([feature]) => format!("#[cfg(feature = \"{feature}\")] "),
                Some(features) => {
                    let features: Vec<String> = features
                        .iter()
                        .map(|feature| format!("feature = \"{feature}\""))
                        .collect();
                    format!("#[cfg(any({}))] ", features.join(", "))
                }
            };
            let names: Vec<String> = defs
                .iter()
                .map(|def| ident(&def.ident).to_string())
                .collect();
            print_entry(&mut text, &gate, &ident(&file.module).to_string(), &names);
        }
        text.push_str("}\n");
        if let Some(stand_in) = super::text_items::stand_in(text) {
            return stand_in;
        }
    }
    let name = ident(NAME);
    let entries = api.type_files.iter().map(|file| {
        let gate = file
            .types
            .first()
            .map(|&id| feature_gate(&api.type_def(id).features));
        let module = ident(&file.module);
        let types = reexported(api, file);
        quote! { #gate #module::#types, }
    });
    quote! {
        #name! {
            #(#entries)*
        }
    }
}

/// What a `use` of `file`'s module names: its one type, or its types in braces.
pub(super) fn reexported(api: &Api, file: &TypeFile) -> TokenStream {
    let names: Vec<_> = file
        .types
        .iter()
        .map(|&id| ident(&api.type_def(id).ident))
        .collect();
    match &names[..] {
        [name] => quote! { #name },
        names => quote! { {#(#names),*} },
    }
}

/// An invocation's input: each file's attributes (its gate), module and type names.
struct Input {
    entries: Vec<(Vec<syn::Attribute>, syn::Ident, Vec<syn::Ident>)>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut entries = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(syn::Attribute::parse_outer)?;
            let module: syn::Ident = input.parse()?;
            input.parse::<syn::Token![::]>()?;
            let names = if input.peek(syn::token::Brace) {
                let names;
                syn::braced!(names in input);
                names
                    .parse_terminated(syn::Ident::parse, syn::Token![,])?
                    .into_iter()
                    .collect()
            } else {
                vec![input.parse()?]
            };
            input.parse::<syn::Token![,]>()?;
            entries.push((attrs, module, names));
        }
        Ok(Input { entries })
    }
}

/// The widest line an entry's list of types stays on; wider, one name to a line.
const MARGIN: usize = 100;

/// `item` printed as `types! { entries }`, one entry to a line, when it invokes this macro;
/// `None` otherwise.
pub(super) fn format_invocation(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(NAME) || !item.attrs.is_empty() {
        return None;
    }
    let input: Input = syn::parse2(item.mac.tokens.clone()).ok()?;
    let mut printed = format!("{NAME}! {{\n");
    for (attrs, module, names) in input.entries {
        let mut gate = String::new();
        for attr in attrs {
            gate.push_str("#[");
            print_tokens(attr.meta.to_token_stream(), &mut gate);
            gate.push_str("] ");
        }
        let names: Vec<String> = names.iter().map(ToString::to_string).collect();
        print_entry(&mut printed, &gate, &module.to_string(), &names);
    }
    printed.push_str("}\n");
    Some(printed)
}

/// One file's line of the invocation: its gate (printed, with a space after), module and
/// types, the list broken over lines when too wide for one.
fn print_entry(printed: &mut String, gate: &str, module: &str, names: &[String]) {
    let line_start = printed.len();
    printed.push_str("    ");
    printed.push_str(gate);
    match names {
        [name] => printed.push_str(&format!("{module}::{name},\n")),
        names => {
            let one_line = format!("{module}::{{{}}},", names.join(", "));
            if printed.len() - line_start + one_line.len() <= MARGIN {
                printed.push_str(&one_line);
                printed.push('\n');
            } else {
                printed.push_str(&format!("{module}::{{\n"));
                for name in names {
                    printed.push_str(&format!("        {name},\n"));
                }
                printed.push_str("    },\n");
            }
        }
    }
}

/// Prints a gate's tokens as a person writes them: `any(feature = "a", feature = "b")`.
fn print_tokens(tokens: TokenStream, out: &mut String) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                print_tokens(group.stream(), out);
                out.push_str(close);
            }
            TokenTree::Punct(punct) => match punct.as_char() {
                ',' => out.push_str(", "),
                '=' => out.push_str(" = "),
                other => out.push(other),
            },
            TokenTree::Ident(ident) => out.push_str(&ident.to_string()),
            TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn an_invocation_prints_each_file_on_a_line_with_its_gate() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            types! {
                #[cfg(any(feature = "pets", feature = "stores"))] pet::{Pet, PetKind},
                #[cfg(feature = "pets")] pet_owner::PetOwner,
                r#box::Box2,
                #[cfg(feature = "pets")] pet_owner_with_a_long_name::{
                    PetOwnerWithALongName, PetOwnerWithALongNameAddress, PetOwnerWithALongNameKind
                },
            }
        })
        .expect("the invocation parses");
        let printed = super::format_invocation(&item).expect("it is an invocation of types!");
        assert_eq!(
            printed,
            r#"types! {
    #[cfg(any(feature = "pets", feature = "stores"))] pet::{Pet, PetKind},
    #[cfg(feature = "pets")] pet_owner::PetOwner,
    r#box::Box2,
    #[cfg(feature = "pets")] pet_owner_with_a_long_name::{
        PetOwnerWithALongName,
        PetOwnerWithALongNameAddress,
        PetOwnerWithALongNameKind,
    },
}
"#
        );
    }
}

//! `types!`, the macro `src/types/mod.rs` defines and invokes once: for each type, its
//! module and the type re-exported, both under the type's feature gate. Written out, each type
//! took the gate twice and four blank-separated items, a sixth of GitHub's crate; in the
//! invocation it takes one line, `#[cfg(feature = "pets")] pet::Pet,`.
//!
//! The rules repeat (`$(...)*`), which cannot be formatted as the items they expand to, so
//! they are kept here as text, formatted, and printed as they are. The invocation is printed
//! here too, one type to a line.
//!
//! The gate is matched as the one token tree after `cfg`, not as a `meta` fragment: rustc
//! parses each fragment with its parser, which for GitHub's 2,900 types took 0.4 s of every
//! `cargo check`, whatever features were on. For the same reason the other macros match an
//! attribute as `#` and one token tree, not `#[$attr:meta]`.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};

use super::{feature_gate, ident};
use crate::ir::Api;

/// The macro's name.
pub(super) const NAME: &str = "types";

/// The rules, as they are printed inside `macro_rules! types { ... }`.
pub(super) const RULES: &str = r#"    ($($(#[cfg $gate:tt])? $module:ident::$name:ident,)*) => {
        $(
            $(#[cfg $gate])?
            mod $module;
            $(#[cfg $gate])?
            pub use self::$module::$name;
        )*
    };
"#;

/// The invocation: every type of `api`, with its gate.
pub(super) fn invocation(api: &Api) -> TokenStream {
    let name = ident(NAME);
    let entries = api.types.iter().map(|def| {
        let gate = feature_gate(&def.features);
        let module = ident(&def.module);
        let type_name = ident(&def.ident);
        quote! { #gate #module::#type_name, }
    });
    quote! {
        #name! {
            #(#entries)*
        }
    }
}

/// An invocation's input: each type's attributes (its gate), module and name.
struct Input {
    entries: Vec<(Vec<syn::Attribute>, syn::Ident, syn::Ident)>,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut entries = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(syn::Attribute::parse_outer)?;
            let module: syn::Ident = input.parse()?;
            input.parse::<syn::Token![::]>()?;
            let name: syn::Ident = input.parse()?;
            input.parse::<syn::Token![,]>()?;
            entries.push((attrs, module, name));
        }
        Ok(Input { entries })
    }
}

/// `item` printed as `types! { entries }`, one entry to a line, when it invokes this macro;
/// `None` otherwise.
pub(super) fn format_invocation(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(NAME) || !item.attrs.is_empty() {
        return None;
    }
    let input: Input = syn::parse2(item.mac.tokens.clone()).ok()?;
    let mut printed = format!("{NAME}! {{\n");
    for (attrs, module, name) in input.entries {
        printed.push_str("    ");
        for attr in attrs {
            printed.push_str("#[");
            print_tokens(attr.meta.to_token_stream(), &mut printed);
            printed.push_str("] ");
        }
        printed.push_str(&format!("{module}::{name},\n"));
    }
    printed.push_str("}\n");
    Some(printed)
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
    fn an_invocation_prints_each_type_on_a_line_with_its_gate() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            types! {
                #[cfg(any(feature = "pets", feature = "stores"))] pet::Pet,
                #[cfg(feature = "pets")] pet_kind::PetKind,
                r#box::Box2,
            }
        })
        .expect("the invocation parses");
        let printed = super::format_invocation(&item).expect("it is an invocation of types!");
        assert_eq!(
            printed,
            "types! {\n    #[cfg(any(feature = \"pets\", feature = \"stores\"))] pet::Pet,\n    #[cfg(feature = \"pets\")] pet_kind::PetKind,\n    r#box::Box2,\n}\n"
        );
    }
}

//! Items emit writes as text, put into a file as it is printed.
//!
//! The invocations of the crate's own macros (`object!`, `builder!`, `setters!`,
//! `string_enum!`) are not Rust syntax the printer can format: from tokens, each was parsed
//! back out of them with `syn` and printed as the struct or enum its pieces make, a sixth of
//! generation on GitHub's spec. Written as text from the IR instead, each stands in the file's
//! tokens as `__text_item!(N);`, its number in the thread's list, until
//! [`print_items`](super::print_items) meets it. A tag module's `impl Client` and each
//! builder's `impl Operation`, a few lines per operation, are written as text too, since
//! parsing and printing them was a fifth of generation; so are a struct's constructor and
//! setters, a union's `From` impls, every redacted `Debug` and an operation's alias of a
//! shared error enum. Each falls back to tokens where
//! its text would lay out a line otherwise than the printer. Outside [`placed`], there is no
//! list, and such items are tokens as before.
//!
//! A file is built and printed on one thread (token streams cannot cross threads), so the list
//! is the thread's.

use std::cell::RefCell;

use proc_macro2::{Literal, TokenStream, TokenTree};
use quote::quote;

thread_local! {
    /// The text items of the file [`placed`] is building on this thread, by number.
    static KEPT: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// The name of the macro an item written as text stands in as.
const STAND_IN: &str = "__text_item";

/// Runs `print`, which builds and prints one file on this thread, with text items kept.
pub(super) fn placed<T>(print: impl FnOnce() -> T) -> T {
    let enclosing = KEPT.replace(Some(Vec::new()));
    let printed = print();
    KEPT.set(enclosing);
    printed
}

/// Whether items written as text are kept: inside [`placed`].
pub(super) fn are_kept() -> bool {
    KEPT.with_borrow(Option::is_some)
}

/// The tokens `text` stands in as, or `None` outside [`placed`].
pub(super) fn stand_in(text: String) -> Option<TokenStream> {
    KEPT.with_borrow_mut(|kept| {
        let kept = kept.as_mut()?;
        kept.push(text);
        let key = Literal::usize_unsuffixed(kept.len() - 1);
        let name = super::ident(STAND_IN);
        Some(quote! { #name!(#key); })
    })
}

/// The text `item` stands for, when it is a stand-in.
pub(super) fn take(item: &syn::ItemMacro) -> Option<String> {
    if !item.mac.path.is_ident(STAND_IN) {
        return None;
    }
    let mut tokens = item.mac.tokens.clone().into_iter();
    let (Some(TokenTree::Literal(key)), None) = (tokens.next(), tokens.next()) else {
        return None;
    };
    let key: usize = key.to_string().parse().ok()?;
    KEPT.with_borrow_mut(|kept| kept.as_mut()?.get_mut(key).map(std::mem::take))
}

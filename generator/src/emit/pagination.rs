//! A paginated operation's builder: the runtime's `Paginate` (where a page's items are, what
//! asks for the next one and how to set it), and `pages()`, `items()` and their blocking forms
//! from the runtime's `paging_methods!`; and the README's words on it.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_text, type_tokens};
use crate::ir::{Api, FieldStep, FieldWrap, Operation, PageStyle, Pagination};
use crate::naming::builder;

/// The `Paginate` impl and the paging methods of a paginated operation's builder; nothing
/// for another.
pub(super) fn builder_paging(api: &Api, op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return TokenStream::new();
    };
    let builder_name = ident(&op.builder_ident);
    let item = type_tokens(api, &pagination.item);
    let (cursor, next, set) = style_tokens(api, op, pagination);
    let page_items = items_borrowed(&pagination.items);
    let into_items = items_owned(&pagination.items);
    let how = format!(" {}", how_text(op, pagination));
    quote! {
        paging_methods!(#builder_name, #how);

        impl ::apiforge_runtime::paginate::Paginate for #builder_name<'_> {
            type Item = #item;
            type Cursor = #cursor;

            fn page_items(page: &Self::Output) -> &[Self::Item] {
                #page_items
            }

            fn into_page_items(page: Self::Output) -> Vec<Self::Item> {
                #into_items
            }

            #next

            #set
        }
    }
}

/// The cursor's type, `next_cursor` and `set_cursor` (absent for a link, which the runtime
/// follows itself).
fn style_tokens(
    api: &Api,
    op: &Operation,
    pagination: &Pagination,
) -> (TokenStream, TokenStream, TokenStream) {
    let items =
        quote! { <Self as ::apiforge_runtime::paginate::Paginate>::page_items(page.body()) };
    let (param, next, uses_page) = match &pagination.style {
        PageStyle::Cursor { param, next } => {
            let cursor = cursor_call(borrowed(quote! { page.body() }, next));
            (*param, cursor, true)
        }
        PageStyle::LastItem {
            param,
            has_more,
            id,
        } => {
            let last = Access::Option(quote! { #items.last() });
            let cursor = cursor_call(last.then(id, false));
            let next = match has_more {
                Some(path) => {
                    let more = match borrowed(quote! { page.body() }, path) {
                        Access::Place(place) => place,
                        Access::Option(option) => quote! { #option.is_some_and(|more| *more) },
                    };
                    quote! { if #more { #cursor } else { None } }
                }
                None => cursor,
            };
            (*param, next, true)
        }
        PageStyle::PageNumber { param, first } => {
            let current = current(op, *param);
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            (
                *param,
                quote! { ::apiforge_runtime::paginate::step(#current, #first, 1) },
                false,
            )
        }
        PageStyle::Offset { param } => {
            let current = current(op, *param);
            (
                *param,
                quote! { ::apiforge_runtime::paginate::step(#current, 0, #items.len()) },
                true,
            )
        }
        PageStyle::Link => {
            let next = next_fn(
                quote! { ::apiforge_runtime::paginate::NextLink::find(page.headers()) },
                true,
            );
            return (
                quote! { ::apiforge_runtime::paginate::NextLink },
                next,
                TokenStream::new(),
            );
        }
    };
    let param = op.param(param);
    let field = ident(&param.ident);
    let value = if param.required {
        quote! { cursor }
    } else {
        quote! { Some(cursor) }
    };
    (
        type_tokens(api, &param.ty),
        next_fn(next, uses_page),
        quote! {
            fn set_cursor(&mut self, cursor: Self::Cursor) {
                self.#field = #value;
            }
        },
    )
}

fn next_fn(body: TokenStream, uses_page: bool) -> TokenStream {
    let page = if uses_page {
        quote! { page }
    } else {
        quote! { _page }
    };
    quote! {
        fn next_cursor(&self, #page: &::apiforge_runtime::Response<Self::Output, Self::Headers>) -> Option<Self::Cursor> {
            #body
        }
    }
}

/// The request's value of a page-number or offset parameter, as an `Option`.
fn current(op: &Operation, param: crate::ir::ParamId) -> TokenStream {
    let param = op.param(param);
    let field = ident(&param.ident);
    if param.required {
        quote! { Some(self.#field) }
    } else {
        quote! { self.#field }
    }
}

fn cursor_call(access: Access) -> TokenStream {
    match access {
        Access::Place(place) => quote! { ::apiforge_runtime::paginate::cursor(Some(&#place)) },
        Access::Option(option) => quote! { ::apiforge_runtime::paginate::cursor(#option) },
    }
}

/// A value reached through fields: always there (a place), or an `Option`.
enum Access {
    Place(TokenStream),
    Option(TokenStream),
}

impl Access {
    /// One field further, borrowed (`Option<&T>` once an option is met) or moved.
    fn then(self, step: &FieldStep, owned: bool) -> Access {
        let field = ident(&step.ident);
        match (self, step.wrap, owned) {
            (Access::Place(p), FieldWrap::Plain, _) => Access::Place(quote! { #p.#field }),
            (Access::Place(p), FieldWrap::Option, false) => {
                Access::Option(quote! { #p.#field.as_ref() })
            }
            (Access::Place(p), FieldWrap::DoubleOption, false) => {
                Access::Option(quote! { #p.#field.as_ref().and_then(Option::as_ref) })
            }
            (Access::Place(p), FieldWrap::Option, true) => Access::Option(quote! { #p.#field }),
            (Access::Place(p), FieldWrap::DoubleOption, true) => {
                Access::Option(quote! { #p.#field.flatten() })
            }
            (Access::Option(o), FieldWrap::Plain, false) => {
                Access::Option(quote! { #o.map(|value| &value.#field) })
            }
            (Access::Option(o), FieldWrap::Option, false) => {
                Access::Option(quote! { #o.and_then(|value| value.#field.as_ref()) })
            }
            (Access::Option(o), FieldWrap::DoubleOption, false) => Access::Option(
                quote! { #o.and_then(|value| value.#field.as_ref()).and_then(Option::as_ref) },
            ),
            (Access::Option(o), FieldWrap::Plain, true) => {
                Access::Option(quote! { #o.map(|value| value.#field) })
            }
            (Access::Option(o), FieldWrap::Option, true) => {
                Access::Option(quote! { #o.and_then(|value| value.#field) })
            }
            (Access::Option(o), FieldWrap::DoubleOption, true) => {
                Access::Option(quote! { #o.and_then(|value| value.#field).flatten() })
            }
        }
    }
}

fn borrowed(base: TokenStream, steps: &[FieldStep]) -> Access {
    steps
        .iter()
        .fold(Access::Place(base), |access, step| access.then(step, false))
}

/// `&[Item]` from `page: &Page`: the last field is dereferenced to a slice where it is read.
fn items_borrowed(steps: &[FieldStep]) -> TokenStream {
    let Some((last, before)) = steps.split_last() else {
        return quote! { page.as_slice() };
    };
    let field = ident(&last.ident);
    let slice = |value: TokenStream| match last.wrap {
        FieldWrap::Plain => (quote! { #value.#field.as_slice() }, false),
        FieldWrap::Option => (quote! { #value.#field.as_deref() }, true),
        FieldWrap::DoubleOption => (
            quote! { #value.#field.as_ref().and_then(Option::as_deref) },
            true,
        ),
    };
    let (items, optional) = match borrowed(quote! { page }, before) {
        Access::Place(place) => slice(place),
        Access::Option(option) => {
            let (items, optional) = slice(quote! { value });
            let items = if optional {
                quote! { #option.and_then(|value| #items) }
            } else {
                quote! { #option.map(|value| #items) }
            };
            (items, true)
        }
    };
    if optional {
        quote! { #items.unwrap_or_default() }
    } else {
        items
    }
}

/// `Vec<Item>` from `page: Page`.
fn items_owned(steps: &[FieldStep]) -> TokenStream {
    let access = steps
        .iter()
        .fold(Access::Place(quote! { page }), |access, step| {
            access.then(step, true)
        });
    match access {
        Access::Place(place) => place,
        Access::Option(option) => quote! { #option.unwrap_or_default() },
    }
}

/// How the next page is asked for, as a sentence for docs.
fn how_text(op: &Operation, pagination: &Pagination) -> String {
    let path = |steps: &[FieldStep]| {
        steps
            .iter()
            .map(|s| s.ident.as_str())
            .collect::<Vec<_>>()
            .join(".")
    };
    let param = |id| format!("`{}`", op.param(id).wire_name);
    match &pagination.style {
        PageStyle::Cursor { param: id, next } => format!(
            "The next page is asked for by sending the page's `{}` as {}.",
            path(next),
            param(*id)
        ),
        PageStyle::LastItem {
            param: id,
            has_more,
            id: field,
        } => {
            let more = has_more
                .as_ref()
                .map(|more| format!(" while `{}` is true", path(more)))
                .unwrap_or_default();
            format!(
                "The next page is asked for by sending the last item's `{}` as {}{more}.",
                field.ident,
                param(*id)
            )
        }
        PageStyle::PageNumber { param: id, first } => format!(
            "Pages are numbered by {} (the first is {first}), until a page is empty.",
            param(*id)
        ),
        PageStyle::Offset { param: id } => format!(
            "Each page moves {} on by its number of items, until a page is empty.",
            param(*id)
        ),
        PageStyle::Link => {
            "The next page is the `Link` header's `rel=\"next\"` URL, on the base URL's origin only."
                .to_owned()
        }
    }
}

/// The README's `Pagination` part of an operation, when it has one.
pub(super) fn readme_section(api: &Api, op: &Operation, out: &mut String) -> std::fmt::Result {
    let Some(pagination) = &op.pagination else {
        return Ok(());
    };
    writeln!(out, "#### Pagination\n")?;
    writeln!(
        out,
        "{} `.{}()` streams the pages (each a `Response` with its status and headers), `.{}()` every `{}`; with the `blocking` feature, `.{}()` and `.{}()` iterate. Every parameter of the first request is kept on each page.\n",
        how_text(op, pagination),
        builder::PAGES,
        builder::ITEMS,
        type_text(api, &pagination.item),
        builder::PAGES_BLOCKING,
        builder::ITEMS_BLOCKING,
    )?;
    Ok(())
}

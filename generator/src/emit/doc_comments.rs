//! Doc comments, put into a file once it is printed.
//!
//! Docs are most of a big spec's text. As `#[doc = "line"]` tokens, each line would be escaped
//! into a literal, parsed back out of it twice, and printed as a comment: a tenth of
//! generation on GitHub's spec. Instead, while [`placed`] builds and prints a file, its doc
//! lines are kept aside, each standing in the tokens as `#[doc = N]`, its number in the file's
//! list; once the file is printed, each such line becomes the `/// line` comment the printer
//! would have written (`//!` for `#![doc = N]`). Where the printer writes a macro's tokens as
//! they are, wrapping them to its width, [`literal_docs`] first puts the lines back as the
//! literals they stand for. Outside [`placed`], docs are plain literals.
//!
//! A file is built and printed on one thread (token streams cannot cross threads), so the list
//! is the thread's.

use std::cell::RefCell;

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use quote::quote;

thread_local! {
    /// The doc lines of the file [`placed`] is building on this thread, by number.
    static KEPT: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// `#[doc = ...]` per line, printed as `/// line`.
pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let values = values(lines);
    quote! { #(#[doc = #values])* }
}

/// `#![doc = ...]` per line: a module's own docs, printed as `//! line`.
pub(super) fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let values = values(lines);
    quote! { #(#![doc = #values])* }
}

/// `#[doc = N]` per line, as the printer writes the attribute, for text written around the
/// printer; `None` outside [`placed`], where there is no list to keep the lines in.
pub(super) fn attr_lines(lines: &[String]) -> Option<Vec<String>> {
    KEPT.with_borrow_mut(|kept| {
        let kept = kept.as_mut()?;
        Some(
            lines
                .iter()
                .map(|line| {
                    kept.push(line.clone());
                    format!("#[doc = {}]", kept.len() - 1)
                })
                .collect(),
        )
    })
}

/// Each line's number in the list being kept, or outside [`placed`], its literal.
fn values(lines: &[String]) -> Vec<Literal> {
    KEPT.with_borrow_mut(|kept| match kept {
        Some(kept) => lines
            .iter()
            .map(|line| {
                kept.push(line.clone());
                Literal::usize_unsuffixed(kept.len() - 1)
            })
            .collect(),
        None => lines
            .iter()
            .map(|line| Literal::string(&doc_text(line)))
            .collect(),
    })
}

/// `tokens` with each doc attribute that stands for a kept line holding the line's literal,
/// for a printer that writes tokens as they are.
pub(super) fn literal_docs(tokens: TokenStream) -> TokenStream {
    KEPT.with_borrow(|kept| match kept {
        Some(kept) => with_literals(tokens, kept),
        None => tokens,
    })
}

fn with_literals(tokens: TokenStream, kept: &[String]) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let stream = match kept_line(&group, kept) {
                    Some(line) => quote! { doc = #line },
                    None => with_literals(group.stream(), kept),
                };
                let mut replaced = Group::new(group.delimiter(), stream);
                replaced.set_span(group.span());
                TokenTree::Group(replaced)
            }
            other => other,
        })
        .collect()
}

/// The literal of the kept line that `[doc = N]` stands for.
fn kept_line(group: &Group, kept: &[String]) -> Option<Literal> {
    if group.delimiter() != Delimiter::Bracket {
        return None;
    }
    let mut trees = group.stream().into_iter();
    let (
        Some(TokenTree::Ident(doc)),
        Some(TokenTree::Punct(eq)),
        Some(TokenTree::Literal(key)),
        None,
    ) = (trees.next(), trees.next(), trees.next(), trees.next())
    else {
        return None;
    };
    if doc != "doc" || eq.as_char() != '=' {
        return None;
    }
    let line = kept.get(key.to_string().parse::<usize>().ok()?)?;
    Some(Literal::string(&doc_text(line)))
}

/// Runs `print`, which builds and prints one file on this thread, and puts into what it
/// printed the doc lines kept meanwhile.
pub(super) fn placed(print: impl FnOnce() -> Result<String, String>) -> Result<String, String> {
    let enclosing = KEPT.replace(Some(Vec::new()));
    let printed = print();
    let lines = KEPT.replace(enclosing).unwrap_or_default();
    place(&printed?, &lines)
}

/// `printed` with each `#[doc = N]` replaced by line `N` of `lines`: as a comment on a line of
/// its own, as the printer writes an attribute before an item or field, and as the literal it
/// stands for anywhere else (in a macro's tokens printed as they are).
fn place(printed: &str, lines: &[String]) -> Result<String, String> {
    let line_of = |key: usize| {
        lines
            .get(key)
            .map(|line| doc_text(line))
            .ok_or_else(|| format!("internal error: doc line {key} was never kept"))
    };
    let extra: usize = lines.iter().map(|line| line.len() + 4).sum();
    let mut out = String::with_capacity(printed.len() + extra);
    for line in printed.split_inclusive('\n') {
        if !line.contains("doc = ") {
            out.push_str(line);
            continue;
        }
        let content = line.trim_end_matches('\n');
        let body = content.trim_start_matches(' ');
        if let Some((style, key, "")) = key_at(body) {
            out.push_str(&content[..content.len() - body.len()]);
            out.push_str(match style {
                Style::Outer => "///",
                Style::Inner => "//!",
            });
            out.push_str(line_of(key)?.trim_end_matches(' '));
            out.push_str(&line[content.len()..]);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find('#') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            match key_at(rest) {
                Some((style, key, after)) => {
                    out.push_str(match style {
                        Style::Outer => "#[doc = ",
                        Style::Inner => "#![doc = ",
                    });
                    out.push_str(&Literal::string(&line_of(key)?).to_string());
                    out.push(']');
                    rest = after;
                }
                None => {
                    out.push('#');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Style {
    Outer,
    Inner,
}

/// The doc attribute standing for a kept line at the start of `text`, with the text after it.
fn key_at(text: &str) -> Option<(Style, usize, &str)> {
    let (style, rest) = if let Some(rest) = text.strip_prefix("#[doc = ") {
        (Style::Outer, rest)
    } else {
        (Style::Inner, text.strip_prefix("#![doc = ")?)
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let key = rest[..digits].parse().ok()?;
    let after = rest[digits..].strip_prefix(']')?;
    Some((style, key, after))
}

/// A doc line as the attribute's value: after a space, so that the comment reads `/// line`,
/// and empty for a blank line. A line break or a hidden character, which lowering already
/// escapes, is shown escaped here too: a line break could start a code block rustdoc would
/// run, and a text-direction control would not even compile.
fn doc_text(line: &str) -> String {
    let text = if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    };
    if text.chars().any(crate::lower::docs::is_hidden_control) {
        crate::lower::one_line(&text)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// `tokens`, built as one file, printed with its doc lines placed.
    fn printed(tokens: impl FnOnce() -> proc_macro2::TokenStream) -> String {
        super::placed(|| {
            let file: syn::File = syn::parse2(tokens()).map_err(|e| e.to_string())?;
            Ok(super::super::print_items(file))
        })
        .expect("placed")
    }

    #[test]
    fn kept_lines_print_as_the_comments_the_printer_writes() {
        let lines = |lines: &[&str]| -> Vec<String> { lines.iter().map(|&l| l.into()).collect() };
        let text = printed(|| {
            let module = super::inner_doc_attrs(&lines(&["The module.", "", "More  "]));
            let item = super::doc_attrs(&lines(&["A struct, with \"quotes\" and \\."]));
            let field = super::doc_attrs(&lines(&["A field."]));
            quote! {
                #module
                #item
                pub struct S {
                    #field
                    pub f: u8,
                }
            }
        });
        assert_eq!(
            text,
            "//! The module.\n//!\n//! More\n\n/// A struct, with \"quotes\" and \\.\npub struct S {\n    /// A field.\n    pub f: u8,\n}\n"
        );
    }

    #[test]
    fn hidden_characters_are_shown_escaped() {
        let text = printed(|| {
            super::doc_attrs(&[" a\u{202e}b\nc".to_owned()])
                .into_iter()
                .chain(quote! { pub struct S; })
                .collect()
        });
        assert_eq!(text, "///  a\\u{202e}b\\nc\npub struct S;\n");
    }

    #[test]
    fn a_macro_printed_as_tokens_gets_its_docs_back_as_literals() {
        let lines = ["A \"quoted\" line.".to_owned(), String::new()];
        let inside = super::placed(|| {
            let docs = super::doc_attrs(&lines);
            Ok(super::literal_docs(quote! { m! { #docs x } }).to_string())
        });
        let docs = super::doc_attrs(&lines);
        let outside = quote! { m! { #docs x } }.to_string();
        assert_eq!(inside.as_deref(), Ok(outside.as_str()));
        assert_eq!(
            outside,
            "m ! { # [doc = \" A \\\"quoted\\\" line.\"] # [doc = \"\"] x }"
        );
    }

    #[test]
    fn a_key_inside_a_line_becomes_the_literal_it_stands_for() {
        let text = super::place(
            "m! { #[doc = 0] #[doc = 1] #![doc = 0] x }\n# [doc = 2]\n",
            &["Say \"hi\"".to_owned(), String::new()],
        )
        .expect("placed");
        assert_eq!(
            text,
            "m! { #[doc = \" Say \\\"hi\\\"\"] #[doc = \"\"] #![doc = \" Say \\\"hi\\\"\"] x }\n# [doc = 2]\n"
        );
        assert!(super::place("#[doc = 3]\n", &[]).is_err());
    }
}

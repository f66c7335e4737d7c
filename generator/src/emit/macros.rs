//! Printing macros the way a person would write them. The printer leaves a macro's tokens as
//! one run: here a `macro_rules!` definition has each rule's body printed as the items it
//! expands to (its `$variables` standing in as plain names while it is formatted), and an
//! invocation whose arguments are types has each printed as a type.

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// The macros whose rules repeat (`$(...)*`), which cannot be formatted as the items they
/// expand to: each is kept as formatted text, by name, and printed as it is.
const TEXT_RULES: [(&str, &str); 5] = [
    (super::builder::NAME, super::builder::RULES),
    (super::string_enum::NAME, super::string_enum::RULES),
    (super::object::NAME, super::object::RULES),
    (super::setters::NAME, super::setters::RULES),
    (super::type_modules::NAME, super::type_modules::RULES),
];

/// The definition of the macro `name` whose rules are kept as text, with `attrs` (its docs
/// and feature gate) on it.
pub(super) fn text_definition(name: &str, attrs: TokenStream) -> TokenStream {
    let rules = TEXT_RULES
        .iter()
        .find(|(text_name, _)| *text_name == name)
        .map_or("", |(_, rules)| rules);
    let name = super::ident(name);
    // The texts are the emit modules' own, and parse: `text_rules_parse` checks them.
    let rules: TokenStream = rules.parse().unwrap_or_default();
    quote::quote! {
        #attrs
        macro_rules! #name {
            #rules
        }
    }
}

/// `item` printed with its rules formatted, when it is a `macro_rules!` whose rules are
/// `(matcher) => { items };` or kept as text; anything else is handed back for the printer to
/// print as usual.
pub(super) fn format(mut item: syn::ItemMacro) -> Result<String, Box<syn::ItemMacro>> {
    let text = TEXT_RULES
        .iter()
        .find(|(name, _)| item.ident.as_ref().is_some_and(|ident| ident == name));
    let rules = match (item.mac.path.is_ident("macro_rules"), text) {
        (true, Some((_, rules))) => Some((*rules).to_owned()),
        (true, None) => format_rules(item.mac.tokens.clone()),
        (false, _) => None,
    };
    let Some(rules) = rules else {
        return Err(Box::new(item));
    };
    item.mac.tokens = TokenStream::new();
    let head = super::print(Vec::new(), vec![syn::Item::Macro(item)]);
    // The printer writes an empty macro as `name! {}`: the rules go between the braces.
    let open = head.trim_end().strip_suffix("{}").unwrap_or(&head);
    Ok(format!("{open}{{\n{rules}}}\n"))
}

/// The rules, each formatted; `None` unless each is `(matcher) => { items }`.
fn format_rules(tokens: TokenStream) -> Option<String> {
    let mut rules = String::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(matcher) = tokens.next() {
        let TokenTree::Group(matcher) = matcher else {
            return None;
        };
        let arrow = (tokens.next(), tokens.next());
        let (Some(TokenTree::Punct(eq)), Some(TokenTree::Punct(gt))) = arrow else {
            return None;
        };
        if eq.as_char() != '=' || gt.as_char() != '>' {
            return None;
        }
        let Some(TokenTree::Group(body)) = tokens.next() else {
            return None;
        };
        if let Some(TokenTree::Punct(semi)) = tokens.peek()
            && semi.as_char() == ';'
        {
            tokens.next();
        }
        rules.push_str(&format_rule(&matcher.stream(), &body.stream())?);
    }
    Some(rules)
}

/// The widest line an invocation is written on before its arguments wrap (rustfmt's).
const MAX_WIDTH: usize = 100;

/// `item` printed as `name!(Type, Type);` when it invokes a macro with types for arguments,
/// or as `name! { items }` when its input is items; anything else is handed back.
pub(super) fn format_invocation(item: syn::ItemMacro) -> Result<String, Box<syn::ItemMacro>> {
    use syn::parse::Parser as _;
    if let Some(printed) = super::object::format_invocation(&item)
        .or_else(|| super::builder::format_invocation(&item))
        .or_else(|| super::setters::format_invocation(&item))
        .or_else(|| super::type_modules::format_invocation(&item))
    {
        return Ok(printed);
    }
    if let (syn::MacroDelimiter::Brace(_), Some(name)) =
        (&item.mac.delimiter, item.mac.path.get_ident())
        && item.attrs.is_empty()
        && let Ok(file) = syn::parse2::<syn::File>(item.mac.tokens.clone())
    {
        let mut out = format!("{name}! {{\n");
        for line in super::print_items(file).lines() {
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
            out.push('\n');
        }
        out.push_str("}\n");
        return Ok(out);
    }
    let parser = syn::punctuated::Punctuated::<syn::Type, syn::Token![,]>::parse_terminated;
    let arguments = match (&item.ident, item.mac.path.get_ident(), &item.mac.delimiter) {
        (None, Some(_), syn::MacroDelimiter::Paren(_)) if item.attrs.is_empty() => {
            parser.parse2(item.mac.tokens.clone()).ok()
        }
        _ => None,
    };
    let (Some(arguments), Some(name)) = (arguments, item.mac.path.get_ident()) else {
        return Err(Box::new(item));
    };
    let Some(printed) = arguments.iter().map(print_type).collect::<Option<Vec<_>>>() else {
        return Err(Box::new(item));
    };
    let one_line = format!("{name}!({});\n", printed.join(", "));
    if one_line.len() <= MAX_WIDTH {
        return Ok(one_line);
    }
    // Arguments packed onto indented lines, as many to a line as fit.
    let mut out = format!("{name}!(\n");
    let mut line = String::new();
    for (index, argument) in printed.iter().enumerate() {
        let piece = if index + 1 < printed.len() {
            format!("{argument},")
        } else {
            argument.clone()
        };
        if !line.is_empty() && 4 + line.len() + 1 + piece.len() > MAX_WIDTH {
            out.push_str(&format!("    {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push_str(&format!("    {line}\n);\n"));
    Ok(out)
}

/// `ty` as the printer writes it, when that fits on one line.
pub(super) fn print_type(ty: &syn::Type) -> Option<String> {
    let text = super::print(Vec::new(), vec![syn::parse_quote! { type T = #ty; }]);
    let ty = text
        .trim_end()
        .strip_prefix("type T = ")
        .and_then(|t| t.strip_suffix(';'))?;
    (!ty.contains('\n')).then(|| ty.to_owned())
}

/// The width past which the printer breaks a type with generic arguments over lines
/// (prettyplease's margin); a line no wider stays whole.
pub(super) const PRINTER_MARGIN: usize = 89;

/// `ty` as the printer writes it on one line, for a type made of paths, generic arguments and
/// `()` (`Option<::std::collections::BTreeMap<String, crate::types::Pet>>`); `None` for any
/// other, which only the printer spells.
pub(super) fn type_text(ty: TokenStream) -> Option<String> {
    let mut out = String::new();
    let mut after_word = false;
    for tree in ty {
        let word = matches!(tree, TokenTree::Ident(_));
        match tree {
            TokenTree::Ident(ident) if !after_word => out.push_str(&ident.to_string()),
            TokenTree::Punct(punct) => match punct.as_char() {
                c @ (':' | '<' | '>') => out.push(c),
                ',' => out.push_str(", "),
                _ => return None,
            },
            TokenTree::Group(group)
                if group.delimiter() == proc_macro2::Delimiter::Parenthesis
                    && group.stream().is_empty() =>
            {
                out.push_str("()");
            }
            _ => return None,
        }
        after_word = word;
    }
    Some(out)
}

/// `#[derive(...)]` with `derives` as the printer writes it; `None` for no derives (the token
/// path writes no attribute then), a derive that is not a plain path, or a line too wide for
/// the printer to keep whole.
pub(super) fn derive_text(derives: &[String]) -> Option<String> {
    let is_word = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let is_path = |path: &String| {
        !path.is_empty()
            && path
                .split("::")
                .enumerate()
                .all(|(at, part)| (at == 0 && part.is_empty()) || is_word(part))
    };
    let derive = format!("#[derive({})]", derives.join(", "));
    (!derives.is_empty() && derives.iter().all(is_path) && derive.len() <= PRINTER_MARGIN)
        .then_some(derive)
}

/// A field of an invocation written as text ([`invocation_text`]).
pub(super) struct TextField<'a> {
    pub(super) docs: &'a [String],
    pub(super) public: bool,
    pub(super) ident: &'a str,
    /// Its type's tokens, rebased.
    pub(super) ty: TokenStream,
    /// What the invocation writes after the type (` = required("id")`), if anything.
    pub(super) suffix: String,
    /// Whether `..` comes before it: `object!`'s map of the properties a schema does not
    /// declare.
    pub(super) after_dots: bool,
}

/// The invocation of `name` that [`struct_invocation`] prints for a struct, written from its
/// parts: `derive` (a whole attribute) and the doc lines on it, `head` where the struct has
/// `struct Name`, and the fields. `None` outside a file whose text items and doc lines are
/// kept, or where only the printer can spell a field's type.
pub(super) fn invocation_text(
    name: &str,
    derive: Option<&str>,
    docs: &[String],
    head: &str,
    fields: Vec<TextField<'_>>,
) -> Option<String> {
    if !super::text_items::are_kept() {
        return None;
    }
    // Every type is spelled before any doc line is kept.
    let types: Vec<String> = fields
        .iter()
        .map(|field| type_text(field.ty.clone()))
        .collect::<Option<_>>()?;
    let mut out = format!("{name}! {{\n");
    if let Some(derive) = derive {
        out.push_str(&format!("    {derive}\n"));
    }
    for line in super::doc_comments::attr_lines(docs)? {
        out.push_str(&format!("    {line}\n"));
    }
    if fields.is_empty() {
        out.push_str(&format!("    {head} {{}}\n}}\n"));
        return Some(out);
    }
    out.push_str(&format!("    {head} {{\n"));
    for (field, text) in fields.into_iter().zip(types) {
        if field.after_dots {
            out.push_str("        ..\n");
        }
        for line in super::doc_comments::attr_lines(field.docs)? {
            out.push_str(&format!("        {line}\n"));
        }
        let lines = field_lines(field.public, field.ident, field.ty, &text);
        // The suffix goes after the type, on the field's last line, before its comma.
        let lines = lines.trim_end_matches('\n');
        let (first, last) = lines.rsplit_once('\n').unwrap_or(("", lines));
        for line in first.lines() {
            out.push_str(&format!("    {line}\n"));
        }
        let last = last.strip_suffix(',').unwrap_or(last);
        out.push_str(&format!("    {last}{},\n", field.suffix));
    }
    out.push_str("    }\n}\n");
    Some(out)
}

/// The lines of the field `pub name: ty,` (or `name: ty,`) as the printer writes them in a
/// struct at the top level, four spaces in, each ending in a line break; `text` is `ty` as
/// [`type_text`] spells it.
pub(super) fn field_lines(public: bool, name: &str, ty: TokenStream, text: &str) -> String {
    let vis = if public { "pub " } else { "" };
    let line = format!("    {vis}{name}: {text},\n");
    if line.len() - 1 <= PRINTER_MARGIN {
        return line;
    }
    let name = super::ident(name);
    let vis = public.then(|| quote::quote! { pub });
    let Ok(item) = syn::parse2::<syn::Item>(quote::quote! { struct S { #vis #name: #ty } }) else {
        return line;
    };
    let printed = super::print(Vec::new(), vec![item]);
    let lines: Vec<&str> = printed.lines().collect();
    match lines.as_slice() {
        [_, field @ .., _] => field.iter().map(|line| format!("{line}\n")).collect(),
        _ => line,
    }
}

/// One rule, `    (matcher) => {\n        items\n    };\n`.
fn format_rule(matcher: &TokenStream, body: &TokenStream) -> Option<String> {
    let mut variables = Vec::new();
    let matcher = format_matcher(matcher, &mut variables)?;
    if variables.iter().any(|name| mentions(body, &stand_in(name))) {
        return None;
    }
    let file: syn::File = syn::parse2(with_stand_ins(body.clone(), &variables)).ok()?;
    let mut items = super::print_items(file);
    for name in &variables {
        items = replace_word(&items, &stand_in(name), &format!("${name}"));
    }
    let mut out = format!("    ({matcher}) => {{\n");
    for line in items.lines() {
        if !line.is_empty() {
            out.push_str("        ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("    };\n");
    Some(out)
}

/// The matcher as written (`$builder:ident, $how:literal`), its variables' names collected.
fn format_matcher(matcher: &TokenStream, variables: &mut Vec<String>) -> Option<String> {
    let mut out = String::new();
    let mut tokens = matcher.clone().into_iter();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(dollar) if dollar.as_char() == '$' => {
                let (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(colon))) =
                    (tokens.next(), tokens.next())
                else {
                    return None;
                };
                let Some(TokenTree::Ident(fragment)) = tokens.next() else {
                    return None;
                };
                if colon.as_char() != ':' {
                    return None;
                }
                variables.push(name.to_string());
                out.push_str(&format!("${name}:{fragment}"));
            }
            TokenTree::Punct(comma) if comma.as_char() == ',' => out.push_str(", "),
            _ => return None,
        }
    }
    Some(out)
}

/// `body` with each `$name` of `variables` replaced by a plain identifier, so that it parses
/// as the items it expands to.
fn with_stand_ins(body: TokenStream, variables: &[String]) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = body.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(dollar)
                if dollar.as_char() == '$' && dollar.spacing() == Spacing::Alone =>
            {
                match tokens.peek() {
                    Some(TokenTree::Ident(name)) if variables.contains(&name.to_string()) => {
                        let name = name.to_string();
                        tokens.next();
                        out.push(TokenTree::Ident(proc_macro2::Ident::new(
                            &stand_in(&name),
                            proc_macro2::Span::call_site(),
                        )));
                    }
                    _ => out.push(TokenTree::Punct(dollar)),
                }
            }
            TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(
                    group.delimiter(),
                    with_stand_ins(group.stream(), variables),
                );
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The plain name `$name` stands in as: as long as it, so that lines break where they will
/// once it is back.
fn stand_in(name: &str) -> String {
    format!("_{name}")
}

/// `tokens` has the identifier `word` somewhere.
fn mentions(tokens: &TokenStream, word: &str) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == word,
        TokenTree::Group(group) => mentions(&group.stream(), word),
        _ => false,
    })
}

/// `text` with each `word` that is a whole identifier (not part of a longer one) replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `name! { item }`, the struct `item` printed with `suffixes[i]` after its field `i` (before
/// the comma) and, when `rest_at` is the index of a field, `..` on a line before that field:
/// the shape of an invocation that writes a struct's fields with something after each.
pub(super) fn struct_invocation(
    name: &str,
    mut item: syn::ItemStruct,
    suffixes: &[String],
    rest_at: Option<usize>,
) -> String {
    syn::visit_mut::visit_item_struct_mut(&mut super::OneLineDocs, &mut item);
    let printed = super::print(Vec::new(), vec![syn::Item::Struct(item)]);
    // A field ends on the first line at the fields' depth that ends with a comma and is not a
    // doc comment or an attribute; the next field starts on the line after.
    let mut out = format!("{name}! {{\n");
    let mut field = 0;
    let mut in_body = false;
    let mut field_start = true;
    for line in printed.lines() {
        let at_depth = in_body && line.starts_with("    ") && !line.starts_with("     ");
        if at_depth && field_start && rest_at == Some(field) {
            out.push_str("        ..\n");
            field_start = false;
        }
        out.push_str("    ");
        let text = line.trim_start();
        let ends_field =
            at_depth && line.ends_with(',') && !text.starts_with("///") && !text.starts_with("#[");
        match suffixes.get(field).filter(|_| ends_field) {
            Some(suffix) => {
                out.push_str(&line[..line.len() - 1]);
                out.push_str(suffix);
                out.push(',');
            }
            None => out.push_str(line),
        }
        if ends_field {
            field += 1;
            field_start = true;
        }
        out.push('\n');
        in_body |= line.starts_with("pub struct ") || line.starts_with("struct ");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_rules_parse() {
        for (name, rules) in super::TEXT_RULES {
            assert!(rules.parse::<proc_macro2::TokenStream>().is_ok(), "{name}");
        }
    }

    use quote::quote;

    #[test]
    fn a_rule_body_is_printed_as_the_items_it_expands_to() {
        let item: syn::ItemMacro = syn::parse2(quote! {
            /// Adds `answer`.
            macro_rules! answer {
                ($name:ident, $value:ty) => {
                    impl $name { #[doc = $value] pub fn answer(&self) -> $value { 42 } }
                };
            }
        })
        .unwrap();
        let Ok(text) = super::format(item) else {
            panic!("a macro_rules! definition is formatted");
        };
        assert_eq!(
            text,
            "/// Adds `answer`.\nmacro_rules! answer {\n    ($name:ident, $value:ty) => {\n        impl $name {\n            #[doc = $value]\n            pub fn answer(&self) -> $value {\n                42\n            }\n        }\n    };\n}\n"
        );
    }

    #[test]
    fn an_invocation_with_types_prints_them_as_types() {
        let item: syn::ItemMacro =
            syn::parse2(quote! { methods!(Get, Vec<crate::types::Pet>, (), Error); }).unwrap();
        let Ok(text) = super::format_invocation(item) else {
            panic!("an invocation with type arguments is formatted");
        };
        assert_eq!(text, "methods!(Get, Vec<crate::types::Pet>, (), Error);\n");
        let long: syn::ItemMacro = syn::parse2(quote! {
            methods!(AVeryLongBuilderNameForAnOperation, Vec<crate::types::SomeLongTypeName>, AVeryLongBuilderNameForAnOperationHeaders, AVeryLongBuilderNameForAnOperationError);
        })
        .unwrap();
        let Ok(text) = super::format_invocation(long) else {
            panic!("a long invocation is formatted");
        };
        assert_eq!(
            text,
            "methods!(\n    AVeryLongBuilderNameForAnOperation, Vec<crate::types::SomeLongTypeName>,\n    AVeryLongBuilderNameForAnOperationHeaders, AVeryLongBuilderNameForAnOperationError\n);\n"
        );
    }

    #[test]
    fn anything_else_is_left_to_the_printer() {
        let item: syn::ItemMacro =
            syn::parse2(quote! { thread_local! { static X: u8 = 1; } }).unwrap();
        assert!(super::format(item).is_err());
    }
}

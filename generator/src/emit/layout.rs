//! Where generated code lives: its paths rebased onto the chosen root and runtime, and the
//! files of a crate folded into the one module file a `build.rs` writes.

use std::collections::BTreeMap;

use proc_macro2::{Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::ir::RustPaths;

/// Respells the paths emit writes as `crate::...` and `::apiforge_runtime::...` with the
/// crate's own root and runtime paths. With the default paths this changes nothing.
pub(super) fn rebase(tokens: TokenStream, paths: &RustPaths) -> TokenStream {
    if paths.root == "crate" && paths.runtime == "::apiforge_runtime" {
        return tokens;
    }
    let root = path_tokens(&paths.root);
    let runtime = path_tokens(&paths.runtime);
    rebase_stream(tokens, &root, &runtime)
}

fn rebase_stream(tokens: TokenStream, root: &TokenStream, runtime: &TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < trees.len() {
        let is_path_sep = |at: usize| {
            matches!((trees.get(at), trees.get(at + 1)),
                (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                    if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
        };
        match &trees[i] {
            // `::apiforge_runtime`
            TokenTree::Punct(_)
                if is_path_sep(i)
                    && matches!(trees.get(i + 2), Some(TokenTree::Ident(id)) if id == "apiforge_runtime") =>
            {
                out.extend(runtime.clone());
                i += 3;
            }
            // `apiforge_runtime::` at the start of a `use` path
            TokenTree::Ident(id) if id == "apiforge_runtime" && is_path_sep(i + 1) => {
                out.extend(runtime.clone());
                i += 1;
            }
            // `crate::`, but not `pub(crate)`
            TokenTree::Ident(id) if id == "crate" && is_path_sep(i + 1) => {
                out.extend(root.clone());
                i += 1;
            }
            TokenTree::Group(group) => {
                let mut rebased = Group::new(
                    group.delimiter(),
                    rebase_stream(group.stream(), root, runtime),
                );
                rebased.set_span(group.span());
                out.extend([TokenTree::Group(rebased)]);
                i += 1;
            }
            other => {
                out.extend([other.clone()]);
                i += 1;
            }
        }
    }
    out
}

/// `crate::api::runtime` or `::apiforge_runtime` as tokens (lowering checked that they are
/// paths).
fn path_tokens(path: &str) -> TokenStream {
    let separator = [
        TokenTree::Punct(Punct::new(':', Spacing::Joint)),
        TokenTree::Punct(Punct::new(':', Spacing::Alone)),
    ];
    let mut out = TokenStream::new();
    let (leading, rest) = match path.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    if leading {
        out.extend(separator.clone());
    }
    for (index, segment) in rest.split("::").enumerate() {
        if index > 0 {
            out.extend(separator.clone());
        }
        out.extend([TokenTree::Ident(Ident::new(
            segment.trim(),
            Span::call_site(),
        ))]);
    }
    out
}

/// Folds a crate's files (`src/lib.rs` and the modules it declares, by path) into one file:
/// each `mod name;` becomes `mod name { ... }` with that file's items. The crate-level
/// attributes of `src/lib.rs` are dropped (an included file cannot have any), and so are cargo
/// features: feature-gated modules are always compiled, and `blocking`-only items left out.
pub(super) fn single_module(files: Vec<(String, syn::File)>) -> Result<syn::File, String> {
    let mut by_path: BTreeMap<String, syn::File> = files.into_iter().collect();
    let mut root = by_path
        .remove("src/lib.rs")
        .ok_or("internal error: no src/lib.rs to fold")?;
    root.attrs.clear();
    root.items = fold_items(root.items, "src", &mut by_path)?;
    if let Some(path) = by_path.keys().next() {
        return Err(format!(
            "internal error: `{path}` is not declared by any module"
        ));
    }
    Ok(root)
}

fn fold_items(
    items: Vec<syn::Item>,
    dir: &str,
    files: &mut BTreeMap<String, syn::File>,
) -> Result<Vec<syn::Item>, String> {
    let mut out = Vec::with_capacity(items.len());
    for mut item in items {
        if gated_on(&mut item, "blocking") {
            // A left-out `mod name;` takes its file with it (the runtime's `blocking`).
            if let syn::Item::Mod(module) = &item {
                let name = module.ident.to_string();
                files.remove(&format!("{dir}/{name}.rs"));
                files.remove(&format!("{dir}/{name}/mod.rs"));
            }
            continue;
        }
        strip_feature_gates(&mut item);
        if let syn::Item::Impl(block) = &mut item {
            block.items.retain(|inner| !impl_item_gated(inner));
        }
        if let syn::Item::Mod(module) = &mut item {
            if module.content.is_none() {
                let name = module.ident.to_string();
                let (file_path, child_dir) = match files.contains_key(&format!("{dir}/{name}.rs")) {
                    true => (format!("{dir}/{name}.rs"), format!("{dir}/{name}")),
                    false => (format!("{dir}/{name}/mod.rs"), format!("{dir}/{name}")),
                };
                let file = files
                    .remove(&file_path)
                    .ok_or_else(|| format!("internal error: no `{file_path}` for `mod {name};`"))?;
                let items = fold_items(file.items, &child_dir, files)?;
                // The file's own (inner) docs describe the module, and their links resolve
                // inside it; the declaration's outer docs mention cargo features, which a
                // module file has none of, and would mix doc styles on one item.
                if file.attrs.iter().any(|attr| attr.path().is_ident("doc")) {
                    module.attrs.retain(|attr| !attr.path().is_ident("doc"));
                }
                module.attrs.extend(file.attrs);
                module.content = Some((syn::token::Brace::default(), items));
                module.semi = None;
            } else if let Some((_, items)) = &mut module.content {
                let inner = std::mem::take(items);
                *items = fold_items(inner, dir, files)?;
            }
        }
        out.push(item);
    }
    Ok(out)
}

/// The attributes of the kinds of item that generated code gates on features.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

/// A `cfg` on cargo features is among the attributes: `#[cfg(feature = "<feature>")]`, or
/// `any(...)` or `all(...)` of such; with `feature`, one that names it.
fn has_gate(attrs: &[syn::Attribute], feature: Option<&str>) -> bool {
    attrs.iter().any(|attr| {
        features_of(attr)
            .is_some_and(|features| feature.is_none_or(|want| features.iter().any(|f| f == want)))
    })
}

/// The features a `cfg` attribute names, when it is on nothing but cargo features.
fn features_of(attr: &syn::Attribute) -> Option<Vec<String>> {
    if !attr.path().is_ident("cfg") {
        return None;
    }
    let mut features = Vec::new();
    predicate_features(&attr.parse_args().ok()?, &mut features)?;
    Some(features)
}

fn predicate_features(meta: &syn::Meta, out: &mut Vec<String>) -> Option<()> {
    match meta {
        syn::Meta::NameValue(pair) if pair.path.is_ident("feature") => match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => {
                out.push(text.value());
                Some(())
            }
            _ => None,
        },
        syn::Meta::List(list) if list.path.is_ident("any") || list.path.is_ident("all") => {
            let inner = list
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            inner
                .iter()
                .try_for_each(|meta| predicate_features(meta, out))
        }
        _ => None,
    }
}

fn gated_on(item: &mut syn::Item, feature: &str) -> bool {
    item_attrs(item).is_some_and(|attrs| has_gate(attrs, Some(feature)))
}

fn impl_item_gated(item: &syn::ImplItem) -> bool {
    match item {
        syn::ImplItem::Fn(f) => has_gate(&f.attrs, Some("blocking")),
        _ => false,
    }
}

fn strip_feature_gates(item: &mut syn::Item) {
    if let Some(attrs) = item_attrs(item) {
        attrs.retain(|attr| !has_gate(std::slice::from_ref(attr), None));
    }
}

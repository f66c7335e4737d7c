//! The settings that name things in the document or spell Rust, checked before lowering, and
//! the operation selection they make.
//!
//! A mistake here is in the caller's configuration, not in the document: its diagnostic has no
//! pointer (the configuration's front end says where the setting is), and lists what would
//! have been valid when that list is short enough to read.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr};

use super::one_line;
use crate::diagnostic::{Diagnostic, Setting};
use crate::settings::{Selection, Settings};

/// How many valid names a diagnostic lists before it only counts the rest: a document may
/// have thousands of operations.
const MAX_LISTED: usize = 30;

/// An error for each setting that cannot be honoured.
pub(super) fn check(file: &str, doc: &OpenAPI, settings: &Settings) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut error = |setting: Setting, message: String| {
        errors.push(Diagnostic::setting_error(file, setting, message));
    };

    let (tags, operation_ids) = names_in(doc);
    let selection = &settings.operations;
    let paginated: Vec<String> = settings.pagination.keys().cloned().collect();
    let lists = [
        (Setting::IncludeTags, &selection.include_tags, true),
        (Setting::ExcludeTags, &selection.exclude_tags, true),
        (
            Setting::IncludeOperations,
            &selection.include_operations,
            false,
        ),
        (
            Setting::ExcludeOperations,
            &selection.exclude_operations,
            false,
        ),
        (Setting::Pagination, &paginated, false),
    ];
    for (setting, names, is_tags) in lists {
        let known = if is_tags { &tags } else { &operation_ids };
        for name in names.iter().filter(|name| !known.contains(name.as_str())) {
            let name = one_line(name);
            error(
                setting,
                if is_tags {
                    format!(
                        "no operation has the tag `{name}`; {}",
                        listing("tags", known)
                    )
                } else {
                    format!(
                        "no operation has the operationId `{name}`; {}",
                        listing("operationIds", known)
                    )
                },
            );
        }
    }

    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    for (name, path) in &settings.type_replacements {
        if !schemas.is_some_and(|schemas| schemas.contains_key(name)) {
            let near = schemas
                .into_iter()
                .flat_map(|schemas| schemas.keys())
                .find(|schema| schema.eq_ignore_ascii_case(name));
            let hint = match near {
                Some(schema) => format!("; did you mean `{}`", one_line(schema)),
                None => String::new(),
            };
            error(
                Setting::TypeReplacements,
                format!(
                    "the schema `{}` is not under #/components/schemas{hint}",
                    one_line(name)
                ),
            );
        }
        if !is_owned_type(path) {
            error(
                Setting::TypeReplacements,
                format!(
                    "`{}` (for `{}`) is not a Rust type such as `::rust_decimal::Decimal`",
                    one_line(path),
                    one_line(name)
                ),
            );
        }
    }

    for derive in &settings.extra_derives {
        if derive_path(derive).is_none() {
            error(
                Setting::ExtraDerives,
                format!(
                    "`{}` is not a derive path such as `PartialEq` or `schemars::JsonSchema`",
                    one_line(derive)
                ),
            );
        }
    }
    errors
}

/// Every tag of every operation, and every `operationId`, as written.
fn names_in(doc: &OpenAPI) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let mut tags = BTreeSet::new();
    let mut operation_ids = BTreeSet::new();
    for item in doc.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, operation) in item.iter() {
            tags.extend(operation.tags.iter().map(String::as_str));
            operation_ids.extend(operation.operation_id.as_deref());
        }
    }
    (tags, operation_ids)
}

/// `tags: a, b, c`, at most [`MAX_LISTED`] of them.
fn listing(kind: &str, known: &BTreeSet<&str>) -> String {
    if known.is_empty() {
        return format!("the document has no {kind}");
    }
    let mut shown: Vec<String> = known.iter().take(MAX_LISTED).map(|n| one_line(n)).collect();
    if known.len() > MAX_LISTED {
        shown.push(format!("and {} more", known.len() - MAX_LISTED));
    }
    format!("{kind}: {}", shown.join(", "))
}

/// Whether `text` is a type a struct field can own: a path (`::rust_decimal::Decimal`,
/// `my_crate::Money<u8>`), a tuple or an array of such; not a reference, a trait object, `_`
/// or `!`.
fn is_owned_type(text: &str) -> bool {
    fn owned(ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Path(_) => true,
            syn::Type::Paren(inner) => owned(&inner.elem),
            syn::Type::Array(array) => owned(&array.elem),
            syn::Type::Tuple(tuple) => tuple.elems.iter().all(owned),
            _ => false,
        }
    }
    syn::parse_str::<syn::Type>(text).is_ok_and(|ty| owned(&ty))
}

/// The path a derive names, when `text` is one (`PartialEq`, `::schemars::JsonSchema`): no
/// generic arguments, which `#[derive]` does not take.
pub(super) fn derive_path(text: &str) -> Option<syn::Path> {
    let path = syn::parse_str::<syn::Path>(text).ok()?;
    path.segments
        .iter()
        .all(|segment| segment.arguments.is_none())
        .then_some(path)
}

/// Whether `selection` keeps `operation`: an include list names it (by one of its tags or its
/// `operationId`) or both are empty, and no exclude list names it.
pub(super) fn selected(selection: &Selection, operation: &openapiv3::Operation) -> bool {
    let named = |tags: &[String], operations: &[String]| {
        operation.tags.iter().any(|tag| tags.contains(tag))
            || operation
                .operation_id
                .as_ref()
                .is_some_and(|id| operations.contains(id))
    };
    let included = (selection.include_tags.is_empty() && selection.include_operations.is_empty())
        || named(&selection.include_tags, &selection.include_operations);
    included && !named(&selection.exclude_tags, &selection.exclude_operations)
}

//! Helpers for the tests of lowering: documents written as indented YAML in raw strings (whole,
//! or from a few component schemas and paths), lowered or generated, and the types and
//! operations in them found by name.

use crate::Diagnostic;
use crate::ir::{Api, Field, Operation, StructDef, TypeDef, TypeKind, TypeRef, UnionDef};
use crate::lower::lower;

/// `text` without the indentation its lines share.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A document with these paths (YAML, any indent) and nothing else.
pub(in crate::lower) fn with_paths(paths: &str) -> String {
    let paths = dedent(paths)
        .lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n{paths}\n")
}

/// `text` (a whole document, any indent) lowered, and its warnings as text.
pub(in crate::lower) fn lowered_document(text: &str) -> (Api, Vec<String>) {
    let text = dedent(text);
    let loaded = crate::load::load("t.yaml", text.as_bytes())
        .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
    let (api, warnings) = lower("t.yaml", &loaded.document, &crate::Settings::new("t"))
        .unwrap_or_else(|e| panic!("lowers: {e:?}"));
    let warnings = warnings.iter().map(Diagnostic::to_string).collect();
    (api, warnings)
}

/// The operation whose `Client` method is `method`.
pub(in crate::lower) fn operation<'a>(api: &'a Api, method: &str) -> &'a Operation {
    api.operations()
        .find(|op| op.method_ident == method)
        .unwrap_or_else(|| panic!("no operation {method}"))
}

/// A document with these component schemas and these paths (both YAML, any indent).
fn document(schemas: &str, paths: &str) -> String {
    let indent = |text: &str, by: usize| {
        dedent(text)
            .lines()
            .map(|line| format!("{}{line}", " ".repeat(by)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let paths = if paths.trim().is_empty() {
        "paths: {}".to_owned()
    } else {
        format!("paths:\n{}", indent(paths, 2))
    };
    let schemas = indent(schemas, 4);
    format!(
        r#"openapi: 3.0.3
info:
  title: t
  version: '1'
{paths}
components:
  schemas:
{schemas}
"#
    )
}

/// The API lowered from these component schemas and paths, with its warnings.
pub(in crate::lower) fn lowered(schemas: &str, paths: &str) -> (Api, Vec<Diagnostic>) {
    lowered_with(schemas, paths, &crate::Settings::new("t"))
}

/// The API lowered from these component schemas and paths with `settings`, with its
/// warnings.
pub(in crate::lower) fn lowered_with(
    schemas: &str,
    paths: &str,
    settings: &crate::Settings,
) -> (Api, Vec<Diagnostic>) {
    let text = document(schemas, paths);
    let loaded = crate::load::load("t.yaml", text.as_bytes())
        .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
    lower("t.yaml", &loaded.document, settings).unwrap_or_else(|e| panic!("lowers: {e:?}"))
}

/// The API lowered from these component schemas, which must give no warning.
pub(in crate::lower) fn api(schemas: &str) -> Api {
    let (api, warnings) = lowered(schemas, "");
    assert!(warnings.is_empty(), "{warnings:#?}");
    api
}

/// The generated file `src/types/{module}.rs` of a crate with these component schemas.
pub(in crate::lower) fn emitted(schemas: &str, module: &str) -> String {
    let settings = crate::Settings::new("t");
    let generated =
        crate::generate("t.yaml", document(schemas, "").as_bytes(), &settings).expect("generates");
    let path = format!("src/types/{module}.rs");
    generated
        .files
        .into_iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

/// The type called `name`.
pub(in crate::lower) fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|def| def.ident == name)
        .unwrap_or_else(|| panic!("no type {name}"))
}

/// A reference to the type called `name`.
pub(in crate::lower) fn named(api: &Api, name: &str) -> TypeRef {
    let index = api.types.iter().position(|def| def.ident == name).unwrap();
    TypeRef::Named(crate::ir::TypeId(index))
}

/// The struct called `name`.
pub(in crate::lower) fn struct_of<'a>(api: &'a Api, name: &str) -> &'a StructDef {
    match &def(api, name).kind {
        TypeKind::Struct(s) => s,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

/// The union called `name`.
pub(in crate::lower) fn union_of<'a>(api: &'a Api, name: &str) -> &'a UnionDef {
    match &def(api, name).kind {
        TypeKind::Union(u) => u,
        other => panic!("{name} is not a union: {other:?}"),
    }
}

/// What the type called `name` aliases, if it is an alias.
pub(in crate::lower) fn alias_of(api: &Api, name: &str) -> Option<TypeRef> {
    match &def(api, name).kind {
        TypeKind::Alias(ty) => Some(ty.clone()),
        _ => None,
    }
}

/// The field `name` (its Rust name) of the struct `owner`.
pub(in crate::lower) fn field<'a>(api: &'a Api, owner: &str, name: &str) -> &'a Field {
    struct_of(api, owner)
        .fields
        .iter()
        .find(|f| f.ident == name)
        .unwrap_or_else(|| panic!("no field {owner}.{name}"))
}

/// `Option<ty>`.
pub(in crate::lower) fn option(ty: TypeRef) -> TypeRef {
    TypeRef::Option(Box::new(ty))
}

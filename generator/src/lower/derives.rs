//! Which traits each generated type derives, the caller's extra derives included.
//!
//! A replacement type ([`TypeRef::External`]) is assumed to implement `Debug`, `Clone`,
//! `Serialize` and `Deserialize`, which every generated type needs of its fields; `PartialEq`
//! only when the extra derives name it (they are added to every type, so they say every type
//! can be compared). A type that holds a replacement, directly or through other types, derives
//! `PartialEq` only then.

use super::config::derive_path;
use crate::ir::{EnumRepr, OperationModule, Tagging, TypeDef, TypeKind, TypeRef};

const SERIALIZE: &str = "::serde::Serialize";
const DESERIALIZE: &str = "::serde::Deserialize";

/// Sets [`TypeDef::derives`] on every type and [`crate::ir::ResponseEnum::derive_partial_eq`]
/// on every response enum. `Named` ids index `types`.
pub(super) fn set_derives(
    types: &mut [TypeDef],
    modules: &mut [OperationModule],
    extra: &[String],
) {
    let external_eq = extra
        .iter()
        .any(|derive| last_segment(derive).as_deref() == Some("PartialEq"));
    let comparable = comparable_types(types, external_eq);
    for (def, &comparable) in types.iter_mut().zip(&comparable) {
        def.derives = derives(&def.kind, comparable, extra);
    }
    let payload_comparable = |ty: &TypeRef| {
        let mut holds = Holds::default();
        holds.collect(ty);
        (external_eq || !holds.external) && holds.named.iter().all(|&id| comparable[id])
    };
    for module in modules {
        for op in &mut module.operations {
            for response_enum in op.response_enums_mut() {
                response_enum.derive_partial_eq = response_enum
                    .variants
                    .iter()
                    .all(|variant| payload_comparable(&variant.ty));
            }
        }
    }
}

/// The derives of a type of `kind`: those its kind always has, `Default` and `PartialEq`
/// where they hold, then each of `extra` that is not there already (by its last segment, so
/// `std::cmp::PartialEq` is `PartialEq`) nor written by hand.
fn derives(kind: &TypeKind, comparable: bool, extra: &[String]) -> Vec<String> {
    let mut derives: Vec<&str> = vec!["Clone"];
    // What a hand-written impl provides, or what cannot be derived at all.
    let mut excluded: Vec<&str> = Vec::new();
    match kind {
        TypeKind::Struct(s) => {
            if s.redacted_debug {
                excluded.push("Debug");
            } else {
                derives.push("Debug");
            }
            if s.derive_default {
                derives.push("Default");
            }
            if s.impl_default {
                excluded.push("Default");
            }
            if comparable {
                derives.push("PartialEq");
            }
            // `object!` writes a struct's serde through its fields' JSON names: far cheaper
            // to compile than the derives.
            excluded.extend(["Serialize", "Deserialize"]);
        }
        TypeKind::Enum(e) => {
            if e.repr == EnumRepr::Integer {
                derives.push("Copy");
            }
            derives.push("Debug");
            if e.default.is_some() {
                derives.push("Default");
            } else {
                // `#[derive(Default)]` on an enum needs a `#[default]` variant.
                excluded.push("Default");
            }
            derives.push("PartialEq");
            if e.repr != EnumRepr::Mixed {
                derives.extend(["Eq", "Hash"]);
            }
            // An enum of strings has serde written by `string_enum!`, through its wire
            // strings: far cheaper to compile than the derive with an untagged catch-all.
            if e.repr == EnumRepr::String {
                excluded.extend(["Serialize", "Deserialize"]);
            } else {
                derives.extend([SERIALIZE, DESERIALIZE]);
            }
        }
        TypeKind::Union(u) => {
            derives.push("Debug");
            if comparable {
                derives.push("PartialEq");
            }
            // Only unit variants can be a derived default, and unions have none.
            excluded.push("Default");
            match u.tagging {
                Tagging::Untagged => derives.extend([SERIALIZE, DESERIALIZE]),
                Tagging::Discriminator { .. } => excluded.extend(["Serialize", "Deserialize"]),
            }
        }
        TypeKind::Alias(_) => return Vec::new(),
    }
    let mut derives: Vec<String> = derives.into_iter().map(str::to_owned).collect();
    if extra.is_empty() {
        // Nothing to compare with: spares parsing every type's derives as paths.
        return derives;
    }
    let mut present: Vec<String> = derives
        .iter()
        .map(String::as_str)
        .chain(excluded)
        .filter_map(last_segment)
        .collect();
    for derive in extra {
        let Some(last) = last_segment(derive) else {
            continue;
        };
        if !present.contains(&last) {
            present.push(last);
            derives.push(derive.trim().to_owned());
        }
    }
    derives
}

/// The last segment of a derive path (`JsonSchema` of `schemars::JsonSchema`).
fn last_segment(derive: &str) -> Option<String> {
    let path = derive_path(derive)?;
    Some(path.segments.last()?.ident.to_string())
}

/// Whether each type can derive `PartialEq`: not when it holds a replacement type that is not
/// known to implement it, directly or through other types (found by walking from those types
/// to the types that hold them, so that deep or cyclic type graphs cost one pass).
fn comparable_types(types: &[TypeDef], external_eq: bool) -> Vec<bool> {
    let mut comparable = vec![true; types.len()];
    if external_eq {
        return comparable;
    }
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    let mut work = Vec::new();
    for (index, def) in types.iter().enumerate() {
        let mut holds = Holds::default();
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| holds.collect(&f.ty)),
            TypeKind::Union(u) => u.variants.iter().for_each(|v| holds.collect(&v.ty)),
            TypeKind::Alias(ty) => holds.collect(ty),
            TypeKind::Enum(_) => {}
        }
        for id in holds.named {
            if let Some(list) = holders.get_mut(id) {
                list.push(index);
            }
        }
        if holds.external {
            comparable[index] = false;
            work.push(index);
        }
    }
    while let Some(index) = work.pop() {
        for &holder in &holders[index] {
            if std::mem::replace(&mut comparable[holder], false) {
                work.push(holder);
            }
        }
    }
    comparable
}

/// The generated types and replacement types a type reference holds, at any depth.
#[derive(Default)]
struct Holds {
    named: Vec<usize>,
    external: bool,
}

impl Holds {
    fn collect(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Named(id) => self.named.push(id.0),
            TypeRef::External(_) => self.external = true,
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => self.collect(inner),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumDef, StructDef};

    fn plain_struct() -> TypeKind {
        TypeKind::Struct(StructDef {
            fields: Vec::new(),
            redacted_debug: false,
            derive_default: true,
            impl_default: false,
            constructor: None,
        })
    }

    #[test]
    fn extra_derives_follow_the_kind_s_own_and_skip_ones_already_there() {
        let extra = [
            "PartialEq".to_owned(),
            "Eq".to_owned(),
            "::std::hash::Hash".to_owned(),
            "schemars::JsonSchema".to_owned(),
            "JsonSchema".to_owned(),
        ];
        assert_eq!(
            derives(&plain_struct(), true, &extra),
            [
                "Clone",
                "Debug",
                "Default",
                "PartialEq",
                "Eq",
                "::std::hash::Hash",
                "schemars::JsonSchema"
            ]
        );
        let string_enum = TypeKind::Enum(EnumDef {
            repr: EnumRepr::String,
            variants: Vec::new(),
            default: None,
            unknown_ident: "Unknown".to_owned(),
        });
        assert_eq!(
            derives(
                &string_enum,
                true,
                &[
                    "Default".to_owned(),
                    "Hash".to_owned(),
                    "serde::Serialize".to_owned()
                ]
            ),
            ["Clone", "Debug", "PartialEq", "Eq", "Hash"],
            "no `#[default]` variant to derive from, and serde is `string_enum!`'s"
        );
    }

    #[test]
    fn hand_written_impls_are_never_derived_again() {
        let redacted = TypeKind::Struct(StructDef {
            fields: Vec::new(),
            redacted_debug: true,
            derive_default: false,
            impl_default: true,
            constructor: None,
        });
        let derived = derives(
            &redacted,
            false,
            &["Debug".to_owned(), "Default".to_owned()],
        );
        assert_eq!(derived, ["Clone"], "serde is `object!`'s");
    }
}

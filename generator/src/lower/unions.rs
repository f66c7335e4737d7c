//! The passes over unions once every type is lowered (aliases can be seen through):
//!
//! - **Told apart.** serde tries an untagged union's variants in order, so a variant that an
//!   earlier one always takes could never be chosen. Variants of the same type once aliases
//!   are expanded (two aliases of `String`), and a plain type beside an enum that keeps all
//!   its values (a `string` and a string enum, whose `Unknown` keeps any string), are merged
//!   into one, with a warning naming the variant that goes. A variant that takes fewer values
//!   than an earlier one (`date-time` after `string`, an integer after a number, an object
//!   after one whose fields are all optional) is moved before it. A union left with one
//!   variant is that variant's type. Two structs that take the same objects both stay (each
//!   writes its own fields), with a warning that the later one is never decoded.
//! - **`From` impls.** A union implements `From` a variant's payload when no other variant's
//!   payload is the same type once aliases are expanded.
//! - **Accessors.** A polymorphic union reads each of its base's fields that every variant
//!   has, with the same type, through a method of the field's name.

use super::resolve::MAX_DEPTH;
use crate::ir::{
    Accessor, EnumRepr, StructDef, Tagging, TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant,
};
use crate::naming::{self, Case, Scope};

/// Merges and reorders the variants of every untagged union so that each can be chosen, and
/// decides every union's `From` impls. Returns, by type index, the warnings to give.
pub(super) fn tell_apart(types: &mut [TypeDef]) -> Vec<(usize, String)> {
    let mut warnings = Vec::new();
    for index in 0..types.len() {
        let TypeKind::Union(union) = &types[index].kind else {
            continue;
        };
        if union.tagging != Tagging::Untagged {
            continue;
        }
        let (variants, notes) = distinct_variants(types, &union.variants);
        warnings.extend(notes.into_iter().map(|note| (index, note)));
        if variants.len() > 1 || variants.len() == union.variants.len() {
            if let TypeKind::Union(union) = &mut types[index].kind {
                union.variants = variants;
            }
            continue;
        }
        // One variant left: the union is its type. Two names for one type (`Ipv4Net |
        // Ipv6Net`) are neither: the type itself.
        let names: Vec<String> = union
            .variants
            .iter()
            .map(|v| format!("`{}`", v.ident))
            .collect();
        let ty = variants.into_iter().next().map_or(TypeRef::Json, |v| v.ty);
        let ty = if union.variants.iter().all(|v| v.ty == ty) {
            ty
        } else {
            expand(types, &ty, 0)
        };
        let def = &mut types[index];
        def.kind = TypeKind::Alias(ty);
        if !def.docs.is_empty() {
            def.docs.push(String::new());
        }
        def.docs.push(format!(
            "One of {}, which take the same values.",
            names.join(", ")
        ));
    }
    let from_impls: Vec<Vec<bool>> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Union(union) => {
                let expanded: Vec<TypeRef> = union
                    .variants
                    .iter()
                    .map(|v| expand(types, &v.ty, 0))
                    .collect();
                expanded
                    .iter()
                    .map(|ty| expanded.iter().filter(|other| *other == ty).count() == 1)
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    for (def, from_impls) in types.iter_mut().zip(from_impls) {
        if let TypeKind::Union(union) = &mut def.kind {
            for (variant, from_impl) in union.variants.iter_mut().zip(from_impls) {
                variant.from_impl = from_impl;
            }
        }
    }
    warnings
}

/// The variants of an untagged union with those that take the same values merged and those
/// an earlier variant would take moved before it; with a warning for each merged variant.
fn distinct_variants(
    types: &[TypeDef],
    variants: &[UnionVariant],
) -> (Vec<UnionVariant>, Vec<String>) {
    let mut notes = Vec::new();
    let mut kept: Vec<(UnionVariant, Accepts)> = Vec::new();
    for variant in variants {
        let accepts = accepts(types, &variant.ty, 0);
        // Merged: the same type once aliases are expanded, or a plain type and an enum that
        // keeps every value of it. Two different structs that take the same objects both stay,
        // since each still writes its own fields.
        let same = kept.iter().position(|(earlier, earlier_accepts)| {
            let equivalent = subset(types, &accepts, earlier_accepts, 0)
                && subset(types, earlier_accepts, &accepts, 0);
            let (earlier, this) = (expand(types, &earlier.ty, 0), expand(types, &variant.ty, 0));
            equivalent && (earlier == this || is_named(&earlier) != is_named(&this))
        });
        let Some(at) = same else {
            kept.push((variant.clone(), accepts));
            continue;
        };
        // The one that says more stays (a string enum over `String`), in the earlier place.
        let earlier = &mut kept[at];
        let named = |ty: &TypeRef| is_named(&expand(types, ty, 0));
        let (gone, stays) = if !named(&earlier.0.ty) && named(&variant.ty) {
            let gone = std::mem::replace(earlier, (variant.clone(), accepts));
            (gone.0.ident, variant.ident.clone())
        } else {
            (variant.ident.clone(), earlier.0.ident.clone())
        };
        notes.push(format!(
            "union variants `{stays}` and `{gone}` take the same values, so `{gone}` could never be chosen; merged into `{stays}`"
        ));
    }
    // Move each variant that an earlier one would always take before it; a bounded number of
    // moves, in case the approximations of `subset` disagree with each other.
    let mut moves = kept.len() * kept.len();
    'search: while moves > 0 {
        for later in 1..kept.len() {
            for earlier in 0..later {
                let (a, b) = (&kept[earlier].1, &kept[later].1);
                if subset(types, b, a, 0) && !subset(types, a, b, 0) {
                    let moved = kept.remove(later);
                    kept.insert(earlier, moved);
                    moves -= 1;
                    continue 'search;
                }
            }
        }
        break;
    }
    for later in 1..kept.len() {
        let taken_by =
            (0..later).find(|&earlier| subset(types, &kept[later].1, &kept[earlier].1, 0));
        if let Some(earlier) = taken_by {
            notes.push(format!(
                "union variant `{}` is never chosen when decoding: `{}` before it takes every value it would",
                kept[later].0.ident, kept[earlier].0.ident
            ));
        }
    }
    (
        kept.into_iter().map(|(variant, _)| variant).collect(),
        notes,
    )
}

/// Whether `ty` (aliases expanded) is a generated type (a struct, enum or union) rather than a
/// plain one.
fn is_named(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(_))
}

/// `ty` with every alias replaced by what it stands for, as far as [`MAX_DEPTH`].
fn expand(types: &[TypeDef], ty: &TypeRef, depth: usize) -> TypeRef {
    let inner = |inner: &TypeRef| Box::new(expand(types, inner, depth + 1));
    match ty {
        TypeRef::Named(id) if depth < MAX_DEPTH => match &types[id.0].kind {
            TypeKind::Alias(aliased) => expand(types, aliased, depth + 1),
            _ => ty.clone(),
        },
        TypeRef::Vec(item) if depth < MAX_DEPTH => TypeRef::Vec(inner(item)),
        TypeRef::Map(value) if depth < MAX_DEPTH => TypeRef::Map(inner(value)),
        TypeRef::Option(value) if depth < MAX_DEPTH => TypeRef::Option(inner(value)),
        TypeRef::Boxed(value) if depth < MAX_DEPTH => TypeRef::Boxed(inner(value)),
        _ => ty.clone(),
    }
}

/// The JSON values a type decodes, as far as telling union variants apart needs.
#[derive(Clone, Debug, PartialEq)]
enum Accepts {
    /// Anything (`serde_json::Value`, an enum of mixed values).
    Any,
    Bool,
    /// Integers in this range, both ends included.
    Integer(i128, i128),
    /// Any number.
    Number,
    /// Any string (a string enum keeps unlisted ones in `Unknown`).
    String,
    /// Strings of one format (`date-time`, `uuid`, ...).
    Format(&'static str),
    /// `null` or the inner values.
    Nullable(Box<Accepts>),
    Array(Box<Accepts>),
    Map(Box<Accepts>),
    /// The objects a struct decodes (by index).
    Struct(usize),
    /// Whatever this type decodes: only the same type is known to take the same values.
    Exact(TypeRef),
}

/// What `ty` decodes.
fn accepts(types: &[TypeDef], ty: &TypeRef, depth: usize) -> Accepts {
    if depth > MAX_DEPTH {
        return Accepts::Exact(ty.clone());
    }
    let inner = |inner: &TypeRef| Box::new(accepts(types, inner, depth + 1));
    match ty {
        TypeRef::Json => Accepts::Any,
        TypeRef::JsonObject => Accepts::Map(Box::new(Accepts::Any)),
        TypeRef::Bool => Accepts::Bool,
        TypeRef::I32 => Accepts::Integer(i32::MIN.into(), i32::MAX.into()),
        TypeRef::I64 => Accepts::Integer(i64::MIN.into(), i64::MAX.into()),
        TypeRef::U32 => Accepts::Integer(0, u32::MAX.into()),
        TypeRef::U64 => Accepts::Integer(0, u64::MAX.into()),
        TypeRef::F32 | TypeRef::F64 => Accepts::Number,
        TypeRef::String => Accepts::String,
        TypeRef::DateTime => Accepts::Format("date-time"),
        TypeRef::Date => Accepts::Format("date"),
        TypeRef::Uuid => Accepts::Format("uuid"),
        TypeRef::Base64 => Accepts::Format("byte"),
        TypeRef::Boxed(value) => accepts(types, value, depth + 1),
        TypeRef::Option(value) => Accepts::Nullable(inner(value)),
        TypeRef::Vec(item) => Accepts::Array(inner(item)),
        TypeRef::Map(value) => Accepts::Map(inner(value)),
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Alias(aliased) => accepts(types, aliased, depth + 1),
            TypeKind::Struct(_) => Accepts::Struct(id.0),
            TypeKind::Enum(e) => match e.repr {
                EnumRepr::String => Accepts::String,
                EnumRepr::Integer => Accepts::Integer(i64::MIN.into(), i64::MAX.into()),
                EnumRepr::Mixed => Accepts::Any,
            },
            TypeKind::Union(_) => Accepts::Exact(ty.clone()),
        },
        TypeRef::Unit
        | TypeRef::Bytes
        | TypeRef::Upload
        | TypeRef::ByteStream
        | TypeRef::EventStream(_)
        | TypeRef::External(_) => Accepts::Exact(ty.clone()),
    }
}

/// Whether every value `a` takes, `b` takes too (`false` when that is not sure).
fn subset(types: &[TypeDef], a: &Accepts, b: &Accepts, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = depth + 1;
    match (a, b) {
        (_, Accepts::Any) => true,
        (Accepts::Nullable(a), Accepts::Nullable(b)) => subset(types, a, b, next),
        (a, Accepts::Nullable(b)) => subset(types, a, b, next),
        (Accepts::Bool, Accepts::Bool)
        | (Accepts::Number, Accepts::Number)
        | (Accepts::String, Accepts::String)
        | (Accepts::Integer(..), Accepts::Number)
        | (Accepts::Format(_), Accepts::String) => true,
        (Accepts::Integer(a_low, a_high), Accepts::Integer(b_low, b_high)) => {
            b_low <= a_low && a_high <= b_high
        }
        (Accepts::Format(a), Accepts::Format(b)) => a == b,
        (Accepts::Array(a), Accepts::Array(b)) | (Accepts::Map(a), Accepts::Map(b)) => {
            subset(types, a, b, next)
        }
        (Accepts::Struct(_), Accepts::Map(value)) => **value == Accepts::Any,
        (Accepts::Struct(a), Accepts::Struct(b)) => a == b || struct_subset(types, *a, *b, next),
        (Accepts::Exact(a), Accepts::Exact(b)) => a == b,
        _ => false,
    }
}

/// Whether every object the struct `a` decodes, the struct `b` decodes too: each field `b`
/// requires, `a` requires with values `b` takes; each optional field of `b` that `a` has takes
/// `a`'s values; and `a` has no properties beyond its fields that `b` could choke on.
fn struct_subset(types: &[TypeDef], a: usize, b: usize, depth: usize) -> bool {
    let (TypeKind::Struct(a), TypeKind::Struct(b)) = (&types[a].kind, &types[b].kind) else {
        return false;
    };
    let a_open = a.fields.iter().any(|field| field.flatten);
    for field in &b.fields {
        if field.flatten {
            // `b` keeps what it does not name; it takes anything only as JSON values.
            let any = matches!(&field.ty, TypeRef::JsonObject)
                || field.ty == TypeRef::Map(Box::new(TypeRef::Json));
            let a_extra = a
                .fields
                .iter()
                .any(|f| !f.flatten && !has_field(b, &f.wire_name));
            if !any && (a_open || a_extra) {
                return false;
            }
            continue;
        }
        let required = !field.skip_if_none;
        match a
            .fields
            .iter()
            .find(|f| !f.flatten && f.wire_name == field.wire_name)
        {
            Some(mine) => {
                if required && mine.skip_if_none {
                    return false;
                }
                let (mine, theirs) = (
                    accepts(types, &mine.ty, depth),
                    accepts(types, &field.ty, depth),
                );
                if !subset(types, &mine, &theirs, depth) {
                    return false;
                }
            }
            // `a`'s objects never have it, unless `a` keeps undeclared properties.
            None if required || a_open => return false,
            None => {}
        }
    }
    true
}

fn has_field(s: &StructDef, wire_name: &str) -> bool {
    s.fields
        .iter()
        .any(|f| !f.flatten && f.wire_name == wire_name)
}

/// Sets each polymorphic union's [`UnionDef::accessors`]: one per field of its base struct
/// that every variant's struct has with the same type. Runs once recursive fields are boxed.
pub(super) fn set_accessors(types: &mut [TypeDef]) {
    let accessors: Vec<Vec<Accessor>> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Union(union) => accessors(types, union),
            _ => Vec::new(),
        })
        .collect();
    for (def, accessors) in types.iter_mut().zip(accessors) {
        if let TypeKind::Union(union) = &mut def.kind {
            union.accessors = accessors;
        }
    }
}

/// The accessors of one union; none unless it is polymorphic.
fn accessors(types: &[TypeDef], union: &UnionDef) -> Vec<Accessor> {
    let Some(base) = union.base else {
        return Vec::new();
    };
    let Some(base) = struct_behind(types, &TypeRef::Named(base), 0) else {
        return Vec::new();
    };
    let structs: Vec<Option<&StructDef>> = union
        .variants
        .iter()
        .map(|v| struct_behind(types, &v.ty, 0))
        .collect();
    let common: Vec<_> = base
        .fields
        .iter()
        .filter(|field| !field.flatten)
        .filter(|field| {
            structs.iter().all(|s| {
                s.is_some_and(|s| {
                    s.fields.iter().any(|f| {
                        !f.flatten
                            && f.wire_name == field.wire_name
                            && f.ident == field.ident
                            && f.ty == field.ty
                    })
                })
            })
        })
        .collect();
    let mut scope = Scope::new(Case::Snake).reserve(naming::TRAIT_METHODS.iter().copied());
    for field in &common {
        scope.add_wanted(&field.ident, field.ident.clone());
    }
    common
        .into_iter()
        .zip(scope.settle())
        .map(|(field, ident)| {
            let (ty, optional) = match &field.ty {
                TypeRef::Option(inner) => ((**inner).clone(), true),
                ty => (ty.clone(), false),
            };
            let (ty, boxed) = match ty {
                TypeRef::Boxed(inner) => (*inner, true),
                ty => (ty, false),
            };
            Accessor {
                ident,
                field: field.ident.clone(),
                wire_name: field.wire_name.clone(),
                ty,
                optional,
                boxed,
            }
        })
        .collect()
}

/// The struct `ty` is, through aliases and boxes.
fn struct_behind<'t>(types: &'t [TypeDef], ty: &TypeRef, depth: usize) -> Option<&'t StructDef> {
    if depth > MAX_DEPTH {
        return None;
    }
    match ty {
        TypeRef::Boxed(inner) => struct_behind(types, inner, depth + 1),
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Alias(aliased) => struct_behind(types, aliased, depth + 1),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeRef;
    use crate::lower::testing::{alias_of, def, emitted, lowered, named, union_of};

    #[test]
    fn variants_of_one_type_are_merged_with_a_warning_at_the_union() {
        let schemas = r##"
            Ipv4Net: {type: string}
            Ipv6Net: {type: string}
            IpNet:
              oneOf:
                - $ref: "#/components/schemas/Ipv4Net"
                - $ref: "#/components/schemas/Ipv6Net"
            Level:
              type: string
              enum: [low, high]
            Mode:
              anyOf:
                - type: string
                - $ref: "#/components/schemas/Level"
                - $ref: "#/components/schemas/Ipv4Net"
                - type: boolean
            "##;
        let (api, warnings) = lowered(schemas, "");
        // Two aliases of `String` are `String`: no two `From<String>` impls.
        assert_eq!(alias_of(&api, "IpNet"), Some(TypeRef::String));
        assert_eq!(
            def(&api, "IpNet").docs.last().map(String::as_str),
            Some("One of `Ipv4Net`, `Ipv6Net`, which take the same values.")
        );
        // The string enum keeps any string, so the plain string goes into it, and so does
        // an alias of `String`; the enum keeps the place of the first.
        let mode = union_of(&api, "Mode");
        let variants: Vec<(&str, &TypeRef, bool)> = mode
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), &v.ty, v.from_impl))
            .collect();
        assert_eq!(
            variants,
            [
                ("Level", &named(&api, "Level"), true),
                ("Boolean", &TypeRef::Bool, true)
            ]
        );
        let placed: Vec<(&str, Option<&str>)> = warnings
            .iter()
            .map(|w| (w.message.as_str(), w.pointer.as_deref()))
            .collect();
        assert_eq!(
            placed,
            [
                (
                    "union variants `Ipv4Net` and `Ipv6Net` take the same values, so `Ipv6Net` could never be chosen; merged into `Ipv4Net`",
                    Some("#/components/schemas/IpNet"),
                ),
                (
                    "union variants `Level` and `String` take the same values, so `String` could never be chosen; merged into `Level`",
                    Some("#/components/schemas/Mode"),
                ),
                (
                    "union variants `Level` and `Ipv4Net` take the same values, so `Ipv4Net` could never be chosen; merged into `Level`",
                    Some("#/components/schemas/Mode"),
                ),
            ]
        );
        let text = emitted(schemas, "mode");
        assert_eq!(text.matches("impl From<").count(), 2, "{text}");
    }

    #[test]
    fn a_variant_an_earlier_one_would_take_goes_first() {
        let (api, warnings) = lowered(
            r##"
            Numbers:
              oneOf:
                - type: number
                - type: integer
                  format: int64
                - type: integer
                  format: int32
            Texts:
              oneOf:
                - type: string
                - type: string
                  format: date-time
                - {}
                - type: array
                  items: {}
                - type: array
                  items: {type: integer}
            Loose:
              type: object
              properties:
                field: {type: string}
            Strict:
              type: object
              required: [field, op]
              properties:
                field: {type: string}
                op: {type: string}
            Typed:
              type: object
              properties:
                field: {type: integer}
            Filter:
              anyOf:
                - $ref: "#/components/schemas/Loose"
                - $ref: "#/components/schemas/Strict"
                - $ref: "#/components/schemas/Typed"
            "##,
            "",
        );
        let idents = |name: &str| -> Vec<String> {
            union_of(&api, name)
                .variants
                .iter()
                .map(|v| v.ident.clone())
                .collect()
        };
        // i32 within i64 within any number: narrowest first.
        assert_eq!(idents("Numbers"), ["Integer2", "Integer", "Number"]);
        // Date-times before strings, arrays of integers before arrays of anything, and
        // anything last.
        assert_eq!(
            idents("Texts"),
            ["DateTime", "String", "Array2", "Array", "Value"]
        );
        // The stricter object before the one whose fields are all optional; `Typed` takes
        // a `field` of another type, so `Loose` does not take all of its objects: it stays.
        assert_eq!(idents("Filter"), ["Strict", "Loose", "Typed"]);
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    #[test]
    fn two_structs_that_take_the_same_objects_both_stay_with_a_warning() {
        let (api, warnings) = lowered(
            r##"
            Either:
              oneOf:
                - type: object
                  additionalProperties: false
                  properties:
                    cat: {type: string}
                - type: object
                  additionalProperties: false
                  properties:
                    dog: {type: string}
            Open:
              oneOf:
                - type: object
                  properties:
                    cat: {type: string}
                - type: object
                  properties:
                    dog: {type: string}
            "##,
            "",
        );
        assert_eq!(union_of(&api, "Either").variants.len(), 2);
        // Structs that keep undeclared properties take a `cat` that is not a string into the
        // second variant, which can therefore be chosen: no warning for `Open`.
        assert_eq!(union_of(&api, "Open").variants.len(), 2);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_eq!(
            warnings[0].message,
            "union variant `Object2` is never chosen when decoding: `Object` before it takes every value it would"
        );
    }
}

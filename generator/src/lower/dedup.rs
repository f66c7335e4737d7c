//! Inline schemas written out the same way in many places (GitHub's spec repeats one
//! `permissions` object hundreds of times) become one type: fewer files to read and to
//! compile, and values of one shape that convert into each other for free.
//!
//! Two types are the same when everything emit would write for them but their name and the
//! order of their fields is: kind, fields or variants with their docs and serde attributes,
//! and the types they refer to, once those are merged too (so the merge runs until nothing
//! changes). The merged type keeps its keeper's field order. A component schema is never
//! merged away, since users name it; an inline type identical to one becomes that component,
//! and identical inline types become the one with the shortest name (then the first by name),
//! so the choice does not depend on the order of the document.
//!
//! An inline schema written out as one lowered before is not lowered again (`schema::reuse`):
//! its types are copies, with a name and no kind, which become their types in the round they
//! would have merged in, and lend their names to them first when theirs are the better ones
//! (`passes`). The result is the one lowering every copy gives.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use rayon::prelude::*;

use super::SameAs;
use crate::ir::{Field, TypeDef, TypeKind, TypeRef};

/// For each type, the index of the type it becomes: itself, or an identical one it merges into.
/// `component[i]` says whether type `i` is a component schema, and `same_as[i]` whether it is
/// a copy of another (with no kind of its own), which it becomes in the round it says.
///
/// The types are compared where they are, not copied: each one's references are rewritten to
/// what they had become when it is compared (as the caller does to every reference after),
/// and a struct's fields are sorted for the comparison and put back in their order at the end.
pub(super) fn merge_identical(
    types: &mut [TypeDef],
    component: &[bool],
    same_as: &[Option<SameAs>],
) -> Vec<usize> {
    // Fields in another order are the same object: a JSON object's keys have no order.
    // GitHub's webhook payloads repeat one repository schema with its fields shuffled.
    let spec_orders: Vec<Option<Vec<usize>>> = types
        .par_iter_mut()
        .map(|def| match &mut def.kind {
            TypeKind::Struct(def) => sort_fields(&mut def.fields),
            _ => None,
        })
        .collect();
    let into = merge_sorted(types, component, same_as);
    types
        .par_iter_mut()
        .zip(spec_orders)
        .for_each(|(def, spec_order)| {
            if let (TypeKind::Struct(def), Some(spec_order)) = (&mut def.kind, spec_order) {
                restore_order(&mut def.fields, &spec_order);
            }
        });
    into
}

/// [`merge_identical`] on types whose fields are sorted.
fn merge_sorted(
    types: &mut [TypeDef],
    component: &[bool],
    same_as: &[Option<SameAs>],
) -> Vec<usize> {
    let mut into: Vec<usize> = (0..types.len()).collect();
    // The copies, by the round they become their types in.
    let mut copies: Vec<(usize, usize, usize)> = same_as
        .iter()
        .enumerate()
        .filter_map(|(copy, same_as)| {
            let same_as = same_as.as_ref()?;
            (same_as.id.0 < types.len()).then_some((same_as.round, copy, same_as.id.0))
        })
        .collect();
    copies.sort_unstable();
    let mut copies = copies.into_iter().peekable();
    let is_copy = |index: usize| same_as.get(index).is_some_and(Option::is_some);
    // Each round after the first hashes again only the types whose referred types merged:
    // on GitHub's spec, five rounds took three times as long as the first alone.
    let mut hashes: Vec<Option<Hashed>> = vec![None; types.len()];
    let hasher = foldhash::fast::RandomState::default();
    for round in 1.. {
        // Each type is its own affair: they are rewritten and hashed side by side.
        types
            .par_iter_mut()
            .zip(&mut hashes)
            .enumerate()
            .filter(|(index, (_, hashed))| {
                into[*index] == *index
                    && !is_copy(*index)
                    && hashed.as_ref().is_none_or(|h| h.is_stale(&into))
            })
            .for_each(|(_, (def, hashed))| *hashed = Some(Hashed::of(def, &into, &hasher)));
        // Which group a type falls in decides nothing but its keeper, picked within the group:
        // the groups' order does not matter.
        let mut groups: HashMap<Shape<'_>, Vec<usize>> = HashMap::new();
        for (index, hashed) in hashes.iter().enumerate() {
            if let (true, Some(hashed)) = (into[index] == index, hashed) {
                let shape = Shape {
                    def: &types[index],
                    hash: hashed.hash,
                };
                groups.entry(shape).or_default().push(index);
            }
        }
        let mut merges = Vec::new();
        for members in groups.into_values().filter(|members| members.len() > 1) {
            let Some(&keeper) = members.iter().min_by_key(|&&index| {
                (
                    !component[index],
                    super::passes::name_rank(&types[index].ident),
                )
            }) else {
                continue;
            };
            for &member in &members {
                if member != keeper && !component[member] {
                    merges.push((member, keeper));
                }
            }
        }
        let merged = !merges.is_empty();
        for (member, keeper) in merges {
            into[member] = keeper;
        }
        // A copy lowered on its own would have been merged now: the types it contains had
        // become the same as its type's.
        let mut became = false;
        while let Some((_, copy, original)) = copies.next_if(|&(at, _, _)| at <= round) {
            into[copy] = original;
            became = true;
        }
        if !merged && !became && copies.peek().is_none() {
            break;
        }
    }
    into
}

/// Sorts `fields` by what makes them the same field wherever they are written; the place in
/// the spec's order of each field, now sorted, when that moved any.
fn sort_fields(fields: &mut Vec<Field>) -> Option<Vec<usize>> {
    fn key(field: &Field) -> (bool, &str) {
        (field.flatten, &field.wire_name)
    }
    if fields.is_sorted_by(|a, b| key(a) <= key(b)) {
        return None;
    }
    let mut placed: Vec<(usize, Field)> = fields.drain(..).enumerate().collect();
    placed.sort_by(|(_, a), (_, b)| key(a).cmp(&key(b)));
    let (spec_order, sorted) = placed.into_iter().unzip();
    *fields = sorted;
    Some(spec_order)
}

/// Puts sorted `fields` back in the spec's order `sort_fields` returned.
fn restore_order(fields: &mut Vec<Field>, spec_order: &[usize]) {
    let mut placed: Vec<(usize, Field)> =
        spec_order.iter().copied().zip(fields.drain(..)).collect();
    placed.sort_unstable_by_key(|&(place, _)| place);
    fields.extend(placed.into_iter().map(|(_, field)| field));
}

/// A type's hash, taken when its references were last rewritten (on all threads, rather than
/// each round the types are grouped), and the types it refers to then.
#[derive(Clone)]
struct Hashed {
    hash: u64,
    refs: Vec<usize>,
}

impl Hashed {
    /// Rewrites the references of `def` to what they have become, and hashes what emit
    /// writes for it apart from its name.
    fn of(def: &mut TypeDef, into: &[usize], hasher: &impl BuildHasher) -> Hashed {
        let mut refs = Vec::new();
        crate::ir::visit_kind_refs_mut(&mut def.kind, &mut |ty: &mut TypeRef| {
            if let TypeRef::Named(id) = ty {
                id.0 = resolve(into, id.0);
                refs.push(id.0);
            }
        });
        let hash = hasher.hash_one((&def.docs, &def.kind));
        Hashed { hash, refs }
    }

    /// Whether a type it refers to has merged since it was hashed.
    fn is_stale(&self, into: &[usize]) -> bool {
        self.refs.iter().any(|&id| into.get(id) != Some(&id))
    }
}

/// What emit writes for a type apart from its name, for grouping identical types.
struct Shape<'a> {
    def: &'a TypeDef,
    hash: u64,
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.def.docs == other.def.docs
            && self.def.kind == other.def.kind
    }
}

impl Eq for Shape<'_> {}

impl Hash for Shape<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Where `index` ends up, following merges.
pub(super) fn resolve(into: &[usize], mut index: usize) -> usize {
    while let Some(&next) = into.get(index) {
        if next == index {
            break;
        }
        index = next;
    }
    index
}

#[cfg(test)]
mod tests {
    use crate::ir::{TypeKind, TypeRef};
    use crate::lower::testing::{lowered_document, operation};

    #[test]
    fn identical_inline_types_become_one_and_a_component_wins() {
        let (api, _) = lowered_document(
            r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  perms: {type: object, properties: {read: {type: boolean}}}
                  owner: {type: object, properties: {name: {type: string}}}
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  perms: {type: object, properties: {read: {type: boolean}}}
                  owner: {type: object, properties: {name: {type: string}}}
  /c:
    get:
      operationId: getC
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  perms:
                    description: Documented, so not the same type.
                    type: object
                    properties: {read: {type: boolean}}
components:
  schemas:
    Owner:
      type: object
      properties:
        name: {type: string}
"#,
        );
        let names: Vec<&str> = api.types.iter().map(|t| t.ident.as_str()).collect();
        // getA's and getB's bodies are the same once their fields are: one type, the shorter
        // name; `owner` is the component; the documented `perms` stays apart.
        assert_eq!(
            names,
            [
                "GetAResponse",
                "GetAResponsePerms",
                "GetCResponse",
                "GetCResponsePerms",
                "Owner"
            ]
        );
        let body = |name: &str| match &operation(&api, name).success {
            crate::ir::Success::Body(TypeRef::Named(id)) => api.type_def(*id).ident.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(body("get_a"), "GetAResponse");
        assert_eq!(body("get_b"), "GetAResponse");
        let TypeKind::Struct(get_a) = &api.types[0].kind else {
            panic!("a struct");
        };
        let owner = get_a
            .fields
            .iter()
            .find(|f| f.ident == "owner")
            .map(|f| &f.ty);
        assert!(
            matches!(owner, Some(TypeRef::Option(inner)) if matches!(**inner, TypeRef::Named(id) if api.type_def(id).ident == "Owner")),
            "{owner:?}"
        );
    }

    #[test]
    fn the_same_fields_in_another_order_are_the_same_type() {
        let (api, _) = lowered_document(
            r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}, id: {type: integer}}}
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}, name: {type: string}}}
"#,
        );
        let names: Vec<&str> = api.types.iter().map(|t| t.ident.as_str()).collect();
        assert_eq!(names, ["GetAResponse"]);
        // The type keeps the order of the one it is (the spec's order of `getA`).
        let TypeKind::Struct(def) = &api.types[0].kind else {
            panic!("a struct");
        };
        let fields: Vec<&str> = def.fields.iter().map(|f| f.wire_name.as_str()).collect();
        assert_eq!(fields, ["name", "id", "additional_properties"]);
    }
}

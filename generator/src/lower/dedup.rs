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

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// For each type, the index of the type it becomes: itself, or an identical one it merges into.
/// `component[i]` says whether type `i` is a component schema.
pub(super) fn merge_identical(types: &[TypeDef], component: &[bool]) -> Vec<usize> {
    let mut into: Vec<usize> = (0..types.len()).collect();
    // Each round after the first writes again only the shapes whose referred types merged:
    // on GitHub's spec, five rounds took three times as long as the first alone.
    let mut shapes: Vec<Option<Shape<'_>>> = vec![None; types.len()];
    loop {
        let stale: Vec<usize> = (0..types.len())
            .filter(|&index| {
                into[index] == index
                    && shapes[index]
                        .as_ref()
                        .is_none_or(|shape| shape.is_stale(&into))
            })
            .collect();
        // Each shape is the type's own affair: they are written side by side.
        let written: Vec<Shape<'_>> = stale
            .par_iter()
            .map(|&index| Shape::of(&types[index], &into))
            .collect();
        for (index, shape) in stale.into_iter().zip(written) {
            shapes[index] = Some(shape);
        }
        // Which group a type falls in decides nothing but its keeper, picked within the group:
        // the groups' order does not matter.
        let mut groups: HashMap<&Shape<'_>, Vec<usize>> = HashMap::new();
        for (index, shape) in shapes.iter().enumerate() {
            if let (true, Some(shape)) = (into[index] == index, shape) {
                groups.entry(shape).or_default().push(index);
            }
        }
        let mut merges = Vec::new();
        for members in groups.into_values().filter(|members| members.len() > 1) {
            let Some(&keeper) = members.iter().min_by_key(|&&index| {
                let ident = &types[index].ident;
                (!component[index], ident.len(), ident)
            }) else {
                continue;
            };
            for &member in &members {
                if member != keeper && !component[member] {
                    merges.push((member, keeper));
                }
            }
        }
        if merges.is_empty() {
            return into;
        }
        for (member, keeper) in merges {
            into[member] = keeper;
        }
    }
}

/// What emit writes for a type apart from its name, with the types it refers to as they
/// were merged when it was written.
#[derive(Clone)]
struct Shape<'a> {
    /// The type's docs.
    docs: &'a [String],
    /// Its kind, which the IR compares field by field, with the types it refers to replaced
    /// by what they had become.
    kind: TypeKind,
    /// Each type it refers to, and what that had become.
    refs: Vec<(usize, usize)>,
    /// The hash of the docs and kind, taken once where the shape is written (on all threads)
    /// rather than each round the shapes are grouped.
    hash: u64,
}

impl<'a> Shape<'a> {
    fn of(def: &'a TypeDef, into: &[usize]) -> Shape<'a> {
        let mut kind = def.kind.clone();
        let mut refs = Vec::new();
        crate::ir::visit_kind_refs_mut(&mut kind, &mut |ty: &mut TypeRef| {
            if let TypeRef::Named(id) = ty {
                let target = resolve(into, id.0);
                refs.push((id.0, target));
                id.0 = target;
            }
        });
        // Fields in another order are the same object: a JSON object's keys have no order.
        // GitHub's webhook payloads repeat one repository schema with its fields shuffled.
        if let TypeKind::Struct(def) = &mut kind {
            def.fields
                .sort_by(|a, b| (a.flatten, &a.wire_name).cmp(&(b.flatten, &b.wire_name)));
        }
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one((&def.docs, &kind));
        Shape {
            docs: &def.docs,
            kind,
            refs,
            hash,
        }
    }

    /// Whether a type it refers to has merged since it was written.
    fn is_stale(&self, into: &[usize]) -> bool {
        self.refs
            .iter()
            .any(|&(id, target)| resolve(into, id) != target)
    }
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.docs == other.docs && self.kind == other.kind
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
              schema: {type: object, properties: {id: {type: integer}, name: {type: string}}}
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}, id: {type: integer}}}
"#,
        );
        let names: Vec<&str> = api.types.iter().map(|t| t.ident.as_str()).collect();
        assert_eq!(names, ["GetAResponse"]);
        // The type keeps the order of the one it is (the spec's order of `getA`).
        let TypeKind::Struct(def) = &api.types[0].kind else {
            panic!("a struct");
        };
        let fields: Vec<&str> = def.fields.iter().map(|f| f.wire_name.as_str()).collect();
        assert_eq!(fields, ["id", "name", "additional_properties"]);
    }
}

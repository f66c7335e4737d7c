//! The component schemas, lowered side by side in runs of consecutive schemas, each run on a
//! lowering of its own (a fork), and joined into the lowering as if it had lowered them one
//! after another.
//!
//! What depends on the order types are made in (which of two identical types is kept, the
//! order of warnings) stays the order of a lowering on one thread, because a fork makes its
//! types in that order and the join puts each fork's after the forks before it. A fork numbers
//! the types it makes from an id of its own ([`Lowerer::first_id`]); the join gives them their
//! places and rewrites every reference to them.
//!
//! Two things are made the first time some schema needs them, and must be made once:
//! - A polymorphic base's struct ([`Lowerer::base_structs`]). When two forks make it, the
//!   earlier fork's stays, as on one thread, and the later one's copy is dropped and its
//!   references point at the one kept. Its kind is set by the lowering of the base schema
//!   itself, in whichever fork that is: the kind moves to the copy kept.
//! - A type a `$ref` to a response, parameter or header schema stands for
//!   ([`Lowerer::stand_ins`]), which a component schema rarely needs. It comes with every
//!   type made while lowering it, so when two forks make one, the forks are thrown away and
//!   the schemas lowered on one thread instead.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};
use rayon::prelude::*;

use super::{Lowerer, PendingType};
use crate::diagnostic::Diagnostic;
use crate::ir::{TypeId, TypeKind, TypeRef, visit_kind_refs_mut};
use crate::pointer::Pointer;

/// The fewest component schemas a fork lowers. Forks are taken by whichever thread is free,
/// and a few schemas can be most of the work (GitHub's `webhook-pull-request-*` are next to
/// each other), so there are many small forks rather than one per thread.
pub(super) const COMPONENTS_PER_FORK: usize = 16;

/// The most forks.
const MAX_FORKS: usize = 256;

/// How far apart the forks' first ids are: more types than any fork can make.
const FORK_ID_STRIDE: usize = usize::MAX / (MAX_FORKS + 2);

/// A component schema to lower: the type registered for it, its name and the schema.
pub(super) type Component<'a> = (TypeId, &'a str, &'a ReferenceOr<Schema>);

/// What a fork made: its types, the components' kinds and docs, and what it shares.
struct Forked {
    first_id: usize,
    types: Vec<PendingType>,
    components: Vec<(TypeId, TypeKind, Vec<String>)>,
    base_structs: BTreeMap<String, TypeId>,
    stand_ins: BTreeMap<Pointer, TypeRef>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    /// Lowers `components` into the types registered for them, in forks of at least
    /// `per_fork` schemas when there are enough of them; whether forks were joined.
    pub(super) fn lower_components(
        &mut self,
        components: &[Component<'a>],
        per_fork: usize,
    ) -> bool {
        let per_fork = per_fork.max(1).max(components.len().div_ceil(MAX_FORKS));
        if components.len() > per_fork {
            let this: &Self = self;
            let forks: Vec<Forked> = components
                .par_chunks(per_fork)
                .enumerate()
                .map(|(index, run)| this.fork(index).lower_run(run))
                .collect();
            if self.join(forks) {
                return true;
            }
        }
        for &(id, name, schema) in components {
            let pointer = component_pointer(name);
            let (kind, docs) = self.component_kind(id, name, schema, &pointer);
            if let Some(pending) = self.pending_mut(id) {
                pending.kind = Some(kind);
                pending.docs = docs;
            }
        }
        false
    }

    /// A lowering that starts where this one is, numbering its types apart as fork `index`.
    fn fork(&self, index: usize) -> Lowerer<'a> {
        Lowerer {
            file: self.file,
            doc: self.doc,
            settings: self.settings,
            diagnostics: Vec::new(),
            types: Vec::new(),
            components: self.components.clone(),
            inline_depth: 0,
            base_structs: BTreeMap::new(),
            stand_ins: BTreeMap::new(),
            item_schemas: self.item_schemas,
            first_id: FORK_ID_STRIDE * (index + 1),
        }
    }

    /// Lowers the schemas of one fork.
    fn lower_run(mut self, run: &[Component<'a>]) -> Forked {
        let components = run
            .iter()
            .map(|&(id, name, schema)| {
                let (kind, docs) = self.component_kind(id, name, schema, &component_pointer(name));
                (id, kind, docs)
            })
            .collect();
        Forked {
            first_id: self.first_id,
            types: self.types,
            components,
            base_structs: self.base_structs,
            stand_ins: self.stand_ins,
            diagnostics: self.diagnostics,
        }
    }

    /// Joins the forks, in order, into this lowering; `false` (and nothing joined) when two
    /// of them made the same stand-in.
    fn join(&mut self, forks: Vec<Forked>) -> bool {
        let mut seen_stand_ins = std::collections::BTreeSet::new();
        for fork in &forks {
            for at in fork.stand_ins.keys() {
                if self.stand_ins.contains_key(at) || !seen_stand_ins.insert(at) {
                    return false;
                }
            }
        }
        self.types
            .reserve(forks.iter().map(|fork| fork.types.len()).sum());
        for fork in forks {
            self.join_one(fork);
        }
        true
    }

    fn join_one(&mut self, fork: Forked) {
        let Forked {
            first_id,
            types,
            components,
            base_structs,
            stand_ins,
            diagnostics,
        } = fork;
        // Where each of the fork's types goes: after the types so far, or, for a base struct
        // an earlier fork made, onto that one.
        let mut places: Vec<Option<Place>> = vec![None; types.len()];
        let mut new_bases = Vec::new();
        for (name, id) in base_structs {
            let Some(local) = id.0.checked_sub(first_id).filter(|&l| l < places.len()) else {
                continue;
            };
            match self.base_structs.get(&name) {
                Some(&kept) => places[local] = Some(Place::Onto(kept)),
                None => new_bases.push((name, local)),
            }
        }
        let mut next = self.first_id + self.types.len();
        for place in &mut places {
            if place.is_none() {
                *place = Some(Place::New(TypeId(next)));
                next += 1;
            }
        }
        let place_of = |local: usize| match places.get(local) {
            Some(Some(Place::New(id) | Place::Onto(id))) => Some(*id),
            _ => None,
        };
        let mut renumber = |ty: &mut TypeRef| {
            if let TypeRef::Named(id) = ty {
                if let Some(place) = id.0.checked_sub(first_id).and_then(place_of) {
                    *id = place;
                }
            }
        };
        for (name, local) in new_bases {
            if let Some(place) = place_of(local) {
                self.base_structs.insert(name, place);
            }
        }
        for (at, mut ty) in stand_ins {
            ty.visit_mut(&mut renumber);
            self.stand_ins.insert(at, ty);
        }
        for (mut pending, place) in types.into_iter().zip(&places) {
            if let Some(kind) = &mut pending.kind {
                visit_kind_refs_mut(kind, &mut renumber);
            }
            match place {
                Some(Place::New(_)) => self.types.push(pending),
                // The base's own lowering, when it was in this fork, set the kind here.
                Some(Place::Onto(kept)) if !is_unset_base(&pending) => {
                    if let Some(kept) = self.pending_mut(*kept) {
                        kept.kind = pending.kind;
                        kept.docs = pending.docs;
                    }
                }
                _ => {}
            }
        }
        for (id, mut kind, docs) in components {
            visit_kind_refs_mut(&mut kind, &mut renumber);
            if let Some(pending) = self.pending_mut(id) {
                pending.kind = Some(kind);
                pending.docs = docs;
            }
        }
        self.diagnostics.extend(diagnostics);
    }
}

/// Where a fork's type goes when it is joined.
#[derive(Clone, Copy)]
enum Place {
    /// After the types so far, with this id.
    New(TypeId),
    /// Nowhere: it is the base struct with this id, which an earlier fork made.
    Onto(TypeId),
}

/// Whether `pending` is a base struct as [`Lowerer::base_struct`] makes it, before its base
/// is lowered.
fn is_unset_base(pending: &PendingType) -> bool {
    matches!(pending.kind, Some(TypeKind::Alias(TypeRef::Json)))
}

/// Where the component schema `name` is.
fn component_pointer(name: &str) -> Pointer {
    Pointer::root()
        .push("components")
        .push("schemas")
        .push(name)
}

#[cfg(test)]
mod tests {
    use super::super::{Lowerer, operation::ItemSchemas};
    use crate::Settings;

    /// A document with these component schemas (YAML indented by four), two responses whose
    /// schemas a schema `$ref` can stand for, and an operation.
    fn document(schemas: &[&str]) -> String {
        format!(
            r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /kennels:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Kennel"}}
components:
  responses:
    Tree:
      description: a tree
      content:
        application/json:
          schema:
            type: object
            properties:
              child: {{$ref: "#/components/responses/Tree"}}
    Leaf:
      description: a leaf
      content:
        application/json:
          schema:
            type: object
            properties:
              green: {{type: boolean}}
  schemas:
{}
"##,
            schemas.concat()
        )
    }

    /// `text` lowered with `per_fork` component schemas to a fork: the crate and warnings as
    /// text, and whether forks were joined.
    fn lowered(text: &str, per_fork: usize) -> (String, Vec<String>, bool) {
        let loaded = crate::load::load("t.yaml", text.as_bytes())
            .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
        let doc = &loaded.document;
        let settings = Settings::new("t");
        let item_schemas = ItemSchemas::of(doc);
        let mut lowerer = Lowerer::new("t.yaml", doc, &settings, &item_schemas);
        let components = lowerer.register_components();
        let forked = lowerer.lower_components(&components, per_fork);
        let api = lowerer.assemble();
        let warnings = lowerer.diagnostics.iter().map(|d| d.to_string()).collect();
        (format!("{api:#?}"), warnings, forked)
    }

    const ANIMAL: &str = r##"
    Animal:
      type: object
      required: [className]
      discriminator: {propertyName: className}
      properties:
        className: {type: string}
        color: {type: string, enum: [red, blue]}
        friend: {$ref: "#/components/schemas/Animal"}
"##;
    /// A subtype of `Animal` that is a polymorphic base itself: `Animal`'s lowering needs
    /// `Dog`'s base struct too.
    const DOG: &str = r##"
    Dog:
      discriminator: {propertyName: className}
      allOf:
        - $ref: "#/components/schemas/Animal"
        - type: object
          properties:
            bark: {type: boolean}
            collar: {type: object, properties: {size: {type: integer}}}
"##;
    const PUPPY: &str = r##"
    Puppy:
      allOf:
        - $ref: "#/components/schemas/Dog"
        - type: object
          properties:
            age: {type: integer}
            collar: {type: object, properties: {size: {type: integer}}}
"##;
    const STRAY: &str = r##"
    Stray:
      allOf:
        - $ref: "#/components/schemas/Animal"
"##;
    const KENNEL: &str = r##"
    Kennel:
      type: object
      properties:
        resident: {$ref: "#/components/schemas/Dog"}
        any: {$ref: "#/components/schemas/Animal"}
        leaf: {$ref: "#/components/responses/Leaf"}
"##;
    /// Uses the stand-in `Tree`, which `Grove` uses too.
    const FOREST: &str = r##"
    Forest:
      type: object
      properties:
        tree: {$ref: "#/components/responses/Tree"}
"##;
    const GROVE: &str = r##"
    Grove:
      type: object
      properties:
        tree: {$ref: "#/components/responses/Tree"}
"##;

    #[test]
    fn forks_lower_components_as_one_thread_does() {
        // A base struct first made by a fork before the base's own (whose lowering sets its
        // kind), and the other way round; identical inline types across forks; a stand-in
        // made by one fork.
        for schemas in [
            [DOG, PUPPY, STRAY, KENNEL, ANIMAL, FOREST],
            [ANIMAL, KENNEL, STRAY, PUPPY, DOG, FOREST],
            [KENNEL, FOREST, ANIMAL, STRAY, DOG, PUPPY],
        ] {
            let text = document(&schemas);
            let (serial, serial_warnings, forked) = lowered(&text, usize::MAX);
            assert!(!forked);
            for per_fork in [1, 2, 3] {
                let (api, warnings, forked) = lowered(&text, per_fork);
                assert!(forked, "{per_fork}\n{text}");
                assert_eq!(api, serial, "{per_fork}\n{text}");
                assert_eq!(warnings, serial_warnings, "{per_fork}\n{text}");
            }
        }
    }

    #[test]
    fn a_stand_in_two_forks_make_is_lowered_on_one_thread() {
        let text = document(&[ANIMAL, FOREST, DOG, GROVE, KENNEL]);
        let (serial, serial_warnings, _) = lowered(&text, usize::MAX);
        let (api, warnings, forked) = lowered(&text, 1);
        assert!(!forked);
        assert_eq!(api, serial);
        assert_eq!(warnings, serial_warnings);
        // In one fork, the stand-in is made once.
        let (api, warnings, forked) = lowered(&text, 4);
        assert!(forked);
        assert_eq!(api, serial);
        assert_eq!(warnings, serial_warnings);
    }
}

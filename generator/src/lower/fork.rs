//! Lowering side by side: the component schemas, then the operations, in runs of consecutive
//! ones, each run on a lowering of its own (a fork), joined into the lowering as if it had
//! lowered them one after another.
//!
//! What depends on the order types are made in (which of two identical types is kept, which
//! field of a cycle is boxed, the order of warnings) stays the order of a lowering on one
//! thread, because a fork makes its types in that order and the join puts each fork's after
//! the forks before it. A fork numbers the types it makes from an id of its own
//! ([`Lowerer::first_id`]) and reads the types made before it ([`Lowerer::below`]); the join
//! gives its types their places and says how to rewrite every reference to them
//! ([`Renumbering`]).
//!
//! Two things are made the first time something needs them, and must be made once:
//! - A polymorphic base's struct ([`Lowerer::base_structs`]). When two forks make it, the
//!   earlier fork's stays, as on one thread, and the later one's is dropped and references
//!   to it go to the one kept. Its kind is set by the lowering of the base schema itself, in
//!   whichever fork that is: the kind moves to the struct kept.
//! - The type a `$ref` to a response, parameter or header schema stands for
//!   ([`Lowerer::stand_ins`]). It comes with every type and warning made while lowering it
//!   ([`Lowerer::stand_in_spans`]): when an earlier fork made it too, all of them are dropped,
//!   as one thread would never have made them, and references to it go to the one kept.
//!   Nothing made inside that span is referred to from outside it but the stand-in itself
//!   and the stand-ins made inside it, which the earlier fork made too.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use openapiv3::{ReferenceOr, Schema};
use rayon::prelude::*;

use super::resolve::component_pointer;
use super::{Lowerer, PendingType, SameAs};
use crate::diagnostic::Diagnostic;
use crate::ir::{TypeId, TypeKind, TypeRef, visit_kind_refs_mut};
use crate::pointer::Pointer;

/// The fewest component schemas or operations a fork lowers. Forks are taken by whichever
/// thread is free, and a few schemas can be most of the work (GitHub's
/// `webhook-pull-request-*` are next to each other), so there are many small forks rather
/// than one per thread.
pub(super) const PER_FORK: usize = 16;

/// The most forks.
const MAX_FORKS: usize = 256;

/// How far apart the forks' first ids are: more types than any fork can make.
const FORK_ID_STRIDE: usize = usize::MAX / (MAX_FORKS + 2);

/// A component schema to lower: the type registered for it, its name and the schema.
pub(super) type Component<'a> = (TypeId, &'a str, &'a ReferenceOr<Schema>);

/// A stand-in a lowering made: where its schema is, and the types and warnings made while
/// lowering it (its own type first), as indices into the lowering's lists.
pub(crate) struct StandInSpan {
    pub(crate) at: Pointer,
    pub(crate) types: Range<usize>,
    pub(crate) diagnostics: Range<usize>,
}

/// What a fork made.
struct Forked<R> {
    first_id: usize,
    types: Vec<PendingType>,
    base_structs: BTreeMap<String, TypeId>,
    stand_ins: BTreeMap<Pointer, TypeRef>,
    stand_in_spans: Vec<StandInSpan>,
    diagnostics: Vec<Diagnostic>,
    results: Vec<R>,
}

/// Where a fork's type went when it was joined.
#[derive(Clone, Copy)]
enum Place {
    /// After the types before it, with this id.
    New(TypeId),
    /// Nowhere: it is the base struct with this id, which an earlier fork made.
    Base(TypeId),
    /// Nowhere: it is the stand-in with this id, which an earlier fork made.
    StandIn(TypeId),
    /// Nowhere: it was made inside a stand-in an earlier fork made.
    Gone,
}

/// How to rewrite a fork's references to the types it made, once it is joined.
pub(super) struct Renumbering {
    first_id: usize,
    places: Vec<Place>,
}

impl Renumbering {
    /// `ty` with the fork's ids made the joined ones.
    pub(super) fn apply(&self, ty: &mut TypeRef) {
        let TypeRef::Named(id) = ty else {
            return;
        };
        let Some(local) = id.0.checked_sub(self.first_id) else {
            return;
        };
        match self.places.get(local) {
            Some(Place::New(place) | Place::Base(place) | Place::StandIn(place)) => *id = *place,
            // Never referred to from outside the span that made it; should it be, the
            // reference falls back to JSON rather than dangle.
            Some(Place::Gone) | None => *ty = TypeRef::Json,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Lowers `components` into the types registered for them, in forks when there are
    /// enough of them; whether forks were joined.
    pub(super) fn lower_components(&mut self, components: &[Component<'a>]) -> bool {
        let forks = self.in_forks(components, |lowerer, &(id, name, schema)| {
            let (kind, docs) =
                lowerer.component_kind(id, name, schema, &component_pointer::<Schema>(name));
            (id, kind, docs)
        });
        let forked = forks.len() > 1;
        for (results, renumbering) in forks {
            for (id, mut kind, docs) in results {
                visit_kind_refs_mut(&mut kind, &mut |ty| renumbering.apply(ty));
                if let Some(pending) = self.pending_mut(id) {
                    pending.kind = Some(kind);
                    pending.docs = docs;
                }
            }
        }
        forked
    }

    /// `lower` run on each of `items` in order, in forks of at least [`Lowerer::per_fork`]
    /// items when there are enough of them, else on this lowering: each fork's results, and
    /// how to rewrite the type references in them.
    pub(super) fn in_forks<T: Sync, R: Send>(
        &mut self,
        items: &[T],
        lower: impl Fn(&mut Lowerer<'a>, &T) -> R + Sync,
    ) -> Vec<(Vec<R>, Renumbering)> {
        let per_fork = self.per_fork.max(1).max(items.len().div_ceil(MAX_FORKS));
        if items.len() <= per_fork {
            let results = items.iter().map(|item| lower(self, item)).collect();
            let unchanged = Renumbering {
                first_id: usize::MAX,
                places: Vec::new(),
            };
            return vec![(results, unchanged)];
        }
        // The forks read the types made so far, which none of them changes.
        self.below = Arc::new(std::mem::take(&mut self.types));
        let this: &Self = self;
        let forks: Vec<Forked<R>> = items
            .par_chunks(per_fork)
            .enumerate()
            .map(|(index, run)| {
                let mut fork = this.fork(index);
                let results = run.iter().map(|item| lower(&mut fork, item)).collect();
                fork.forked(results)
            })
            .collect();
        self.types = Arc::unwrap_or_clone(std::mem::take(&mut self.below));
        self.types
            .reserve(forks.iter().map(|fork| fork.types.len()).sum());
        forks
            .into_iter()
            .map(|mut fork| {
                let results = std::mem::take(&mut fork.results);
                (results, self.join(fork))
            })
            .collect()
    }

    /// A lowering that starts where this one is, numbering its types apart as fork `index`.
    fn fork(&self, index: usize) -> Lowerer<'a> {
        Lowerer {
            file: self.file,
            doc: self.doc,
            settings: self.settings,
            diagnostics: Vec::new(),
            types: Vec::new(),
            below: Arc::clone(&self.below),
            components: self.components.clone(),
            inline_depth: 0,
            // A fork's copies stand for its own types only: its ids stay apart from every
            // other fork's until the join renumbers them.
            lowered_inline: super::schema::reuse::LoweredInline::default(),
            base_structs: self.base_structs.clone(),
            stand_ins: self.stand_ins.clone(),
            stand_in_spans: Vec::new(),
            item_schemas: self.item_schemas,
            first_id: FORK_ID_STRIDE * (index + 1),
            per_fork: self.per_fork,
        }
    }

    /// What this fork made, with `results`.
    fn forked<R>(self, results: Vec<R>) -> Forked<R> {
        Forked {
            first_id: self.first_id,
            types: self.types,
            base_structs: self.base_structs,
            stand_ins: self.stand_ins,
            stand_in_spans: self.stand_in_spans,
            diagnostics: self.diagnostics,
            results,
        }
    }

    /// Joins `fork`, which came after every fork joined before it, into this lowering.
    fn join<R>(&mut self, fork: Forked<R>) -> Renumbering {
        let Forked {
            first_id,
            types,
            base_structs,
            stand_ins,
            stand_in_spans,
            diagnostics,
            ..
        } = fork;
        let mut places: Vec<Option<Place>> = vec![None; types.len()];
        let mut diagnostics_kept = vec![true; diagnostics.len()];
        // Stand-ins made before: everything made inside them goes, but the stand-ins
        // themselves (inside one another too) stand for the ones kept.
        let mut kept_stand_ins = Vec::new();
        for span in &stand_in_spans {
            if let Some(kept) = self.stand_ins.get(&span.at).and_then(named_id) {
                for place in places.get_mut(span.types.clone()).into_iter().flatten() {
                    *place = Some(Place::Gone);
                }
                for kept in diagnostics_kept
                    .get_mut(span.diagnostics.clone())
                    .into_iter()
                    .flatten()
                {
                    *kept = false;
                }
                kept_stand_ins.push((span.types.start, kept));
            }
        }
        for (local, kept) in kept_stand_ins {
            if let Some(place) = places.get_mut(local) {
                *place = Some(Place::StandIn(kept));
            }
        }
        let mut new_bases = Vec::new();
        for (name, id) in base_structs {
            let Some(local) = id.0.checked_sub(first_id).filter(|&l| l < places.len()) else {
                continue;
            };
            match self.base_structs.get(&name) {
                Some(&kept) => places[local] = Some(Place::Base(kept)),
                None => new_bases.push((name, local)),
            }
        }
        let mut next = self.first_id + self.types.len();
        let places: Vec<Place> = places
            .into_iter()
            .map(|place| {
                place.unwrap_or_else(|| {
                    next += 1;
                    Place::New(TypeId(next - 1))
                })
            })
            .collect();
        let renumbering = Renumbering { first_id, places };
        for (name, local) in new_bases {
            if let Some(Place::New(id)) = renumbering.places.get(local) {
                self.base_structs.insert(name, *id);
            }
        }
        for span in &stand_in_spans {
            if let (Some(Place::New(_)), Some(ty)) = (
                renumbering.places.get(span.types.start),
                stand_ins.get(&span.at),
            ) {
                let mut ty = ty.clone();
                ty.visit_mut(&mut |ty| renumbering.apply(ty));
                self.stand_ins.insert(span.at.clone(), ty);
            }
        }
        for (mut pending, place) in types.into_iter().zip(&renumbering.places) {
            if let Some(kind) = &mut pending.kind {
                visit_kind_refs_mut(kind, &mut |ty| renumbering.apply(ty));
            }
            if let Some(same_as) = pending.same_as {
                let mut ty = TypeRef::Named(same_as.id);
                renumbering.apply(&mut ty);
                pending.same_as = named_id(&ty).map(|id| SameAs { id, ..same_as });
            }
            match place {
                Place::New(_) => self.types.push(pending),
                // The base's own lowering, when it was in this fork, set the kind here.
                Place::Base(kept) if !is_unset_base(&pending) => {
                    if let Some(kept) = self.pending_mut(*kept) {
                        kept.kind = pending.kind;
                        kept.docs = pending.docs;
                    }
                }
                _ => {}
            }
        }
        self.diagnostics.extend(
            diagnostics
                .into_iter()
                .zip(diagnostics_kept)
                .filter_map(|(diagnostic, kept)| kept.then_some(diagnostic)),
        );
        renumbering
    }
}

/// The named type a stand-in's type is (perhaps made optional).
fn named_id(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Option(inner) => named_id(inner),
        _ => None,
    }
}

/// Whether `pending` is a base struct as [`Lowerer::base_struct`] makes it, before its base
/// is lowered.
fn is_unset_base(pending: &PendingType) -> bool {
    matches!(pending.kind, Some(TypeKind::Alias(TypeRef::Json)))
}

#[cfg(test)]
mod tests {
    use super::super::{Lowerer, operation::ItemSchemas};
    use crate::Settings;

    /// A document with these component schemas (YAML indented by four), two responses whose
    /// schemas a schema `$ref` can stand for, and operations that use both, and inline types
    /// alike.
    fn document(schemas: &[&str]) -> String {
        let operation = |name: &str, schema: &str| {
            format!(
                r##"
  /{name}:
    post:
      operationId: {name}
      parameters:
        - {{name: shade, in: query, schema: {{$ref: "#/components/responses/Leaf"}}}}
      requestBody:
        content:
          application/json:
            schema: {{type: object, properties: {{size: {{type: integer}}}}}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {schema}
        "404":
          description: gone
          content:
            application/json:
              schema: {{$ref: "#/components/responses/Tree"}}
"##
            )
        };
        let paths = [
            operation("kennels", r##"{$ref: "#/components/schemas/Kennel"}"##),
            operation("trees", r##"{$ref: "#/components/responses/Tree"}"##),
            operation(
                "leaves",
                r##"{type: array, items: {$ref: "#/components/responses/Leaf"}}"##,
            ),
            operation(
                "more",
                "{type: object, properties: {size: {type: integer}}}",
            ),
        ];
        format!(
            r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:{}
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
              odd: {{type: strange}}
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
            paths.concat(),
            schemas.concat()
        )
    }

    /// `text` lowered with `per_fork` component schemas or operations to a fork: the crate
    /// and warnings as text, and whether the component schemas were forked.
    fn lowered(text: &str, per_fork: usize) -> (String, Vec<String>, bool) {
        let loaded = crate::load::load("t.yaml", text.as_bytes())
            .unwrap_or_else(|e| panic!("loads: {e:?}\n{text}"));
        let doc = &loaded.document;
        let settings = Settings::new("t");
        let item_schemas = ItemSchemas::of(doc);
        let mut lowerer = Lowerer::new("t.yaml", doc, &settings, &item_schemas);
        lowerer.per_fork = per_fork;
        let components = lowerer.register_components();
        let forked = lowerer.lower_components(&components);
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
    fn a_stand_in_two_forks_make_is_made_once() {
        let text = document(&[ANIMAL, FOREST, DOG, GROVE, KENNEL]);
        let (serial, serial_warnings, _) = lowered(&text, usize::MAX);
        for per_fork in [1, 2, 4] {
            let (api, warnings, forked) = lowered(&text, per_fork);
            assert!(forked);
            assert_eq!(api, serial, "{per_fork}");
            assert_eq!(warnings, serial_warnings, "{per_fork}");
        }
    }
}

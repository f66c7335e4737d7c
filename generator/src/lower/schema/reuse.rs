//! An inline schema written out the same way as one lowered before is not lowered again.
//! GitHub's spec writes one `permissions` object hundreds of times: lowering each copy, and
//! then finding that the copies are one type (`dedup`), was 60% of the types made.
//!
//! Its types are made the same as the earlier copy's, each one registered for its name only,
//! as a copy of the type it stands for ([`PendingType::same_as`]): where the copy is, and the
//! name it wants there. So names are settled as if every copy had been lowered (which one the
//! merged type is called by does not change), and the copy's warnings are given again where
//! it is. A copy is reused only where lowering it could not differ: the same text with the
//! same reading of `format: byte`, no deeper than the earlier one could go, and an earlier
//! one whose types are all its own (not a stand-in, a polymorphic base's struct, nor fields
//! copied from elsewhere by `allOf`, which are named after another place).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::ops::Range;

use openapiv3::Schema;

use super::shape::{Shape, shape};
use crate::ir::{TypeId, TypeRef, visit_kind_refs_mut};
use crate::lower::resolve::MAX_DEPTH;
use crate::lower::{Lowerer, PendingType, SameAs};
use crate::pointer::{self, Pointer};

/// The inline schemas a lowering lowered, by a hash of their text.
#[derive(Default)]
pub(crate) struct LoweredInline<'a> {
    by_text: HashMap<u64, Vec<Lowered<'a>>>,
    hasher: foldhash::fast::RandomState,
    /// The deepest an inline schema was entered at since the outermost one being lowered.
    deepest: usize,
    /// Whether every copy is lowered again: what reuse must give the same as.
    #[cfg(test)]
    off: bool,
}

/// An inline schema lowered once, and what that made.
struct Lowered<'a> {
    schema: &'a Schema,
    bytes: bool,
    at: Pointer,
    hint: String,
    /// The types its lowering made, by index into the lowering's own.
    types: Range<usize>,
    /// For each of them, the round in which its copy becomes one with it ([`SameAs::round`]).
    rounds: Vec<usize>,
    diagnostics: Range<usize>,
    ty: TypeRef,
    /// How much deeper than itself an inline schema inside it was entered.
    depth_below: usize,
}

/// An inline schema being lowered, to remember once it is.
pub(super) struct Lowering {
    key: u64,
    depth: usize,
    deepest_before: usize,
    types_before: usize,
    diagnostics_before: usize,
    stand_ins_before: usize,
    base_structs_before: usize,
}

impl<'a> Lowerer<'a> {
    /// The type of the inline `schema` at `pointer`, made from the same schema lowered
    /// before; otherwise, when it is worth remembering, what to pass [`Lowerer::remember`]
    /// once it is lowered.
    pub(super) fn reuse(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        hint: &str,
        bytes: bool,
    ) -> Result<TypeRef, Option<Lowering>> {
        let depth = self.inline_depth;
        // Only what names a type makes types; the rest is cheaper to lower than to look up.
        let names_a_type = match shape(schema) {
            Shape::Object { properties, .. } => !properties.is_empty(),
            Shape::String { values, .. } => !values.is_empty(),
            Shape::Integer { values, .. } => !values.is_empty(),
            Shape::MixedEnum | Shape::AllOf { .. } | Shape::OneOf(..) => true,
            _ => false,
        };
        #[cfg(test)]
        if self.lowered_inline.off {
            return Err(None);
        }
        if !names_a_type {
            return Err(None);
        }
        let key = self.lowered_inline.key(schema, bytes);
        let earlier = self.lowered_inline.by_text.get(&key).and_then(|earlier| {
            earlier.iter().find(|earlier| {
                earlier.bytes == bytes
                    && depth + earlier.depth_below <= MAX_DEPTH
                    && *earlier.schema == *schema
            })
        });
        let Some(earlier) = earlier else {
            return Err(Some(Lowering {
                key,
                depth,
                deepest_before: std::mem::replace(&mut self.lowered_inline.deepest, depth),
                types_before: self.types.len(),
                diagnostics_before: self.diagnostics.len(),
                stand_ins_before: self.stand_in_spans.len(),
                base_structs_before: self.base_structs.len(),
            }));
        };
        let (at, earlier_hint, types, rounds, diagnostics, mut ty, depth_below) = (
            earlier.at.clone(),
            earlier.hint.len(),
            earlier.types.clone(),
            earlier.rounds.clone(),
            earlier.diagnostics.clone(),
            earlier.ty.clone(),
            earlier.depth_below,
        );
        self.lowered_inline.deepest = self.lowered_inline.deepest.max(depth + depth_below);
        let first_copy = self.first_id + self.types.len();
        let copies: Vec<PendingType> = self.types[types.clone()]
            .iter()
            .zip(types.clone().zip(rounds))
            .map(|(made, (index, round))| PendingType {
                wanted: format!("{hint}{}", made.wanted.get(earlier_hint..).unwrap_or("")),
                origin: made.origin.rebased(&at, pointer).unwrap_or_default(),
                rank: made.rank,
                docs: Vec::new(),
                kind: None,
                same_as: Some(SameAs {
                    id: made.same_as.map_or(TypeId(self.first_id + index), |s| s.id),
                    round,
                }),
            })
            .collect();
        let (from, to) = (at.to_string(), pointer.to_string());
        let warnings: Vec<_> = self.diagnostics[diagnostics.clone()]
            .iter()
            .map(|diagnostic| {
                let mut diagnostic = diagnostic.clone();
                if let Some(moved) = diagnostic
                    .pointer
                    .as_deref()
                    .and_then(|at| pointer::rebase(at, &from, &to))
                {
                    diagnostic.pointer = Some(moved);
                }
                // A note names another place in the copy (`the earlier one is at ...`).
                if let Some(note) = &mut diagnostic.note {
                    *note = rebase_in_text(note, &from, &to);
                }
                diagnostic
            })
            .collect();
        let own = self.first_id + types.start..self.first_id + types.end;
        ty.visit_mut(&mut |ty| {
            if let TypeRef::Named(id) = ty
                && own.contains(&id.0)
            {
                id.0 = first_copy + (id.0 - own.start);
            }
        });
        self.types.extend(copies);
        self.diagnostics.extend(warnings);
        Ok(ty)
    }

    /// Remembers the inline `schema`, just lowered at `pointer` as `hint` into `ty`, when a
    /// copy of it can be made from what its lowering made.
    pub(super) fn remember(
        &mut self,
        lowering: Lowering,
        schema: &'a Schema,
        pointer: &Pointer,
        hint: &str,
        bytes: bool,
        ty: &TypeRef,
    ) {
        let deepest = self.lowered_inline.deepest;
        self.lowered_inline.deepest = lowering.deepest_before.max(deepest);
        let types = lowering.types_before..self.types.len();
        let reusable = !types.is_empty()
            && deepest <= MAX_DEPTH
            && self.stand_in_spans.len() == lowering.stand_ins_before
            && self.base_structs.len() == lowering.base_structs_before
            && self.types[types.clone()]
                .iter()
                .all(|made| made.wanted.starts_with(hint) && made.origin.is_within(pointer));
        if !reusable {
            return;
        }
        // Each type is made after the types it contains.
        let own = self.first_id + types.start..self.first_id + types.end;
        let mut rounds: Vec<usize> = Vec::with_capacity(types.len());
        for index in types.clone() {
            let made = &mut self.types[index];
            let round = match (made.same_as, &mut made.kind) {
                (Some(same_as), _) => same_as.round,
                (None, Some(kind)) => {
                    let mut most = 0;
                    visit_kind_refs_mut(kind, &mut |ty| {
                        if let TypeRef::Named(id) = ty
                            && let Some(&round) =
                                id.0.checked_sub(own.start)
                                    .and_then(|local| rounds.get(local))
                        {
                            most = most.max(round);
                        }
                    });
                    most + 1
                }
                (None, None) => 1,
            };
            rounds.push(round);
        }
        self.lowered_inline
            .by_text
            .entry(lowering.key)
            .or_default()
            .push(Lowered {
                schema,
                bytes,
                at: pointer.clone(),
                hint: hint.to_owned(),
                types,
                rounds,
                diagnostics: lowering.diagnostics_before..self.diagnostics.len(),
                ty: ty.clone(),
                depth_below: deepest - lowering.depth,
            });
    }

    /// Forgets the inline schemas lowered since the type at `index` (of this lowering's own)
    /// was made: a stand-in made there may be dropped when forks are joined
    /// ([`fork`](crate::lower::fork)), with everything made inside it.
    pub(super) fn forget_inline_since(&mut self, index: usize) {
        for lowered in self.lowered_inline.by_text.values_mut() {
            lowered.retain(|lowered| lowered.types.start < index);
        }
    }
}

impl LoweredInline<'_> {
    /// Notes that an inline schema was entered at `depth`, whether or not it is lowered.
    pub(super) fn entered(&mut self, depth: usize) {
        self.deepest = self.deepest.max(depth);
    }

    /// A hash of `schema` as JSON text, and of `bytes`.
    fn key(&self, schema: &Schema, bytes: bool) -> u64 {
        let mut text = HashWriter(self.hasher.build_hasher());
        text.0.write_u8(u8::from(bytes));
        // Writing into a hasher cannot fail, nor can serializing a schema that was read.
        let _ = serde_json::to_writer(&mut text, schema);
        text.0.finish()
    }
}

/// `text` with each pointer in it that is `from` or inside it moved under `to`.
fn rebase_in_text(text: &str, from: &str, to: &str) -> String {
    let inside = format!("{from}/");
    let moved = text.replace(&inside, &format!("{to}/"));
    match moved.strip_suffix(from) {
        Some(rest) => format!("{rest}{to}"),
        None => moved,
    }
}

/// Text written into a hasher.
struct HashWriter<H>(H);

impl<H: Hasher> io::Write for HashWriter<H> {
    fn write(&mut self, text: &[u8]) -> io::Result<usize> {
        self.0.write(text);
        Ok(text.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::LoweredInline;
    use crate::Settings;
    use crate::lower::{Lowerer, operation::ItemSchemas};

    /// An object written out the same way at each place: a nested object with a field of
    /// a type of its own (a warning), an enum, and a union whose members cannot be told apart
    /// (a warning of a pass after lowering).
    const COPY: &str = "{type: object, properties: {state: {type: string, enum: [open, closed]}, owner: {type: object, properties: {name: {type: string}, odd: {type: strange}}}, either: {oneOf: [{type: integer}, {type: integer, format: int64}]}}}";

    /// `COPY` in a component, in a longer-named operation's response and a shorter-named
    /// one's, and as the items of a third's.
    fn document() -> String {
        let response = |name: &str, schema: &str| {
            format!(
                "  /{name}:\n    get:\n      operationId: {name}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\n"
            )
        };
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{}{}{}components:\n  schemas:\n    LongHolderName: {{type: object, properties: {{held: {COPY}}}}}\n",
            response(
                "listEveryLongNamedThing",
                &format!("{{type: object, properties: {{thing: {COPY}}}}}")
            ),
            response("getB", COPY),
            response("listC", &format!("{{type: array, items: {COPY}}}")),
        )
    }

    /// The document lowered, reusing copies or not, up to `finish`.
    fn lowering<R>(reuse: bool, finish: impl FnOnce(&mut Lowerer<'_>) -> R) -> R {
        let text = document();
        let loaded = crate::load::load("t.yaml", text.as_bytes()).expect("loads");
        let settings = Settings::new("t");
        let item_schemas = ItemSchemas::of(&loaded.document);
        let mut lowerer = Lowerer::new("t.yaml", &loaded.document, &settings, &item_schemas);
        lowerer.lowered_inline = LoweredInline {
            off: !reuse,
            ..LoweredInline::default()
        };
        let components = lowerer.register_components();
        lowerer.lower_components(&components);
        finish(&mut lowerer)
    }

    /// The crate as text, and its warnings.
    fn lowered(reuse: bool) -> (String, BTreeSet<String>) {
        lowering(reuse, |lowerer| {
            let api = lowerer.assemble();
            let warnings = lowerer.diagnostics.iter().map(|d| d.to_string()).collect();
            (format!("{api:#?}"), warnings)
        })
    }

    #[test]
    fn a_copy_is_registered_for_its_name_where_it_is() {
        // Each copy's wanted name and place, and whether it copies a type of its own kind.
        let copies: Vec<(String, String, bool)> = lowering(true, |lowerer| {
            lowerer.operation_modules(&[]);
            let types = &lowerer.types;
            types
                .iter()
                .filter_map(|pending| {
                    let original = types.get(pending.same_as?.id.0)?;
                    let copies_a_kind = pending.kind.is_none()
                        && original.kind.is_some()
                        && original.same_as.is_none();
                    Some((
                        pending.wanted.clone(),
                        pending.origin.to_string(),
                        copies_a_kind,
                    ))
                })
                .collect()
        });
        let json = "get/responses/200/content/application~1json/schema";
        let expected = [
            (
                "ListEveryLongNamedThingResponseThingState",
                format!(
                    "#/paths/~1listEveryLongNamedThing/{json}/properties/thing/properties/state"
                ),
            ),
            (
                "ListEveryLongNamedThingResponseThingOwner",
                format!(
                    "#/paths/~1listEveryLongNamedThing/{json}/properties/thing/properties/owner"
                ),
            ),
            (
                "ListEveryLongNamedThingResponseThingEither",
                format!(
                    "#/paths/~1listEveryLongNamedThing/{json}/properties/thing/properties/either"
                ),
            ),
            (
                "ListEveryLongNamedThingResponseThing",
                format!("#/paths/~1listEveryLongNamedThing/{json}/properties/thing"),
            ),
            (
                "GetBResponseState",
                format!("#/paths/~1getB/{json}/properties/state"),
            ),
            (
                "GetBResponseOwner",
                format!("#/paths/~1getB/{json}/properties/owner"),
            ),
            (
                "GetBResponseEither",
                format!("#/paths/~1getB/{json}/properties/either"),
            ),
            (
                "ListCResponseItemState",
                format!("#/paths/~1listC/{json}/items/properties/state"),
            ),
            (
                "ListCResponseItemOwner",
                format!("#/paths/~1listC/{json}/items/properties/owner"),
            ),
            (
                "ListCResponseItemEither",
                format!("#/paths/~1listC/{json}/items/properties/either"),
            ),
            ("ListCResponseItem", format!("#/paths/~1listC/{json}/items")),
        ]
        .map(|(wanted, origin)| (wanted.to_owned(), origin, true));
        assert_eq!(copies, expected);
    }

    #[test]
    fn a_copy_reused_gives_what_lowering_it_again_gives() {
        let (reused, reused_warnings) = lowered(true);
        let (again, again_warnings) = lowered(false);
        assert_eq!(reused, again);
        assert_eq!(reused_warnings, again_warnings);
        // `GetBResponse` is kept, with its place: the shortest name, as without reuse.
        assert!(reused.contains("ident: \"GetBResponse\""), "{reused}");
        assert!(
            !reused.contains("ident: \"LongHolderNameHeld\""),
            "{reused}"
        );
        let places = reused_warnings
            .iter()
            .filter(|w| w.contains("unknown type `strange`"))
            .count();
        assert_eq!(places, 4, "{reused_warnings:#?}");
    }
}

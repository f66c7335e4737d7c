//! `allOf`: the members' object keywords merged into one struct, with disagreements
//! reported.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use super::object::{Additional, ObjectParts, add_properties};
use super::shape::{Own, Shape, is_unconstrained, shape};
use super::{Lowerer, SchemaRef};
use crate::diagnostic::Diagnostic;
use crate::ir::TypeKind;
use crate::lower::resolve::MAX_DEPTH;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a> {
    /// The struct an `allOf` is, its members' properties merged with those written beside it
    /// (`own`); `None` when a plain type fits: one typed member with only annotations beside
    /// it is that member, and members that are not all objects fall back.
    pub(super) fn all_of_kind(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        own: Option<Own<'a>>,
        pointer: &Pointer,
        name: &str,
    ) -> Option<TypeKind> {
        // One member with only annotations (or `required`) beside it is that member.
        let adds_properties =
            own.is_some_and(|own| !own.properties.is_empty() || own.additional.is_some());
        // Members that only annotate (`{description: ...}`) add nothing: `allOf` of a
        // `$ref` and a description is that reference, not a copy of its fields (copying
        // would never end for recursive schemas).
        let typed = members
            .iter()
            .filter(|m| !is_unconstrained((*m).into()))
            .count();
        if typed < 2 && !adds_properties {
            return None;
        }
        let mut parts = ObjectParts::default();
        let mut collected = BTreeSet::new();
        let all_objects = members.iter().enumerate().all(|(index, member)| {
            self.collect_object(
                member.into(),
                &pointer.push("allOf").push(index),
                &mut parts,
                &mut collected,
                0,
            )
        });
        if !all_objects {
            return None;
        }
        if let Some(own) = own {
            self.merge_properties(&parts, own.properties, pointer);
            add_properties(&mut parts, own.properties, own.required, pointer);
            if own.additional.is_some() {
                parts.additional = Additional::of(own.additional, pointer);
            }
        }
        if parts.properties.is_empty() {
            None
        } else {
            Some(TypeKind::Struct(self.struct_def(name, parts)))
        }
    }

    /// Adds the properties of an `allOf` member to `parts`; `false` if it is not an object.
    ///
    /// `collected` holds the schemas already added to `parts`: one reached again through
    /// another member (a diamond of `allOf`s) adds nothing new, and following it again would
    /// make the work grow exponentially with the depth.
    fn collect_object(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        parts: &mut ObjectParts<'a>,
        collected: &mut BTreeSet<Pointer>,
        depth: usize,
    ) -> bool {
        if depth > MAX_DEPTH {
            self.error(pointer, "allOf nests too deeply (a reference cycle?)");
            return false;
        }
        let Some((schema, at)) = self.resolve(schema, pointer) else {
            return false;
        };
        if !collected.insert(at.clone()) {
            return true;
        }
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                additional,
            } => {
                self.merge_properties(parts, properties, &at);
                add_properties(parts, properties, required, &at);
                let additional = Additional::of(additional, &at);
                if !matches!(additional, Additional::Unsaid) {
                    parts.additional = additional;
                }
                true
            }
            Shape::AllOf { members, own } => {
                let members_ok = members.iter().enumerate().all(|(index, member)| {
                    self.collect_object(
                        member.into(),
                        &at.push("allOf").push(index),
                        parts,
                        collected,
                        depth + 1,
                    )
                });
                if let (true, Some(own)) = (members_ok, own) {
                    self.merge_properties(parts, own.properties, &at);
                    add_properties(parts, own.properties, own.required, &at);
                }
                members_ok
            }
            Shape::Any => true,
            _ => false,
        }
    }

    /// Reports properties that `allOf` members define differently (the later one is used).
    fn merge_properties(
        &mut self,
        parts: &ObjectParts<'a>,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        at: &Pointer,
    ) {
        for (name, new) in properties {
            let Some((old, previous_at)) = parts.properties.get(name) else {
                continue;
            };
            // allOf means every member holds: an empty schema adds nothing.
            if is_unconstrained(new.into()) {
                continue;
            }
            if !is_unconstrained(*old) && !same_schema(*old, new.into()) {
                let diagnostic = Diagnostic::warning(
                    self.file,
                    &at.push("properties").push(name),
                    format!("allOf members disagree on property `{name}`; the later one is used"),
                )
                .note(format!("the earlier one is at {previous_at}"));
                self.diagnostics.push(diagnostic);
            }
        }
    }
}

/// Whether two schemas are written the same (`$ref`s: to the same place).
fn same_schema(a: SchemaRef<'_>, b: SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
        (SchemaRef::Inline(a), SchemaRef::Inline(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeRef;
    use crate::lower::testing::{field, lowered, named, option, struct_of};

    #[test]
    fn all_of_merges_takes_single_refs_and_falls_back_with_a_warning() {
        let (api, warnings) = lowered(
            r##"
            Base:
              type: object
              required: [id]
              properties:
                id: {type: string}
            Either:
              oneOf:
                - type: string
                - type: integer
            Holder:
              type: object
              properties:
                merged:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                    - type: object
                      properties:
                        extra: {type: integer}
                annotated:
                  description: Only annotations beside the one member.
                  allOf:
                    - $ref: "#/components/schemas/Base"
                with_siblings:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                  required: [note]
                  properties:
                    note: {type: string}
                with_union:
                  allOf:
                    - $ref: "#/components/schemas/Either"
                    - type: object
                      properties:
                        extra: {type: integer}
                conflicting:
                  allOf:
                    - type: object
                      properties:
                        x: {type: string}
                    - type: object
                      properties:
                        x: {type: integer}
            "##,
            "",
        );
        let merged: Vec<&str> = struct_of(&api, "HolderMerged")
            .fields
            .iter()
            .map(|f| f.ident.as_str())
            .collect();
        assert_eq!(merged, ["id", "extra", "additional_properties"]);
        assert_eq!(
            field(&api, "Holder", "annotated").ty,
            option(named(&api, "Base"))
        );
        let siblings = struct_of(&api, "HolderWithSiblings");
        let names: Vec<(&str, bool)> = siblings
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|f| (f.ident.as_str(), f.skip_if_none))
            .collect();
        assert_eq!(names, [("id", false), ("note", false)]);
        assert_eq!(
            field(&api, "Holder", "with_union").ty,
            option(TypeRef::Json)
        );
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("allOf with a oneOf/anyOf member"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("disagree on property `x`"))
        );
    }
}

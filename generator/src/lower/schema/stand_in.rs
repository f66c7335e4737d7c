//! A schema `$ref` to a response, request body, parameter or header: the schema written
//! there is one type, registered when first met and lowered once.

use openapiv3::Schema;

use super::shape::{Shape, is_nullable, shape};
use super::{Lowerer, SchemaRef, wrap_nullable};
use crate::ir::{TypeKind, TypeRef};
use crate::lower::fork::StandInSpan;
use crate::pointer::Pointer;

impl<'a> Lowerer<'a> {
    /// The type of a schema written in a response, request body, parameter or header (at
    /// `at`) that a schema `$ref` stands for. A scalar is lowered in place; anything else is
    /// registered as one named type the first time it is met (called `hint`, after that
    /// first use) and lowered once, like a component schema, so that every later reference,
    /// and one from inside the schema itself, is that type. Lowered at each use, a schema
    /// that refers to itself would nest copies of itself, and one that refers to itself
    /// twice would double the work at each level.
    pub(super) fn stand_in_type(
        &mut self,
        schema: &'a Schema,
        at: &Pointer,
        hint: &str,
        bytes: bool,
    ) -> TypeRef {
        if let Some(ty) = self.stand_ins.get(at) {
            return ty.clone();
        }
        let scalar = match shape(schema) {
            Shape::String { values, .. } => values.is_empty(),
            Shape::Integer { values, .. } => values.is_empty(),
            Shape::Number(_) | Shape::Boolean | Shape::Null | Shape::Not | Shape::Any => true,
            _ => false,
        };
        if scalar {
            return self.type_in(SchemaRef::Inline(schema), at, hint, bytes);
        }
        let types_before = self.types.len();
        let diagnostics_before = self.diagnostics.len();
        let id = self.add_pending(hint, at.clone(), 1, Vec::new(), None);
        let ty = wrap_nullable(TypeRef::Named(id), is_nullable(schema));
        self.stand_ins.insert(at.clone(), ty.clone());
        self.warn_lost(schema, at);
        let kind = match self.named_kind(schema, at, hint) {
            Some(kind) => kind,
            None => TypeKind::Alias(self.plain_type(schema, at, hint, false)),
        };
        let docs = self.schema_docs(schema);
        if let Some(pending) = self.pending_mut(id) {
            pending.kind = Some(kind);
            pending.docs = docs;
        }
        self.forget_inline_since(types_before);
        self.stand_in_spans.push(StandInSpan {
            at: at.clone(),
            types: types_before..self.types.len(),
            diagnostics: diagnostics_before..self.diagnostics.len(),
        });
        ty
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeRef;
    use crate::lower::testing::{field, lowered_document, named, option};

    #[test]
    fn a_schema_a_reference_stands_for_is_one_type_however_often_it_is_used() {
        // `Tree` refers to itself once, `Pair` twice: lowered at each use, the first nested
        // 64 copies of itself and the second doubled the work at each of those levels.
        let started = std::time::Instant::now();
        let (api, warnings) = lowered_document(
            r##"
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths: {}
            components:
              responses:
                Tree:
                  description: a tree
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          child: {$ref: "#/components/responses/Tree"}
                Pair:
                  description: two of itself
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          left: {$ref: "#/components/responses/Pair"}
                          right: {$ref: "#/components/responses/Pair"}
              schemas:
                Forest:
                  type: object
                  properties:
                    tree: {$ref: "#/components/responses/Tree"}
                    pair: {$ref: "#/components/responses/Pair"}
                    again: {$ref: "#/components/responses/Pair"}
            "##,
        );
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        let idents: Vec<&str> = api.types.iter().map(|def| def.ident.as_str()).collect();
        assert_eq!(idents, ["Forest", "ForestPair", "ForestTree"]);
        let field_type = |owner: &str, name: &str| {
            let ty = field(&api, owner, name).ty.clone();
            // Recursive fields are boxed; what is inside is the one type.
            fn unboxed(ty: TypeRef) -> TypeRef {
                match ty {
                    TypeRef::Option(inner) => option(unboxed(*inner)),
                    TypeRef::Boxed(inner) => unboxed(*inner),
                    other => other,
                }
            }
            unboxed(ty)
        };
        let named = |ident: &str| named(&api, ident);
        assert_eq!(field_type("Forest", "tree"), option(named("ForestTree")));
        assert_eq!(field_type("Forest", "pair"), option(named("ForestPair")));
        assert_eq!(field_type("Forest", "again"), option(named("ForestPair")));
        assert_eq!(
            field_type("ForestTree", "child"),
            option(named("ForestTree"))
        );
        assert_eq!(
            field_type("ForestPair", "left"),
            option(named("ForestPair"))
        );
        assert_eq!(
            field_type("ForestPair", "right"),
            option(named("ForestPair"))
        );
        // One warning for each reference, however often it was followed.
        let response = "warning: a schema $ref points at a response; its body schema is used\n  --> t.yaml at #/components/";
        let mut expected: Vec<String> = [
            "responses/Pair/content/application~1json/schema/properties/left",
            "responses/Pair/content/application~1json/schema/properties/right",
            "responses/Tree/content/application~1json/schema/properties/child",
            "schemas/Forest/properties/again",
            "schemas/Forest/properties/pair",
            "schemas/Forest/properties/tree",
        ]
        .iter()
        .map(|at| format!("{response}{at}"))
        .collect();
        let mut warnings = warnings;
        warnings.sort();
        expected.sort();
        assert_eq!(warnings, expected);
    }
}

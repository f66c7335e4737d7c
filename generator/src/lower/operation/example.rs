//! The README's example call of an operation: a value for each argument its `Client` method
//! takes, and for its first optional parameter.

use super::super::Lowerer;
use crate::ir::{Body, CallExample, ExampleValue, Param, TypeKind, TypeRef};
use crate::naming;

impl Lowerer<'_> {
    /// The values the README's example call passes: one per `Client` method argument, and
    /// one for the first optional parameter.
    pub(super) fn call_example(&self, params: &[Param], body: Option<&Body>) -> CallExample {
        let arguments = params
            .iter()
            .filter(|p| p.required)
            .map(|p| self.example_value(&p.ty, &p.wire_name))
            .chain(
                body.filter(|b| b.required)
                    .map(|b| self.example_value(&b.ty, "body")),
            )
            .collect();
        let optional = params
            .iter()
            .find(|p| !p.required)
            .map(|p| (p.ident.clone(), self.example_value(&p.ty, &p.wire_name)));
        CallExample {
            arguments,
            optional,
        }
    }

    /// A value of `ty` for an example: a literal where one is easy to read, an enum's first
    /// variant, and otherwise a variable named after `name` that the reader supplies.
    fn example_value(&self, ty: &TypeRef, name: &str) -> ExampleValue {
        match ty {
            TypeRef::String => ExampleValue::Str(name.to_owned()),
            TypeRef::Bool => ExampleValue::Bool(true),
            TypeRef::I32 | TypeRef::I64 => ExampleValue::Int(42),
            TypeRef::F32 | TypeRef::F64 => ExampleValue::Float(1.5),
            TypeRef::DateTime => ExampleValue::Now,
            TypeRef::Uuid => ExampleValue::NewUuid,
            TypeRef::Json => ExampleValue::EmptyJson,
            TypeRef::Vec(_) => ExampleValue::EmptyList,
            TypeRef::Named(id) => match self.pending(*id).and_then(|t| t.kind.as_ref()) {
                Some(TypeKind::Enum(e)) => match e.variants.first() {
                    Some(variant) => ExampleValue::Variant {
                        ty: *id,
                        variant: variant.ident.clone(),
                    },
                    None => ExampleValue::Default,
                },
                _ => ExampleValue::Placeholder(naming::snake(name)),
            },
            _ => ExampleValue::Placeholder(naming::snake(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{CallExample, ExampleValue};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn examples_pass_literals_enum_variants_and_named_placeholders() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /pets/{petId}:
              put:
                operationId: updatePet
                parameters:
                  - {name: petId, in: path, required: true, schema: {type: integer}}
                  - {name: kind, in: query, required: true, schema: {type: string, enum: [cat, dog]}}
                  - {name: a, in: query, required: true, schema: {type: boolean}}
                  - {name: b, in: query, required: true, schema: {type: number}}
                  - {name: c, in: query, required: true, schema: {type: string, format: uuid}}
                  - {name: d, in: query, required: true, schema: {type: array, items: {type: string}}}
                  - {name: dryRun, in: query, schema: {type: string}}
                requestBody:
                  required: true
                  content: {application/json: {schema: {type: object, properties: {x: {type: string}}}}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "update_pet");
        let kind = match &op.example.arguments[1] {
            ExampleValue::Variant { ty, variant } => {
                (api.type_def(*ty).ident.as_str(), variant.as_str())
            }
            other => panic!("an enum variant: {other:?}"),
        };
        assert_eq!(kind, ("UpdatePetKind", "Cat"));
        let mut example = op.example.clone();
        example.arguments.remove(1);
        assert_eq!(
            example,
            CallExample {
                arguments: vec![
                    ExampleValue::Int(42),
                    ExampleValue::Bool(true),
                    ExampleValue::Float(1.5),
                    ExampleValue::NewUuid,
                    ExampleValue::EmptyList,
                    ExampleValue::Placeholder("body".to_owned()),
                ],
                optional: Some(("dry_run".to_owned(), ExampleValue::Str("dryRun".to_owned()))),
            }
        );
        // `&self` and seven arguments: one more than clippy's limit.
        assert!(op.allow_many_arguments);
    }
}

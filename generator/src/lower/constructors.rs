//! Constructors for the structs a request can carry: every struct reachable from a request
//! body (through fields, union variants, aliases, lists, maps and boxes) gets `new` with its
//! required fields, when it has any, and a chainable setter per optional field, so that a
//! body reads `Pet::new("Rex").tag("good")`. Structs only responses carry get neither: the
//! caller never builds them, and each method is code every build compiles.

use crate::ir::{
    Constructor, Field, New, OperationModule, Setter, StructDef, TypeDef, TypeKind, TypeRef,
};
use crate::lower::code_span;
use crate::naming::{self, Case, Scope};

/// Clippy's `too_many_arguments` limit: `new` with more arguments than this allows the lint.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// Sets [`StructDef::constructor`] on every struct a request body of `modules` reaches. Runs
/// once the fields are final (boxed); `Named` ids index `types`.
pub(super) fn set_constructors(types: &mut [TypeDef], modules: &[OperationModule]) {
    let mut reached = vec![false; types.len()];
    let mut work: Vec<&TypeRef> = modules
        .iter()
        .flat_map(|module| &module.operations)
        .filter_map(|op| op.body.as_ref().map(|body| &body.ty))
        .collect();
    // Each type is expanded once, so cycles end and the walk is linear in the type graph.
    while let Some(ty) = work.pop() {
        match ty {
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => work.push(inner),
            TypeRef::Named(id) => {
                let Some(seen) = reached.get_mut(id.0) else {
                    continue;
                };
                if std::mem::replace(seen, true) {
                    continue;
                }
                match &types[id.0].kind {
                    TypeKind::Struct(s) => work.extend(s.fields.iter().map(|f| &f.ty)),
                    TypeKind::Union(u) => work.extend(u.variants.iter().map(|v| &v.ty)),
                    TypeKind::Alias(aliased) => work.push(aliased),
                    TypeKind::Enum(_) => {}
                }
            }
            _ => {}
        }
    }
    for (def, reached) in types.iter_mut().zip(reached) {
        if let (true, TypeKind::Struct(s)) = (reached, &mut def.kind) {
            s.constructor = Some(constructor(&def.ident, s));
        }
    }
}

/// Whether `new` takes the field: required, whether or not it may be `null`.
fn is_required(field: &Field) -> bool {
    !field.flatten && !field.skip_if_none
}

/// The constructor and setters of the struct `name`.
fn constructor(name: &str, s: &StructDef) -> Constructor {
    let arguments: Vec<usize> = (0..s.fields.len())
        .filter(|&index| is_required(&s.fields[index]))
        .collect();
    let new = (!arguments.is_empty()).then(|| New {
        ident: "new".to_owned(),
        docs: vec![format!(
            "A `{name}` from its required fields; the optional ones start unset, for the methods that set them."
        )],
        allow_many_arguments: arguments.len() > CLIPPY_MAX_ARGUMENTS,
        arguments,
    });
    let optional: Vec<(usize, &Field)> = s
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.flatten && f.skip_if_none)
        .collect();
    let mut scope = Scope::new(Case::Snake).reserve(naming::SETTER_RESERVED.iter().copied());
    for (_, field) in &optional {
        scope.add_wanted(&field.ident, field.ident.clone());
    }
    let setters = optional
        .into_iter()
        .zip(scope.settle())
        .map(|((index, field), ident)| {
            let (value, nullable) = match &field.ty {
                TypeRef::Option(inner) => match &**inner {
                    TypeRef::Option(value) => ((**value).clone(), true),
                    value => (value.clone(), false),
                },
                other => (other.clone(), false),
            };
            let mut docs = vec![format!("Sets {}.", code_span(&field.wire_name))];
            if nullable {
                docs.push(String::new());
                docs.push(format!(
                    "To send `null`, set the `{}` field to `Some(None)`.",
                    field.ident
                ));
            }
            Setter {
                ident,
                field: index,
                value,
                nullable,
                docs,
            }
        })
        .collect();
    Constructor { new, setters }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeRef;
    use crate::lower::testing::{lowered, struct_of};

    #[test]
    fn structs_a_request_body_reaches_get_new_and_setters_and_others_nothing() {
        let (api, warnings) = lowered(
            r##"
            Order:
              type: object
              required: [id, note]
              properties:
                id: {type: integer}
                note: {type: string, nullable: true}
                tag: {type: string}
                cleared: {type: string, nullable: true}
                new: {type: string}
                add: {type: integer}
                lines:
                  type: array
                  items: {$ref: "#/components/schemas/Line"}
                choice:
                  oneOf:
                    - $ref: "#/components/schemas/Pick"
                    - type: string
            Line:
              type: object
              properties:
                sku: {type: string}
            Pick:
              type: object
              required: [a, b, c, d, e, f, g, h]
              properties:
                a: {type: integer}
                b: {type: integer}
                c: {type: integer}
                d: {type: integer}
                e: {type: integer}
                f: {type: integer}
                g: {type: integer}
                h: {type: integer}
            Receipt:
              type: object
              required: [id]
              properties:
                id: {type: integer}
            "##,
            r##"
            /orders:
              post:
                requestBody:
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Order"}
                responses:
                  "201":
                    description: made
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Receipt"}
            "##,
        );
        assert!(warnings.is_empty(), "{warnings:#?}");
        let order = struct_of(&api, "Order");
        let constructor = order.constructor.as_ref().expect("a body: a constructor");
        let new = constructor.new.as_ref().expect("required fields: new");
        let taken: Vec<&str> = new
            .arguments
            .iter()
            .map(|&i| order.fields[i].ident.as_str())
            .collect();
        // Required, nullable or not; in field order.
        assert_eq!(taken, ["id", "note"]);
        assert!(!new.allow_many_arguments);
        let setters: Vec<(&str, &str, bool)> = constructor
            .setters
            .iter()
            .map(|s| {
                (
                    s.ident.as_str(),
                    order.fields[s.field].ident.as_str(),
                    s.nullable,
                )
            })
            .collect();
        // `new` and `add` are taken (the constructor, and `Add::add` to clippy); the map of
        // undeclared properties has none.
        assert_eq!(
            setters,
            [
                ("tag", "tag", false),
                ("cleared", "cleared", true),
                ("new_2", "new", false),
                ("add_2", "add", false),
                ("lines", "lines", false),
                ("choice", "choice", false),
            ]
        );
        assert_eq!(constructor.setters[0].value, TypeRef::String);
        assert_eq!(constructor.setters[1].value, TypeRef::String);

        // Through a list: all optional, so setters and no `new` (it derives `Default`).
        let line = struct_of(&api, "Line");
        let line_constructor = line.constructor.as_ref().expect("reached through a list");
        assert!(line_constructor.new.is_none() && line.derive_default);
        assert_eq!(line_constructor.setters.len(), 1);
        // Through a union variant, with more required fields than clippy takes.
        let pick = struct_of(&api, "Pick").constructor.as_ref();
        assert!(
            pick.and_then(|c| c.new.as_ref())
                .unwrap()
                .allow_many_arguments
        );
        // Only a response carries it.
        assert!(struct_of(&api, "Receipt").constructor.is_none());
    }
}

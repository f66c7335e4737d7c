//! Which cargo features compile each type: those of the operation modules whose operations
//! reach it, through their parameters, bodies, responses and headers and then through the
//! types' own fields, variants and aliases. A crate built with one tag's feature then compiles
//! only that tag's types, which are most of a big crate's code.

use std::collections::BTreeSet;

use crate::ir::{Api, Operation, ResponseBody, Success, TypeDef, TypeKind, TypeRef};

/// Sets [`TypeDef::features`] on every type some operation reaches; a type no operation
/// reaches (a component schema no operation uses) stays without, and is always compiled, as is
/// every type it refers to.
pub(super) fn gate_types(api: &mut Api) {
    let mut features: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for (module_index, module) in api.modules.iter().enumerate() {
        let mut stack = Vec::new();
        for op in &module.operations {
            operation_types(op, &mut stack);
        }
        while let Some(index) = stack.pop() {
            let Some(reached) = features.get_mut(index) else {
                continue;
            };
            if reached.insert(module_index) {
                type_def_types(&api.types[index], &mut stack);
            }
        }
    }
    // A type no operation reaches is always compiled, and so is everything it refers to.
    let mut always: Vec<usize> = (0..api.types.len())
        .filter(|&index| features[index].is_empty())
        .collect();
    while let Some(index) = always.pop() {
        let mut inside = Vec::new();
        type_def_types(&api.types[index], &mut inside);
        for reached in inside {
            if let Some(modules) = features.get_mut(reached).filter(|m| !m.is_empty()) {
                modules.clear();
                always.push(reached);
            }
        }
    }
    for (def, modules) in api.types.iter_mut().zip(features) {
        def.features = modules
            .into_iter()
            .map(|index| api.modules[index].ident.clone())
            .collect();
    }
}

/// The types an operation names, as indexes into [`Api::types`].
fn operation_types(op: &Operation, out: &mut Vec<usize>) {
    for param in &op.params {
        named(&param.ty, out);
    }
    if let Some(body) = &op.body {
        named(&body.ty, out);
    }
    for case in &op.responses {
        if let ResponseBody::Json(ty) = &case.body {
            named(ty, out);
        }
    }
    if let Success::Body(ty) = &op.success {
        named(ty, out);
    }
    for response_enum in op.success_enum().into_iter().chain(&op.error_enum) {
        for variant in &response_enum.variants {
            named(&variant.ty, out);
        }
    }
    for field in op.response_headers.iter().flat_map(|h| &h.fields) {
        named(&field.ty, out);
    }
}

/// The types a type's definition names.
fn type_def_types(def: &TypeDef, out: &mut Vec<usize>) {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| named(&f.ty, out)),
        TypeKind::Alias(ty) => named(ty, out),
        TypeKind::Union(u) => {
            u.variants.iter().for_each(|v| named(&v.ty, out));
            u.accessors.iter().for_each(|a| named(&a.ty, out));
            out.extend(u.base.map(|base| base.0));
        }
        TypeKind::Enum(_) => {}
    }
}

/// The generated types `ty` names, at any depth.
fn named(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(id.0),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => named(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::testing::{def, lowered_document};

    #[test]
    fn a_type_is_compiled_by_the_features_of_the_tags_that_reach_it_or_always() {
        let (api, _) = lowered_document(
            r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      tags: [pets]
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /stores:
    post:
      tags: [stores]
      operationId: addStore
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Store'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
    Store:
      type: object
      properties:
        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    Owner:
      type: object
      properties:
        name: {type: string}
    Unused:
      type: object
      properties:
        note: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
"#,
        );
        let features = |name: &str| def(&api, name).features.clone();
        assert_eq!(features("Store"), ["stores"]);
        assert_eq!(features("Pet"), ["pets", "stores"]);
        assert!(features("Unused").is_empty());
        // Reached by operations, but also by a type no operation reaches: always compiled.
        assert!(features("Owner").is_empty());
    }
}

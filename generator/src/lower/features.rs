//! Which cargo features compile each type: those of the operation modules whose operations
//! reach it, through their parameters, bodies, responses and headers and then through the
//! types' own fields, variants and aliases. A crate built with one tag's feature then compiles
//! only that tag's types, which are most of a big crate's code.

use std::collections::BTreeSet;

use crate::ir::{Api, Operation, ResponseBody, Success, TypeDef, TypeKind, TypeRef};
use crate::naming;

/// Sets [`TypeDef::features`] on every type: the features of the operation modules that reach
/// it, and [`naming::STANDALONE_TYPES_FEATURE`] when a type no operation reaches (a component
/// schema no operation uses) is it or refers to it, so that such types cost a build that does
/// not ask for them nothing.
pub(super) fn gate_types(api: &mut Api) {
    let mut features: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for (module_index, module) in api.modules.iter().enumerate() {
        let mut stack = Vec::new();
        for op in &module.operations {
            operation_types(op, &mut stack);
        }
        reach(api, &mut features, module_index, stack);
    }
    // The types no operation reaches, as if one more module used them all; it sorts last.
    let standalone = api.modules.len();
    let unreached: Vec<usize> = (0..api.types.len())
        .filter(|&index| features[index].is_empty())
        .collect();
    reach(api, &mut features, standalone, unreached);
    for (def, modules) in api.types.iter_mut().zip(features) {
        def.features = modules
            .into_iter()
            .map(|index| match api.modules.get(index) {
                Some(module) => module.ident.clone(),
                None => naming::STANDALONE_TYPES_FEATURE.to_owned(),
            })
            .collect();
    }
}

/// Marks `feature` on the types of `stack` and every type they refer to.
fn reach(api: &Api, features: &mut [BTreeSet<usize>], feature: usize, mut stack: Vec<usize>) {
    while let Some(index) = stack.pop() {
        let Some(reached) = features.get_mut(index) else {
            continue;
        };
        if reached.insert(feature) {
            type_def_types(&api.types[index], &mut stack);
        }
    }
}

fn operation_types(op: &Operation, out: &mut Vec<usize>) {
    for param in &op.params {
        named(&param.ty, out);
    }
    if let Some(body) = &op.body {
        named(&body.ty, out);
    }
    for case in &op.responses {
        if let ResponseBody::Json(ty) | ResponseBody::JsonEvents(ty) = &case.body {
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
        | TypeRef::Boxed(inner)
        | TypeRef::EventStream(inner) => named(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::testing::{def, lowered_document};

    #[test]
    fn a_type_is_compiled_by_the_features_of_the_tags_that_reach_it_or_as_standalone() {
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
        assert_eq!(features("Unused"), ["standalone-types"]);
        // Reached by operations, and by a type no operation reaches.
        assert_eq!(features("Owner"), ["pets", "stores", "standalone-types"]);
    }
}

//! Error enums several operations declare alike become one enum in `operations`, and each
//! operation's error type a `pub type` naming it: Kubernetes' 845 operations nearly all declare
//! only `401 Unauthorized`, and one enum with its derives per operation was a few percent
//! of the crate's `cargo check`.
//!
//! Two enums are alike when everything emit writes for them but their name and their own docs
//! (which name the operation) is: variants with their payloads and docs, and derives. The
//! shared enum is named after its variants (`UnauthorizedError`, `NotFoundOrForbiddenError`,
//! `BadRequestUnauthorizedOrNotFoundError`, and for four or more the first two and
//! `AndOthers`), in the scope of every name `operations` holds.

use std::collections::BTreeMap;

use super::RESERVED_TYPE_NAMES;
use crate::ir::{Api, Operation, ResponseEnum, SharedEnum};
use crate::naming::{self, Case, Scope};

/// Finds the error enums declared alike by two operations or more, and makes each of those
/// enums name one [`SharedEnum`].
pub(super) fn share_error_enums(api: &mut Api) {
    // Each group's members, as (module, operation) indexes, in module and spec order.
    let mut groups: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (m, module) in api.modules.iter().enumerate() {
        for (o, op) in module.operations.iter().enumerate() {
            if let Some(errors) = &op.error_enum {
                groups.entry(shape(errors)).or_default().push((m, o));
            }
        }
    }
    let groups: Vec<Vec<(usize, usize)>> = groups
        .into_values()
        .filter(|members| members.len() > 1)
        .collect();
    if groups.is_empty() {
        return;
    }

    let mut scope = Scope::new(Case::Pascal).reserve(
        RESERVED_TYPE_NAMES
            .iter()
            .chain(&naming::OPERATION_MODULE_IMPORTS)
            .copied(),
    );
    let taken: Vec<&str> = api
        .modules
        .iter()
        .flat_map(|module| module.operations.iter().flat_map(Operation::item_names))
        .chain(api.modules.iter().map(|module| module.ident.as_str()))
        .collect();
    scope = scope.reserve(taken);
    let slots: Vec<usize> = groups
        .iter()
        .map(|members| {
            let (m, o) = members[0];
            let variants: Vec<&str> = api.modules[m].operations[o]
                .error_enum
                .iter()
                .flat_map(|errors| &errors.variants)
                .map(|variant| variant.ident.as_str())
                .collect();
            let wanted = wanted_name(&variants);
            scope.add_wanted(&wanted, wanted.clone())
        })
        .collect();
    let names = scope.settle();

    let mut shared = Vec::with_capacity(groups.len());
    for (members, slot) in groups.iter().zip(slots) {
        let name = &names[slot];
        let mut modules: Vec<String> = members
            .iter()
            .map(|&(m, _)| api.modules[m].ident.clone())
            .collect();
        modules.dedup();
        let (m, o) = members[0];
        let Some(first) = api.modules[m].operations[o].error_enum.clone() else {
            continue;
        };
        for &(m, o) in members {
            if let Some(errors) = &mut api.modules[m].operations[o].error_enum {
                errors.shared = Some(name.clone());
            }
        }
        shared.push(SharedEnum {
            def: ResponseEnum {
                ident: name.clone(),
                docs: vec![format!(
                    "The error responses, by status, that {} operations declare alike; each \
                     one's error type (`{}`, ...) names this enum.",
                    members.len(),
                    first.ident
                )],
                shared: None,
                ..first
            },
            modules,
        });
    }
    shared.sort_by(|a, b| a.def.ident.cmp(&b.def.ident));
    api.shared_error_enums = shared;
}

/// What emit writes for `errors` but its name and its docs, as text to group by.
fn shape(errors: &ResponseEnum) -> String {
    format!(
        "{:?} {} {}",
        errors.variants, errors.derive_partial_eq, errors.allow_large_variants
    )
}

/// The name a shared enum asks for, from its variants: up to three spelled out, then the
/// first two and `AndOthers`.
fn wanted_name(variants: &[&str]) -> String {
    match variants {
        [] => "Error".to_owned(),
        [one] => format!("{one}Error"),
        [one, two] => format!("{one}Or{two}Error"),
        [one, two, three] => format!("{one}{two}Or{three}Error"),
        [one, two, ..] => format!("{one}{two}AndOthersError"),
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::testing::lowered_document;

    #[test]
    fn a_shared_enum_is_named_after_its_variants() {
        let name = |variants: &[&str]| super::wanted_name(variants);
        assert_eq!(name(&["Unauthorized"]), "UnauthorizedError");
        assert_eq!(name(&["NotFound", "Forbidden"]), "NotFoundOrForbiddenError");
        let three = ["BadRequest", "Unauthorized", "NotFound"];
        assert_eq!(name(&three), "BadRequestUnauthorizedOrNotFoundError");
        let four = ["BadRequest", "Unauthorized", "Forbidden", "NotFound"];
        assert_eq!(name(&four), "BadRequestUnauthorizedAndOthersError");
    }

    #[test]
    fn operations_declaring_the_same_errors_share_one_enum() {
        let (api, _) = lowered_document(
            r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      tags: [first]
      responses:
        '200': {description: ok}
        '401': {description: Unauthorized}
  /b:
    get:
      operationId: getB
      tags: [second]
      responses:
        '200': {description: ok}
        '401': {description: Unauthorized}
  /c:
    get:
      operationId: getC
      tags: [second]
      responses:
        '200': {description: ok}
        '401': {description: Unauthorized, content: {application/json: {schema: {type: string}}}}
"#,
        );
        let [shared] = api.shared_error_enums.as_slice() else {
            panic!("one shared enum: {:?}", api.shared_error_enums);
        };
        assert_eq!(shared.def.ident, "UnauthorizedError");
        assert_eq!(shared.modules, ["first", "second"]);
        let errors = |name: &str| {
            api.operations()
                .find(|op| op.operation_id == name)
                .and_then(|op| op.error_enum.as_ref())
                .expect("an error enum")
        };
        assert_eq!(errors("getA").shared.as_deref(), Some("UnauthorizedError"));
        assert_eq!(errors("getB").shared.as_deref(), Some("UnauthorizedError"));
        assert_eq!(errors("getA").ident, "GetAError", "each keeps its own name");
        assert_eq!(errors("getC").shared, None, "a 401 with a body differs");
    }
}

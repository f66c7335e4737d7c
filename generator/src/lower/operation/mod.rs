//! Operations to client methods: each operation's parts are lowered by `params`, `body` and
//! `responses`; this module settles the names every operation takes crate-wide (its `Client`
//! method, its builder and the types made for it) and builds each [`Operation`] once.

mod body;
mod events;
mod example;
mod pagination;
mod params;
mod responses;

use openapiv3::{Parameter, ReferenceOr};

pub(crate) use self::events::ItemSchemas;
use self::pagination::PageInputs;
use self::responses::{EnumDraft, HeadersDraft, SuccessDraft};
use super::docs::{code_span, doc_lines};
use super::{Lowerer, RESERVED_TYPE_NAMES, config};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    Body, CallExample, Encoding, HttpMethod, Operation, Pagination, Param, ParamId, ParamLocation,
    PathPart, ResponseCase, SchemeId, SecurityScheme, Success, TypeRef,
};
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;

/// Methods with more arguments than this (counting `&self`) trip `clippy::too_many_arguments`.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// The header parameter whose value makes the server apply a request once, however often it
/// is sent (the IETF draft `draft-ietf-httpapi-idempotency-key-header`, Stripe, PayPal, ...).
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Operation extensions that mark an operation safe to send more than once.
const RETRY_SAFE_EXTENSIONS: &[&str] = &["x-apiforge-retry-safe", "x-idempotent"];

/// What a path item's place in `paths` holds for lowering, in spec order.
enum PathWork<'a> {
    /// A `$ref` path item, which is skipped with a warning.
    Skipped(Pointer),
    /// An operation the settings select.
    Operation {
        path_key: &'a str,
        http_method: HttpMethod,
        path_params: &'a [ReferenceOr<Parameter>],
        operation: &'a openapiv3::Operation,
        pointer: Pointer,
    },
}

/// An operation lowered but for the names settled crate-wide: everything an [`Operation`]
/// holds, with its enums and headers struct not yet named.
struct Draft {
    /// Its first tag, if it has one.
    tag: Option<String>,
    /// The `Client` method name it asks for: its `operationId`.
    wanted: String,
    operation_id: String,
    http_method: HttpMethod,
    path_template: String,
    route: String,
    path: Vec<PathPart>,
    summary: Option<String>,
    docs: Vec<String>,
    deprecated: bool,
    params: Vec<Param>,
    body: Option<Body>,
    encodings: Vec<Encoding>,
    accept: Option<String>,
    responses: Vec<ResponseCase>,
    success: SuccessDraft,
    errors: Option<EnumDraft>,
    headers: Option<HeadersDraft>,
    security: Vec<Vec<SchemeId>>,
    retry_safe: bool,
    idempotency_key: Option<ParamId>,
    example: CallExample,
    pagination: Option<Pagination>,
}

/// The names an operation takes in the crate-wide scopes.
struct OperationNames {
    method: String,
    builder: String,
    success: Option<String>,
    errors: Option<String>,
    headers: Option<String>,
}

impl Draft {
    fn named(self, names: OperationNames) -> Operation {
        let success = match (self.success, names.success) {
            (SuccessDraft::ByStatus(draft), Some(ident)) => Success::ByStatus(draft.named(ident)),
            (SuccessDraft::ByStatus(_), None) => Success::Body(TypeRef::Unit),
            (SuccessDraft::Body(ty), _) => Success::Body(ty),
        };
        let arguments = self.params.iter().filter(|p| p.required).count()
            + usize::from(self.body.as_ref().is_some_and(|b| b.required));
        let redacted_debug = self.params.iter().any(|p| p.secret);
        Operation {
            method_ident: names.method,
            builder_ident: names.builder,
            operation_id: self.operation_id,
            http_method: self.http_method,
            path_template: self.path_template,
            route: self.route,
            path: self.path,
            summary: self.summary,
            docs: self.docs,
            deprecated: self.deprecated,
            params: self.params,
            body: self.body,
            encodings: self.encodings,
            accept: self.accept,
            responses: self.responses,
            success,
            error_enum: self
                .errors
                .zip(names.errors)
                .map(|(e, ident)| e.named(ident)),
            response_headers: self
                .headers
                .zip(names.headers)
                .map(|(h, ident)| h.named(ident)),
            security: self.security,
            retry_safe: self.retry_safe,
            allow_many_arguments: arguments + 1 > CLIPPY_MAX_ARGUMENTS,
            idempotency_key: self.idempotency_key,
            redacted_debug,
            example: self.example,
            pagination: self.pagination,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Every operation the settings select, with its first tag, names settled.
    pub(crate) fn operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> Vec<(Option<String>, Operation)> {
        let mut work = Vec::new();
        let paths = Pointer::root().push("paths");
        for (path_key, item) in &self.doc.paths.paths {
            let item_pointer = paths.push(path_key);
            let ReferenceOr::Item(item) = item else {
                work.push(PathWork::Skipped(item_pointer));
                continue;
            };
            for (method, operation) in item.iter() {
                // A dropped operation is never lowered, so its inline types never exist.
                if !config::selected(&self.settings.operations, operation) {
                    continue;
                }
                let http_method = match method {
                    "get" => HttpMethod::Get,
                    "put" => HttpMethod::Put,
                    "post" => HttpMethod::Post,
                    "delete" => HttpMethod::Delete,
                    "options" => HttpMethod::Options,
                    "head" => HttpMethod::Head,
                    "patch" => HttpMethod::Patch,
                    _ => HttpMethod::Trace,
                };
                work.push(PathWork::Operation {
                    path_key,
                    http_method,
                    path_params: &item.parameters,
                    operation,
                    pointer: item_pointer.push(method),
                });
            }
        }
        let forks = self.in_forks(&work, |lowerer, work| match work {
            PathWork::Skipped(pointer) => {
                lowerer.warning(
                    pointer,
                    "a $ref path item is not supported yet; its operations are skipped",
                );
                None
            }
            PathWork::Operation {
                path_key,
                http_method,
                path_params,
                operation,
                pointer,
            } => Some(lowerer.operation(
                path_key,
                *http_method,
                path_params,
                operation,
                pointer,
                schemes,
            )),
        });
        let mut drafts = Vec::new();
        let mut renumberings = Vec::new();
        for (results, renumbering) in forks {
            let start = drafts.len();
            drafts.extend(results.into_iter().flatten());
            renumberings.push((start..drafts.len(), renumbering));
        }

        // Method names in spec order; then builder, success and error types share one scope.
        let mut methods = Scope::new(Case::Snake).reserve(["builder", "new"]);
        for draft in &drafts {
            methods.add(&draft.wanted);
        }
        let method_names = methods.settle();
        // One scope for the whole crate, although each type lives in its tag's module:
        // `operations` re-exports them all side by side. Operation modules name the API's
        // types by absolute path, but the prelude's (`Result`, `Option`) and the runtime's
        // they import unqualified.
        let mut types = Scope::new(Case::Pascal).reserve(
            RESERVED_TYPE_NAMES
                .iter()
                .chain(&naming::OPERATION_MODULE_IMPORTS)
                .copied(),
        );
        let builders: Vec<usize> = method_names.iter().map(|name| types.add(name)).collect();
        let mut wanted = |present: &dyn Fn(&Draft) -> bool, suffix: &str| -> Vec<Option<usize>> {
            drafts
                .iter()
                .zip(&method_names)
                .map(|(draft, name)| {
                    present(draft).then(|| {
                        types.add_wanted(name, format!("{}{suffix}", naming::pascal(name)))
                    })
                })
                .collect()
        };
        let errors = wanted(&|d| d.errors.is_some(), "Error");
        let successes = wanted(
            &|d| matches!(d.success, SuccessDraft::ByStatus(_)),
            "Response",
        );
        let headers = wanted(&|d| d.headers.is_some(), "Headers");
        let type_names = types.settle();
        let name = |slot: Option<usize>| slot.map(|slot| type_names[slot].clone());

        let mut operations: Vec<(Option<String>, Operation)> = drafts
            .into_iter()
            .zip(method_names)
            .enumerate()
            .map(|(index, (draft, method))| {
                let names = OperationNames {
                    method,
                    builder: type_names[builders[index]].clone(),
                    success: name(successes[index]),
                    errors: name(errors[index]),
                    headers: name(headers[index]),
                };
                (draft.tag.clone(), draft.named(names))
            })
            .collect();
        for (range, renumbering) in renumberings {
            for (_, operation) in operations.get_mut(range).into_iter().flatten() {
                operation.visit_type_refs_mut(&mut |ty| renumbering.apply(ty));
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path_key: &str,
        http_method: HttpMethod,
        path_params: &'a [ReferenceOr<Parameter>],
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        schemes: &[SecurityScheme],
    ) -> Draft {
        let sent_path = path_key.split_once('#').map_or(path_key, |(path, _)| path);
        let operation_id = operation
            .operation_id
            .clone()
            .filter(|id| id.chars().any(char::is_alphanumeric))
            .unwrap_or_else(|| synthesize_operation_id(http_method, path_key));
        let hint = naming::pascal(&operation_id);

        let mut params = self.parameters(path_params, &operation.parameters, pointer, &hint);
        let body = self.request_body(operation, pointer, &hint);
        params.extend(body.form_fields);
        let mut path = self.path_parts(sent_path, &mut params, pointer);
        params::order_params(&mut params, &mut path);
        let responses = self.responses(operation, pointer, &hint);
        // Before the parameters' names: a paginated builder's members are kept off them.
        let inputs = PageInputs {
            operation,
            path_params,
            http_method,
            params: &params,
            body: body.body.as_ref(),
            success: &responses.success,
        };
        let pagination = self.pagination(inputs, pointer);
        let mut params =
            params::settle_param_names(params, &body.body, &body.encodings, pagination.is_some());
        let example = self.call_example(&params, body.body.as_ref());

        let headers = self.response_headers(operation, pointer, &hint);
        let accept = responses::accept_header(operation, self.doc.components.as_ref());
        let security = self.security(operation, pointer, schemes);
        let mut retry_safe = self.retry_safe(operation, pointer);
        // The server applies one key once: a call that carries one is safe to repeat. An
        // optional key is filled by the client when the caller gives none.
        let idempotency_key = params.iter().position(|p| {
            p.location == ParamLocation::Header && p.wire_name.eq_ignore_ascii_case(IDEMPOTENCY_KEY)
        });
        retry_safe |= idempotency_key.is_some_and(|index| params[index].required);
        let idempotency_key = idempotency_key
            .filter(|index| !params[*index].required)
            .map(ParamId);
        if let Some(ParamId(index)) = idempotency_key {
            let docs = &mut params[index].docs;
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push(
                "Left unset, the client sends a fresh random key, the same on every retry of \
                 the call, and may retry it (see `ClientBuilder::idempotency_keys`)."
                    .to_owned(),
            );
        }

        let mut docs = Vec::new();
        if let Some(summary) = operation
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            docs.extend(doc_lines(summary));
        }
        if let Some(description) = &operation.description {
            let lines = doc_lines(description);
            if !lines.is_empty() && lines != docs {
                if !docs.is_empty() {
                    docs.push(String::new());
                }
                docs.extend(lines);
            }
        }
        if !docs.is_empty() {
            docs.push(String::new());
        }
        if sent_path == path_key {
            let route = format!("{} {}", http_method.as_str(), path_key);
            docs.push(format!("Sends {}.", code_span(&route)));
        } else {
            let route = format!("{} {}", http_method.as_str(), sent_path);
            docs.push(format!(
                "Sends {} (the spec's path key is {}).",
                code_span(&route),
                code_span(path_key)
            ));
        }

        Draft {
            tag: operation.tags.first().cloned(),
            wanted: operation_id.clone(),
            operation_id,
            http_method,
            path_template: path_key.to_owned(),
            route: sent_path.to_owned(),
            path,
            summary: operation.summary.as_ref().map(|s| s.trim().to_owned()),
            docs,
            deprecated: operation.deprecated,
            params,
            body: body.body,
            encodings: body.encodings,
            accept,
            responses: responses.cases,
            success: responses.success,
            errors: responses.errors,
            headers,
            security,
            retry_safe,
            idempotency_key,
            example,
            pagination,
        }
    }

    /// Whether an extension marks the operation safe to retry; a value other than a boolean
    /// is ignored with a warning.
    fn retry_safe(&mut self, operation: &openapiv3::Operation, pointer: &Pointer) -> bool {
        let mut safe = false;
        for name in RETRY_SAFE_EXTENSIONS {
            match operation.extensions.get(*name) {
                None => {}
                Some(serde_json::Value::Bool(value)) => safe |= value,
                Some(_) => self.warning(
                    &pointer.push(name),
                    format!("`{name}` must be `true` or `false`; it is ignored"),
                ),
            }
        }
        safe
    }

    /// The security alternatives that apply: the operation's own, else the document's; an
    /// alternative naming a scheme that is not usable is dropped with a warning.
    fn security(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<SchemeId>> {
        let (requirements, at) = match &operation.security {
            Some(requirements) => (requirements, pointer.push("security")),
            None => match &self.doc.security {
                Some(requirements) => (requirements, Pointer::root().push("security")),
                None => return Vec::new(),
            },
        };
        let mut alternatives = Vec::new();
        'alternatives: for (index, requirement) in requirements.iter().enumerate() {
            let mut schemes_needed = Vec::new();
            for name in requirement.keys() {
                match schemes.iter().position(|s| &s.name == name) {
                    Some(scheme) => schemes_needed.push(SchemeId(scheme)),
                    None => {
                        let diagnostic = Diagnostic::warning(
                            self.file,
                            &at.push(index),
                            format!("security requirement names `{name}`, which is not a usable security scheme; this alternative is skipped"),
                        )
                        .note("declare it under #/components/securitySchemes");
                        self.diagnostics.push(diagnostic);
                        continue 'alternatives;
                    }
                }
            }
            alternatives.push(schemes_needed);
        }
        if alternatives.iter().all(Vec::is_empty) {
            return Vec::new();
        }
        alternatives
    }
}

/// `postJwt`-style ids for operations without one: method, then the path's words, with
/// `{param}` as `by_param` and a `#1` suffix as `1`.
fn synthesize_operation_id(method: HttpMethod, path_key: &str) -> String {
    let mut words = vec![method.as_str().to_lowercase()];
    for segment in path_key.split(['/', '#']).filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".to_owned());
                words.push(param.to_owned());
            }
            None => words.push(segment.to_owned()),
        }
    }
    words.join("_")
}

#[cfg(test)]
mod tests {
    use crate::ir::{ParamId, PathPart, SchemeId};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn missing_operation_ids_are_made_from_method_and_path_and_suffixes_are_not_sent() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /users/{id}/keys:
              parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
              get: {responses: {'204': {description: ok}}}
            /users#2:
              get: {responses: {'204': {description: ok}}}
            "#,
        ));
        let keys = operation(&api, "get_users_by_id_keys");
        assert_eq!(keys.operation_id, "get_users_by_id_keys");
        assert_eq!(keys.builder_ident, "GetUsersByIdKeys");
        let users = operation(&api, "get_users_2");
        assert_eq!(users.path_template, "/users#2");
        assert_eq!(users.route, "/users");
        assert_eq!(users.path, [PathPart::Literal("/users".to_owned())]);
    }

    #[test]
    fn an_idempotency_key_header_is_filled_when_optional_and_makes_retries_safe_when_required() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /optional:
              post:
                operationId: optionalKey
                parameters:
                  - {name: idempotency-key, in: header, schema: {type: string}}
                responses: {'204': {description: ok}}
            /required:
              post:
                operationId: requiredKey
                parameters:
                  - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
                responses: {'204': {description: ok}}
            /query:
              post:
                operationId: queryKey
                parameters:
                  - {name: Idempotency-Key, in: query, schema: {type: string}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let facts = |name: &str| {
            let op = operation(&api, name);
            (op.idempotency_key, op.retry_safe)
        };
        assert_eq!(facts("optional_key"), (Some(ParamId(0)), false));
        assert_eq!(facts("required_key"), (None, true));
        assert_eq!(facts("query_key"), (None, false));
    }

    #[test]
    fn retry_safe_extensions_take_booleans_only() {
        let (api, warnings) = lowered_document(&with_paths(
            r#"
            /jobs:
              post:
                operationId: createJob
                x-apiforge-retry-safe: true
                responses: {'204': {description: ok}}
            /runs:
              post:
                operationId: startRun
                x-idempotent: true
                responses: {'204': {description: ok}}
            /other:
              post:
                operationId: other
                x-idempotent: 'yes'
                x-apiforge-retry-safe: false
                responses: {'204': {description: ok}}
            "#,
        ));
        let safe: Vec<(&str, bool)> = api
            .operations()
            .map(|op| (op.method_ident.as_str(), op.retry_safe))
            .collect();
        assert_eq!(
            safe,
            [("create_job", true), ("start_run", true), ("other", false)]
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("`x-idempotent` must be `true` or `false`")),
            "{warnings:?}"
        );
    }

    #[test]
    fn security_alternatives_name_schemes_and_unknown_ones_are_skipped() {
        let (api, warnings) = lowered_document(
            r#"
            openapi: 3.0.3
            info: {title: t, version: '1'}
            components:
              securitySchemes:
                key: {type: apiKey, in: header, name: Authorization}
                basic: {type: http, scheme: basic}
            security: [{basic: []}]
            paths:
              /a:
                get:
                  operationId: a
                  security: [{nope: []}, {key: [], basic: []}]
                  responses: {'204': {description: ok}}
              /b:
                get:
                  operationId: b
                  responses: {'204': {description: ok}}
            "#,
        );
        // Schemes in spec order: `key`, then `basic`.
        assert_eq!(operation(&api, "a").security, [[SchemeId(0), SchemeId(1)]]);
        assert_eq!(operation(&api, "b").security, [[SchemeId(1)]]);
        let key = api.scheme(SchemeId(0));
        assert_eq!(
            (key.const_ident.as_str(), key.takes_bearer_token),
            ("KEY", true)
        );
        assert!(!api.scheme(SchemeId(1)).takes_bearer_token);
        assert!(
            warnings.iter().any(|w| w.contains("names `nope`")),
            "{warnings:?}"
        );
    }
}

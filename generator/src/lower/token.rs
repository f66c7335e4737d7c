//! The token flow: which operation hands out the token the others need, found once every
//! operation and type is settled.
//!
//! An operation is the token operation when it is clear: it needs no credentials, it has one
//! success type, that type holds a token-like `String` field (`token`, `access_token`, `jwt`,
//! ...) directly or in a required struct field, and it does not itself take a token (a
//! refresh or a second-factor step does; those come after a login, not instead of it). The
//! first such operation wins, and only when the API has a scheme a bearer token fits and the
//! call's required arguments can be written as plain values.

use crate::ir::{Api, ExampleValue, Operation, StructDef, Success, TypeId, TypeKind, TypeRef};
use crate::naming;

/// Field names (in snake case) that hold the token a token call returns.
const TOKEN_FIELDS: &[&str] = &[
    "token",
    "access_token",
    "jwt",
    "jwt_token",
    "id_token",
    "auth_token",
    "bearer_token",
];

/// How deep example struct values may nest.
const MAX_EXAMPLE_DEPTH: usize = 4;

/// The API's token flow, if one operation clearly hands out tokens.
pub(super) fn token_flow(api: &Api) -> Option<crate::ir::TokenFlow> {
    let bearer_fits = api
        .security_schemes
        .iter()
        .any(|scheme| scheme.takes_bearer_token);
    if !bearer_fits {
        return None;
    }
    api.operations()
        .filter(|op| op.security.is_empty() && !takes_token(api, op))
        .find_map(|op| {
            let Success::Body(success) = &op.success else {
                return None;
            };
            let token_path = token_path(api, success)?;
            let mut arguments = Vec::new();
            for param in op.params.iter().filter(|p| p.required) {
                arguments.push(argument(api, &param.ty, &param.wire_name)?);
            }
            let mut optional_body = None;
            if let Some(body) = &op.body {
                let value = example(api, &body.ty, "body", 0);
                if body.required {
                    arguments.push(value?);
                } else {
                    optional_body = value;
                }
            }
            Some(crate::ir::TokenFlow {
                operation: op.method_ident.clone(),
                arguments,
                optional_body,
                token_path,
                then: then(api),
            })
        })
}

/// An operation to call with the token: it needs a credential a bearer token fits and takes
/// no arguments.
fn then(api: &Api) -> Option<String> {
    api.operations()
        .find(|op| {
            op.params.iter().all(|p| !p.required)
                && op.body.as_ref().is_none_or(|b| !b.required)
                && op.security.first().is_some_and(|alternative| {
                    alternative
                        .iter()
                        .all(|&id| api.scheme(id).takes_bearer_token)
                })
        })
        .map(|op| op.method_ident.clone())
}

fn is_token_name(wire_name: &str) -> bool {
    TOKEN_FIELDS.contains(&naming::snake(wire_name).as_str())
}

/// Whether the operation needs a token as input: a required parameter or body field whose
/// name says token or JWT.
fn takes_token(api: &Api, op: &Operation) -> bool {
    let names_token = |wire_name: &str| {
        let name = naming::snake(wire_name);
        name.contains("token") || name.contains("jwt")
    };
    op.params
        .iter()
        .any(|p| p.required && names_token(&p.wire_name))
        || op
            .body
            .as_ref()
            .is_some_and(|body| struct_takes_token(api, &body.ty, &names_token, 0))
}

fn struct_takes_token(
    api: &Api,
    ty: &TypeRef,
    names_token: &impl Fn(&str) -> bool,
    depth: usize,
) -> bool {
    let Some(id) = named(ty) else {
        return false;
    };
    let TypeKind::Struct(def) = &api.type_def(id).kind else {
        return false;
    };
    depth < MAX_EXAMPLE_DEPTH
        && def.fields.iter().any(|field| {
            !matches!(field.ty, TypeRef::Option(_))
                && (names_token(&field.wire_name)
                    || struct_takes_token(api, &field.ty, names_token, depth + 1))
        })
}

/// The fields from `ty` to a token: a token-like `String` field of the struct, or of a
/// struct in one of its required fields.
fn token_path(api: &Api, ty: &TypeRef) -> Option<Vec<String>> {
    let direct = |id: TypeId| -> Option<String> {
        let TypeKind::Struct(def) = &api.type_def(id).kind else {
            return None;
        };
        def.fields
            .iter()
            .find(|f| f.ty == TypeRef::String && !f.flatten && is_token_name(&f.wire_name))
            .map(|f| f.ident.clone())
    };
    let id = named(ty)?;
    if let Some(field) = direct(id) {
        return Some(vec![field]);
    }
    let TypeKind::Struct(def) = &api.type_def(id).kind else {
        return None;
    };
    def.fields.iter().find_map(|outer| {
        let inner = direct(named(&outer.ty)?)?;
        Some(vec![outer.ident.clone(), inner])
    })
}

/// The generated type `ty` names, boxes and aliases seen through.
fn named(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// A value for a `Client` method argument (`impl Into<T>`): integers only where an untyped
/// literal converts.
fn argument(api: &Api, ty: &TypeRef, name: &str) -> Option<ExampleValue> {
    match ty {
        TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Option(_) => None,
        _ => example(api, ty, name, 0),
    }
}

/// A request body's struct built by its constructor, from its required fields' values, each
/// converted with `Into` as a `Client` method's arguments are; `None` when it has no
/// constructor or a value has no literal that converts (then every field is spelled out).
fn constructed(api: &Api, s: &StructDef, id: TypeId, depth: usize) -> Option<ExampleValue> {
    let new = s.constructor.as_ref()?.new.as_ref()?;
    let arguments = new
        .arguments
        .iter()
        .map(|&index| {
            let field = s.fields.get(index)?;
            match &field.ty {
                TypeRef::Named(_) | TypeRef::Boxed(_) => {
                    example(api, &field.ty, &field.wire_name, depth + 1)
                }
                ty => argument(api, ty, &field.wire_name),
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(ExampleValue::New {
        ty: id,
        method: new.ident.clone(),
        arguments,
    })
}

/// A plain value of type `ty`, named after where it goes; `None` when there is none to write
/// (dates, bytes, free-form JSON, unions).
fn example(api: &Api, ty: &TypeRef, name: &str, depth: usize) -> Option<ExampleValue> {
    match ty {
        TypeRef::String => Some(ExampleValue::Str(name.to_owned())),
        TypeRef::Bool => Some(ExampleValue::Bool(true)),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => Some(ExampleValue::Int(42)),
        TypeRef::Option(_) => Some(ExampleValue::None),
        TypeRef::Named(id) if depth < MAX_EXAMPLE_DEPTH => {
            let def = api.type_def(*id);
            match &def.kind {
                TypeKind::Enum(e) => e.variants.first().map(|v| ExampleValue::Variant {
                    ty: *id,
                    variant: v.ident.clone(),
                }),
                TypeKind::Struct(s) => {
                    if let Some(new) = constructed(api, s, *id, depth) {
                        return Some(new);
                    }
                    let mut fields = Vec::new();
                    for field in &s.fields {
                        let value = if field.flatten {
                            ExampleValue::Default
                        } else {
                            example(api, &field.ty, &field.wire_name, depth + 1)?
                        };
                        fields.push((field.ident.clone(), value));
                    }
                    Some(ExampleValue::Struct { ty: *id, fields })
                }
                TypeKind::Alias(inner) => example(api, inner, name, depth + 1),
                TypeKind::Union(_) => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::testing::lowered_document;

    /// A login and a refresh that both hand out tokens, and an operation that needs one.
    const TOKEN_SPEC: &str = r#"
        openapi: 3.0.3
        info: {title: t, version: '1'}
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          schemas:
            Login:
              type: object
              required: [user, kind]
              properties:
                user: {type: string}
                kind: {type: string, enum: [password, mfa]}
                note: {type: string}
            Refresh:
              type: object
              required: [refresh_token]
              properties:
                refresh_token: {type: string}
            Tokens:
              type: object
              required: [data]
              properties:
                data:
                  type: object
                  required: [jwt]
                  properties:
                    jwt: {type: string}
        security: [{bearer: []}]
        paths:
          /refresh:
            post:
              operationId: refresh
              security: []
              requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Refresh'}}}}
              responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tokens'}}}}}
          /login:
            post:
              operationId: login
              security: []
              requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Login'}}}}
              responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tokens'}}}}}
          /me:
            get:
              operationId: me
              responses: {'204': {description: ok}}
    "#;

    #[test]
    fn the_token_flow_is_the_login_not_the_refresh() {
        let (api, _) = lowered_document(TOKEN_SPEC);
        let flow = api.token_flow.as_ref().expect("a token flow");
        assert_eq!(flow.operation, "login");
        assert_eq!(flow.token_path, ["data", "jwt"]);
        assert_eq!(flow.then.as_deref(), Some("me"));
        // The body is built by its constructor, from the required fields.
        let [ExampleValue::New { ty, arguments, .. }] = flow.arguments.as_slice() else {
            panic!("one struct argument: {:?}", flow.arguments);
        };
        assert_eq!(api.type_def(*ty).ident, "Login");
        assert!(
            matches!(
                arguments.as_slice(),
                [ExampleValue::Str(user), ExampleValue::Variant { .. }] if user == "user"
            ),
            "{arguments:?}"
        );
    }

    #[test]
    fn no_token_flow_without_a_clear_token_operation() {
        // Only the refresh, which takes a token, hands one out.
        let spec = TOKEN_SPEC.replace(
            "/login:\n            post:\n              operationId: login\n              security: []\n",
            "/login:\n            post:\n              operationId: login\n",
        );
        assert_ne!(spec, TOKEN_SPEC);
        let (api, _) = lowered_document(&spec);
        assert_eq!(api.token_flow, None);
    }

    #[test]
    fn token_names_are_recognised_in_any_case() {
        for name in ["token", "access_token", "accessToken", "JWT", "id_token"] {
            assert!(is_token_name(name), "{name}");
        }
        for name in ["refresh_token", "token_type", "expires_in", "tokens"] {
            assert!(!is_token_name(name), "{name}");
        }
    }
}

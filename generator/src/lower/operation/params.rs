//! An operation's parameters: merged from the path item and the operation, typed, placed in
//! the path, ordered (path parameters first, in path order) and named.

use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

use super::super::Lowerer;
use super::super::docs::doc_lines;
use super::super::passes::reorder;
use crate::ir::{Body, Encoding, Param, ParamId, ParamLocation, PathPart, QueryStyle, TypeRef};
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;

/// A parameter before its Rust name is settled: everything a [`Param`] holds but its
/// `ident`, which depends on the operation's other parameters and body.
pub(super) struct ParamDraft {
    pub(super) wire_name: String,
    pub(super) location: ParamLocation,
    pub(super) ty: TypeRef,
    pub(super) required: bool,
    pub(super) docs: Vec<String>,
    pub(super) secret: bool,
}

impl ParamDraft {
    fn named(self, ident: String, option_setter: Option<String>) -> Param {
        Param {
            ident,
            wire_name: self.wire_name,
            location: self.location,
            ty: self.ty,
            required: self.required,
            option_setter,
            docs: self.docs,
            secret: self.secret,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Path-level and operation-level parameters, the latter winning on the same name and place.
    pub(super) fn parameters(
        &mut self,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
        pointer: &Pointer,
        hint: &str,
    ) -> Vec<ParamDraft> {
        let item_pointer = {
            let mut segments: Vec<String> = pointer.segments().collect();
            segments.pop();
            segments.iter().fold(Pointer::root(), |p, s| p.push(s))
        };
        let mut merged: IndexMap<(String, &'static str), (&'a Parameter, Pointer)> =
            IndexMap::new();
        let sources = [
            (path_level, item_pointer.push("parameters")),
            (op_level, pointer.push("parameters")),
        ];
        for (list, base) in sources {
            for (index, parameter) in list.iter().enumerate() {
                let at = base.push(index);
                let Some((parameter, at)) = self.resolve(parameter.into(), &at) else {
                    continue;
                };
                let place = match parameter {
                    Parameter::Path { .. } => "path",
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Cookie { .. } => "cookie",
                };
                merged.insert(
                    (parameter.parameter_data_ref().name.clone(), place),
                    (parameter, at),
                );
            }
        }
        merged
            .into_values()
            .map(|(parameter, at)| self.parameter(parameter, &at, hint))
            .collect()
    }

    fn parameter(&mut self, parameter: &'a Parameter, pointer: &Pointer, hint: &str) -> ParamDraft {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => ParamLocation::Cookie,
            Parameter::Query { style, .. } => ParamLocation::Query(match style {
                openapiv3::QueryStyle::Form => QueryStyle::Form {
                    explode: data.explode.unwrap_or(true),
                },
                openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
            }),
        };
        let type_hint = format!("{hint}{}", naming::pascal(&data.name));
        let (ty, format) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let format = match schema {
                    ReferenceOr::Item(schema) => schema_format_name(schema),
                    ReferenceOr::Reference { .. } => None,
                };
                (
                    self.type_of(schema.into(), &pointer.push("schema"), &type_hint),
                    format,
                )
            }
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media_type, media)) => match &media.schema {
                    Some(schema) => (
                        self.type_of(
                            schema.into(),
                            &pointer.push("content").push(media_type).push("schema"),
                            &type_hint,
                        ),
                        None,
                    ),
                    None => (TypeRef::String, None),
                },
                None => (TypeRef::String, None),
            },
        };
        let mut docs = data
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if data.deprecated == Some(true) {
            docs.push(String::new());
            docs.push("Deprecated.".to_owned());
        }
        ParamDraft {
            wire_name: data.name.clone(),
            location,
            ty: strip_option(ty),
            required: data.required || location == ParamLocation::Path,
            docs,
            secret: naming::is_secret(&data.name, format),
        }
    }

    /// Splits the sent path into literals and parameters; every `{name}` gets a parameter,
    /// and a declared path parameter the path does not mention is dropped.
    pub(super) fn path_parts(
        &mut self,
        path: &str,
        params: &mut Vec<ParamDraft>,
        pointer: &Pointer,
    ) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let index = match params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name)
            {
                Some(index) => index,
                None => {
                    self.warning(pointer, format!("path parameter `{name}` is not declared; it is taken as a required string"));
                    params.push(ParamDraft {
                        wire_name: name.to_owned(),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        docs: Vec::new(),
                        secret: false,
                    });
                    params.len() - 1
                }
            };
            parts.push(PathPart::Param(ParamId(index)));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        let in_path = |index: usize| parts.contains(&PathPart::Param(ParamId(index)));
        let kept: Vec<usize> = (0..params.len())
            .filter(|&i| params[i].location != ParamLocation::Path || in_path(i))
            .collect();
        for (index, param) in params.iter().enumerate() {
            if !in_path(index) && param.location == ParamLocation::Path {
                self.warning(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in the path; it is ignored",
                        param.wire_name
                    ),
                );
            }
        }
        reorder_params(params, &mut parts, &kept);
        parts
    }
}

/// Path parameters in path order, then other required parameters, then optional ones; each
/// group keeps spec order.
pub(super) fn order_params(params: &mut Vec<ParamDraft>, path: &mut [PathPart]) {
    let mut taken = vec![false; params.len()];
    let mut order = Vec::with_capacity(params.len());
    for part in path.iter() {
        if let PathPart::Param(id) = part {
            if !std::mem::replace(&mut taken[id.0], true) {
                order.push(id.0);
            }
        }
    }
    for required in [true, false] {
        for (index, param) in params.iter().enumerate() {
            if param.required == required && !taken[index] {
                taken[index] = true;
                order.push(index);
            }
        }
    }
    reorder_params(params, path, &order);
}

/// Keeps the parameters `order` lists, in that order, and points the path at their new
/// places.
fn reorder_params(params: &mut Vec<ParamDraft>, path: &mut [PathPart], order: &[usize]) {
    let (reordered, new_index) = reorder(std::mem::take(params), order);
    *params = reordered;
    for part in path.iter_mut() {
        if let PathPart::Param(id) = part {
            if let Some(new) = new_index[id.0] {
                *id = ParamId(new);
            }
        }
    }
}

/// Names the parameters in one scope with the builder's own members, the body and the
/// encoding setters, so that none takes another's name; then the optional ones' `set_...`
/// setters, which take what is left.
pub(super) fn settle_param_names(
    params: Vec<ParamDraft>,
    body: &Option<Body>,
    encodings: &[Encoding],
    paginated: bool,
) -> Vec<Param> {
    let mut reserved: Vec<&str> = naming::builder::ALWAYS.to_vec();
    if paginated {
        reserved.extend(naming::builder::PAGINATED);
    }
    if let Some(body) = body {
        reserved.push(naming::builder::BODY);
        if !body.required {
            reserved.push(naming::builder::SET_BODY);
        }
    }
    if encodings.len() > 1 {
        reserved.push(naming::builder::ENCODING);
        reserved.extend(encodings.iter().filter_map(|e| e.method_ident.as_deref()));
    }
    let mut scope = Scope::new(Case::Snake).reserve(reserved.iter().copied());
    for param in &params {
        scope.add(&param.wire_name);
    }
    let idents = scope.settle();
    let mut setters = Scope::new(Case::Snake)
        .reserve(reserved)
        .reserve(idents.iter().map(String::as_str));
    let setter_index: Vec<Option<usize>> = params
        .iter()
        .zip(&idents)
        .map(|(param, ident)| {
            let setter = naming::builder::option_setter(ident);
            (!param.required).then(|| setters.add_wanted(&setter, setter.clone()))
        })
        .collect();
    let mut setter_idents = setters.settle();
    params
        .into_iter()
        .zip(idents)
        .zip(setter_index)
        .map(|((param, ident), setter)| {
            let setter = setter.map(|index| std::mem::take(&mut setter_idents[index]));
            param.named(ident, setter)
        })
        .collect()
}

/// A string schema's unrecognised or password format, which tells whether the value is a
/// secret.
pub(super) fn schema_format_name(schema: &openapiv3::Schema) -> Option<&str> {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => match &s.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password) => {
                Some("password")
            }
            openapiv3::VariantOrUnknownOrEmpty::Unknown(format) => Some(format),
            _ => None,
        },
        _ => None,
    }
}

/// Parameters are stored as `Option` when optional; their own nullability adds nothing.
pub(super) fn strip_option(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => *inner,
        ty => ty,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{ParamId, ParamLocation, PathPart};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn path_parameters_come_first_in_path_order_then_required_then_optional() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /a/{second}/{first}:
              get:
                operationId: get
                parameters:
                  - {name: q, in: query, schema: {type: string}}
                  - {name: first, in: path, required: true, schema: {type: string}}
                  - {name: r, in: header, required: true, schema: {type: string}}
                  - {name: second, in: path, required: true, schema: {type: string}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "get");
        let names: Vec<&str> = op.params.iter().map(|p| p.ident.as_str()).collect();
        assert_eq!(names, ["second", "first", "r", "q"]);
        assert_eq!(
            op.path,
            [
                PathPart::Literal("/a/".to_owned()),
                PathPart::Param(ParamId(0)),
                PathPart::Literal("/".to_owned()),
                PathPart::Param(ParamId(1)),
            ]
        );
        assert!(!op.params[3].required);
    }

    #[test]
    fn builder_members_win_over_parameters_named_like_them() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /wait:
              post:
                operationId: wait
                parameters:
                  - {name: timeout, in: query, schema: {type: integer}}
                  - {name: send_blocking, in: query, schema: {type: integer}}
                  - {name: body, in: query, schema: {type: integer}}
                requestBody:
                  content:
                    application/json: {schema: {type: object}}
                    multipart/form-data: {schema: {type: object}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "wait");
        let names: Vec<(&str, &str)> = op
            .params
            .iter()
            .map(|p| (p.wire_name.as_str(), p.ident.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("timeout", "timeout_2"),
                ("send_blocking", "send_blocking_2"),
                ("body", "body_2"),
            ]
        );
    }

    #[test]
    fn optional_parameters_get_option_setters_that_take_no_other_members_name() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /find:
              get:
                operationId: find
                parameters:
                  - {name: id, in: query, required: true, schema: {type: integer}}
                  - {name: limit, in: query, schema: {type: integer}}
                  - {name: set_limit, in: query, schema: {type: integer}}
                  - {name: header, in: header, schema: {type: string}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "find");
        let names: Vec<(&str, Option<&str>)> = op
            .params
            .iter()
            .map(|p| (p.ident.as_str(), p.option_setter.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("id", None),
                ("limit", Some("set_limit_2")),
                ("set_limit", Some("set_set_limit")),
                ("header_2", Some("set_header_2")),
            ]
        );
    }

    #[test]
    fn undeclared_path_parameters_are_strings_and_unused_ones_are_dropped() {
        let (api, warnings) = lowered_document(&with_paths(
            r#"
            /users/{id}:
              get:
                operationId: user
                parameters:
                  - {name: gone, in: path, required: true, schema: {type: integer}}
                responses: {'204': {description: ok}}
            "#,
        ));
        let op = operation(&api, "user");
        assert_eq!(op.params.len(), 1);
        assert_eq!(op.params[0].wire_name, "id");
        assert_eq!(op.params[0].location, ParamLocation::Path);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("path parameter `id` is not declared")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("path parameter `gone` does not appear in the path")),
            "{warnings:?}"
        );
    }
}

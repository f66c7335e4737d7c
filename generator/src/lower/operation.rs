//! Operations to client methods: parameters, bodies, responses, security, names.

use indexmap::IndexMap;
use openapiv3::{
    Components, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, StatusCode,
};

use super::docs::{code_span, doc_lines};
use super::schema::SchemaRef;
use super::{Lowerer, RESERVED_TYPE_NAMES, config};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    Body, Encoding, EncodingKind, HttpMethod, Operation, Outcome, Param, ParamLocation, PathPart,
    QueryStyle, ResponseBody, ResponseCase, ResponseEnum, ResponseHeader, ResponseHeaders,
    ResponseVariant, SecurityScheme, StatusMatch, TypeKind, TypeRef,
};
use crate::media::MediaKind;
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;

/// Builder methods and fields every operation has; parameters must not take these names.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "send_with_info",
    "send_blocking",
    "send_with_info_blocking",
    "timeout",
    "client",
    "new",
];

/// Operation extensions that mark an operation safe to send more than once.
const RETRY_SAFE_EXTENSIONS: &[&str] = &["x-apiforge-retry-safe", "x-idempotent"];

/// A form property that is a file part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileShape {
    /// One file.
    One,
    /// An array of files, one part each.
    Many,
}

/// An operation before its names are settled crate-wide.
struct Draft {
    /// Its first tag, if it has one.
    tag: Option<String>,
    wanted: String,
    op: Operation,
}

impl<'a> Lowerer<'a> {
    /// Every operation the settings select, with its first tag, names settled.
    pub(crate) fn operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> Vec<(Option<String>, Operation)> {
        let mut drafts = Vec::new();
        let paths = Pointer::root().push("paths");
        for (path_key, item) in &self.doc.paths.paths {
            let item_pointer = paths.push(path_key);
            let ReferenceOr::Item(item) = item else {
                self.warning(
                    &item_pointer,
                    "a $ref path item is not supported yet; its operations are skipped",
                );
                continue;
            };
            for (method, operation) in item.iter() {
                // A dropped operation is never lowered, so its inline types never exist.
                if !config::selected(&self.settings.operations, operation) {
                    continue;
                }
                let pointer = item_pointer.push(method);
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
                let draft = self.operation(
                    path_key,
                    http_method,
                    &item.parameters,
                    operation,
                    &pointer,
                    schemes,
                );
                drafts.push(draft);
            }
        }

        // Method names in spec order; then builder, success and error types share one scope.
        let mut methods = Scope::new(Case::Snake).reserve(["builder", "new"]);
        for draft in &drafts {
            methods.add(&draft.wanted);
        }
        let method_names = methods.settle();
        // One scope for the whole crate, although each type lives in its tag's module:
        // `operations` re-exports them all side by side. Operation modules name the API's
        // types by absolute path, but the prelude's (`Result`, `Option`) unqualified.
        let mut types = Scope::new(Case::Pascal).reserve(RESERVED_TYPE_NAMES.iter().copied());
        let builders: Vec<usize> = method_names.iter().map(|name| types.add(name)).collect();
        let errors: Vec<Option<usize>> = drafts
            .iter()
            .zip(&method_names)
            .map(|(d, name)| {
                d.op.error_enum
                    .as_ref()
                    .map(|_| types.add_wanted(name, format!("{}Error", naming::pascal(name))))
            })
            .collect();
        let successes: Vec<Option<usize>> = drafts
            .iter()
            .zip(&method_names)
            .map(|(d, name)| {
                d.op.success_enum
                    .as_ref()
                    .map(|_| types.add_wanted(name, format!("{}Response", naming::pascal(name))))
            })
            .collect();
        let headers: Vec<Option<usize>> = drafts
            .iter()
            .zip(&method_names)
            .map(|(d, name)| {
                d.op.response_headers
                    .as_ref()
                    .map(|_| types.add_wanted(name, format!("{}Headers", naming::pascal(name))))
            })
            .collect();
        let type_names = types.settle();

        drafts
            .into_iter()
            .zip(method_names)
            .enumerate()
            .map(|(index, (mut draft, method))| {
                draft.op.method_ident = method;
                draft.op.builder_ident = type_names[builders[index]].clone();
                if let (Some(e), Some(slot)) = (&mut draft.op.error_enum, errors[index]) {
                    e.ident = type_names[slot].clone();
                }
                if let (Some(e), Some(slot)) = (&mut draft.op.success_enum, successes[index]) {
                    e.ident = type_names[slot].clone();
                }
                if let (Some(h), Some(slot)) = (&mut draft.op.response_headers, headers[index]) {
                    h.ident = type_names[slot].clone();
                }
                (draft.tag, draft.op)
            })
            .collect()
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
        let (body, encodings, form_fields) = self.request_body(operation, pointer, &hint);
        params.extend(form_fields);
        let mut path = self.path_parts(sent_path, &mut params, pointer);
        order_params(&mut params, &mut path);
        self.settle_param_names(&mut params, &body, &encodings);
        let encodings = name_encodings(encodings);

        let (responses, success, success_enum, error_enum) =
            self.responses(operation, pointer, &hint);
        let response_headers = self.response_headers(operation, pointer, &hint);
        let accept = accept_header(operation, self.doc.components.as_ref());
        let security = self.security(operation, pointer, schemes);
        let retry_safe = self.retry_safe(operation, pointer);

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
            op: Operation {
                method_ident: String::new(),
                builder_ident: String::new(),
                operation_id,
                http_method,
                path_template: path_key.to_owned(),
                route: sent_path.to_owned(),
                path,
                summary: operation.summary.as_ref().map(|s| s.trim().to_owned()),
                docs,
                deprecated: operation.deprecated,
                params,
                body,
                encodings,
                accept,
                responses,
                success,
                success_enum,
                error_enum,
                response_headers,
                security,
                retry_safe,
            },
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

    /// Path-level and operation-level parameters, the latter winning on the same name and place.
    fn parameters(
        &mut self,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
        pointer: &Pointer,
        hint: &str,
    ) -> Vec<Param> {
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
                let Some((parameter, at)) =
                    self.resolve_component(parameter, "parameters", |c| &c.parameters, &at)
                else {
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

    fn parameter(&mut self, parameter: &'a Parameter, pointer: &Pointer, hint: &str) -> Param {
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
        Param {
            ident: String::new(),
            wire_name: data.name.clone(),
            location,
            ty: strip_option(ty),
            required: data.required || location == ParamLocation::Path,
            docs,
            secret: naming::is_secret(&data.name, format),
        }
    }

    /// The body: passed as one value, or, for a form of named fields, flattened into
    /// form-field parameters (as Swagger 2.0 `formData` parameters were).
    fn request_body(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> (Option<Body>, Vec<Encoding>, Vec<Param>) {
        let Some(body) = &operation.request_body else {
            return (None, Vec::new(), Vec::new());
        };
        let at = pointer.push("requestBody");
        let Some((body, at)) =
            self.resolve_component(body, "requestBodies", |c| &c.request_bodies, &at)
        else {
            return (None, Vec::new(), Vec::new());
        };
        let offered: Vec<(&String, EncodingKind)> = body
            .content
            .keys()
            .map(|media_type| {
                let kind = match MediaKind::of(media_type) {
                    MediaKind::Json => EncodingKind::Json,
                    MediaKind::FormUrlEncoded => EncodingKind::FormUrlEncoded,
                    MediaKind::Multipart => EncodingKind::Multipart,
                    MediaKind::Text => EncodingKind::Text,
                    MediaKind::Binary => EncodingKind::Binary,
                };
                (media_type, kind)
            })
            .collect();
        // JSON is the default where the spec offers it; otherwise the first listed type. The
        // caller may pick another encoding of the same body type (JSON or a form: one struct);
        // text and bytes are other types, offered only when nothing structured is.
        let Some(&(_, default_kind)) = offered
            .iter()
            .find(|(_, kind)| *kind == EncodingKind::Json)
            .or_else(|| offered.first())
        else {
            return (None, Vec::new(), Vec::new());
        };
        let structured = |kind: EncodingKind| {
            matches!(
                kind,
                EncodingKind::Json | EncodingKind::FormUrlEncoded | EncodingKind::Multipart
            )
        };
        let mut encodings: Vec<Encoding> = Vec::new();
        let mut media_of = Vec::new();
        for (media_type, kind) in offered {
            let media_at = at.push("content").push(media_type);
            let same_type = kind == default_kind || (structured(kind) && structured(default_kind));
            if !same_type {
                self.warning(
                    &media_at,
                    format!(
                        "the body is also accepted as `{media_type}`; the client sends it as {}",
                        default_kind.describe()
                    ),
                );
                continue;
            }
            if encodings.iter().any(|e| e.kind == kind) {
                continue;
            }
            encodings.push(Encoding {
                media_type: media_type.clone(),
                kind,
                method_ident: None,
            });
            media_of.push((&body.content[media_type], media_at));
        }
        if let Some(default) = encodings.iter().position(|e| e.kind == default_kind) {
            let chosen = encodings.remove(default);
            encodings.insert(0, chosen);
            let chosen = media_of.remove(default);
            media_of.insert(0, chosen);
        }
        let Some((media, media_at)) = media_of.into_iter().next() else {
            return (None, Vec::new(), Vec::new());
        };
        let docs = body
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        let raw_type = match default_kind {
            EncodingKind::Text => Some(TypeRef::String),
            EncodingKind::Binary => Some(TypeRef::Upload),
            _ => None,
        };
        if let Some(ty) = raw_type {
            // Whatever the schema says, the caller hands over the text or the bytes as sent.
            let body = Body {
                ty,
                required: body.required,
                docs,
            };
            return (Some(body), encodings, Vec::new());
        }
        let Some(schema) = &media.schema else {
            let body = Body {
                ty: TypeRef::Json,
                required: body.required,
                docs,
            };
            return (Some(body), encodings, Vec::new());
        };
        let schema_at = media_at.push("schema");
        let is_form = encodings.iter().all(|e| e.kind != EncodingKind::Json);
        if is_form {
            if let Some(fields) = self.form_fields(schema.into(), &schema_at, hint, body.required) {
                return (None, encodings, fields);
            }
        }
        let ty = self.type_of(schema.into(), &schema_at, &format!("{hint}Request"));
        (
            Some(Body {
                ty: strip_option(ty),
                required: body.required,
                docs,
            }),
            encodings,
            Vec::new(),
        )
    }

    /// A form body's properties as parameters, when the schema is an object with properties.
    fn form_fields(
        &mut self,
        schema: SchemaRef<'a>,
        pointer: &Pointer,
        hint: &str,
        body_required: bool,
    ) -> Option<Vec<Param>> {
        let (schema, at) = self.resolve(schema, pointer)?;
        let (properties, required) = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) => {
                (&object.properties, &object.required)
            }
            openapiv3::SchemaKind::Any(any) => (&any.properties, &any.required),
            _ => return None,
        };
        if properties.is_empty() {
            return None;
        }
        let fields = properties
            .iter()
            .map(|(name, property)| {
                let property_at = at.push("properties").push(name);
                let (docs, format) = match property {
                    ReferenceOr::Item(s) => (self.schema_docs(s), schema_format_name(s)),
                    ReferenceOr::Reference { .. } => (Vec::new(), None),
                };
                let file = self.is_file(property.into(), &property_at);
                let (location, ty) = match file {
                    Some(FileShape::One) => (ParamLocation::FormFile, TypeRef::Upload),
                    Some(FileShape::Many) => (
                        ParamLocation::FormFile,
                        TypeRef::Vec(Box::new(TypeRef::Upload)),
                    ),
                    None => (
                        ParamLocation::FormField,
                        strip_option(self.type_of(
                            property.into(),
                            &property_at,
                            &format!("{hint}{}", naming::pascal(name)),
                        )),
                    ),
                };
                Param {
                    ident: String::new(),
                    wire_name: name.clone(),
                    location,
                    ty,
                    required: body_required && required.contains(name),
                    docs,
                    secret: naming::is_secret(name, format),
                }
            })
            .collect();
        Some(fields)
    }

    /// Whether a form property is a file (`format: binary`, or Swagger 2.0's `type: file`
    /// upgraded to it) or a list of files.
    fn is_file(&mut self, schema: SchemaRef<'a>, pointer: &Pointer) -> Option<FileShape> {
        let (schema, at) = self.resolve(schema, pointer)?;
        match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) => {
                let binary = matches!(
                    &string.format,
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                );
                binary.then_some(FileShape::One)
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => {
                let items = array.items.as_ref()?;
                match self.is_file(items.into(), &at.push("items"))? {
                    FileShape::One => Some(FileShape::Many),
                    FileShape::Many => None,
                }
            }
            _ => None,
        }
    }

    /// Splits the sent path into literals and parameters; every `{name}` gets a parameter.
    fn path_parts(
        &mut self,
        path: &str,
        params: &mut Vec<Param>,
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
                    params.push(Param {
                        ident: String::new(),
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
            parts.push(PathPart::Param(index));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        let undeclared: Vec<String> = params
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                p.location == ParamLocation::Path && !parts.contains(&PathPart::Param(*i))
            })
            .map(|(_, p)| p.wire_name.clone())
            .collect();
        for name in undeclared {
            self.warning(
                pointer,
                format!("path parameter `{name}` does not appear in the path; it is ignored"),
            );
        }
        let kept: Vec<bool> = params
            .iter()
            .enumerate()
            .map(|(i, p)| p.location != ParamLocation::Path || parts.contains(&PathPart::Param(i)))
            .collect();
        remove_params(params, &mut parts, &kept);
        parts
    }

    fn settle_param_names(
        &mut self,
        params: &mut [Param],
        body: &Option<Body>,
        encodings: &[Encoding],
    ) {
        let mut reserved: Vec<&str> = BUILDER_METHODS.to_vec();
        if body.is_some() {
            reserved.push("body");
        }
        if encodings.len() > 1 {
            reserved.push("encoding");
            reserved.extend(encodings.iter().map(|e| encoding_method(e.kind)));
        }
        let mut scope = Scope::new(Case::Snake).reserve(reserved);
        for param in params.iter() {
            scope.add(&param.wire_name);
        }
        for (param, ident) in params.iter_mut().zip(scope.settle()) {
            param.ident = ident;
        }
    }

    #[allow(clippy::type_complexity)]
    fn responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> (
        Vec<ResponseCase>,
        TypeRef,
        Option<ResponseEnum>,
        Option<ResponseEnum>,
    ) {
        let base = pointer.push("responses");
        let mut listed: Vec<(StatusMatch, &'a ReferenceOr<Response>, Pointer)> = Vec::new();
        for (status, response) in &operation.responses.responses {
            let (status, key) = status_match(status);
            listed.push((status, response, base.push(key)));
        }
        if let Some(default) = &operation.responses.default {
            listed.push((StatusMatch::Default, default, base.push("default")));
        }
        listed.sort_by_key(|(status, _, _)| *status);
        let any_success = listed.iter().any(|(status, _, _)| status.is_success());
        let success_count = listed
            .iter()
            .filter(|(status, _, _)| status.is_success())
            .count();

        let mut cases = Vec::new();
        for (status, response, at) in listed {
            let Some((response, at)) =
                self.resolve_component(response, "responses", |c| &c.responses, &at)
            else {
                continue;
            };
            let success = status.is_success() || (!any_success && status == StatusMatch::Default);
            let variant = status_variant(status);
            let type_hint = match (success, success_count) {
                (true, 0 | 1) => format!("{hint}Response"),
                (true, _) => format!("{hint}{variant}Response"),
                (false, _) => format!("{hint}{variant}"),
            };
            let body = self.response_body(response, &at, &type_hint);
            cases.push(ResponseCase {
                status,
                body,
                outcome: if success {
                    Outcome::Success(None)
                } else {
                    Outcome::Error(variant)
                },
                description: response.description.trim().to_owned(),
            });
        }
        let successes: Vec<&ResponseCase> = cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Success(_)))
            .collect();
        let single_type = successes
            .windows(2)
            .all(|pair| pair[0].body.ty() == pair[1].body.ty());
        let success_enum = (!single_type).then(|| ResponseEnum {
            ident: String::new(),
            // Decided once every type is known (`derives`).
            derive_partial_eq: true,
            docs: vec![format!(
                "The successful responses of {}, by status.",
                code_span(hint)
            )],
            variants: successes
                .iter()
                .map(|case| response_variant(case, status_variant(case.status)))
                .collect(),
        });
        if success_enum.is_none() {
            // A binary download is handed over as it arrives, not buffered whole.
            for case in &mut cases {
                if case.outcome == Outcome::Success(None) && case.body == ResponseBody::Bytes {
                    case.body = ResponseBody::Stream;
                }
            }
        }
        let successes: Vec<&ResponseCase> = cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Success(_)))
            .collect();
        let success = match (&success_enum, successes.first()) {
            (Some(_), _) => TypeRef::Unit,
            (None, Some(case)) => case.body.ty(),
            (None, None) => TypeRef::Unit,
        };
        if success_enum.is_some() {
            for case in &mut cases {
                if case.outcome == Outcome::Success(None) {
                    case.outcome = Outcome::Success(Some(status_variant(case.status)));
                }
            }
        }
        let errors: Vec<ResponseVariant> = cases
            .iter()
            .filter_map(|case| match &case.outcome {
                Outcome::Error(variant) => Some(response_variant(case, variant.clone())),
                Outcome::Success(_) => None,
            })
            .collect();
        let error_enum = (!errors.is_empty()).then(|| ResponseEnum {
            ident: String::new(),
            // Decided once every type is known (`derives`).
            derive_partial_eq: true,
            docs: vec![format!(
                "The error responses {} declares, by status.",
                code_span(hint)
            )],
            variants: errors,
        });
        (cases, success, success_enum, error_enum)
    }

    /// The headers the successful responses declare, merged by name (case-insensitively, as
    /// HTTP compares them); `Content-Type` is left out, as OpenAPI says.
    fn response_headers(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> Option<ResponseHeaders> {
        let base = pointer.push("responses");
        let mut fields: Vec<ResponseHeader> = Vec::new();
        let mut idents = Scope::new(Case::Snake);
        for (status, response) in &operation.responses.responses {
            let (status, key) = status_match(status);
            if !status.is_success() {
                continue;
            }
            let Some((response, at)) =
                self.resolve_component(response, "responses", |c| &c.responses, &base.push(key))
            else {
                continue;
            };
            for (name, header) in &response.headers {
                if name.eq_ignore_ascii_case("content-type")
                    || fields
                        .iter()
                        .any(|f| f.wire_name.eq_ignore_ascii_case(name))
                {
                    continue;
                }
                let header_at = at.push("headers").push(name);
                let Some((header, header_at)) =
                    self.resolve_component(header, "headers", |c| &c.headers, &header_at)
                else {
                    continue;
                };
                let ty = match &header.format {
                    openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                        let hint = format!("{hint}{}", naming::pascal(name));
                        let ty = self.type_of(schema.into(), &header_at.push("schema"), &hint);
                        // What a header's text cannot hold is kept as the text.
                        if self.decodes_from_text(&ty, true) {
                            strip_option(ty)
                        } else {
                            TypeRef::String
                        }
                    }
                    openapiv3::ParameterSchemaOrContent::Content(_) => TypeRef::String,
                };
                idents.add(name);
                fields.push(ResponseHeader {
                    ident: String::new(),
                    wire_name: name.clone(),
                    ty,
                    secret: naming::is_secret(name, None),
                    docs: header
                        .description
                        .as_deref()
                        .map(doc_lines)
                        .unwrap_or_default(),
                });
            }
        }
        if fields.is_empty() {
            return None;
        }
        for (field, ident) in fields.iter_mut().zip(idents.settle()) {
            field.ident = ident;
        }
        Some(ResponseHeaders {
            ident: String::new(),
            docs: vec![format!(
                "The headers a successful `{hint}` response declares; each is `None` when the \
                 server leaves it out."
            )],
            fields,
        })
    }

    /// Whether `ty` is a scalar, a string or integer enum, or (where `list_allowed`) a list of
    /// them: what a header's text can hold.
    fn decodes_from_text(&self, ty: &TypeRef, list_allowed: bool) -> bool {
        match ty {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::String
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid => true,
            TypeRef::Option(inner) => self.decodes_from_text(inner, list_allowed),
            TypeRef::Vec(inner) => list_allowed && self.decodes_from_text(inner, false),
            TypeRef::Named(id) => match self.types.get(id.0).and_then(|t| t.kind.as_ref()) {
                Some(TypeKind::Enum(_)) => true,
                // One level only: an alias of an alias is settled later.
                Some(TypeKind::Alias(aliased)) => {
                    !matches!(aliased, TypeRef::Named(_))
                        && self.decodes_from_text(aliased, list_allowed)
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn response_body(
        &mut self,
        response: &'a Response,
        pointer: &Pointer,
        hint: &str,
    ) -> ResponseBody {
        let content = &response.content;
        let chosen = content
            .iter()
            .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json)
            .or_else(|| content.iter().next());
        let Some((media_type, media)) = chosen else {
            return ResponseBody::Empty;
        };
        match MediaKind::of(media_type) {
            MediaKind::Json => match &media.schema {
                Some(schema) => {
                    let at = pointer.push("content").push(media_type).push("schema");
                    ResponseBody::Json(self.type_of(schema.into(), &at, hint))
                }
                None => ResponseBody::Json(TypeRef::Json),
            },
            MediaKind::Text => ResponseBody::Text,
            _ => ResponseBody::Bytes,
        }
    }

    fn security(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<usize>> {
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
                    Some(scheme) => schemes_needed.push(scheme),
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

    /// Follows a `$ref` into one section of `components`.
    fn resolve_component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        section: &str,
        get: impl Fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
        pointer: &Pointer,
    ) -> Option<(&'a T, Pointer)> {
        let mut current = item;
        let mut at = pointer.clone();
        for _ in 0..64 {
            let reference = match current {
                ReferenceOr::Item(item) => return Some((item, at)),
                ReferenceOr::Reference { reference } => reference,
            };
            let prefix = format!("#/components/{section}/");
            let found = reference
                .strip_prefix(&prefix)
                .and_then(|name| Some((name, self.doc.components.as_ref()?)))
                .and_then(|(name, components)| get(components).get_key_value(name));
            match found {
                Some((name, next)) => {
                    current = next;
                    at = Pointer::root().push("components").push(section).push(name);
                }
                None => {
                    let diagnostic = Diagnostic::error(
                        self.file,
                        Some(&at),
                        format!("dangling $ref `{reference}`"),
                    )
                    .note(format!(
                        "expected a reference into #/components/{section} of the same file"
                    ));
                    self.diagnostics.push(diagnostic);
                    return None;
                }
            }
        }
        self.error(pointer, "`$ref` chain does not end (a reference cycle)");
        None
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

/// Path parameters in path order, then other required parameters, then optional ones; each
/// group keeps spec order.
fn order_params(params: &mut Vec<Param>, path: &mut [PathPart]) {
    let mut taken = vec![false; params.len()];
    let mut order = Vec::with_capacity(params.len());
    for part in path.iter() {
        if let PathPart::Param(index) = part {
            if !std::mem::replace(&mut taken[*index], true) {
                order.push(*index);
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
    let mut new_index = vec![0; params.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for part in path.iter_mut() {
        if let PathPart::Param(index) = part {
            *index = new_index[*index];
        }
    }
    let mut slots: Vec<Option<Param>> = std::mem::take(params).into_iter().map(Some).collect();
    *params = order.iter().filter_map(|&i| slots[i].take()).collect();
}

fn remove_params(params: &mut Vec<Param>, parts: &mut [PathPart], kept: &[bool]) {
    let mut new_index = Vec::with_capacity(params.len());
    let mut next = 0;
    for &keep in kept {
        new_index.push(next);
        if keep {
            next += 1;
        }
    }
    for part in parts.iter_mut() {
        if let PathPart::Param(index) = part {
            *index = new_index[*index];
        }
    }
    let mut keep = kept.iter();
    params.retain(|_| *keep.next().unwrap_or(&true));
}

fn encoding_method(kind: EncodingKind) -> &'static str {
    match kind {
        EncodingKind::Json => "json",
        EncodingKind::FormUrlEncoded => "form_urlencoded",
        EncodingKind::Multipart => "multipart",
        EncodingKind::Text => "text",
        EncodingKind::Binary => "binary",
    }
}

fn name_encodings(mut encodings: Vec<Encoding>) -> Vec<Encoding> {
    if encodings.len() > 1 {
        for encoding in &mut encodings {
            encoding.method_ident = Some(encoding_method(encoding.kind).to_owned());
        }
    }
    encodings
}

fn accept_header(
    operation: &openapiv3::Operation,
    components: Option<&Components>,
) -> Option<String> {
    let mut media_types: Vec<&str> = Vec::new();
    let responses = operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| status_match(status).0.is_success().then_some(response));
    for response in responses {
        let response = match response {
            ReferenceOr::Item(response) => Some(response),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| components?.responses.get(name))
                .and_then(|r| r.as_item()),
        };
        for media_type in response.into_iter().flat_map(|r| r.content.keys()) {
            if !media_types.contains(&media_type.as_str()) {
                media_types.push(media_type);
            }
        }
    }
    (!media_types.is_empty()).then(|| media_types.join(", "))
}

/// The enum variant name for a status: `404` is `NotFound`, `4XX` is `ClientError`.
fn status_variant(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            407 => "ProxyAuthenticationRequired",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            421 => "MisdirectedRequest",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            508 => "LoopDetected",
            511 => "NetworkAuthenticationRequired",
            other => return format!("Status{other}"),
        },
        StatusMatch::Range(range) => match range {
            1 => "Informational",
            2 => "Success",
            3 => "Redirection",
            4 => "ClientError",
            5 => "ServerError",
            other => return format!("Status{other}xx"),
        },
        StatusMatch::Default => "Other",
    };
    name.to_owned()
}

fn response_variant(case: &ResponseCase, ident: String) -> ResponseVariant {
    let status = match case.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "Any other status".to_owned(),
    };
    let mut docs = vec![format!("{status}: {}", case.description)];
    docs.retain(|line| !line.ends_with(": "));
    ResponseVariant {
        ident,
        ty: case.body.ty(),
        docs: docs.iter().flat_map(|line| doc_lines(line)).collect(),
    }
}

fn schema_format_name(schema: &openapiv3::Schema) -> Option<&str> {
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

/// A response key (`200`, `4XX`) as the IR matches it, and as the pointer spells it.
fn status_match(status: &StatusCode) -> (StatusMatch, String) {
    match status {
        StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
        StatusCode::Range(range) => (StatusMatch::Range(*range), format!("{range}XX")),
    }
}

/// Parameters are stored as `Option` when optional; their own nullability adds nothing.
fn strip_option(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => *inner,
        ty => ty,
    }
}

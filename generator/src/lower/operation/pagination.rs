//! Pagination: whether an operation's results come in pages, what asks for the next page and
//! where a page's items are ([`Pagination`]), declared by an extension or detected.
//!
//! An operation's extensions decide first (`declared`): `x-apiforge-pagination` (`false`
//! turns pagination off, `true` detects it whatever the method, an object declares it), else
//! `x-dropshot-pagination` or `x-fern-pagination`. Without any of them a `GET` is detected,
//! the first rule that fits winning:
//!
//! 1. cursor: a string query parameter in [`CURSORS`] and a string field of the body (or of
//!    an object field of it) with one of the names paired with it;
//! 2. last item: a string `starting_after` parameter, a boolean `has_more` field and items
//!    with a string `id` (Stripe);
//! 3. link: a success response that declares a `Link` header (GitHub);
//! 4. page number: an integer `page` or `page_number` parameter beside a page-size one
//!    ([`PAGE_SIZES`]);
//! 5. offset: an integer `offset` parameter beside `limit`.
//!
//! The items are the body when it is an array, else its one array field (or, among several,
//! the first named in [`ITEM_FIELDS`]). A builder holding an upload is never paginated: it
//! cannot be sent twice.

mod declared;

use openapiv3::{Parameter, ReferenceOr, SchemaKind, Type};
use serde_json::Value;

use self::declared::Declared;
use super::params::ParamDraft;
use super::responses::SuccessDraft;
use crate::ir::{
    Body, FieldStep, FieldWrap, HttpMethod, PageStyle, Pagination, ParamId, ParamLocation,
    StructDef, TypeKind, TypeRef,
};
use crate::lower::Lowerer;
use crate::naming;
use crate::pointer::Pointer;

/// Cursor parameters (snake case) and the body fields that hold their next value.
const CURSORS: &[(&str, &[&str])] = &[
    ("cursor", &["next_cursor", "next_page_cursor"]),
    ("page_cursor", &["next_page_cursor", "next_cursor"]),
    ("page_token", &["next_page_token", "next_page"]),
    // A string `page` is a token (Stripe's search); an integer one is a page number.
    ("page", &["next_page"]),
    ("next_page_token", &["next_page_token"]),
    ("next_token", &["next_token"]),
    ("starting_token", &["next_token"]),
    (
        "continuation_token",
        &["continuation_token", "next_continuation_token"],
    ),
    ("marker", &["next_marker"]),
];

/// Page-size parameters that make `page` a page number.
const PAGE_SIZES: &[&str] = &["per_page", "page_size", "limit", "size"];

/// Array fields that hold the items when a body has several.
const ITEM_FIELDS: &[&str] = &[
    "data", "items", "results", "entries", "records", "values", "nodes", "elements",
];

/// How far aliases are followed.
const MAX_ALIASES: usize = 8;

/// What pagination is decided from: the operation, and what lowering made of it so far.
pub(super) struct PageInputs<'a, 'd> {
    pub(super) operation: &'a openapiv3::Operation,
    pub(super) path_params: &'a [ReferenceOr<Parameter>],
    pub(super) http_method: HttpMethod,
    /// The parameters, in their final order, before their names are settled.
    pub(super) params: &'d [ParamDraft],
    /// The request body, unless flattened into parameters.
    pub(super) body: Option<&'d Body>,
    pub(super) success: &'d SuccessDraft,
}

impl<'a> Lowerer<'a> {
    /// The operation's pagination, declared or detected; a declaration that does not fit the
    /// operation is a warning and leaves it unpaginated.
    pub(super) fn pagination(
        &mut self,
        inputs: PageInputs<'a, '_>,
        pointer: &Pointer,
    ) -> Option<Pagination> {
        let PageInputs {
            operation,
            path_params,
            http_method,
            params,
            body: request_body,
            success,
        } = inputs;
        let (declared, at) = self.declared(operation, pointer)?;
        let all_methods = match &declared {
            Declared::Off => return None,
            Declared::Detect { all_methods } => *all_methods,
            Declared::Explicit(_) => true,
        };
        let uploads = params.iter().any(|p| holds_upload(&p.ty))
            || request_body.is_some_and(|b| holds_upload(&b.ty));
        let body = match success {
            SuccessDraft::Body(ty) if *ty != TypeRef::Unit && !uploads => ty,
            _ => {
                if matches!(declared, Declared::Explicit(_)) {
                    self.warning(&at, "pagination needs one success body and no upload; the operation is not paginated");
                }
                return None;
            }
        };
        if let Declared::Explicit(spec) = declared {
            let first = self.first_value(operation, path_params, spec.param.as_deref());
            let found = self.explicit(&spec, params, body, first, self.declares_link(operation));
            if let Err(message) = &found {
                self.warning(&at, format!("{message}; the operation is not paginated"));
            }
            return found.ok();
        }
        if !all_methods && http_method != HttpMethod::Get {
            return None;
        }
        let (items, item) = self.find_items(body)?;
        let style = self.detect_style(operation, path_params, params, body, &item)?;
        Some(Pagination { style, items, item })
    }

    /// The first rule of the module's list that fits.
    fn detect_style(
        &self,
        operation: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        params: &[ParamDraft],
        body: &TypeRef,
        item: &TypeRef,
    ) -> Option<PageStyle> {
        let query = |wanted: &[&str], kind: fn(&TypeRef) -> bool| {
            params.iter().position(|p| {
                matches!(p.location, ParamLocation::Query(_))
                    && wanted.contains(&naming::snake(&p.wire_name).as_str())
                    && kind(self.alias_target(&p.ty))
            })
        };
        let is_string = |ty: &TypeRef| *ty == TypeRef::String;
        for (index, param) in params.iter().enumerate() {
            let snake = naming::snake(&param.wire_name);
            let Some((_, fields)) = CURSORS.iter().find(|(name, _)| *name == snake) else {
                continue;
            };
            if !matches!(param.location, ParamLocation::Query(_))
                || !is_string(self.alias_target(&param.ty))
            {
                continue;
            }
            if let Some(next) = self.cursor_field(body, fields) {
                return Some(PageStyle::Cursor {
                    param: ParamId(index),
                    next,
                });
            }
        }
        if let Some(index) = query(&["starting_after"], is_string) {
            let has_more = self
                .field_path(body, "has_more")
                .filter(|(_, leaf)| *self.alias_target(leaf) == TypeRef::Bool);
            if let (Some((has_more, _)), Some(id)) = (has_more, self.string_field(item, "id")) {
                return Some(PageStyle::LastItem {
                    param: ParamId(index),
                    has_more: Some(has_more),
                    id,
                });
            }
        }
        if self.declares_link(operation) {
            return Some(PageStyle::Link);
        }
        if let Some(index) = query(&["page", "page_number"], is_integer)
            && query(PAGE_SIZES, is_integer).is_some()
        {
            let first = self.first_value(operation, path_params, Some(&params[index].wire_name));
            return Some(PageStyle::PageNumber {
                param: ParamId(index),
                first,
            });
        }
        if let Some(index) = query(&["offset"], is_integer)
            && query(&["limit"], is_integer).is_some()
        {
            return Some(PageStyle::Offset {
                param: ParamId(index),
            });
        }
        None
    }

    /// A string field named one of `names` in the body, or in an object field of it.
    fn cursor_field(&self, body: &TypeRef, names: &[&str]) -> Option<Vec<FieldStep>> {
        let fields = &self.page_struct(body)?.fields;
        let is_cursor = |ty: &TypeRef| *self.alias_target(unwrap_options(ty).1) == TypeRef::String;
        let named =
            |field: &crate::ir::Field| names.contains(&naming::snake(&field.wire_name).as_str());
        if let Some(field) = fields
            .iter()
            .find(|f| !f.flatten && named(f) && is_cursor(&f.ty))
        {
            return Some(vec![step(field)]);
        }
        fields.iter().filter(|f| !f.flatten).find_map(|outer| {
            let inner = self.page_struct(unwrap_options(&outer.ty).1)?;
            let field = inner
                .fields
                .iter()
                .find(|f| !f.flatten && named(f) && is_cursor(&f.ty))?;
            Some(vec![step(outer), step(field)])
        })
    }

    /// The items: the body when it is an array, else its one array field, or among several
    /// the first in [`ITEM_FIELDS`].
    fn find_items(&self, body: &TypeRef) -> Option<(Vec<FieldStep>, TypeRef)> {
        if let Some(item) = self.vec_item(body) {
            return Some((Vec::new(), item));
        }
        let arrays: Vec<_> = self
            .page_struct(body)?
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .filter_map(|f| Some((f, self.vec_item(unwrap_options(&f.ty).1)?)))
            .collect();
        let (field, item) = match arrays.as_slice() {
            [only] => only,
            several => ITEM_FIELDS.iter().find_map(|name| {
                several
                    .iter()
                    .find(|(f, _)| naming::snake(&f.wire_name) == *name)
            })?,
        };
        Some((vec![step(field)], item.clone()))
    }

    /// The fields a dotted path of wire names goes through from `ty`, and the last one's type
    /// without its options.
    fn field_path(&self, ty: &TypeRef, path: &str) -> Option<(Vec<FieldStep>, TypeRef)> {
        let mut steps = Vec::new();
        let mut current = ty.clone();
        for name in path.split('.') {
            let field = self
                .page_struct(&current)?
                .fields
                .iter()
                .find(|f| !f.flatten && f.wire_name == name)?;
            steps.push(step(field));
            current = unwrap_options(&field.ty).1.clone();
        }
        (!steps.is_empty()).then_some((steps, current))
    }

    /// A string field of the item struct, by wire name.
    fn string_field(&self, item: &TypeRef, name: &str) -> Option<FieldStep> {
        let (steps, leaf) = self.field_path(item, name)?;
        (*self.alias_target(&leaf) == TypeRef::String).then(|| steps.into_iter().next())?
    }

    /// `ty` with aliases (and boxes) seen through.
    fn alias_target<'t>(&'t self, mut ty: &'t TypeRef) -> &'t TypeRef {
        for _ in 0..MAX_ALIASES {
            ty = match ty {
                TypeRef::Boxed(inner) => inner,
                TypeRef::Named(id) => match self.pending(*id).and_then(|t| t.kind.as_ref()) {
                    Some(TypeKind::Alias(aliased)) => aliased,
                    _ => return ty,
                },
                _ => return ty,
            };
        }
        ty
    }

    fn page_struct(&self, ty: &TypeRef) -> Option<&StructDef> {
        match self.alias_target(ty) {
            TypeRef::Named(id) => match self.pending(*id)?.kind.as_ref()? {
                TypeKind::Struct(def) => Some(def),
                _ => None,
            },
            _ => None,
        }
    }

    fn vec_item(&self, ty: &TypeRef) -> Option<TypeRef> {
        match self.alias_target(ty) {
            TypeRef::Vec(item) => Some((**item).clone()),
            _ => None,
        }
    }

    /// Whether a success response declares a `Link` header.
    fn declares_link(&self, operation: &'a openapiv3::Operation) -> bool {
        operation
            .responses
            .responses
            .iter()
            .any(|(status, response)| {
                let success = match status {
                    openapiv3::StatusCode::Code(code) => (200..300).contains(code),
                    openapiv3::StatusCode::Range(range) => *range == 2,
                };
                success
                    && self
                        .peek(response.into())
                        .is_some_and(|r| r.headers.keys().any(|h| h.eq_ignore_ascii_case("link")))
            })
    }

    /// The page number a request that does not set the parameter `name` gets: its schema's
    /// default, else its minimum, else 1.
    fn first_value(
        &self,
        operation: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        name: Option<&str>,
    ) -> i64 {
        let schema = operation
            .parameters
            .iter()
            .chain(path_params)
            .filter_map(|p| self.peek(p.into()))
            .find(|p| {
                matches!(p, Parameter::Query { .. })
                    && Some(p.parameter_data_ref().name.as_str()) == name
            })
            .and_then(|p| match &p.parameter_data_ref().format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => self.peek(schema.into()),
                openapiv3::ParameterSchemaOrContent::Content(_) => None,
            });
        let Some(schema) = schema else {
            return 1;
        };
        let minimum = match &schema.schema_kind {
            SchemaKind::Type(Type::Integer(integer)) => integer.minimum,
            _ => None,
        };
        schema
            .schema_data
            .default
            .as_ref()
            .and_then(Value::as_i64)
            .or(minimum)
            .unwrap_or(1)
    }
}

/// A field as a step of a path.
fn step(field: &crate::ir::Field) -> FieldStep {
    FieldStep {
        ident: field.ident.clone(),
        wrap: unwrap_options(&field.ty).0,
    }
}

/// What options wrap `ty`, and what they wrap.
fn unwrap_options(ty: &TypeRef) -> (FieldWrap, &TypeRef) {
    match ty {
        TypeRef::Option(inner) => match &**inner {
            TypeRef::Option(innermost) => (FieldWrap::DoubleOption, innermost),
            inner => (FieldWrap::Option, inner),
        },
        ty => (FieldWrap::Plain, ty),
    }
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
    )
}

fn holds_upload(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Upload => true,
        TypeRef::Vec(inner) | TypeRef::Option(inner) => holds_upload(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, FieldStep, PageStyle};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    /// An operation's pagination in short: style, parameter, next-cursor path, items path.
    pub(super) fn paging(api: &Api, method: &str) -> String {
        let op = operation(api, method);
        let Some(pagination) = &op.pagination else {
            return "none".to_owned();
        };
        let path = |steps: &[FieldStep]| {
            steps
                .iter()
                .map(|s| s.ident.clone())
                .collect::<Vec<_>>()
                .join(".")
        };
        let param = |id| op.param(id).ident.clone();
        let style = match &pagination.style {
            PageStyle::Cursor { param: id, next } => {
                format!("cursor {} {}", param(*id), path(next))
            }
            PageStyle::LastItem {
                param: id,
                has_more,
                id: field,
            } => {
                format!(
                    "last {} {} {}",
                    param(*id),
                    path(has_more.as_deref().unwrap_or_default()),
                    field.ident
                )
            }
            PageStyle::PageNumber { param: id, first } => format!("page {} {first}", param(*id)),
            PageStyle::Offset { param: id } => format!("offset {}", param(*id)),
            PageStyle::Link => "link".to_owned(),
        };
        format!("{style} / {}", path(&pagination.items))
    }

    const LIST: &str = "{type: object, properties: {data: {type: array, items: {type: object, properties: {id: {type: string}}}}, next_page_token: {type: string}, has_more: {type: boolean}, meta: {type: object, properties: {next_cursor: {type: string}}}}}";

    pub(super) fn document(operations: &[(&str, &str, &str)]) -> String {
        let paths: String = operations
            .iter()
            .map(|(name, verb, extra)| format!("/{name}:\n  {verb}:\n    operationId: {name}\n    {extra}\n    responses: {{'200': {{description: ok, headers: {{X-Rate: {{schema: {{type: integer}}}}}}, content: {{application/json: {{schema: {LIST}}}}}}}}}\n"))
            .collect();
        with_paths(&paths)
    }

    pub(super) fn query(names: &[(&str, &str)]) -> String {
        let params: Vec<String> = names
            .iter()
            .map(|(name, ty)| format!("{{name: {name}, in: query, schema: {{type: {ty}}}}}"))
            .collect();
        format!("parameters: [{}]", params.join(", "))
    }

    #[test]
    fn each_rule_is_detected_on_a_get_and_nothing_else_is() {
        let (api, warnings) = lowered_document(&document(&[
            (
                "tokens",
                "get",
                &query(&[("pageToken", "string"), ("items", "string")]),
            ),
            ("cursors", "get", &query(&[("cursor", "string")])),
            ("stripe", "get", &query(&[("starting_after", "string")])),
            (
                "pages",
                "get",
                &query(&[("page", "integer"), ("per_page", "integer")]),
            ),
            (
                "offsets",
                "get",
                &query(&[("offset", "integer"), ("limit", "integer")]),
            ),
            ("posted", "post", &query(&[("cursor", "string")])),
            ("lonely", "get", &query(&[("page", "integer")])),
            (
                "numbered",
                "get",
                &query(&[("cursor", "integer"), ("marker", "string")]),
            ),
            (
                "off",
                "get",
                &format!(
                    "x-apiforge-pagination: false\n    {}",
                    query(&[("offset", "integer"), ("limit", "integer")])
                ),
            ),
            (
                "forced",
                "post",
                &format!(
                    "x-apiforge-pagination: true\n    {}",
                    query(&[("cursor", "string")])
                ),
            ),
        ]));
        let found: Vec<String> = api
            .operations()
            .map(|op| format!("{}: {}", op.method_ident, paging(&api, &op.method_ident)))
            .collect();
        assert_eq!(
            found,
            [
                "tokens: cursor page_token next_page_token / data",
                "cursors: cursor cursor meta.next_cursor / data",
                "stripe: last starting_after has_more id / data",
                "pages: page page 1 / data",
                "offsets: offset offset / data",
                "posted: none",
                "lonely: none",
                "numbered: none",
                "off: none",
                "forced: cursor cursor meta.next_cursor / data",
            ]
        );
        // A paginated builder's `items()` keeps a parameter off its name.
        assert_eq!(operation(&api, "tokens").params[1].ident, "items_2");
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}

//! Pagination declared by an extension: `x-apiforge-pagination` (`false` turns it off, `true`
//! detects it whatever the method, an object declares it), else `x-dropshot-pagination` and
//! `x-fern-pagination` where they carry the same facts; a declaration is checked against the
//! operation, and one that does not fit is a warning.

use serde_json::Value;

use super::is_integer;
use crate::ir::{PageStyle, Pagination, ParamId, ParamLocation, TypeRef};
use crate::lower::Lowerer;
use crate::lower::operation::params::ParamDraft;
use crate::pointer::Pointer;

/// The extension that declares, overrides or turns off pagination.
const EXTENSION: &str = "x-apiforge-pagination";
/// Dropshot's marker: `page_token` in, `next_page` and `items` out.
const DROPSHOT: &str = "x-dropshot-pagination";
/// Fern's declaration, read in its cursor and offset forms.
const FERN: &str = "x-fern-pagination";

/// What the extensions ask for.
pub(super) enum Declared {
    /// Detect, for a `GET` only (`all_methods`: any method).
    Detect { all_methods: bool },
    /// Not paginated.
    Off,
    /// This, by wire names.
    Explicit(Spec),
}

/// A declared pagination, by wire names, before it is checked against the operation.
#[derive(Default)]
pub(super) struct Spec {
    style: String,
    pub(super) param: Option<String>,
    next: Option<String>,
    items: Option<String>,
    has_more: Option<String>,
    id: Option<String>,
    first: Option<i64>,
}

impl<'a> Lowerer<'a> {
    /// What the operation's extensions say, and where; `None` (with a warning) when one is
    /// not of a form this reads.
    pub(super) fn declared(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &Pointer,
    ) -> Option<(Declared, Pointer)> {
        let configured = operation
            .operation_id
            .as_ref()
            .and_then(|id| self.settings.pagination.get(id));
        if let Some(value) = configured {
            return match read_declaration(value) {
                Some(declared) => Some((declared, pointer.clone())),
                None => {
                    self.warning(pointer, "the configuration's `pagination` for this operation must be `true`, `false` or a table; the operation is not paginated".to_owned());
                    None
                }
            };
        }
        let extensions = &operation.extensions;
        if let Some(value) = extensions.get(EXTENSION) {
            let at = pointer.push(EXTENSION);
            return match read_declaration(value) {
                Some(declared) => Some((declared, at)),
                None => {
                    self.warning(&at, format!("`{EXTENSION}` must be `true`, `false` or an object; the operation is not paginated"));
                    None
                }
            };
        }
        if let Some(value) = extensions.get(DROPSHOT) {
            if *value == Value::Bool(false) {
                return Some((Declared::Detect { all_methods: false }, pointer.clone()));
            }
            let spec = Spec {
                style: "cursor".to_owned(),
                param: Some("page_token".to_owned()),
                next: Some("next_page".to_owned()),
                items: Some("items".to_owned()),
                ..Spec::default()
            };
            return Some((Declared::Explicit(spec), pointer.push(DROPSHOT)));
        }
        if let Some(value) = extensions.get(FERN) {
            let at = pointer.push(FERN);
            return match fern(value) {
                Some(declared) => Some((declared, at)),
                None => {
                    self.warning(&at, format!("`{FERN}` is read in its cursor and offset forms with `$request.` and `$response.` paths only; the operation is not paginated"));
                    None
                }
            };
        }
        Some((Declared::Detect { all_methods: false }, pointer.clone()))
    }

    /// A declaration checked against the operation: its pagination, or what does not fit.
    pub(super) fn explicit(
        &self,
        spec: &Spec,
        params: &[ParamDraft],
        body: &TypeRef,
        first: i64,
        link_declared: bool,
    ) -> Result<Pagination, String> {
        let (items, item) = match &spec.items {
            Some(path) => self
                .field_path(body, path)
                .and_then(|(steps, leaf)| Some((steps, self.vec_item(&leaf)?)))
                .ok_or_else(|| format!("`items: {path}` is not an array field of the body"))?,
            None => self
                .find_items(body)
                .ok_or("the body has no array of items; name it with `items`")?,
        };
        let param = |kind: fn(&TypeRef) -> bool| -> Result<ParamId, String> {
            let name = spec.param.as_deref().ok_or("`param` names no parameter")?;
            let index = params
                .iter()
                .position(|p| p.wire_name == name && matches!(p.location, ParamLocation::Query(_)))
                .ok_or_else(|| format!("the operation has no query parameter `{name}`"))?;
            if !kind(self.alias_target(&params[index].ty)) {
                return Err(format!(
                    "query parameter `{name}` is not of the type its style needs"
                ));
            }
            Ok(ParamId(index))
        };
        let style = match spec.style.as_str() {
            "cursor" => {
                let param = param(|ty| *ty == TypeRef::String)?;
                let path = spec
                    .next
                    .as_deref()
                    .ok_or("a cursor needs `next`, the body field of the next cursor")?;
                let next = self
                    .field_path(body, path)
                    .filter(|(_, leaf)| *self.alias_target(leaf) == TypeRef::String)
                    .ok_or_else(|| format!("`next: {path}` is not a string field of the body"))?
                    .0;
                PageStyle::Cursor { param, next }
            }
            "last-item" => {
                let param = param(|ty| *ty == TypeRef::String)?;
                let has_more = match spec.has_more.as_deref() {
                    Some(path) => Some(
                        self.field_path(body, path)
                            .filter(|(_, leaf)| *self.alias_target(leaf) == TypeRef::Bool)
                            .ok_or_else(|| {
                                format!("`has_more: {path}` is not a boolean field of the body")
                            })?
                            .0,
                    ),
                    None => None,
                };
                let name = spec.id.as_deref().unwrap_or("id");
                let id = self
                    .string_field(&item, name)
                    .ok_or_else(|| format!("the items have no string field `{name}`"))?;
                PageStyle::LastItem {
                    param,
                    has_more,
                    id,
                }
            }
            "page" => PageStyle::PageNumber {
                param: param(is_integer)?,
                first: spec.first.unwrap_or(first),
            },
            "offset" => PageStyle::Offset {
                param: param(is_integer)?,
            },
            "link" if link_declared => PageStyle::Link,
            "link" => {
                return Err(
                    "`link` needs a success response that declares a `Link` header".to_owned(),
                );
            }
            other => {
                return Err(format!(
                    "unknown style `{other}`; expected one of `cursor`, `last-item`, `page`, `offset`, `link`"
                ));
            }
        };
        Ok(Pagination { style, items, item })
    }
}

/// `x-fern-pagination` in its cursor (`cursor`, `next_cursor`, `results`) or offset (`offset`,
/// `results`, and `step` to move by the item count) form.
fn fern(value: &Value) -> Option<Declared> {
    if *value == Value::Bool(true) {
        return Some(Declared::Detect { all_methods: true });
    }
    let fields = value.as_object()?;
    let path = |key: &str, prefix: &str| -> Option<Option<String>> {
        match fields.get(key) {
            None => Some(None),
            Some(value) => value
                .as_str()?
                .strip_prefix(prefix)
                .map(|p| Some(p.to_owned())),
        }
    };
    let results = path("results", "$response.")??;
    let request =
        |key| path(key, "$request.").filter(|p| p.as_ref().is_none_or(|p| !p.contains('.')));
    let spec = match (request("cursor")?, request("offset")?) {
        (Some(param), None) => Spec {
            style: "cursor".to_owned(),
            param: Some(param),
            next: Some(path("next_cursor", "$response.")??),
            ..Spec::default()
        },
        (None, Some(param)) => Spec {
            style: if request("step")?.is_some() {
                "offset"
            } else {
                "page"
            }
            .to_owned(),
            param: Some(param),
            ..Spec::default()
        },
        _ => return None,
    };
    Some(Declared::Explicit(Spec {
        items: Some(results),
        ..spec
    }))
}

/// `x-apiforge-pagination`'s value (or the configuration's, which says the same): `false`,
/// `true` or a declaration; `None` for anything else.
fn read_declaration(value: &Value) -> Option<Declared> {
    match value {
        Value::Bool(false) => Some(Declared::Off),
        Value::Bool(true) => Some(Declared::Detect { all_methods: true }),
        Value::Object(fields) => {
            let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
            Some(Declared::Explicit(Spec {
                style: text("style").unwrap_or_default(),
                param: text("param"),
                next: text("next"),
                items: text("items"),
                has_more: text("has_more"),
                id: text("id"),
                first: fields.get("first").and_then(Value::as_i64),
            }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{document, paging, query};
    use crate::lower::testing::lowered_document;

    #[test]
    fn the_configuration_decides_before_the_document_and_names_only_operations_it_has() {
        let text = document(&[
            ("cursors", "get", &query(&[("cursor", "string")])),
            (
                "offsets",
                "get",
                &format!(
                    "x-apiforge-pagination: false\n    {}",
                    query(&[("offset", "integer"), ("limit", "integer")])
                ),
            ),
        ]);
        let loaded = crate::load::load("t.yaml", text.as_bytes()).expect("loads");
        let mut settings = crate::Settings::new("t");
        settings
            .pagination
            .insert("cursors".to_owned(), serde_json::Value::Bool(false));
        settings.pagination.insert(
            "offsets".to_owned(),
            serde_json::json!({"style": "offset", "param": "offset"}),
        );
        let (api, _) = crate::lower::lower("t.yaml", &loaded.document, &settings).expect("lowers");
        assert_eq!(paging(&api, "cursors"), "none");
        assert_eq!(paging(&api, "offsets"), "offset offset / data");

        settings
            .pagination
            .insert("nowhere".to_owned(), serde_json::Value::Bool(true));
        let errors = crate::lower::lower("t.yaml", &loaded.document, &settings)
            .err()
            .map(|errors| errors.0)
            .unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e.setting == Some(crate::Setting::Pagination)
                    && e.message.contains("nowhere")),
            "{errors:?}"
        );
    }

    #[test]
    fn extensions_declare_map_or_are_refused_with_a_warning() {
        let (api, warnings) = lowered_document(&document(&[
            (
                "declared",
                "get",
                &format!(
                    "x-apiforge-pagination: {{style: page, param: p, first: 0}}\n    {}",
                    query(&[("p", "integer")])
                ),
            ),
            (
                "nested",
                "get",
                &format!(
                    "x-apiforge-pagination: {{style: cursor, param: c, next: meta.next_cursor, items: data}}\n    {}",
                    query(&[("c", "string")])
                ),
            ),
            (
                "dropshot",
                "get",
                &format!(
                    "x-dropshot-pagination: {{required: []}}\n    {}",
                    query(&[("page_token", "string")])
                ),
            ),
            (
                "fern",
                "get",
                &format!(
                    "x-fern-pagination: {{cursor: $request.after, next_cursor: $response.next_page_token, results: $response.data}}\n    {}",
                    query(&[("after", "string")])
                ),
            ),
            (
                "fern_pages",
                "get",
                &format!(
                    "x-fern-pagination: {{offset: $request.n, results: $response.data}}\n    {}",
                    query(&[("n", "integer")])
                ),
            ),
            (
                "fern_offsets",
                "get",
                &format!(
                    "x-fern-pagination: {{offset: $request.n, step: $request.size, results: $response.data}}\n    {}",
                    query(&[("n", "integer"), ("size", "integer")])
                ),
            ),
            (
                "wrong",
                "get",
                &format!(
                    "x-apiforge-pagination: {{style: cursor, param: nope, next: meta}}\n    {}",
                    query(&[("cursor", "string")])
                ),
            ),
            ("unknown", "get", "x-apiforge-pagination: {style: sideways}"),
        ]));
        let found: Vec<String> = api
            .operations()
            .map(|op| paging(&api, &op.method_ident))
            .collect();
        assert_eq!(
            found,
            [
                "page p 0 / data",
                "cursor c meta.next_cursor / data",
                // Dropshot's body has no `next_page` here: refused with a warning.
                "none",
                "cursor after next_page_token / data",
                "page n 1 / data",
                "offset n / data",
                "none",
                "none",
            ]
        );
        let said = |text: &str| warnings.iter().any(|w| w.contains(text));
        assert!(said("`items: items` is not an array field"), "{warnings:?}");
        assert!(said("no query parameter `nope`"), "{warnings:?}");
        assert!(said("unknown style `sideways`"), "{warnings:?}");
    }
}

//! An operation's responses: what each status means and how its body decodes, the success
//! type (one, or an enum by status), the error enum, the typed success headers, and the
//! `Accept` header.

use openapiv3::{Components, ReferenceOr, Response, StatusCode};

use super::super::docs::{code_span, doc_lines};
use super::super::{Lowerer, resolve};
use super::params::strip_option;
use crate::ir::{
    Outcome, ResponseBody, ResponseCase, ResponseEnum, ResponseHeader, ResponseHeaders,
    ResponseVariant, StatusMatch, TypeKind, TypeRef,
};
use crate::media::MediaKind;
use crate::naming::{self, Case, Scope};
use crate::pointer::Pointer;

/// An enum over some of an operation's responses, before its name is settled crate-wide.
pub(super) struct EnumDraft {
    docs: Vec<String>,
    variants: Vec<ResponseVariant>,
}

impl EnumDraft {
    fn new(docs: String, variants: Vec<ResponseVariant>) -> Self {
        EnumDraft {
            docs: vec![docs],
            variants,
        }
    }

    pub(super) fn named(self, ident: String) -> ResponseEnum {
        let carries_types = self
            .variants
            .iter()
            .any(|v| matches!(v.ty, TypeRef::Named(_) | TypeRef::External(_)));
        ResponseEnum {
            ident,
            // Decided once every type is known (`derives`).
            derive_partial_eq: true,
            allow_large_variants: carries_types && self.variants.len() > 1,
            docs: self.docs,
            variants: self.variants,
            // Decided once every operation is lowered (`shared`).
            shared: None,
        }
    }
}

/// What an operation returns on success, before a success enum's name is settled.
pub(super) enum SuccessDraft {
    Body(TypeRef),
    ByStatus(EnumDraft),
}

/// The typed headers of an operation's successes, before the struct's name is settled.
pub(super) struct HeadersDraft {
    docs: Vec<String>,
    fields: Vec<ResponseHeader>,
}

impl HeadersDraft {
    pub(super) fn named(self, ident: String) -> ResponseHeaders {
        ResponseHeaders {
            ident,
            docs: self.docs,
            redacted_debug: self.fields.iter().any(|f| f.secret),
            fields: self.fields,
        }
    }
}

/// What [`Lowerer::responses`] makes of an operation's responses.
pub(super) struct Responses {
    pub(super) cases: Vec<ResponseCase>,
    pub(super) success: SuccessDraft,
    pub(super) errors: Option<EnumDraft>,
}

impl<'a> Lowerer<'a> {
    /// Each declared status as a case in match order, the success type, and the error enum.
    pub(super) fn responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> Responses {
        let base = pointer.push("responses");
        let mut listed: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, Pointer)> =
            Vec::new();
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
        if listed.is_empty() {
            // What a caller expects of an operation that says nothing: a 2xx status succeeds
            // (its body, if any, unread) and anything else is `Error::UnexpectedResponse`.
            self.warning(
                &base,
                "the operation declares no responses; any 2XX status is taken as success with no body",
            );
            cases.push(ResponseCase {
                status: StatusMatch::Range(2),
                body: ResponseBody::Empty,
                outcome: Outcome::Success,
                variant: status_variant(StatusMatch::Range(2)),
                description: String::new(),
            });
        }
        for (status, response, at) in listed {
            let Some((response, at)) = self.resolve(response.into(), &at) else {
                continue;
            };
            let success = status.is_success() || (!any_success && status == StatusMatch::Default);
            let variant = status_variant(status);
            let type_hint = match (success, success_count) {
                (true, 0 | 1) => format!("{hint}Response"),
                (true, _) => format!("{hint}{variant}Response"),
                (false, _) => format!("{hint}{variant}"),
            };
            let events_hint = success.then(|| format!("{hint}Event"));
            let body = self.response_body(response, &at, &type_hint, events_hint.as_deref());
            cases.push(ResponseCase {
                status,
                body,
                outcome: if success {
                    Outcome::Success
                } else {
                    Outcome::Error
                },
                variant,
                description: response.description.trim().to_owned(),
            });
        }
        let variants = |cases: &[ResponseCase], outcome: Outcome| -> Vec<ResponseVariant> {
            cases
                .iter()
                .filter(|case| case.outcome == outcome)
                .map(response_variant)
                .collect()
        };
        let mut successes = variants(&cases, Outcome::Success);
        let mut single_type = successes.windows(2).all(|pair| pair[0].ty == pair[1].ty);
        if !single_type && cases.iter().any(|case| case.body.is_streamed()) {
            // A success enum is read whole: its event streams are too, as text.
            for case in &mut cases {
                if matches!(
                    case.body,
                    ResponseBody::JsonEvents(_) | ResponseBody::TextEvents
                ) {
                    self.warning(
                        &base.push(case.status.key()),
                        "the operation has successes of several types, so this event stream is read whole, as text",
                    );
                    case.body = ResponseBody::Text;
                }
            }
            successes = variants(&cases, Outcome::Success);
            single_type = successes.windows(2).all(|pair| pair[0].ty == pair[1].ty);
        }
        let success = if single_type {
            // A binary download is handed over as it arrives, not buffered whole.
            for case in &mut cases {
                if case.outcome == Outcome::Success && case.body == ResponseBody::Bytes {
                    case.body = ResponseBody::Stream;
                }
            }
            let first = cases.iter().find(|case| case.outcome == Outcome::Success);
            SuccessDraft::Body(first.map_or(TypeRef::Unit, |case| case.body.ty()))
        } else {
            SuccessDraft::ByStatus(EnumDraft::new(
                format!(
                    "The successful responses of {}, by status.",
                    code_span(hint)
                ),
                successes,
            ))
        };
        let errors = variants(&cases, Outcome::Error);
        let errors = (!errors.is_empty()).then(|| {
            EnumDraft::new(
                format!(
                    "The error responses {} declares, by status.",
                    code_span(hint)
                ),
                errors,
            )
        });
        Responses {
            cases,
            success,
            errors,
        }
    }

    /// The headers the successful responses declare, merged by name (case-insensitively, as
    /// HTTP compares them); `Content-Type` is left out, as OpenAPI says.
    pub(super) fn response_headers(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        hint: &str,
    ) -> Option<HeadersDraft> {
        let base = pointer.push("responses");
        // (wire name, type, docs), named once all are known.
        let mut headers: Vec<(&'a String, TypeRef, Vec<String>)> = Vec::new();
        for (status, response) in &operation.responses.responses {
            let (status, key) = status_match(status);
            if !status.is_success() {
                continue;
            }
            let Some((response, at)) = self.resolve(response.into(), &base.push(key)) else {
                continue;
            };
            for (name, header) in &response.headers {
                if name.eq_ignore_ascii_case("content-type")
                    || headers
                        .iter()
                        .any(|(wire_name, _, _)| wire_name.eq_ignore_ascii_case(name))
                {
                    continue;
                }
                let header_at = at.push("headers").push(name);
                let Some((header, header_at)) = self.resolve(header.into(), &header_at) else {
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
                let docs = header
                    .description
                    .as_deref()
                    .map(doc_lines)
                    .unwrap_or_default();
                headers.push((name, ty, docs));
            }
        }
        if headers.is_empty() {
            return None;
        }
        let mut idents = Scope::new(Case::Snake);
        for (name, _, _) in &headers {
            idents.add(name);
        }
        let fields = headers
            .into_iter()
            .zip(idents.settle())
            .map(|((name, ty, docs), ident)| ResponseHeader {
                ident,
                wire_name: name.clone(),
                ty,
                docs,
                secret: naming::is_secret(name, None),
            })
            .collect();
        Some(HeadersDraft {
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
            TypeRef::Named(id) => match self.pending(*id).and_then(|t| t.kind.as_ref()) {
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

    /// How a response's body decodes: JSON where the response offers it, else the first media
    /// type as text or bytes, or for a success (`events_hint` names the type of its events'
    /// data) as server-sent events.
    fn response_body(
        &mut self,
        response: &'a Response,
        pointer: &Pointer,
        hint: &str,
        events_hint: Option<&str>,
    ) -> ResponseBody {
        let content = &response.content;
        let chosen = content
            .iter()
            .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json)
            .or_else(|| content.iter().next());
        let Some((media_type, media)) = chosen else {
            return ResponseBody::Empty;
        };
        if let (Some(events_hint), true) = (events_hint, MediaKind::is_event_stream(media_type)) {
            let at = pointer.push("content").push(media_type);
            return self.event_body(media, &at, events_hint);
        }
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
}

/// The media types the successes may come in, for `Accept`.
pub(super) fn accept_header(
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
        let response = resolve::lookup(components, response.into());
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

/// The variant of a response enum that holds `case`.
fn response_variant(case: &ResponseCase) -> ResponseVariant {
    let status = match case.status {
        StatusMatch::Default => "Any other status".to_owned(),
        status => status.key(),
    };
    let mut docs = vec![format!("{status}: {}", case.description)];
    docs.retain(|line| !line.ends_with(": "));
    ResponseVariant {
        ident: case.variant.clone(),
        ty: case.body.ty(),
        docs: docs.iter().flat_map(|line| doc_lines(line)).collect(),
    }
}

/// A response key (`200`, `4XX`) as the IR matches it, and as the pointer spells it.
fn status_match(status: &StatusCode) -> (StatusMatch, String) {
    let status = match status {
        StatusCode::Code(code) => StatusMatch::Code(*code),
        StatusCode::Range(range) => StatusMatch::Range(*range),
    };
    (status, status.key())
}

#[cfg(test)]
mod tests {
    use crate::ir::{Outcome, ResponseBody, StatusMatch, Success, TypeRef};
    use crate::lower::testing::{lowered_document, operation, with_paths};

    #[test]
    fn several_success_types_make_an_enum_and_errors_another() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /jobs:
              post:
                operationId: startJob
                responses:
                  '200': {description: done, content: {application/json: {schema: {type: string}}}}
                  '202': {description: queued}
                  '4XX': {description: refused, content: {text/plain: {schema: {type: string}}}}
                  default: {description: other, content: {application/json: {schema: {type: object}}}}
            "#,
        ));
        let op = operation(&api, "start_job");
        let Success::ByStatus(successes) = &op.success else {
            panic!("one success enum: {:?}", op.success);
        };
        assert_eq!(successes.ident, "StartJobResponse");
        let variants: Vec<(&str, &TypeRef)> = successes
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), &v.ty))
            .collect();
        assert_eq!(
            variants,
            [("Ok", &TypeRef::String), ("Accepted", &TypeRef::Unit)]
        );
        let errors = op.error_enum.as_ref().expect("an error enum");
        assert_eq!(errors.ident, "StartJobError");
        let cases: Vec<(StatusMatch, Outcome, &str, &ResponseBody)> = op
            .responses
            .iter()
            .map(|c| (c.status, c.outcome, c.variant.as_str(), &c.body))
            .collect();
        assert_eq!(
            cases,
            [
                (
                    StatusMatch::Code(200),
                    Outcome::Success,
                    "Ok",
                    &ResponseBody::Json(TypeRef::String)
                ),
                (
                    StatusMatch::Code(202),
                    Outcome::Success,
                    "Accepted",
                    &ResponseBody::Empty
                ),
                (
                    StatusMatch::Range(4),
                    Outcome::Error,
                    "ClientError",
                    &ResponseBody::Text
                ),
                (
                    StatusMatch::Default,
                    Outcome::Error,
                    "Other",
                    &ResponseBody::Json(TypeRef::Map(Box::new(TypeRef::Json)))
                ),
            ]
        );
    }

    #[test]
    fn no_responses_mean_any_2xx_succeeds_with_no_body() {
        let (api, warnings) = lowered_document(&with_paths(
            r#"
            /ping:
              post:
                operationId: ping
                responses: {}
            "#,
        ));
        let op = operation(&api, "ping");
        assert!(matches!(op.success, Success::Body(TypeRef::Unit)));
        assert!(op.error_enum.is_none());
        assert_eq!(op.accept, None);
        let cases: Vec<(StatusMatch, Outcome, &str, &ResponseBody)> = op
            .responses
            .iter()
            .map(|c| (c.status, c.outcome, c.variant.as_str(), &c.body))
            .collect();
        assert_eq!(
            cases,
            [(
                StatusMatch::Range(2),
                Outcome::Success,
                "Success",
                &ResponseBody::Empty
            )]
        );
        assert_eq!(
            warnings,
            [
                "warning: the operation declares no responses; any 2XX status is taken as success with no body\n  --> t.yaml at #/paths/~1ping/post/responses"
            ]
        );
    }

    #[test]
    fn one_binary_success_is_streamed_and_headers_are_typed() {
        let (api, _) = lowered_document(&with_paths(
            r#"
            /file:
              get:
                operationId: download
                responses:
                  '200':
                    description: the file
                    headers:
                      X-Rate-Limit: {schema: {type: integer}}
                      X-Api-Key: {schema: {type: string}}
                      Content-Type: {schema: {type: string}}
                    content: {application/octet-stream: {schema: {type: string, format: binary}}}
            "#,
        ));
        let op = operation(&api, "download");
        assert!(matches!(op.success, Success::Body(TypeRef::ByteStream)));
        assert_eq!(op.responses[0].body, ResponseBody::Stream);
        assert_eq!(op.accept.as_deref(), Some("application/octet-stream"));
        let headers = op.response_headers.as_ref().expect("typed headers");
        assert_eq!(headers.ident, "DownloadHeaders");
        let fields: Vec<(&str, &TypeRef, bool)> = headers
            .fields
            .iter()
            .map(|f| (f.ident.as_str(), &f.ty, f.secret))
            .collect();
        assert_eq!(
            fields,
            [
                ("x_rate_limit", &TypeRef::I64, false),
                ("x_api_key", &TypeRef::String, true),
            ]
        );
        assert!(headers.redacted_debug);
    }
}

//! A request as generated code describes it: method, encoded path, parameters, body, security.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::auth::SecurityRequirement;
use crate::encode::{self, QueryStyle};
use crate::error::EncodeError;
use crate::redact::{self, REDACTED};
use crate::upload::{Upload, already_sent};

/// How a request body is put on the wire; generated code picks it from the spec's media types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BodyEncoding {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    FormUrlEncoded,
    /// `multipart/form-data`.
    Multipart,
}

/// One operation call, ready for [`Client::execute`](crate::Client::execute).
///
/// A request is kept whole until the call is over, so that it can be sent again: each retry,
/// each redirect followed and the retry after a refused credential rebuild the HTTP request
/// from it. The one exception is a streamed [`Upload`], which can be sent only once.
///
/// `Debug` shows the method, path and parameter names, hides the values of secret-looking
/// parameters and headers, and shows only the size of the body.
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    /// Header parameters; usually none, so copying them for each attempt costs nothing.
    pub(crate) headers: HeaderMap,
    /// Kept apart from `headers`: nearly every request has one, and it is static.
    pub(crate) accept: Option<HeaderValue>,
    pub(crate) body: Option<Body>,
    pub(crate) cookies: Vec<String>,
    pub(crate) security: &'static [SecurityRequirement],
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry_safe: bool,
    pub(crate) operation: Option<Operation>,
    /// The header to fill with a fresh idempotency key before the first attempt, when the
    /// caller gave none (see [`idempotency_key`](Self::idempotency_key)).
    pub(crate) idempotency_key: Option<&'static str>,
    /// Why the request cannot be sent: the first parameter, body or media type that could
    /// not be encoded. Generated code sets them as plain statements (a `?` each was a tenth
    /// of the time `cargo check` spent on Kubernetes' crate); the call fails with this
    /// before anything is sent.
    pub(crate) refused: Option<EncodeError>,
}

/// The operation a request calls, as the spec names it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) path_template: &'static str,
}

/// A body, kept in a form that is cheap to send again (a streamed [`Upload`] excepted).
#[derive(Clone)]
pub(crate) enum Body {
    Json(Bytes),
    FormUrlEncoded(Bytes),
    Multipart(Form),
    /// A text or raw binary body with its `Content-Type`.
    Raw(Upload, HeaderValue),
    /// A body that cannot be sent as asked; the call fails with this before sending anything.
    /// Kept here because the setters that find it return nothing (generated code calls them
    /// as statements).
    Invalid(EncodeError),
}

/// Bodies up to this size are sent in one go; see [`Body::is_slow_to_send`].
const SENT_IN_ONE_GO: u64 = 1 << 20;

impl Body {
    /// Whether sending the body may take long: a stream, a form with files, or over a MiB.
    /// The client's read timeout does not apply to such requests, since it would also count
    /// the time taken to send them (reqwest starts it with the request, not with the response).
    pub(crate) fn is_slow_to_send(&self) -> bool {
        match self {
            Body::Json(bytes) | Body::FormUrlEncoded(bytes) => bytes.len() as u64 > SENT_IN_ONE_GO,
            Body::Multipart(form) => form.has_files(),
            Body::Raw(upload, _) => upload.is_stream() || upload.len() > Some(SENT_IN_ONE_GO),
            Body::Invalid(_) => false,
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Body::FormUrlEncoded(bytes) => write!(f, "FormUrlEncoded({} bytes)", bytes.len()),
            Body::Multipart(form) => f.debug_tuple("Multipart").field(form).finish(),
            Body::Raw(upload, content_type) => f
                .debug_tuple("Raw")
                .field(upload)
                .field(content_type)
                .finish(),
            Body::Invalid(error) => f.debug_tuple("Invalid").field(error).finish(),
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(name, value)| {
                let value = if redact::is_secret_name(name) {
                    REDACTED
                } else {
                    value.as_str()
                };
                (name.as_str(), value)
            })
            .collect();
        let cookies: Vec<&str> = self
            .cookies
            .iter()
            .map(|cookie| cookie.split('=').next().unwrap_or_default())
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation", &self.operation.map(|operation| operation.id))
            .field("query", &query)
            .field("accept", &self.accept)
            .field("headers", &redact::Headers(&self.headers))
            .field("cookies", &cookies)
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .field("retry_safe", &self.retry_safe)
            .field("refused", &self.refused)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request for `path` (already encoded, relative to the base URL), with the security
    /// alternatives the operation accepts.
    pub fn new(method: Method, path: String, security: &'static [SecurityRequirement]) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            accept: None,
            body: None,
            cookies: Vec::new(),
            security,
            timeout: None,
            retry_safe: false,
            operation: None,
            idempotency_key: None,
            refused: None,
        }
    }

    /// A request for the operation `operation_id` at `route`, its path template as the spec
    /// writes it (`/jwt/{uid}`): [`path_param`](Self::path_param) fills each `{name}` in it.
    /// Spans and middleware report the template, as [`operation`](Self::operation) sets it.
    pub fn for_operation(
        method: Method,
        operation_id: &'static str,
        route: &'static str,
        security: &'static [SecurityRequirement],
    ) -> Self {
        let mut request = Request::new(method, route.to_owned(), security);
        request.operation(operation_id, route);
        request
    }

    /// The same request, to send again (an event stream reconnecting). A streamed
    /// [`Upload`] is shared with the original, and so can still be sent only once.
    pub(crate) fn duplicate(&self) -> Request {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            accept: self.accept.clone(),
            body: self.body.clone(),
            cookies: self.cookies.clone(),
            security: self.security,
            timeout: self.timeout,
            retry_safe: self.retry_safe,
            operation: self.operation,
            idempotency_key: self.idempotency_key,
            refused: self.refused.clone(),
        }
    }

    /// Names the operation this request calls: its `operationId` and its path template as the
    /// spec writes it (`/jwt/{uid}`). Spans and middleware report these rather than the filled
    /// path, which may hold identifiers.
    pub fn operation(&mut self, operation_id: &'static str, path_template: &'static str) {
        self.operation = Some(Operation {
            id: operation_id,
            path_template,
        });
    }

    /// A limit on this request, from connecting to the end of the body, instead of the
    /// client's [`timeout`](crate::ClientBuilder::timeout). It applies to each attempt when the
    /// request is retried.
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Marks the request safe to send more than once, whatever its method (the spec says the
    /// operation is idempotent). It is then retried as the client's
    /// [`RetryPolicy`](crate::RetryPolicy) says, or by [`RetryPolicy::default`](crate::RetryPolicy)
    /// when the client has none.
    pub fn retry_safe(&mut self) {
        self.retry_safe = true;
    }

    /// The operation's idempotency-key header `name`: `value` when the caller gave one, else a
    /// fresh random key that the client puts in before the first attempt (unless it was built
    /// with [`idempotency_keys(false)`](crate::ClientBuilder::idempotency_keys)). Either way the
    /// request is then safe to retry, since the server applies one key once, and every retry
    /// of the call carries the same key.
    ///
    /// A value that cannot be a header makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn idempotency_key<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) {
        match value {
            Some(value) => {
                self.header(name, value);
                self.retry_safe();
            }
            None => self.idempotency_key = Some(name),
        }
    }

    /// Fills the placeholder `{name}` of the path template with `value`, encoded as exactly
    /// one path segment ([`encode_path_segment`](crate::encode_path_segment)). A value that
    /// cannot be a segment (empty, `.` or `..`, or no value) makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match encode::encode_path_segment(name, value) {
            Ok(segment) => self.path = encode::fill_placeholder(&self.path, name, &segment),
            Err(error) => self.refuse(error),
        }
    }

    /// Adds a query parameter in OpenAPI's default style (`form`, exploded); `None` adds
    /// nothing. A value that cannot be encoded makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn query_form<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.query(name, value, QueryStyle::Form { explode: true });
    }

    /// Adds a query parameter; `None` adds nothing. A value that cannot be encoded in
    /// `style` makes the call fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// before anything is sent.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) {
        match encode::query_pairs(name, value, style) {
            Ok(pairs) => self.query.extend(pairs),
            Err(error) => self.refuse(error),
        }
    }

    /// Adds a header parameter in `simple` style; `None` adds nothing.
    ///
    /// Values that are not valid header text (a CR or LF, say) are refused, never sent: the
    /// call fails with [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let added = (|| {
            let Some(text) = encode::simple_text(name, value)? else {
                return Ok(());
            };
            let value = HeaderValue::from_str(&text).map_err(|_| {
                EncodeError::new(format!(
                    "header `{name}` holds characters a header cannot carry"
                ))
            })?;
            self.headers.append(header_name(name)?, value);
            Ok(())
        })();
        if let Err(error) = added {
            self.refuse(error);
        }
    }

    /// Adds a cookie parameter; `None` adds nothing. Values are sent as they are, so they may
    /// not hold `;`, `,`, whitespace or control characters; the name must be a token (no
    /// `=`, `;`, whitespace, ...). Either refused makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match cookie_pair(name, value) {
            Ok(Some(pair)) => self.cookies.push(pair),
            Ok(None) => {}
            Err(error) => self.refuse(error),
        }
    }

    /// Keeps `error` as why the request cannot be sent, unless an earlier one is kept.
    fn refuse(&mut self, error: EncodeError) {
        self.refused.get_or_insert(error);
    }

    /// The error of the first parameter, body or media type that could not be encoded.
    pub(crate) fn take_refusal(&mut self) -> Option<EncodeError> {
        self.refused.take()
    }

    /// Sets the `Accept` header.
    ///
    /// A `media_type` that is not printable ASCII (it comes from a spec, which may hold
    /// anything) makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn accept(&mut self, media_type: &'static str) {
        /// The usual value, checked once at compile time rather than at every call.
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        if media_type == "application/json" {
            self.accept = Some(JSON);
            return;
        }
        match media_type_header("Accept", media_type) {
            Ok(value) => self.accept = Some(value),
            Err(error) => {
                self.accept = None;
                self.refuse(error);
            }
        }
    }

    /// Sets the body to `value`, encoded as `encoding` says. `None` sets no body. A value that
    /// cannot be encoded makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn body<T: Serialize + ?Sized>(&mut self, value: &T, encoding: BodyEncoding) {
        if let Err(error) = self.encode_body(value, encoding) {
            self.refuse(error);
        }
    }

    fn encode_body<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        encoding: BodyEncoding,
    ) -> Result<(), EncodeError> {
        let value = encode::to_value("body", value)?;
        if value.is_null() {
            return Ok(());
        }
        match encoding {
            BodyEncoding::Json => {
                let bytes = serde_json::to_vec(&value)
                    .map_err(|error| EncodeError::new(format!("cannot encode body: {error}")))?;
                self.body = Some(Body::Json(Bytes::from(bytes)));
                Ok(())
            }
            BodyEncoding::FormUrlEncoded | BodyEncoding::Multipart => {
                let Value::Object(fields) = value else {
                    return Err(EncodeError::new(
                        "a form body must be an object with one entry per field",
                    ));
                };
                let mut form = Form::new();
                for (name, field) in &fields {
                    form.field(name, field)?;
                }
                self.form(form, encoding);
                Ok(())
            }
        }
    }

    /// Sets a form body built field by field, as url-encoded or multipart.
    ///
    /// A url-encoded form has no file parts: a [`Form::file`] held in memory is sent as its
    /// text (invalid UTF-8 replaced), and a streamed one makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn form(&mut self, form: Form, encoding: BodyEncoding) {
        self.body = Some(match encoding {
            BodyEncoding::Multipart => Body::Multipart(form),
            BodyEncoding::FormUrlEncoded | BodyEncoding::Json => form.to_url_encoded(),
        });
    }

    /// Sets a text body (`text/plain`, `application/xml`, ...) sent with `media_type` as its
    /// `Content-Type`. `None` sets no body.
    ///
    /// A `media_type` that is not printable ASCII makes the call fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
    pub fn text_body(&mut self, text: Option<String>, media_type: &'static str) {
        let Some(text) = text else {
            return;
        };
        self.body = Some(match content_type(media_type) {
            Ok(content_type) => Body::Raw(Upload::bytes(text), content_type),
            Err(error) => Body::Invalid(error),
        });
    }

    /// Sets a raw binary body, sent as it is with its length when known. `None` sets no body.
    ///
    /// The `Content-Type` is `media_type`, the one the spec gives; when that names a range
    /// (`*/*`, `image/*`) it is the upload's own
    /// [`content_type`](Upload::content_type), or `application/octet-stream` when it has none.
    /// A streamed upload can be sent once: see [`Upload`]. A media type that is not printable
    /// ASCII makes the call fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// before anything is sent.
    pub fn upload_body(&mut self, upload: Option<Upload>, media_type: &'static str) {
        let Some(upload) = upload else {
            return;
        };
        let chosen = if media_type.contains('*') {
            upload
                .content_type
                .as_deref()
                .map_or(Ok(OCTET_STREAM_HEADER), content_type)
        } else {
            content_type(media_type)
        };
        self.body = Some(match chosen {
            Ok(content_type) => Body::Raw(upload, content_type),
            Err(error) => Body::Invalid(error),
        });
    }
}

/// What a binary body or file part is sent as when nothing says what it is.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
const OCTET_STREAM_HEADER: HeaderValue = HeaderValue::from_static(OCTET_STREAM);

/// A media type as a `Content-Type` value, refused with a message naming it when it is not
/// printable ASCII.
fn content_type(media_type: &str) -> Result<HeaderValue, EncodeError> {
    media_type_header("Content-Type", media_type)
}

/// A media type as the value of `header`, or why it cannot be one.
///
/// Only printable ASCII is taken (what `HeaderValue::from_static` takes, without its panic):
/// a header may carry other bytes, but servers read them each their own way, and no media
/// type needs them.
fn media_type_header(header: &str, media_type: &str) -> Result<HeaderValue, EncodeError> {
    let printable = media_type
        .bytes()
        .all(|b| b == b' ' || b.is_ascii_graphic());
    let value = printable
        .then(|| HeaderValue::from_str(media_type).ok())
        .flatten();
    value.ok_or_else(|| {
        EncodeError::new(format!(
            "`{}` is not a media type the {header} header can carry: only printable ASCII is \
             allowed",
            media_type.escape_debug()
        ))
    })
}

/// `name=value` for a cookie parameter, `None` for no value, or why it cannot be sent.
fn cookie_pair<T: Serialize + ?Sized>(
    name: &'static str,
    value: &T,
) -> Result<Option<String>, EncodeError> {
    check_cookie_name(name)?;
    let Some(text) = encode::simple_text(name, value)? else {
        return Ok(None);
    };
    if text
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || matches!(c, ';' | ',' | '"'))
    {
        return Err(EncodeError::new(format!(
            "cookie `{name}` holds characters a cookie cannot carry"
        )));
    }
    Ok(Some(format!("{name}={text}")))
}

/// Refuses a cookie name (from a spec) that is not a token: a `;` or `=` in it would make
/// another cookie, or change which one the value belongs to.
pub(crate) fn check_cookie_name(name: &str) -> Result<(), EncodeError> {
    // A header name is a token, as a cookie name must be.
    match HeaderName::from_bytes(name.as_bytes()) {
        Ok(_) => Ok(()),
        Err(_) => Err(EncodeError::new(format!(
            "`{}` is not a valid cookie name",
            name.escape_debug()
        ))),
    }
}

/// A header name, refused with a clear message when it is not a valid token.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, EncodeError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        EncodeError::new(format!(
            "`{}` is not a valid header name",
            name.escape_debug()
        ))
    })
}

/// The fields of a form body, in order; sent url-encoded or as multipart parts (text parts,
/// and file parts for [`Form::file`]).
///
/// `Debug` shows the field names and the sizes of their values, never the values (a login form
/// carries a password).
#[derive(Default, Clone)]
pub struct Form {
    fields: Vec<(String, Part)>,
}

/// One field of a form.
#[derive(Clone)]
enum Part {
    Text(String),
    File(Upload),
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, part) in &self.fields {
            match part {
                Part::Text(value) => map.entry(name, &format_args!("<{} bytes>", value.len())),
                Part::File(upload) => map.entry(name, upload),
            };
        }
        map.finish()
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Form::default()
    }

    /// Adds a field: scalars as text, arrays as one field per item, `None` not at all.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        match encode::to_value(name, value)? {
            Value::Null => {}
            Value::Array(items) => {
                for item in &items {
                    let text = encode::scalar_text(name, item)?;
                    self.fields.push((name.to_owned(), Part::Text(text)));
                }
            }
            Value::Object(_) => {
                let json = serde_json::to_string(value).map_err(|error| {
                    EncodeError::new(format!("cannot encode `{name}`: {error}"))
                })?;
                self.fields.push((name.to_owned(), Part::Text(json)));
            }
            scalar => {
                let text = encode::scalar_text(name, &scalar)?;
                self.fields.push((name.to_owned(), Part::Text(text)));
            }
        }
        Ok(())
    }

    /// Adds a file part: in a multipart form, a part with the upload's file name (`blob`
    /// when it has none, as browsers send a nameless file), its content type
    /// (`application/octet-stream` when it has none) and its content. See [`Request::form`]
    /// for url-encoded forms.
    pub fn file(&mut self, name: &str, file: Upload) {
        self.fields.push((name.to_owned(), Part::File(file)));
    }

    /// Adds a file part for each upload, in order: an array of files, or an optional one
    /// (`None` adds nothing).
    pub fn files(&mut self, name: &str, files: impl IntoIterator<Item = Upload>) {
        for file in files {
            self.file(name, file);
        }
    }

    /// Whether the form has a file part.
    fn has_files(&self) -> bool {
        self.fields
            .iter()
            .any(|(_, part)| matches!(part, Part::File(_)))
    }

    /// The form as `application/x-www-form-urlencoded`, or why it cannot be.
    fn to_url_encoded(&self) -> Body {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (name, part) in &self.fields {
            match part {
                Part::Text(value) => {
                    serializer.append_pair(name, value);
                }
                Part::File(upload) => match upload.as_bytes() {
                    Some(bytes) => {
                        serializer.append_pair(name, &String::from_utf8_lossy(bytes));
                    }
                    None => {
                        return Body::Invalid(EncodeError::new(format!(
                            "form field `{name}` is a streamed file, which a url-encoded form \
                             cannot carry; send the form as multipart, or upload bytes"
                        )));
                    }
                },
            }
        }
        Body::FormUrlEncoded(Bytes::from(serializer.finish()))
    }

    /// The form as reqwest's multipart form; each streamed file is taken, so this fails when
    /// one was already sent.
    pub(crate) fn to_multipart(&self) -> Result<reqwest::multipart::Form, EncodeError> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.fields {
            form = match part {
                Part::Text(value) => form.text(name.clone(), value.clone()),
                Part::File(upload) => form.part(name.clone(), file_part(name, upload)?),
            };
        }
        Ok(form)
    }
}

/// One file part of a multipart form, with its file name, media type and length.
fn file_part(name: &str, upload: &Upload) -> Result<reqwest::multipart::Part, EncodeError> {
    use reqwest::multipart::Part;
    let (body, length) = upload
        .take_body()
        .ok_or_else(|| already_sent(format_args!("file part `{name}`")))?;
    let part = match length {
        Some(length) => Part::stream_with_length(body, length),
        None => Part::stream(body),
    };
    let file_name = upload
        .file_name
        .clone()
        .unwrap_or_else(|| "blob".to_owned());
    let media_type = upload.content_type.as_deref().unwrap_or(OCTET_STREAM);
    part.file_name(file_name).mime_str(media_type).map_err(|_| {
        EncodeError::new(format!(
            "file part `{name}` has `{}` as its media type, which is not one",
            media_type.escape_debug()
        ))
    })
}

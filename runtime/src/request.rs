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
/// from it.
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
}

/// The operation a request calls, as the spec names it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operation {
    pub(crate) id: &'static str,
    pub(crate) path_template: &'static str,
}

/// A body, kept in a form that is cheap to send again.
#[derive(Clone)]
pub(crate) enum Body {
    Json(Bytes),
    FormUrlEncoded(Bytes),
    Multipart(Form),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(bytes) => write!(f, "Json({} bytes)", bytes.len()),
            Body::FormUrlEncoded(bytes) => write!(f, "FormUrlEncoded({} bytes)", bytes.len()),
            Body::Multipart(form) => f.debug_tuple("Multipart").field(form).finish(),
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(name, value)| {
                let value = if redact::looks_secret(name) {
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

    /// Adds a query parameter; `None` adds nothing.
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), EncodeError> {
        self.query.extend(encode::query_pairs(name, value, style)?);
        Ok(())
    }

    /// Adds a header parameter in `simple` style; `None` adds nothing.
    ///
    /// Values that are not valid header text (a CR or LF, say) are refused, never sent.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
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
    }

    /// Adds a cookie parameter; `None` adds nothing. Values are sent as they are, so they may
    /// not hold `;`, `,`, whitespace or control characters.
    pub fn cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let Some(text) = encode::simple_text(name, value)? else {
            return Ok(());
        };
        if text
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, ';' | ',' | '"'))
        {
            return Err(EncodeError::new(format!(
                "cookie `{name}` holds characters a cookie cannot carry"
            )));
        }
        self.cookies.push(format!("{name}={text}"));
        Ok(())
    }

    /// Sets the `Accept` header.
    pub fn accept(&mut self, media_type: &'static str) {
        /// The usual value, checked once at compile time rather than at every call.
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        self.accept = Some(if media_type == "application/json" {
            JSON
        } else {
            HeaderValue::from_static(media_type)
        });
    }

    /// Sets the body to `value`, encoded as `encoding` says. `None` sets no body.
    pub fn body<T: Serialize + ?Sized>(
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
    pub fn form(&mut self, form: Form, encoding: BodyEncoding) {
        self.body = Some(match encoding {
            BodyEncoding::Multipart => Body::Multipart(form),
            BodyEncoding::FormUrlEncoded | BodyEncoding::Json => {
                let mut serializer = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in &form.fields {
                    serializer.append_pair(name, value);
                }
                Body::FormUrlEncoded(Bytes::from(serializer.finish()))
            }
        });
    }
}

/// A header name, refused with a clear message when it is not a valid token.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, EncodeError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| EncodeError::new(format!("`{name}` is not a valid header name")))
}

/// The fields of a form body, in order; sent url-encoded or as multipart text parts.
///
/// `Debug` shows the field names and the sizes of their values, never the values (a login form
/// carries a password).
#[derive(Default, Clone)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.fields {
            map.entry(name, &format_args!("<{} bytes>", value.len()));
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
                    self.fields
                        .push((name.to_owned(), encode::scalar_text(name, item)?));
                }
            }
            Value::Object(_) => {
                let json = serde_json::to_string(value).map_err(|error| {
                    EncodeError::new(format!("cannot encode `{name}`: {error}"))
                })?;
                self.fields.push((name.to_owned(), json));
            }
            scalar => self
                .fields
                .push((name.to_owned(), encode::scalar_text(name, &scalar)?)),
        }
        Ok(())
    }

    pub(crate) fn to_multipart(&self) -> reqwest::multipart::Form {
        self.fields
            .iter()
            .fold(reqwest::multipart::Form::new(), |form, (name, value)| {
                form.text(name.clone(), value.clone())
            })
    }
}

//! A request as generated code describes it: method, encoded path, parameters, body, security.

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::auth::SecurityRequirement;
use crate::encode::{self, QueryStyle};
use crate::error::EncodeError;

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
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) cookies: Vec<String>,
    pub(crate) security: &'static [SecurityRequirement],
}

#[derive(Debug)]
pub(crate) enum Body {
    Json(Vec<u8>),
    FormUrlEncoded(String),
    Multipart(Form),
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
            body: None,
            cookies: Vec::new(),
            security,
        }
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
        self.headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static(media_type),
        );
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
                self.body = Some(Body::Json(bytes));
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
                Body::FormUrlEncoded(serializer.finish())
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
#[derive(Debug, Default, Clone)]
pub struct Form {
    fields: Vec<(String, String)>,
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

    pub(crate) fn into_multipart(self) -> reqwest::multipart::Form {
        self.fields
            .into_iter()
            .fold(reqwest::multipart::Form::new(), |form, (name, value)| {
                form.text(name, value)
            })
    }
}

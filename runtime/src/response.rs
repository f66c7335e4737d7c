//! What came back: the raw response, and the typed [`Response`] operations return.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, DecodeError, Error};
use crate::redact;

/// A response as it arrived: status, headers and the whole body.
///
/// `Debug` shows the status, the headers with `Set-Cookie` (and other secret-looking headers)
/// hidden, and the first kilobyte of the body with secret-looking JSON fields (`access_token`,
/// `password`, ...) and JWT-looking strings hidden.
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// Wraps a response that has been read in full.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse {
            status,
            headers,
            body,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, undecoded.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Decodes the body as JSON, whatever `Content-Type` says (`*/*` responses are JSON too).
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(self.with_body(body)),
            Err(source) => Err(Error::Decode(Box::new(DecodeError {
                source,
                response: self,
            }))),
        }
    }

    /// A success that carries no body the spec describes.
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(self.with_body(()))
    }

    /// The body as text (invalid UTF-8 is replaced, not refused).
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        Ok(self.with_body(text))
    }

    /// The body as bytes.
    pub fn bytes<E>(self) -> Result<Response<Bytes>, Error<E>> {
        let body = self.body.clone();
        Ok(self.with_body(body))
    }

    /// A declared error status whose body decodes as JSON into `variant`'s payload.
    pub fn error_json<B: DeserializeOwned, E>(self, variant: impl FnOnce(B) -> E) -> Error<E> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Error::Api(Box::new(ApiError {
                body: variant(body),
                response: self,
            })),
            Err(source) => Error::Decode(Box::new(DecodeError {
                source,
                response: self,
            })),
        }
    }

    /// A declared error status whose body is text.
    pub fn error_text<E>(self, variant: impl FnOnce(String) -> E) -> Error<E> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        self.error_empty(variant(text))
    }

    /// A declared error status whose body is kept as bytes.
    pub fn error_bytes<E>(self, variant: impl FnOnce(Bytes) -> E) -> Error<E> {
        let body = self.body.clone();
        self.error_empty(variant(body))
    }

    /// A declared error status that carries no body the spec describes.
    pub fn error_empty<E>(self, variant: E) -> Error<E> {
        Error::Api(Box::new(ApiError {
            body: variant,
            response: self,
        }))
    }

    /// A status the spec does not declare for the operation.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse(Box::new(self))
    }

    fn with_body<T>(self, body: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body,
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 1024;
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &redact::Headers(&self.headers))
            .field("body", &redact::body_text(&self.body, SHOWN))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A successful response: the decoded body with the status and headers it came with.
///
/// `Debug` hides `Set-Cookie` and other secret-looking header values.
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &redact::Headers(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

//! What came back: the raw response, and the typed [`Response`] operations return.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;

use crate::download::{ByteStream, Pending};
use crate::error::{ApiError, DecodeError, Error};
use crate::events::Replay;
use crate::header::HeaderDecodeError;
use crate::redact;
use crate::request_id;

/// A response as it arrived: status, headers and the whole body, or for a success from
/// [`Client::execute_streaming`](crate::Client::execute_streaming) the body still unread.
///
/// `Debug` shows the status, the headers with `Set-Cookie` (and other secret-named headers)
/// hidden, and the first kilobyte of the body with the values of secret-named fields
/// (`access_token`, `password`, ... as [`is_secret_name`](crate::is_secret_name) judges) and
/// JWT-looking strings hidden, whatever the body's format: JSON (even cut short), a
/// url-encoded form, XML, or text and HTML (`token: ...`, `?access_token=...`).
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    /// Empty while the body is pending.
    body: Bytes,
    /// Boxed: only streamed downloads have one, and every other response stays small to move.
    pending: Option<Box<Pending>>,
    /// The header the client was told carries the request id, besides the common ones.
    pub(crate) request_id_header: Option<HeaderName>,
}

impl RawResponse {
    /// Wraps a response that has been read in full.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse {
            status,
            headers,
            body,
            pending: None,
            request_id_header: None,
        }
    }

    /// A response whose body is still to be read, by [`stream`](Self::stream).
    pub(crate) fn pending(status: StatusCode, headers: HeaderMap, pending: Pending) -> Self {
        RawResponse {
            status,
            headers,
            body: Bytes::new(),
            pending: Some(Box::new(pending)),
            request_id_header: None,
        }
    }

    /// The same response, looking for its request id in `name` before the common headers.
    pub(crate) fn with_request_id_header(mut self, name: Option<HeaderName>) -> Self {
        self.request_id_header = name;
        self
    }

    /// The id the server gave the request, from the header the client was configured with
    /// ([`ClientBuilder::request_id_header`](crate::ClientBuilder::request_id_header)) or the
    /// first of the common ones present ([`REQUEST_ID_HEADERS`](crate::REQUEST_ID_HEADERS)).
    pub fn request_id(&self) -> Option<&str> {
        request_id::find(&self.headers, self.request_id_header.as_ref())
    }

    /// Keeps what an event stream needs to connect again, when the body is still pending.
    pub(crate) fn keep_replay(&mut self, replay: Replay) {
        if let Some(pending) = &mut self.pending {
            pending.replay = Some(Box::new(replay));
        }
    }

    /// Status, headers, the body as a stream (pending, or the body already read as one
    /// chunk), and what connects again, if kept.
    pub(crate) fn into_stream_parts(
        self,
    ) -> (StatusCode, HeaderMap, ByteStream, Option<Box<Replay>>) {
        match self.pending {
            Some(pending) => {
                let mut pending = *pending;
                let replay = pending.replay.take();
                let body = ByteStream::pending(
                    pending,
                    self.status,
                    &self.headers,
                    self.request_id_header.clone(),
                );
                (self.status, self.headers, body, replay)
            }
            None => (self.status, self.headers, ByteStream::read(self.body), None),
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

    /// The body, undecoded; empty while it is still to be read (see
    /// [`is_pending`](Self::is_pending)).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the body is still to be read: a success from
    /// [`Client::execute_streaming`](crate::Client::execute_streaming). Read it with
    /// [`stream`](Self::stream); the decoding methods ([`json`](Self::json), [`text`](Self::text),
    /// ...) see an empty body.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The body as a [`ByteStream`], read as it arrives when it is still pending, or else the
    /// body already read, as one chunk. This is how a binary download is returned without
    /// holding it all in memory.
    pub fn stream<E>(self) -> Result<Response<ByteStream>, Error<E>> {
        let body = match self.pending {
            Some(pending) => ByteStream::pending(
                *pending,
                self.status,
                &self.headers,
                self.request_id_header.clone(),
            ),
            None => ByteStream::read(self.body),
        };
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
            typed_headers: (),
            request_id_header: self.request_id_header,
        })
    }

    /// Decodes the body as JSON, whatever `Content-Type` says (`*/*` responses are JSON too).
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(self.with_body(body)),
            Err(source) => Err(Error::Decode(Box::new(DecodeError {
                source: redact::decode_error(source, &self.body),
                response: self,
                header: None,
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
                source: redact::decode_error(source, &self.body),
                response: self,
                header: None,
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
            typed_headers: (),
            request_id_header: self.request_id_header,
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
            .field("pending", &self.pending.is_some())
            .field("request_id", &self.request_id())
            .finish()
    }
}

/// A successful response: the decoded body with the status and headers it came with, and
/// `H`, the headers the spec declares for it decoded into a type (`()` when it declares none or
/// they are not decoded).
///
/// `Debug` hides `Set-Cookie` and other secret-looking header values.
#[derive(Clone)]
pub struct Response<T, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    typed_headers: H,
    request_id_header: Option<HeaderName>,
}

impl<T> Response<T> {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: T,
        request_id_header: Option<HeaderName>,
    ) -> Self {
        Response {
            status,
            headers,
            body,
            typed_headers: (),
            request_id_header,
        }
    }
}

impl<T, H> Response<T, H> {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The id the server gave the request, as [`RawResponse::request_id`] finds it.
    pub fn request_id(&self) -> Option<&str> {
        request_id::find(&self.headers, self.request_id_header.as_ref())
    }

    /// The headers the spec declares, decoded.
    pub fn typed_headers(&self) -> &H {
        &self.typed_headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The decoded body and decoded headers, dropping status and raw headers.
    pub fn into_parts(self) -> (T, H) {
        (self.body, self.typed_headers)
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, H> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            typed_headers: self.typed_headers,
            request_id_header: self.request_id_header,
        }
    }

    /// The same response with its headers decoded by `decode` (generated code builds the
    /// operation's header struct with [`decode_header`](crate::decode_header)).
    ///
    /// A header that does not decode is [`Error::Decode`]: its
    /// [`header`](DecodeError::header) names it, and its response has the status and headers
    /// but an empty body (the body was decoded already).
    pub fn with_typed_headers<H2, E>(
        self,
        decode: impl FnOnce(&HeaderMap) -> Result<H2, HeaderDecodeError>,
    ) -> Result<Response<T, H2>, Error<E>> {
        match decode(&self.headers) {
            Ok(typed_headers) => Ok(Response {
                status: self.status,
                headers: self.headers,
                body: self.body,
                typed_headers,
                request_id_header: self.request_id_header,
            }),
            Err(error) => {
                let (name, source) = error.into_parts();
                Err(Error::Decode(Box::new(DecodeError {
                    source,
                    response: RawResponse::new(self.status, self.headers, Bytes::new())
                        .with_request_id_header(self.request_id_header),
                    header: Some(name),
                })))
            }
        }
    }
}

impl<T: fmt::Debug, H: fmt::Debug> fmt::Debug for Response<T, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &redact::Headers(&self.headers))
            .field("request_id", &self.request_id())
            .field("typed_headers", &self.typed_headers)
            .field("body", &self.body)
            .finish()
    }
}

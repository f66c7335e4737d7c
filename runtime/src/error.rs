//! The errors a generated operation can return, each keeping what the caller needs to act.

use std::convert::Infallible;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use crate::credential::CredentialError;
use crate::redact;
use crate::request_id;
use crate::response::RawResponse;
use crate::retry;

/// Why an operation failed.
///
/// `E` is the operation's typed error: one variant per error status the spec declares. Every
/// variant that comes from a response keeps its status and headers, and all but
/// [`ResponseTooLarge`](Self::ResponseTooLarge) its raw body.
///
/// No variant's `Debug` or `Display` shows a credential: credential headers are never part of
/// a response; the values of `Set-Cookie` and other secret-named headers are hidden, and so
/// are secrets in a body, whatever its format (JSON, even cut short; a url-encoded form; XML;
/// text or HTML), and in a decoder's message; a transport error's URL has its query
/// credentials and secret-named parameters replaced by `<redacted>`, and no user name or
/// password. See [`is_secret_name`](crate::is_secret_name) for which names are secret.
pub enum Error<E = Infallible> {
    /// The request could not be encoded (a header value with a newline, say), or a middleware
    /// refused it; nothing was sent.
    InvalidRequest(EncodeError),
    /// No credential could be had for the request: the token call failed. Nothing was sent.
    Credential(CredentialError),
    /// The request did not complete: connection, TLS, timeout or body transfer failure.
    Transport(reqwest::Error),
    /// The response body was longer than the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) (16 MiB by default),
    /// or a streamed one than its
    /// [`max_download_bytes`](crate::ClientBuilder::max_download_bytes); the status and headers
    /// are kept, the body was not read (or, streamed, not past the limit).
    ResponseTooLarge(Box<ResponseTooLarge>),
    /// The server answered with an error status the spec declares, decoded into `E`.
    Api(Box<ApiError<E>>),
    /// The server answered with a status the spec does not declare for this operation (or,
    /// after [`into_untyped`](Self::into_untyped), a declared error status).
    UnexpectedResponse(Box<RawResponse>),
    /// The status was expected but the body, or a header the spec declares, did not decode as
    /// the spec says it would.
    Decode(Box<DecodeError>),
    /// Paging stopped on the server's word rather than at the end: the next page would have
    /// been one already asked for, or a next link goes where the client would not send it.
    /// The pages before came through; nothing more is sent. See
    /// [`Paginate`](crate::paginate::Paginate).
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// The response status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ResponseTooLarge(error) => Some(error.status),
            _ => self.response().map(RawResponse::status),
        }
    }

    /// The raw response (status, headers and body), when there was one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::InvalidRequest(_)
            | Error::Pagination(_)
            | Error::Credential(_)
            | Error::Transport(_)
            | Error::ResponseTooLarge(_) => None,
            Error::Api(error) => Some(&error.response),
            Error::UnexpectedResponse(response) => Some(response),
            Error::Decode(error) => Some(&error.response),
        }
    }

    /// The typed error body, when the server sent a declared error status.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api(error) => Some(&error.body),
            _ => None,
        }
    }

    /// The id the server gave the request, when there was a response that carries one (see
    /// [`RawResponse::request_id`]): the thing to quote to the API's operators.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::ResponseTooLarge(error) => error.request_id(),
            _ => self.response().and_then(RawResponse::request_id),
        }
    }

    /// Whether the same call may pass if made again later: the connection could not be made,
    /// the call timed out, or the server answered `429`, `502`, `503` or `504`. These are the
    /// failures a [`RetryPolicy`](crate::RetryPolicy) retries; the client has retried already
    /// when it has one and the call was safe to repeat.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(error) => retry::is_retryable_error(error),
            Error::InvalidRequest(_)
            | Error::Credential(_)
            | Error::Decode(_)
            | Error::Pagination(_) => false,
            _ => self.status().is_some_and(retry::is_retryable_status),
        }
    }

    /// The same error without the operation's typed error body, so that the errors of
    /// different operations can be returned as one type. A declared error status becomes
    /// [`UnexpectedResponse`](Error::UnexpectedResponse) with its raw response (status,
    /// headers and body) kept; every other variant stays as it is.
    pub fn into_untyped(self) -> Error {
        match self {
            Error::InvalidRequest(error) => Error::InvalidRequest(error),
            Error::Pagination(error) => Error::Pagination(error),
            Error::Credential(error) => Error::Credential(error),
            Error::Transport(error) => Error::Transport(error),
            Error::ResponseTooLarge(error) => Error::ResponseTooLarge(error),
            Error::Api(error) => Error::UnexpectedResponse(Box::new(error.response)),
            Error::UnexpectedResponse(response) => Error::UnexpectedResponse(response),
            Error::Decode(error) => Error::Decode(error),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(error) => f.debug_tuple("InvalidRequest").field(error).finish(),
            Error::Credential(error) => f.debug_tuple("Credential").field(error).finish(),
            Error::Transport(error) => f.debug_tuple("Transport").field(error).finish(),
            Error::ResponseTooLarge(error) => {
                f.debug_tuple("ResponseTooLarge").field(error).finish()
            }
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::UnexpectedResponse(response) => {
                f.debug_tuple("UnexpectedResponse").field(response).finish()
            }
            Error::Decode(error) => f.debug_tuple("Decode").field(error).finish(),
            Error::Pagination(error) => f.debug_tuple("Pagination").field(error).finish(),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)?;
        match self.request_id() {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

impl<E> Error<E> {
    /// `Display` without the request id.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(error) => write!(f, "invalid request: {error}"),
            Error::Credential(error) => write!(f, "{error}"),
            Error::Transport(error) => write!(f, "request failed: {error}"),
            Error::ResponseTooLarge(error) => write!(f, "{error}"),
            Error::Api(error) => write!(f, "the server answered {}", error.response.status()),
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response status {}", response.status())
            }
            Error::Decode(error) => write!(f, "{error}"),
            Error::Pagination(error) => write!(f, "{error}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(error) => Some(error),
            Error::Credential(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::ResponseTooLarge(error) => Some(&**error),
            Error::Decode(error) => Some(&error.source),
            Error::Pagination(error) => Some(error),
            Error::Api(_) | Error::UnexpectedResponse(_) => None,
        }
    }
}

impl<E> From<EncodeError> for Error<E> {
    fn from(error: EncodeError) -> Self {
        Error::InvalidRequest(error)
    }
}

impl<E> From<CredentialError> for Error<E> {
    fn from(error: CredentialError) -> Self {
        Error::Credential(error)
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

/// A declared error status with its decoded body and the raw response it came from.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The decoded error body.
    pub body: E,
    /// The response: status, headers and raw body.
    pub response: RawResponse,
}

impl<E> ApiError<E> {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The undecoded response body.
    pub fn raw_body(&self) -> &Bytes {
        self.response.body()
    }

    /// The id the server gave the request, as [`RawResponse::request_id`] finds it.
    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }
}

/// A response body, or a header the spec declares, that did not decode as the spec says it
/// would.
#[derive(Debug)]
pub struct DecodeError {
    /// What the decoder said.
    pub source: serde_json::Error,
    /// The response: status, headers and raw body (empty when a header failed, since the body
    /// was decoded by then).
    pub response: RawResponse,
    pub(crate) header: Option<&'static str>,
}

impl DecodeError {
    /// The header that did not decode, or `None` when it was the body.
    pub fn header(&self) -> Option<&'static str> {
        self.header
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.response.status();
        match self.header {
            Some(name) => write!(
                f,
                "cannot decode the `{name}` header of the {status} response: {}",
                self.source
            ),
            None => write!(
                f,
                "cannot decode the {status} response body: {}",
                self.source
            ),
        }
    }
}

/// A response whose body was longer than the client allows; its body was not read.
pub struct ResponseTooLarge {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) limit: u64,
    /// The header the client was told carries the request id, besides the common ones.
    pub(crate) request_id_header: Option<HeaderName>,
}

impl ResponseTooLarge {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The id the server gave the request, as [`RawResponse::request_id`] finds it.
    pub fn request_id(&self) -> Option<&str> {
        request_id::find(&self.headers, self.request_id_header.as_ref())
    }

    /// The limit, in bytes, that the body went over.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl fmt::Debug for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseTooLarge")
            .field("status", &self.status)
            .field("headers", &redact::Headers(&self.headers))
            .field("limit", &self.limit)
            .finish()
    }
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body is longer than the {}-byte limit",
            self.status, self.limit
        )
    }
}

impl std::error::Error for ResponseTooLarge {}

/// A value that cannot be put on the wire as the spec asks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EncodeError {
    message: String,
}

impl EncodeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EncodeError {
            message: message.into(),
        }
    }
}

/// Why paging stopped before the server said the last page was reached
/// ([`Error::Pagination`]). No variant shows a cursor or a link's path or query, which may
/// carry a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaginationError {
    /// The server gave a cursor, page number or next link it had given before: following it
    /// would fetch the same pages again, forever.
    #[error("the server repeated a page cursor; stopped paging rather than loop")]
    RepeatedCursor,
    /// The `Link` header's next URL is on another origin (scheme, host and port) than the
    /// client's base URL: it is not followed, so that the request's credentials do not go
    /// there.
    #[error("the next page's link points to another origin ({origin}); not followed")]
    ForeignLink {
        /// The link's origin, such as `https://other.example:8443`.
        origin: String,
    },
    /// The `Link` header's next URL is not a URL, even relative to the base URL.
    #[error("the next page's link is not a valid URL")]
    InvalidLink,
}

/// A client that cannot be built as configured.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The spec's first server is relative (or there is none) and no base URL was given.
    #[error(
        "no base URL: the spec gives no absolute server URL, so call `.base_url(...)` on the builder"
    )]
    MissingBaseUrl,
    /// The base URL does not parse, is not `http`/`https`, or carries a user name or password.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given, except that a user name and password are shown as `***` and the
        /// values of secret-named query parameters are hidden.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A credential given to the builder cannot be sent as the security scheme it is for
    /// says: a line break in a header credential, a `;` in a cookie. Checked for the schemes
    /// given to [`security_schemes`](crate::ClientBuilder::security_schemes); the message
    /// names the scheme and the problem, never the credential.
    #[error("the credential for security scheme `{scheme}` {reason}")]
    InvalidCredential {
        /// The security scheme's name in the spec.
        scheme: String,
        /// What is wrong with the credential, as the end of a sentence about it ("cannot be
        /// sent as cookie `session`: ...").
        reason: String,
    },
    /// The user agent is not a valid header value.
    #[error("invalid user agent: {0}")]
    InvalidUserAgent(String),
    /// The request id header given to the builder is not a valid header name.
    #[error("invalid request id header name `{0}`")]
    InvalidRequestIdHeader(String),
    /// The HTTP client could not be set up (TLS backend).
    #[error("cannot set up the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

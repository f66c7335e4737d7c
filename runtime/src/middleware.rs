//! Hooks a user adds to a client: see every HTTP exchange, change requests before they go.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::credential::BoxError;
use crate::redact;

/// Code run around every HTTP exchange a client makes: for logging, metrics, signing.
///
/// An exchange is one request sent and its response (or failure): a call that is retried, or
/// that follows a redirect, makes several, and the hooks see each one. Hooks run in the order
/// they were added to the builder ([`ClientBuilder::middleware`](crate::ClientBuilder::middleware)).
///
/// Both methods do nothing by default, so an implementation writes only the one it needs.
pub trait Middleware: Send + Sync {
    /// Called just before `request` is sent, after credentials are applied: it may add
    /// headers (a signature, a trace id) or change anything else.
    ///
    /// The request carries credentials: their header values are marked sensitive (their
    /// `Debug` prints `Sensitive`), but a query parameter credential is part of the URL, so
    /// log [`RequestContext::path`] rather than the URL. An error stops the call before
    /// anything is sent and comes back as [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        context: &RequestContext<'_>,
    ) -> Result<(), BoxError> {
        let _ = (request, context);
        Ok(())
    }

    /// Called when an exchange is over: a response arrived (its body read, unless the runtime
    /// followed it as a redirect, it was over the size limit, or it is a success left to stream
    /// by [`Client::execute_streaming`](crate::Client::execute_streaming)), or the transport
    /// failed.
    fn on_response(&self, exchange: &Exchange<'_>) {
        let _ = exchange;
    }
}

/// A shared hook is a hook: keep an `Arc` to read what your middleware collected.
impl<M: Middleware + ?Sized> Middleware for std::sync::Arc<M> {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        context: &RequestContext<'_>,
    ) -> Result<(), BoxError> {
        (**self).on_request(request, context)
    }

    fn on_response(&self, exchange: &Exchange<'_>) {
        (**self).on_response(exchange)
    }
}

/// What a hook is told about the request being made.
#[derive(Clone, Copy, Debug)]
pub struct RequestContext<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) operation_id: Option<&'static str>,
    pub(crate) path_template: Option<&'static str>,
    pub(crate) attempt: u32,
}

impl RequestContext<'_> {
    /// The method of this exchange (a redirect may change `POST` to `GET`).
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path of this exchange, without the query (the query may hold a credential).
    pub fn path(&self) -> &str {
        self.path
    }

    /// The operation's `operationId`, when the request names one
    /// ([`Request::operation`](crate::Request::operation)).
    pub fn operation_id(&self) -> Option<&'static str> {
        self.operation_id
    }

    /// The operation's path template (`/jwt/{uid}`), when the request names one.
    pub fn path_template(&self) -> Option<&'static str> {
        self.path_template
    }

    /// Which exchange of the call this is, from 1: retries, redirects and the retry after a
    /// refused credential each count one more.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

/// An exchange that is over, as [`Middleware::on_response`] sees it.
#[derive(Debug)]
pub struct Exchange<'a> {
    pub(crate) context: RequestContext<'a>,
    pub(crate) latency: Duration,
    pub(crate) outcome: Outcome<'a>,
}

pub(crate) enum Outcome<'a> {
    Response {
        status: StatusCode,
        headers: &'a HeaderMap,
        body: Option<&'a Bytes>,
    },
    Failed(&'a reqwest::Error),
}

impl fmt::Debug for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Response {
                status,
                headers,
                body,
            } => f
                .debug_struct("Response")
                .field("status", status)
                .field("headers", &redact::Headers(headers))
                .field("body_len", &body.map(Bytes::len))
                .finish(),
            Outcome::Failed(error) => f.debug_tuple("Failed").field(error).finish(),
        }
    }
}

impl<'a> Exchange<'a> {
    /// The request this exchange sent.
    pub fn context(&self) -> &RequestContext<'a> {
        &self.context
    }

    /// From just before sending to the end of the body (or to the failure; or, for a body left
    /// to stream, to its headers).
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self.outcome {
            Outcome::Response { status, .. } => Some(status),
            Outcome::Failed(_) => None,
        }
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self.outcome {
            Outcome::Response { headers, .. } => Some(headers),
            Outcome::Failed(_) => None,
        }
    }

    /// The response body, when it was read: not for a redirect the runtime followed, nor for
    /// a body over [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) (or
    /// [`max_download_bytes`](crate::ClientBuilder::max_download_bytes)), nor for
    /// a success left to stream.
    pub fn body(&self) -> Option<&Bytes> {
        match self.outcome {
            Outcome::Response { body, .. } => body,
            Outcome::Failed(_) => None,
        }
    }

    /// The transport failure, when no response arrived (connection, TLS, timeout).
    pub fn error(&self) -> Option<&reqwest::Error> {
        match self.outcome {
            Outcome::Failed(error) => Some(error),
            Outcome::Response { .. } => None,
        }
    }
}

//! The runtime shared by every client crate that apiforge generates.
//!
//! Generated crates stay thin: they describe each operation (method, path, parameters, body,
//! security, which statuses mean what) and hand the rest to this crate.
//! This crate owns the HTTP transport ([`reqwest`] with rustls and the platform's root
//! certificates, on tokio), the base URL, timeouts, retries, redirects, hooks and user agent
//! ([`ClientBuilder`], [`RetryPolicy`], [`Middleware`]), credentials and how each security
//! scheme carries them ([`Auth`], [`CredentialProvider`], [`TokenProvider`],
//! [`SecurityScheme`]), parameter and body encoding ([`Request`], [`Form`], [`Upload`]), and
//! response decoding and errors ([`RawResponse`], [`Response`], [`ByteStream`],
//! [`EventStream`], [`decode_header`], [`Error`]).
//!
//! Credentials are kept out of every `Debug` and `Display` output, log line and error message,
//! and are sent only to the origin of the base URL. So are headers, query parameters and body
//! fields whose names say they hold a secret ([`is_secret_name`]): a redirect to another origin
//! goes without them (and without the request body, unless the client allows it), and their
//! values are hidden wherever the runtime prints them, in response bodies of any format too.
//!
//! The defaults assume that the server or the network may be hostile or broken (see
//! [`ClientBuilder`]): connecting is limited to 10 s and waiting for the server's next bytes
//! to 30 s, bodies read into memory to 16 MiB, redirects to 10; a credential about to be sent
//! over plain `http://` to another machine logs a warning. Spec text the runtime is handed (a
//! media type, a header name) and server data (a header, an `expires_in`) never make it panic:
//! what cannot be sent fails the call with [`Error::InvalidRequest`] before anything is sent.
//!
//! Every operation is sent the same way, through [`operation`]: a generated builder says what
//! its request is and what each status means, and the rest is written once here.
//!
//! Paginated operations page through [`paginate`]: a stream of pages or items, each page an
//! ordinary request, ending at the last page or with [`Error::Pagination`] where the server
//! would make it loop.
//!
//! With the `blocking` feature, `blocking::block_on` runs a call from synchronous code.
//!
//! The contract with generated code is written down in `ARCHITECTURE.md` at the root of the
//! repository; everything a generated crate calls is public and documented here.

#![deny(missing_docs)]

mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod credential;
mod download;
mod encode;
mod error;
mod events;
mod header;
mod middleware;
pub mod operation;
mod options;
pub mod paginate;
mod redact;
mod request;
mod request_id;
mod response;
mod retry;
pub mod serde_helpers;
mod upload;

pub use auth::{
    ApiKeyLocation, Auth, AuthKind, SchemeKind, Secret, SecurityRequirement, SecurityScheme,
};
pub use client::{Client, ClientBuilder};
pub use credential::{
    BoxError, BoxFuture, CredentialError, CredentialProvider, Token, TokenProvider,
};
pub use download::ByteStream;
pub use encode::{QueryStyle, encode_path_segment};
pub use error::{
    ApiError, BuildError, DecodeError, EncodeError, Error, PaginationError, ResponseTooLarge,
};
pub use events::{Event, EventStream, Reconnect};
pub use header::{HeaderDecodeError, decode_header};
pub use middleware::{Exchange, Middleware, RequestContext};
pub use operation::{Call, Operation, ReadBody, SendFuture, SendResult, SendWithInfoFuture};
pub use options::RequestOptions;
pub use redact::is_secret_name;
pub use request::{BodyEncoding, Form, Request};
pub use request_id::REQUEST_ID_HEADERS;
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
pub use upload::Upload;

/// The HTTP client underneath, re-exported for [`Middleware`] implementations (which see a
/// `reqwest::Request`) and [`ClientBuilder::http_client`].
pub use reqwest;

/// The `bytes` crate, whose [`Bytes`] request and response bodies are made of, at the version
/// this runtime uses.
pub use bytes;
pub use bytes::Bytes;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

//! The runtime shared by every client crate that apiforge generates.
//!
//! Generated crates stay thin: they describe each operation (method, path, parameters, body,
//! security, which statuses mean what) and hand the rest to this crate.
//! This crate owns the HTTP transport ([`reqwest`] with rustls, on tokio), the base URL,
//! timeouts and user agent ([`ClientBuilder`]), credentials and how each security scheme
//! carries them ([`Auth`], [`SecurityScheme`]), parameter and body encoding ([`Request`],
//! [`Form`]), and response decoding and errors ([`RawResponse`], [`Response`], [`Error`]).
//!
//! The contract with generated code is written down in `ARCHITECTURE.md` at the root of the
//! repository; everything a generated crate calls is public and documented here.

#![deny(missing_docs)]

mod auth;
mod client;
mod encode;
mod error;
mod request;
mod response;

pub use auth::{ApiKeyLocation, Auth, SchemeKind, Secret, SecurityRequirement, SecurityScheme};
pub use client::{Client, ClientBuilder};
pub use encode::{QueryStyle, encode_path_segment};
pub use error::{ApiError, BuildError, DecodeError, EncodeError, Error};
pub use request::{BodyEncoding, Form, Request};
pub use response::{RawResponse, Response};

pub use bytes::Bytes;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

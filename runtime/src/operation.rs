//! What every operation does the same way, written once.
//!
//! A generated crate implements [`Call`] and [`Operation`] on each request builder: the
//! request it builds and how each status of the response reads. Sending is [`send`] and [`send_with_info`] here,
//! for every operation alike: a builder's own `send` only calls them, so that an operation's
//! code is its builder, its request and its statuses, and nothing else.

use std::mem;

use crate::client::Client;
use crate::error::{EncodeError, Error};
use crate::options::RequestOptions;
use crate::request::Request;
use crate::response::{RawResponse, Response};

/// What sending an operation's request returns: the decoded success with its status and
/// headers, or why not.
pub type SendResult<O> =
    Result<Response<<O as Call>::Output, <O as Call>::Headers>, Error<<O as Call>::Error>>;

/// What every request builder has, whatever its operation: the client it is sent with, the
/// caller's settings for the call, and the types its result decodes to. Generated crates
/// implement it for each builder in the same few lines, from one macro.
///
/// Nothing here requires `Send`. A builder's future is `Send` when its builder and types are,
/// which the generated ones are, and what needs it says so ([`Paginate`](crate::paginate::Paginate)).
/// Required here, rustc proved it for every builder and every type it returns as it checked a
/// generated crate: a sixth of Kubernetes' `cargo check` (23.0 s against 19.3 s).
pub trait Call: Sized {
    /// The decoded body of a success.
    type Output;
    /// The success's typed headers (`()` when the spec declares none).
    type Headers;
    /// The operation's typed error (`Infallible` when the spec declares no error response).
    type Error;

    /// The client the request is sent with.
    fn client(&self) -> &Client;

    /// The caller's settings for this call (time limit, extra headers and query parameters).
    fn options(&mut self) -> &mut RequestOptions;
}

/// One operation's own part of a call: the request it builds and what each status of the
/// response means.
pub trait Operation: Call {
    /// How the response body is read; the whole body unless the operation streams.
    const READ: ReadBody = ReadBody::Whole;

    /// The request, with the operation's parameters and body in it; the caller's
    /// [`options`](Call::options) are added after.
    fn request(self) -> Result<Request, EncodeError>;

    /// The result `response` means: a decoded success, or the error its status says.
    fn read(response: RawResponse) -> SendResult<Self>;
}

/// How an operation reads its response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadBody {
    /// In full, before it is decoded ([`Client::execute`]).
    Whole,
    /// A `2xx` body as it arrives, any other in full ([`Client::execute_streaming`]).
    Streamed,
    /// A `2xx` body as a stream of server-sent events that can reconnect
    /// ([`Client::execute_events`]).
    Events,
}

/// Sends `operation`'s request and returns the status, the headers and the decoded body.
pub async fn send_with_info<O: Operation>(mut operation: O) -> SendResult<O> {
    // An owned handle (two reference counts), so that the builder can be consumed by `request`.
    let client = operation.client().clone();
    let options = mem::take(operation.options());
    let mut request = operation.request()?;
    // What the operation could not encode comes first, as it would have from `request`.
    if let Some(refusal) = request.take_refusal() {
        return Err(refusal.into());
    }
    request.options(options)?;
    let response = match O::READ {
        ReadBody::Whole => client.execute(request).await?,
        ReadBody::Streamed => client.execute_streaming(request).await?,
        ReadBody::Events => client.execute_events(request).await?,
    };
    O::read(response)
}

/// Sends `operation`'s request and returns the decoded body.
pub async fn send<O: Operation>(operation: O) -> Result<O::Output, Error<O::Error>> {
    send_with_info(operation).await.map(Response::into_body)
}

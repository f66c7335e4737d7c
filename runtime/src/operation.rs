//! What every operation does the same way, written once.
//!
//! A generated crate implements [`Call`] and [`Operation`] on each request builder: the
//! request it builds and how each status of the response reads. Sending is [`send`] and
//! [`send_with_info`] here, for every operation alike: a builder's own `send` only calls them,
//! so that an operation's code is its builder, its request and its statuses, and nothing else.
//!
//! They return named futures, [`SendFuture`] and [`SendWithInfoFuture`], rather than
//! `impl Future`: a builder's `send` then has no hidden type for rustc to infer and check in
//! each of thousands of builders, which was about a tenth of Kubernetes' `cargo check`.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

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
pub fn send_with_info<O>(operation: O) -> SendWithInfoFuture<O> {
    SendWithInfoFuture {
        state: State::Ready(operation),
    }
}

/// Sends `operation`'s request and returns the decoded body.
pub fn send<O>(operation: O) -> SendFuture<O> {
    SendFuture {
        inner: send_with_info(operation),
    }
}

/// The future of [`send_with_info`]: the status, the headers and the decoded body.
///
/// Nothing is built or sent until it is first polled; dropping it stops the call where it is.
/// It is `Send` when the builder is. Polled again after it has completed, it stays pending.
#[must_use = "a request does nothing until it is sent"]
pub struct SendWithInfoFuture<O> {
    state: State<O>,
}

/// The future of [`send`]: the decoded body.
#[must_use = "a request does nothing until it is sent"]
pub struct SendFuture<O> {
    inner: SendWithInfoFuture<O>,
}

/// Where a call is.
enum State<O> {
    /// Not polled yet: the builder, whose request is built at the first poll.
    Ready(O),
    /// The request is under way.
    Exchanging(Exchange),
    /// The result was returned.
    Done,
}

/// The part of a call that is the same whatever the operation, boxed so that the futures
/// above can be named, and compiled once rather than once per operation.
type Exchange = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>;

// The builder is moved out before anything is pinned, and the exchange is pinned in its box.
impl<O> Unpin for SendWithInfoFuture<O> {}

impl<O: Operation> Future for SendWithInfoFuture<O> {
    type Output = SendResult<O>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let State::Ready(_) = this.state
            && let State::Ready(operation) = mem::replace(&mut this.state, State::Done)
        {
            match start(operation) {
                Ok(exchange) => this.state = State::Exchanging(exchange),
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
        let State::Exchanging(exchange) = &mut this.state else {
            return Poll::Pending;
        };
        let Poll::Ready(result) = exchange.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        this.state = State::Done;
        Poll::Ready(result.map_err(typed).and_then(O::read))
    }
}

impl<O: Operation> Future for SendFuture<O> {
    type Output = Result<O::Output, Error<O::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().inner)
            .poll(cx)
            .map(|result| result.map(Response::into_body))
    }
}

impl<O> fmt::Debug for SendWithInfoFuture<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Ready(_) => "ready",
            State::Exchanging(_) => "exchanging",
            State::Done => "done",
        };
        f.debug_struct("SendWithInfoFuture")
            .field("state", &state)
            .finish()
    }
}

impl<O> fmt::Debug for SendFuture<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendFuture")
            .field("inner", &self.inner)
            .finish()
    }
}

/// Builds `operation`'s request with the caller's options and starts sending it.
fn start<O: Operation>(mut operation: O) -> Result<Exchange, Error<O::Error>> {
    // An owned handle (two reference counts), so that the builder can be consumed by `request`.
    let client = operation.client().clone();
    let options = mem::take(operation.options());
    let mut request = operation.request()?;
    // What the operation could not encode comes first, as it would have from `request`.
    if let Some(refusal) = request.take_refusal() {
        return Err(refusal.into());
    }
    request.options(options)?;
    Ok(Box::pin(exchange(client, request, O::READ)))
}

/// Sends `request` and reads the response as `read` says.
async fn exchange(client: Client, request: Request, read: ReadBody) -> Result<RawResponse, Error> {
    match read {
        ReadBody::Whole => client.execute(request).await,
        ReadBody::Streamed => client.execute_streaming(request).await,
        ReadBody::Events => client.execute_events(request).await,
    }
}

/// `error`, which came before any response was read, as the error of an operation's call.
fn typed<E>(error: Error<Infallible>) -> Error<E> {
    match error {
        Error::InvalidRequest(error) => Error::InvalidRequest(error),
        Error::Credential(error) => Error::Credential(error),
        Error::Transport(error) => Error::Transport(error),
        Error::ResponseTooLarge(error) => Error::ResponseTooLarge(error),
        Error::Api(error) => match error.body {},
        Error::UnexpectedResponse(response) => Error::UnexpectedResponse(response),
        Error::Decode(error) => Error::Decode(error),
        Error::Pagination(error) => Error::Pagination(error),
    }
}

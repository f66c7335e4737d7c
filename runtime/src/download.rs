//! A response body read as it arrives, under the client's size limit.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use crate::client::redact_error;
use crate::error::{Error, ResponseTooLarge};
use crate::events::Replay;

/// Counts a body's bytes against the client's
/// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) (a body read whole) or
/// [`max_download_bytes`](crate::ClientBuilder::max_download_bytes) (one streamed).
pub(crate) struct Cap {
    limit: u64,
    received: u64,
}

impl Cap {
    pub(crate) fn new(limit: u64) -> Self {
        Cap { limit, received: 0 }
    }

    /// Counts `chunk` in, or gives the limit when the body is now over it.
    pub(crate) fn admit(&mut self, chunk: &[u8]) -> Result<(), u64> {
        self.received = self.received.saturating_add(chunk.len() as u64);
        if self.received > self.limit {
            Err(self.limit)
        } else {
            Ok(())
        }
    }
}

/// A successful response whose body the client left unread
/// ([`Client::execute_streaming`](crate::Client::execute_streaming)).
pub(crate) struct Pending {
    pub(crate) response: reqwest::Response,
    pub(crate) limit: Option<u64>,
    /// Names of credentials placed in the query, hidden from the URL of a transport error.
    pub(crate) credential_query: Vec<&'static str>,
    /// What an event stream needs to connect again ([`Client::execute_events`]).
    ///
    /// [`Client::execute_events`]: crate::Client::execute_events
    pub(crate) replay: Option<Box<Replay>>,
}

/// A response body, chunk by chunk as it arrives, from
/// [`RawResponse::stream`](crate::RawResponse::stream).
///
/// The client's [`max_download_bytes`](crate::ClientBuilder::max_download_bytes) (none by
/// default) applies to the whole body: the chunk that goes over it is
/// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), and the stream ends there. So do
/// the client's and the request's timeouts, which cover reading the body too, and the read
/// timeout, which limits the wait for each chunk. After an error the stream yields nothing
/// more.
///
/// `Debug` shows the declared length and how much has been read, never the content.
pub struct ByteStream {
    source: Source,
    length: Option<u64>,
    read: u64,
    cap: Option<(Cap, Box<TooLargeContext>)>,
    credential_query: Vec<&'static str>,
}

/// What an over-limit error reports, kept only when there is a limit.
struct TooLargeContext {
    status: StatusCode,
    headers: HeaderMap,
    request_id_header: Option<HeaderName>,
}

enum Source {
    /// A body already read (not a 2xx, or not from `execute_streaming`), given as one chunk.
    Read(Option<Bytes>),
    /// A body still on the wire. Boxed because reqwest's stream type cannot be named.
    Wire(Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>),
}

impl ByteStream {
    /// A body that was read in full.
    pub(crate) fn read(body: Bytes) -> Self {
        ByteStream {
            length: Some(body.len() as u64),
            source: Source::Read(Some(body)),
            read: 0,
            cap: None,
            credential_query: Vec::new(),
        }
    }

    /// A body still to be read; `status` and `headers` (with the request id found as
    /// `request_id_header` says) are reported if it goes over the limit.
    pub(crate) fn pending(
        pending: Pending,
        status: StatusCode,
        headers: &HeaderMap,
        request_id_header: Option<HeaderName>,
    ) -> Self {
        let Pending {
            response,
            limit,
            credential_query,
            ..
        } = pending;
        ByteStream {
            length: response.content_length(),
            source: Source::Wire(Box::pin(response.bytes_stream())),
            read: 0,
            cap: limit.map(|limit| {
                let context = TooLargeContext {
                    status,
                    headers: headers.clone(),
                    request_id_header,
                };
                (Cap::new(limit), Box::new(context))
            }),
            credential_query,
        }
    }

    /// The next chunk of the body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// The rest of the body, in one piece.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        // One chunk (a body already read, or a short one) is returned without a copy.
        let Some(first) = self.chunk().await? else {
            return Ok(Bytes::new());
        };
        let Some(second) = self.chunk().await? else {
            return Ok(first);
        };
        let mut body = BytesMut::with_capacity(first.len() + second.len());
        body.extend_from_slice(&first);
        body.extend_from_slice(&second);
        while let Some(chunk) = self.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The body's length as the server declared it (`Content-Length`), when it did.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// How many bytes have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let next = match &mut this.source {
            Source::Read(body) => body.take().filter(|body| !body.is_empty()).map(Ok),
            Source::Wire(stream) => ready!(stream.as_mut().poll_next(cx)),
        };
        let chunk = match next {
            None => return Poll::Ready(None),
            Some(Ok(chunk)) => chunk,
            Some(Err(error)) => {
                this.source = Source::Read(None);
                let error = redact_error(error, &this.credential_query);
                return Poll::Ready(Some(Err(Error::Transport(error))));
            }
        };
        this.read += chunk.len() as u64;
        if let Some((mut cap, context)) = this.cap.take() {
            if let Err(limit) = cap.admit(&chunk) {
                this.source = Source::Read(None);
                let TooLargeContext {
                    status,
                    headers,
                    request_id_header,
                } = *context;
                let error = ResponseTooLarge {
                    status,
                    headers,
                    limit,
                    request_id_header,
                };
                return Poll::Ready(Some(Err(Error::ResponseTooLarge(Box::new(error)))));
            }
            this.cap = Some((cap, context));
        }
        Poll::Ready(Some(Ok(chunk)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.source {
            Source::Read(body) => {
                let left = usize::from(body.as_ref().is_some_and(|body| !body.is_empty()));
                (left, Some(left))
            }
            Source::Wire(stream) => stream.size_hint(),
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.length)
            .field("bytes_read", &self.read)
            .field("limit", &self.cap.as_ref().map(|(cap, _)| cap.limit))
            .finish_non_exhaustive()
    }
}

//! Server-sent events (`text/event-stream`): the wire format parsed as it arrives, each event's
//! `data` decoded, and reconnection with `Last-Event-ID` when the caller asks for it.
//!
//! The parser is written here rather than taken from a crate: the one well-known crate for
//! the format (`eventsource-stream`) keeps an unbounded buffer of the line being read, so a
//! server that streams one endless line would grow the client's memory without bound, and it
//! parses that buffer again from its start for every chunk. This one follows the WHATWG
//! algorithm ("Interpreting an event stream") byte by byte and refuses an event (with the line
//! it is reading) that grows past a limit.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::download::ByteStream;
use crate::error::{DecodeError, EncodeError, Error, ResponseTooLarge};
use crate::redact;
use crate::request::Request;
use crate::response::{RawResponse, Response};

/// One server-sent event, its `data` decoded as the spec says.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    /// The event type the server named (`event:`); `None` for the default type, `message`.
    pub event: Option<String>,
    /// The id this event set (`id:`), if it set one. The stream remembers the last id any
    /// event set ([`EventStream::last_event_id`]) and resumes from it when it reconnects.
    pub id: Option<String>,
    /// The reconnection time this event asked for (`retry:`), if it asked.
    pub retry: Option<Duration>,
    /// The event's data: its `data:` lines joined with `\n`, decoded (text as it is, JSON into
    /// the spec's type).
    pub data: T,
}

/// When and how often an [`EventStream`] connects again after its connection ends or fails
/// ([`EventStream::reconnect`]).
///
/// Each reconnection waits for the reconnection time the server last asked for (`retry:`), or
/// [`delay`](Self::delay) when it asked for none, but never longer than
/// [`max_delay`](Self::max_delay); then it sends the request again, with `Last-Event-ID` set to
/// the last id an event gave. At most [`max_attempts`](Self::max_attempts) reconnections are
/// made in a row without an event between them; after that the stream ends (with the last
/// error, if the last attempt failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reconnect {
    max_attempts: u32,
    delay: Duration,
    max_delay: Duration,
}

impl Reconnect {
    /// Five attempts in a row, 3 s apart unless the server says otherwise, at most 60 s apart.
    pub const fn new() -> Self {
        Reconnect {
            max_attempts: 5,
            delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(60),
        }
    }

    /// How many reconnections may follow each other without an event between them.
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before reconnecting while the server has not set one with `retry:`.
    pub const fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The longest wait before reconnecting, whatever `retry:` asks for.
    pub const fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect::new()
    }
}

/// What an event stream needs to connect again: the client and the request it sent.
pub(crate) struct Replay {
    pub(crate) client: Client,
    pub(crate) request: Request,
}

/// How an event's data becomes `T`: text as it is, or JSON.
type Decode<T> = fn(&str) -> Result<T, serde_json::Error>;

/// A `text/event-stream` response body, event by event as it arrives: a
/// [`Stream`] of `Result<Event<T>, Error>`. Read it with [`event`](Self::event) or any
/// `Stream` combinator.
///
/// Each event is limited, with the line being read, to the client's
/// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) (16 MiB by default;
/// [`max_event_bytes`](Self::max_event_bytes) changes it for one stream): a longer one is
/// [`Error::ResponseTooLarge`] and ends the stream, so a server that sends an endless line
/// cannot fill the memory. The whole stream counts against
/// [`max_download_bytes`](crate::ClientBuilder::max_download_bytes) (no limit by default), per
/// connection. The client's read timeout (30 s by default) limits the wait for the server's
/// next bytes, comments (`: keep-alive`) included, and the request's timeout, if set, the whole
/// stream.
///
/// An event whose data does not decode is an [`Error::Decode`] item (its response holds the
/// status, the headers and the event's data as the body), and the stream goes on after it. A
/// transport error ends the stream, unless it [reconnects](Self::reconnect): then the
/// connection is made again as [`Reconnect`] says. A reconnection that the server answers with
/// `204 No Content` ends the stream; one it answers with another status that is not `2xx` ends
/// it with [`Error::UnexpectedResponse`].
///
/// `Debug` shows the status, the last event id and the reconnection settings, never an event.
pub struct EventStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: ByteStream,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    decode: Decode<T>,
    replay: Option<Box<Replay>>,
    reconnect: Option<Reconnect>,
    /// Reconnections made since the last event.
    attempts: u32,
    state: State,
    marker: PhantomData<fn() -> T>,
}

enum State {
    Reading,
    Waiting(Pin<Box<tokio::time::Sleep>>),
    Connecting(Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>),
    Done,
}

impl<T> EventStream<T> {
    fn new(response: RawResponse, decode: Decode<T>) -> (StatusCode, HeaderMap, EventStream<T>) {
        let (status, headers, body, replay) = response.into_stream_parts();
        let limit = replay
            .as_ref()
            .and_then(|replay| replay.client.max_response_bytes())
            .unwrap_or(u64::MAX);
        let stream = EventStream {
            status,
            headers: headers.clone(),
            body,
            parser: Parser::new(limit),
            ready: VecDeque::new(),
            decode,
            replay,
            reconnect: None,
            attempts: 0,
            state: State::Reading,
            marker: PhantomData,
        };
        (status, headers, stream)
    }

    /// Connects again when the connection ends or fails, as `policy` says, resuming after the
    /// last event seen (`Last-Event-ID`). Off by default: a stream ends with its connection.
    ///
    /// A request whose body was a streamed [`Upload`](crate::Upload) cannot be sent again: its
    /// reconnection fails with [`Error::InvalidRequest`]. Reconnecting waits on tokio's timer:
    /// a stream read outside a tokio runtime does not reconnect.
    pub fn reconnect(mut self, policy: Reconnect) -> Self {
        self.reconnect = Some(policy);
        self
    }

    /// Limits each event (its fields, with the line being read) to `limit` bytes instead of
    /// the client's [`max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    pub fn max_event_bytes(mut self, limit: u64) -> Self {
        self.parser.limit = limit;
        self
    }

    /// The last id an event set (`id:`), sent as `Last-Event-ID` when the stream reconnects;
    /// `None` before any, or after an event cleared it with an empty `id:`. An event cut off
    /// with its connection sets nothing.
    pub fn last_event_id(&self) -> Option<&str> {
        Some(self.parser.last_event_id.as_str()).filter(|id| !id.is_empty())
    }

    /// The reconnection time the server last asked for (`retry:`).
    pub fn retry(&self) -> Option<Duration> {
        self.parser.reconnection_time
    }

    /// The next event, or `None` once the stream has ended.
    pub async fn event(&mut self) -> Result<Option<Event<T>>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    fn decoded(&self, raw: RawEvent) -> Result<Event<T>, Error> {
        match (self.decode)(&raw.data) {
            Ok(data) => Ok(Event {
                event: raw.event,
                id: raw.id,
                retry: raw.retry,
                data,
            }),
            Err(source) => {
                let body = Bytes::from(raw.data);
                Err(Error::Decode(Box::new(DecodeError {
                    source: redact::decode_error(source, &body),
                    response: RawResponse::new(self.status, self.headers.clone(), body),
                    header: None,
                })))
            }
        }
    }

    /// Waits to connect again, if the stream reconnects and has attempts left.
    fn schedule_reconnect(&mut self) -> bool {
        let (Some(policy), Some(_)) = (self.reconnect, &self.replay) else {
            return false;
        };
        // Waiting needs tokio's timer: a stream polled outside a runtime (after `send_blocking`)
        // ends where it would have waited, rather than panic.
        if self.attempts >= policy.max_attempts || tokio::runtime::Handle::try_current().is_err() {
            return false;
        }
        self.attempts += 1;
        let delay = self
            .parser
            .reconnection_time
            .unwrap_or(policy.delay)
            .min(policy.max_delay);
        self.state = State::Waiting(Box::pin(tokio::time::sleep(delay)));
        true
    }

    /// The request sent again, with the last event id.
    fn connect(&self) -> State {
        let Some(replay) = &self.replay else {
            return State::Done;
        };
        let mut request = replay.request.duplicate();
        if let Some(id) = self.last_event_id() {
            match HeaderValue::from_str(id) {
                Ok(value) => {
                    request.headers.insert("last-event-id", value);
                }
                Err(_) => {
                    request.refused = Some(EncodeError::new(
                        "the last event id cannot be sent as a `Last-Event-ID` header",
                    ));
                }
            }
        }
        let client = replay.client.clone();
        State::Connecting(Box::pin(async move {
            client.execute_streaming::<Infallible>(request).await
        }))
    }

    fn too_large(&self, limit: u64) -> Error {
        Error::ResponseTooLarge(Box::new(ResponseTooLarge {
            status: self.status,
            headers: self.headers.clone(),
            limit,
            request_id_header: None,
        }))
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                this.attempts = 0;
                return Poll::Ready(Some(this.decoded(raw)));
            }
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Reading => match ready!(Pin::new(&mut this.body).poll_next(cx)) {
                    Some(Ok(chunk)) => {
                        if let Err(limit) = this.parser.feed(&chunk, &mut this.ready) {
                            this.state = State::Done;
                            this.ready.clear();
                            return Poll::Ready(Some(Err(this.too_large(limit))));
                        }
                    }
                    Some(Err(error)) => {
                        let hostile = matches!(error, Error::ResponseTooLarge(_));
                        if hostile || !this.schedule_reconnect() {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                    None => {
                        if !this.schedule_reconnect() {
                            this.state = State::Done;
                        }
                    }
                },
                State::Waiting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    this.state = this.connect();
                }
                State::Connecting(connecting) => match ready!(connecting.as_mut().poll(cx)) {
                    Ok(response) if response.status() == StatusCode::NO_CONTENT => {
                        this.state = State::Done;
                    }
                    Ok(response) if response.status().is_success() => {
                        let (status, headers, body, _) = response.into_stream_parts();
                        this.status = status;
                        this.headers = headers;
                        this.body = body;
                        this.parser.connected();
                        this.state = State::Reading;
                    }
                    Ok(response) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(response.unexpected())));
                    }
                    Err(error) => {
                        if !this.schedule_reconnect() {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                },
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("last_event_id", &self.last_event_id())
            .field("retry", &self.parser.reconnection_time)
            .field("reconnect", &self.reconnect)
            .field("max_event_bytes", &self.parser.limit)
            .finish_non_exhaustive()
    }
}

impl RawResponse {
    /// A `text/event-stream` body as an [`EventStream`] whose events' data decode as JSON
    /// into `T`. Reconnection needs the request, which
    /// [`Client::execute_events`](crate::Client::execute_events) keeps.
    pub fn json_events<T: DeserializeOwned, E>(self) -> Result<Response<EventStream<T>>, Error<E>> {
        let request_id_header = self.request_id_header.clone();
        let (status, headers, stream) = EventStream::new(self, |data| serde_json::from_str(data));
        Ok(Response::new(status, headers, stream, request_id_header))
    }

    /// A `text/event-stream` body as an [`EventStream`] whose events' data are text.
    pub fn text_events<E>(self) -> Result<Response<EventStream<String>>, Error<E>> {
        let request_id_header = self.request_id_header.clone();
        let (status, headers, stream) = EventStream::new(self, |data| Ok(data.to_owned()));
        Ok(Response::new(status, headers, stream, request_id_header))
    }
}

/// An event as the parser dispatches it, its data not decoded yet.
#[derive(Debug, PartialEq)]
struct RawEvent {
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: String,
}

/// The WHATWG event stream parser, fed chunk by chunk.
struct Parser {
    /// The most bytes the event being read (its data, its type and the line being read) may
    /// hold.
    limit: u64,
    line: Vec<u8>,
    /// The last line ended with `\r`: a `\n` that follows belongs to it.
    after_cr: bool,
    /// No line of this connection has ended yet: a byte order mark may start it.
    first_line: bool,
    data: String,
    event: Option<String>,
    id: Option<String>,
    /// The `retry:` of the event being read.
    event_retry: Option<Duration>,
    /// The id the last `id:` line gave, kept across events as the standard says.
    id_buffer: String,
    /// The id buffer as the last complete event (or block without data) left it: what a
    /// reconnection resumes from.
    last_event_id: String,
    reconnection_time: Option<Duration>,
}

impl Parser {
    fn new(limit: u64) -> Self {
        Parser {
            limit,
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: String::new(),
            event: None,
            id: None,
            event_retry: None,
            id_buffer: String::new(),
            last_event_id: String::new(),
            reconnection_time: None,
        }
    }

    /// A new connection: what the last one left unfinished is dropped, its id too.
    fn connected(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.first_line = true;
        self.id_buffer.clone_from(&self.last_event_id);
        self.end_event();
    }

    /// Parses `chunk`, adding the events it completes to `ready`; the limit when the event
    /// being read grows past it.
    fn feed(&mut self, mut chunk: &[u8], ready: &mut VecDeque<RawEvent>) -> Result<(), u64> {
        while !chunk.is_empty() {
            if std::mem::take(&mut self.after_cr) {
                if let Some(rest) = chunk.strip_prefix(b"\n") {
                    chunk = rest;
                    continue;
                }
            }
            let end = chunk.iter().position(|&b| b == b'\r' || b == b'\n');
            let (part, rest) = match end {
                Some(end) => chunk.split_at(end),
                None => (chunk, &[][..]),
            };
            let held = self.line.len() + part.len() + self.data.len();
            let held = held + self.event.as_ref().map_or(0, String::len);
            if held as u64 > self.limit {
                self.connected();
                return Err(self.limit);
            }
            self.line.extend_from_slice(part);
            let Some((&ending, rest)) = rest.split_first() else {
                break;
            };
            self.after_cr = ending == b'\r';
            chunk = rest;
            self.end_line(ready);
        }
        Ok(())
    }

    fn end_line(&mut self, ready: &mut VecDeque<RawEvent>) {
        let bytes = std::mem::take(&mut self.line);
        let mut line = bytes.as_slice();
        if std::mem::take(&mut self.first_line) {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(ready);
            return;
        }
        if line.starts_with(b":") {
            return; // A comment.
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event = Some(value.into_owned()),
            b"data" => {
                self.data.push_str(&value);
                self.data.push('\n');
            }
            b"id" if !value.contains('\0') => {
                self.id_buffer = value.clone().into_owned();
                self.id = Some(value.into_owned());
            }
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only; a number too large for `u64` milliseconds is the longest wait.
                let millis = value.parse().unwrap_or(u64::MAX);
                let retry = Duration::from_millis(millis);
                self.reconnection_time = Some(retry);
                self.event_retry = Some(retry);
            }
            _ => {}
        }
        self.line = bytes;
        self.line.clear();
    }

    /// An empty line: the event read so far is complete. One without data is not an event
    /// (its id and reconnection time still count).
    fn dispatch(&mut self, ready: &mut VecDeque<RawEvent>) {
        self.last_event_id.clone_from(&self.id_buffer);
        if self.data.is_empty() {
            self.end_event();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // The `\n` after the last line.
        ready.push_back(RawEvent {
            event: self.event.take().filter(|event| !event.is_empty()),
            id: self.id.take(),
            retry: self.event_retry.take(),
            data,
        });
    }

    fn end_event(&mut self) {
        self.data.clear();
        self.event = None;
        self.id = None;
        self.event_retry = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = Parser::new(1024);
        let mut ready = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut ready).expect("under the limit");
        }
        ready.into()
    }

    fn event(data: &str) -> RawEvent {
        RawEvent {
            event: None,
            id: None,
            retry: None,
            data: data.to_owned(),
        }
    }

    #[test]
    fn multi_line_data_is_joined_and_fields_kept() {
        let events = parse(&[
            b": a comment\nevent: update\nid: 7\nretry: 1500\ndata: one\ndata:two\ndata:  three\n\n",
        ]);
        assert_eq!(
            events,
            [RawEvent {
                event: Some("update".to_owned()),
                id: Some("7".to_owned()),
                retry: Some(Duration::from_millis(1500)),
                data: "one\ntwo\n three".to_owned(),
            }]
        );
    }

    #[test]
    fn lf_crlf_and_cr_end_lines_even_split_across_chunks() {
        let events = parse(&[
            b"data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r",
            b"\n\r",
            b"\n",
        ]);
        assert_eq!(events, [event("a"), event("b"), event("c"), event("d")]);
    }

    #[test]
    fn a_byte_order_mark_starts_only_the_stream() {
        let events = parse(&[b"\xEF\xBB", b"\xBFdata: x\n\n\xEF\xBB\xBFdata: y\n\n"]);
        // The second mark is part of a field name that means nothing: ignored, no event.
        assert_eq!(events, [event("x")]);
    }

    #[test]
    fn empty_data_is_an_event_and_no_data_is_none() {
        let mut parser = Parser::new(1024);
        let mut ready = VecDeque::new();
        parser
            .feed(
                b"data\n\ndata:\n\nid: 9\nretry: x\n\nevent: e\n\n",
                &mut ready,
            )
            .expect("under the limit");
        assert_eq!(Vec::from(ready), [event(""), event("")]);
        assert_eq!(parser.last_event_id, "9");
        assert_eq!(parser.reconnection_time, None);
    }

    #[test]
    fn an_unfinished_event_and_an_id_with_nul_are_dropped() {
        let mut parser = Parser::new(1024);
        let mut ready = VecDeque::new();
        parser
            .feed(
                b"id: 1\ndata: a\n\nid: 2\0\ndata: b\n\ndata: cut",
                &mut ready,
            )
            .expect("under the limit");
        parser.connected();
        parser.feed(b"data: c\n\n", &mut ready).expect("under");
        let ids: Vec<Option<&str>> = ready.iter().map(|e| e.id.as_deref()).collect();
        assert_eq!(ids, [Some("1"), None, None]);
        assert_eq!(ready.back().map(|e| e.data.as_str()), Some("c"));
        assert_eq!(parser.last_event_id, "1");
        // An id whose event never completes is not resumed from.
        parser
            .feed(
                b"id: 5
data: cut",
                &mut ready,
            )
            .expect("under");
        assert_eq!(parser.last_event_id, "1");
        parser.connected();
        parser
            .feed(
                b"data: d

",
                &mut ready,
            )
            .expect("under");
        assert_eq!(parser.last_event_id, "1");
    }

    #[test]
    fn an_oversized_line_is_refused_before_it_ends() {
        let mut parser = Parser::new(16);
        let mut ready = VecDeque::new();
        parser
            .feed(b"data: 0123456789", &mut ready)
            .expect("16 bytes");
        assert_eq!(parser.feed(b"x", &mut ready), Err(16));
        assert!(parser.line.is_empty(), "nothing kept of the refused line");
        // An event is limited as a whole, not only line by line.
        let mut parser = Parser::new(16);
        parser.feed(b"data: 01234\n", &mut ready).expect("fits");
        assert_eq!(parser.feed(b"data: 56789\n", &mut ready), Err(16));
        assert!(ready.is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_huge_retry_saturates() {
        let events = parse(&[b"retry: 99999999999999999999999\ndata: \xFF\n\n"]);
        assert_eq!(events[0].data, "\u{FFFD}");
        assert_eq!(events[0].retry, Some(Duration::from_millis(u64::MAX)));
    }
}

//! Server-sent events (`specs/events.yaml`): events typed by a 3.2 `itemSchema`, by the media
//! type's schema and as text, read from a loopback server that sends multi-line data,
//! comments, `retry:`, `id:` and event types; a declared error status; an event whose data
//! does not decode; an endless line refused; and a connection dropped mid-event, followed by a
//! reconnection that carries `Last-Event-ID`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use apiforge_runtime::{Auth, Error, Event, Reconnect};
use events::operations::WatchJobError;
use events::types::{Problem, Progress, Quote};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::{assert_bearer, header, mount, only_request, start};

fn client(base_url: &str) -> events::Client {
    events::Client::builder()
        .base_url(base_url)
        .auth(Auth::bearer(crate::TOKEN))
        .build()
        .expect("events client")
}

/// A `200` whose body is `events`, as a `text/event-stream`.
fn event_stream(events: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(events.as_bytes().to_vec(), "text/event-stream")
}

#[tokio::test]
async fn item_schema_events_are_decoded_with_their_type_id_and_retry() {
    let server = start().await;
    Mock::given(method("GET"))
        .and(path("/quotes"))
        .and(query_param("symbols", "ACME,XYZ"))
        .respond_with(event_stream(concat!(
            "\u{FEFF}: the stream starts\r\n",
            "retry: 2500\r\n",
            "\r\n",
            "event: quote\r\n",
            "id: 41\r\n",
            "data: {\"symbol\": \"ACME\",\r\n",
            "data:  \"price\": 12.5}\r\n",
            "\r\n",
            ": keep-alive\n",
            "data: {\"symbol\": \"XYZ\", \"price\": 3}\n",
            "\n",
            "data: {\"symbol\": \"cut off\"",
        )))
        .mount(&server)
        .await;

    let mut quotes = client(&server.uri())
        .stream_quotes(vec!["ACME".to_owned(), "XYZ".to_owned()])
        .send()
        .await
        .expect("an event stream");

    let first = quotes.event().await.expect("decodes").expect("an event");
    assert_eq!(
        first,
        Event {
            event: Some("quote".to_owned()),
            id: Some("41".to_owned()),
            retry: None,
            data: Quote {
                symbol: "ACME".to_owned(),
                price: 12.5,
                additional_properties: Default::default(),
            },
        }
    );
    let second = quotes.event().await.expect("decodes").expect("an event");
    assert_eq!((second.event, second.id), (None, None));
    assert_eq!(second.data.symbol, "XYZ");
    // The unfinished last event is dropped at the end of the stream, which then ends.
    assert!(quotes.event().await.expect("no error").is_none());
    assert!(quotes.event().await.expect("no error").is_none());
    assert_eq!(quotes.last_event_id(), Some("41"));
    assert_eq!(quotes.retry(), Some(Duration::from_millis(2500)));

    let request = only_request(&server).await;
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn schema_events_keep_going_past_data_that_does_not_decode() {
    let server = start().await;
    Mock::given(method("GET"))
        .and(path("/jobs/j%201/progress"))
        .and(query_param("verbose", "true"))
        .respond_with(event_stream(concat!(
            "data: {\"percent\": 50, \"step\": \"copy\"}\n\n",
            "event: progress\ndata: not json\n\n",
            "data: {\"percent\": 100}\n\n",
        )))
        .mount(&server)
        .await;

    let response = client(&server.uri())
        .watch_job("j 1")
        .verbose(true)
        .send_with_info()
        .await
        .expect("an event stream");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let mut progress = response.into_body();

    let first = progress.event().await.expect("decodes").expect("an event");
    assert_eq!(
        first.data,
        Progress {
            percent: 50,
            step: Some("copy".to_owned()),
            additional_properties: Default::default(),
        }
    );
    let Err(Error::Decode(error)) = progress.event().await else {
        panic!("data that is not JSON is a decode error");
    };
    assert_eq!(error.response.body().as_ref(), b"not json");
    assert_eq!(error.response.status(), 200);
    let last = progress.event().await.expect("decodes").expect("an event");
    assert_eq!(last.data.percent, 100);
    assert!(progress.event().await.expect("no error").is_none());
}

#[tokio::test]
async fn a_declared_error_status_of_an_event_stream_operation_is_typed() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/jobs/gone/progress",
        ResponseTemplate::new(404).set_body_json(serde_json::json!({"title": "no such job"})),
    )
    .await;

    let error = client(&server.uri())
        .watch_job("gone")
        .send()
        .await
        .expect_err("404");

    assert_eq!(
        error.api_error(),
        Some(&WatchJobError::NotFound(Problem {
            title: "no such job".to_owned(),
            additional_properties: Default::default(),
        }))
    );
}

#[tokio::test]
async fn text_events_join_their_lines_and_keep_empty_data() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/logs",
        event_stream("data: line one\ndata:\ndata: line three\r\rdata\r\rid: 7\r\r"),
    )
    .await;

    let mut logs = client(&server.uri())
        .tail_logs()
        .send()
        .await
        .expect("an event stream");

    let first = logs.event().await.expect("text").expect("an event");
    assert_eq!(first.data, "line one\n\nline three");
    let empty = logs.event().await.expect("text").expect("an event");
    assert_eq!(empty.data, "");
    // A block with an id and no data sets the id but is no event.
    assert!(logs.event().await.expect("no error").is_none());
    assert_eq!(logs.last_event_id(), Some("7"));
}

#[tokio::test]
async fn an_endless_line_is_refused_at_the_event_limit() {
    let server = start().await;
    let endless = format!("data: {}", "x".repeat(64 * 1024));
    mount(&server, "GET", "/logs", event_stream(&endless)).await;
    let client = events::Client::builder()
        .base_url(server.uri())
        .max_response_bytes(4096)
        .build()
        .expect("client");

    let mut logs = client.tail_logs().send().await.expect("an event stream");

    let Err(Error::ResponseTooLarge(error)) = logs.event().await else {
        panic!("a line over the limit is refused");
    };
    assert_eq!(error.limit(), 4096);
    assert!(logs.event().await.expect("ended").is_none());

    // A stream's own limit replaces the client's.
    let mut logs = client
        .tail_logs()
        .send()
        .await
        .expect("an event stream")
        .max_event_bytes(100);
    let Err(Error::ResponseTooLarge(error)) = logs.event().await else {
        panic!("a line over the limit is refused");
    };
    assert_eq!(error.limit(), 100);
}

/// One answer of the loopback server: what it writes after reading a request, and whether it
/// then drops the connection in the middle of the body.
struct Answer {
    head: &'static str,
    chunks: &'static [&'static str],
    finish: bool,
}

/// A server that answers its `n`th connection with `answers[n]`, and gives back the head of
/// every request it read. It speaks just enough HTTP/1.1 to send a chunked body and stop in
/// the middle of it, which a mock server cannot.
fn loopback(answers: Vec<Answer>) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind on loopback");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let server = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for answer in answers {
            let (stream, _) = listener.accept().expect("a connection");
            heads.push(read_head(&stream));
            respond(stream, &answer);
        }
        heads
    });
    (base_url, server)
}

fn read_head(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a request line");
        if line == "\r\n" || line.is_empty() {
            return head.to_ascii_lowercase();
        }
        head.push_str(&line);
    }
}

fn respond(mut stream: TcpStream, answer: &Answer) {
    stream.write_all(answer.head.as_bytes()).expect("head");
    for chunk in answer.chunks {
        write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()).expect("chunk");
    }
    if answer.finish {
        stream.write_all(b"0\r\n\r\n").expect("last chunk");
    }
    stream.flush().expect("flush");
    // Dropped here: without the last chunk, the body ends in the middle.
}

const STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";

#[tokio::test]
async fn a_dropped_connection_reconnects_with_the_last_event_id() {
    let (base_url, server) = loopback(vec![
        Answer {
            head: STREAM_HEAD,
            chunks: &[
                ": hello\nretry: 5\n\nid: 1\nevent: quote\n",
                "data: {\"symbol\": \"A\", \"price\": 1}\n\n",
                "id: 2\ndata: {\"symbol\": \"B\", \"pr",
            ],
            finish: false,
        },
        Answer {
            head: STREAM_HEAD,
            chunks: &["id: 3\ndata: {\"symbol\": \"C\", \"price\": 3}\n\n"],
            finish: true,
        },
        Answer {
            head: "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            chunks: &[],
            finish: false,
        },
    ]);

    let quotes = client(&base_url)
        .stream_quotes(vec!["A".to_owned()])
        .send()
        .await
        .expect("an event stream")
        .reconnect(Reconnect::new().max_attempts(2));
    let received: Vec<Event<Quote>> = collect(quotes).await;

    let symbols: Vec<&str> = received.iter().map(|e| e.data.symbol.as_str()).collect();
    // `B` was cut off with its connection; the server resumes after `1`, the last id seen.
    assert_eq!(symbols, ["A", "C"]);
    let heads = server.join().expect("the server thread");
    assert_eq!(heads.len(), 3, "{heads:#?}");
    assert!(!heads[0].contains("last-event-id"), "{}", heads[0]);
    assert!(
        heads[1].contains("\r\nlast-event-id: 1\r\n"),
        "{}",
        heads[1]
    );
    assert!(
        heads[2].contains("\r\nlast-event-id: 3\r\n"),
        "{}",
        heads[2]
    );
    for head in &heads {
        assert!(head.starts_with("get /quotes?symbols=a "), "{head}");
        assert!(head.contains("\r\nauthorization: bearer tok\r\n"), "{head}");
    }
}

#[tokio::test]
async fn without_reconnect_a_dropped_connection_ends_the_stream_with_its_error() {
    let (base_url, server) = loopback(vec![Answer {
        head: STREAM_HEAD,
        chunks: &["data: whole\n\ndata: half"],
        finish: false,
    }]);

    let mut logs = client(&base_url)
        .tail_logs()
        .send()
        .await
        .expect("an event stream");

    assert_eq!(
        logs.event().await.expect("text").expect("an event").data,
        "whole"
    );
    let Err(Error::Transport(_)) = logs.event().await else {
        panic!("the cut is a transport error");
    };
    assert!(logs.event().await.expect("ended").is_none());
    assert_eq!(server.join().expect("the server thread").len(), 1);
}

#[tokio::test]
async fn reconnection_gives_up_after_its_attempts() {
    let refused = || Answer {
        head: "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        chunks: &[],
        finish: false,
    };
    let (base_url, server) = loopback(vec![refused(), refused(), refused()]);

    let logs = client(&base_url)
        .tail_logs()
        .send()
        .await
        .expect("an event stream")
        .reconnect(
            Reconnect::new()
                .max_attempts(2)
                .delay(Duration::from_millis(1)),
        );
    let received: Vec<Event<String>> = collect(logs).await;

    assert!(received.is_empty());
    // The first connection and two reconnections, then the stream ends.
    assert_eq!(server.join().expect("the server thread").len(), 3);
}

/// Every event of `stream`, failing on an error.
async fn collect<T>(mut stream: apiforge_runtime::EventStream<T>) -> Vec<Event<T>> {
    let mut events = Vec::new();
    while let Some(event) = stream.event().await.expect("no error") {
        events.push(event);
    }
    events
}

//! Streamed downloads over real HTTP: bodies read chunk by chunk or collected, the size cap
//! across chunks, and error statuses that still decode as they do after `execute`.

use std::time::Duration;

use apiforge_runtime::{Client, ClientBuilder, Error, Method, Request, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// 1 MiB: more than hyper reads at once (its buffer stops growing at about 400 KiB), so the
/// body cannot come as one chunk.
const BIG: usize = 1 << 20;

fn big_body() -> Vec<u8> {
    (0..BIG).map(|i| (i % 251) as u8).collect()
}

fn builder(uri: &str) -> ClientBuilder<Client> {
    ClientBuilder::<Client>::new(None, "ua").base_url(uri)
}

fn get() -> Request {
    Request::new(Method::GET, "/file".to_owned(), &[])
}

async fn serving(body: Vec<u8>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/octet-stream"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_large_body_arrives_whole_chunk_by_chunk() {
    let expected = big_body();
    let server = serving(expected.clone()).await;
    let client = builder(&server.uri()).build().unwrap();

    let raw = client.execute_streaming::<()>(get()).await.unwrap();
    assert!(raw.is_pending());
    assert!(raw.body().is_empty(), "the body was not read");
    let response = raw.stream::<()>().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    let mut stream = response.into_body();
    assert_eq!(stream.content_length(), Some(BIG as u64));
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.chunk().await.unwrap() {
        chunks += 1;
        received.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "{chunks} chunk(s)");
    assert_eq!(received.len(), expected.len());
    assert!(received == expected, "the body arrived changed");
    assert_eq!(stream.bytes_read(), BIG as u64);
    // The end stays the end.
    assert!(stream.chunk().await.unwrap().is_none());
}

#[tokio::test]
async fn a_large_body_arrives_whole_when_collected() {
    let expected = big_body();
    let server = serving(expected.clone()).await;
    // A cap at exactly the body's length lets it through, streamed or read whole.
    let client = builder(&server.uri())
        .max_download_bytes(BIG as u64)
        .max_response_bytes(BIG as u64)
        .build()
        .unwrap();
    let stream = client
        .execute_streaming::<()>(get())
        .await
        .unwrap()
        .stream::<()>()
        .unwrap()
        .into_body();
    let body = stream.collect().await.unwrap();
    assert!(body == expected, "the body arrived changed");

    // A body `execute` read in full streams as what it is.
    let raw = client.execute::<()>(get()).await.unwrap();
    assert!(!raw.is_pending());
    let body = raw
        .stream::<()>()
        .unwrap()
        .into_body()
        .collect()
        .await
        .unwrap();
    assert!(body == expected, "the body arrived changed");
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let server = serving(big_body()).await;
    let client = builder(&server.uri())
        .max_download_bytes(BIG as u64 - 1)
        .build()
        .unwrap();
    let error = client.execute_streaming::<()>(get()).await.unwrap_err();
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(too_large.status().as_u16(), 200);
    assert_eq!(too_large.limit(), BIG as u64 - 1);
}

/// A one-shot HTTP/1.1 server that answers with a chunked body of `chunks` (no
/// `Content-Length`, which wiremock always sends), waiting a little between chunks so that
/// each arrives on its own.
async fn chunked_server(chunks: Vec<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.unwrap();
            if read == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        // The client may hang up once it has seen enough; that is not this server's failure.
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for chunk in chunks {
            let frame = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            if socket.write_all(&frame).await.is_err() {
                return;
            }
            socket.flush().await.ok();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        socket.write_all(b"0\r\n\r\n").await.ok();
    });
    format!("http://{address}")
}

#[tokio::test]
async fn the_cap_applies_across_chunks_of_an_undeclared_length() {
    let chunks = vec![vec![b'a'; 1000], vec![b'b'; 1000], vec![b'c'; 1000]];

    // Under the cap: all three chunks.
    let uri = chunked_server(chunks.clone()).await;
    let client = builder(&uri).max_download_bytes(3000).build().unwrap();
    let raw = client.execute_streaming::<()>(get()).await.unwrap();
    let stream = raw.stream::<()>().unwrap().into_body();
    assert_eq!(stream.content_length(), None);
    assert_eq!(stream.collect().await.unwrap().len(), 3000);

    // Over it: the chunks within the cap, then the error, then nothing.
    let uri = chunked_server(chunks).await;
    let client = builder(&uri).max_download_bytes(2500).build().unwrap();
    let raw = client.execute_streaming::<()>(get()).await.unwrap();
    let mut stream = raw.stream::<()>().unwrap().into_body();
    let mut received = 0;
    let error = loop {
        match stream.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => panic!("the body ended under the cap"),
            Err(error) => break error,
        }
    };
    assert!(received <= 2500, "{received} bytes passed a 2500-byte cap");
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(too_large.limit(), 2500);
    assert_eq!(too_large.status().as_u16(), 200);
    assert_eq!(
        too_large.headers()["content-type"],
        "application/octet-stream"
    );
    assert!(stream.chunk().await.unwrap().is_none());
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Problem {
    code: String,
}

#[tokio::test]
async fn error_statuses_are_read_in_full_and_decode_as_before() {
    let server = MockServer::start().await;
    Mock::given(path("/file"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({ "code": "missing" })),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let raw = client.execute_streaming::<Problem>(get()).await.unwrap();
    assert_eq!(raw.status().as_u16(), 404);
    assert!(!raw.is_pending());
    let error: Error<Problem> = raw.error_json(|problem| problem);
    assert_eq!(
        error.api_error(),
        Some(&Problem {
            code: "missing".to_owned()
        })
    );
}

#[tokio::test]
async fn a_retried_call_streams_the_success_that_ends_it() {
    let server = MockServer::start().await;
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/file"))
        .respond_with(ResponseTemplate::new(200).set_body_string("finally"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .retry_policy(RetryPolicy::new(2).base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let raw = client.execute_streaming::<()>(get()).await.unwrap();
    assert_eq!(raw.status().as_u16(), 200);
    let body = raw
        .stream::<()>()
        .unwrap()
        .into_body()
        .collect()
        .await
        .unwrap();
    assert_eq!(&body[..], b"finally");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

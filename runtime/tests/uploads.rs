//! Request bodies beyond JSON, over real HTTP (wiremock on loopback): multipart file parts,
//! raw binary and text bodies, and what happens when a streamed body would be sent twice.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use apiforge_runtime::{
    BodyEncoding, Bytes, Client, ClientBuilder, Error, Form, Method, Request, RetryPolicy, Upload,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A stream of the given chunks, so that tests need no stream crate.
struct Chunks(Vec<&'static [u8]>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = (!self.0.is_empty()).then(|| Ok(Bytes::from_static(self.0.remove(0))));
        Poll::Ready(next)
    }
}

fn client(server: &MockServer) -> Client {
    ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .build()
        .unwrap()
}

async fn accept_anything(server: &MockServer) {
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(201))
        .mount(server)
        .await;
}

fn post() -> Request {
    Request::new(Method::POST, "/upload".to_owned(), &[])
}

/// One part of a multipart body: its headers (lowercase names) and its content.
#[derive(Debug)]
struct Part {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Part {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a `multipart/form-data` body on the boundary its content type names.
fn parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    // Skip to the first delimiter, then take each part up to the next one.
    let start = find(rest, delimiter.as_bytes()).expect("a first delimiter");
    rest = &rest[start + delimiter.len()..];
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").expect("CRLF after a delimiter");
        let end = find(rest, format!("\r\n{delimiter}").as_bytes()).expect("a next delimiter");
        let part = &rest[..end];
        let split = find(part, b"\r\n\r\n").expect("a blank line after the part headers");
        let headers = std::str::from_utf8(&part[..split])
            .unwrap()
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(':').expect("a header line");
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        parts.push(Part {
            headers,
            body: part[split + 4..].to_vec(),
        });
        rest = &rest[end + 2 + delimiter.len()..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[tokio::test]
async fn multipart_file_parts_arrive_with_their_names_types_and_contents() {
    let server = MockServer::start().await;
    accept_anything(&server).await;
    let mut form = Form::new();
    form.field("title", "Q3 report").unwrap();
    form.file(
        "doc",
        Upload::bytes(&b"%PDF-1.7 \x00\xff"[..])
            .file_name("report.pdf")
            .content_type("application/pdf"),
    );
    form.files(
        "logs",
        Some(Upload::stream(Chunks(vec![b"line 1\n", b"line 2\n"])).file_name("app.log")),
    );
    form.files("absent", None);
    let mut request = post();
    request.form(form, BodyEncoding::Multipart);
    let response = client(&server).execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 201);

    let received = &server.received_requests().await.unwrap()[0];
    let content_type = received.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let parts = parts(content_type, &received.body);
    assert_eq!(parts.len(), 3, "{parts:?}");

    assert_eq!(
        parts[0].header("content-disposition"),
        Some(r#"form-data; name="title""#)
    );
    assert_eq!(parts[0].body, b"Q3 report");

    assert_eq!(
        parts[1].header("content-disposition"),
        Some(r#"form-data; name="doc"; filename="report.pdf""#)
    );
    assert_eq!(parts[1].header("content-type"), Some("application/pdf"));
    assert_eq!(parts[1].body, b"%PDF-1.7 \x00\xff");

    assert_eq!(
        parts[2].header("content-disposition"),
        Some(r#"form-data; name="logs"; filename="app.log""#)
    );
    // No content type given: the default for binary content.
    assert_eq!(
        parts[2].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(parts[2].body, b"line 1\nline 2\n");
}

#[tokio::test]
async fn a_binary_body_arrives_byte_exact_with_its_content_type_and_length() {
    let server = MockServer::start().await;
    accept_anything(&server).await;
    let client = client(&server);
    let every_byte: Vec<u8> = (0..=255).collect();

    let mut request = post();
    request.upload_body(
        Some(Upload::from(every_byte.clone()).content_type("image/png")),
        "application/octet-stream",
    );
    client.execute::<()>(request).await.unwrap();

    // A file, streamed with its known length; the spec accepts any type, so the upload's own
    // type is sent.
    let file = std::env::temp_dir().join(format!("apiforge-upload-{}.png", std::process::id()));
    std::fs::write(&file, &every_byte).unwrap();
    let upload = Upload::open(&file).await.unwrap().content_type("image/png");
    assert_eq!(upload.len(), Some(256));
    let mut request = post();
    request.upload_body(Some(upload), "*/*");
    let result = client.execute::<()>(request).await;
    let _ = std::fs::remove_file(&file);
    result.unwrap();

    // A range with no type on the upload falls back to octet-stream.
    let mut request = post();
    request.upload_body(Some(Upload::from("abc")), "image/*");
    client.execute::<()>(request).await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    // The spec's media type wins over the upload's when it names one type.
    assert_eq!(
        received[0].headers["content-type"],
        "application/octet-stream"
    );
    assert_eq!(received[0].body, every_byte);
    assert_eq!(received[0].headers["content-length"], "256");
    assert_eq!(received[1].headers["content-type"], "image/png");
    assert_eq!(received[1].body, every_byte);
    assert_eq!(received[1].headers["content-length"], "256");
    assert!(received[1].headers.get("transfer-encoding").is_none());
    assert_eq!(
        received[2].headers["content-type"],
        "application/octet-stream"
    );
    assert_eq!(received[2].body, b"abc");
}

#[tokio::test]
async fn a_text_body_arrives_with_its_media_type() {
    let server = MockServer::start().await;
    accept_anything(&server).await;
    let mut request = post();
    request.text_body(Some("<note>café</note>".to_owned()), "application/xml");
    client(&server).execute::<()>(request).await.unwrap();
    // `None` sets no body at all.
    let mut request = post();
    request.text_body(None, "text/plain");
    client(&server).execute::<()>(request).await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["content-type"], "application/xml");
    assert_eq!(received[0].body, "<note>café</note>".as_bytes());
    assert!(received[1].headers.get("content-type").is_none());
    assert!(received[1].body.is_empty());
}

#[tokio::test]
async fn a_streamed_body_is_not_sent_again_on_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::new(3).base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();

    let mut request = Request::new(Method::PUT, "/upload".to_owned(), &[]);
    let upload = Upload::stream(Chunks(vec![b"part one, ", b"part two"]));
    request.upload_body(Some(upload), "application/octet-stream");
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(e) if e.to_string().contains("sent only once")),
        "{error:?}"
    );

    // The first attempt sent the whole stream; the retry sent nothing, not an empty body.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, b"part one, part two");

    // The same with bytes is retried and succeeds.
    let mut request = Request::new(Method::PUT, "/upload".to_owned(), &[]);
    request.upload_body(Some(Upload::from("again")), "application/octet-stream");
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_url_encoded_form_sends_a_bytes_file_as_text_and_refuses_a_stream() {
    let server = MockServer::start().await;
    accept_anything(&server).await;
    let client = client(&server);

    let mut form = Form::new();
    form.file("note", Upload::from("a&b"));
    let mut request = post();
    request.form(form, BodyEncoding::FormUrlEncoded);
    client.execute::<()>(request).await.unwrap();

    let mut form = Form::new();
    form.file("note", Upload::stream(Chunks(vec![b"x"])));
    let mut request = post();
    request.form(form, BodyEncoding::FormUrlEncoded);
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(e) if e.to_string().contains("`note`")),
        "{error:?}"
    );

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "the refused form was never sent");
    assert_eq!(received[0].body, b"note=a%26b");
}

#[test]
fn debug_never_shows_upload_contents() {
    let mut request = post();
    request.upload_body(
        Some(Upload::from("s3cr3t-payload").file_name("key.pem")),
        "application/octet-stream",
    );
    let mut form = Form::new();
    form.file("f", Upload::from("s3cr3t-payload"));
    let shown = format!("{request:?} {form:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("key.pem"), "{shown}");
}

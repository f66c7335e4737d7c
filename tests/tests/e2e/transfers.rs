//! Transfers: every body that is not plain JSON, over real HTTP (`specs/transfers.yaml`).
//! Uploads are checked byte for byte as the server received them, downloads as the client
//! read them, and typed response headers as decoded from what the server sent.

use apiforge_runtime::{Error, Upload};
use serde_json::json;
use transfers::operations::files::DownloadFileError;
use transfers::types::{NoteSet, NotesSummaryXMode, StoredFile};
use wiremock::{MockServer, ResponseTemplate};

use crate::{assert_target, header, json_body, mount, only_request, start};

fn client(server: &MockServer) -> transfers::Client {
    transfers::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("transfers client")
}

fn stored(name: &str, size: i64) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({"name": name, "size": size}))
}

/// One part of a multipart body: its name, file name, content type and contents.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    contents: Vec<u8>,
}

fn part(name: &str, file_name: Option<&str>, content_type: Option<&str>, contents: &[u8]) -> Part {
    Part {
        name: name.to_owned(),
        file_name: file_name.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
        contents: contents.to_vec(),
    }
}

/// The parts of a `multipart/form-data` body, in order, contents kept as bytes.
fn multipart_parts(request: &wiremock::Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("a Content-Type header");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data: {content_type}"));
    let delimiter = format!("\r\n--{boundary}");
    // Prefixing CRLF makes the first delimiter look like every other one.
    let mut body = b"\r\n".to_vec();
    body.extend_from_slice(&request.body);
    let mut parts = Vec::new();
    let mut rest = &body[..];
    loop {
        let start = find(rest, delimiter.as_bytes()).expect("a delimiter") + delimiter.len();
        rest = &rest[start..];
        if rest.starts_with(b"--") {
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("CRLF after the delimiter");
        let end = find(rest, delimiter.as_bytes()).expect("the part ends");
        let (this, next) = rest.split_at(end);
        rest = next;
        let head_end = find(this, b"\r\n\r\n").expect("part headers end");
        let head = std::str::from_utf8(&this[..head_end]).expect("part headers are text");
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(':').expect("a header line");
            if key.eq_ignore_ascii_case("content-disposition") {
                for item in value.split(';').map(str::trim) {
                    if let Some(v) = item.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_owned());
                    }
                    if let Some(v) = item.strip_prefix("filename=") {
                        file_name = Some(v.trim_matches('"').to_owned());
                    }
                }
            } else if key.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_owned());
            }
        }
        parts.push(Part {
            name: name.expect("a part name"),
            file_name,
            content_type,
            contents: this[head_end + 4..].to_vec(),
        });
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// --- Uploads -------------------------------------------------------------------------------

#[tokio::test]
async fn an_octet_stream_body_arrives_byte_for_byte() {
    let server = start().await;
    mount(&server, "PUT", "/files/a%20b.bin", stored("a b.bin", 4)).await;
    let bytes = vec![0u8, 159, 146, 150];

    let stored = client(&server)
        .upload_file("a b.bin", bytes.clone())
        .send()
        .await
        .expect("upload");

    assert_eq!(
        stored,
        StoredFile {
            name: "a b.bin".to_owned(),
            size: 4,
            parts: None,
            additional_properties: Default::default(),
        }
    );
    let request = only_request(&server).await;
    assert_target(&request, "PUT", "/files/a%20b.bin");
    assert_eq!(
        header(&request, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(request.body, bytes);
}

#[tokio::test]
async fn a_streamed_upload_arrives_whole() {
    let server = start().await;
    mount(&server, "PUT", "/files/big", stored("big", 300_000)).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..3u8).map(|i| Ok(vec![i; 100_000])).collect();

    client(&server)
        .upload_file("big", Upload::stream(stream_of(chunks)))
        .send()
        .await
        .expect("upload");

    let request = only_request(&server).await;
    assert_eq!(request.body.len(), 300_000);
    assert!(request.body[..100_000].iter().all(|&b| b == 0));
    assert!(request.body[200_000..].iter().all(|&b| b == 2));
}

/// A stream over `items`, without pulling in a stream utility crate.
fn stream_of<T: Send + Unpin + 'static>(
    items: Vec<T>,
) -> impl futures_core::Stream<Item = T> + Send + 'static {
    struct Items<T>(std::vec::IntoIter<T>);
    impl<T: Unpin> futures_core::Stream for Items<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Items(items.into_iter())
}

#[tokio::test]
async fn a_wildcard_media_type_takes_the_uploads_own_and_an_absent_body_sends_none() {
    let server = start().await;
    mount(&server, "POST", "/avatars", ResponseTemplate::new(204)).await;
    let client = client(&server);

    client
        .set_avatar()
        .body(Upload::bytes(&b"\x89PNG"[..]).content_type("image/png"))
        .send()
        .await
        .expect("with a body");
    client.set_avatar().send().await.expect("without a body");

    let requests = crate::requests(&server).await;
    assert_eq!(header(&requests[0], "content-type"), Some("image/png"));
    assert_eq!(requests[0].body, b"\x89PNG");
    assert_eq!(header(&requests[1], "content-type"), None);
    assert!(requests[1].body.is_empty());
}

#[tokio::test]
async fn a_multipart_form_carries_text_fields_and_file_parts_in_spec_order() {
    let server = start().await;
    mount(&server, "POST", "/albums", stored("Holiday", 3)).await;

    client(&server)
        .create_album(
            "Holiday",
            Upload::bytes(&b"front"[..])
                .file_name("cover.jpg")
                .content_type("image/jpeg"),
        )
        .pages(vec![
            Upload::from(&b"page one"[..]).file_name("1.txt"),
            Upload::from(vec![0u8, 1, 2]),
        ])
        .tags(vec!["sea".to_owned(), "sun".to_owned()])
        .send()
        .await
        .expect("album");

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/albums");
    assert_eq!(
        multipart_parts(&request),
        [
            part("title", None, None, b"Holiday"),
            part("cover", Some("cover.jpg"), Some("image/jpeg"), b"front"),
            part(
                "pages",
                Some("1.txt"),
                Some("application/octet-stream"),
                b"page one"
            ),
            part(
                "pages",
                Some("blob"),
                Some("application/octet-stream"),
                &[0, 1, 2]
            ),
            part("tags", None, None, b"sea"),
            part("tags", None, None, b"sun"),
        ]
    );
}

// --- Downloads -----------------------------------------------------------------------------

#[tokio::test]
async fn a_download_is_read_as_a_stream_of_chunks() {
    let server = start().await;
    let contents: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    mount(
        &server,
        "GET",
        "/files/big",
        ResponseTemplate::new(200).set_body_raw(contents.clone(), "application/octet-stream"),
    )
    .await;

    let mut stream = client(&server)
        .download_file("big")
        .send()
        .await
        .expect("download");
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.chunk().await.expect("a chunk") {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }

    assert_eq!(received, contents);
    assert!(chunks > 1, "a megabyte arrives in more than one chunk");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "accept"), Some("application/octet-stream"));
}

#[tokio::test]
async fn a_download_that_fails_is_the_typed_error() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/files/gone",
        ResponseTemplate::new(404).set_body_json(json!({"detail": "no such file"})),
    )
    .await;

    let error = client(&server)
        .download_file("gone")
        .send()
        .await
        .expect_err("404");

    match error {
        Error::Api(api) => match &api.body {
            DownloadFileError::NotFound(problem) => assert_eq!(problem.detail, "no such file"),
        },
        other => panic!("expected the typed 404, got {other:?}"),
    }
}

// --- Text bodies and typed headers ---------------------------------------------------------

#[tokio::test]
async fn a_text_body_goes_as_text_and_the_text_answer_comes_with_its_typed_header() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/notes",
        ResponseTemplate::new(201)
            .insert_header("Location", "/notes/7")
            .set_body_raw("stored: buy milk", "text/plain"),
    )
    .await;

    let response = client(&server)
        .create_note("buy milk\n")
        .send_with_info()
        .await
        .expect("note");

    assert_eq!(response.body(), "stored: buy milk");
    assert_eq!(
        response.typed_headers().location.as_deref(),
        Some("/notes/7")
    );
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-type"), Some("text/plain"));
    assert_eq!(request.body, b"buy milk\n");
}

#[tokio::test]
async fn json_is_the_default_encoding_and_a_form_is_the_callers_choice() {
    let server = start().await;
    mount(
        &server,
        "PUT",
        "/notes",
        ResponseTemplate::new(204).insert_header("X-Revision", "42"),
    )
    .await;
    let notes = NoteSet {
        notes: Some(vec!["a".to_owned()]),
        owner: Some("me".to_owned()),
        additional_properties: Default::default(),
    };
    let client = client(&server);

    let as_json = client
        .replace_notes()
        .body(notes.clone())
        .send_with_info()
        .await
        .expect("as JSON");
    client
        .replace_notes()
        .body(notes)
        .form_urlencoded()
        .send()
        .await
        .expect("as a form");

    assert_eq!(as_json.typed_headers().x_revision, Some(42));
    let requests = crate::requests(&server).await;
    assert_eq!(
        json_body(&requests[0]),
        json!({"notes": ["a"], "owner": "me"})
    );
    assert_eq!(
        header(&requests[1], "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(requests[1].body, b"notes=a&owner=me");
}

#[tokio::test]
async fn declared_response_headers_decode_into_their_types() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/notes/summary",
        ResponseTemplate::new(200)
            .insert_header("X-Rate-Limit-Remaining", "17")
            .insert_header("X-Request-Id", "6f1c2a4e-0b7d-4a59-9a8e-3c1d2b4f5e6a")
            .insert_header("X-Mode", "staging")
            .insert_header("X-Tags", "red, green")
            .insert_header("Last-Modified-At", "2026-11-23T10:00:00Z")
            .insert_header("X-Session-Token", "s3cr3t-value")
            .insert_header("X-Trace", "{\"id\": \"t1\"}")
            .set_body_json(json!({"notes": []})),
    )
    .await;

    let response = client(&server)
        .notes_summary()
        .send_with_info()
        .await
        .expect("summary");
    let headers = response.typed_headers();

    assert_eq!(headers.x_rate_limit_remaining, Some(17));
    assert_eq!(
        headers.x_request_id.map(|id| id.to_string()).as_deref(),
        Some("6f1c2a4e-0b7d-4a59-9a8e-3c1d2b4f5e6a")
    );
    // A value the spec does not list is kept, not refused.
    assert_eq!(
        headers.x_mode,
        Some(NotesSummaryXMode::Unknown("staging".to_owned()))
    );
    assert_eq!(
        headers.x_tags.as_deref(),
        Some(&["red".to_owned(), "green".to_owned()][..])
    );
    assert_eq!(
        headers
            .last_modified_at
            .map(|at| at.to_rfc3339())
            .as_deref(),
        Some("2026-11-23T10:00:00+00:00")
    );
    assert_eq!(headers.x_trace.as_deref(), Some("{\"id\": \"t1\"}"));
    assert_eq!(headers.x_session_token.as_deref(), Some("s3cr3t-value"));
    let debug = format!("{headers:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(
        debug.contains("x_rate_limit_remaining: Some(17)"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_header_that_does_not_parse_is_a_decode_error() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/notes/summary",
        ResponseTemplate::new(200)
            .insert_header("X-Rate-Limit-Remaining", "many")
            .set_body_json(json!({})),
    )
    .await;

    let error = client(&server)
        .notes_summary()
        .send()
        .await
        .expect_err("a malformed header");

    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(
        error.to_string().contains("X-Rate-Limit-Remaining"),
        "{error}"
    );
}

//! Response headers decoded into types, from a real response (wiremock on loopback).

use apiforge_runtime::{
    Client, ClientBuilder, Error, HeaderMap, Method, RawResponse, Request, Response, decode_header,
};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The headers a spec might declare for a response, as generated code would decode them.
#[derive(Debug, PartialEq)]
struct RateHeaders {
    limit: Option<u32>,
    request_id: Option<String>,
    cached: Option<bool>,
    tags: Option<Vec<String>>,
    ids: Option<Vec<i64>>,
    retry_after: Option<u32>,
}

fn rate_headers(headers: &HeaderMap) -> Result<RateHeaders, apiforge_runtime::HeaderDecodeError> {
    Ok(RateHeaders {
        limit: decode_header(headers, "x-rate-limit")?,
        request_id: decode_header(headers, "x-request-id")?,
        cached: decode_header(headers, "x-cached")?,
        tags: decode_header(headers, "x-tags")?,
        ids: decode_header(headers, "x-ids")?,
        retry_after: decode_header(headers, "retry-after")?,
    })
}

async fn response(template: ResponseTemplate) -> RawResponse {
    let server = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(template)
        .mount(&server)
        .await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".to_owned(), &[]);
    client.execute::<()>(request).await.unwrap()
}

fn with_headers() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(serde_json::json!({ "n": 1 }))
        .insert_header("x-rate-limit", "100")
        .insert_header("x-request-id", "0042")
        .insert_header("x-cached", "true")
        .insert_header("x-tags", "red, green,blue")
        .insert_header("x-ids", "1,-2,3")
}

#[tokio::test]
async fn declared_headers_decode_by_their_types_and_absent_ones_are_none() {
    let raw = response(with_headers()).await;
    let response: Response<serde_json::Value, RateHeaders> = raw
        .json::<serde_json::Value, ()>()
        .unwrap()
        .with_typed_headers::<_, ()>(rate_headers)
        .unwrap();
    let expected = RateHeaders {
        limit: Some(100),
        request_id: Some("0042".to_owned()),
        cached: Some(true),
        tags: Some(vec!["red".into(), "green".into(), "blue".into()]),
        ids: Some(vec![1, -2, 3]),
        retry_after: None,
    };
    assert_eq!(response.typed_headers(), &expected);
    // The raw headers and the rest of the response are all still there.
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-rate-limit"], "100");
    let response = response.map(|body| body["n"].as_i64());
    assert_eq!(response.body(), &Some(1));
    let (body, headers) = response.into_parts();
    assert_eq!(body, Some(1));
    assert_eq!(headers.limit, Some(100));
}

#[tokio::test]
async fn a_malformed_header_is_a_decode_error_that_names_it() {
    let raw = response(with_headers().insert_header("x-rate-limit", "lots")).await;
    let error = raw
        .json::<serde_json::Value, ()>()
        .unwrap()
        .with_typed_headers::<_, ()>(rate_headers)
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.header(), Some("x-rate-limit"));
    assert_eq!(decode.response.status().as_u16(), 200);
    let message = error.to_string();
    assert!(message.contains("`x-rate-limit`"), "{message}");
    assert!(message.contains("lots"), "{message}");
}

#[tokio::test]
async fn each_kind_of_value_decodes_or_is_refused() {
    let raw = response(
        ResponseTemplate::new(204)
            .insert_header("x-int", "-17")
            .insert_header("x-big", "300")
            .insert_header("x-bool", "false")
            .insert_header("x-not-bool", "yes")
            .insert_header("x-list", "1, 2,3")
            .insert_header("x-bad-list", "1,two,3")
            .insert_header("x-empty", ""),
    )
    .await;
    let headers = raw.headers();

    assert_eq!(decode_header::<i32>(headers, "x-int").unwrap(), Some(-17));
    assert_eq!(
        decode_header::<String>(headers, "x-int")
            .unwrap()
            .as_deref(),
        Some("-17")
    );
    assert_eq!(
        decode_header::<bool>(headers, "x-bool").unwrap(),
        Some(false)
    );
    assert_eq!(
        decode_header::<Vec<u8>>(headers, "x-list").unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        decode_header::<Vec<String>>(headers, "x-empty").unwrap(),
        Some(vec![])
    );
    assert_eq!(decode_header::<u64>(headers, "x-absent").unwrap(), None);

    let error = decode_header::<u8>(headers, "x-big").unwrap_err();
    assert_eq!(error.name(), "x-big");
    assert!(error.to_string().contains("300"), "{error}");
    let error = decode_header::<bool>(headers, "x-not-bool").unwrap_err();
    assert!(error.to_string().contains("x-not-bool"), "{error}");
    let error = decode_header::<Vec<i64>>(headers, "x-bad-list").unwrap_err();
    assert!(error.to_string().contains("two"), "{error}");
    assert!(decode_header::<i32>(headers, "x-empty").is_err());
}

#[tokio::test]
async fn responses_without_typed_headers_work_as_before() {
    let raw = response(with_headers()).await;
    let response: Response<serde_json::Value> = raw.json::<_, ()>().unwrap();
    assert_eq!(response.typed_headers(), &());
    assert_eq!(response.headers()["x-cached"], "true");
    assert_eq!(response.into_body()["n"], 1);
}

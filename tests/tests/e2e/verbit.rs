//! Verbit: `POST /auth` with a JSON body and two optional typed headers; the API key
//! exchanged for a JWT by a token provider.

use std::sync::Arc;
use std::time::Duration;

use apiforge_runtime::{Error, SecurityRequirement, Token, TokenProvider};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;
use verbit::operations::authentication::AuthError;
use verbit::types::{ApiError, AuthPayload, AuthRequest, ClientErrorResponse};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::{
    assert_no_auth, assert_target, authorizations, header, json_body, mount, only_request,
    protected_get, requests, runtime_client, sequence, start, verbit_client,
};

const TRACING_ID: &str = "b392efa9-1f26-4e79-9cd5-41ab283e9c76";

fn request_body() -> AuthRequest {
    AuthRequest {
        payload: AuthPayload {
            api_key: "key-123".to_owned(),
            additional_properties: Default::default(),
        },
        additional_properties: Default::default(),
    }
}

#[tokio::test]
async fn auth_sends_typed_headers_and_json_and_decodes_the_token() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth",
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "verbit-1")
            .set_body_json(json!({
                "tracing_id": TRACING_ID,
                "request_timestamp": "2021-07-30T21:00:00.5Z",
                "data": {"token": "jwt-verbit"},
                "schema_timestamp": "1637650991",
                "schema_name": "auth_response",
            })),
    )
    .await;
    let timestamp: DateTime<Utc> = Utc.with_ymd_and_hms(2021, 7, 30, 21, 0, 0).unwrap();

    let result = verbit_client(&server)
        .auth(request_body())
        .x_tracing_id(Uuid::parse_str(TRACING_ID).unwrap())
        .x_request_timestamp(timestamp)
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/auth");
    assert_no_auth(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "x-tracing-id"), Some(TRACING_ID));
    assert_eq!(
        header(&request, "x-request-timestamp"),
        Some("2021-07-30T21:00:00Z")
    );
    assert_eq!(
        json_body(&request),
        json!({"payload": {"api_key": "key-123"}})
    );

    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("x-request-id").unwrap(), "verbit-1");
    let body = response.body();
    assert_eq!(body.tracing_id, TRACING_ID);
    assert_eq!(
        body.request_timestamp,
        timestamp + chrono::Duration::milliseconds(500)
    );
    assert_eq!(body.data.token, "jwt-verbit");
    assert_eq!(body.schema_timestamp.as_deref(), Some("1637650991"));
    assert_eq!(body.schema_name.as_deref(), Some("auth_response"));
    assert_eq!(body.schema_hash, None);
    // The API key and the token are secrets: Debug hides them.
    let printed = format!("{:?} {body:?}", request_body());
    assert!(!printed.contains("key-123"), "{printed}");
    assert!(!printed.contains("jwt-verbit"), "{printed}");
}

#[tokio::test]
async fn auth_400_is_the_typed_client_error() {
    let server = start().await;
    let error_body = json!({
        "tracing_id": TRACING_ID,
        "request_timestamp": "2021-07-30T21:00:00Z",
        "errors": [{"code": "invalid_api_key", "type": "auth", "message": "API key is invalid"}],
        "schema_name": "client_error_response",
    });
    let raw = serde_json::to_vec(&error_body).unwrap();
    mount(
        &server,
        "POST",
        "/auth",
        ResponseTemplate::new(400).set_body_raw(raw.clone(), "application/json"),
    )
    .await;

    let error = verbit_client(&server)
        .auth(request_body())
        .send()
        .await
        .expect_err("400 is an error");

    // Optional headers that were not set are not sent.
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-tracing-id"), None);
    assert_eq!(header(&request, "x-request-timestamp"), None);

    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.raw_body().as_ref(), raw.as_slice());
    assert_eq!(
        api.body,
        AuthError::BadRequest(ClientErrorResponse {
            tracing_id: TRACING_ID.to_owned(),
            request_timestamp: Utc.with_ymd_and_hms(2021, 7, 30, 21, 0, 0).unwrap(),
            errors: vec![ApiError {
                code: "invalid_api_key".to_owned(),
                type_: "auth".to_owned(),
                message: "API key is invalid".to_owned(),
                additional_properties: Default::default(),
            }],
            schema_timestamp: None,
            schema_hash: None,
            schema_name: Some("client_error_response".to_owned()),
            additional_properties: Default::default(),
        })
    );
}

#[tokio::test]
async fn auth_200_with_a_timestamp_that_is_not_rfc3339_is_a_decode_error() {
    // `2021-07-30T21:00Z` (no seconds) is the SDK's example and not an RFC 3339 date-time.
    let server = start().await;
    let raw = r#"{"tracing_id":"t","request_timestamp":"2021-07-30T21:00Z","data":{"token":"x"}}"#;
    mount(
        &server,
        "POST",
        "/auth",
        ResponseTemplate::new(200).set_body_raw(raw, "application/json"),
    )
    .await;

    let error = verbit_client(&server)
        .auth(request_body())
        .send()
        .await
        .expect_err("the body does not decode");

    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.response.status().as_u16(), 200);
    assert_eq!(decode.response.body().as_ref(), raw.as_bytes());
}

/// Who may call the rest of the Verbit API (which the seed spec leaves out).
const PROTECTED: &[SecurityRequirement] = &[&[&verbit::security::BEARER_AUTH]];

/// `POST /auth` answering its `n`th call with the JWT `verbit-jwt-{n}`.
async fn mount_auth(server: &wiremock::MockServer, expected_calls: u64) {
    Mock::given(method("POST"))
        .and(path("/auth"))
        .and(body_json(json!({"payload": {"api_key": "key-123"}})))
        .respond_with(sequence(|n, _| {
            ResponseTemplate::new(200).set_body_json(json!({
                "tracing_id": TRACING_ID,
                "request_timestamp": "2021-07-30T21:00:00Z",
                "data": {"token": format!("verbit-jwt-{n}")},
            }))
        }))
        .expect(expected_calls)
        .mount(server)
        .await;
}

/// The API key exchanged for a JWT by the generated `auth` call.
fn api_key_provider(server: &wiremock::MockServer) -> TokenProvider {
    let login = verbit::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("login client");
    TokenProvider::new(move || {
        let login = login.clone();
        async move {
            login
                .auth(request_body())
                .send()
                .await
                .map(|response| Token::new(response.data.token))
        }
    })
}

#[tokio::test]
async fn flow_api_key_to_jwt_refetched_after_the_configured_lifetime() {
    // Verbit documents a one-hour token that is not a JWT the client can read; the provider
    // is told the lifetime (2 s here) and fetches again half-way through it.
    let server = start().await;
    mount_auth(&server, 2).await;
    mount(&server, "GET", "/jobs", ResponseTemplate::new(200)).await;
    let provider = Arc::new(api_key_provider(&server).lifetime(Duration::from_secs(2)));
    let client = runtime_client(&server, provider.clone());

    assert_eq!(
        protected_get(&client, "/jobs", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(
        protected_get(&client, "/jobs", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        protected_get(&client, "/jobs", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 2);

    let bearer = |n: u32| Some(format!("Bearer verbit-jwt-{n}"));
    assert_eq!(
        authorizations(&server, "/jobs").await,
        [bearer(0), bearer(0), bearer(1)]
    );
    for request in requests(&server)
        .await
        .iter()
        .filter(|r| r.url.path() == "/auth")
    {
        assert_no_auth(request);
    }
}

#[tokio::test]
async fn flow_a_refused_jwt_is_replaced_once() {
    let server = start().await;
    mount_auth(&server, 2).await;
    // The first token is refused, the second accepted.
    Mock::given(method("GET"))
        .and(path("/jobs"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer verbit-jwt-1",
        ))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    mount(&server, "GET", "/jobs", ResponseTemplate::new(401)).await;
    let provider = Arc::new(api_key_provider(&server));
    let client = runtime_client(&server, provider.clone());

    assert_eq!(
        protected_get(&client, "/jobs", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 2);
    let bearer = |n: u32| Some(format!("Bearer verbit-jwt-{n}"));
    assert_eq!(
        authorizations(&server, "/jobs").await,
        [bearer(0), bearer(1)]
    );
}

#[tokio::test]
async fn flow_a_jwt_refused_twice_is_the_callers_401() {
    let server = start().await;
    mount_auth(&server, 2).await;
    mount(&server, "GET", "/jobs", ResponseTemplate::new(401)).await;
    let provider = Arc::new(api_key_provider(&server));
    let client = runtime_client(&server, provider.clone());

    // Retried once with a fresh token, then the 401 is the caller's.
    assert_eq!(
        protected_get(&client, "/jobs", PROTECTED).await.unwrap(),
        401
    );
    assert_eq!(provider.fetches(), 2);
    assert_eq!(authorizations(&server, "/jobs").await.len(), 2);
}

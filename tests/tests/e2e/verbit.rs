//! Verbit: `POST /auth` with a JSON body and two optional typed headers.

use apiforge_runtime::Error;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;
use verbit::operations::authentication::AuthError;
use verbit::types::{ApiError, AuthPayload, AuthRequest, ClientErrorResponse};
use wiremock::ResponseTemplate;

use crate::{
    assert_no_auth, assert_target, header, json_body, mount, only_request, start, verbit_client,
};

const TRACING_ID: &str = "b392efa9-1f26-4e79-9cd5-41ab283e9c76";

fn request_body() -> AuthRequest {
    AuthRequest {
        payload: AuthPayload {
            api_key: "key-123".to_owned(),
        },
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
            }],
            schema_timestamp: None,
            schema_hash: None,
            schema_name: Some("client_error_response".to_owned()),
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

//! What every request builder offers besides its parameters, on `specs/parameters.yaml`:
//! headers and query parameters for one request, setters from an `Option`, builders as
//! templates (`Clone`, `Debug` without secrets), request ids on responses and errors, and the
//! idempotency key the client fills.

use std::time::Duration;

use apiforge_runtime::{Error, RetryPolicy};
use parameters::types::{CreatePaymentRequest, SearchOrder};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{header, mount, only_request, requests, sequence, start};

fn client(server: &MockServer) -> parameters::Client {
    parameters::Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::new(3).base_delay(Duration::from_millis(1)))
        .build()
        .expect("parameters client")
}

fn payment() -> CreatePaymentRequest {
    CreatePaymentRequest::new(5)
}

#[tokio::test]
async fn a_configured_request_is_a_template_with_headers_and_query_of_its_own() {
    let server = start().await;
    mount(&server, "GET", "/search", ResponseTemplate::new(204)).await;
    let client = client(&server);

    let template = client
        .search(3)
        .order(SearchOrder::Asc)
        .header("X-Trace", "t-1")
        .query_param("debug", "on");
    template.clone().send().await.expect("first search");
    template
        .set_order(None)
        .query_param("page", "2")
        .send()
        .await
        .expect("second search");

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].url.query(), Some("limit=3&order=asc&debug=on"));
    assert_eq!(sent[1].url.query(), Some("limit=3&debug=on&page=2"));
    assert!(sent.iter().all(|r| header(r, "x-trace") == Some("t-1")));
}

#[tokio::test]
async fn a_request_header_replaces_the_operations_own_and_a_bad_one_is_never_sent() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/accounts/1/items/a",
        ResponseTemplate::new(204),
    )
    .await;
    let client = client(&server);

    client
        .get_item(1, "a")
        .x_trace_id("from-parameter")
        .header("X-Trace-Id", "from-caller")
        .set_theme(Some("dark".to_owned()))
        .send()
        .await
        .expect("get item");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-trace-id"), Some("from-caller"));
    assert_eq!(header(&request, "cookie"), Some("theme=dark"));

    let error = client
        .get_item(1, "a")
        .header("X-Note", "line\r\nInjected: yes")
        .send()
        .await
        .expect_err("a newline cannot be sent");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(requests(&server).await.len(), 1, "nothing more was sent");
}

#[tokio::test]
async fn a_builders_debug_hides_secret_parameters_and_headers() {
    let server = start().await;
    let client = crate::lumminary_client(&server);
    let shown = format!(
        "{:?}",
        client
            .post_jwt_auth("ann", "password-secret", "user")
            .two_fa_token("otp-secret")
            .header("Authorization", "Bearer header-secret")
            .x_fields("visible-fields")
    );
    assert!(
        shown.contains("ann") && shown.contains("visible-fields"),
        "{shown}"
    );
    for secret in ["password-secret", "otp-secret", "header-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test]
async fn request_ids_are_kept_on_responses_and_errors_and_shown_in_messages() {
    let server = start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/search"))
        .respond_with(sequence(|n, _| match n {
            0 => ResponseTemplate::new(204).insert_header("x-request-id", "req-ok"),
            1 => ResponseTemplate::new(404).insert_header("x-github-request-id", "GH:77"),
            _ => ResponseTemplate::new(503).insert_header("x-request-id", "req-busy"),
        }))
        .mount(&server)
        .await;
    let client = parameters::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");

    let response = client.search(1).send_with_info().await.expect("search");
    assert_eq!(response.request_id(), Some("req-ok"));

    let error = client.search(1).send().await.expect_err("404");
    assert_eq!(error.request_id(), Some("GH:77"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(!error.is_retryable());
    assert!(error.to_string().ends_with("(request id GH:77)"), "{error}");

    let error = client.search(1).send().await.expect_err("503");
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(error.request_id(), Some("req-busy"));
}

#[tokio::test]
async fn a_configured_request_id_header_comes_first() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/search",
        ResponseTemplate::new(500)
            .insert_header("x-request-id", "common")
            .insert_header("x-trace-ref", "ours"),
    )
    .await;
    let client = parameters::Client::builder()
        .base_url(server.uri())
        .request_id_header("X-Trace-Ref")
        .build()
        .expect("client");
    let error = client.search(1).send().await.expect_err("500");
    assert_eq!(error.request_id(), Some("ours"));

    let refused = parameters::Client::builder()
        .base_url(server.uri())
        .request_id_header("not a header")
        .build()
        .expect_err("an invalid header name is refused");
    assert!(refused.to_string().contains("not a header"), "{refused}");
}

#[tokio::test]
async fn a_typed_error_turns_into_the_untyped_one_keeping_the_response() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/payments",
        ResponseTemplate::new(409)
            .insert_header("request-id", "r-409")
            .set_body_json(serde_json::json!({"message": "in flight"})),
    )
    .await;
    let error = client(&server)
        .create_payment(payment())
        .send()
        .await
        .expect_err("409");
    let message = error
        .api_error()
        .map(|parameters::operations::CreatePaymentError::Conflict(body)| body.message.clone());
    assert_eq!(message, Some(Some("in flight".to_owned())));

    let untyped: Error = error.into_untyped();
    assert!(
        matches!(untyped, Error::UnexpectedResponse(_)),
        "{untyped:?}"
    );
    assert_eq!(untyped.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(untyped.request_id(), Some("r-409"));
    assert_eq!(
        untyped.response().map(|r| r.body().as_ref()),
        Some(br#"{"message":"in flight"}"#.as_slice())
    );
}

#[tokio::test]
async fn an_idempotency_key_is_made_once_per_call_and_kept_across_its_retries() {
    let server = start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/payments"))
        .respond_with(sequence(|n, _| {
            ResponseTemplate::new(if n % 2 == 0 { 503 } else { 201 })
        }))
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .create_payment(payment())
        .send()
        .await
        .expect("first call");
    client
        .create_payment(payment())
        .send()
        .await
        .expect("second call");
    client
        .create_payment(payment())
        .idempotency_key("mine")
        .send()
        .await
        .expect("third call");

    let keys: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(keys.len(), 6, "each call was retried once: {keys:?}");
    assert_eq!(keys[0], keys[1], "a retry carries the call's key");
    assert_eq!(keys[2], keys[3]);
    assert_ne!(keys[0], keys[2], "each call has a key of its own");
    for key in &keys[..4] {
        assert!(uuid::Uuid::parse_str(key).is_ok(), "{key}");
    }
    assert_eq!(&keys[4..], ["mine", "mine"]);
}

#[tokio::test]
async fn without_idempotency_keys_a_post_is_sent_once_and_carries_none() {
    let server = start().await;
    mount(&server, "POST", "/payments", ResponseTemplate::new(503)).await;
    let client = parameters::Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::new(3).base_delay(Duration::from_millis(1)))
        .idempotency_keys(false)
        .build()
        .expect("client");

    let error = client
        .create_payment(payment())
        .send()
        .await
        .expect_err("503");
    assert!(error.is_retryable());
    let request = only_request(&server).await;
    assert_eq!(header(&request, "idempotency-key"), None);
}

/// A call's future is `Send`, so a program can spawn it: nothing in the runtime's `Call`
/// requires it (proving it for every builder was a sixth of a big crate's `cargo check`), so
/// this holds only as long as the builders and the types they return are `Send`.
#[tokio::test]
async fn a_call_can_be_spawned_onto_another_task() {
    let server = start().await;
    mount(&server, "GET", "/search", ResponseTemplate::new(204)).await;
    let client = client(&server);

    let task = tokio::spawn(async move { client.search(3).send_with_info().await });
    let response = task.await.expect("the task ran").expect("search");

    assert_eq!(response.status(), 204);
    assert_eq!(only_request(&server).await.url.query(), Some("limit=3"));
}

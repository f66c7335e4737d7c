//! Middleware: hooks see every exchange and can change the request (spans: `tracing.rs`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apiforge_runtime::{
    BoxError, Client, ClientBuilder, Error, Exchange, Method, Middleware, Request, RequestContext,
    RetryPolicy,
};
use reqwest::header::HeaderValue;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What `on_response` saw: status, body length, latency.
type Seen = (Option<u16>, Option<usize>, Duration);

/// Signs each request and records what it saw.
#[derive(Default)]
struct Recorder {
    requests: Mutex<Vec<String>>,
    responses: Mutex<Vec<Seen>>,
}

impl Middleware for Recorder {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        context: &RequestContext<'_>,
    ) -> Result<(), BoxError> {
        self.requests.lock().unwrap().push(format!(
            "{} {} {} {} #{}",
            context.method(),
            context.path(),
            context.operation_id().unwrap_or("-"),
            context.path_template().unwrap_or("-"),
            context.attempt()
        ));
        let signature = HeaderValue::from_str(&format!("sig-{}", context.attempt()))?;
        request.headers_mut().insert("x-signature", signature);
        Ok(())
    }

    fn on_response(&self, exchange: &Exchange<'_>) {
        self.responses.lock().unwrap().push((
            exchange.status().map(|s| s.as_u16()),
            exchange.body().map(|b| b.len()),
            exchange.latency(),
        ));
    }
}

#[tokio::test]
async fn middleware_sees_every_exchange_and_can_sign_requests() {
    let server = MockServer::start().await;
    Mock::given(path("/jwt/alice"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/jwt/alice"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .with_priority(2)
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::new(3).base_delay(Duration::from_millis(1)))
        .middleware(recorder.clone())
        .build()
        .unwrap();
    let mut request = Request::new(Method::GET, "/jwt/alice".into(), &[]);
    request.operation("jwtGetByUid", "/jwt/{uid}");
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);

    assert_eq!(
        *recorder.requests.lock().unwrap(),
        [
            "GET /jwt/alice jwtGetByUid /jwt/{uid} #1",
            "GET /jwt/alice jwtGetByUid /jwt/{uid} #2"
        ]
    );
    let seen: Vec<_> = recorder
        .responses
        .lock()
        .unwrap()
        .iter()
        .map(|(s, b, _)| (*s, *b))
        .collect();
    assert_eq!(seen, [(Some(503), Some(0)), (Some(200), Some(2))]);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["x-signature"], "sig-1");
    assert_eq!(received[1].headers["x-signature"], "sig-2");
}

struct Refuse;

impl Middleware for Refuse {
    fn on_request(&self, _: &mut reqwest::Request, _: &RequestContext<'_>) -> Result<(), BoxError> {
        Err("signing key unavailable".into())
    }
}

#[tokio::test]
async fn a_middleware_error_stops_the_request_before_it_is_sent() {
    let server = MockServer::start().await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .middleware(Refuse)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), &[]);
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(
        error.to_string().contains("signing key unavailable"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

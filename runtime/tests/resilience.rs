//! Retries, Retry-After, timeouts, cancellation and the body-size cap, over real HTTP (wiremock
//! on loopback). Waits are checked only from below (a retry came no earlier than asked), never
//! against how fast the machine is.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use apiforge_runtime::{
    Client, ClientBuilder, Error, Exchange, Method, Middleware, Request, RetryPolicy,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Retries without waiting long: the tests are about whether, not how long.
fn quick(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::new(max_attempts)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_secs(5))
}

fn builder(server: &MockServer) -> ClientBuilder<Client> {
    ClientBuilder::<Client>::new(None, "ua").base_url(server.uri())
}

async fn status_of(client: &Client, request: Request) -> u16 {
    client
        .execute::<()>(request)
        .await
        .expect("a response")
        .status()
        .as_u16()
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn unavailable_then_ok(server: &MockServer, failures: u64, template: ResponseTemplate) {
    Mock::given(path("/thing"))
        .respond_with(template)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path("/thing"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(server)
        .await;
}

fn get() -> Request {
    Request::new(Method::GET, "/thing".into(), &[])
}

#[tokio::test]
async fn retries_are_off_by_default() {
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 1, ResponseTemplate::new(503)).await;
    let client = builder(&server).build().unwrap();
    assert_eq!(status_of(&client, get()).await, 503);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn idempotent_requests_are_retried_until_they_succeed() {
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 2, ResponseTemplate::new(503)).await;
    let client = builder(&server).retry_policy(quick(3)).build().unwrap();
    assert_eq!(status_of(&client, get()).await, 200);
    assert_eq!(received(&server).await, 3);

    for status in [429, 502, 504] {
        let server = MockServer::start().await;
        unavailable_then_ok(&server, 1, ResponseTemplate::new(status)).await;
        let client = builder(&server).retry_policy(quick(3)).build().unwrap();
        let request = Request::new(Method::PUT, "/thing".into(), &[]);
        assert_eq!(status_of(&client, request).await, 200, "after {status}");
        assert_eq!(received(&server).await, 2, "after {status}");
    }
}

#[tokio::test]
async fn attempts_are_capped_and_other_errors_are_not_retried() {
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 100, ResponseTemplate::new(503)).await;
    let client = builder(&server).retry_policy(quick(4)).build().unwrap();
    assert_eq!(status_of(&client, get()).await, 503);
    assert_eq!(received(&server).await, 4);

    let server = MockServer::start().await;
    unavailable_then_ok(&server, 100, ResponseTemplate::new(500)).await;
    let client = builder(&server).retry_policy(quick(4)).build().unwrap();
    assert_eq!(status_of(&client, get()).await, 500);
    assert_eq!(received(&server).await, 1, "500 is not transient");
}

#[tokio::test]
async fn post_is_retried_only_when_marked_retry_safe() {
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 100, ResponseTemplate::new(503)).await;
    let client = builder(&server).retry_policy(quick(3)).build().unwrap();
    let post = Request::new(Method::POST, "/thing".into(), &[]);
    assert_eq!(status_of(&client, post).await, 503);
    assert_eq!(received(&server).await, 1, "a POST is never sent twice");

    let mut safe = Request::new(Method::POST, "/thing".into(), &[]);
    safe.retry_safe();
    assert_eq!(status_of(&client, safe).await, 503);
    assert_eq!(received(&server).await, 1 + 3);

    // Marked retry-safe, a request is retried even by a client without a policy (by the
    // default one: three attempts).
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 1, ResponseTemplate::new(503)).await;
    let plain = builder(&server).build().unwrap();
    let mut safe = Request::new(Method::POST, "/thing".into(), &[]);
    safe.retry_safe();
    assert_eq!(status_of(&plain, safe).await, 200);
    assert_eq!(received(&server).await, 2);

    // And `RetryPolicy::never()` turns even that off.
    let server = MockServer::start().await;
    unavailable_then_ok(&server, 1, ResponseTemplate::new(503)).await;
    let never = builder(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let mut safe = Request::new(Method::POST, "/thing".into(), &[]);
    safe.retry_safe();
    assert_eq!(status_of(&never, safe).await, 503);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "1");
    unavailable_then_ok(&server, 1, busy).await;
    // The backoff alone would wait at most 1 ms.
    let client = builder(&server).retry_policy(quick(3)).build().unwrap();
    let started = Instant::now();
    assert_eq!(status_of(&client, get()).await, 200);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried after {:?}",
        started.elapsed()
    );
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    let server = MockServer::start().await;
    let started = Instant::now();
    let wall = SystemTime::now();
    // HTTP dates have whole seconds: two seconds ahead, truncated, is at least one ahead.
    let at = wall + Duration::from_secs(2);
    let truncated = SystemTime::UNIX_EPOCH
        + Duration::from_secs(at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs());
    let expected_wait = truncated.duration_since(wall).unwrap();
    let busy = ResponseTemplate::new(429).insert_header("retry-after", httpdate(truncated));
    unavailable_then_ok(&server, 1, busy).await;
    let client = builder(&server).retry_policy(quick(3)).build().unwrap();
    assert_eq!(status_of(&client, get()).await, 200);
    // Allow for the wall clock and the monotonic one disagreeing by a few milliseconds.
    let waited = started.elapsed() + Duration::from_millis(20);
    assert!(
        waited >= expected_wait,
        "retried after {waited:?}, asked {expected_wait:?}"
    );
    assert_eq!(received(&server).await, 2);
}

/// IMF-fixdate, as a server would send it.
fn httpdate(at: SystemTime) -> String {
    let secs = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_response_at_once() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "3600");
    unavailable_then_ok(&server, 1, busy).await;
    let client = builder(&server)
        .retry_policy(quick(3).max_delay(Duration::from_secs(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let response = client.execute::<()>(get()).await.unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "3600");
    assert_eq!(received(&server).await, 1);
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// Counts exchanges and transport failures.
#[derive(Default)]
struct Counter {
    exchanges: AtomicU32,
    failures: AtomicU32,
}

impl Middleware for Counter {
    fn on_response(&self, exchange: &Exchange<'_>) {
        self.exchanges.fetch_add(1, Ordering::SeqCst);
        if exchange.error().is_some() {
            self.failures.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A loopback URL on which nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn connection_failures_are_retried() {
    let url = closed_port();
    let counter = Arc::new(Counter::default());
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(&url)
        .retry_policy(quick(3))
        .middleware(counter.clone())
        .build()
        .unwrap();
    let error = client.execute::<()>(get()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_connect()),
        "{error:?}"
    );
    assert_eq!(counter.failures.load(Ordering::SeqCst), 3);

    let counter = Arc::new(Counter::default());
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(&url)
        .middleware(counter.clone())
        .build()
        .unwrap();
    client.execute::<()>(get()).await.unwrap_err();
    assert_eq!(counter.failures.load(Ordering::SeqCst), 1, "off by default");
}

#[tokio::test]
async fn a_request_timeout_overrides_the_clients() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let mut request = get();
    request.timeout(Duration::from_millis(200));
    let started = Instant::now();
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );

    // A timed-out idempotent request is retried, each attempt with its own limit.
    let counter = Arc::new(Counter::default());
    let client = builder(&server)
        .retry_policy(quick(2))
        .middleware(counter.clone())
        .build()
        .unwrap();
    let mut request = get();
    request.timeout(Duration::from_millis(100));
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.is_timeout()));
    assert_eq!(counter.failures.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn dropping_a_call_while_it_waits_to_retry_sends_nothing_more() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "1");
    unavailable_then_ok(&server, 100, busy).await;
    let client = builder(&server).retry_policy(quick(3)).build().unwrap();
    let call = client.execute::<()>(get());
    let outcome = tokio::time::timeout(Duration::from_millis(300), call).await;
    assert!(outcome.is_err(), "the call was still waiting to retry");
    assert_eq!(received(&server).await, 1);
    // Past the moment the retry would have gone out.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        received(&server).await,
        1,
        "nothing left behind kept retrying"
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_an_error_that_keeps_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "r-42")
                .set_body_bytes(vec![b'a'; 2048]),
        )
        .mount(&server)
        .await;
    let capped = builder(&server).max_response_bytes(1024).build().unwrap();
    let error = capped.execute::<()>(get()).await.unwrap_err();
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(too_large.status().as_u16(), 200);
    assert_eq!(too_large.headers()["x-request-id"], "r-42");
    assert_eq!(too_large.limit(), 1024);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().contains("1024"), "{error}");

    let exact = builder(&server).max_response_bytes(2048).build().unwrap();
    let response = exact.execute::<()>(get()).await.unwrap();
    assert_eq!(response.body().len(), 2048);
}

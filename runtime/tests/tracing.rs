//! Each call is a `tracing` span that names the operation and its path template, records the
//! status and latency, and never holds a secret; a credential about to go over plain `http://`
//! to another machine is warned about.
//!
//! Alone in its own test binary: tracing caches, per call site, whether any subscriber wants it,
//! and a test running at the same time without a subscriber could settle that cache first.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apiforge_runtime::{
    ApiKeyLocation, Auth, BoxError, Client, ClientBuilder, Error, Method, Middleware, Request,
    RequestContext, RetryPolicy, SchemeKind, SecurityScheme,
};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::HttpBearer,
};
const QUERY_KEY: SecurityScheme = SecurityScheme {
    name: "queryKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key",
    },
};

/// A span's name and its fields.
type SpanRecord = (String, Vec<(String, String)>);

/// A tracing subscriber that keeps every span's name and fields, and every event's fields.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<SpanRecord>>>,
    events: Arc<Mutex<Vec<String>>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((span.metadata().name().to_owned(), fields));
        self.next.store(spans.len() as u64, Ordering::SeqCst);
        tracing::span::Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_call_is_a_span_with_the_template_status_and_latency_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/jwt/alice"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth(Auth::bearer("bearer-secret"))
        .scheme_auth("queryKey", Auth::api_key("query-secret"))
        .retry_policy(RetryPolicy::new(2).base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let mut request = Request::new(Method::GET, "/jwt/alice".into(), &[&[&BEARER, &QUERY_KEY]]);
    request.operation("jwtGetByUid", "/jwt/{uid}");
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 401);

    let spans = capture.spans.lock().unwrap();
    let (_, fields) = spans
        .iter()
        .find(|(name, _)| name == "apiforge.request")
        .expect("a request span");
    let field = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(field("method"), Some("GET"));
    assert_eq!(field("path"), Some("/jwt/{uid}"));
    assert_eq!(field("operation"), Some("jwtGetByUid"));
    assert_eq!(field("status"), Some("401"));
    assert_eq!(field("exchanges"), Some("1"));
    let latency: f64 = field("latency_ms").expect("latency").parse().unwrap();
    assert!(latency > 0.0);

    let everything = format!("{spans:?} {:?}", capture.events.lock().unwrap());
    for secret in ["bearer-secret", "query-secret", "/jwt/alice"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}

/// Stops every call just before it would be sent: the hosts below are not reachable from a
/// test, and need not be, since the warning comes before sending.
struct Refuse;

impl Middleware for Refuse {
    fn on_request(
        &self,
        _: &mut apiforge_runtime::reqwest::Request,
        _: &RequestContext<'_>,
    ) -> Result<(), BoxError> {
        Err("stopped before sending".into())
    }
}

#[tokio::test]
async fn a_credential_about_to_go_over_plain_http_to_another_machine_is_warned_about_once() {
    let loopback = MockServer::start().await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let client = |base_url: &str| {
        ClientBuilder::<Client>::new(None, "ua")
            .base_url(base_url)
            .auth(Auth::bearer("bearer-secret"))
            .middleware(Refuse)
            .build()
            .unwrap()
    };
    let call = |client: Client, security: &'static [apiforge_runtime::SecurityRequirement]| async move {
        let request = Request::new(Method::GET, "/thing".into(), security);
        let error = client.execute::<()>(request).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    };
    let warnings = || {
        capture
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|event| event.contains("plain http://"))
            .cloned()
            .collect::<Vec<_>>()
    };

    // An operation that needs no credential sends none: nothing to warn about.
    let remote = client("http://api.example.com");
    call(remote.clone(), &[]).await;
    assert!(warnings().is_empty(), "{:?}", warnings());

    // Twice with the credential, from the client and a clone: one warning.
    call(remote.clone(), &[&[&BEARER]]).await;
    call(remote, &[&[&BEARER]]).await;
    let warned = warnings();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("api.example.com"), "{warned:?}");
    assert!(!warned[0].contains("bearer-secret"), "{warned:?}");

    // Not over https, nor to this machine.
    call(client("https://api.example.com"), &[&[&BEARER]]).await;
    call(client(&loopback.uri()), &[&[&BEARER]]).await;
    call(client("http://localhost:9"), &[&[&BEARER]]).await;
    assert_eq!(warnings().len(), 1, "{:?}", warnings());

    // Another client warns again.
    call(client("http://10.1.2.3"), &[&[&BEARER]]).await;
    assert_eq!(warnings().len(), 2, "{:?}", warnings());
}

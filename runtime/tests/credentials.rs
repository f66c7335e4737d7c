//! Credential providers: token caching and expiry (on tokio's paused clock), one fetch for many
//! concurrent requests, the retry after a `401`, and per-scheme providers, over real HTTP
//! (wiremock on loopback) where the wire matters.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use apiforge_runtime::{
    ApiKeyLocation, Auth, AuthKind, Client, ClientBuilder, CredentialProvider, Error, Method,
    Request, SchemeKind, SecurityRequirement, SecurityScheme, Token, TokenProvider,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::HttpBearer,
};
const HEADER_KEY: SecurityScheme = SecurityScheme {
    name: "apiKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Header,
        name: "x-api-key",
    },
};
const BEARER_ONLY: &[SecurityRequirement] = &[&[&BEARER]];
const BOTH: &[SecurityRequirement] = &[&[&BEARER, &HEADER_KEY]];

/// Base64url without padding, to build test JWTs.
fn base64url(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            }
        }
    }
    out
}

/// An unsigned JWT whose `exp` claim is `exp` seconds since the epoch.
fn jwt_expiring_at(exp: u64) -> String {
    let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64url(format!(r#"{{"sub":"alice","exp":{exp}}}"#).as_bytes());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A provider whose closure returns `make(n)` on its `n`th call (from 0).
fn counting_provider(
    make: impl Fn(usize) -> Token + Send + Sync + 'static,
) -> (TokenProvider, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let make = Arc::new(make);
    let provider = TokenProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let make = make.clone();
        async move { Ok::<_, std::io::Error>(make(n)) }
    });
    (provider, calls)
}

async fn bearer_of(provider: &TokenProvider) -> String {
    match provider.credential().await.expect("a credential") {
        Auth::Bearer(token) => token.expose().to_owned(),
        other => panic!("expected a bearer token, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn expires_in_from_the_token_call_sets_the_refresh_time() {
    let (provider, calls) =
        counting_provider(|n| Token::new(format!("t{n}")).expires_in(Duration::from_secs(100)));
    let provider = provider.refresh_before(Duration::from_secs(10));
    assert_eq!(bearer_of(&provider).await, "t0");
    tokio::time::advance(Duration::from_secs(89)).await;
    assert_eq!(bearer_of(&provider).await, "t0", "still fresh at 89 s");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(
        bearer_of(&provider).await,
        "t1",
        "refreshed 10 s before expiry"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(provider.fetches(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_configured_lifetime_applies_when_the_response_says_nothing() {
    let (provider, _) = counting_provider(|n| Token::new(format!("t{n}")));
    let provider = provider
        .lifetime(Duration::from_secs(60))
        .refresh_before(Duration::ZERO);
    assert_eq!(bearer_of(&provider).await, "t0");
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(bearer_of(&provider).await, "t0");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(bearer_of(&provider).await, "t1");
}

#[tokio::test(start_paused = true)]
async fn the_jwt_exp_claim_sets_the_expiry() {
    // The paused clock moves tokio's `Instant` but not the wall clock; the provider turns `exp`
    // into an `Instant` when the token arrives, so advancing is what counts.
    let exp = unix_now() + 100;
    let (provider, _) = counting_provider(move |_| Token::new(jwt_expiring_at(exp)));
    let provider = provider.refresh_before(Duration::from_secs(10));
    provider.credential().await.unwrap();
    tokio::time::advance(Duration::from_secs(80)).await;
    provider.credential().await.unwrap();
    assert_eq!(provider.fetches(), 1, "fresh until 10 s before exp");
    tokio::time::advance(Duration::from_secs(15)).await;
    provider.credential().await.unwrap();
    assert_eq!(provider.fetches(), 2, "refetched 10 s before exp");

    // An already expired JWT is used for the request it was fetched for, then replaced.
    let (expired, _) = counting_provider(|_| Token::new(jwt_expiring_at(1_000)));
    expired.credential().await.unwrap();
    expired.credential().await.unwrap();
    assert_eq!(expired.fetches(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_earliest_expiry_wins_and_the_margin_is_at_most_half_the_lifetime() {
    // The response says 1000 s but the JWT says 100 s: 100 s it is.
    let exp = unix_now() + 100;
    let (provider, _) = counting_provider(move |_| {
        Token::new(jwt_expiring_at(exp)).expires_in(Duration::from_secs(1000))
    });
    let provider = provider.refresh_before(Duration::ZERO);
    provider.credential().await.unwrap();
    tokio::time::advance(Duration::from_secs(101)).await;
    provider.credential().await.unwrap();
    assert_eq!(provider.fetches(), 2);

    // A 30 s token with the default 30 s margin is used for 15 s, not refetched every time.
    let (short, _) = counting_provider(|_| Token::new("t").expires_in_secs(30));
    short.credential().await.unwrap();
    tokio::time::advance(Duration::from_secs(14)).await;
    short.credential().await.unwrap();
    assert_eq!(short.fetches(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    short.credential().await.unwrap();
    assert_eq!(short.fetches(), 2);

    // Without any expiry the token is kept (until a 401).
    let (forever, _) = counting_provider(|_| Token::new("t"));
    forever.credential().await.unwrap();
    tokio::time::advance(Duration::from_secs(10 * 365 * 24 * 3600)).await;
    forever.credential().await.unwrap();
    assert_eq!(forever.fetches(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_requests_through_an_expired_provider_fetch_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            // Slow enough that every request is waiting while the fetch runs.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let token = Token::new(format!("tok-{n}"));
            // The first token is born expired; later ones last an hour.
            Ok::<_, std::io::Error>(token.expires_in_secs(if n == 0 { 0 } else { 3600 }))
        }
    });
    let provider = Arc::new(provider);
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth_provider(provider.clone())
        .build()
        .unwrap();

    let first = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    client.execute::<()>(first).await.unwrap();
    assert_eq!(provider.fetches(), 1);

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        tasks.spawn(async move {
            let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
            client.execute::<()>(request).await.map(|r| r.status())
        });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap().as_u16(), 200);
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "one fetch for twenty requests"
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 21);
    assert_eq!(received[0].headers["authorization"], "Bearer tok-0");
    for request in &received[1..] {
        assert_eq!(request.headers["authorization"], "Bearer tok-1");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_fetch_is_shared_by_its_waiters_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Err::<Token, _>(std::io::Error::other("login refused"))
        }
    });
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth_provider(provider)
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let client = client.clone();
        tasks.spawn(async move {
            let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
            client.execute::<()>(request).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        let error = result.unwrap().unwrap_err();
        assert!(matches!(error, Error::Credential(_)), "{error:?}");
        assert!(error.to_string().contains("login refused"), "{error}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_dropped_fetch_leaves_the_provider_usable() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Ok::<_, std::io::Error>(Token::new(format!("t{n}")))
        }
    });
    let stuck = tokio::time::timeout(Duration::from_millis(50), provider.credential()).await;
    assert!(stuck.is_err(), "the first fetch never finishes");
    assert_eq!(bearer_of(&provider).await, "t1");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

async fn unauthorized_unless(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/thing"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_401_refetches_the_token_and_retries_once() {
    let server = MockServer::start().await;
    unauthorized_unless(&server, "new").await;
    let (provider, calls) = counting_provider(|n| Token::new(if n == 0 { "old" } else { "new" }));
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth_provider(provider)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].headers["authorization"], "Bearer old");
    assert_eq!(received[1].headers["authorization"], "Bearer new");

    // The fresh token is cached: the next request sends it without a fetch.
    let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    client.execute::<()>(request).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_rather_than_retried_again() {
    let server = MockServer::start().await;
    unauthorized_unless(&server, "never-issued").await;
    let (provider, calls) = counting_provider(|n| Token::new(format!("t{n}")));
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth_provider(provider)
        .build()
        .unwrap();
    let request = Request::new(Method::POST, "/thing".into(), BEARER_ONLY);
    // POST, too: a 401 means the server refused the credential, not the operation.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_fixed_credential_is_not_retried_on_401() {
    let server = MockServer::start().await;
    unauthorized_unless(&server, "never-issued").await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth(Auth::bearer("fixed"))
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn each_scheme_gets_its_own_provider() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let (bearer, _) = counting_provider(|_| Token::new("jwt-1"));
    let (key, _) = counting_provider(|_| Token::new("key-1"));
    let key = key.as_api_key();
    assert_eq!(key.kind(), AuthKind::ApiKey);
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        // A default that fits neither scheme's override is never used for them.
        .auth(Auth::bearer("default-token"))
        .scheme_auth_provider("bearerAuth", bearer)
        .scheme_auth_provider("apiKey", key)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/both".into(), BOTH);
    client.execute::<()>(request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["authorization"], "Bearer jwt-1");
    assert_eq!(received[0].headers["x-api-key"], "key-1");
}

#[derive(Debug)]
struct WrongKind;

impl CredentialProvider for WrongKind {
    fn kind(&self) -> AuthKind {
        AuthKind::Bearer
    }

    fn credential(
        &self,
    ) -> apiforge_runtime::BoxFuture<'_, Result<Auth, apiforge_runtime::CredentialError>> {
        Box::pin(async { Ok(Auth::basic("user", "pw")) })
    }
}

#[tokio::test]
async fn a_provider_that_breaks_its_word_is_an_error_not_a_misplaced_credential() {
    let server = MockServer::start().await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth_provider(WrongKind)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(matches!(error, Error::Credential(_)), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_401_from_another_origin_does_not_throw_the_token_away() {
    let origin = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/login", elsewhere.uri()).as_str()),
        )
        .mount(&origin)
        .await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&elsewhere)
        .await;
    let (provider, calls) = counting_provider(|n| Token::new(format!("t{n}")));
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(origin.uri())
        .auth_provider(provider)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), BEARER_ONLY);
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the token was not refetched"
    );
    assert_eq!(origin.received_requests().await.unwrap().len(), 1);
    assert_eq!(elsewhere.received_requests().await.unwrap().len(), 1);
}

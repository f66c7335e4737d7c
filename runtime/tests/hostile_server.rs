//! When the server, or the network, is the attacker: secrets stay with their origin and out of
//! every message, nothing a spec or a server says makes the runtime panic, and the defaults
//! bound what a silent or bottomless server can cost. All over loopback: wiremock, or a raw
//! `TcpListener` for servers that never answer or never stop.

use std::error::Error as _;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use apiforge_runtime::{
    ApiKeyLocation, Auth, BodyEncoding, BuildError, Client, ClientBuilder, Error, Method,
    QueryStyle, Request, SchemeKind, SecurityScheme, Token, TokenProvider, Upload,
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
const COOKIE_KEY: SecurityScheme = SecurityScheme {
    name: "cookieKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "session",
    },
};

fn builder(base_url: &str) -> ClientBuilder<Client> {
    ClientBuilder::<Client>::new(None, "ua").base_url(base_url)
}

/// Every message an error gives: `Display`, `Debug`, and its sources'.
fn everything_printed<E: std::fmt::Debug>(error: &Error<E>) -> String {
    let mut printed = format!("{error}\n{error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        printed.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    printed
}

// ---------------------------------------------------------------------------------------------
// Redirects to another origin.

const HEADER_SECRET: &str = "header-secret";
const QUERY_SECRET: &str = "query-secret";
const BODY_SECRET: &str = "body-secret";

/// The origin answers `/start` with `status`, pointing at `elsewhere` with the query copied
/// (as servers that redirect often do); `elsewhere` answers anything with `200`.
async fn redirecting(status: u16) -> (MockServer, MockServer) {
    let origin = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let location = format!(
        "{}/landing?access_token={QUERY_SECRET}&page=2",
        elsewhere.uri()
    );
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", location.as_str()))
        .mount(&origin)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_string("landed"))
        .mount(&elsewhere)
        .await;
    (origin, elsewhere)
}

/// A request carrying a secret header parameter, a secret query parameter, a cookie and, for a
/// `POST`, a JSON body with a password.
fn secret_request(method: Method) -> Request {
    let with_body = method == Method::POST;
    let mut request = Request::new(method, "/start".into(), &[]);
    request.header("X-Auth-Token", HEADER_SECRET);
    request.header("X-Trace", "trace-1");
    request.query(
        "access_token",
        QUERY_SECRET,
        QueryStyle::Form { explode: true },
    );
    request.query("page", &2, QueryStyle::Form { explode: true });
    request.cookie("theme", "dark");
    if with_body {
        let body = serde_json::json!({"username": "alice", "password": BODY_SECRET});
        request.body(&body, BodyEncoding::Json);
    }
    request
}

/// Asserts that the one request `elsewhere` received carries none of the secrets of
/// [`secret_request`] in its headers or query, and returns it.
async fn landed_without_secrets(elsewhere: &MockServer) -> wiremock::Request {
    let landed = elsewhere.received_requests().await.unwrap();
    assert_eq!(landed.len(), 1, "{landed:?}");
    let landed = landed.into_iter().next().unwrap();
    for name in ["x-auth-token", "cookie", "authorization"] {
        assert!(
            landed.headers.get(name).is_none(),
            "{name} reached the other origin"
        );
    }
    assert_eq!(landed.url.query(), Some("page=2"), "{}", landed.url);
    assert_eq!(landed.headers["x-trace"], "trace-1");
    let everything = format!("{:?} {}", landed.headers, landed.url);
    for secret in [HEADER_SECRET, QUERY_SECRET] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
    landed
}

#[tokio::test]
async fn a_cross_origin_redirect_leaves_secret_headers_query_parameters_and_cookies_behind() {
    for status in [301, 302, 303, 307, 308] {
        let (origin, elsewhere) = redirecting(status).await;
        let client = builder(&origin.uri()).build().unwrap();
        let response = client
            .execute::<()>(secret_request(Method::GET))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "after {status}");
        assert_eq!(response.body().as_ref(), b"landed");

        // The origin got everything it was meant to.
        let first = &origin.received_requests().await.unwrap()[0];
        assert_eq!(first.headers["x-auth-token"], HEADER_SECRET);
        assert_eq!(first.headers["cookie"], "theme=dark");
        assert!(first.url.query().unwrap().contains(QUERY_SECRET));

        let landed = landed_without_secrets(&elsewhere).await;
        assert_eq!(landed.method.as_str(), "GET");
    }
}

#[tokio::test]
async fn a_cross_origin_302_after_a_post_lands_as_a_get_without_the_body() {
    let (origin, elsewhere) = redirecting(302).await;
    let client = builder(&origin.uri()).build().unwrap();
    let response = client
        .execute::<()>(secret_request(Method::POST))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let landed = landed_without_secrets(&elsewhere).await;
    assert_eq!(landed.method.as_str(), "GET");
    assert!(landed.body.is_empty());
}

#[tokio::test]
async fn a_cross_origin_307_or_308_that_would_resend_the_body_comes_back_unfollowed() {
    for status in [307, 308] {
        let (origin, elsewhere) = redirecting(status).await;
        let client = builder(&origin.uri()).build().unwrap();
        let response = client
            .execute::<()>(secret_request(Method::POST))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert!(response.headers().contains_key("location"));
        // As generated code maps a status it does not expect.
        let error: Error = response.unexpected();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let printed = everything_printed(&error);
        assert!(!printed.contains(QUERY_SECRET), "{printed}");

        let sent = origin.received_requests().await.unwrap();
        assert_eq!(sent.len(), 1);
        assert!(String::from_utf8_lossy(&sent[0].body).contains(BODY_SECRET));
        assert!(
            elsewhere.received_requests().await.unwrap().is_empty(),
            "the other origin was sent something after a {status}"
        );
    }
}

#[tokio::test]
async fn with_the_opt_in_the_body_follows_a_307_or_308_but_secrets_still_do_not() {
    for status in [307, 308] {
        let (origin, elsewhere) = redirecting(status).await;
        let client = builder(&origin.uri())
            .resend_body_across_origins(true)
            .build()
            .unwrap();
        let response = client
            .execute::<()>(secret_request(Method::POST))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "after {status}");
        let landed = landed_without_secrets(&elsewhere).await;
        assert_eq!(landed.method.as_str(), "POST");
        let body: serde_json::Value = serde_json::from_slice(&landed.body).unwrap();
        assert_eq!(body["password"], BODY_SECRET);
    }
}

#[tokio::test]
async fn a_same_origin_307_still_resends_the_body_and_every_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved?page=2"))
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let response = client
        .execute::<()>(secret_request(Method::POST))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let moved = &received[1];
    assert_eq!(moved.method.as_str(), "POST");
    assert!(String::from_utf8_lossy(&moved.body).contains(BODY_SECRET));
    assert_eq!(moved.headers["x-auth-token"], HEADER_SECRET);
    assert_eq!(moved.headers["cookie"], "theme=dark");
}

#[tokio::test]
async fn a_same_origin_redirect_keeps_the_query_api_key() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/new"))
        .mount(&server)
        .await;
    // A server that copies the key into its redirect gets it once, not twice.
    Mock::given(path("/copied"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "/new?api_key=query-key&x=1"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .scheme_auth("queryKey", Auth::api_key("query-key"))
        .build()
        .unwrap();
    for start in ["/old", "/copied"] {
        let request = Request::new(Method::GET, start.into(), &[&[&QUERY_KEY]]);
        assert_eq!(client.execute::<()>(request).await.unwrap().status(), 200);
    }
    let received = server.received_requests().await.unwrap();
    let queries: Vec<Option<&str>> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            Some("api_key=query-key"),
            Some("api_key=query-key"),
            Some("api_key=query-key"),
            Some("x=1&api_key=query-key"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Redaction in every message, whatever the body's format.

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Problem {
    code: u32,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Login {
    password: u32,
}

#[tokio::test]
async fn error_bodies_in_any_format_are_redacted_in_debug_and_display() {
    let server = MockServer::start().await;
    let bodies: &[(&str, &str, &str, &[&str])] = &[
        (
            "/form",
            "application/x-www-form-urlencoded",
            "error=denied&password=form-secret&access_token=form-token&client_secret=form-key",
            &["form-secret", "form-token", "form-key"],
        ),
        (
            "/xml",
            "application/xml",
            r#"<?xml version="1.0"?><error><message>denied</message><password>xml-secret</password><token kind="bearer">xml-token</token><auth:apiKey xmlns:auth="urn:x"><![CDATA[xml-key]]></auth:apiKey></error>"#,
            &["xml-secret", "xml-token", "xml-key"],
        ),
        (
            "/text",
            "text/plain",
            "denied\ntoken: text-secret\nAuthorization: Bearer text-bearer\nretry at https://bob:text-pw@example.com/cb?access_token=text-token",
            &["text-secret", "text-bearer", "text-pw", "text-token"],
        ),
        (
            "/html",
            "text/html",
            r#"<html><p>denied</p><a href="/cb?state=s&amp;access_token=html-token">x</a><input name=session value=v session="html-session"></html>"#,
            &["html-token", "html-session"],
        ),
        (
            "/truncated",
            "application/json",
            r#"{"message":"denied","user":"alice","refresh_token":"json-token","password":"json-secret-cut-sho"#,
            &["json-token", "json-secret"],
        ),
    ];
    for (route, media_type, body, _) in bodies {
        Mock::given(path(*route))
            .respond_with(
                ResponseTemplate::new(400).set_body_raw(body.as_bytes().to_vec(), media_type),
            )
            .mount(&server)
            .await;
    }
    let client = builder(&server.uri()).build().unwrap();
    for (route, _, _, secrets) in bodies {
        let get = || Request::new(Method::GET, (*route).into(), &[]);
        let unexpected: Error = client.execute::<()>(get()).await.unwrap().unexpected();
        // A declared error status whose body does not decode as the spec says.
        let undecodable = client
            .execute::<()>(get())
            .await
            .unwrap()
            .error_json::<Problem, ()>(|_| ());
        assert!(matches!(undecodable, Error::Decode(_)), "{undecodable:?}");
        let printed = format!(
            "{}\n{}",
            everything_printed(&unexpected),
            everything_printed(&undecodable)
        );
        for secret in *secrets {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("denied"), "{route}: {printed}");
        assert!(printed.contains("<redacted>"), "{route}: {printed}");
    }
}

#[tokio::test]
async fn a_decoder_message_does_not_quote_a_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"password":"decode-secret"}"#))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let request = Request::new(Method::GET, "/login".into(), &[]);
    let error = client
        .execute::<()>(request)
        .await
        .unwrap()
        .json::<Login, ()>()
        .unwrap_err();
    let printed = everything_printed(&error);
    assert!(!printed.contains("decode-secret"), "{printed}");
    assert!(printed.contains("invalid type"), "{printed}");
}

#[tokio::test]
async fn secret_parameters_are_hidden_in_requests_and_transport_errors() {
    let mut request = secret_request(Method::POST);
    request.header("X-Session-Id", "session-secret");
    let printed = format!("{request:?}");
    for secret in [HEADER_SECRET, QUERY_SECRET, BODY_SECRET, "session-secret"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("trace-1"), "{printed}");

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let closed = builder(&format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = closed
        .execute::<()>(secret_request(Method::GET))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let printed = everything_printed(&error);
    assert!(!printed.contains(QUERY_SECRET), "{printed}");
    assert!(printed.contains("page=2"), "{printed}");
}

#[test]
fn a_base_url_is_never_echoed_with_its_user_or_password() {
    for url in [
        "https://alice:url-secret@exa mple.com/v1",
        "ftp://alice:url-secret@files.example.com",
        "alice:url-secret@api.example.com",
        "https://alice:url-secret@api.example.com",
    ] {
        let error = builder(url).build().unwrap_err();
        let printed = format!("{error} {error:?}");
        assert!(
            matches!(error, BuildError::InvalidBaseUrl { .. }),
            "{printed}"
        );
        assert!(!printed.contains("url-secret"), "{printed}");
        assert!(!printed.contains("alice"), "{printed}");
    }
    let error = builder("https://alice:url-secret@exa mple.com/v1")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("https://***@exa mple.com/v1"),
        "{error}"
    );
    let debug = format!(
        "{:?}",
        builder("https://api.example.com/v1?api_key=k-secret")
    );
    assert!(!debug.contains("k-secret"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// No panics on what a spec or a server says.

#[tokio::test]
async fn a_media_type_that_is_not_printable_ascii_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    let client = builder(&server.uri()).build().unwrap();
    let requests: Vec<(&str, Request)> = vec![
        ("accept", {
            let mut request = Request::new(Method::GET, "/x".into(), &[]);
            request.accept("application/jsön");
            request
        }),
        ("accept with a line break", {
            let mut request = Request::new(Method::GET, "/x".into(), &[]);
            request.accept("text/plain\r\nX-Injected: 1");
            request
        }),
        ("text_body", {
            let mut request = Request::new(Method::POST, "/x".into(), &[]);
            request.text_body(Some("hello".into()), "text/plaîn");
            request
        }),
        ("upload_body", {
            let mut request = Request::new(Method::POST, "/x".into(), &[]);
            request.upload_body(Some(Upload::bytes("x")), "image/pñg");
            request
        }),
        ("an upload's own type", {
            let mut request = Request::new(Method::POST, "/x".into(), &[]);
            let upload = Upload::bytes("x").content_type("image/\u{7f}png");
            request.upload_body(Some(upload), "*/*");
            request
        }),
    ];
    for (what, request) in requests {
        let error = client.execute::<()>(request).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{what}: {error:?}"
        );
        assert!(error.to_string().contains("media type"), "{what}: {error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_that_expires_beyond_the_clock_is_kept_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let far = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64 / 2));
    // {"alg":"none"} . {"exp":9000000000000000000} . sig
    let jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjkwMDAwMDAwMDAwMDAwMDAwMDB9.c2ln";
    let tokens: Vec<Box<dyn Fn() -> Token + Send + Sync>> = vec![
        Box::new(|| Token::new("t").expires_in(Duration::from_secs(u64::MAX))),
        Box::new(|| Token::new("t").expires_in(Duration::MAX)),
        Box::new(|| Token::new("t").expires_in_secs(i64::MAX)),
        Box::new(move || match far {
            Some(far) => Token::new("t").expires_at(far),
            None => Token::new("t"),
        }),
        Box::new(move || Token::new(jwt)),
    ];
    for make in tokens {
        let make = Arc::new(make);
        let provider = Arc::new(TokenProvider::new(move || {
            let make = make.clone();
            async move { Ok::<_, std::io::Error>(make()) }
        }));
        let client = builder(&server.uri())
            .auth_provider(provider.clone())
            .build()
            .unwrap();
        for _ in 0..2 {
            let request = Request::new(Method::GET, "/thing".into(), &[&[&BEARER]]);
            assert_eq!(client.execute::<()>(request).await.unwrap().status(), 200);
        }
        assert_eq!(provider.fetches(), 1, "the token was not kept");
    }
}

#[test]
fn a_cookie_credential_that_would_smuggle_in_another_cookie_is_refused_at_build() {
    for hostile in [
        "abc; admin=true",
        "abc,admin=true",
        "abc\r\nX-Injected: 1",
        "a b",
    ] {
        let error = ClientBuilder::<Client>::new(None, "ua")
            .base_url("https://api.example.com")
            .security_schemes(&[&BEARER, &COOKIE_KEY])
            .auth(Auth::api_key(hostile))
            .build()
            .unwrap_err();
        let printed = format!("{error} {error:?}");
        let BuildError::InvalidCredential { scheme, reason } = &error else {
            panic!("expected InvalidCredential, got {printed}");
        };
        assert_eq!(scheme, "cookieKey");
        assert!(reason.contains("cookie `session`"), "{printed}");
        assert!(!printed.contains("admin"), "{printed}");
        assert!(!printed.contains("abc"), "{printed}");
    }
    // A header credential with a line break is refused at build too, once the schemes are known.
    let error = ClientBuilder::<Client>::new(None, "ua")
        .base_url("https://api.example.com")
        .security_schemes(&[&BEARER])
        .auth(Auth::bearer("tok\r\nX-Injected: yes"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, BuildError::InvalidCredential { scheme, .. } if scheme == "bearerAuth"),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("Injected"));
    // A fine cookie credential builds.
    ClientBuilder::<Client>::new(None, "ua")
        .base_url("https://api.example.com")
        .security_schemes(&[&COOKIE_KEY])
        .auth(Auth::api_key("abc-123_XYZ"))
        .build()
        .unwrap();
}

#[tokio::test]
async fn a_cookie_credential_known_only_at_request_time_fails_the_request_unsent() {
    let server = MockServer::start().await;
    let provider =
        TokenProvider::new(|| async { Ok::<_, std::io::Error>(Token::new("abc; admin=true")) })
            .as_api_key();
    let from_provider = builder(&server.uri())
        .auth_provider(provider)
        .build()
        .unwrap();
    // Without the schemes, a fixed credential is checked when it is about to be sent.
    let fixed = builder(&server.uri())
        .auth(Auth::api_key("abc; admin=true"))
        .build()
        .unwrap();
    for client in [from_provider, fixed] {
        let request = Request::new(Method::GET, "/thing".into(), &[&[&COOKIE_KEY]]);
        let error = client.execute::<()>(request).await.unwrap_err();
        assert!(matches!(error, Error::Credential(_)), "{error:?}");
        let printed = everything_printed(&error);
        assert!(!printed.contains("admin"), "{printed}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Safe defaults: timeouts and the size cap.

#[test]
fn timeouts_and_the_size_cap_are_on_by_default_and_can_be_changed_or_switched_off() {
    type Builder = ClientBuilder<Client>;
    assert_eq!(Builder::DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(Builder::DEFAULT_READ_TIMEOUT, Duration::from_secs(30));
    assert_eq!(Builder::DEFAULT_MAX_RESPONSE_BYTES, 16 << 20);

    let default = builder("https://api.example.com").build().unwrap();
    assert_eq!(
        default.connect_timeout(),
        Some(Builder::DEFAULT_CONNECT_TIMEOUT)
    );
    assert_eq!(default.read_timeout(), Some(Builder::DEFAULT_READ_TIMEOUT));
    assert_eq!(default.timeout(), None);
    assert_eq!(
        default.max_response_bytes(),
        Some(Builder::DEFAULT_MAX_RESPONSE_BYTES)
    );
    assert_eq!(default.max_download_bytes(), None);

    let changed = builder("https://api.example.com")
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .max_response_bytes(1024)
        .max_download_bytes(1 << 30)
        .build()
        .unwrap();
    assert_eq!(changed.connect_timeout(), Some(Duration::from_secs(3)));
    assert_eq!(changed.read_timeout(), Some(Duration::from_secs(5)));
    assert_eq!(changed.timeout(), Some(Duration::from_secs(60)));
    assert_eq!(changed.max_response_bytes(), Some(1024));
    assert_eq!(changed.max_download_bytes(), Some(1 << 30));

    let off = builder("https://api.example.com")
        .connect_timeout(None)
        .read_timeout(None)
        .max_response_bytes(u64::MAX)
        .build()
        .unwrap();
    assert_eq!(off.connect_timeout(), None);
    assert_eq!(off.read_timeout(), None);
    assert_eq!(off.max_response_bytes(), None);
}

/// A server that accepts connections, reads what it is sent, and never answers; it holds each
/// connection until the test process ends.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let held: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = stream.try_clone().unwrap();
            held.lock().unwrap().push(stream);
            std::thread::spawn(move || {
                let mut buffer = [0; 4096];
                while matches!(reader.read(&mut buffer), Ok(n) if n > 0) {}
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_silent_server_is_a_timeout_after_the_read_timeout() {
    let url = silent_server();
    // The default is 30 s (checked above); a shorter one keeps the test quick.
    let client = builder(&url)
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let request = Request::new(Method::GET, "/thing".into(), &[]);
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(20), "no timeout");
}

#[tokio::test]
async fn the_read_timeout_does_not_cut_short_a_request_with_its_own_timeout_or_a_slow_upload() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(600)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .read_timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let plain = Request::new(Method::GET, "/slow".into(), &[]);
    let error = client.execute::<()>(plain).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );

    let mut own_timeout = Request::new(Method::GET, "/slow".into(), &[]);
    own_timeout.timeout(Duration::from_secs(10));
    assert_eq!(
        client.execute::<()>(own_timeout).await.unwrap().status(),
        200
    );

    let mut upload = Request::new(Method::POST, "/slow".into(), &[]);
    let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![Ok(b"abc"), Ok(b"def")];
    upload.upload_body(
        Some(Upload::stream(stream_of(chunks))),
        "application/octet-stream",
    );
    assert_eq!(client.execute::<()>(upload).await.unwrap().status(), 200);
}

/// A stream of `items`, without a stream utility crate.
fn stream_of<T: Unpin>(items: Vec<T>) -> impl futures_core::Stream<Item = T> {
    struct Items<T>(std::collections::VecDeque<T>);
    impl<T: Unpin> futures_core::Stream for Items<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.pop_front())
        }
    }
    Items(items.into())
}

#[tokio::test]
async fn a_body_over_the_default_cap_is_refused_declared_or_not() {
    const CAP: u64 = ClientBuilder::<Client>::DEFAULT_MAX_RESPONSE_BYTES;
    // Declared: refused from its Content-Length, before it is read.
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; CAP as usize + 1]))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let request = Request::new(Method::GET, "/big".into(), &[]);
    let error = client.execute::<()>(request).await.unwrap_err();
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(too_large.limit(), CAP);

    // Undeclared: a chunked body that never ends is cut at the cap.
    let url = bottomless_server();
    let client = builder(&url).build().unwrap();
    let request = Request::new(Method::GET, "/big".into(), &[]);
    let error = client.execute::<()>(request).await.unwrap_err();
    let Error::ResponseTooLarge(too_large) = &error else {
        panic!("expected ResponseTooLarge, got {error:?}");
    };
    assert_eq!(too_large.limit(), CAP);
    assert_eq!(too_large.status().as_u16(), 200);
}

/// A server that answers with a chunked body that goes on until the client hangs up.
fn bottomless_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = Vec::new();
        let mut buffer = [0; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer) {
                Ok(n) if n > 0 => request.extend_from_slice(&buffer[..n]),
                _ => return,
            }
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![b'a'; 64 * 1024];
        let frame = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        while stream.write_all(&frame).is_ok() {}
    });
    format!("http://{address}")
}

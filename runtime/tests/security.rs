//! What keeps credentials safe: redirects to another origin go without them, values that would
//! split a header are refused before sending, path parameters stay one segment, and no `Debug`
//! or `Display` output shows a secret.

use std::error::Error as _;

use apiforge_runtime::{
    ApiKeyLocation, Auth, Client, ClientBuilder, Error, Method, Request, SchemeKind,
    SecurityRequirement, SecurityScheme, Token, TokenProvider, encode_path_segment,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::HttpBearer,
};
const HEADER_KEY: SecurityScheme = SecurityScheme {
    name: "headerKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Header,
        name: "x-api-key",
    },
};
const COOKIE_KEY: SecurityScheme = SecurityScheme {
    name: "cookieKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "session",
    },
};
const QUERY_KEY: SecurityScheme = SecurityScheme {
    name: "queryKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key",
    },
};
const ALL_THREE: &[SecurityRequirement] = &[&[&BEARER, &HEADER_KEY, &COOKIE_KEY]];

fn credentialed(base_url: &str) -> Client {
    ClientBuilder::<Client>::new(None, "ua")
        .base_url(base_url)
        .auth(Auth::bearer("bearer-secret"))
        .scheme_auth("headerKey", Auth::api_key("header-secret"))
        .scheme_auth("cookieKey", Auth::api_key("cookie-secret"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_origin_goes_without_credentials() {
    let origin = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/landing", elsewhere.uri()).as_str()),
        )
        .mount(&origin)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_string("landed"))
        .mount(&elsewhere)
        .await;

    let client = credentialed(&origin.uri());
    let mut request = Request::new(Method::GET, "/start".into(), ALL_THREE);
    request.cookie("theme", &"dark");
    let response = client.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body().as_ref(), b"landed");

    let first = &origin.received_requests().await.unwrap()[0];
    assert_eq!(first.headers["authorization"], "Bearer bearer-secret");
    assert_eq!(first.headers["x-api-key"], "header-secret");
    assert_eq!(first.headers["cookie"], "theme=dark; session=cookie-secret");

    let landed = elsewhere.received_requests().await.unwrap();
    assert_eq!(landed.len(), 1);
    for name in ["authorization", "x-api-key", "cookie"] {
        assert!(
            landed[0].headers.get(name).is_none(),
            "{name} reached the other origin"
        );
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = credentialed(&server.uri());
    let request = Request::new(Method::GET, "/old".into(), ALL_THREE);
    assert_eq!(client.execute::<()>(request).await.unwrap().status(), 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].url.path(), "/new");
    assert_eq!(received[1].headers["authorization"], "Bearer bearer-secret");
}

#[tokio::test]
async fn redirects_keep_or_drop_the_body_as_their_status_says() {
    let server = MockServer::start().await;
    Mock::given(path("/keep"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/target"))
        .mount(&server)
        .await;
    Mock::given(path("/see-other"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/target"))
        .mount(&server)
        .await;
    Mock::given(path("/target"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = credentialed(&server.uri());
    for start in ["/keep", "/see-other"] {
        let mut request = Request::new(Method::POST, start.into(), &[]);
        request.body(
            &serde_json::json!({"a": 1}),
            apiforge_runtime::BodyEncoding::Json,
        );
        client.execute::<()>(request).await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    let targets: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() == "/target")
        .collect();
    assert_eq!(targets[0].method.as_str(), "POST");
    assert_eq!(targets[0].body, br#"{"a":1}"#);
    assert_eq!(targets[1].method.as_str(), "GET");
    assert!(targets[1].body.is_empty());

    let no_follow = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .max_redirects(0)
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/keep".into(), &[]);
    let response = no_follow.execute::<()>(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 307);
}

#[tokio::test]
async fn a_credential_that_would_split_a_header_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .auth(Auth::bearer("tok\r\nX-Injected: yes"))
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "/thing".into(), &[&[&BEARER]]);
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(!error.to_string().contains("tok"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());

    // A header parameter is refused the same way, and the first refusal is the one told.
    let mut request = Request::new(Method::GET, "/thing".into(), &[]);
    request.header("x-note", "a\nb");
    request.cookie("bad name", "v");
    let error = client.execute::<()>(request).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("`x-note`"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_path_parameter_cannot_climb_out_of_its_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    for refused in ["..", ".", ""] {
        assert!(encode_path_segment("uid", refused).is_err(), "{refused:?}");
    }
    for hostile in ["../admin", "a/../../b", "x?y#z", "..."] {
        let path = format!("/jwt/{}", encode_path_segment("uid", hostile).unwrap());
        let request = Request::new(Method::DELETE, path, &[]);
        client.execute::<()>(request).await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    let paths: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/api/jwt/..%2Fadmin",
            "/api/jwt/a%2F..%2F..%2Fb",
            "/api/jwt/x%3Fy%23z",
            "/api/jwt/...",
        ]
    );
    assert!(received.iter().all(|r| r.url.query().is_none()));
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

#[tokio::test]
async fn errors_never_show_credentials() {
    // A response that sets a cookie and returns a token in its body.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(418)
                .insert_header("set-cookie", "sid=cookie-secret; HttpOnly")
                .set_body_string(
                    r#"{"message":"teapot","access_token":"body-secret","id_token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln"}"#,
                ),
        )
        .mount(&server)
        .await;
    let client = credentialed(&server.uri());
    let request = Request::new(Method::GET, "/thing".into(), ALL_THREE);
    let response = client.execute::<()>(request).await.unwrap();
    let error: Error = response.unexpected();
    let printed = everything_printed(&error);
    for secret in [
        "cookie-secret",
        "body-secret",
        "eyJzdWIiOiIxIn0",
        "bearer-secret",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("teapot"), "{printed}");
    assert!(printed.contains("set-cookie"), "{printed}");

    // The typed success response hides Set-Cookie too.
    let request = Request::new(Method::GET, "/thing".into(), ALL_THREE);
    let response = client.execute::<()>(request).await.unwrap();
    let typed = response.json::<serde_json::Value, ()>().unwrap();
    assert!(!format!("{typed:?}").contains("cookie-secret"));

    // A transport error names the URL, but not the key in its query.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let closed = ClientBuilder::<Client>::new(None, "ua")
        .base_url(format!("http://127.0.0.1:{port}"))
        .scheme_auth("queryKey", Auth::api_key("query-secret"))
        .build()
        .unwrap();
    let mut request = Request::new(Method::GET, "/thing".into(), &[&[&QUERY_KEY]]);
    request.query(
        "page",
        &2,
        apiforge_runtime::QueryStyle::Form { explode: true },
    );
    let error = closed.execute::<()>(request).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let printed = everything_printed(&error);
    assert!(!printed.contains("query-secret"), "{printed}");
    assert!(printed.contains("page=2"), "{printed}");
}

#[tokio::test]
async fn clients_builders_and_credentials_print_no_secrets() {
    let provider = TokenProvider::new(|| async {
        Ok::<_, std::io::Error>(Token::new("provider-secret").expires_in_secs(60))
    });
    // Fetch once so that the provider holds the token while it is printed.
    apiforge_runtime::CredentialProvider::credential(&provider)
        .await
        .unwrap();
    let builder = ClientBuilder::<Client>::new(Some("https://api.example.com"), "ua")
        .auth(Auth::basic("alice", "basic-secret"))
        .scheme_auth("headerKey", Auth::api_key("key-secret"))
        .scheme_auth_provider("bearerAuth", provider);
    let builder_printed = format!("{builder:?}");
    let client = builder.build().unwrap();
    let token = Token::new("token-secret");
    let mut request = Request::new(Method::POST, "/login".into(), &[]);
    request.body(
        &serde_json::json!({"username": "alice", "password": "form-secret"}),
        apiforge_runtime::BodyEncoding::FormUrlEncoded,
    );
    request.header("x-api-key", "param-secret");
    let mut form = apiforge_runtime::Form::new();
    form.field("password", "multipart-secret").unwrap();
    let printed = format!(
        "{builder_printed}\n{client:?}\n{token:?}\n{request:?}\n{form:?}\n{}",
        token.value(),
    );
    for secret in [
        "basic-secret",
        "key-secret",
        "provider-secret",
        "token-secret",
        "form-secret",
        "param-secret",
        "multipart-secret",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    // Redaction hides values, not the shape of the configuration.
    for shown in [
        "alice",
        "TokenProvider",
        "headerKey",
        "api.example.com",
        "/login",
    ] {
        assert!(printed.contains(shown), "{shown} missing from {printed}");
    }
}

#[test]
fn a_base_url_carrying_a_password_is_refused_without_printing_it() {
    let error = ClientBuilder::<Client>::new(None, "ua")
        .base_url("https://alice:url-secret@api.example.com/v1")
        .build()
        .unwrap_err();
    let printed = format!("{error} {error:?}");
    assert!(
        matches!(error, apiforge_runtime::BuildError::InvalidBaseUrl { .. }),
        "{printed}"
    );
    assert!(!printed.contains("url-secret"), "{printed}");
    assert!(printed.contains("api.example.com"), "{printed}");
}

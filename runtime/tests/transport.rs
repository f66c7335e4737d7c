//! The runtime over real HTTP (wiremock on loopback): where each kind of credential goes, what
//! the builder configures, and what is refused before anything is sent.

use std::time::Duration;

use apiforge_runtime::{
    ApiKeyLocation, Auth, BuildError, Client, ClientBuilder, Error, Method, QueryStyle, Request,
    SchemeKind, SecurityRequirement, SecurityScheme,
};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
const BASIC: SecurityScheme = SecurityScheme {
    name: "basic",
    kind: SchemeKind::HttpBasic,
};

fn client(server: &MockServer, auth: Option<(&str, Auth)>) -> Client {
    let builder = ClientBuilder::<Client>::new(None, "apiforge-test/1").base_url(server.uri());
    let builder = match auth {
        Some((scheme, auth)) => builder.scheme_auth(scheme, auth),
        None => builder,
    };
    builder.build().expect("client")
}

async fn get(client: &Client, security: &'static [SecurityRequirement]) -> Result<u16, Error> {
    let request = Request::new(Method::GET, "/thing".to_owned(), security);
    let response = client.execute::<std::convert::Infallible>(request).await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn each_credential_goes_where_its_scheme_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let query = client(&server, Some(("queryKey", Auth::api_key("k&1"))));
    assert_eq!(get(&query, &[&[&QUERY_KEY]]).await.unwrap(), 200);
    let cookie = client(&server, Some(("cookieKey", Auth::api_key("c1"))));
    assert_eq!(get(&cookie, &[&[&COOKIE_KEY]]).await.unwrap(), 200);
    let basic = client(&server, Some(("basic", Auth::basic("alice", "hunter2"))));
    assert_eq!(get(&basic, &[&[&BASIC]]).await.unwrap(), 200);
    // A credential the operation does not ask for is never sent.
    assert_eq!(get(&basic, &[]).await.unwrap(), 200);

    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 4);
    assert_eq!(received[0].url.query(), Some("api_key=k%261"));
    assert_eq!(received[1].headers["cookie"], "session=c1");
    assert_eq!(
        received[2].headers["authorization"],
        "Basic YWxpY2U6aHVudGVyMg=="
    );
    assert!(received[3].headers.get("authorization").is_none());
    for request in &received {
        assert_eq!(request.headers["user-agent"], "apiforge-test/1");
    }
}

#[tokio::test]
async fn parameters_and_query_styles_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .and(query_param("ids", "1,2"))
        .and(header("x-when", "2021-07-30T21:00:00Z"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server, None);
    let mut request = Request::new(Method::GET, "/thing".to_owned(), &[]);
    request.query("ids", &[1, 2], QueryStyle::Form { explode: false });
    request.query(
        "absent",
        &None::<String>,
        QueryStyle::Form { explode: true },
    );
    let when = chrono::DateTime::parse_from_rfc3339("2021-07-30T21:00:00Z")
        .unwrap()
        .to_utc();
    request.header("x-when", &when);
    request.cookie("theme", &"dark");
    let response = client
        .execute::<std::convert::Infallible>(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received[0].url.query(), Some("ids=1%2C2"));
    assert_eq!(received[0].headers["cookie"], "theme=dark");
}

#[test]
fn values_that_would_split_a_header_are_refused_before_sending() {
    // The request keeps why it cannot be sent (its `Debug` shows it); sending it fails with
    // that before anything goes out (`security.rs` checks that part).
    let mut request = Request::new(Method::GET, "/".to_owned(), &[]);
    request.header("x-note", "a\r\nInjected: yes");
    let shown = format!("{request:?}");
    assert!(shown.contains("header `x-note`"), "{shown}");
    assert!(!shown.contains("Injected"), "{shown}");
    let mut request = Request::new(Method::GET, "/".to_owned(), &[]);
    request.cookie("c", "a; other=b");
    let shown = format!("{request:?}");
    assert!(shown.contains("cookie `c`"), "{shown}");
}

#[test]
fn base_urls_must_be_http_and_present() {
    let missing = ClientBuilder::<Client>::new(None, "ua")
        .build()
        .unwrap_err();
    assert!(matches!(missing, BuildError::MissingBaseUrl), "{missing}");
    let file = ClientBuilder::<Client>::new(None, "ua")
        .base_url("file:///etc")
        .build()
        .unwrap_err();
    assert!(matches!(file, BuildError::InvalidBaseUrl { .. }), "{file}");
    let ok = ClientBuilder::<Client>::new(Some("https://api.example.com/v1/"), "ua")
        .build()
        .unwrap();
    assert_eq!(ok.base_url(), "https://api.example.com/v1");
}

#[tokio::test]
async fn a_slow_server_is_a_transport_error_after_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = ClientBuilder::<Client>::new(None, "ua")
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = get(&client, &[]).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
}

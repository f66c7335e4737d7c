//! Lumminary: `POST /auth/jwt` with a form body (url-encoded by default, or multipart); the
//! login as a token provider; the blocking calls.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apiforge_runtime::{Error, SecurityRequirement, Token, TokenProvider};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::{
    assert_no_auth, assert_target, authorizations, header, jwt, lumminary_client, mount,
    multipart_fields, only_request, pairs, protected_get, requests, runtime_client, sequence,
    start,
};

fn token_response() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-request-id", "lum-1")
        .set_body_json(serde_json::json!({"access_token": "jwt-lumminary"}))
}

#[tokio::test]
async fn post_jwt_auth_sends_an_exact_urlencoded_form() {
    let server = start().await;
    mount(&server, "POST", "/auth/jwt", token_response()).await;
    let client = lumminary_client(&server);

    let result = client
        .post_jwt_auth("user@example.com", "a b&c", "role_product")
        .x_fields("access_token")
        .two_fa_token("123 456")
        .send_with_info()
        .await;
    let minimal = client.post_jwt_auth("u", "p", "r").send().await;

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    for request in &sent {
        assert_target(request, "POST", "/auth/jwt");
        assert_no_auth(request);
        assert_eq!(header(request, "accept"), Some("application/json"));
        assert_eq!(
            header(request, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
    assert_eq!(header(&sent[0], "x-fields"), Some("access_token"));
    assert_eq!(
        std::str::from_utf8(&sent[0].body).unwrap(),
        "username=user%40example.com&password=a+b%26c&role=role_product&2FA-token=123+456"
    );
    // Optional parameters that were not set are not sent at all.
    assert_eq!(header(&sent[1], "x-fields"), None);
    assert_eq!(
        std::str::from_utf8(&sent[1].body).unwrap(),
        "username=u&password=p&role=r"
    );

    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "lum-1",
        "send_with_info exposes the response headers"
    );
    assert_eq!(response.body().access_token, "jwt-lumminary");
    assert_eq!(minimal.expect("200 decodes").access_token, "jwt-lumminary");
    // The token is a secret: Debug hides it.
    let printed = format!("{:?}", response.body());
    assert!(!printed.contains("jwt-lumminary"), "{printed}");
}

#[tokio::test]
async fn post_jwt_auth_multipart_sends_named_parts() {
    let server = start().await;
    mount(&server, "POST", "/auth/jwt", token_response()).await;

    let result = lumminary_client(&server)
        .post_jwt_auth("user@example.com", "a b&c", "role_product")
        .two_fa_token("654321")
        .multipart()
        .send()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/auth/jwt");
    assert_no_auth(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "x-fields"), None);
    assert!(
        header(&request, "content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary="),
        "{:?}",
        header(&request, "content-type")
    );
    assert_eq!(
        multipart_fields(&request),
        pairs(&[
            ("username", "user@example.com"),
            ("password", "a b&c"),
            ("role", "role_product"),
            ("2FA-token", "654321"),
        ])
    );
    assert_eq!(result.expect("200 decodes").access_token, "jwt-lumminary");
}

#[tokio::test]
async fn post_jwt_auth_undeclared_status_is_unexpected_response() {
    // The spec declares only 200, so even a 401 is not a typed error.
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/jwt",
        ResponseTemplate::new(401)
            .insert_header("www-authenticate", "Bearer")
            .set_body_string("bad credentials"),
    )
    .await;

    let error = lumminary_client(&server)
        .post_jwt_auth("u", "p", "r")
        .send()
        .await
        .expect_err("401 is an error");

    let Error::UnexpectedResponse(response) = &error else {
        panic!("expected UnexpectedResponse, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response.headers().get("www-authenticate").unwrap(),
        "Bearer"
    );
    assert_eq!(response.body().as_ref(), b"bad credentials");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
}

/// Who may call the rest of the Lumminary API (which the seed spec leaves out): the bearer
/// scheme, as the generated crate declares it.
const PROTECTED: &[SecurityRequirement] = &[&[&lumminary::security::BEARER]];

#[tokio::test]
async fn flow_password_login_is_repeated_when_the_jwt_expires() {
    // Lumminary's JWT lasts 30 s and there is no refresh token: the provider logs in again
    // shortly before it expires. Here the JWT's `exp` claim says 2 s.
    let server = start().await;
    let issued = Arc::new(Mutex::new(Vec::new()));
    let issued_by_server = issued.clone();
    Mock::given(method("POST"))
        .and(path("/auth/jwt"))
        .respond_with(sequence(move |n, _| {
            let token = jwt(&format!("login-{n}"), 2);
            issued_by_server.lock().unwrap().push(token.clone());
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": token}))
        }))
        .expect(2)
        .mount(&server)
        .await;
    mount(&server, "GET", "/products", ResponseTemplate::new(200)).await;

    let login = lumminary::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("login client");
    let provider = Arc::new(TokenProvider::new(move || {
        let login = login.clone();
        async move {
            login
                .post_jwt_auth("me@example.com", "secret", "role_product")
                .send()
                .await
                .map(|response| Token::new(response.access_token))
        }
    }));
    let client = runtime_client(&server, provider.clone());

    // Three calls at once share one login.
    let (a, b, c) = tokio::join!(
        protected_get(&client, "/products", PROTECTED),
        protected_get(&client, "/products", PROTECTED),
        protected_get(&client, "/products", PROTECTED),
    );
    assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()), (200, 200, 200));
    assert_eq!(provider.fetches(), 1);
    // Still fresh: no second login.
    assert_eq!(
        protected_get(&client, "/products", PROTECTED)
            .await
            .unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 1);
    // Past half its lifetime (at most 1 s of the 1 to 2 s left) the token is due.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        protected_get(&client, "/products", PROTECTED)
            .await
            .unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 2);

    let issued = issued.lock().unwrap().clone();
    let bearer = |token: &String| Some(format!("Bearer {token}"));
    assert_eq!(
        authorizations(&server, "/products").await,
        [
            bearer(&issued[0]),
            bearer(&issued[0]),
            bearer(&issued[0]),
            bearer(&issued[0]),
            bearer(&issued[1]),
        ]
    );
    for request in requests(&server)
        .await
        .iter()
        .filter(|r| r.url.path() == "/auth/jwt")
    {
        assert_no_auth(request);
        assert_eq!(
            std::str::from_utf8(&request.body).unwrap(),
            "username=me%40example.com&password=secret&role=role_product"
        );
    }
}

#[test]
fn send_blocking_calls_from_synchronous_code() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the mock server");
    let server = runtime.block_on(async {
        let server = start().await;
        mount(&server, "POST", "/auth/jwt", token_response()).await;
        server
    });
    let client = lumminary_client(&server);

    let token = client
        .post_jwt_auth("u", "p", "r")
        .send_blocking()
        .expect("200 decodes");
    let info = client
        .post_jwt_auth("u", "p", "r")
        .send_with_info_blocking()
        .expect("200 decodes");

    assert_eq!(token.access_token, "jwt-lumminary");
    assert_eq!(info.status().as_u16(), 200);
    assert_eq!(info.headers().get("x-request-id").unwrap(), "lum-1");
    let sent = runtime.block_on(requests(&server));
    assert_eq!(sent.len(), 2);
    runtime.block_on(async move { drop(server) });
}

#[tokio::test]
async fn send_blocking_refuses_to_block_a_current_thread_runtime() {
    let server = start().await;
    mount(&server, "POST", "/auth/jwt", token_response()).await;

    let error = lumminary_client(&server)
        .post_jwt_auth("u", "p", "r")
        .send_blocking()
        .expect_err("would deadlock");

    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(error.to_string().contains("current-thread"), "{error}");
    assert!(requests(&server).await.is_empty(), "nothing is sent");
}

#[tokio::test]
async fn with_unknown_properties_dropped_undeclared_members_are_not_kept() {
    let server = start().await;
    let body = serde_json::json!({"access_token": "jwt-lumminary", "expires_in": 3600});
    mount(
        &server,
        "POST",
        "/auth/jwt",
        ResponseTemplate::new(200).set_body_json(body),
    )
    .await;

    let token = lumminary_client(&server)
        .post_jwt_auth("u", "p", "r")
        .send()
        .await
        .expect("200 decodes");
    // apiforge.toml says `unknown-properties = "drop"` for this API: the struct has its
    // declared field only, and encoding gives that field alone.
    assert_eq!(
        serde_json::to_value(&token).unwrap(),
        serde_json::json!({"access_token": "jwt-lumminary"})
    );
}

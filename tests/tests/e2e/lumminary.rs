//! Lumminary: `POST /auth/jwt` with a form body (url-encoded by default, or multipart).

use apiforge_runtime::Error;
use wiremock::ResponseTemplate;

use crate::{
    assert_no_auth, assert_target, header, lumminary_client, mount, multipart_fields, only_request,
    pairs, requests, start,
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

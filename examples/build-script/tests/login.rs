//! The client a build script generated works like a generated crate's.

use apiforge_example_build_script::yat;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_build_script_client_logs_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(body_json(
            serde_json::json!({"email": "me@example.com", "password": "pw"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "access",
            "refresh_token": "refresh",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = yat::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let tokens = client
        .auth_token_post(yat::types::LoginRequest::new("me@example.com", "pw"))
        .send()
        .await
        .expect("200 decodes");
    assert_eq!(tokens.access_token, "access");
    assert_eq!(tokens.refresh_token, "refresh");
}

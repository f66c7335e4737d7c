//! Yat: four `POST /auth/...` operations with JSON bodies, answered under `*/*`, with
//! description-only error statuses.

use apiforge_runtime::Error;
use serde_json::json;
use uuid::Uuid;
use wiremock::ResponseTemplate;
use yat::operations::user_authentication::AuthTokenPostError;
use yat::types::{Confirm2Fa, LoginRequest, MagicLinkLoginRequest, RefreshRequest};

use crate::{
    assert_no_auth, assert_target, header, json_body, mount, only_request, start, yat_client,
};

/// Checks what every Yat operation sends besides its body.
fn assert_yat_request(request: &wiremock::Request, route: &str) {
    assert_target(request, "POST", route);
    assert_no_auth(request);
    assert_eq!(header(request, "accept"), Some("*/*"));
}

#[tokio::test]
async fn auth2fa_post_confirms_the_code() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/2fa",
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "acc-2fa",
            "refresh_token": "ref-2fa",
            "requires_2fa": "GoogleAuthenticator",
        })),
    )
    .await;

    let result = yat_client(&server)
        .auth2fa_post(Confirm2Fa {
            code: "123456".to_owned(),
            refresh_token: "refresh-secret".to_owned(),
        })
        .send()
        .await;

    let request = only_request(&server).await;
    assert_yat_request(&request, "/auth/2fa");
    assert_eq!(
        json_body(&request),
        json!({"code": "123456", "refresh_token": "refresh-secret"})
    );
    let tokens = result.expect("200 decodes");
    assert_eq!(tokens.access_token, "acc-2fa");
    assert_eq!(tokens.refresh_token, "ref-2fa");
    assert_eq!(tokens.requires_2fa, Some(json!("GoogleAuthenticator")));
}

#[tokio::test]
async fn auth_magic_link_post_sends_the_hyphenated_field_and_uuid() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/magic_link",
        ResponseTemplate::new(200).set_body_json(json!({"message": "Magic link sent"})),
    )
    .await;
    let user_id = Uuid::parse_str("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();

    let result = yat_client(&server)
        .auth_magic_link_post(MagicLinkLoginRequest {
            email: Some("user@example.com".to_owned()),
            g_recaptcha_response: Some("captcha-answer".to_owned()),
            user_id: Some(user_id),
        })
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_yat_request(&request, "/auth/magic_link");
    assert_eq!(
        json_body(&request),
        json!({
            "email": "user@example.com",
            "g-recaptcha-response": "captcha-answer",
            "user_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        })
    );
    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body().message, "Magic link sent");
}

#[tokio::test]
async fn auth_token_post_logs_in_and_keeps_requires_2fa_untyped() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/token",
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "acc-login",
            "refresh_token": "ref-login",
            "requires_2fa": {"method": "totp", "enabled": true},
        })),
    )
    .await;
    let body = LoginRequest {
        email: "user@example.com".to_owned(),
        g_recaptcha_response: None,
        password: "hunter2-secret".to_owned(),
    };
    let printed = format!("{body:?}");
    assert!(!printed.contains("hunter2-secret"), "{printed}");
    assert!(printed.contains("user@example.com"), "{printed}");

    let result = yat_client(&server).auth_token_post(body).send().await;

    let request = only_request(&server).await;
    assert_yat_request(&request, "/auth/token");
    // The unset optional field is left out, not sent as null.
    assert_eq!(
        json_body(&request),
        json!({"email": "user@example.com", "password": "hunter2-secret"})
    );
    let tokens = result.expect("200 decodes");
    assert_eq!(tokens.access_token, "acc-login");
    assert_eq!(tokens.refresh_token, "ref-login");
    assert_eq!(
        tokens.requires_2fa,
        Some(json!({"method": "totp", "enabled": true}))
    );
    let printed = format!("{tokens:?}");
    assert!(!printed.contains("acc-login"), "{printed}");
    assert!(!printed.contains("ref-login"), "{printed}");
}

#[tokio::test]
async fn auth_token_refresh_post_refreshes_the_tokens() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/token/refresh",
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "yat-1")
            .set_body_json(json!({"access_token": "acc-new", "refresh_token": "ref-new"})),
    )
    .await;

    let result = yat_client(&server)
        .auth_token_refresh_post(RefreshRequest {
            refresh_token: "ref-old".to_owned(),
        })
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_yat_request(&request, "/auth/token/refresh");
    assert_eq!(json_body(&request), json!({"refresh_token": "ref-old"}));
    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("x-request-id").unwrap(), "yat-1");
    assert_eq!(response.body().access_token, "acc-new");
    assert_eq!(response.body().refresh_token, "ref-new");
    assert_eq!(response.body().requires_2fa, None);
}

#[tokio::test]
async fn auth_token_post_422_is_the_unit_error_variant() {
    let server = start().await;
    mount(
        &server,
        "POST",
        "/auth/token",
        ResponseTemplate::new(422)
            .insert_header("x-request-id", "yat-422")
            .set_body_string("Duplicate record"),
    )
    .await;

    let error = yat_client(&server)
        .auth_token_post(LoginRequest {
            email: "user@example.com".to_owned(),
            g_recaptcha_response: Some("captcha".to_owned()),
            password: "pw".to_owned(),
        })
        .send()
        .await
        .expect_err("422 is an error");

    let request = only_request(&server).await;
    assert_eq!(
        json_body(&request),
        json!({"email": "user@example.com", "g-recaptcha-response": "captcha", "password": "pw"})
    );
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.body, AuthTokenPostError::UnprocessableEntity);
    assert_eq!(api.status().as_u16(), 422);
    assert_eq!(api.headers().get("x-request-id").unwrap(), "yat-422");
    assert_eq!(api.raw_body().as_ref(), b"Duplicate record");
}

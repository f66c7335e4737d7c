//! Yat: four `POST /auth/...` operations with JSON bodies, answered under `*/*`, with
//! description-only error statuses; login, 2FA and refresh as a token provider.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use apiforge_runtime::{Error, SecurityRequirement, Token, TokenProvider};
use serde_json::json;
use uuid::Uuid;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use yat::operations::user_authentication::AuthTokenPostError;
use yat::types::{Confirm2Fa, LoginRequest, MagicLinkLoginRequest, RefreshRequest};

use crate::{
    assert_no_auth, assert_target, authorizations, header, json_body, jwt, mount, only_request,
    protected_get, runtime_client, start, yat_client,
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
            additional_properties: Default::default(),
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
            additional_properties: Default::default(),
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
        additional_properties: Default::default(),
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
            additional_properties: Default::default(),
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
            additional_properties: Default::default(),
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

/// Who may call the rest of the Yat API (which the seed spec leaves out).
const PROTECTED: &[SecurityRequirement] = &[&[&yat::security::JWT]];

/// Yat's token lifecycle, as a token provider runs it: log in with the password, confirm the
/// second factor when the login says it is required, and from then on trade the refresh token
/// for new tokens.
async fn yat_tokens(
    client: &yat::Client,
    refresh_token: &Mutex<Option<String>>,
) -> Result<Token, apiforge_runtime::BoxError> {
    let held = refresh_token.lock().unwrap().take();
    let tokens = match held {
        Some(refresh_token) => {
            client
                .auth_token_refresh_post(RefreshRequest {
                    refresh_token,
                    additional_properties: Default::default(),
                })
                .send()
                .await?
        }
        None => {
            let login = client
                .auth_token_post(LoginRequest {
                    email: "me@example.com".to_owned(),
                    g_recaptcha_response: None,
                    password: "hunter2".to_owned(),
                    additional_properties: Default::default(),
                })
                .send()
                .await?;
            let requires_2fa = login
                .requires_2fa
                .as_ref()
                .is_some_and(|method| !method.is_null() && *method != json!(""));
            if requires_2fa {
                client
                    .auth2fa_post(Confirm2Fa {
                        code: "123456".to_owned(),
                        refresh_token: login.refresh_token,
                        additional_properties: Default::default(),
                    })
                    .send()
                    .await?
            } else {
                login
            }
        }
    };
    *refresh_token.lock().unwrap() = Some(tokens.refresh_token);
    Ok(Token::new(tokens.access_token))
}

#[tokio::test]
async fn flow_login_confirm_2fa_then_refresh_when_the_jwt_expires() {
    let server = start().await;
    let issued = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(body_json(
            json!({"email": "me@example.com", "password": "hunter2"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "before-2fa",
            "refresh_token": "refresh-login",
            "requires_2fa": "GoogleAuthenticator",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let issued_by_2fa = issued.clone();
    Mock::given(method("POST"))
        .and(path("/auth/2fa"))
        .and(body_json(
            json!({"code": "123456", "refresh_token": "refresh-login"}),
        ))
        .respond_with(move |_: &wiremock::Request| {
            let token = jwt("after-2fa", 2);
            issued_by_2fa.lock().unwrap().push(token.clone());
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": token,
                "refresh_token": "refresh-0",
                "requires_2fa": null,
            }))
        })
        .expect(1)
        .mount(&server)
        .await;
    let issued_by_refresh = issued.clone();
    Mock::given(method("POST"))
        .and(path("/auth/token/refresh"))
        .and(body_json(json!({"refresh_token": "refresh-0"})))
        .respond_with(move |_: &wiremock::Request| {
            let token = jwt("refreshed", 2);
            issued_by_refresh.lock().unwrap().push(token.clone());
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": token,
                "refresh_token": "refresh-1",
            }))
        })
        .expect(1)
        .mount(&server)
        .await;
    mount(&server, "GET", "/account", ResponseTemplate::new(200)).await;

    let login = yat::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("login client");
    let refresh_token = Arc::new(Mutex::new(None));
    let held = refresh_token.clone();
    let provider = Arc::new(TokenProvider::new(move || {
        let login = login.clone();
        let held = held.clone();
        async move { yat_tokens(&login, &held).await }
    }));
    let client = runtime_client(&server, provider.clone());

    assert_eq!(
        protected_get(&client, "/account", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 1, "login and 2FA");
    assert_eq!(
        protected_get(&client, "/account", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        protected_get(&client, "/account", PROTECTED).await.unwrap(),
        200
    );
    assert_eq!(provider.fetches(), 2, "refreshed");
    assert_eq!(refresh_token.lock().unwrap().as_deref(), Some("refresh-1"));

    let issued = issued.lock().unwrap().clone();
    let bearer = |token: &String| Some(format!("Bearer {token}"));
    assert_eq!(
        authorizations(&server, "/account").await,
        [bearer(&issued[0]), bearer(&issued[0]), bearer(&issued[1])],
        "the token from before the second factor is never used"
    );
}

//! NetSapiens: seven JWT operations; `/jwt#1`, `/jwt#2` and `/jwt/{jti}#1` are sent without the
//! suffix; the POSTs need no credential, the GET and DELETEs need the bearer token.

use std::sync::{Arc, Mutex};

use apiforge_runtime::{Auth, Error, Token, TokenProvider};
use netsapiens::operations::authentication_jwt_json_web_token::JwtGetError;
use netsapiens::types::{
    AuthRequest, AuthRequestGrantType, AuthRequestMfa, AuthRequestMfaGrantType,
    AuthRequestMfaNsIdType, DeletegateRequest, ErrorResponse, SuccessResponse,
};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::{
    assert_bearer, assert_no_auth, assert_target, header, json_body, mount, netsapiens_client,
    only_request, requests, sequence, start,
};

fn token_response() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"token": "jwt-ns"}))
}

/// An empty `202` object, as the revoke-by-id operations answer.
fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(202)
        .insert_header("x-request-id", "ns-202")
        .set_body_json(json!({}))
}

#[tokio::test]
async fn jwt_post_sends_the_password_grant_and_no_credential() {
    let server = start().await;
    mount(&server, "POST", "/jwt", token_response()).await;
    let client = netsapiens_client(&server);
    let body = AuthRequest {
        grant_type: AuthRequestGrantType::Password,
        client_id: "client-1".to_owned(),
        client_secret: "client-secret-xyz".to_owned(),
        username: "1000@example".to_owned(),
        password: "s3cret-pass".to_owned(),
        additional_properties: Default::default(),
    };
    let printed = format!("{body:?}");
    assert!(!printed.contains("s3cret-pass"), "{printed}");
    assert!(!printed.contains("client-secret-xyz"), "{printed}");

    let with_body = client.jwt_post().body(body).send().await;
    let without_body = client.jwt_post().send().await;

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    for request in &sent {
        assert_target(request, "POST", "/jwt");
        assert_no_auth(request);
        assert_eq!(header(request, "accept"), Some("application/json"));
    }
    assert_eq!(
        json_body(&sent[0]),
        json!({
            "grant_type": "password",
            "client_id": "client-1",
            "client_secret": "client-secret-xyz",
            "username": "1000@example",
            "password": "s3cret-pass",
        })
    );
    // The body is optional: without `.body(...)` nothing is sent.
    assert!(sent[1].body.is_empty(), "{:?}", sent[1].body);
    assert_eq!(header(&sent[1], "content-type"), None);

    assert_eq!(with_body.expect("200 decodes").token, "jwt-ns");
    assert_eq!(without_body.expect("200 decodes").token, "jwt-ns");
}

#[tokio::test]
async fn jwt1_post_goes_to_jwt_without_the_suffix() {
    let server = start().await;
    mount(&server, "POST", "/jwt", token_response()).await;

    let result = netsapiens_client(&server)
        .jwt1_post()
        .body(DeletegateRequest {
            user: "1000".to_owned(),
            domain: "example.com".to_owned(),
            additional_properties: Default::default(),
        })
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/jwt");
    assert_no_auth(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!({"user": "1000", "domain": "example.com"})
    );
    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body().token, "jwt-ns");
}

#[tokio::test]
async fn jwt2_post_sends_the_mfa_request() {
    let server = start().await;
    mount(&server, "POST", "/jwt", token_response()).await;
    let body = AuthRequestMfa {
        grant_type: AuthRequestMfaGrantType::Mfa,
        client_id: "client-1".to_owned(),
        client_secret: "client-secret-xyz".to_owned(),
        username: "1000@example".to_owned(),
        password: "s3cret-pass".to_owned(),
        mfa_type: "authenticator".to_owned(),
        mfa_vendor: "google".to_owned(),
        ns_id_type: AuthRequestMfaNsIdType::Level1,
        passcode: "371706".to_owned(),
        access_token: "mfa-access-token".to_owned(),
        additional_properties: Default::default(),
    };
    let printed = format!("{body:?}");
    for secret in [
        "s3cret-pass",
        "client-secret-xyz",
        "371706",
        "mfa-access-token",
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }

    let result = netsapiens_client(&server)
        .jwt2_post()
        .body(body)
        .send()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "POST", "/jwt");
    assert_no_auth(&request);
    assert_eq!(
        json_body(&request),
        json!({
            "grant_type": "mfa",
            "client_id": "client-1",
            "client_secret": "client-secret-xyz",
            "username": "1000@example",
            "password": "s3cret-pass",
            "mfa_type": "authenticator",
            "mfa_vendor": "google",
            "ns_id_type": "level1",
            "passcode": "371706",
            "access_token": "mfa-access-token",
        })
    );
    assert_eq!(result.expect("200 decodes").token, "jwt-ns");
}

#[tokio::test]
async fn jwt_get_sends_the_bearer_token_and_decodes_the_jwt() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/jwt",
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "ns-1")
            .set_body_json(json!({
                "aud": "ns",
                "exp": 1699291919,
                "iat": 1699205519,
                "jti": "e197cb3b31898e2ffbc67bf9e274ff086a21d3bc",
                "sub": "1000@apidog.automation",
                "time_out": 86400000,
                "domain": "apidog.automation",
                "user": "1000",
                "user_email": null,
                "user_scope": "Basic User",
                "displayName": "John Doe",
            })),
    )
    .await;

    let result = netsapiens_client(&server).jwt_get().send_with_info().await;

    let request = only_request(&server).await;
    assert_target(&request, "GET", "/jwt");
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert!(request.body.is_empty());

    let response = result.expect("200 decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers().get("x-request-id").unwrap(), "ns-1");
    let jwt = response.into_body();
    assert_eq!(jwt.display_name, "John Doe");
    assert_eq!(jwt.user_email, None);
    assert_eq!(jwt.user_scope, "Basic User");
    assert_eq!(jwt.aud.as_deref(), Some("ns"));
    assert_eq!(jwt.exp, Some(1699291919));
    assert_eq!(jwt.iat, Some(1699205519));
    assert_eq!(jwt.time_out, Some(86400000));
    assert_eq!(jwt.domain.as_deref(), Some("apidog.automation"));
    assert_eq!(jwt.user.as_deref(), Some("1000"));
    assert_eq!(jwt.iss, None);
    assert_eq!(jwt.territory, None);
    assert_eq!(jwt.apiversion, None);
}

#[tokio::test]
async fn revoke_my_jwt_deletes_jwt_with_the_bearer_token() {
    let server = start().await;
    mount(
        &server,
        "DELETE",
        "/jwt",
        ResponseTemplate::new(202).set_body_json(json!({"code": 202, "message": "Accepted"})),
    )
    .await;

    let result = netsapiens_client(&server)
        .revoke_my_jwt()
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "DELETE", "/jwt");
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    let response = result.expect("202 decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(
        response.into_body(),
        SuccessResponse {
            code: 202,
            message: "Accepted".to_owned(),
            additional_properties: Default::default(),
        }
    );
}

#[tokio::test]
async fn revoke_jwt_by_uid_encodes_the_uid_as_one_segment() {
    let server = start().await;
    mount(&server, "DELETE", "/jwt/1000%40example", accepted()).await;

    let result = netsapiens_client(&server)
        .revoke_jwt_by_uid("1000@example")
        .send_with_info()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "DELETE", "/jwt/1000%40example");
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    let response = result.expect("202 decodes");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.headers().get("x-request-id").unwrap(), "ns-202");
    // `{type: object}`: a map, empty here.
    assert!(response.body().is_empty());
}

#[tokio::test]
async fn revoke_jwt_by_jti_encodes_reserved_characters_and_drops_the_suffix() {
    let server = start().await;
    mount(&server, "DELETE", "/jwt/a%2Fb%3Fc%23d", accepted()).await;

    let result = netsapiens_client(&server)
        .revoke_jwt_by_jti("a/b?c#d")
        .send()
        .await;

    let request = only_request(&server).await;
    assert_target(&request, "DELETE", "/jwt/a%2Fb%3Fc%23d");
    assert_bearer(&request);
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert!(result.expect("202 decodes").is_empty());
}

#[tokio::test]
async fn revoke_jwt_by_jti_refuses_a_value_that_would_leave_the_path() {
    let server = start().await;
    for jti in ["..", ".", ""] {
        let error = netsapiens_client(&server)
            .revoke_jwt_by_jti(jti)
            .send()
            .await
            .expect_err("not one path segment");
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{jti:?}: {error:?}"
        );
        assert!(error.to_string().contains("`jti`"), "{error}");
    }
    assert!(requests(&server).await.is_empty(), "nothing is sent");
}

#[tokio::test]
async fn jwt_get_401_is_the_typed_unauthorized_error() {
    let server = start().await;
    let raw = br#"{"code":401,"message":"Invalid or expired token"}"#;
    mount(
        &server,
        "GET",
        "/jwt",
        ResponseTemplate::new(401)
            .insert_header("www-authenticate", "Bearer")
            .set_body_raw(raw.as_slice(), "application/json"),
    )
    .await;

    let error = netsapiens_client(&server)
        .jwt_get()
        .send()
        .await
        .expect_err("401 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.api_error(),
        Some(&JwtGetError::Unauthorized(ErrorResponse {
            code: 401,
            message: "Invalid or expired token".to_owned(),
            additional_properties: Default::default(),
        }))
    );
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_eq!(api.raw_body().as_ref(), raw.as_slice());
    assert!(matches!(
        &api.body,
        JwtGetError::Unauthorized(ErrorResponse { code: 401, message, .. })
            if message == "Invalid or expired token"
    ));
}

#[tokio::test]
async fn jwt_get_undeclared_status_is_an_unexpected_response() {
    let server = start().await;
    mount(
        &server,
        "GET",
        "/jwt",
        ResponseTemplate::new(418)
            .insert_header("x-teapot", "yes")
            .set_body_string("I'm a teapot"),
    )
    .await;

    let error = netsapiens_client(&server)
        .jwt_get()
        .send()
        .await
        .expect_err("418 is an error");

    let Error::UnexpectedResponse(response) = &error else {
        panic!("expected UnexpectedResponse, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 418);
    assert_eq!(response.headers().get("x-teapot").unwrap(), "yes");
    assert_eq!(response.body().as_ref(), b"I'm a teapot");
    assert!(error.api_error().is_none());
}

#[tokio::test]
async fn jwt_get_200_that_does_not_decode_is_a_decode_error() {
    let server = start().await;
    // `displayName` and `user_scope` are required but missing.
    let raw = r#"{"aud":"ns","user_email":null}"#;
    mount(
        &server,
        "GET",
        "/jwt",
        ResponseTemplate::new(200).set_body_raw(raw, "application/json"),
    )
    .await;

    let error = netsapiens_client(&server)
        .jwt_get()
        .send()
        .await
        .expect_err("the body does not decode");

    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.response.status().as_u16(), 200);
    assert_eq!(decode.response.body().as_ref(), raw.as_bytes());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

/// What `GET /jwt` says about a token: an MFA-scoped token from the password grant, or the
/// full token the MFA step gives.
fn claims(scope: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "sub": "1002@portal",
        "user_email": null,
        "user_scope": scope,
        "displayName": "Import Test",
    }))
}

/// The password grant, then, when the token it gives is scoped `mfa_required` (read with
/// `GET /jwt`), the MFA step with the authenticator's passcode: a NetSapiens login as a token
/// provider calls it.
async fn netsapiens_login(
    login: &netsapiens::Client,
    base_url: &str,
) -> Result<Token, apiforge_runtime::BoxError> {
    let first = login
        .jwt_post()
        .body(AuthRequest {
            grant_type: AuthRequestGrantType::Password,
            client_id: "client".to_owned(),
            client_secret: "client-secret".to_owned(),
            username: "1002@portal".to_owned(),
            password: "hunter2".to_owned(),
            additional_properties: Default::default(),
        })
        .send()
        .await?;
    let scoped = netsapiens::Client::builder()
        .base_url(base_url)
        .auth(Auth::bearer(first.token.clone()))
        .build()?;
    if scoped.jwt_get().send().await?.user_scope != "mfa_required" {
        return Ok(Token::new(first.token));
    }
    let full = login
        .jwt2_post()
        .body(AuthRequestMfa {
            grant_type: AuthRequestMfaGrantType::Mfa,
            client_id: "client".to_owned(),
            client_secret: "client-secret".to_owned(),
            username: "1002@portal".to_owned(),
            password: "hunter2".to_owned(),
            mfa_type: "authenticator".to_owned(),
            mfa_vendor: "google".to_owned(),
            ns_id_type: AuthRequestMfaNsIdType::Subscriber,
            passcode: "371706".to_owned(),
            access_token: first.token,
            additional_properties: Default::default(),
        })
        .send()
        .await?;
    Ok(Token::new(full.token))
}

#[tokio::test]
async fn flow_password_grant_mfa_read_and_revoke() {
    let server = start().await;
    // The password grant gives an MFA-scoped token; the MFA step (same path, `grant_type`
    // `mfa`) checks the passcode and that token, and gives the full one.
    Mock::given(method("POST"))
        .and(path("/jwt"))
        .and(body_partial_json(json!({"grant_type": "password"})))
        .respond_with(sequence(|n, _| {
            ResponseTemplate::new(200).set_body_json(json!({"token": format!("mfa-{n}")}))
        }))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/jwt"))
        .and(body_partial_json(
            json!({"grant_type": "mfa", "passcode": "371706"}),
        ))
        .respond_with(sequence(|n, request| {
            let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            if sent["access_token"] != json!(format!("mfa-{n}")) {
                return ResponseTemplate::new(400)
                    .set_body_json(json!({"code": 400, "message": "not the MFA token"}));
            }
            ResponseTemplate::new(200).set_body_json(json!({"token": format!("full-{n}")}))
        }))
        .expect(2)
        .mount(&server)
        .await;
    // `GET /jwt` reads the token it is sent, until `DELETE /jwt` revokes it.
    let revoked = Arc::new(Mutex::new(Vec::<String>::new()));
    let revoked_on_get = revoked.clone();
    Mock::given(method("GET"))
        .and(path("/jwt"))
        .respond_with(move |request: &wiremock::Request| {
            let bearer = header(request, "authorization").unwrap_or_default();
            let token = bearer.strip_prefix("Bearer ").unwrap_or_default();
            if token.starts_with("mfa-") {
                claims("mfa_required")
            } else if token.starts_with("full-")
                && !revoked_on_get.lock().unwrap().iter().any(|t| t == token)
            {
                claims("Office Manager")
            } else {
                ResponseTemplate::new(401).set_body_json(json!({"code": 401, "message": "revoked"}))
            }
        })
        .mount(&server)
        .await;
    let revoked_on_delete = revoked.clone();
    Mock::given(method("DELETE"))
        .and(path("/jwt"))
        .respond_with(move |request: &wiremock::Request| {
            let bearer = header(request, "authorization").unwrap_or_default();
            let token = bearer.strip_prefix("Bearer ").unwrap_or_default();
            revoked_on_delete.lock().unwrap().push(token.to_owned());
            ResponseTemplate::new(202).set_body_json(json!({"code": 202, "message": "Accepted"}))
        })
        .expect(1)
        .mount(&server)
        .await;

    let login = netsapiens::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("login client");
    let base_url = server.uri();
    let provider = Arc::new(TokenProvider::new(move || {
        let login = login.clone();
        let base_url = base_url.clone();
        async move { netsapiens_login(&login, &base_url).await }
    }));
    let client = netsapiens::Client::builder()
        .base_url(server.uri())
        .auth_provider(provider.clone())
        .build()
        .expect("client");

    // Read the current JWT: the provider logs in (password, MFA) first.
    let me = client.jwt_get().send().await.expect("the full token reads");
    assert_eq!(me.user_scope, "Office Manager");
    assert_eq!(provider.fetches(), 1);
    // Revoke it.
    let revoked_answer = client.revoke_my_jwt().send().await.expect("202");
    assert_eq!(revoked_answer.code, 202);
    assert_eq!(*revoked.lock().unwrap(), ["full-0"]);
    // The revoked token is refused with 401: the provider logs in again, once, and the call
    // goes through with the new token.
    let again = client.jwt_get().send().await.expect("a fresh token reads");
    assert_eq!(again.user_scope, "Office Manager");
    assert_eq!(provider.fetches(), 2);

    let reads: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| header(r, "authorization").map(str::to_owned))
        .collect();
    let bearer = |token: &str| Some(format!("Bearer {token}"));
    assert_eq!(
        reads,
        [
            bearer("mfa-0"),
            bearer("full-0"),
            bearer("full-0"),
            bearer("mfa-1"),
            bearer("full-1"),
        ]
    );
    for post in requests(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
    {
        assert_no_auth(post);
    }
}

#[tokio::test]
async fn generated_calls_name_their_operation_and_route_to_middleware() {
    /// Operation id, path template and path of each request.
    type Named = (Option<&'static str>, Option<&'static str>, String);
    #[derive(Default)]
    struct Seen(Mutex<Vec<Named>>);
    impl apiforge_runtime::Middleware for Seen {
        fn on_request(
            &self,
            _: &mut apiforge_runtime::reqwest::Request,
            context: &apiforge_runtime::RequestContext<'_>,
        ) -> Result<(), apiforge_runtime::BoxError> {
            self.0.lock().unwrap().push((
                context.operation_id(),
                context.path_template(),
                context.path().to_owned(),
            ));
            Ok(())
        }
    }
    let server = start().await;
    mount(&server, "DELETE", "/jwt/a%2Fb", accepted()).await;
    let seen = Arc::new(Seen::default());
    let client = netsapiens::Client::builder()
        .base_url(server.uri())
        .middleware(seen.clone())
        .build()
        .expect("client");

    client
        .revoke_jwt_by_jti("a/b")
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("202");

    assert_eq!(
        *seen.0.lock().unwrap(),
        [(
            // The operationId as the spec writes it, not the method name.
            Some("revokeJWTbyJti"),
            Some("/jwt/{jti}"),
            "/jwt/a%2Fb".to_owned()
        )]
    );
}

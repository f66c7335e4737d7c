//! End-to-end tests of the four generated clients over real HTTP against a wiremock server.
//!
//! Every client is built WITH a bearer credential, so the tests can check that it is sent only
//! to the operations whose security asks for it.

mod cursed;
mod events;
mod fallbacks;
mod lumminary;
mod netsapiens;
mod openapi32;
mod pagination;
mod parameters;
mod polymorphism;
mod requests;
mod schemas;
mod servers;
mod transfers;
mod verbit;
mod yat;

use apiforge_runtime::Auth;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The credential every client holds.
pub const TOKEN: &str = "tok";

/// A fresh mock server on 127.0.0.1.
pub async fn start() -> MockServer {
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback(), "{}", server.uri());
    server
}

pub fn lumminary_client(server: &MockServer) -> ::lumminary::Client {
    ::lumminary::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .build()
        .expect("lumminary client")
}

pub fn netsapiens_client(server: &MockServer) -> ::netsapiens::Client {
    ::netsapiens::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .build()
        .expect("netsapiens client")
}

pub fn verbit_client(server: &MockServer) -> ::verbit::Client {
    ::verbit::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .build()
        .expect("verbit client")
}

pub fn yat_client(server: &MockServer) -> ::yat::Client {
    ::yat::Client::builder()
        .base_url(server.uri())
        .auth(Auth::bearer(TOKEN))
        .build()
        .expect("yat client")
}

/// Answers `verb route` (exact method and path) with `response`, and only that.
pub async fn mount(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Every request the server received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request the server received; fails when there were none or several.
pub async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
    all.remove(0)
}

/// Checks the method and the exact (still percent-encoded) path, and that nothing trails it.
pub fn assert_target(request: &Request, verb: &str, route: &str) {
    assert_eq!(request.method.as_str(), verb, "method of {}", request.url);
    assert_eq!(request.url.path(), route, "path of {}", request.url);
    assert_eq!(request.url.query(), None, "query of {}", request.url);
    assert_eq!(request.url.fragment(), None, "fragment of {}", request.url);
}

/// The value of a request header that must be sent exactly once.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    let mut values = request.headers.get_all(name).iter();
    let value = values.next()?;
    assert!(values.next().is_none(), "header {name} sent more than once");
    Some(value.to_str().expect("header is text"))
}

pub fn assert_no_auth(request: &Request) {
    assert_eq!(
        header(request, "authorization"),
        None,
        "{} {} needs no credential, yet one was sent",
        request.method,
        request.url.path()
    );
}

pub fn assert_bearer(request: &Request) {
    let expected = format!("Bearer {TOKEN}");
    assert_eq!(
        header(request, "authorization"),
        Some(expected.as_str()),
        "{} {} must carry the bearer credential",
        request.method,
        request.url.path()
    );
}

/// The request body parsed as JSON, after checking it was sent as JSON.
pub fn json_body(request: &Request) -> Value {
    assert_eq!(header(request, "content-type"), Some("application/json"));
    serde_json::from_slice(&request.body).unwrap_or_else(|error| {
        panic!(
            "body is not JSON ({error}): {:?}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// The `(name, value)` text parts of a `multipart/form-data` body, in order.
pub fn multipart_fields(request: &Request) -> Vec<(String, String)> {
    let content_type = header(request, "content-type").expect("a Content-Type header");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart/form-data Content-Type: {content_type}"));
    let body = std::str::from_utf8(&request.body).expect("text parts only");
    let delimiter = format!("--{boundary}");
    let mut parts = body.split(delimiter.as_str());
    assert_eq!(parts.next(), Some(""), "no preamble expected: {body:?}");
    let mut fields = Vec::new();
    for part in parts {
        if part.starts_with("--") {
            assert_eq!(part.trim_end(), "--", "nothing after the close delimiter");
            return fields;
        }
        let part = part
            .strip_prefix("\r\n")
            .and_then(|part| part.strip_suffix("\r\n"))
            .unwrap_or_else(|| panic!("malformed part {part:?}"));
        let (head, value) = part
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("part without headers {part:?}"));
        let name = head
            .lines()
            .find_map(|line| {
                let (key, rest) = line.split_once(':')?;
                key.eq_ignore_ascii_case("content-disposition")
                    .then_some(rest)
            })
            .and_then(|disposition| disposition.trim().strip_prefix("form-data; name=\""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("part without a plain form-data name: {head:?}"));
        fields.push((name.to_owned(), value.to_owned()));
    }
    panic!("multipart body without a close delimiter: {body:?}")
}

/// Pairs of `&str`, for comparing with [`multipart_fields`].
pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

// Token flows: tokens the mock hands out, and calls that carry them.

/// A responder that answers its `n`th request (from 0) with `respond(n, request)`: a token
/// endpoint that hands out a new token each time.
pub struct Sequence<F> {
    calls: std::sync::atomic::AtomicUsize,
    respond: F,
}

/// Answers with `respond(n, request)` on the `n`th request.
pub fn sequence<F>(respond: F) -> Sequence<F>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    Sequence {
        calls: std::sync::atomic::AtomicUsize::new(0),
        respond,
    }
}

impl<F> wiremock::Respond for Sequence<F>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        (self.respond)(n, request)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// An unsigned JWT for `subject` whose `exp` claim is `lifetime_secs` from now. A token
/// provider refreshes it half-way through a lifetime this short (between 1 and 2 seconds
/// left when the claim is 2 seconds ahead, whole seconds being all a JWT can say).
pub fn jwt(subject: &str, lifetime_secs: u64) -> String {
    let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
    let exp = unix_now() + lifetime_secs;
    let payload = base64url(format!(r#"{{"sub":"{subject}","exp":{exp}}}"#).as_bytes());
    format!("{header}.{payload}.c2ln")
}

/// Base64url without padding, as JWTs use it.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
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

/// A bare runtime client for `server` whose credentials come from `provider`: it stands for
/// the rest of an API whose seed spec has only its token operations.
pub fn runtime_client(
    server: &MockServer,
    provider: impl apiforge_runtime::CredentialProvider + 'static,
) -> apiforge_runtime::Client {
    apiforge_runtime::ClientBuilder::<apiforge_runtime::Client>::new(None, "apiforge-tests")
        .base_url(server.uri())
        .auth_provider(provider)
        .build()
        .expect("runtime client")
}

/// `GET route`, with the credential `security` asks for; the status, or the error.
pub async fn protected_get(
    client: &apiforge_runtime::Client,
    route: &str,
    security: &'static [apiforge_runtime::SecurityRequirement],
) -> Result<u16, apiforge_runtime::Error> {
    let request =
        apiforge_runtime::Request::new(apiforge_runtime::Method::GET, route.to_owned(), security);
    let response = client.execute(request).await?;
    Ok(response.status().as_u16())
}

/// The `Authorization` header of every request the server received for `route`, in order.
pub async fn authorizations(server: &MockServer, route: &str) -> Vec<Option<String>> {
    requests(server)
        .await
        .iter()
        .filter(|request| request.url.path() == route)
        .map(|request| header(request, "authorization").map(str::to_owned))
        .collect()
}

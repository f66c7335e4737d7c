//! Credential providers: where a client gets the credential it puts on each request.
//!
//! A client holds [`Auth`] values (fixed credentials) or [`CredentialProvider`]s, per scheme or
//! as a default (see [`ClientBuilder::auth_provider`](crate::ClientBuilder::auth_provider)).
//! Before each request it asks the provider of every scheme it applies for a credential; when
//! the server answers `401 Unauthorized` it tells the provider, which may drop the rejected
//! credential so that the request, retried once, carries a fresh one.
//!
//! [`TokenProvider`] is the provider most APIs need: a token fetched by an async closure
//! (typically a generated token call), cached until shortly before it expires, fetched once
//! however many requests want it at the same moment.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::auth::{Auth, AuthKind, Secret};

/// A boxed, sendable future: what [`CredentialProvider`] methods return, so that the trait
/// stays usable as `dyn CredentialProvider`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any error, boxed: what token closures and middleware may fail with.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Something a client asks for a credential before each request.
///
/// The client calls [`kind`](Self::kind) to learn, without fetching anything, which security
/// schemes the provider can satisfy (the same rules as for [`Auth`]), then
/// [`credential`](Self::credential) for each request that applies one of those schemes, and
/// [`invalidate`](Self::invalidate) when the server answered `401` to a request that carried
/// the provider's credential.
///
/// `Debug` output must not contain the credential: it is printed as part of the client's.
pub trait CredentialProvider: fmt::Debug + Send + Sync {
    /// The kind of [`Auth`] that [`credential`](Self::credential) returns.
    fn kind(&self) -> AuthKind;

    /// The credential for the next request.
    ///
    /// A credential of another kind than [`kind`](Self::kind) says is refused with
    /// [`Error::Credential`](crate::Error::Credential) rather than sent where it does not fit.
    fn credential(&self) -> BoxFuture<'_, Result<Auth, CredentialError>>;

    /// The server answered `401 Unauthorized` to a request that carried `rejected`.
    ///
    /// Forget `rejected` if it is still the credential held, and return whether asking again
    /// may give a different one: if so, the request is sent once more with a fresh credential
    /// (once only: a second `401` is returned to the caller). The default returns `false`:
    /// a fixed credential that was refused once will be refused again.
    fn invalidate<'a>(&'a self, rejected: &'a Auth) -> BoxFuture<'a, bool> {
        let _ = rejected;
        Box::pin(std::future::ready(false))
    }
}

/// A fixed credential is the simplest provider: always the same, never refreshed.
impl CredentialProvider for Auth {
    fn kind(&self) -> AuthKind {
        Auth::kind(self)
    }

    fn credential(&self) -> BoxFuture<'_, Result<Auth, CredentialError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

impl<P: CredentialProvider + ?Sized> CredentialProvider for Arc<P> {
    fn kind(&self) -> AuthKind {
        (**self).kind()
    }

    fn credential(&self) -> BoxFuture<'_, Result<Auth, CredentialError>> {
        (**self).credential()
    }

    fn invalidate<'a>(&'a self, rejected: &'a Auth) -> BoxFuture<'a, bool> {
        (**self).invalidate(rejected)
    }
}

/// A credential could not be had: the token call failed, or a provider misbehaved.
///
/// Cheap to clone, so that every request waiting on one failed fetch gets the same error.
#[derive(Clone)]
pub struct CredentialError {
    source: Arc<dyn StdError + Send + Sync>,
}

impl CredentialError {
    /// Wraps the reason a provider could not produce a credential.
    pub fn new(source: impl Into<BoxError>) -> Self {
        CredentialError {
            source: Arc::from(source.into()),
        }
    }

    /// Why the credential could not be had.
    pub fn reason(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.source
    }
}

impl fmt::Debug for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialError")
            .field("reason", &self.source.to_string())
            .finish()
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot get a credential: {}", self.source)
    }
}

impl StdError for CredentialError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// A token as a token call returned it: the value and, when the response says, when it expires.
///
/// Build one from the token call's response:
/// `Token::new(response.access_token).expires_in_secs(response.expires_in)`. A plain `String`
/// converts too, when the response says nothing about expiry.
#[derive(Clone)]
pub struct Token {
    value: Secret,
    expires_in: Option<Duration>,
    expires_at: Option<SystemTime>,
}

impl Token {
    /// A token with no expiry of its own (a configured lifetime or the JWT's `exp` claim may
    /// still give one).
    pub fn new(value: impl Into<String>) -> Self {
        Token {
            value: Secret::new(value),
            expires_in: None,
            expires_at: None,
        }
    }

    /// The token expires this long after it was received (an OAuth-style `expires_in`).
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The token expires this many seconds after it was received; negative counts as zero.
    pub fn expires_in_secs(self, seconds: i64) -> Self {
        self.expires_in(Duration::from_secs(seconds.max(0).unsigned_abs()))
    }

    /// The token expires at this wall-clock time.
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The token itself.
    pub fn value(&self) -> &Secret {
        &self.value
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &self.value)
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl From<String> for Token {
    fn from(value: String) -> Self {
        Token::new(value)
    }
}

impl From<&str> for Token {
    fn from(value: &str) -> Self {
        Token::new(value)
    }
}

impl From<Secret> for Token {
    fn from(value: Secret) -> Self {
        Token {
            value,
            expires_in: None,
            expires_at: None,
        }
    }
}

type Fetch = dyn Fn() -> BoxFuture<'static, Result<Token, CredentialError>> + Send + Sync;

/// A token fetched by an async closure and cached until shortly before it expires.
///
/// ```no_run
/// # use std::time::Duration;
/// # use apiforge_runtime::{Token, TokenProvider};
/// # async fn login() -> Result<(String, i64), std::io::Error> { unimplemented!() }
/// let provider = TokenProvider::new(|| async {
///     let (access_token, expires_in) = login().await?; // typically a generated token call
///     Ok::<_, std::io::Error>(Token::new(access_token).expires_in_secs(expires_in))
/// })
/// .refresh_before(Duration::from_secs(10));
/// ```
///
/// **Expiry.** The earliest of: what the closure returned ([`Token::expires_in`],
/// [`Token::expires_at`]), the configured [`lifetime`](Self::lifetime), and the `exp` claim when
/// the token is a JWT (its payload is decoded, its signature is not checked: the server does
/// that). With none of them, or an expiry too far ahead for the clock to count to (a token
/// server's `expires_in` of `u64::MAX` seconds), the token is kept until the server refuses it
/// with a `401`. A token is fetched again [`refresh_before`](Self::refresh_before) its expiry
/// (30 seconds by default, but never more than half the lifetime it was received with, so that
/// a token valid for 30 seconds is used for 15).
///
/// **Concurrency.** One fetch at a time: requests that need a token while one is being fetched
/// wait for it and share its outcome, success or error. If the request doing the fetch is
/// dropped, the fetch is dropped with it and the next waiting request fetches in its place.
///
/// **401.** When the server refuses the token, it is forgotten (unless a newer one has
/// replaced it already) and the request is sent once more with a fresh one.
///
/// Give it to [`ClientBuilder::auth_provider`](crate::ClientBuilder::auth_provider); wrap it in
/// an `Arc` to share one cache between several clients or schemes.
pub struct TokenProvider {
    fetch: Box<Fetch>,
    kind: AuthKind,
    lifetime: Option<Duration>,
    refresh_before: Duration,
    state: tokio::sync::Mutex<State>,
    completed: AtomicU64,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    last_error: Option<CredentialError>,
}

struct Cached {
    value: Secret,
    /// When to fetch again; `None`: only after a `401`.
    refresh_at: Option<Instant>,
}

impl TokenProvider {
    /// A provider that calls `fetch` for a token whenever it holds none that is fresh.
    ///
    /// The token is sent as a bearer token ([`Auth::Bearer`]); see
    /// [`as_api_key`](Self::as_api_key) for APIs that want it as an API key.
    pub fn new<F, Fut, T, E>(fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Into<Token>,
        E: Into<BoxError>,
    {
        let fetch = move || -> BoxFuture<'static, Result<Token, CredentialError>> {
            let future = fetch();
            Box::pin(async move {
                future
                    .await
                    .map(Into::into)
                    .map_err(|error| CredentialError::new(error))
            })
        };
        TokenProvider {
            fetch: Box::new(fetch),
            kind: AuthKind::Bearer,
            lifetime: None,
            refresh_before: Duration::from_secs(30),
            state: tokio::sync::Mutex::new(State::default()),
            completed: AtomicU64::new(0),
        }
    }

    /// Tokens are valid for this long after they are received (when the API documents a fixed
    /// lifetime rather than returning one).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// How long before its expiry a token is fetched again (30 seconds by default; never more
    /// than half the token's lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// Hands the token out as an API key ([`Auth::ApiKey`], sent verbatim where the scheme
    /// says) instead of a bearer token.
    pub fn as_api_key(mut self) -> Self {
        self.kind = AuthKind::ApiKey;
        self
    }

    /// How many times the closure has been called and has finished, successfully or not.
    pub fn fetches(&self) -> u64 {
        self.completed.load(Ordering::Acquire)
    }

    /// Forgets the cached token, so that the next request fetches a new one.
    pub async fn clear(&self) {
        self.state.lock().await.cached = None;
    }

    fn wrap(&self, value: Secret) -> Auth {
        match self.kind {
            AuthKind::ApiKey => Auth::ApiKey(value),
            _ => Auth::Bearer(value),
        }
    }

    async fn get(&self) -> Result<Auth, CredentialError> {
        let seen = self.completed.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.cached {
            if cached.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok(self.wrap(cached.value.clone()));
            }
        }
        if self.completed.load(Ordering::Acquire) != seen {
            // A fetch finished while this call waited for the lock: share its outcome rather
            // than fetch again, even if the token it got is already due for refresh.
            if let Some(cached) = &state.cached {
                return Ok(self.wrap(cached.value.clone()));
            }
            if let Some(error) = &state.last_error {
                return Err(error.clone());
            }
        }
        // Holding the lock across the fetch is what makes it single-flight; dropping this
        // future drops the guard, and the next waiter fetches instead.
        let result = (self.fetch)().await;
        let received = Instant::now();
        self.completed.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok(token) => {
                let refresh_at = self.refresh_at(&token, received);
                let auth = self.wrap(token.value.clone());
                state.cached = Some(Cached {
                    value: token.value,
                    refresh_at,
                });
                state.last_error = None;
                Ok(auth)
            }
            Err(error) => {
                state.cached = None;
                state.last_error = Some(error.clone());
                Err(error)
            }
        }
    }

    /// When a token received at `received` is to be fetched again.
    fn refresh_at(&self, token: &Token, received: Instant) -> Option<Instant> {
        let wall = SystemTime::now();
        let until = |at: SystemTime| at.duration_since(wall).unwrap_or(Duration::ZERO);
        let lifetime = [
            token.expires_in,
            token.expires_at.map(until),
            self.lifetime,
            jwt_expiry(token.value.expose()).map(until),
        ]
        .into_iter()
        .flatten()
        .min()?;
        let margin = self.refresh_before.min(lifetime / 2);
        // A token server may say `expires_in: 18446744073709551615`; an instant that far
        // ahead does not exist, and such a token is as good as one that never expires.
        received.checked_add(lifetime - margin)
    }
}

impl CredentialProvider for TokenProvider {
    fn kind(&self) -> AuthKind {
        self.kind
    }

    fn credential(&self) -> BoxFuture<'_, Result<Auth, CredentialError>> {
        Box::pin(self.get())
    }

    fn invalidate<'a>(&'a self, rejected: &'a Auth) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let mut state = self.state.lock().await;
            let held = state.cached.as_ref().map(|cached| &cached.value);
            if held.is_some() && held == rejected.secret() {
                state.cached = None;
            }
            true
        })
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProvider")
            .field("kind", &self.kind)
            .field("lifetime", &self.lifetime)
            .field("refresh_before", &self.refresh_before)
            .field("fetches", &self.fetches())
            .finish_non_exhaustive()
    }
}

/// The `exp` claim of a JWT, if `token` is one; the signature is not checked.
pub(crate) fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let claims: serde_json::Value = serde_json::from_slice(&base64url_decode(payload)?).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if exp.is_nan() || exp < 0.0 {
        return None;
    }
    let since_epoch = Duration::try_from_secs_f64(exp).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(since_epoch)
}

/// Base64url (RFC 4648 §5) without padding, as JWTs use it; padding and the standard alphabet's
/// `+` and `/` are accepted too.
pub(crate) fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    let input = input.trim_end_matches('=');
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in input.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // A single leftover character (6 bits) cannot end a valid encoding.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_decodes_rfc_4648_vectors_with_and_without_padding() {
        let cases = [
            ("", ""),
            ("Zg", "f"),
            ("Zg==", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
            ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                base64url_decode(input).as_deref(),
                Some(expected.as_bytes()),
                "{input}"
            );
        }
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(base64url_decode("Z").is_none());
        assert!(base64url_decode("Zm9v!").is_none());
    }

    #[test]
    fn jwt_exp_is_read_from_the_payload() {
        // {"alg":"none"} . {"sub":"1","exp":1700000000} . sig
        let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln";
        assert_eq!(
            jwt_expiry(token),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(jwt_expiry("opaque-token"), None);
        // {"sub":"1"}: no exp.
        assert_eq!(jwt_expiry("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln"), None);
    }
}

//! Credentials, the security schemes a spec declares, and how a credential is put on a request.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::credential::{CredentialError, CredentialProvider};
use crate::error::EncodeError;
use crate::request::{check_cookie_name, header_name};

/// A string that must never be printed: its `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that has to send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// A credential the client presents to operations whose security asks for one.
///
/// Which credential satisfies which scheme:
/// - [`Auth::bearer`] satisfies HTTP bearer schemes, and API-key schemes carried in the
///   `Authorization` header (sent as `Bearer <token>`, the convention such specs describe).
/// - [`Auth::basic`] satisfies HTTP basic schemes.
/// - [`Auth::api_key`] satisfies API-key schemes (header, query or cookie), sent verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A bearer token.
    Bearer(Secret),
    /// A user name and password for HTTP basic authentication.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key, sent as the scheme says (header, query parameter or cookie).
    ApiKey(Secret),
}

impl Auth {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Auth::Bearer(Secret::new(token))
    }

    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Auth::ApiKey(Secret::new(key))
    }

    /// Which kind of credential this is.
    pub fn kind(&self) -> AuthKind {
        match self {
            Auth::Bearer(_) => AuthKind::Bearer,
            Auth::Basic { .. } => AuthKind::Basic,
            Auth::ApiKey(_) => AuthKind::ApiKey,
        }
    }

    /// The secret part: the token, the password or the key.
    pub(crate) fn secret(&self) -> Option<&Secret> {
        match self {
            Auth::Bearer(secret) | Auth::ApiKey(secret) => Some(secret),
            Auth::Basic { password, .. } => Some(password),
        }
    }
}

/// The kinds of [`Auth`]: what a [`CredentialProvider`] says it hands out, so that the client
/// knows which security schemes it fits without fetching a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthKind {
    /// [`Auth::Bearer`].
    Bearer,
    /// [`Auth::Basic`].
    Basic,
    /// [`Auth::ApiKey`].
    ApiKey,
}

/// Where an API-key scheme carries its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// In a request header.
    Header,
    /// In a query parameter.
    Query,
    /// In a cookie.
    Cookie,
}

/// The kind of a security scheme, with what the runtime needs to apply it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: http, scheme: bearer`.
    HttpBearer,
    /// `type: http, scheme: basic`.
    HttpBasic,
    /// `type: apiKey`: the key goes in the named header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// A security scheme declared by a spec, as generated code describes it to the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's name in the spec (`components.securitySchemes`).
    pub name: &'static str,
    /// How the scheme carries its credential.
    pub kind: SchemeKind,
}

/// One way to satisfy an operation's security: every scheme listed must be applied.
///
/// An operation lists its alternatives as `&[SecurityRequirement]`; an empty list, or an
/// empty requirement among them, means the operation can be called without credentials.
pub type SecurityRequirement = &'static [&'static SecurityScheme];

/// Where the credential for a scheme comes from: a fixed value, or a provider asked each time.
#[derive(Clone)]
pub(crate) enum Source {
    Fixed(Fixed),
    Provider(Arc<dyn CredentialProvider>),
}

/// A fixed credential, with the header value it is sent as rendered once rather than for
/// every request.
#[derive(Clone)]
pub(crate) struct Fixed {
    auth: Auth,
    /// `Bearer <token>`, `Basic <credentials>` or the key; `None` when it is not valid header
    /// text (a request that would send it then fails with a clear error).
    header: Option<HeaderValue>,
}

impl Fixed {
    pub(crate) fn new(auth: Auth) -> Self {
        let text = match &auth {
            Auth::Bearer(token) => format!("Bearer {}", token.expose()),
            Auth::Basic { username, password } => basic_header(username, password.expose()),
            Auth::ApiKey(key) => key.expose().to_owned(),
        };
        let header = HeaderValue::try_from(text).ok().map(|mut value| {
            value.set_sensitive(true);
            value
        });
        Fixed { auth, header }
    }

    fn placement(&self, scheme: &SecurityScheme) -> Result<Option<Placement>, ApplyError> {
        match (scheme.kind, &self.header) {
            (SchemeKind::HttpBearer | SchemeKind::HttpBasic, Some(value)) => {
                Ok(Some(Placement::Header(AUTHORIZATION, value.clone())))
            }
            (
                SchemeKind::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                },
                Some(value),
            ) => Ok(Some(Placement::Header(header_name(name)?, value.clone()))),
            _ => placement(scheme, &self.auth),
        }
    }
}

impl Source {
    fn kind(&self) -> AuthKind {
        match self {
            Source::Fixed(fixed) => fixed.auth.kind(),
            Source::Provider(provider) => provider.kind(),
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Fixed(fixed) => fixed.auth.fmt(f),
            Source::Provider(provider) => provider.fmt(f),
        }
    }
}

/// The credentials a client holds: one default, and overrides per scheme name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials {
    pub(crate) default: Option<Source>,
    pub(crate) per_scheme: Vec<(String, Source)>,
}

/// A credential, placed where one scheme wants it.
pub(crate) enum Placement {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// The placements of one attempt; the first is kept inline, as most operations need one.
#[derive(Default)]
pub(crate) struct Placements {
    first: Option<Placement>,
    rest: Vec<Placement>,
}

impl Placements {
    fn push(&mut self, placement: Placement) {
        if self.first.is_none() {
            self.first = Some(placement);
        } else {
            self.rest.push(placement);
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Placement> {
        self.first.iter().chain(&self.rest)
    }
}

/// What the credentials of one attempt put on the request, and which providers they came from
/// (to be told if the server answers `401`).
#[derive(Default)]
pub(crate) struct Applied {
    pub(crate) placements: Placements,
    pub(crate) from_providers: Vec<(Arc<dyn CredentialProvider>, Auth)>,
}

impl Credentials {
    /// Whether no credential at all is configured.
    pub(crate) fn is_empty(&self) -> bool {
        self.default.is_none() && self.per_scheme.is_empty()
    }

    /// Checks, for each of `schemes`, that the fixed credential that would be sent for it can
    /// be (no line break in a header, no `;` in a cookie): the builder calls this so that a
    /// bad credential is refused when the client is built, not at its first request. Gives
    /// the scheme's name and the reason, never the credential.
    pub(crate) fn check(&self, schemes: &[&SecurityScheme]) -> Result<(), (String, String)> {
        for scheme in schemes {
            let Some(Source::Fixed(fixed)) = self.for_scheme(scheme) else {
                continue;
            };
            if let Err(error) = fixed.placement(scheme) {
                let reason = match error {
                    ApplyError::Encode(error) => error.to_string(),
                    ApplyError::Credential(error) => error.reason().to_string(),
                };
                // The build error names the scheme itself.
                let named = format!("the credential for security scheme `{}` ", scheme.name);
                let reason = reason.strip_prefix(&named).unwrap_or(&reason).to_owned();
                return Err((scheme.name.to_owned(), reason));
            }
        }
        Ok(())
    }

    /// The source for `scheme`: its own override first, else the default if it fits.
    fn for_scheme(&self, scheme: &SecurityScheme) -> Option<&Source> {
        let own = self
            .per_scheme
            .iter()
            .find(|(name, _)| name == scheme.name)
            .map(|(_, source)| source);
        own.or(self.default.as_ref())
            .filter(|source| fits(scheme, source.kind()))
    }

    /// What to add to a request for the first of `alternatives` whose schemes all have a
    /// credential; nothing when none does (the server then answers as it sees fit).
    ///
    /// Providers are asked only for the schemes of the alternative chosen.
    pub(crate) async fn apply(
        &self,
        alternatives: &[SecurityRequirement],
    ) -> Result<Applied, ApplyError> {
        let mut applied = Applied::default();
        if self.is_empty() {
            return Ok(applied);
        }
        for requirement in alternatives.iter().filter(|r| !r.is_empty()) {
            let found: Option<Vec<(&SecurityScheme, &Source)>> = requirement
                .iter()
                .map(|scheme| self.for_scheme(scheme).map(|source| (*scheme, source)))
                .collect();
            let Some(found) = found else { continue };
            for (scheme, source) in found {
                let placed = match source {
                    Source::Fixed(fixed) => fixed.placement(scheme)?,
                    Source::Provider(provider) => {
                        let auth = provider.credential().await?;
                        let placed = placement(scheme, &auth)?;
                        if placed.is_none() {
                            return Err(ApplyError::Credential(CredentialError::new(format!(
                                "the provider for security scheme `{}` said it hands out {:?} \
                                 credentials but returned {:?}",
                                scheme.name,
                                provider.kind(),
                                auth.kind()
                            ))));
                        }
                        applied.from_providers.push((provider.clone(), auth));
                        placed
                    }
                };
                if let Some(placed) = placed {
                    applied.placements.push(placed);
                }
            }
            return Ok(applied);
        }
        Ok(applied)
    }
}

/// Why credentials could not be applied.
pub(crate) enum ApplyError {
    Encode(EncodeError),
    Credential(CredentialError),
}

impl From<EncodeError> for ApplyError {
    fn from(error: EncodeError) -> Self {
        ApplyError::Encode(error)
    }
}

impl From<CredentialError> for ApplyError {
    fn from(error: CredentialError) -> Self {
        ApplyError::Credential(error)
    }
}

/// Whether a credential of `kind` can satisfy `scheme` (see [`Auth`]).
fn fits(scheme: &SecurityScheme, kind: AuthKind) -> bool {
    match (scheme.kind, kind) {
        (SchemeKind::HttpBearer, AuthKind::Bearer) => true,
        (SchemeKind::HttpBasic, AuthKind::Basic) => true,
        (
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Header,
                name,
            },
            AuthKind::Bearer,
        ) => name.eq_ignore_ascii_case("authorization"),
        (SchemeKind::ApiKey { .. }, AuthKind::ApiKey) => true,
        _ => false,
    }
}

/// The text a credential contributes to a scheme, or `None` when it does not fit the scheme.
fn placement_value(scheme: &SecurityScheme, auth: &Auth) -> Option<String> {
    match (scheme.kind, auth) {
        (SchemeKind::HttpBearer, Auth::Bearer(token)) => Some(format!("Bearer {}", token.expose())),
        (SchemeKind::HttpBasic, Auth::Basic { username, password }) => {
            Some(basic_header(username, password.expose()))
        }
        (
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Header,
                name,
            },
            Auth::Bearer(token),
        ) if name.eq_ignore_ascii_case("authorization") => {
            Some(format!("Bearer {}", token.expose()))
        }
        (SchemeKind::ApiKey { .. }, Auth::ApiKey(key)) => Some(key.expose().to_owned()),
        _ => None,
    }
}

fn placement(scheme: &SecurityScheme, auth: &Auth) -> Result<Option<Placement>, ApplyError> {
    let Some(value) = placement_value(scheme, auth) else {
        return Ok(None);
    };
    if let SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name,
    } = scheme.kind
    {
        check_cookie_name(name)?;
        // The value goes into the `Cookie` header as it is: a `;` would end it and start
        // another cookie of the credential's choosing, a `,` or control character is read
        // differently by each server.
        if !is_cookie_value(&value) {
            return Err(ApplyError::Credential(CredentialError::new(format!(
                "the credential for security scheme `{}` cannot be sent as cookie `{name}`: it \
                 holds a character a cookie value cannot (`;`, `,`, `\"`, `\\`, whitespace, or a \
                 control or non-ASCII character)",
                scheme.name
            ))));
        }
    }
    let header = |name: &str| -> Result<Placement, EncodeError> {
        let name = header_name(name)?;
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            EncodeError::new(format!(
                "the credential for security scheme `{}` is not a valid header value",
                scheme.name
            ))
        })?;
        value.set_sensitive(true);
        Ok(Placement::Header(name, value))
    };
    Ok(Some(match scheme.kind {
        SchemeKind::HttpBearer | SchemeKind::HttpBasic => header(AUTHORIZATION.as_str())?,
        SchemeKind::ApiKey { location, name } => match location {
            ApiKeyLocation::Header => header(name)?,
            ApiKeyLocation::Query => Placement::Query(name, value),
            ApiKeyLocation::Cookie => Placement::Cookie(name, value),
        },
    }))
}

/// Whether `value` can be a cookie's value as it is (RFC 6265's `cookie-octet`, which leaves
/// out whitespace, `"`, `,`, `;` and `\`).
fn is_cookie_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

fn basic_header(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64(format!("{username}:{password}").as_bytes())
    )
}

/// Standard base64 with padding; small enough that a dependency is not worth it.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "input {input:?}");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let auth = Auth::basic("alice", "hunter2");
        let printed = format!("{auth:?} {:?}", Auth::bearer("tok-123"));
        assert!(printed.contains("alice"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("tok-123"), "{printed}");
    }

    static BEARER: SecurityScheme = SecurityScheme {
        name: "bearerAuth",
        kind: SchemeKind::HttpBearer,
    };
    static KEY: SecurityScheme = SecurityScheme {
        name: "key",
        kind: SchemeKind::ApiKey {
            location: ApiKeyLocation::Query,
            name: "api_key",
        },
    };

    fn placements(creds: &Credentials, alternatives: &[SecurityRequirement]) -> Vec<Placement> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        match runtime.block_on(creds.apply(alternatives)) {
            Ok(applied) => applied
                .placements
                .first
                .into_iter()
                .chain(applied.placements.rest)
                .collect(),
            Err(_) => panic!("credentials did not apply"),
        }
    }

    #[test]
    fn first_satisfiable_alternative_wins_and_empty_means_none() {
        let creds = Credentials {
            default: Some(Source::Fixed(Fixed::new(Auth::api_key("k1")))),
            per_scheme: Vec::new(),
        };
        const EITHER: &[SecurityRequirement] = &[&[&BEARER], &[&KEY]];
        const NONE: &[SecurityRequirement] = &[&[]];
        const BEARER_ONLY: &[SecurityRequirement] = &[&[&BEARER]];
        let placed = placements(&creds, EITHER);
        assert!(matches!(placed.as_slice(), [Placement::Query("api_key", v)] if v == "k1"));
        assert!(placements(&creds, NONE).is_empty());
        assert!(placements(&Credentials::default(), BEARER_ONLY).is_empty());
    }
}

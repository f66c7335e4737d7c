//! Keeping secrets out of `Debug` output, logs and error messages.
//!
//! Credentials the runtime places are marked sensitive and never formatted. What it cannot know
//! for certain (a header, JSON field or query parameter that holds a secret) it recognises by
//! name, erring towards hiding too much: a hidden `token_type` costs nothing, a printed
//! `access_token` costs a breach.

use std::fmt;

use reqwest::header::HeaderMap;
use serde_json::Value;
use url::Url;

/// What is printed in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Whether a header, field or parameter name suggests that its value is a secret.
pub(crate) fn looks_secret(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "passcode",
        "secret",
        "token",
        "apikey",
        "authorization",
        "credential",
        "cookie",
        "session",
        "signature",
        "privatekey",
        "accesskey",
        "jwt",
    ];
    WORDS.iter().any(|word| name.contains(word))
}

/// Whether a string value looks like a JSON Web Token (`eyJ...`, three dot-separated parts).
pub(crate) fn looks_like_jwt(value: &str) -> bool {
    value.starts_with("eyJ")
        && value.split('.').count() == 3
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Headers, formatted with the values of sensitive or secret-looking headers hidden.
pub(crate) struct Headers<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || looks_secret(name.as_str()) {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// A body for `Debug` output: JSON with secret-looking fields and JWT-looking strings hidden,
/// or text with JWT-looking words hidden; at most `shown` bytes either way.
pub(crate) fn body_text(body: &[u8], shown: usize) -> String {
    if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
        redact_json(&mut value);
        let mut text = value.to_string();
        truncate(&mut text, shown);
        return text;
    }
    let mut text = String::from_utf8_lossy(&body[..body.len().min(shown)]).into_owned();
    if text.contains("eyJ") {
        text = text
            .split(' ')
            .map(|word| {
                let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                if looks_like_jwt(bare) {
                    word.replace(bare, REDACTED)
                } else {
                    word.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    text
}

fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                if looks_secret(name) && !field.is_null() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact_json(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) if looks_like_jwt(text) => *text = REDACTED.to_owned(),
        _ => {}
    }
}

/// Replaces the values of the query parameters named in `names` (the credentials the runtime
/// placed in the query) with [`REDACTED`].
pub(crate) fn redact_query(url: &mut Url, names: &[&str]) {
    if names.is_empty() || url.query().is_none() {
        return;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if names.contains(&name.as_ref()) {
                REDACTED.to_owned()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_jwts_are_recognised() {
        for name in [
            "Authorization",
            "set-cookie",
            "access_token",
            "refreshToken",
            "X-API-Key",
            "client_secret",
            "password",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["content-type", "user", "jti", "message", "exp"] {
            assert!(!looks_secret(name), "{name}");
        }
        assert!(looks_like_jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assert!(!looks_like_jwt("eyJ not a token"));
    }

    #[test]
    fn json_bodies_lose_their_secrets_and_keep_the_rest() {
        let body = br#"{"user":"alice","access_token":"tok-1","nested":[{"password":"pw"}],"id":"eyJa.eyJb.c"}"#;
        let text = body_text(body, 1024);
        assert!(text.contains("alice"), "{text}");
        for secret in ["tok-1", "\"pw\"", "eyJa.eyJb.c"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let plain = body_text(b"token eyJa.eyJb.c here", 1024);
        assert_eq!(plain, "token <redacted> here");
    }

    #[test]
    fn query_credentials_are_hidden() {
        let mut url = Url::parse("http://h/p?api_key=s3cret&page=2").unwrap();
        redact_query(&mut url, &["api_key"]);
        assert!(!url.as_str().contains("s3cret"), "{url}");
        assert!(url.as_str().contains("page=2"), "{url}");
    }
}

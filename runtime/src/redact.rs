//! Keeping secrets out of `Debug` output, logs and error messages.
//!
//! Credentials the runtime places are marked sensitive and never formatted. What it cannot know
//! for certain (a header, field or parameter that holds a secret) it recognises by name, erring
//! towards hiding too much: a hidden `token_type` costs nothing, a printed `access_token` costs
//! a breach. Bodies are read in whatever form they come (JSON, a url-encoded form, XML, text or
//! HTML, or JSON cut short), so that a server echoing a request back cannot make the runtime
//! print what the request carried.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use reqwest::header::HeaderMap;
use serde_json::Value;
use url::Url;

/// What is printed in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Whether a header, query parameter, form field, JSON member or XML element named `name`
/// holds a secret, judged by its name alone.
///
/// Case and punctuation are ignored (`X-Auth-Token`, `x_auth_token` and `xAuthToken` are one
/// name), and a name is secret when it contains any of: `password` (also `passwd`, `passcode`,
/// `passphrase`), `secret`, `token`, `apikey` (so `api_key`, `api-key`, `API Key`), `auth` as
/// in `authorization`, `authentication` or `x-auth-token` (but not `author` or `authority`),
/// `credential`, `cookie`, `session` (also `sessid`), `signature`, `privatekey`, `accesskey`
/// or `jwt`.
///
/// The runtime treats such names like credentials: it strips them from a request before
/// following a redirect to another origin, and hides their values in every `Debug` and
/// `Display` output. Middleware that logs requests can use it to do the same.
///
/// ```no_run
/// assert!(apiforge_runtime::is_secret_name("X-Auth-Token"));
/// assert!(apiforge_runtime::is_secret_name("access_token"));
/// assert!(!apiforge_runtime::is_secret_name("author"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "passcode",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "credential",
        "cookie",
        "session",
        "sessid",
        "signature",
        "privatekey",
        "accesskey",
        "jwt",
    ];
    WORDS.iter().any(|word| name.contains(word)) || mentions_auth(&name)
}

/// `auth` in `authorization`, `authentication`, `oauth`, `xauthtoken`; not the `auth` of
/// `author` or `authority`, which name people and hosts far more often than secrets.
fn mentions_auth(name: &str) -> bool {
    name.match_indices("auth").any(|(at, _)| {
        let rest = &name[at + "auth".len()..];
        !rest.starts_with("or") || rest.starts_with("oriz") || rest.starts_with("oris")
    })
}

/// Whether a string value looks like a JSON Web Token (`eyJ...`, three dot-separated parts).
pub(crate) fn looks_like_jwt(value: &str) -> bool {
    value.starts_with("eyJ")
        && value.split('.').count() == 3
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Headers, formatted with the values of sensitive or secret-named headers hidden, and secrets
/// inside other values (a `Location` with `?access_token=...`) hidden too.
pub(crate) struct Headers<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || is_secret_name(name.as_str()) {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                let text = String::from_utf8_lossy(value.as_bytes());
                map.entry(&name.as_str(), &text_str(&text));
            }
        }
        map.finish()
    }
}

/// A body for `Debug` output, with its secrets hidden; at most `shown` bytes of it.
///
/// JSON that parses loses the values of secret-named members and JWT-looking strings, and
/// secrets written inside its strings; anything else (a form, XML, text, HTML, JSON cut short)
/// is read as text by [`text`].
pub(crate) fn body_text(body: &[u8], shown: usize) -> String {
    if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
        redact_json(&mut value);
        let mut text = value.to_string();
        truncate(&mut text, shown);
        return text;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(shown)]);
    text_str(&text).into_owned()
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
                if is_secret_name(name) && !field.is_null() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact_json(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) => {
            if let Cow::Owned(hidden) = text_str(text) {
                *text = hidden;
            }
        }
        _ => {}
    }
}

/// `text` with every secret [`hidden_ranges`] finds replaced by [`REDACTED`]; borrowed when
/// there is none.
pub(crate) fn text_str(text: &str) -> Cow<'_, str> {
    let ranges = hidden_ranges(text);
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        out.push_str(&text[at..range.start]);
        out.push_str(REDACTED);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Where the secrets in `text` are, sorted and not overlapping, whatever the text's format:
///
/// - a value after a secret name and `=` or `:`, quoted or not: `password=x&token=y` (forms,
///   query strings, URLs in HTML), `"access_token": "x"` (JSON, even cut short), `token: x` or
///   `Authorization: Bearer x` (text, headers echoed back), `<user password="x">`;
/// - the content of an XML element with a secret name: `<token>x</token>`,
///   `<ns:password attr="1">x</ns:password>`, CDATA included;
/// - JSON Web Tokens anywhere;
/// - the user name and password of a URL (`https://user:password@host`).
pub(crate) fn hidden_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    named_values(text, &mut ranges);
    xml_elements(text, &mut ranges);
    jwts(text, &mut ranges);
    userinfo(text, &mut ranges);
    ranges.retain(|range| !range.is_empty());
    ranges.sort_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Characters of a name: a form or JSON key (`api_key`, `user[password]`, `x-auth-token`,
/// `api%5Fkey`).
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'[' | b']' | b'%')
}

/// What ends an unquoted value.
fn ends_value(byte: u8) -> bool {
    byte.is_ascii_whitespace()
        || matches!(
            byte,
            b'&' | b';' | b',' | b'<' | b'>' | b'"' | b'\'' | b')' | b']' | b'}'
        )
}

/// Authentication schemes that come before the credential itself (`Bearer x`).
fn is_scheme_word(word: &str) -> bool {
    [
        "bearer",
        "basic",
        "digest",
        "token",
        "negotiate",
        "ntlm",
        "mac",
    ]
    .iter()
    .any(|scheme| word.eq_ignore_ascii_case(scheme))
}

fn named_values(text: &str, ranges: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !is_name_byte(bytes[at]) || (at > 0 && is_name_byte(bytes[at - 1])) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        // An XML tag's name (`<auth:apiKey>`) is for `xml_elements`: its `:` is no separator.
        let in_tag = text[..start].ends_with('<') || text[..start].ends_with("</");
        if in_tag || !is_secret_name(&text[start..at]) {
            continue;
        }
        let mut next = at;
        // The closing quote of a JSON key or a quoted attribute name.
        if start > 0
            && matches!(bytes[start - 1], b'"' | b'\'')
            && bytes.get(next) == Some(&bytes[start - 1])
        {
            next += 1;
        }
        next = skip_blanks(bytes, next);
        if !matches!(bytes.get(next), Some(b'=' | b':')) {
            continue;
        }
        next = skip_blanks(bytes, next + 1);
        if let Some(value) = value_at(text, next) {
            at = value.end;
            ranges.push(value);
        }
    }
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
        at += 1;
    }
    at
}

/// The value that starts at `at`: the inside of a quoted string (to the end of the text when
/// it is cut short), or a run of characters that do not end a value, with the credential after
/// a scheme word (`Bearer x`). `None` for nothing, or an object or array (whose members are
/// judged by their own names).
fn value_at(text: &str, at: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    match *bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let mut end = at + 1;
            let mut escaped = false;
            while let Some(&byte) = bytes.get(end) {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == quote {
                    break;
                }
                end += 1;
            }
            Some(at + 1..end)
        }
        b'{' | b'[' => None,
        _ => {
            let run = |from: usize| {
                let mut end = from;
                while bytes.get(end).is_some_and(|b| !ends_value(*b)) {
                    end += 1;
                }
                end
            };
            let mut end = run(at);
            if is_scheme_word(&text[at..end]) && bytes.get(end) == Some(&b' ') {
                let credential_end = run(end + 1);
                if credential_end > end + 1 {
                    end = credential_end;
                }
            }
            (end > at).then_some(at..end)
        }
    }
}

fn xml_elements(text: &str, ranges: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = text[from..].find('<') {
        let open = from + offset;
        from = open + 1;
        let mut name_end = open + 1;
        while bytes
            .get(name_end)
            .is_some_and(|b| is_name_byte(*b) || *b == b':')
        {
            name_end += 1;
        }
        let name = &text[open + 1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local.is_empty() || !is_secret_name(local) {
            continue;
        }
        let Some(close) = text[name_end..].find('>').map(|at| name_end + at) else {
            continue;
        };
        if bytes[close - 1] == b'/' {
            continue;
        }
        let content = close + 1;
        const CDATA: &str = "<![CDATA[";
        let end = if text[content..].starts_with(CDATA) {
            text[content..]
                .find("]]>")
                .map_or(text.len(), |at| content + at + "]]>".len())
        } else {
            text[content..]
                .find('<')
                .map_or(text.len(), |at| content + at)
        };
        let inner = &text[content..end];
        if !inner.trim().is_empty() {
            let leading = inner.len() - inner.trim_start().len();
            let trailing = inner.len() - inner.trim_end().len();
            ranges.push(content + leading..end - trailing);
        }
        from = end;
    }
}

fn jwts(text: &str, ranges: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let is_jwt_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=');
    for (start, _) in text.match_indices("eyJ") {
        if start > 0 && is_jwt_byte(bytes[start - 1]) {
            continue;
        }
        let mut end = start;
        while bytes.get(end).is_some_and(|b| is_jwt_byte(*b)) {
            end += 1;
        }
        // A sentence may end right after the token.
        let token = text[start..end].trim_end_matches('.');
        if looks_like_jwt(token) {
            ranges.push(start..start + token.len());
        }
    }
}

fn userinfo(text: &str, ranges: &mut Vec<Range<usize>>) {
    for (at, _) in text.match_indices("://") {
        let start = at + "://".len();
        let authority = &text[start..];
        let end = authority
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '\\') || c.is_whitespace()
            })
            .unwrap_or(authority.len());
        if let Some(last_at) = authority[..end].rfind('@') {
            ranges.push(start..start + last_at);
        }
    }
}

/// A URL as text for a message (a base URL that was refused, which may not even parse): its
/// user name and password as `***`, and secrets in its query hidden.
pub(crate) fn url_text(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |at| at + "://".len());
    let authority_end = url[after_scheme..]
        .find(['/', '?', '#', '\\'])
        .map_or(url.len(), |at| after_scheme + at);
    let host = match url[after_scheme..authority_end].rfind('@') {
        Some(at) => format!("***{}", &url[after_scheme + at..authority_end]),
        None => url[after_scheme..authority_end].to_owned(),
    };
    format!(
        "{}{host}{}",
        &url[..after_scheme],
        text_str(&url[authority_end..])
    )
}

/// What becomes of one query parameter.
enum Pair {
    Keep,
    Hide,
    Drop,
}

/// Hides, in `url`, the values of secret-named query parameters and of those named in `names`
/// (the credentials the runtime placed in the query, whatever their names), and removes any
/// user name and password.
pub(crate) fn redact_url(url: &mut Url, names: &[&str]) {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    rewrite_query(url, |name| {
        if is_secret_name(name) || names.contains(&name) {
            Pair::Hide
        } else {
            Pair::Keep
        }
    });
    if let Some(fragment) = url.fragment() {
        if let Cow::Owned(hidden) = text_str(fragment) {
            url.set_fragment(Some(&hidden));
        }
    }
}

/// Removes from `url` the query parameters that are secret-named or named in `names`, and any
/// user name and password: what a request sent to another origin must not carry.
pub(crate) fn strip_secrets(url: &mut Url, names: &[&str]) {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    rewrite_query(url, |name| {
        if is_secret_name(name) || names.contains(&name) {
            Pair::Drop
        } else {
            Pair::Keep
        }
    });
}

/// Removes from `url` the query parameters named in `names`.
pub(crate) fn drop_query(url: &mut Url, names: &[&str]) {
    rewrite_query(url, |name| {
        if names.contains(&name) {
            Pair::Drop
        } else {
            Pair::Keep
        }
    });
}

/// Rewrites the query of `url` pair by pair, as `judge` says of each name; leaves it as it
/// was, byte for byte, when nothing changes.
fn rewrite_query(url: &mut Url, mut judge: impl FnMut(&str) -> Pair) {
    if url.query().is_none() {
        return;
    }
    let mut changed = false;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(name, value)| match judge(&name) {
            Pair::Keep => Some((name.into_owned(), value.into_owned())),
            Pair::Hide => {
                changed |= value != REDACTED;
                Some((name.into_owned(), REDACTED.to_owned()))
            }
            Pair::Drop => {
                changed = true;
                None
            }
        })
        .collect();
    if !changed {
        return;
    }
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
}

/// A decoder error whose message no longer quotes a secret of `body`: serde's messages quote
/// the value they choked on (`invalid type: string "hunter2", expected u32`), and that value
/// may be a password.
pub(crate) fn decode_error(source: serde_json::Error, body: &[u8]) -> serde_json::Error {
    let message = source.to_string();
    let mut secrets: Vec<String> = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        secret_scalars(&value, false, &mut secrets);
    }
    let text = String::from_utf8_lossy(body);
    for range in hidden_ranges(&text) {
        secrets.push(text[range].to_owned());
    }
    let mut shown = message.clone();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        for quoted in [format!("{secret:?}"), format!("`{secret}`")] {
            if shown.contains(&quoted) {
                shown = shown.replace(&quoted, REDACTED);
            }
        }
    }
    if shown == message {
        source
    } else {
        serde::de::Error::custom(shown)
    }
}

/// The scalar values held under secret names in `value`, and its JWT-looking strings, as text.
fn secret_scalars(value: &Value, secret: bool, out: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                secret_scalars(field, secret || is_secret_name(name), out);
            }
        }
        Value::Array(items) => {
            for item in items {
                secret_scalars(item, secret, out);
            }
        }
        Value::String(text) if secret || looks_like_jwt(text) => out.push(text.clone()),
        Value::Number(number) if secret => out.push(number.to_string()),
        Value::Bool(flag) if secret => out.push(flag.to_string()),
        _ => {}
    }
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
            "api key",
            "client_secret",
            "password",
            "X-Auth-Token",
            "x_auth",
            "authentication",
            "oauth_verifier",
            "private_key",
            "X-Signature",
            "PHPSESSID",
            "session_id",
            "aws_credentials",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "content-type",
            "user",
            "jti",
            "message",
            "exp",
            "author",
            "authority",
            "co-author",
            "page",
            "key",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(looks_like_jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assert!(!looks_like_jwt("eyJ not a token"));
    }

    #[test]
    fn json_bodies_lose_their_secrets_and_keep_the_rest() {
        let body = br#"{"user":"alice","access_token":"tok-1","nested":[{"password":"pw"}],"id":"eyJa.eyJb.c","note":"retry with token=tok-2"}"#;
        let text = body_text(body, 1024);
        assert!(text.contains("alice"), "{text}");
        assert!(text.contains("retry with token="), "{text}");
        for secret in ["tok-1", "\"pw\"", "eyJa.eyJb.c", "tok-2"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let plain = body_text(b"token eyJa.eyJb.c here", 1024);
        assert_eq!(plain, "token <redacted> here");
    }

    #[test]
    fn bodies_in_every_format_lose_their_secrets() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "user=alice&password=hunter%212&access_token=tok1&page=2",
                &["hunter", "tok1"],
                &["user=alice", "page=2"],
            ),
            (
                r#"<?xml version="1.0"?><err><user>alice</user><password>pw1</password><ns:token kind="x">tok2</ns:token><apiKey><![CDATA[k<3]]></apiKey><session/></err>"#,
                &["pw1", "tok2", "k<3"],
                &["alice", "<session/>"],
            ),
            (
                "Bad request\ntoken: abc123\nAuthorization: Bearer sekrit\nsee https://bob:pw9@example.com/x?access_token=q1 (code 7)",
                &["abc123", "sekrit", "pw9", "bob", "q1"],
                &["Bad request", "example.com/x", "code 7"],
            ),
            (
                r#"<html><a href="/cb?state=s&access_token=tok3">go</a><input password='pw4'></html>"#,
                &["tok3", "pw4"],
                &["state=s", "go"],
            ),
            (
                r#"{"message":"nope","user":"alice","refresh_token":"tok5","password":"hun"#,
                &["tok5", "\"hun"],
                &["nope", "alice"],
            ),
            (
                r#"{"message":"nope","password" : "escaped \" quote tok6"#,
                &["tok6"],
                &["nope"],
            ),
        ];
        for (body, hidden, kept) in cases {
            let text = body_text(body.as_bytes(), 4096);
            for secret in *hidden {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            for shown in *kept {
                assert!(text.contains(shown), "{shown} missing from {text}");
            }
        }
    }

    #[test]
    fn a_secret_cut_by_the_display_limit_is_hidden_too() {
        let mut body = "x".repeat(1000);
        body.push_str("password=abcdefghijklmnopqrstuvwxyz");
        let text = body_text(body.as_bytes(), 1024);
        assert!(!text.contains("abcdefghijklm"), "{text}");
        assert!(text.ends_with("password=<redacted>"), "{text}");
    }

    #[test]
    fn query_secrets_are_hidden_or_stripped() {
        let mut url =
            Url::parse("http://u:p@h/p?api_key=s3cret&k=placed&page=2&pageToken=t#access_token=f")
                .unwrap();
        redact_url(&mut url, &["k"]);
        for secret in ["s3cret", "placed", "u:p", "=t&", "=f"] {
            assert!(!url.as_str().contains(secret), "{secret} in {url}");
        }
        assert!(url.as_str().contains("page=2"), "{url}");

        let mut url = Url::parse("http://h/p?api_key=s&page=a%20b&k=v").unwrap();
        strip_secrets(&mut url, &["k"]);
        assert_eq!(url.as_str(), "http://h/p?page=a+b");
        let mut untouched = Url::parse("http://h/p?page=a%20b").unwrap();
        strip_secrets(&mut untouched, &[]);
        assert_eq!(untouched.as_str(), "http://h/p?page=a%20b");
        let mut emptied = Url::parse("http://h/p?token=t").unwrap();
        strip_secrets(&mut emptied, &[]);
        assert_eq!(emptied.as_str(), "http://h/p");
    }

    #[test]
    fn urls_in_messages_never_show_a_user_or_password() {
        for (url, shown) in [
            (
                "https://alice:pw@exa mple.com/v1",
                "https://***@exa mple.com/v1",
            ),
            ("alice:pw@host/v1", "***@host/v1"),
            ("https://a:b@c@host", "https://***@host"),
            (
                "https://host/v1?api_key=k",
                "https://host/v1?api_key=<redacted>",
            ),
            ("https://host/a@b", "https://host/a@b"),
        ] {
            assert_eq!(url_text(url), shown);
        }
    }

    #[test]
    fn no_text_makes_redaction_panic() {
        const PIECES: &[&str] = &[
            "password",
            "token",
            "auth",
            "=",
            ":",
            "\"",
            "'",
            "<",
            ">",
            "/",
            "</",
            "<![CDATA[",
            "]]>",
            "&",
            " ",
            "\n",
            "\t",
            "é",
            "日本",
            "eyJ",
            "eyJa.eyJb.c",
            ".",
            "://",
            "@",
            "Bearer ",
            "\\",
            "{",
            "}",
            "[",
            "]",
            "x",
            "%",
            "?",
            "#",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = next() % 24;
            let text: String = (0..length)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let ranges = hidden_ranges(&text);
            for pair in ranges.windows(2) {
                assert!(pair[0].end < pair[1].start, "{text:?}: {ranges:?}");
            }
            assert!(ranges.iter().all(|range| range.end <= text.len()));
            let _ = body_text(text.as_bytes(), 16);
            let _ = url_text(&text);
            let _ = decode_error(serde::de::Error::custom(&text), text.as_bytes());
        }
    }

    #[test]
    fn decoder_messages_do_not_quote_secrets() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Login {
            user: u32,
            password: u32,
        }
        let body = br#"{"password":"hunter2","user":1}"#;
        let error = serde_json::from_slice::<Login>(body).unwrap_err();
        assert!(error.to_string().contains("hunter2"));
        let shown = decode_error(error, body).to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("invalid type"), "{shown}");

        let body = br#"{"user":"bob","password":1}"#;
        let error = serde_json::from_slice::<Login>(body).unwrap_err();
        assert_eq!(decode_error(error, body).to_string(), {
            let error = serde_json::from_slice::<Login>(body).unwrap_err();
            error.to_string()
        });
    }
}

//! The id a server gives each request it answers, which its operators ask for when a call went
//! wrong: found in the response headers, kept on every response and error.

use reqwest::header::{HeaderMap, HeaderName};

/// The headers servers commonly send their request id in, looked at in this order after the
/// one the client is configured with
/// ([`ClientBuilder::request_id_header`](crate::ClientBuilder::request_id_header)).
pub const REQUEST_ID_HEADERS: [&str; 6] = [
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-github-request-id",
    "x-ms-request-id",
];

/// Longer ids are cut to this many bytes: an id is shown in error messages, and a hostile
/// server could send a header as long as the transport allows.
const LONGEST: usize = 200;

/// The request id in `headers`: the `configured` header's, else the first of
/// [`REQUEST_ID_HEADERS`] present. A value that is not visible ASCII, or empty, is no id.
pub(crate) fn find<'h>(headers: &'h HeaderMap, configured: Option<&HeaderName>) -> Option<&'h str> {
    let configured = configured.and_then(|name| headers.get(name));
    let common = || {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name))
    };
    let value = configured.or_else(common)?.to_str().ok()?.trim();
    // Visible ASCII, so any byte index is a character boundary.
    let value = value.get(..LONGEST).unwrap_or(value);
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    value.parse().expect("a header value"),
                )
            })
            .collect()
    }

    #[test]
    fn the_configured_header_comes_first_then_the_common_ones() {
        let both = headers(&[("x-request-id", "common"), ("x-trace", "mine")]);
        let mine = HeaderName::from_static("x-trace");
        assert_eq!(find(&both, Some(&mine)), Some("mine"));
        assert_eq!(find(&both, None), Some("common"));
        let github = headers(&[("x-github-request-id", "ABCD:1234")]);
        assert_eq!(find(&github, Some(&mine)), Some("ABCD:1234"));
        assert_eq!(find(&HeaderMap::new(), None), None);
    }

    #[test]
    fn long_and_empty_ids_are_cut_or_ignored() {
        let long = "a".repeat(10_000);
        let long = headers(&[("request-id", &long)]);
        assert_eq!(find(&long, None).map(str::len), Some(LONGEST));
        assert_eq!(find(&headers(&[("request-id", "  ")]), None), None);
    }
}

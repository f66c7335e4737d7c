//! What a caller adds to one call besides the operation's parameters: its own time limit, and
//! headers and query parameters the spec does not declare.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::EncodeError;
use crate::redact::{self, REDACTED};
use crate::request::{Request, header_name};

/// The settings of one call that every request builder carries besides its parameters: a time
/// limit, and headers and query parameters of the caller's own (a tracing header, a feature
/// flag the spec does not list).
///
/// Generated builders fill it through their `timeout`, `header` and `query_param` methods and
/// hand it to [`Request::options`]. A header name or value that cannot be sent is found there,
/// and the call fails with [`Error::InvalidRequest`](crate::Error::InvalidRequest) before
/// anything is sent.
///
/// `Debug` hides the values of secret-named headers and query parameters
/// ([`is_secret_name`](crate::is_secret_name)), so a builder holding an `Authorization` header
/// can be logged.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

impl RequestOptions {
    /// A time limit for the call, from connecting to the end of the response body, instead of
    /// the client's; it applies to each attempt when the call is retried.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Adds a header to the call, replacing any header of that name the operation itself would
    /// send; added twice, both values are sent.
    pub fn add_header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.headers.push((name.into(), value.into()));
    }

    /// Adds a query parameter to the call, after the operation's own.
    pub fn add_query(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.query.push((name.into(), value.into()));
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |pairs: &[(String, String)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(name, value)| {
                    let value = if redact::is_secret_name(name) {
                        REDACTED
                    } else {
                        value.as_str()
                    };
                    (name.clone(), value.to_owned())
                })
                .collect()
        };
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("headers", &shown(&self.headers))
            .field("query", &shown(&self.query))
            .finish()
    }
}

impl Request {
    /// Applies the caller's settings for this call: its time limit, then its headers (each
    /// replacing the operation's header of the same name) and query parameters.
    ///
    /// A header name or value that is not valid header text is refused with the header's name;
    /// the value is never shown, as it may be a credential.
    pub fn options(&mut self, options: RequestOptions) -> Result<(), EncodeError> {
        if let Some(timeout) = options.timeout {
            self.timeout(timeout);
        }
        let mut replaced = Vec::new();
        for (name, value) in options.headers {
            let header = header_name(&name)?;
            let mut value = HeaderValue::try_from(value).map_err(|_| {
                EncodeError::new(format!(
                    "header `{}` holds characters a header cannot carry",
                    name.escape_debug()
                ))
            })?;
            value.set_sensitive(redact::is_secret_name(&name));
            // The caller's first value replaces the operation's; a second one is added to it.
            if replaced.contains(&header) {
                self.headers.append(header, value);
            } else {
                self.headers.insert(header.clone(), value);
                replaced.push(header);
            }
        }
        self.query.extend(options.query);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    fn request() -> Request {
        let mut request = Request::new(Method::GET, "/pets".to_owned(), &[]);
        request.header("X-Trace", &"from-spec");
        request
    }

    #[test]
    fn headers_replace_the_operations_and_repeat_when_added_twice() {
        let mut options = RequestOptions::default();
        options.add_header("x-trace", "mine");
        options.add_header("X-Trace", "again");
        options.add_header("X-Flag", "on");
        options.add_query("debug", "1");
        options.set_timeout(Duration::from_secs(3));
        let mut request = request();
        request.options(options).expect("valid options");
        let traces: Vec<&HeaderValue> = request.headers.get_all("x-trace").iter().collect();
        assert_eq!(traces, ["mine", "again"]);
        assert_eq!(request.headers["x-flag"], "on");
        assert_eq!(request.query, [("debug".to_owned(), "1".to_owned())]);
        assert_eq!(request.timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_refused_without_its_value() {
        let mut options = RequestOptions::default();
        options.add_header("X-Api-Token", "secret\r\nInjected: yes");
        let error = request()
            .options(options)
            .expect_err("a newline is refused");
        let message = error.to_string();
        assert!(message.contains("X-Api-Token"), "{message}");
        assert!(!message.contains("secret"), "{message}");

        let mut options = RequestOptions::default();
        options.add_header("bad name", "value");
        let error = request().options(options).expect_err("a space is refused");
        assert!(error.to_string().contains("bad name"), "{error}");
    }

    #[test]
    fn debug_hides_secret_named_values() {
        let mut options = RequestOptions::default();
        options.add_header("Authorization", "Bearer abc");
        options.add_header("X-Trace", "t-1");
        options.add_query("api_key", "k-123");
        let shown = format!("{options:?}");
        assert!(
            !shown.contains("abc") && !shown.contains("k-123"),
            "{shown}"
        );
        assert!(shown.contains("t-1") && shown.contains(REDACTED), "{shown}");
    }
}

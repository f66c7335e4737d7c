//! When a failed attempt is sent again, and how long the client waits first.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How a client retries requests that failed in a way that may pass: a connection that could
/// not be made, a timeout, or a `429`, `502`, `503` or `504` answer.
///
/// Retries are off unless the client is given a policy
/// ([`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy)) or a request is marked
/// [`retry_safe`](crate::Request::retry_safe). Only requests that are safe to send twice are
/// retried: idempotent methods (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `TRACE`) and requests
/// marked retry-safe; a `POST` is never sent twice otherwise.
///
/// Between attempts the client waits a random time between zero and
/// `base_delay * 2^(retry - 1)`, itself at most `max_delay` ("full jitter"), unless the server
/// said how long to wait with `Retry-After` (seconds or an HTTP date): then it waits exactly
/// that, or, when that is longer than `max_delay`, gives up at once and returns the response
/// (asking earlier than the server allows would only be refused again).
///
/// Waiting is cancellation-safe: dropping the call's future drops the timer, and nothing is
/// sent after that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    /// At most `max_attempts` attempts in all (the first one included; `0` counts as `1`),
    /// waiting from 100 ms, doubling, up to 30 s.
    pub const fn new(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: if max_attempts == 0 { 1 } else { max_attempts },
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(30),
        }
    }

    /// No retries at all, even for requests marked retry-safe.
    pub const fn never() -> Self {
        RetryPolicy::new(1)
    }

    /// The ceiling of the first wait; it doubles at each retry.
    pub const fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts, and the longest `Retry-After` honoured.
    pub const fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The most attempts a request gets, the first one included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1` after attempt `attempt` (counted from 1)
    /// failed without a `Retry-After`.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        ceiling.mul_f64(random_fraction())
    }

    /// How long to wait after a retryable response: its `Retry-After` if it has one (`None`
    /// when that is longer than the policy allows), else the backoff.
    pub(crate) fn delay_after(&self, attempt: u32, headers: &HeaderMap) -> Option<Duration> {
        match retry_after(headers, SystemTime::now()) {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }
}

impl Default for RetryPolicy {
    /// Three attempts, waiting from 100 ms up to 30 s.
    fn default() -> Self {
        RetryPolicy::new(3)
    }
}

/// Methods that RFC 9110 defines as idempotent.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

/// Statuses that say "not now" rather than "no".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Transport failures after which the request may well succeed.
pub(crate) fn is_retryable_error(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout()
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (a date in the past
/// means no wait). `None` when there is no such header or it does not parse.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long values saturate; they exceed any cap anyway.
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in `[0, 1)`, different at each call; good enough to spread retries, not for secrets.
fn random_fraction() -> f64 {
    // Each `RandomState` is seeded with fresh keys, so each hash is a new random value.
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example.
        let later = "Sun, 06 Nov 1994 08:49:47 GMT";
        assert_eq!(
            retry_after(&headers(later), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Sunday, 06-Nov-94 08:49:47 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn retry_after_beyond_the_cap_gives_up() {
        let policy = RetryPolicy::new(3).max_delay(Duration::from_secs(5));
        assert_eq!(
            policy.delay_after(1, &headers("3")),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay_after(1, &headers("6")), None);
        assert_eq!(
            policy.delay_after(1, &headers("99999999999999999999")),
            None
        );
    }

    #[test]
    fn backoff_is_jittered_under_a_doubling_capped_ceiling() {
        let policy = RetryPolicy::new(10)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..200 {
            let first = policy.backoff(1);
            assert!(first <= Duration::from_millis(100), "{first:?}");
            let third = policy.backoff(3);
            assert!(third <= Duration::from_millis(350), "{third:?}");
            let huge = policy.backoff(u32::MAX);
            assert!(huge <= Duration::from_millis(350), "{huge:?}");
            distinct.insert(first);
        }
        assert!(distinct.len() > 50, "jitter barely varies: {distinct:?}");
    }

    #[test]
    fn only_idempotent_methods_and_transient_statuses_qualify() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(is_idempotent(&method), "{method}");
        }
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_retryable_status(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(RetryPolicy::new(0).max_attempts(), 1);
    }
}

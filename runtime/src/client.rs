//! The configured transport: base URL, credentials, timeouts, retries, hooks, and sending.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName,
    HeaderValue, LOCATION, PROXY_AUTHORIZATION,
};
use reqwest::{Method, StatusCode};
use tracing::Instrument;
use url::Url;

use crate::auth::{
    Applied, ApplyError, Auth, Credentials, Fixed, Placement, SecurityScheme, Source,
};
use crate::credential::{CredentialError, CredentialProvider};
use crate::download::{Cap, Pending};
use crate::error::{BuildError, EncodeError, Error, ResponseTooLarge};
use crate::events::Replay;
use crate::middleware::{Exchange, Middleware, Outcome, RequestContext};
use crate::redact;
use crate::request::{self, Body, Request};
use crate::response::RawResponse;
use crate::retry::{self, RetryPolicy};
use crate::upload::already_sent;

/// How many redirects a call follows by default.
const DEFAULT_MAX_REDIRECTS: usize = 10;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const FORM_URL_ENCODED: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

/// The transport every generated client wraps. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    shared: Arc<Shared>,
}

/// Everything a client's clones share besides the connection pool.
struct Shared {
    base_url: Box<str>,
    /// The base URL parsed once, with the path of its own that request paths follow, when it
    /// has neither query nor fragment (always, in practice): each request then parses only
    /// its path rather than the whole URL.
    base: Option<(Url, Box<str>)>,
    /// The origin of the base URL: the only one credentials and cookies are sent to.
    origin: url::Origin,
    credentials: Credentials,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<u64>,
    max_download_bytes: Option<u64>,
    max_redirects: usize,
    resend_body_across_origins: bool,
    middleware: Vec<Arc<dyn Middleware>>,
    /// The timeouts the runtime gave its own transport; all `None` with
    /// [`ClientBuilder::http_client`].
    timeouts: Timeouts,
    /// A transport without the read timeout, for requests it would wrongly cut short (see
    /// [`Client::transport`]); built the first time one needs it. `None` when there is no read
    /// timeout, or the transport is the caller's own.
    patient: Option<(Transport, OnceLock<reqwest::Client>)>,
    /// The base URL is plain `http://` to a host that is not this machine: credentials sent
    /// there can be read on the way.
    in_clear: bool,
    /// Whether the warning about `in_clear` has been given (once per client and its clones).
    warned_in_clear: AtomicBool,
    /// The header the server sends its request id in, when it is not one of the common ones.
    request_id_header: Option<HeaderName>,
    /// Whether operations with an idempotency-key header get a fresh key when the caller gives
    /// none.
    idempotency_keys: bool,
}

/// The timeouts of the runtime's own transport.
#[derive(Clone, Copy, Debug, Default)]
struct Timeouts {
    total: Option<Duration>,
    connect: Option<Duration>,
    read: Option<Duration>,
}

/// What the runtime's own reqwest client is built from, kept to build a second one.
struct Transport {
    user_agent: HeaderValue,
    timeouts: Timeouts,
}

impl Transport {
    fn build(&self, read_timeout: bool) -> reqwest::Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .user_agent(self.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none());
        if let Some(timeout) = self.timeouts.total {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = self.timeouts.connect {
            builder = builder.connect_timeout(timeout);
        }
        if let (true, Some(timeout)) = (read_timeout, self.timeouts.read) {
            builder = builder.read_timeout(timeout);
        }
        builder.build()
    }
}

/// Why one attempt failed; turned into [`Error`] once the call is over.
enum Failure {
    Encode(EncodeError),
    Credential(CredentialError),
    Transport(reqwest::Error),
    TooLarge(Box<ResponseTooLarge>),
}

impl From<EncodeError> for Failure {
    fn from(error: EncodeError) -> Self {
        Failure::Encode(error)
    }
}

impl From<ApplyError> for Failure {
    fn from(error: ApplyError) -> Self {
        match error {
            ApplyError::Encode(error) => Failure::Encode(error),
            ApplyError::Credential(error) => Failure::Credential(error),
        }
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Encode(error) => Error::InvalidRequest(error),
            Failure::Credential(error) => Error::Credential(error),
            Failure::Transport(error) => Error::Transport(error),
            Failure::TooLarge(error) => Error::ResponseTooLarge(error),
        }
    }
}

impl Client {
    /// The base URL requests are resolved against, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The limit on a whole exchange ([`ClientBuilder::timeout`]); `None` by default.
    pub fn timeout(&self) -> Option<Duration> {
        self.shared.timeouts.total
    }

    /// The limit on connecting ([`ClientBuilder::connect_timeout`]);
    /// [`DEFAULT_CONNECT_TIMEOUT`](ClientBuilder::DEFAULT_CONNECT_TIMEOUT) by default, `None`
    /// when switched off or when the client sends through [`ClientBuilder::http_client`].
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.shared.timeouts.connect
    }

    /// The longest wait for the server's next bytes ([`ClientBuilder::read_timeout`]);
    /// [`DEFAULT_READ_TIMEOUT`](ClientBuilder::DEFAULT_READ_TIMEOUT) by default, `None` when
    /// switched off or when the client sends through [`ClientBuilder::http_client`].
    pub fn read_timeout(&self) -> Option<Duration> {
        self.shared.timeouts.read
    }

    /// The longest body read into memory ([`ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(&self) -> Option<u64> {
        self.shared.max_response_bytes
    }

    /// The longest body streamed by a download ([`ClientBuilder::max_download_bytes`]); `None`
    /// (no limit) by default.
    pub fn max_download_bytes(&self) -> Option<u64> {
        self.shared.max_download_bytes
    }

    /// Sends `request` and reads the whole response.
    ///
    /// Credentials are applied for the first of the request's security alternatives that the
    /// client holds credentials for; operations that need none get none. Providers are asked
    /// for their credential before each attempt; a `401` answer to a credential from a provider
    /// that can refresh it is retried once with a fresh one.
    ///
    /// Retries follow the client's [`RetryPolicy`] (see there for what is retried and when).
    /// Redirects are followed up to the builder's
    /// [`max_redirects`](ClientBuilder::max_redirects); credentials and cookies go only to the
    /// origin (scheme, host and port) of the base URL, never to another one a redirect points
    /// at, and neither do secret-named headers and query parameters
    /// ([`is_secret_name`](crate::is_secret_name)) nor, unless the builder allows it
    /// ([`resend_body_across_origins`](ClientBuilder::resend_body_across_origins)), the
    /// request body: a redirect that would send the body to another origin is not followed,
    /// and comes back as the response.
    ///
    /// Each call is a `tracing` span named `apiforge.request` with the method, the path
    /// template (or the path when the request names no operation), the operation id, and once
    /// it is over the status, the number of exchanges and the latency; never a credential, a
    /// header value or a query value.
    ///
    /// Cancellation-safe: dropping the future stops the call where it is (in flight, or
    /// waiting before a retry), and nothing is sent after that.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let request = self.fill_idempotency_key(request);
        let result = self.execute_raw(&request, Read::Whole).await;
        self.with_request_id_header(result)
    }

    /// Sends `request` as [`execute`](Self::execute) does (credentials, retries, redirects,
    /// hooks, tracing), but leaves the body of a `2xx` response unread: read it as it arrives
    /// with [`RawResponse::stream`]. Any other status is read in full, so that error
    /// statuses decode as they do after `execute`.
    ///
    /// A `2xx` body is limited by [`max_download_bytes`](ClientBuilder::max_download_bytes)
    /// (no limit by default), any other by
    /// [`max_response_bytes`](ClientBuilder::max_response_bytes). A `Content-Length` over the
    /// limit is refused here, before anything is read; a body that goes over it without saying
    /// so is refused by the [`ByteStream`](crate::ByteStream) when it does. Hooks see the
    /// exchange once the headers are in, without a body, and the span's latency ends there
    /// too.
    pub async fn execute_streaming<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let request = self.fill_idempotency_key(request);
        let result = self.execute_raw(&request, Read::StreamSuccess).await;
        self.with_request_id_header(result)
    }

    /// Puts a fresh key in the request's idempotency-key header when the operation has one and
    /// the caller left it empty (see [`Request::idempotency_key`]); the request is then safe
    /// to retry. Made once per call, before the first attempt, so every retry carries it.
    fn fill_idempotency_key(&self, mut request: Request) -> Request {
        if let Some(name) = request.idempotency_key.take()
            && self.shared.idempotency_keys
            && !request.headers.contains_key(name)
            && let Ok(name) = request::header_name(name)
        {
            let key = uuid::Uuid::new_v4().hyphenated().to_string();
            if let Ok(value) = HeaderValue::try_from(key) {
                request.headers.insert(name, value);
                request.retry_safe = true;
            }
        }
        request
    }

    /// The call's result, its response told which header carries the request id.
    fn with_request_id_header<E>(
        &self,
        result: Result<RawResponse, Failure>,
    ) -> Result<RawResponse, Error<E>> {
        let name = &self.shared.request_id_header;
        match result {
            Ok(response) => Ok(response.with_request_id_header(name.clone())),
            Err(Failure::TooLarge(mut error)) => {
                error.request_id_header.clone_from(name);
                Err(Error::ResponseTooLarge(error))
            }
            Err(failure) => Err(Error::from(failure)),
        }
    }

    /// Sends `request` as [`execute_streaming`](Self::execute_streaming) does, for a
    /// `text/event-stream` response, and keeps the request with a `2xx` response so that its
    /// [`EventStream`](crate::EventStream) can send it again to
    /// [reconnect](crate::EventStream::reconnect).
    pub async fn execute_events<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let mut response = self
            .execute_raw(&request, Read::StreamSuccess)
            .await
            .map_err(Error::<E>::from)?;
        response.keep_replay(Replay {
            client: self.clone(),
            request,
        });
        Ok(response)
    }

    /// [`execute`](Self::execute) without the operation's error type, so that it is compiled
    /// once rather than once per operation.
    async fn execute_raw(&self, request: &Request, read: Read) -> Result<RawResponse, Failure> {
        let path = match request.operation {
            Some(operation) => operation.path_template,
            None => request.path.as_str(),
        };
        let span = tracing::info_span!(
            "apiforge.request",
            method = %request.method,
            path = path,
            operation = request.operation.map(|operation| operation.id),
            status = tracing::field::Empty,
            exchanges = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            error = tracing::field::Empty,
        );
        let started = (!span.is_disabled()).then(Instant::now);
        let mut exchanges = 0;
        let result = self
            .run(request, read, &mut exchanges)
            .instrument(span.clone())
            .await;
        if let Some(started) = started {
            span.record("exchanges", exchanges);
            span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
            match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                }
                Err(failure) => {
                    let kind = match failure {
                        Failure::Encode(_) => "invalid request",
                        Failure::Credential(_) => "credential",
                        Failure::Transport(error) if error.is_timeout() => "timeout",
                        Failure::Transport(error) if error.is_connect() => "connect",
                        Failure::Transport(_) => "transport",
                        Failure::TooLarge(error) => {
                            span.record("status", error.status.as_u16());
                            "response too large"
                        }
                    };
                    span.record("error", kind);
                }
            }
        }
        result
    }

    /// The retry loop: attempts, the `401` retry, and the waits between.
    async fn run(
        &self,
        request: &Request,
        read: Read,
        exchanges: &mut u32,
    ) -> Result<RawResponse, Failure> {
        if let Some(Body::Invalid(error)) = &request.body {
            return Err(Failure::Encode(error.clone()));
        }
        if let Some(error) = &request.refused {
            return Err(Failure::Encode(error.clone()));
        }
        // A page of a `Link`-paginated request goes to the link; taken before anything else
        // is sent in this scope (a credential provider's token call).
        let next_link = crate::paginate::take_next_link();
        // The first attempt takes the URL; a later one (rare) builds it again.
        let mut first_url = Some(self.url(request, next_link.as_ref())?);
        let policy = match (self.shared.retry, request.retry_safe) {
            (Some(policy), true) => Some(policy),
            (Some(policy), false) if retry::is_idempotent(&request.method) => Some(policy),
            (None, true) => Some(RetryPolicy::default()),
            _ => None,
        };
        let max_attempts = policy.map_or(1, |policy| policy.max_attempts());
        let mut attempt = 0;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            let applied = self.shared.credentials.apply(request.security).await?;
            let url = match first_url.take() {
                Some(url) => url,
                None => self.url(request, next_link.as_ref())?,
            };
            let outcome = self.exchange(request, url, &applied, read, exchanges).await;
            let (outcome, from_origin) = match outcome {
                Ok((response, from_origin)) => (Ok(response), from_origin),
                Err(failure) => (Err(failure), false),
            };
            let delay = match (&outcome, policy) {
                // A 401 from another origin (after a redirect, sent without credentials) says
                // nothing about the credential.
                (Ok(response), _)
                    if response.status() == StatusCode::UNAUTHORIZED
                        && from_origin
                        && !reauthenticated
                        && !applied.from_providers.is_empty() =>
                {
                    let mut refreshable = false;
                    for (provider, auth) in &applied.from_providers {
                        refreshable |= provider.invalidate(auth).await;
                    }
                    if refreshable {
                        reauthenticated = true;
                        attempt -= 1;
                        tracing::debug!("credential refused with 401; retrying with a fresh one");
                        continue;
                    }
                    None
                }
                (Ok(response), Some(policy))
                    if attempt < max_attempts && retry::is_retryable_status(response.status()) =>
                {
                    let delay = policy.delay_after(attempt, response.headers());
                    if delay.is_none() {
                        tracing::debug!(
                            status = response.status().as_u16(),
                            "Retry-After is beyond the retry policy's max_delay; not retrying"
                        );
                    }
                    delay
                }
                (Err(Failure::Transport(error)), Some(policy))
                    if attempt < max_attempts && retry::is_retryable_error(error) =>
                {
                    Some(policy.backoff(attempt))
                }
                _ => None,
            };
            let Some(delay) = delay else {
                return outcome;
            };
            tracing::debug!(
                attempt,
                delay_ms = delay.as_millis() as u64,
                "retrying after a transient failure"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// The URL of `request` before credentials: base URL, path and query parameters; or a
    /// next-page link (checked to be on the base URL's origin by the pager, and again here),
    /// with the request's query parameters that the link leaves out.
    fn url(&self, request: &Request, next_link: Option<&Url>) -> Result<Url, EncodeError> {
        if let Some(link) = next_link {
            if link.origin() != self.shared.origin {
                return Err(EncodeError::new(
                    "the next page's link is on another origin than the base URL",
                ));
            }
            let mut url = link.clone();
            let given: Vec<String> = link
                .query_pairs()
                .map(|(name, _)| name.into_owned())
                .collect();
            let missing: Vec<&(String, String)> = request
                .query
                .iter()
                .filter(|(name, _)| !given.contains(name))
                .collect();
            if !missing.is_empty() {
                url.query_pairs_mut().extend_pairs(
                    missing
                        .into_iter()
                        .map(|(name, value)| (name.as_str(), value.as_str())),
                );
            }
            return Ok(url);
        }
        let mut url = match &self.shared.base {
            Some((base, base_path)) => {
                let mut url = base.clone();
                if base_path.is_empty() {
                    url.set_path(&request.path);
                } else {
                    url.set_path(&format!("{base_path}{}", request.path));
                }
                url
            }
            None => {
                let target = format!("{}{}", self.shared.base_url, request.path);
                Url::parse(&target).map_err(|error| {
                    EncodeError::new(format!("invalid URL for path `{}`: {error}", request.path))
                })?
            }
        };
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(
                request
                    .query
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str())),
            );
        }
        Ok(url)
    }

    /// One attempt: the request sent, redirects followed, the body read; and whether the
    /// response came from the base URL's origin (with the credentials).
    async fn exchange(
        &self,
        request: &Request,
        mut url: Url,
        applied: &Applied,
        read: Read,
        exchanges: &mut u32,
    ) -> Result<(RawResponse, bool), Failure> {
        let mut credential_query = Vec::new();
        for placement in applied.placements.iter() {
            if let Placement::Query(name, value) = placement {
                url.query_pairs_mut().append_pair(name, value);
                credential_query.push(*name);
            }
        }
        if self.shared.in_clear
            && applied.placements.iter().next().is_some()
            && !self.shared.warned_in_clear.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                host = url.host_str().unwrap_or_default(),
                "sending a credential over plain http:// to a host that is not this machine: \
                 anyone on the way can read it; use an https:// base URL (warned once per client)"
            );
        }
        let http = self.transport(request)?;
        // Built once; the first exchange takes it, a redirect builds it again.
        let mut headers = Some(self.headers(request, applied)?);
        let mut method = request.method.clone();
        let mut body = request.body.as_ref();
        let mut same_origin = true;
        let mut redirects = 0;
        let hooked = !self.shared.middleware.is_empty();
        loop {
            *exchanges += 1;
            let headers = match headers.take() {
                Some(headers) => headers,
                None => self.headers(request, applied)?,
            };
            // The path is copied only for hooks, which are told it.
            let path = if hooked {
                url.path().to_owned()
            } else {
                String::new()
            };
            let mut http_request = self.http_request(&method, url, headers, body, same_origin)?;
            if let Some(timeout) = request.timeout {
                *http_request.timeout_mut() = Some(timeout);
            }
            let context = RequestContext {
                method: &method,
                path: &path,
                operation_id: request.operation.map(|operation| operation.id),
                path_template: request.operation.map(|operation| operation.path_template),
                attempt: *exchanges,
            };
            for middleware in &self.shared.middleware {
                middleware
                    .on_request(&mut http_request, &context)
                    .map_err(|error| {
                        EncodeError::new(format!("a middleware refused the request: {error}"))
                    })?;
            }
            // Hooks are told the latency; without hooks there is no need to read the clock.
            let sent = hooked.then(Instant::now);
            let mut response = match http.execute(http_request).await {
                Ok(response) => response,
                Err(error) => {
                    let error = redact_error(error, &credential_query);
                    self.notify(&context, sent, Outcome::Failed(&error));
                    return Err(Failure::Transport(error));
                }
            };
            let status = response.status();
            if let Some(mut next) =
                redirect_target(&response).filter(|_| redirects < self.shared.max_redirects)
            {
                let to_origin = next.origin() == self.shared.origin;
                let (next_method, next_body) = redirected(status, &method, body);
                if !to_origin && next_body.is_some() && !self.shared.resend_body_across_origins {
                    // The body may be as secret as any credential (a login form, a payment);
                    // the caller gets the redirect response and can decide.
                    tracing::debug!(
                        status = status.as_u16(),
                        "not following a redirect that would send the request body to another \
                         origin"
                    );
                } else {
                    self.notify(
                        &context,
                        sent,
                        Outcome::Response {
                            status,
                            headers: response.headers(),
                            body: None,
                        },
                    );
                    redirects += 1;
                    if !to_origin {
                        // Once the call has left the origin it was meant for, no credential
                        // goes with it again, not even if a later redirect points back.
                        same_origin = false;
                    }
                    if same_origin {
                        // The key is part of the URL, which the redirect replaced.
                        keep_query_credentials(&mut next, applied);
                    } else {
                        // A server that redirects often copies the query it was sent.
                        redact::strip_secrets(&mut next, &credential_query);
                    }
                    // reqwest would not send them, but errors would show them.
                    let _ = next.set_username("");
                    let _ = next.set_password(None);
                    method = next_method;
                    body = next_body;
                    url = next;
                    continue;
                }
            }
            let streamed = read == Read::StreamSuccess && status.is_success();
            let limit = if streamed {
                self.shared.max_download_bytes
            } else {
                self.shared.max_response_bytes
            };
            if let Some(limit) = limit {
                if method != Method::HEAD
                    && response
                        .content_length()
                        .is_some_and(|length| length > limit)
                {
                    return Err(self.too_large(&context, sent, status, response, limit));
                }
            }
            // Reading the body needs no headers: take them rather than copy them.
            let headers = std::mem::take(response.headers_mut());
            if streamed {
                self.notify(
                    &context,
                    sent,
                    Outcome::Response {
                        status,
                        headers: &headers,
                        body: None,
                    },
                );
                let pending = Pending {
                    response,
                    limit,
                    credential_query,
                    replay: None,
                };
                return Ok((RawResponse::pending(status, headers, pending), same_origin));
            }
            return match read_body(response, limit).await {
                Ok(body) => {
                    self.notify(
                        &context,
                        sent,
                        Outcome::Response {
                            status,
                            headers: &headers,
                            body: Some(&body),
                        },
                    );
                    Ok((RawResponse::new(status, headers, body), same_origin))
                }
                Err(ReadError::Transport(error)) => {
                    let error = redact_error(error, &credential_query);
                    self.notify(&context, sent, Outcome::Failed(&error));
                    Err(Failure::Transport(error))
                }
                Err(ReadError::TooLarge(limit)) => {
                    self.notify(
                        &context,
                        sent,
                        Outcome::Response {
                            status,
                            headers: &headers,
                            body: None,
                        },
                    );
                    Err(Failure::TooLarge(Box::new(ResponseTooLarge {
                        status,
                        headers,
                        limit,
                        request_id_header: None,
                    })))
                }
            };
        }
    }

    /// The transport for `request`: the client's, or, when the client has a read timeout and
    /// the request would be wrongly cut short by it, one without.
    ///
    /// reqwest starts the read timeout when the request starts, not when the response does,
    /// so it also counts the time the body takes to send: a large upload would fail for
    /// taking longer than the timeout to send, however steadily it goes. A request with its
    /// own [`Request::timeout`] is bounded by that alone (it may be an operation known to
    /// take minutes before it answers).
    fn transport(&self, request: &Request) -> Result<&reqwest::Client, Failure> {
        let Some((transport, built)) = &self.shared.patient else {
            return Ok(&self.http);
        };
        let patient =
            request.timeout.is_some() || request.body.as_ref().is_some_and(Body::is_slow_to_send);
        if !patient {
            return Ok(&self.http);
        }
        if let Some(http) = built.get() {
            return Ok(http);
        }
        let http = transport.build(false).map_err(Failure::Transport)?;
        // Two calls may build one at the same time; the first stored is kept.
        Ok(built.get_or_init(|| http))
    }

    /// A response whose `Content-Length` is over the limit, before anything of it is read.
    fn too_large(
        &self,
        context: &RequestContext<'_>,
        sent: Option<Instant>,
        status: StatusCode,
        mut response: reqwest::Response,
        limit: u64,
    ) -> Failure {
        let headers = std::mem::take(response.headers_mut());
        self.notify(
            context,
            sent,
            Outcome::Response {
                status,
                headers: &headers,
                body: None,
            },
        );
        Failure::TooLarge(Box::new(ResponseTooLarge {
            status,
            headers,
            limit,
            request_id_header: None,
        }))
    }

    /// The request's headers with its cookies and the credentials of this attempt.
    fn headers(&self, request: &Request, applied: &Applied) -> Result<HeaderMap, EncodeError> {
        let mut headers = request.headers.clone();
        if let Some(accept) = &request.accept {
            headers.insert(ACCEPT, accept.clone());
        }
        let mut cookies: Vec<String> = Vec::new();
        for placement in applied.placements.iter() {
            match placement {
                Placement::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Placement::Cookie(name, value) => cookies.push(format!("{name}={value}")),
                Placement::Query(..) => {}
            }
        }
        if !request.cookies.is_empty() || !cookies.is_empty() {
            let all: Vec<&str> = request
                .cookies
                .iter()
                .chain(&cookies)
                .map(String::as_str)
                .collect();
            let mut value = HeaderValue::from_str(&all.join("; "))
                .map_err(|_| EncodeError::new("a cookie credential holds invalid characters"))?;
            value.set_sensitive(true);
            headers.append(COOKIE, value);
        }
        Ok(headers)
    }

    /// The HTTP request for one exchange; without credentials, cookies or secret-named headers
    /// when it goes to another origin than the base URL's.
    fn http_request(
        &self,
        method: &Method,
        url: Url,
        mut headers: HeaderMap,
        body: Option<&Body>,
        same_origin: bool,
    ) -> Result<reqwest::Request, Failure> {
        if !same_origin {
            headers.remove(AUTHORIZATION);
            headers.remove(PROXY_AUTHORIZATION);
            headers.remove(COOKIE);
            // Credentials in other headers (API keys) are marked sensitive when placed; header
            // parameters (`X-Auth-Token`) are known by their names.
            let secret: Vec<_> = headers
                .iter()
                .filter(|(name, value)| {
                    value.is_sensitive() || redact::is_secret_name(name.as_str())
                })
                .map(|(name, _)| name.clone())
                .collect();
            for name in secret {
                headers.remove(name);
            }
        }
        let mut http_request = reqwest::Request::new(method.clone(), url);
        match body {
            Some(Body::Json(bytes)) => {
                headers.insert(CONTENT_TYPE, JSON);
                *http_request.body_mut() = Some(bytes.clone().into());
            }
            Some(Body::FormUrlEncoded(bytes)) => {
                headers.insert(CONTENT_TYPE, FORM_URL_ENCODED);
                *http_request.body_mut() = Some(bytes.clone().into());
            }
            Some(Body::Multipart(form)) => {
                // reqwest writes the body and the content type with its boundary.
                let built = self
                    .http
                    .request(method.clone(), http_request.url().clone())
                    .multipart(form.to_multipart()?)
                    .build()
                    .map_err(Failure::Transport)?;
                if let Some(content_type) = built.headers().get(CONTENT_TYPE) {
                    headers.insert(CONTENT_TYPE, content_type.clone());
                }
                http_request = built;
            }
            Some(Body::Raw(upload, content_type)) => {
                let (body, length) = upload
                    .take_body()
                    .ok_or_else(|| already_sent(format_args!("the upload body")))?;
                headers.insert(CONTENT_TYPE, content_type.clone());
                // reqwest sets the length of bytes itself; a stream's is known only to us.
                if let (true, Some(length)) = (upload.is_stream(), length) {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
                *http_request.body_mut() = Some(body);
            }
            Some(Body::Invalid(error)) => return Err(Failure::Encode(error.clone())),
            None => {}
        }
        *http_request.headers_mut() = headers;
        Ok(http_request)
    }

    fn notify(&self, context: &RequestContext<'_>, sent: Option<Instant>, outcome: Outcome<'_>) {
        let Some(sent) = sent else {
            return;
        };
        let exchange = Exchange {
            context: *context,
            latency: sent.elapsed(),
            outcome,
        };
        for middleware in &self.shared.middleware {
            middleware.on_response(&exchange);
        }
    }
}

/// Where a redirect response points, when it is one the runtime follows.
fn redirect_target(response: &reqwest::Response) -> Option<Url> {
    if !matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    ) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let next = response.url().join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// The method and body a redirect with `status` is followed with: `303` (and `301`/`302` after
/// a `POST`, as browsers do) turn the request into a `GET` without a body.
fn redirected<'a>(
    status: StatusCode,
    method: &Method,
    body: Option<&'a Body>,
) -> (Method, Option<&'a Body>) {
    if (status == StatusCode::SEE_OTHER && method != Method::HEAD)
        || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
            && method == Method::POST)
    {
        (Method::GET, None)
    } else {
        (method.clone(), body)
    }
}

/// Puts the credentials placed in the query back on a redirect's URL (within the origin), in
/// place of any the server copied into it.
fn keep_query_credentials(url: &mut Url, applied: &Applied) {
    let placed: Vec<(&str, &str)> = applied
        .placements
        .iter()
        .filter_map(|placement| match placement {
            Placement::Query(name, value) => Some((*name, value.as_str())),
            _ => None,
        })
        .collect();
    if placed.is_empty() {
        return;
    }
    let names: Vec<&str> = placed.iter().map(|(name, _)| *name).collect();
    redact::drop_query(url, &names);
    url.query_pairs_mut().extend_pairs(placed);
}

/// Whether credentials sent to `url` travel in clear text to another machine: plain `http://`
/// to a host that is not loopback (`127.0.0.0/8`, `::1`, `localhost` and its subdomains).
fn sends_in_clear(url: &Url) -> bool {
    use url::Host;
    if url.scheme() != "http" {
        return false;
    }
    match url.host() {
        Some(Host::Ipv4(ip)) => !ip.is_loopback(),
        Some(Host::Ipv6(ip)) => {
            !(ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback()))
        }
        Some(Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            !(domain == "localhost" || domain.ends_with(".localhost"))
        }
        None => true,
    }
}

/// What a call reads of a response before it returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// The whole body ([`Client::execute`]).
    Whole,
    /// The whole body, except that a `2xx` one is left to stream
    /// ([`Client::execute_streaming`]).
    StreamSuccess,
}

enum ReadError {
    Transport(reqwest::Error),
    TooLarge(u64),
}

/// The whole body, or [`ReadError::TooLarge`] as soon as it is over `limit`.
async fn read_body(
    mut response: reqwest::Response,
    limit: Option<u64>,
) -> Result<Bytes, ReadError> {
    let Some(limit) = limit else {
        return response.bytes().await.map_err(ReadError::Transport);
    };
    let mut body = BytesMut::new();
    let mut cap = Cap::new(limit);
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        cap.admit(&chunk).map_err(ReadError::TooLarge)?;
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A transport error whose URL no longer shows the credentials placed in its query, the
/// values of secret-named query parameters, nor any user name or password.
pub(crate) fn redact_error(mut error: reqwest::Error, credential_query: &[&str]) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        redact::redact_url(url, credential_query);
    }
    error
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &redact::url_text(&self.shared.base_url))
            .field("credentials", &self.shared.credentials)
            .field("retry", &self.shared.retry)
            .field("timeouts", &self.shared.timeouts)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .field("max_download_bytes", &self.shared.max_download_bytes)
            .field("max_redirects", &self.shared.max_redirects)
            .field(
                "resend_body_across_origins",
                &self.shared.resend_body_across_origins,
            )
            .field("middleware", &self.shared.middleware.len())
            .field("request_id_header", &self.shared.request_id_header)
            .field("idempotency_keys", &self.shared.idempotency_keys)
            .finish_non_exhaustive()
    }
}

/// Configures a client; `C` is the generated client type that [`build`](Self::build) returns.
///
/// # Defaults
///
/// A client assumes that the server, or the network between, may be hostile or broken:
///
/// - **Connecting** is limited to [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT)
///   (10 s), DNS, TCP and TLS together ([`connect_timeout`](Self::connect_timeout)).
/// - **Waiting for the server** is limited to
///   [`DEFAULT_READ_TIMEOUT`](Self::DEFAULT_READ_TIMEOUT) (30 s) without a byte: for the
///   response to start, then between reads of its body ([`read_timeout`](Self::read_timeout)).
///   A stalled server fails the call rather than hold it forever.
/// - **A whole exchange** has no limit ([`timeout`](Self::timeout)), since a large download
///   may rightly take long; the read timeout catches one that stops.
/// - **Bodies read into memory** are at most
///   [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES) (16 MiB)
///   ([`max_response_bytes`](Self::max_response_bytes)); streamed downloads have a limit of
///   their own, none by default ([`max_download_bytes`](Self::max_download_bytes)).
/// - **Redirects**: at most 10 ([`max_redirects`](Self::max_redirects)); credentials,
///   cookies, secret-named headers and query parameters never follow one to another origin,
///   nor does the request body ([`resend_body_across_origins`](Self::resend_body_across_origins)).
/// - **Plain `http://`**: a credential about to be sent over it to a host other than this
///   machine logs a `tracing` warning, once per client.
pub struct ClientBuilder<C> {
    default_base_url: Option<&'static str>,
    base_url: Option<String>,
    user_agent: String,
    timeouts: Timeouts,
    credentials: Credentials,
    schemes: &'static [&'static SecurityScheme],
    retry: Option<RetryPolicy>,
    max_response_bytes: u64,
    max_download_bytes: Option<u64>,
    max_redirects: usize,
    resend_body_across_origins: bool,
    middleware: Vec<Arc<dyn Middleware>>,
    http: Option<reqwest::Client>,
    request_id_header: Option<String>,
    idempotency_keys: bool,
    client: PhantomData<fn() -> C>,
}

impl<C> ClientBuilder<C> {
    /// How long connecting may take by default: DNS, TCP and TLS together.
    ///
    /// Ten seconds: generated clients talk to any API anywhere, often over mobile or
    /// congested links, where a TLS handshake across an ocean with one lost SYN (retried after
    /// 1 s, then 3 s) takes several seconds; the AWS SDK's 3.1 s suits its own nearby
    /// endpoints, not these. Without a limit, an unreachable host fails only when the
    /// operating system gives up (over two minutes on Linux).
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// How long the client waits by default for the server's next bytes: for the response to
    /// start, then between reads of its body.
    ///
    /// Thirty seconds: far longer than a healthy server takes to start answering or to send
    /// its next packet, short enough that a server that went silent does not hold a call (and
    /// its connection) for good. Operations known to take longer set their own
    /// [`Request::timeout`], which replaces it.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

    /// The longest body read into memory by default: 16 MiB, many times any JSON answer an API
    /// plausibly sends, and small enough that a broken or hostile server cannot make the
    /// client hold gigabytes.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 << 20;
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder whose base URL defaults to `default_base_url` (the spec's first server, when
    /// it is absolute) and whose `User-Agent` is `user_agent`; every other setting is as the
    /// [defaults](Self#defaults) say.
    pub fn new(default_base_url: Option<&'static str>, user_agent: &str) -> Self {
        ClientBuilder {
            default_base_url,
            base_url: None,
            user_agent: user_agent.to_owned(),
            timeouts: Timeouts {
                total: None,
                connect: Some(Self::DEFAULT_CONNECT_TIMEOUT),
                read: Some(Self::DEFAULT_READ_TIMEOUT),
            },
            credentials: Credentials::default(),
            schemes: &[],
            retry: None,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_download_bytes: None,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            resend_body_across_origins: false,
            middleware: Vec::new(),
            http: None,
            request_id_header: None,
            idempotency_keys: true,
            client: PhantomData,
        }
    }

    /// The base URL every operation path is appended to, such as `https://api.example.com/v1`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The security schemes the spec declares (generated code gives them all), so that
    /// [`build`](Self::build) can refuse a credential that cannot be sent as its scheme says
    /// (a line break in a header, a `;` in a cookie) rather than the first request using it.
    /// Without them the same checks happen at each request.
    pub fn security_schemes(mut self, schemes: &'static [&'static SecurityScheme]) -> Self {
        self.schemes = schemes;
        self
    }

    /// The credential used for every security scheme it fits (see [`Auth`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.credentials.default = Some(Source::Fixed(Fixed::new(auth)));
        self
    }

    /// The credential for one security scheme, by its name in the spec; wins over [`auth`](Self::auth).
    pub fn scheme_auth(self, scheme: impl Into<String>, auth: Auth) -> Self {
        self.scheme_source(scheme.into(), Source::Fixed(Fixed::new(auth)))
    }

    /// A provider asked for a credential before each request, used for every security scheme
    /// its [`kind`](CredentialProvider::kind) fits; replaces [`auth`](Self::auth).
    ///
    /// Typically a [`TokenProvider`](crate::TokenProvider) around the API's token call. A
    /// credential it gives that cannot be sent as its scheme says (a `;` in a cookie) fails
    /// the request with [`Error::Credential`] before anything is sent.
    pub fn auth_provider(mut self, provider: impl CredentialProvider + 'static) -> Self {
        self.credentials.default = Some(Source::Provider(Arc::new(provider)));
        self
    }

    /// A provider for one security scheme, by its name in the spec; wins over the default
    /// credential, and replaces a [`scheme_auth`](Self::scheme_auth) for the same scheme.
    pub fn scheme_auth_provider(
        self,
        scheme: impl Into<String>,
        provider: impl CredentialProvider + 'static,
    ) -> Self {
        self.scheme_source(scheme.into(), Source::Provider(Arc::new(provider)))
    }

    fn scheme_source(mut self, scheme: String, source: Source) -> Self {
        self.credentials
            .per_scheme
            .retain(|(name, _)| *name != scheme);
        self.credentials.per_scheme.push((scheme, source));
        self
    }

    /// The limit on a whole exchange, from connecting to the end of the body; a request's own
    /// [`Request::timeout`] replaces it. With retries, it applies to each attempt. None by
    /// default; `None` switches it off again.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeouts.total = timeout.into();
        self
    }

    /// The limit on establishing a connection (DNS, TCP and TLS);
    /// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT) by default, `None` for none.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeouts.connect = timeout.into();
        self
    }

    /// The longest wait for the server's next bytes: for the response to start after the
    /// request is sent, then between reads of its body;
    /// [`DEFAULT_READ_TIMEOUT`](Self::DEFAULT_READ_TIMEOUT) by default, `None` for none. Going
    /// over it is [`Error::Transport`] with
    /// [`is_timeout`](reqwest::Error::is_timeout), retried like any timeout.
    ///
    /// It does not apply to requests it would cut short wrongly: one with its own
    /// [`Request::timeout`] (bounded by that alone), and one whose body may take long to
    /// send (a streamed [`Upload`](crate::Upload), a multipart form with files, or any body
    /// over 1 MiB), since the wait is counted from the start of the request.
    pub fn read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeouts.read = timeout.into();
        self
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Turns on retries for idempotent requests (and sets the policy of requests marked
    /// [`retry_safe`](Request::retry_safe)); see [`RetryPolicy`]. Off by default.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The longest response body read into memory, in bytes: every body
    /// [`Client::execute`] reads, and the error bodies of
    /// [`Client::execute_streaming`]. A longer one is [`Error::ResponseTooLarge`], with the
    /// status and headers. [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES)
    /// (16 MiB) by default; `u64::MAX` for no limit.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The longest body a streamed download
    /// ([`Client::execute_streaming`], [`ByteStream`](crate::ByteStream)) may have, in bytes;
    /// the chunk that goes over it is [`Error::ResponseTooLarge`]. No limit by default: a
    /// stream is read a chunk at a time, so its length costs no memory (unless it is
    /// [`collect`](crate::ByteStream::collect)ed).
    pub fn max_download_bytes(mut self, limit: u64) -> Self {
        self.max_download_bytes = Some(limit);
        self
    }

    /// How many redirects (`301`, `302`, `303`, `307`, `308`) a call follows before it returns
    /// the redirect response itself; 10 by default, `0` follows none.
    ///
    /// The runtime follows redirects itself, so that credentials and cookies are sent only to
    /// the origin of the base URL: a redirect to another scheme, host or port is followed
    /// without them, without secret-named headers and query parameters
    /// ([`is_secret_name`](crate::is_secret_name)), and not at all when it would send the
    /// request body there (see [`resend_body_across_origins`](Self::resend_body_across_origins)).
    /// Within the origin, a redirect keeps every credential, an API key in the query included.
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// Whether a redirect to another origin that keeps the request body (`307`, `308`; also
    /// `301` and `302` after a method other than `POST`) is followed, sending the body there.
    ///
    /// Off by default: such a redirect is not followed, and comes back as the response (an
    /// unexpected status for a generated operation), because the body (a login form, a
    /// payment) may be as secret as a credential and the other origin was never meant to
    /// see it. Redirects within the origin, and those that drop the body (`303`, `301`/`302`
    /// after a `POST`), are followed either way.
    pub fn resend_body_across_origins(mut self, resend: bool) -> Self {
        self.resend_body_across_origins = resend;
        self
    }

    /// Adds a hook that sees every exchange (see [`Middleware`]); hooks run in the order added.
    pub fn middleware(mut self, middleware: impl Middleware + 'static) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Sends through a `reqwest::Client` you configured yourself; timeouts and user agent set
    /// on this builder (and their defaults) are then ignored in favour of that client's own.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())` so that the runtime follows
    /// redirects and keeps credentials to their origin; if that client follows redirects
    /// itself, reqwest drops `Authorization` and `Cookie` on a redirect to another host, but
    /// not API keys in other headers.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The header this API sends its request id in, when it is not one of the common ones
    /// ([`REQUEST_ID_HEADERS`](crate::REQUEST_ID_HEADERS)); it is looked at first. The id is
    /// kept on every response and error ([`Response::request_id`](crate::Response::request_id),
    /// [`Error::request_id`]) and shown in the error's message.
    pub fn request_id_header(mut self, name: impl Into<String>) -> Self {
        self.request_id_header = Some(name.into());
        self
    }

    /// Whether an operation that declares an idempotency-key header (`Idempotency-Key`) gets a
    /// fresh random key (a UUID) on each call that does not set one, which makes it safe to
    /// retry: the server applies a key once. On by default; the key is the same on every retry
    /// of one call.
    pub fn idempotency_keys(mut self, fill: bool) -> Self {
        self.idempotency_keys = fill;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = match self.base_url {
            Some(url) => url,
            None => self
                .default_base_url
                .map(str::to_owned)
                .ok_or(BuildError::MissingBaseUrl)?,
        };
        // A URL is printed in logs and errors; a credential in it would be too.
        let refused = |reason: String| BuildError::InvalidBaseUrl {
            url: redact::url_text(&base_url),
            reason,
        };
        let parsed = Url::parse(&base_url).map_err(|error| refused(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(refused("only http and https are supported".to_owned()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(refused(
                "a base URL may not carry a user name or password; give credentials with \
                 `.auth(...)`"
                    .to_owned(),
            ));
        }
        let request_id_header = match self.request_id_header {
            Some(name) => Some(
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| BuildError::InvalidRequestIdHeader(name))?,
            ),
            None => None,
        };
        self.credentials
            .check(self.schemes)
            .map_err(|(scheme, reason)| BuildError::InvalidCredential { scheme, reason })?;
        let (http, timeouts, patient) = match self.http {
            Some(http) => (http, Timeouts::default(), None),
            None => {
                let user_agent = HeaderValue::from_str(&self.user_agent)
                    .map_err(|_| BuildError::InvalidUserAgent(self.user_agent.clone()))?;
                let transport = Transport {
                    user_agent,
                    timeouts: self.timeouts,
                };
                let http = transport.build(true)?;
                let patient = transport
                    .timeouts
                    .read
                    .is_some()
                    .then(|| (transport, OnceLock::new()));
                (http, self.timeouts, patient)
            }
        };
        let base = (parsed.query().is_none() && parsed.fragment().is_none()).then(|| {
            let base_path: Box<str> = parsed.path().trim_end_matches('/').into();
            (parsed.clone(), base_path)
        });
        Ok(C::from(Client {
            http,
            shared: Arc::new(Shared {
                base_url: base_url.trim_end_matches('/').into(),
                base,
                origin: parsed.origin(),
                credentials: self.credentials,
                retry: self.retry,
                max_response_bytes: Some(self.max_response_bytes)
                    .filter(|limit| *limit != u64::MAX),
                max_download_bytes: self.max_download_bytes,
                max_redirects: self.max_redirects,
                resend_body_across_origins: self.resend_body_across_origins,
                middleware: self.middleware,
                timeouts,
                patient,
                in_clear: sends_in_clear(&parsed),
                warned_in_clear: AtomicBool::new(false),
                request_id_header,
                idempotency_keys: self.idempotency_keys,
            }),
        }))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .or(self.default_base_url)
                    .map(redact::url_text),
            )
            .field("user_agent", &self.user_agent)
            .field("timeouts", &self.timeouts)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_download_bytes", &self.max_download_bytes)
            .field("max_redirects", &self.max_redirects)
            .field(
                "resend_body_across_origins",
                &self.resend_body_across_origins,
            )
            .field("middleware", &self.middleware.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    /// The URL the client builds, and the one parsing base URL and path as one string gives.
    fn both(base_url: &str, path: &str) -> (Url, Url) {
        let client = ClientBuilder::<Client>::new(None, "ua")
            .base_url(base_url)
            .build()
            .expect("a client");
        let request = Request::new(Method::GET, path.to_owned(), &[]);
        let built = client.url(&request, None).expect("a URL");
        let parsed =
            Url::parse(&format!("{}{path}", base_url.trim_end_matches('/'))).expect("a parsed URL");
        (built, parsed)
    }

    #[test]
    fn request_urls_are_the_base_url_followed_by_the_path() {
        for (base_url, path) in [
            ("http://127.0.0.1:8080", "/jwt"),
            ("http://127.0.0.1:8080/", "/jwt"),
            ("https://api.example.com/ns-api/v2", "/jwt/a%2Fb%3Fc%23d"),
            ("https://api.example.com/ns-api/v2/", "/jwt/1000%40example"),
            ("https://api.example.com/v1", "/items/%2E%2E/x"),
            ("https://api.example.com/v1", "/a b/ü"),
            ("https://API.example.com:443/v1", ""),
        ] {
            let (built, parsed) = both(base_url, path);
            assert_eq!(built, parsed, "{base_url} + {path}");
        }
        let (built, _) = both("https://api.example.com/ns-api/v2", "/jwt/x");
        assert_eq!(built.as_str(), "https://api.example.com/ns-api/v2/jwt/x");
    }

    #[test]
    fn credentials_travel_in_clear_over_http_to_any_host_but_this_machine() {
        for url in [
            "http://api.example.com",
            "http://10.0.0.1:8080",
            "http://[2001:db8::1]",
            "http://localhost.example.com",
            "http://128.0.0.1",
        ] {
            assert!(sends_in_clear(&Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "https://api.example.com",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://[::ffff:127.0.0.1]",
            "http://localhost:3000",
            "http://LOCALHOST.",
            "http://api.localhost",
        ] {
            assert!(!sends_in_clear(&Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn a_base_url_with_a_query_is_parsed_with_each_path() {
        let (built, parsed) = both("https://api.example.com/v1?tenant=a", "/jwt");
        assert_eq!(built, parsed);
    }
}

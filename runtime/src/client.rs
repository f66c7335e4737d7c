//! The configured transport: base URL, credentials, timeouts, user agent, and sending.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{COOKIE, HeaderValue};
use url::Url;

use crate::auth::{Auth, Credentials, Placement};
use crate::error::{BuildError, EncodeError, Error};
use crate::request::{Body, Request};
use crate::response::RawResponse;

/// The transport every generated client wraps. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Arc<str>,
    credentials: Arc<Credentials>,
}

impl Client {
    /// The base URL requests are resolved against, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` and reads the whole response.
    ///
    /// Credentials are applied for the first of the request's security alternatives that the
    /// client holds credentials for; operations that need none get none.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let placements = self.credentials.placements(request.security)?;
        let target = format!("{}{}", self.base_url, request.path);
        let mut url = Url::parse(&target)
            .map_err(|error| EncodeError::new(format!("invalid URL `{target}`: {error}")))?;
        let auth_query = placements.iter().filter_map(|placement| match placement {
            Placement::Query(name, value) => Some((*name, value.as_str())),
            _ => None,
        });
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .chain(auth_query)
            .collect();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        let mut headers = request.headers;
        let mut cookies = request.cookies;
        for placement in placements {
            match placement {
                Placement::Header(name, value) => {
                    headers.insert(name, value);
                }
                Placement::Cookie(name, value) => cookies.push(format!("{name}={value}")),
                Placement::Query(..) => {}
            }
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|_| EncodeError::new("a cookie credential holds invalid characters"))?;
            value.set_sensitive(true);
            headers.append(COOKIE, value);
        }

        let mut builder = self.http.request(request.method, url).headers(headers);
        builder = match request.body {
            None => builder,
            Some(Body::Json(bytes)) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes),
            Some(Body::FormUrlEncoded(text)) => builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(text),
            Some(Body::Multipart(form)) => builder.multipart(form.into_multipart()),
        };
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(RawResponse::new(status, headers, body))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Configures a client; `C` is the generated client type that [`build`](Self::build) returns.
pub struct ClientBuilder<C> {
    default_base_url: Option<&'static str>,
    base_url: Option<String>,
    user_agent: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder whose base URL defaults to `default_base_url` (the spec's first server, when
    /// it is absolute) and whose `User-Agent` is `user_agent`.
    pub fn new(default_base_url: Option<&'static str>, user_agent: &str) -> Self {
        ClientBuilder {
            default_base_url,
            base_url: None,
            user_agent: user_agent.to_owned(),
            timeout: None,
            connect_timeout: None,
            credentials: Credentials::default(),
            http: None,
            client: PhantomData,
        }
    }

    /// The base URL every operation path is appended to, such as `https://api.example.com/v1`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credential used for every security scheme it fits (see [`Auth`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.credentials.default = Some(auth);
        self
    }

    /// The credential for one security scheme, by its name in the spec; wins over [`auth`](Self::auth).
    pub fn scheme_auth(mut self, scheme: impl Into<String>, auth: Auth) -> Self {
        let scheme = scheme.into();
        self.credentials
            .per_scheme
            .retain(|(name, _)| *name != scheme);
        self.credentials.per_scheme.push((scheme, auth));
        self
    }

    /// The limit on a whole request, from connecting to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit on establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through a `reqwest::Client` you configured yourself; timeouts and user agent set
    /// on this builder are then ignored in favour of that client's own.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
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
        let parsed = Url::parse(&base_url).map_err(|error| BuildError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: error.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BuildError::InvalidBaseUrl {
                url: base_url,
                reason: "only http and https are supported".to_owned(),
            });
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let user_agent = HeaderValue::from_str(&self.user_agent)
                    .map_err(|_| BuildError::InvalidUserAgent(self.user_agent.clone()))?;
                let mut builder = reqwest::Client::builder().user_agent(user_agent);
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build()?
            }
        };
        Ok(C::from(Client {
            http,
            base_url: base_url.trim_end_matches('/').into(),
            credentials: Arc::new(self.credentials),
        }))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &self.base_url.as_deref().or(self.default_base_url),
            )
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

//! [`ClientBuilder`]: where the client connects and how.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::auth::{Credentials, SessionCookies};
use super::limit::{PcSize, RateLimiter};
use super::redact;
use super::retry::RetryPolicy;
use super::{Client, Inner};
use crate::{Error, Secret};

/// The port Prism Central and Prism Element serve the v4 API on.
pub const DEFAULT_PORT: u16 = 9440;

/// The default connect timeout and per-read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` the client sends: `ntnx-rust-sdk/<version>`.
pub const USER_AGENT: &str = concat!("ntnx-rust-sdk/", env!("CARGO_PKG_VERSION"));

/// Settings of a [`Client`]. Start from [`Client::builder`].
///
/// Defaults: `https`, port 9440, TLS certificates verified against the system roots,
/// proxies from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, connect and read timeouts of 30 s,
/// no per-call deadline (a call ends when its retry budget does), [`RetryPolicy::default`]
/// (retries for up to 120 s), session cookies reused, no client-side rate limit.
#[derive(Clone)]
pub struct ClientBuilder {
    host: String,
    port: u16,
    https: bool,
    base_url: Option<String>,
    credentials: Credentials,
    session_cookies: bool,
    accept_invalid_certs: bool,
    root_certificates: Vec<Vec<u8>>,
    client_identity: Option<Secret>,
    proxy: Option<String>,
    no_proxy: Option<String>,
    proxy_from_env: bool,
    connect_timeout: Duration,
    read_timeout: Duration,
    default_headers: HeaderMap,
    user_agent_suffix: Option<String>,
    retry: RetryPolicy,
    call_timeout: Option<Duration>,
    rate_limit: Option<PcSize>,
    problem: Option<String>,
}

impl ClientBuilder {
    pub(crate) fn new(host: String) -> ClientBuilder {
        ClientBuilder {
            host,
            port: DEFAULT_PORT,
            https: true,
            base_url: None,
            credentials: Credentials::None,
            session_cookies: true,
            accept_invalid_certs: false,
            root_certificates: Vec::new(),
            client_identity: None,
            proxy: None,
            no_proxy: None,
            proxy_from_env: true,
            connect_timeout: DEFAULT_TIMEOUT,
            read_timeout: DEFAULT_TIMEOUT,
            default_headers: HeaderMap::new(),
            user_agent_suffix: None,
            retry: RetryPolicy::default(),
            call_timeout: None,
            rate_limit: None,
            problem: None,
        }
    }

    /// The port (default 9440).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// `https` (the default) or, with `false`, plain `http`.
    pub fn https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }

    /// Connects to `url` (`scheme://host:port`, optionally with a path prefix) instead of
    /// host, port and scheme; `/api` is appended. Meant for tests and gateways.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// HTTP basic authentication; after the first answer that sets a session cookie the
    /// cookie is sent instead.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials = Credentials::Basic {
            username: username.into(),
            password: password.into(),
        };
        self
    }

    /// An API key, sent as `X-ntnx-api-key` on every request.
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials = Credentials::ApiKey(key.into());
        self
    }

    /// Any [`Credentials`].
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Whether to keep the cookies the server sets and send them back instead of basic
    /// credentials (default `true`).
    pub fn session_cookies(mut self, enabled: bool) -> Self {
        self.session_cookies = enabled;
        self
    }

    /// Accepts any server certificate. Only for test clusters with self-signed
    /// certificates you cannot add with [`add_root_certificate_pem`](Self::add_root_certificate_pem).
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// Trusts the CA certificates of a PEM bundle besides the system roots.
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Presents a client certificate when the server asks for one (mutual TLS, as Prism
    /// does when client certificate authentication is on). `pem` holds the certificate,
    /// any intermediate certificates, and the private key (PKCS#8, PKCS#1 or SEC1); it is
    /// kept as a [`Secret`], so it never shows in `Debug`.
    pub fn client_identity_pem(mut self, pem: impl Into<Secret>) -> Self {
        self.client_identity = Some(pem.into());
        self
    }

    /// Sends every request through this proxy (`http://proxy:3128`, credentials may be in
    /// the URL). Replaces the proxies from the environment.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Hosts the explicit [`proxy`](Self::proxy) is not used for, in `NO_PROXY` syntax
    /// (`localhost,10.0.0.0/8,.example.com`).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// Whether to use proxies from the environment when no explicit proxy is set
    /// (default `true`).
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = enabled;
        self
    }

    /// Timeout of establishing a connection (TCP and TLS); default 30 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of each read from the connection, reset by every read that returns data;
    /// default 30 s. There is no overall deadline.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes());
        let value = HeaderValue::try_from(value);
        match (name, value) {
            (Ok(name), Ok(mut value)) => {
                if redact::is_sensitive(&name) {
                    value.set_sensitive(true);
                }
                self.default_headers.append(name, value);
            }
            _ => {
                self.problem
                    .get_or_insert_with(|| "a default header is not valid".to_owned());
            }
        }
        self
    }

    /// Text appended to the `User-Agent` (`ntnx-rust-sdk/0.1.0 my-tool/2.3`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The retry settings.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long a call keeps retrying retryable failures, from its first send (default
    /// 120 s, which rides out a Prism Central service restart); calls may set their own.
    pub fn retry_budget(mut self, budget: Duration) -> Self {
        self.retry.budget = budget;
        self
    }

    /// Sends in all per call at the most, the first included, whatever the budget
    /// (default unlimited; 1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts;
        self
    }

    /// Upper bound of the first retry wait (default 1 s).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// Upper bound of any computed retry wait (default 20 s).
    pub fn retry_max_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    /// The longest any call may take, retries included (until its body is read; for a
    /// download, until its headers arrive). Distinct from the connect and read timeouts,
    /// which bound one connection and one read. Calls may set their own. Default none.
    pub fn call_timeout(mut self, deadline: Duration) -> Self {
        self.call_timeout = Some(deadline);
        self
    }

    /// Paces every operation to the `x-rate-limit` the spec gives for a Prism Central of
    /// `size` (see [`limit`](super::limit) for why this is off by default).
    pub fn rate_limit(mut self, size: PcSize) -> Self {
        self.rate_limit = Some(size);
        self
    }

    /// The URL every operation path is appended to, e.g. `https://10.0.0.5:9440/api`.
    pub fn api_root(&self) -> Result<String, Error> {
        let root = match &self.base_url {
            Some(url) => {
                let parsed = reqwest::Url::parse(url)
                    .map_err(|e| Error::config(format!("base URL `{url}` is not valid: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                    return Err(Error::config(format!(
                        "base URL `{url}` must be http:// or https:// with a host"
                    )));
                }
                if !parsed.username().is_empty() || parsed.password().is_some() {
                    return Err(Error::config(
                        "put credentials in basic_auth() or api_key(), not in the base URL",
                    ));
                }
                if parsed.query().is_some() || parsed.fragment().is_some() {
                    return Err(Error::config(format!(
                        "base URL `{url}` cannot have a query or fragment"
                    )));
                }
                format!("{}/api", parsed.as_str().trim_end_matches('/'))
            }
            None => {
                let scheme = if self.https { "https" } else { "http" };
                format!("{scheme}://{}:{}/api", url_host(&self.host)?, self.port)
            }
        };
        reqwest::Url::parse(&root)
            .map_err(|e| Error::config(format!("`{root}` is not a valid URL: {e}")))?;
        Ok(root)
    }

    /// The `User-Agent` this builder sends.
    pub fn user_agent(&self) -> String {
        match &self.user_agent_suffix {
            Some(suffix) if !suffix.trim().is_empty() => format!("{USER_AGENT} {}", suffix.trim()),
            _ => USER_AGENT.to_owned(),
        }
    }

    /// Builds the client (one connection pool, shared by every clone).
    pub fn build(self) -> Result<Client, Error> {
        if let Some(problem) = &self.problem {
            return Err(Error::config(problem.clone()));
        }
        self.credentials.validate().map_err(Error::config)?;
        if self.retry.max_attempts == 0 {
            return Err(Error::config("max_attempts must be at least 1"));
        }
        let api_root = self.api_root()?;
        super::tls::ensure_provider()?;
        let user_agent = self.user_agent();
        let user_agent_value = HeaderValue::try_from(user_agent.as_str())
            .map_err(|_| Error::config("the user agent suffix is not a valid header value"))?;
        // Redirects are decided by the client itself (`client/redirect.rs`).
        let base = || {
            reqwest::Client::builder()
                .user_agent(user_agent_value.clone())
                .connect_timeout(self.connect_timeout)
                .read_timeout(self.read_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .danger_accept_invalid_certs(self.accept_invalid_certs)
        };
        let mut http = base().default_headers(self.default_headers.clone());
        let mut foreign = base();
        let mut roots = Vec::new();
        for pem in &self.root_certificates {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::config(format!("a root certificate is not valid PEM: {e}")))?;
            if certificates.is_empty() {
                return Err(Error::config("a root certificate PEM holds no certificate"));
            }
            roots.extend(certificates);
        }
        if !roots.is_empty() {
            foreign = foreign.tls_certs_merge(roots.clone());
            http = http.tls_certs_merge(roots);
        }
        if let Some(pem) = &self.client_identity {
            let identity = reqwest::Identity::from_pem(pem.expose().as_bytes()).map_err(|e| {
                Error::config(format!(
                    "the client identity must be PEM with a certificate and its private key: {e}"
                ))
            })?;
            http = http.identity(identity);
        }
        match &self.proxy {
            Some(url) => {
                let no_proxy = self
                    .no_proxy
                    .as_deref()
                    .and_then(reqwest::NoProxy::from_string);
                let proxy = reqwest::Proxy::all(url.as_str())
                    .map_err(|_| {
                        Error::config(format!("proxy `{}` is not a valid URL", redact_url(url)))
                    })?
                    .no_proxy(no_proxy);
                foreign = foreign.proxy(proxy.clone());
                http = http.proxy(proxy);
            }
            None if !self.proxy_from_env => {
                http = http.no_proxy();
                foreign = foreign.no_proxy();
            }
            None => {}
        }
        let set_up =
            |e: reqwest::Error| Error::config(format!("the HTTP client could not be set up: {e}"));
        let http = http.build().map_err(set_up)?;
        let foreign_http = foreign.build().map_err(set_up)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                foreign_http,
                api_root,
                user_agent,
                credentials: self.credentials,
                session: self.session_cookies.then(SessionCookies::default),
                retry: self.retry,
                call_timeout: self.call_timeout,
                limiter: self.rate_limit.map(RateLimiter::new),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("https", &self.https)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("session_cookies", &self.session_cookies)
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("root_certificates", &self.root_certificates.len())
            .field("client_identity", &self.client_identity)
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("no_proxy", &self.no_proxy)
            .field("proxy_from_env", &self.proxy_from_env)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field(
                "default_headers",
                &redact::Headers::of(&self.default_headers),
            )
            .field("user_agent", &self.user_agent())
            .field("retry", &self.retry)
            .field("call_timeout", &self.call_timeout)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// The host as it goes in a URL: IPv6 literals in brackets (a zone id's `%` escaped).
pub fn url_host(host: &str) -> Result<String, Error> {
    let host = host.trim();
    if host.is_empty() {
        return Err(Error::config("the host is empty"));
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return url_host(inner).and_then(|bracketed| match bracketed.starts_with('[') {
            true => Ok(bracketed),
            false => Err(Error::config(format!("`{host}` is not an IPv6 address"))),
        });
    }
    let (address, zone) = match host.split_once('%') {
        Some((address, zone)) => (address, Some(zone)),
        None => (host, None),
    };
    if let Ok(ip) = address.parse::<Ipv6Addr>() {
        return Ok(match zone {
            Some(zone) => format!("[{ip}%25{zone}]"),
            None => format!("[{ip}]"),
        });
    }
    if host.parse::<IpAddr>().is_ok() {
        return Ok(host.to_owned());
    }
    let valid = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if !valid {
        let hint = if host.contains("://") || host.contains(':') {
            " (give the port with .port() and a full URL with .base_url())"
        } else {
            ""
        };
        return Err(Error::config(format!(
            "`{host}` is not an IP address or host name{hint}"
        )));
    }
    Ok(host.to_owned())
}

/// A URL with its password (and user name) replaced by `***`.
fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("***");
                let _ = parsed.set_password(None);
            }
            parsed.to_string()
        }
        Err(_) => "(not a valid URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_in_urls() {
        let root = |host: &str| ClientBuilder::new(host.to_owned()).api_root();
        assert_eq!(root("10.0.0.5").unwrap(), "https://10.0.0.5:9440/api");
        assert_eq!(root("fd00::15").unwrap(), "https://[fd00::15]:9440/api");
        assert_eq!(root("[fd00::15]").unwrap(), "https://[fd00::15]:9440/api");
        assert_eq!(
            root("pc.example.com").unwrap(),
            "https://pc.example.com:9440/api"
        );
        assert_eq!(
            ClientBuilder::new("::1".into())
                .port(8443)
                .https(false)
                .api_root()
                .unwrap(),
            "http://[::1]:8443/api"
        );
        for bad in [
            "",
            "pc.example.com:9440",
            "https://pc",
            "a/b",
            "[pc]",
            "a b",
        ] {
            assert!(root(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_url_override() {
        let builder = ClientBuilder::new("ignored".into());
        assert_eq!(
            builder
                .clone()
                .base_url("http://127.0.0.1:8080/")
                .api_root()
                .unwrap(),
            "http://127.0.0.1:8080/api"
        );
        assert!(builder
            .clone()
            .base_url("http://u:p@127.0.0.1:8080")
            .api_root()
            .is_err());
        assert!(builder.base_url("ftp://127.0.0.1").api_root().is_err());
    }

    #[test]
    fn debug_redacts() {
        let builder = ClientBuilder::new("h".into())
            .basic_auth("admin", "s3cr3t-pw")
            .proxy("http://puser:proxy-pw@proxy:3128")
            .default_header("Authorization", "Bearer tok3n");
        let text = format!("{builder:?}");
        for secret in ["s3cr3t-pw", "proxy-pw", "puser", "tok3n"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("admin"));
    }

    #[test]
    fn user_agent_suffix() {
        let builder = ClientBuilder::new("h".into()).user_agent_suffix("tool/1.2");
        assert_eq!(
            builder.user_agent(),
            format!("ntnx-rust-sdk/{} tool/1.2", env!("CARGO_PKG_VERSION"))
        );
    }
}

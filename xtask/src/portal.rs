//! Downloads from the Nutanix developer portal, where each namespace version's spec is
//! published at `<base>/api/v1/namespaces/<namespace>/versions/<version>/yaml`.
//!
//! The base is `https://developers.nutanix.com`, or `NTNX_SPECS_URL_BASE` (tests use a
//! server on 127.0.0.1). Proxies come from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` and
//! TLS certificates are checked against the system's roots, as reqwest does by default.
//! Each download has a connect timeout, an overall timeout, and three retries with backoff
//! on connection failures and 5xx answers; a 4xx is final.

use std::time::Duration;

/// Where the portal is, unless `NTNX_SPECS_URL_BASE` says otherwise.
pub const DEFAULT_BASE: &str = "https://developers.nutanix.com";

/// Sends in all for one download.
const ATTEMPTS: u32 = 4;

/// The portal at one base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Portal {
    base: String,
}

impl Portal {
    /// The portal at `base` (`https://developers.nutanix.com`, or a test server).
    pub fn at(base: &str) -> Portal {
        Portal {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The portal at `NTNX_SPECS_URL_BASE`, else [`DEFAULT_BASE`].
    pub fn from_env() -> Portal {
        let base = std::env::var("NTNX_SPECS_URL_BASE")
            .ok()
            .filter(|b| !b.is_empty());
        Portal::at(base.as_deref().unwrap_or(DEFAULT_BASE))
    }

    /// The URL of `namespace` at `version`.
    pub fn spec_url(&self, namespace: &str, version: &str) -> String {
        format!(
            "{}/api/v1/namespaces/{namespace}/versions/{version}/yaml",
            self.base
        )
    }

    /// `url` (a manifest's pinned URL) on this portal: a URL on [`DEFAULT_BASE`] moves to
    /// this base; any other URL is kept.
    pub fn rebased(&self, url: &str) -> String {
        match url.strip_prefix(DEFAULT_BASE) {
            Some(rest) => format!("{}{rest}", self.base),
            None => url.to_owned(),
        }
    }
}

/// Why a download failed.
#[derive(Debug)]
pub enum FetchError {
    /// The server answered with this status (after retries, for 5xx).
    Status(u16),
    /// No answer: connection refused or dropped, DNS, TLS, timeout.
    Transport(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Status(404) => f.write_str("404 Not Found: no such namespace or version"),
            FetchError::Status(status) => write!(f, "the server answered {status}"),
            FetchError::Transport(message) => write!(
                f,
                "{message} (offline? behind a proxy? HTTPS_PROXY is honoured)"
            ),
        }
    }
}

/// The body at `url`, retried as the module docs say.
pub fn download(url: &str) -> Result<Vec<u8>, FetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Transport(format!("cannot start a runtime: {e}")))?;
    runtime.block_on(download_async(url))
}

async fn download_async(url: &str) -> Result<Vec<u8>, FetchError> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(300))
        .user_agent(concat!("ntnx-sdk-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Transport(format!("cannot build an HTTP client: {e}")))?;
    let mut last = FetchError::Transport("not tried".to_owned());
    for attempt in 1..=ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(Duration::from_millis(250 << (attempt - 2))).await;
        }
        match once(&client, url).await {
            Ok(body) => return Ok(body),
            Err(FetchError::Status(status)) if status < 500 => {
                return Err(FetchError::Status(status))
            }
            Err(error) => last = error,
        }
    }
    Err(last)
}

async fn once(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, FetchError> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| FetchError::Transport(chain(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status(status.as_u16()));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| FetchError::Transport(chain(&e)))?;
    Ok(body.to_vec())
}

/// An error and its causes on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        next = cause.source();
    }
    text
}

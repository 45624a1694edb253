//! The HTTP client the generated per-namespace clients call.
//!
//! One [`Client`] holds one connection pool, its own credentials and session cookie, and
//! the retry settings; clones share all of it, so every namespace client built from the
//! same `Client` shares the pool and the session.
//!
//! ```no_run
//! use ntnx_runtime::client::{Operation, Request};
//! use ntnx_runtime::Client;
//!
//! // The generator emits one static per operation.
//! static GET_IMAGE: Operation = Operation {
//!     id: "getImageById",
//!     method: http::Method::GET,
//!     path: "/vmm/v4.0/content/images/{extId}",
//! };
//!
//! # async fn run() -> Result<(), ntnx_runtime::Error> {
//! let client = Client::builder("pc.example.com")
//!     .basic_auth("admin", "secret")
//!     .add_root_certificate_pem(std::fs::read("ca.pem").unwrap_or_default())
//!     .build()?;
//! let request = Request::new(&GET_IMAGE).path_param("extId", "7d3f1a52-9c4b-4e8e-b1a0-5f2c6d8e9a10");
//! let response = client
//!     .send_envelope::<serde_json::Value, serde_json::Value>(request)
//!     .await?;
//! println!("{:?} (ETag {:?})", response.data, response.etag());
//! # Ok(()) }
//! ```
//!
//! Every call runs in a `ntnx_call` tracing span (operation, method, path template,
//! request id, status, attempt, latency) and logs each attempt; credentials, cookies and
//! API keys are never logged, and `Debug` output hides them.

pub mod auth;
pub mod config;
pub(crate) mod redact;
pub mod request;
pub mod response;
pub mod retry;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use futures::StreamExt as _;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, IF_MATCH};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use uuid::Uuid;

pub use auth::{Credentials, API_KEY_HEADER};
pub use config::{ClientBuilder, DEFAULT_PORT, DEFAULT_TIMEOUT, USER_AGENT};
pub use request::{IntoRequest, Multipart, Operation, Request};
pub use response::{ApiResponse, ByteStream, Response, REQUEST_ID_HEADER};
pub use retry::RetryPolicy;

use crate::error::{CallContext, ERROR_BODY_LIMIT};
use crate::Error;
use auth::SessionCookies;
use response::ResponseInfo;

const JSON: &str = "application/json";

/// A connection to one Prism Central (or Prism Element). Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    api_root: String,
    user_agent: String,
    credentials: Credentials,
    session: Option<SessionCookies>,
    retry: RetryPolicy,
}

/// A call that got a successful status, before its body is read.
struct Sent {
    response: reqwest::Response,
    info: ResponseInfo,
    call: CallContext,
}

impl Client {
    /// Settings for a client of `host`: an IPv4 or IPv6 address or a host name.
    pub fn builder(host: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(host.into())
    }

    /// The URL operation paths are appended to, e.g. `https://10.0.0.5:9440/api`.
    pub fn api_root(&self) -> &str {
        &self.inner.api_root
    }

    /// The retry settings.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Whether a session cookie is held (and sent instead of basic credentials).
    pub fn has_session(&self) -> bool {
        self.inner
            .session
            .as_ref()
            .is_some_and(SessionCookies::is_held)
    }

    /// Forgets the session cookie; the next call sends the credentials again.
    pub fn clear_session(&self) {
        if let Some(session) = &self.inner.session {
            session.clear();
        }
    }

    /// Sends a call whose answer is the standard `{"data": .., "metadata": ..}` envelope.
    pub async fn send_envelope<D: DeserializeOwned, M: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<D, M>, Error> {
        let sent = self.execute(request, JSON).await?;
        let body = read_all(sent.response)
            .await
            .map_err(|e| e.with_call(&sent.call))?;
        let result = if body.iter().all(u8::is_ascii_whitespace) {
            response::decode_envelope(b"{}", sent.info)
        } else {
            response::decode_envelope(&body, sent.info)
        };
        result.map_err(|e| e.with_call(&sent.call))
    }

    /// Sends a call whose JSON answer is not an envelope; it is decoded whole into `T`. An
    /// empty body (a success that declares JSON but sends nothing) reads as `null`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<T>, Error> {
        let sent = self.execute(request, JSON).await?;
        let body = read_all(sent.response)
            .await
            .map_err(|e| e.with_call(&sent.call))?;
        let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &body
        };
        let value = response::decode_json(body).map_err(|e| e.with_call(&sent.call))?;
        Ok(Response::new(value, sent.info))
    }

    /// Sends a call whose answer is text (`text/plain`, `text/xml`, ...), read whole; a body
    /// that is not UTF-8 is a decode error.
    pub async fn send_text(&self, request: Request) -> Result<Response<String>, Error> {
        let sent = self.execute(request, "text/plain").await?;
        let body = read_all(sent.response)
            .await
            .map_err(|e| e.with_call(&sent.call))?;
        let text = String::from_utf8(body.to_vec()).map_err(|e| {
            Error::missing("String", "", &format!("the body is not UTF-8 text: {e}"))
                .with_call(&sent.call)
        })?;
        Ok(Response::new(text, sent.info))
    }

    /// Sends a call whose answer is streamed (downloads): the body arrives chunk by chunk
    /// and is never held whole. Read timeouts apply per chunk, so a long download is not
    /// cut while data flows.
    pub async fn send_stream(&self, request: Request) -> Result<Response<ByteStream>, Error> {
        let sent = self.execute(request, "*/*").await?;
        let call = sent.call;
        let stream = sent
            .response
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| Error::from_reqwest(e, false).with_call(&call)));
        Ok(Response::new(ByteStream::new(stream), sent.info))
    }

    /// Sends a call whose answer has no body worth reading.
    pub async fn send_empty(&self, request: Request) -> Result<Response<()>, Error> {
        let sent = self.execute(request, JSON).await?;
        // Read (a bounded amount of) the body so the connection can be reused.
        let _ = read_capped(sent.response, ERROR_BODY_LIMIT).await;
        Ok(Response::new((), sent.info))
    }

    /// Sends `request` with retries and re-authentication; returns a successful answer
    /// or the error.
    async fn execute(&self, request: Request, accept: &'static str) -> Result<Sent, Error> {
        let operation = request.operation;
        let mutating = matches!(
            operation.method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        let request_id = request
            .request_id
            .or_else(|| mutating.then(Uuid::new_v4))
            .map(|id| id.to_string());
        let mut call = CallContext::new(operation, request_id.clone());
        let span = tracing::info_span!(
            "ntnx_call",
            operation = operation.id,
            method = %operation.method,
            path = operation.path,
            request_id = request_id.as_deref().unwrap_or(""),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let prepared = self
            .prepare(&request, accept, request_id.as_deref())
            .map_err(|e| e.with_call(&call));
        let (url, headers) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                let _entered = span.enter();
                tracing::debug!(error = %error, "request not sent");
                return Err(error);
            }
        };
        let body = request.body.as_ref().map(|b| b.bytes.clone());
        let attempt_loop = async move {
            let started = Instant::now();
            let result = self
                .attempts(operation, &url, &headers, body, &mut call)
                .await;
            let span = tracing::Span::current();
            span.record("attempt", call.attempts);
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Some(id) = &call.request_id {
                span.record("request_id", id.as_str());
            }
            match &result {
                Ok(sent) => {
                    span.record("status", sent.info.status.as_u16());
                    tracing::debug!(status = sent.info.status.as_u16(), "call succeeded");
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status.as_u16());
                    }
                    tracing::debug!(error = %error, "call failed");
                }
            }
            result
        };
        attempt_loop.instrument(span).await
    }

    /// The URL and the headers every attempt shares.
    fn prepare(
        &self,
        request: &Request,
        accept: &'static str,
        request_id: Option<&str>,
    ) -> Result<(reqwest::Url, HeaderMap), Error> {
        let text = format!("{}{}", self.inner.api_root, request.path_and_query()?);
        let url = reqwest::Url::parse(&text)
            .map_err(|e| Error::request(format!("`{text}` is not a valid URL: {e}")))?;
        let mut headers = HeaderMap::new();
        let has = |name: &HeaderName| request.headers.iter().any(|(n, _)| n == name);
        if !has(&ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        if let Some(body) = &request.body {
            if !has(&CONTENT_TYPE) {
                let value = HeaderValue::try_from(body.content_type.as_str())
                    .map_err(|_| Error::request("the body's content type is not valid"))?;
                headers.insert(CONTENT_TYPE, value);
            }
        }
        if let Some(id) = request_id {
            let value = HeaderValue::try_from(id)
                .map_err(|_| Error::request("the request id is not a valid header value"))?;
            headers.insert(HeaderName::from_static("ntnx-request-id"), value);
        }
        if let Some(etag) = &request.if_match {
            let value = HeaderValue::try_from(etag.as_str())
                .map_err(|_| Error::request("the If-Match ETag is not a valid header value"))?;
            headers.insert(IF_MATCH, value);
        }
        for (name, value) in &request.headers {
            headers.append(name.clone(), value.clone());
        }
        Ok((url, headers))
    }

    /// The attempt loop: retries on retryable statuses and connection failures, and
    /// re-authenticates once when the session cookie is refused.
    async fn attempts(
        &self,
        operation: &'static Operation,
        url: &reqwest::Url,
        headers: &HeaderMap,
        body: Option<Bytes>,
        call: &mut CallContext,
    ) -> Result<Sent, Error> {
        let policy = &self.inner.retry;
        let mut attempt = 1u32;
        let mut reauthenticated = false;
        loop {
            call.attempts = attempt;
            tracing::Span::current().record("attempt", attempt);
            let mut headers = headers.clone();
            let sent_cookie = self
                .inner
                .session
                .as_ref()
                .and_then(|session| session.apply(&mut headers));
            self.inner
                .credentials
                .apply(&mut headers, sent_cookie.is_none());
            let mut builder = self
                .inner
                .http
                .request(operation.method.clone(), url.clone())
                .headers(headers);
            if let Some(body) = &body {
                builder = builder.body(body.clone());
            }
            let sent_at = Instant::now();
            let response = match builder.send().await {
                Ok(response) => response,
                Err(error) => {
                    let error = Error::from_reqwest(error, true).with_call(call);
                    if error.is_retryable() && attempt < policy.max_attempts {
                        let delay = policy.backoff(attempt);
                        tracing::warn!(
                            attempt,
                            error = %error,
                            delay_ms = delay.as_millis() as u64,
                            "attempt failed before a response; retrying"
                        );
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                        continue;
                    }
                    tracing::warn!(attempt, error = %error, "attempt failed before a response");
                    return Err(error);
                }
            };
            let status = response.status();
            let latency_ms = sent_at.elapsed().as_millis() as u64;
            if let Some(session) = &self.inner.session {
                session.store(response.headers());
            }
            if let (StatusCode::UNAUTHORIZED, Some(cookie), false, Some(session)) = (
                status,
                &sent_cookie,
                reauthenticated || matches!(self.inner.credentials, Credentials::None),
                &self.inner.session,
            ) {
                tracing::info!(
                    attempt,
                    status = status.as_u16(),
                    latency_ms,
                    "session cookie refused; sending the credentials again"
                );
                session.clear_if_sent(cookie);
                reauthenticated = true;
                continue;
            }
            if retry::is_retryable_status(status) && attempt < policy.max_attempts {
                let delay = policy.delay(attempt, Some(response.headers()));
                tracing::warn!(
                    attempt,
                    status = status.as_u16(),
                    latency_ms,
                    delay_ms = delay.as_millis() as u64,
                    "retryable status; retrying"
                );
                drop(response);
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            tracing::debug!(attempt, status = status.as_u16(), latency_ms, "response");
            let info = ResponseInfo::new(
                operation,
                status,
                response.headers().clone(),
                call.request_id.clone(),
                attempt,
            );
            call.request_id = info.request_id.clone();
            if status.is_success() {
                return Ok(Sent {
                    response,
                    info,
                    call: call.clone(),
                });
            }
            let (body, truncated) = read_capped(response, ERROR_BODY_LIMIT).await;
            return Err(Error::http_status(status, body, truncated).with_call(call));
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_root", &self.inner.api_root)
            .field("user_agent", &self.inner.user_agent)
            .field("credentials", &self.inner.credentials)
            .field("session_held", &self.has_session())
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Reads a whole (JSON) body.
async fn read_all(response: reqwest::Response) -> Result<Bytes, Error> {
    response
        .bytes()
        .await
        .map_err(|e| Error::from_reqwest(e, false))
}

/// Reads at most `limit` bytes of a body; tells whether there was more. Read errors end
/// the reading quietly: this is for error bodies, where the status says enough.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> (Bytes, bool) {
    let mut kept = BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - kept.len();
                if chunk.len() > room {
                    kept.extend_from_slice(&chunk[..room]);
                    return (kept.freeze(), true);
                }
                kept.extend_from_slice(&chunk);
            }
            Ok(None) | Err(_) => return (kept.freeze(), false),
        }
    }
}

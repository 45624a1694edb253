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
//! static GET_IMAGE: Operation = Operation::new("getImageById", http::Method::GET, "/vmm/v4.0/content/images/{extId}");
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
pub mod limit;
pub(crate) mod redact;
mod redirect;
pub mod request;
pub mod response;
pub mod retry;
mod send;
mod tls;

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::StreamExt as _;
use http::Method;
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub use auth::{Credentials, API_KEY_HEADER};
pub use config::{ClientBuilder, DEFAULT_PORT, DEFAULT_TIMEOUT, USER_AGENT};
pub use limit::{PcSize, RateLimit};
pub use request::{CallOptions, IntoRequest, Multipart, Operation, Request};
pub use response::{ApiResponse, ByteStream, Response, REQUEST_ID_HEADER};
pub use retry::RetryPolicy;

use crate::error::CallContext;
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
    /// For following a redirect to another origin: no credentials, no client certificate.
    foreign_http: reqwest::Client,
    api_root: String,
    user_agent: String,
    credentials: Credentials,
    session: Option<SessionCookies>,
    retry: RetryPolicy,
    call_timeout: Option<Duration>,
    limiter: Option<limit::RateLimiter>,
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
        self.bounded(request, JSON, |info, call, body| {
            let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                &body
            };
            response::decode_envelope(body, info).map_err(|e| e.with_call(call))
        })
        .await
    }

    /// Sends a call whose JSON answer is not an envelope; it is decoded whole into `T`. An
    /// empty body (a success that declares JSON but sends nothing) reads as `null`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<T>, Error> {
        self.bounded(request, JSON, |info, call, body| {
            let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"null"
            } else {
                &body
            };
            let value = response::decode_json(body).map_err(|e| e.with_call(call))?;
            Ok(Response::new(value, info))
        })
        .await
    }

    /// Sends a call whose answer is text (`text/plain`, `text/xml`, ...), read whole; a body
    /// that is not UTF-8 is a decode error.
    pub async fn send_text(&self, request: Request) -> Result<Response<String>, Error> {
        self.bounded(request, "text/plain", |info, call, body| {
            let text = String::from_utf8(body.to_vec()).map_err(|e| {
                Error::missing("String", "", &format!("the body is not UTF-8 text: {e}"))
                    .with_call(call)
            })?;
            Ok(Response::new(text, info))
        })
        .await
    }

    /// Sends a call whose answer is streamed (downloads): the body arrives chunk by chunk
    /// and is never held whole. Read timeouts apply per chunk, so a long download is not
    /// cut while data flows; the call's deadline ends when the answer's headers arrive.
    pub async fn send_stream(&self, request: Request) -> Result<Response<ByteStream>, Error> {
        let sent = self.send_within_deadline(request, "*/*").await?;
        let call = sent.call;
        let stream = sent
            .response
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| Error::from_reqwest(e, false).with_call(&call)));
        Ok(Response::new(ByteStream::new(stream), sent.info))
    }

    /// Sends a call whose answer has no body worth reading.
    pub async fn send_empty(&self, request: Request) -> Result<Response<()>, Error> {
        self.bounded(request, JSON, |info, _, _| Ok(Response::new((), info)))
            .await
    }

    /// Sends `request`, reads the body and decodes it with `decode`, all within the call's
    /// deadline.
    async fn bounded<T>(
        &self,
        request: Request,
        accept: &'static str,
        decode: impl FnOnce(ResponseInfo, &CallContext, Bytes) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let deadline = self.deadline_of(&request);
        let operation = request.operation;
        let request = self.with_request_id(request);
        let request_id = request.request_id.map(|id| id.to_string());
        let attempts = AtomicU32::new(0);
        let call = async {
            // Boxed: the attempt loop's future is large, and every generated call nests it.
            let Sent {
                response,
                info,
                call,
            } = Box::pin(self.execute(request, accept, &attempts)).await?;
            let body = read_all(response).await.map_err(|e| e.with_call(&call))?;
            decode(info, &call, body)
        };
        within(deadline, operation, request_id, &attempts, call).await
    }

    /// Sends `request` within its deadline; the body is left to the caller.
    async fn send_within_deadline(
        &self,
        request: Request,
        accept: &'static str,
    ) -> Result<Sent, Error> {
        let deadline = self.deadline_of(&request);
        let operation = request.operation;
        let request = self.with_request_id(request);
        let request_id = request.request_id.map(|id| id.to_string());
        let attempts = AtomicU32::new(0);
        let call = Box::pin(self.execute(request, accept, &attempts));
        within(deadline, operation, request_id, &attempts, call).await
    }

    /// The call's deadline: its own, else the client's.
    fn deadline_of(&self, request: &Request) -> Option<Duration> {
        request.options.deadline.or(self.inner.call_timeout)
    }

    /// `request` with an `NTNX-Request-Id` if it writes and has none: one id per logical
    /// call, reused on every retry, so the server does the work once.
    fn with_request_id(&self, mut request: Request) -> Request {
        let writes = matches!(
            request.operation.method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        if writes && request.request_id.is_none() {
            request.request_id = Some(Uuid::new_v4());
        }
        request
    }
}

/// `call`, cut at `deadline`: then a timeout error naming the operation, the request id and
/// the attempts made.
async fn within<T>(
    deadline: Option<Duration>,
    operation: &'static Operation,
    request_id: Option<String>,
    attempts: &AtomicU32,
    call: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let Some(deadline) = deadline else {
        return call.await;
    };
    match tokio::time::timeout(deadline, call).await {
        Ok(result) => result,
        Err(_) => {
            let mut context = CallContext::new(operation, request_id);
            context.attempts = attempts.load(Ordering::Relaxed);
            Err(Error::timeout(
                format!("at its deadline of {:.1} s", deadline.as_secs_f64()),
                None,
                false,
            )
            .with_call(&context))
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

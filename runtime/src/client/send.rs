//! One logical call: the headers every attempt shares, the attempt loop (retries within the
//! budget, one re-authentication, the rate limiter) and the redirects of each attempt.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, IF_MATCH};
use http::{Method, StatusCode};
use tracing::Instrument as _;

use super::auth::Credentials;
use super::redirect::{self, Redirect};
use super::response::ResponseInfo;
use super::retry::{self, NextStep, RetryPolicy};
use super::{read_capped, Client, Operation, Request, Sent};
use crate::error::{CallContext, ERROR_BODY_LIMIT};
use crate::Error;

/// What one attempt's exchange (its redirects followed) ended with.
struct Answer {
    response: reqwest::Response,
    /// Whether it came from the configured origin (else a redirect target elsewhere).
    own_origin: bool,
    /// The session cookie sent to the configured origin, if any.
    sent_cookie: Option<HeaderValue>,
}

impl Client {
    /// Sends `request` with retries and re-authentication; returns a successful answer
    /// or the error. `attempts` follows the attempt count, for a deadline's error.
    pub(super) async fn execute(
        &self,
        request: Request,
        accept: &'static str,
        attempts: &AtomicU32,
    ) -> Result<Sent, Error> {
        let operation = request.operation;
        let request_id = request.request_id.map(|id| id.to_string());
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
        let policy = self.policy_for(&request);
        let body = request.body.as_ref().map(|b| b.bytes.clone());
        let attempt_loop = async move {
            let started = Instant::now();
            let exchange = Exchange {
                operation,
                url: &url,
                headers: &headers,
                body,
                policy: &policy,
            };
            let result = self.attempts(&exchange, &mut call, attempts).await;
            record_outcome(&call, started, &result);
            result
        };
        attempt_loop.instrument(span).await
    }

    /// The retry policy of a call: the client's, with the call's own budget if it has
    /// one, and never a budget past the call's deadline.
    fn policy_for(&self, request: &Request) -> RetryPolicy {
        let mut policy = self.inner.retry.clone();
        if let Some(budget) = request.options.retry_budget {
            policy.budget = budget;
        }
        if let Some(deadline) = request.options.deadline.or(self.inner.call_timeout) {
            policy.budget = policy.budget.min(deadline);
        }
        policy
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

    /// The attempt loop: retries retryable failures while the budget lasts, and
    /// re-authenticates once when the session cookie is refused.
    async fn attempts(
        &self,
        exchange: &Exchange<'_>,
        call: &mut CallContext,
        attempts: &AtomicU32,
    ) -> Result<Sent, Error> {
        let started = Instant::now();
        // A resend cannot do the work twice: reads, and writes the server deduplicates
        // by their request id.
        let idempotent = matches!(exchange.operation.method, Method::GET | Method::HEAD)
            || call.request_id.is_some();
        let mut attempt = 1u32;
        let mut reauthenticated = false;
        loop {
            call.attempts = attempt;
            attempts.store(attempt, Ordering::Relaxed);
            tracing::Span::current().record("attempt", attempt);
            self.pace(exchange.operation).await;
            let sent_at = Instant::now();
            let answer = match Box::pin(self.exchange(exchange)).await {
                Ok(answer) => answer,
                Err(error) => {
                    let error = error.with_call(call);
                    let retryable =
                        error.is_retryable() || (idempotent && error.may_retry_idempotent());
                    if retryable {
                        if let NextStep::RetryAfter(delay) =
                            exchange.policy.next_step(attempt, started.elapsed(), None)
                        {
                            tracing::warn!(
                                attempt,
                                error = %error,
                                delay_ms = delay.as_millis() as u64,
                                "attempt failed without an answer; retrying"
                            );
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    tracing::warn!(attempt, error = %error, "attempt failed without an answer");
                    return Err(error);
                }
            };
            let Answer {
                response,
                own_origin,
                sent_cookie,
            } = answer;
            let status = response.status();
            let latency_ms = sent_at.elapsed().as_millis() as u64;
            if let (true, Some(session)) = (own_origin, &self.inner.session) {
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
            if retry::is_retryable_status(status) {
                let step =
                    exchange
                        .policy
                        .next_step(attempt, started.elapsed(), Some(response.headers()));
                if let NextStep::RetryAfter(delay) = step {
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
            }
            tracing::debug!(attempt, status = status.as_u16(), latency_ms, "response");
            let info = ResponseInfo::new(
                exchange.operation,
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

    /// Waits for the rate limiter, when one is configured.
    async fn pace(&self, operation: &'static Operation) {
        let Some(limiter) = &self.inner.limiter else {
            return;
        };
        let wait = limiter.reserve(operation);
        if !wait.is_zero() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "pacing to the operation's rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the request, and the redirects of its answers as [`redirect`] decides.
    async fn exchange(&self, exchange: &Exchange<'_>) -> Result<Answer, Error> {
        let origin = reqwest::Url::parse(&self.inner.api_root)
            .map_err(|e| Error::request(format!("the API root is not a URL: {e}")))?;
        let mut url = exchange.url.clone();
        let mut method = exchange.operation.method.clone();
        let mut body = exchange.body.clone();
        for _ in 0..=redirect::MAX_HOPS {
            let mut headers = exchange.headers.clone();
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
                .request(method.clone(), url.clone())
                .headers(headers);
            if let Some(body) = &body {
                builder = builder.body(body.clone());
            }
            let response = builder
                .send()
                .await
                .map_err(|e| Error::from_reqwest(e, true))?;
            if !redirect::is_redirect(response.status()) {
                return Ok(Answer {
                    response,
                    own_origin: true,
                    sent_cookie,
                });
            }
            if let Some(session) = &self.inner.session {
                session.store(response.headers());
            }
            match redirect::decide(
                response.status(),
                response.headers(),
                &method,
                &url,
                &origin,
            ) {
                Redirect::SameOrigin {
                    url: next,
                    method: next_method,
                    keep_body,
                } => {
                    tracing::debug!(to = %next, "following a redirect on the same origin");
                    url = next;
                    method = next_method;
                    if !keep_body {
                        body = None;
                    }
                }
                Redirect::Foreign { url: next, token } => {
                    return self.foreign(exchange, next, &token).await;
                }
                Redirect::Refused(reason) => {
                    let status = response.status();
                    return Err(Error::redirect(status, reason));
                }
            }
        }
        Err(Error::redirect(
            StatusCode::FOUND,
            format!("more than {} redirects", redirect::MAX_HOPS),
        ))
    }

    /// A `GET` of `url` on another origin, carrying only the redirect token as its
    /// `Cookie` (as the official SDKs send it) and the call's `Accept` and request id: no
    /// credentials, no session cookie, no client certificate. Its answer is final.
    async fn foreign(
        &self,
        exchange: &Exchange<'_>,
        url: reqwest::Url,
        token: &str,
    ) -> Result<Answer, Error> {
        tracing::debug!(to = %url, "following a redirect to another origin with its token");
        let mut headers = HeaderMap::new();
        for name in [ACCEPT, HeaderName::from_static("ntnx-request-id")] {
            if let Some(value) = exchange.headers.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        let mut cookie = HeaderValue::try_from(token)
            .map_err(|_| Error::request("the redirect token is not a valid header value"))?;
        cookie.set_sensitive(true);
        headers.insert(http::header::COOKIE, cookie);
        let response = self
            .inner
            .foreign_http
            .get(url)
            .headers(headers)
            .send()
            .await
            .map_err(|e| Error::from_reqwest(e, true))?;
        if redirect::is_redirect(response.status()) {
            return Err(Error::redirect(
                response.status(),
                "the other origin redirected again; not followed".to_owned(),
            ));
        }
        Ok(Answer {
            response,
            own_origin: false,
            sent_cookie: None,
        })
    }
}

/// What every attempt of a call sends.
struct Exchange<'a> {
    operation: &'static Operation,
    url: &'a reqwest::Url,
    headers: &'a HeaderMap,
    body: Option<Bytes>,
    policy: &'a RetryPolicy,
}

/// Records the call's outcome on its span and in one debug event.
fn record_outcome(call: &CallContext, started: Instant, result: &Result<Sent, Error>) {
    let span = tracing::Span::current();
    span.record("attempt", call.attempts);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    if let Some(id) = &call.request_id {
        span.record("request_id", id.as_str());
    }
    match result {
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
}

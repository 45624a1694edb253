//! When and how long to wait before sending a request again.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Retry settings of a [`Client`](crate::client::Client).
///
/// A call is sent again after a 408, 429, 503 or 504 answer and after a connection
/// failure before any response, up to [`max_attempts`](Self::max_attempts) sends in
/// all. The wait before send `n + 1` is random in `[0, min(max_delay, base_delay *
/// 2^(n-1))]` ("full jitter"), unless the answer carried `Retry-After` (seconds or an
/// HTTP date): then that wait is used, capped at
/// [`max_retry_after`](Self::max_retry_after) so a server cannot stall a call for hours.
///
/// Not retried: any other status (400, 401, 403, 404, 409, 412, 422, 500, ...; a refused
/// session cookie is handled apart, by sending the credentials once), a read timeout (the
/// server may still be working on the request), and TLS failures (an untrusted
/// certificate stays untrusted). Every resend carries the same bytes and the same
/// `NTNX-Request-Id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends in all, the first included (at least 1). Default 5.
    pub max_attempts: u32,
    /// Upper bound of the first wait. Default 500 ms.
    pub base_delay: Duration,
    /// Upper bound of any computed wait. Default 30 s.
    pub max_delay: Duration,
    /// Upper bound of a wait asked for by `Retry-After`. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The jittered wait after failed attempt number `attempt` (1 for the first send).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(32);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent.min(31))
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait after an answer: its `Retry-After` (capped), else [`backoff`](Self::backoff).
    pub fn delay(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        match headers.and_then(|h| retry_after(h, SystemTime::now())) {
            Some(asked) => asked.min(self.max_retry_after),
            None => self.backoff(attempt),
        }
    }
}

/// Statuses after which the same request may succeed: 408, 429, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (a date in
/// the past means no wait). `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_in_window() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(250));
            assert!(policy.backoff(40) <= Duration::from_millis(250));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:49:47 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(10)));
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
        let policy = RetryPolicy::default();
        headers.insert("retry-after", "86400".parse().unwrap());
        assert_eq!(policy.delay(1, Some(&headers)), policy.max_retry_after);
    }
}

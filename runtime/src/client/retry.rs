//! When and how long to wait before sending a request again.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Retry settings of a [`Client`](crate::client::Client), overridable per call.
///
/// A call is sent again after a 408, 429, 503 or 504 answer, after a connection failure
/// before any response, and, when sending it again cannot do the work twice (a `GET`, or
/// a write carrying its `NTNX-Request-Id`, which the server deduplicates), after a
/// connection dropped or timed out once the request was written. It keeps being sent
/// until it succeeds, fails otherwise, or the next wait would end past the
/// [`budget`](Self::budget) (counted from the first send): a Prism Central service restart
/// takes tens of seconds, and the default budget of 120 s rides it out (the official
/// Python SDK retries for about 90 s).
///
/// The wait before send `n + 1` is random in `[d/2, d]` with
/// `d = min(max_delay, base_delay * 2^(n-1))` ("equal jitter": never a burst of instant
/// retries, never all clients in step), unless the answer carried `Retry-After` (seconds
/// or an HTTP date): then that wait is used as long as it fits in the budget; one that
/// does not ends the retrying at once, with the answer's error.
///
/// Never retried: any other status (400, 401, 403, 404, 409, 412, 422, 500, ...; a refused
/// session cookie is handled apart, by sending the credentials once), TLS failures (an
/// untrusted certificate stays untrusted), and a dropped write without a request id. Every
/// resend carries the same bytes and the same `NTNX-Request-Id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long a call keeps retrying, from its first send. Default 120 s.
    pub budget: Duration,
    /// Sends in all, the first included, whatever the budget (at least 1). Default
    /// unlimited (`u32::MAX`).
    pub max_attempts: u32,
    /// Upper bound of the first wait. Default 1 s.
    pub base_delay: Duration,
    /// Upper bound of any computed wait. Default 20 s.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            budget: Duration::from_secs(120),
            max_attempts: u32::MAX,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Wait this long, then send again.
    RetryAfter(Duration),
    /// Stop: the attempts or the budget are used up (or `Retry-After` asks for more).
    GiveUp,
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
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(nanos / 2..=nanos))
    }

    /// After failed attempt `attempt`, `elapsed` after the first send and with the answer's
    /// `headers` (if there was an answer): wait and retry, or give up.
    pub fn next_step(
        &self,
        attempt: u32,
        elapsed: Duration,
        headers: Option<&HeaderMap>,
    ) -> NextStep {
        if attempt >= self.max_attempts {
            return NextStep::GiveUp;
        }
        let left = self.budget.saturating_sub(elapsed);
        match headers.and_then(|h| retry_after(h, SystemTime::now())) {
            Some(asked) if asked <= left => NextStep::RetryAfter(asked),
            Some(_) => NextStep::GiveUp,
            None => {
                let wait = self.backoff(attempt);
                if wait <= left {
                    NextStep::RetryAfter(wait)
                } else {
                    NextStep::GiveUp
                }
            }
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
    fn backoff_stays_in_its_window() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            assert!(policy.backoff(3) <= Duration::from_millis(250));
            assert!(policy.backoff(40) >= Duration::from_millis(125));
        }
    }

    #[test]
    fn the_budget_and_the_attempts_end_the_retrying() {
        let policy = RetryPolicy {
            budget: Duration::from_secs(10),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(4),
            ..RetryPolicy::default()
        };
        assert!(matches!(
            policy.next_step(1, Duration::ZERO, None),
            NextStep::RetryAfter(_)
        ));
        // A wait of at least 2 s (window [2, 4] s) does not fit in the 1 s left.
        assert_eq!(
            policy.next_step(5, Duration::from_secs(9), None),
            NextStep::GiveUp
        );
        let capped = RetryPolicy {
            max_attempts: 3,
            ..policy.clone()
        };
        assert_eq!(capped.next_step(3, Duration::ZERO, None), NextStep::GiveUp);
        assert_eq!(
            RetryPolicy::none().next_step(1, Duration::ZERO, None),
            NextStep::GiveUp
        );
    }

    #[test]
    fn retry_after_is_honoured_while_it_fits_the_budget() {
        let policy = RetryPolicy {
            budget: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(
            policy.next_step(1, Duration::from_secs(2), Some(&headers)),
            NextStep::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            policy.next_step(1, Duration::from_secs(4), Some(&headers)),
            NextStep::GiveUp
        );
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
    }
}

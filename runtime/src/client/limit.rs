//! Client-side rate limiting from the specs' `x-rate-limit`.
//!
//! Every operation documents how many requests a Prism Central of each size accepts per
//! second or minute (`x-rate-limit`: 5 per second on a Small PC, ...); the generator puts
//! those limits in the operation's [`Operation::rate_limits`](super::Operation). With
//! [`ClientBuilder::rate_limit`](super::ClientBuilder::rate_limit) set to the size of the
//! Prism Central, a client paces each operation to its limit (a token bucket per operation
//! holding the documented count, refilled over its time unit), so a program with many calls
//! in flight waits a little instead of collecting 429s.
//!
//! Off by default: the limits are what a Prism Central accepts from all its clients
//! together, the size of the Prism Central is not something the client can find out, and a
//! wrong guess only slows a program down; without it, a 429 is retried after its
//! `Retry-After` anyway. Turn it on when one program is the main user of a Prism Central.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Operation;

/// One `x-rate-limit` entry: `count` requests per `per` on a Prism Central of `size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// The Prism Central size it applies to.
    pub size: PcSize,
    /// Requests allowed per `per`.
    pub count: u32,
    /// The time unit.
    pub per: Duration,
}

/// Prism Central sizes, as `x-rate-limit` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PcSize {
    /// `xsmall`
    XSmall,
    /// `Small`
    Small,
    /// `Large`
    Large,
    /// `XLarge`
    XLarge,
}

impl fmt::Display for PcSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PcSize::XSmall => "xsmall",
            PcSize::Small => "Small",
            PcSize::Large => "Large",
            PcSize::XLarge => "XLarge",
        })
    }
}

/// A bucket per operation (by method and path template).
pub(crate) struct RateLimiter {
    size: PcSize,
    buckets: Mutex<HashMap<(&'static str, &'static str), Bucket>>,
}

struct Bucket {
    capacity: f64,
    tokens: f64,
    /// Tokens per second.
    rate: f64,
    updated: Instant,
}

impl RateLimiter {
    pub(crate) fn new(size: PcSize) -> RateLimiter {
        RateLimiter {
            size,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// How long the next send of `operation` must wait; takes its token. Zero for an
    /// operation without a limit for this size.
    pub(crate) fn reserve(&self, operation: &'static Operation) -> Duration {
        let Some(limit) = operation.rate_limits.iter().find(|l| l.size == self.size) else {
            return Duration::ZERO;
        };
        if limit.count == 0 || limit.per.is_zero() {
            return Duration::ZERO;
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets
            .entry((operation.method.as_str(), operation.path))
            .or_insert_with(|| Bucket {
                capacity: f64::from(limit.count),
                tokens: f64::from(limit.count),
                rate: f64::from(limit.count) / limit.per.as_secs_f64(),
                updated: now,
            });
        let refill = now.duration_since(bucket.updated).as_secs_f64() * bucket.rate;
        bucket.tokens = (bucket.tokens + refill).min(bucket.capacity);
        bucket.updated = now;
        // Taking the token may leave the bucket in debt: the wait pays it back.
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / bucket.rate)
        }
    }
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("size", &self.size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIMITED: Operation = Operation {
        id: "listImages",
        method: http::Method::GET,
        path: "/vmm/v4.0/content/images",
        rate_limits: &[
            RateLimit {
                size: PcSize::Small,
                count: 4,
                per: Duration::from_secs(1),
            },
            RateLimit {
                size: PcSize::Large,
                count: 40,
                per: Duration::from_secs(1),
            },
        ],
    };

    #[test]
    fn a_burst_of_the_count_passes_then_each_send_waits_its_share() {
        let limiter = RateLimiter::new(PcSize::Small);
        for _ in 0..4 {
            assert_eq!(limiter.reserve(&LIMITED), Duration::ZERO);
        }
        let fifth = limiter.reserve(&LIMITED);
        let sixth = limiter.reserve(&LIMITED);
        assert!(
            fifth > Duration::from_millis(200) && fifth <= Duration::from_millis(250),
            "{fifth:?}"
        );
        assert!(
            sixth > Duration::from_millis(450) && sixth <= Duration::from_millis(500),
            "{sixth:?}"
        );
    }

    #[test]
    fn other_sizes_and_unlimited_operations_do_not_wait() {
        let limiter = RateLimiter::new(PcSize::XSmall);
        for _ in 0..100 {
            assert_eq!(limiter.reserve(&LIMITED), Duration::ZERO);
        }
        static FREE: Operation = Operation::new("x", http::Method::GET, "/x");
        let small = RateLimiter::new(PcSize::Small);
        for _ in 0..100 {
            assert_eq!(small.reserve(&FREE), Duration::ZERO);
        }
    }
}

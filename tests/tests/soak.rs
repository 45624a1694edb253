//! A short soak (see `soak/mod.rs`): 1,200 calls, 16 in flight, half creates, against a
//! server that answers a fifth of the requests 429 or 503, drops 5% of the connections
//! (half of them after creating the image), slows some answers, redirects some reads to a
//! second host with a token, and is out for two seconds. Every call succeeds, no create is
//! lost or done twice, every logical create keeps one request id, and no credential
//! reaches the other host. `cargo xtask bench` runs the long version (10,000 calls, a
//! 30 s outage) and reports it.

#[path = "../soak/mod.rs"]
mod harness;

use std::time::Duration;

use harness::{run, SoakConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_ridden_out_with_nothing_lost_duplicated_or_leaked() {
    let report = run(SoakConfig {
        calls: 1_200,
        in_flight: 16,
        faults: true,
        status_faults: 0.2,
        drops: 0.05,
        slow_share: 0.02,
        slow: Duration::from_millis(100),
        redirects: 0.1,
        outage: Some((Duration::from_millis(300), Duration::from_secs(2))),
        seed: 7,
        retry_budget: Duration::from_secs(30),
        retry_base: Duration::from_millis(10),
        retry_max: Duration::from_millis(200),
    })
    .await;
    println!(
        "{} calls, {} requests, injected {:?}, p50 {:?}, p99 {:?}, {:?}",
        report.calls,
        report.requests,
        report.injected,
        report.latency(0.5),
        report.latency(0.99),
        report.elapsed
    );
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert_eq!(report.lost, 0);
    assert_eq!(report.duplicated, 0);
    assert_eq!(report.done_twice, 0);
    assert_eq!(report.leaked, 0);
    // The faults did happen.
    for kind in [
        "429",
        "503 + Retry-After",
        "503 (outage)",
        "dropped before the work",
        "dropped after the work",
        "cross-host redirect",
    ] {
        assert!(
            report.injected.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {:?}",
            report.injected
        );
    }
    assert!(report.requests > report.calls);
}

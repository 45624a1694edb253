//! The soak benchmark (run by `cargo xtask bench`): the soak of `soak/mod.rs` at full size,
//! 10,000 calls with 16 in flight, half creates, a fifth of the requests answered 429/503,
//! 5% of the connections dropped, slow answers, cross-host redirects and a 30 s outage; and
//! the same calls against the same server without faults, for the latency overhead. The
//! client has the default retry budget (120 s), with waits from 200 ms up to 5 s.
//! `--smoke`: 400 calls and a 1 s outage.

mod common;
#[path = "../soak/mod.rs"]
mod soak;

use std::time::Duration;

use common::{Args, Results};
use soak::{run, SoakConfig, SoakReport};

fn main() {
    let args = Args::parse();
    let (calls, outage) = if args.smoke {
        (400, Duration::from_secs(1))
    } else {
        (10_000, Duration::from_secs(30))
    };
    let config = |faults: bool| SoakConfig {
        calls,
        in_flight: 16,
        faults,
        status_faults: 0.2,
        drops: 0.05,
        slow_share: 0.02,
        slow: Duration::from_millis(250),
        redirects: 0.1,
        outage: faults.then_some((Duration::from_secs(2), outage)),
        seed: 20261201,
        retry_budget: Duration::from_secs(120),
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(5),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let baseline = runtime.block_on(run(config(false)));
    let faulty = runtime.block_on(run(config(true)));
    let mut results = Results::new("soak", &args);
    note(&mut results, "baseline", &baseline);
    note(&mut results, "faults", &faulty);
    results.note("calls", calls as u64);
    results.note("in_flight", 16u64);
    results.note("outage_s", outage.as_secs());
    results.write(&args);
}

fn note(results: &mut Results, prefix: &str, report: &SoakReport) {
    results.note(&format!("{prefix}/elapsed_s"), report.elapsed.as_secs_f64());
    results.note(&format!("{prefix}/requests"), report.requests as u64);
    results.note(&format!("{prefix}/failures"), report.failures.len() as u64);
    results.note(&format!("{prefix}/lost"), report.lost as u64);
    results.note(&format!("{prefix}/duplicated"), report.duplicated as u64);
    results.note(&format!("{prefix}/done_twice"), report.done_twice as u64);
    results.note(&format!("{prefix}/leaked"), report.leaked as u64);
    for (q, label) in [(0.5, "p50"), (0.99, "p99"), (1.0, "max")] {
        results.note(
            &format!("{prefix}/{label}_ms"),
            report.latency(q).as_secs_f64() * 1e3,
        );
    }
    let injected: u64 = report.injected.values().map(|n| *n as u64).sum();
    results.note(&format!("{prefix}/injected"), injected);
    for (kind, count) in &report.injected {
        results.note(&format!("{prefix}/injected/{kind}"), *count as u64);
    }
    println!(
        "{prefix}: {} calls, {} requests, {} failures, p50 {:?}, p99 {:?}, in {:?}",
        report.calls,
        report.requests,
        report.failures.len(),
        report.latency(0.5),
        report.latency(0.99),
        report.elapsed
    );
}

//! Part 5: the soak, the generated client riding out injected faults (see
//! `tests/soak/mod.rs`), against the same calls without faults.

use super::report::{Section, Table, Target};
use super::Bench;

pub fn run(bench: &Bench) -> Result<Section, String> {
    let results = bench.cargo_bench("soak", &[])?;
    let number = |key: &str| results.note(key).parse::<f64>().unwrap_or(f64::NAN);
    let mut table = Table::new(&["", "fault-free run", "with faults"]);
    let both = |label: &str, key: &str, digits: usize| {
        vec![
            label.to_owned(),
            format!("{:.*}", digits, number(&format!("baseline/{key}"))),
            format!("{:.*}", digits, number(&format!("faults/{key}"))),
        ]
    };
    table.row(vec![
        "calls (half creates)".to_owned(),
        results.note("calls"),
        results.note("calls"),
    ]);
    for (label, key, digits) in [
        ("requests sent (retries included)", "requests", 0),
        ("faults injected", "injected", 0),
        ("failures surfaced to the caller", "failures", 0),
        ("creates lost (succeeded, never done)", "lost", 0),
        ("creates with more than one request id", "duplicated", 0),
        ("creates done twice", "done_twice", 0),
        ("requests off-origin carrying a credential", "leaked", 0),
        ("latency p50 (ms)", "p50_ms", 1),
        ("latency p99 (ms)", "p99_ms", 1),
        ("latency max (ms)", "max_ms", 1),
        ("wall time (s)", "elapsed_s", 1),
    ] {
        table.row(both(label, key, digits));
    }
    let mut kinds = Table::new(&["fault injected", "times"]);
    for (key, _) in results.notes.range("faults/injected/".to_owned()..) {
        let Some(kind) = key.strip_prefix("faults/injected/") else {
            break;
        };
        kinds.row(vec![kind.to_owned(), results.note(key)]);
    }
    let zero = |key: &str| number(&format!("faults/{key}")) == 0.0;
    let correct = ["failures", "lost", "duplicated", "done_twice", "leaked"]
        .iter()
        .all(|key| zero(key));
    Ok(Section {
        title: "Soak: faults ridden out".to_owned(),
        text: vec![format!(
            "`tests/benches/soak.rs` ({}): {} calls of `VmmClient` with {} in flight, half \
             `createImage` and half `getImageById`, against a stand-in Prism Central on \
             127.0.0.1 that answers a fifth of the requests 429 or 503 (half with \
             `Retry-After: 0`), drops 5% of the connections (half of them after doing the \
             create), delays 2% of the answers by 250 ms, redirects a tenth of the reads to a \
             second host on 127.0.0.2 with an `X-Redirect-Token`, and answers every request \
             503 for {} s from the second second on. The client: basic credentials (then \
             the session cookie), the default retry budget of 120 s, waits from 200 ms to \
             5 s. The fault-free run is the same calls against the same server with faults \
             off; the correctness of a shorter run is asserted by `tests/tests/soak.rs`.",
            bench.build_label(),
            results.note("calls"),
            results.note("in_flight"),
            results.note("outage_s"),
        )],
        tables: vec![table, kinds],
        notes: vec![
            "The p99 with faults is the calls caught by the outage: they wait it out within \
             their budget instead of failing."
                .to_owned(),
        ],
        targets: vec![Target {
            target: "≥ 10,000 calls with faults and an outage: 0 failures, 0 lost, 0 duplicated, \
                     0 credentials off-origin"
                .to_owned(),
            measured: format!(
                "{} failures, {} lost, {} duplicated, {} leaked",
                results.note("faults/failures"),
                results.note("faults/lost"),
                results.note("faults/duplicated"),
                results.note("faults/leaked")
            ),
            met: Some(correct && number("calls") >= 10_000.0),
        }],
    })
}

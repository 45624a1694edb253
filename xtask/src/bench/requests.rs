//! Part 4: the generated client against raw reqwest, on a loopback server.

use super::report::{Section, Table, Target};
use super::Bench;

/// The generated client may take at most this many times raw reqwest's time.
const TARGET_RATIO: f64 = 1.2;

pub fn run(bench: &Bench) -> Result<Section, String> {
    let results = bench.cargo_bench("requests", &[])?;
    let mut table = Table::new(&[
        "mode",
        "generated client (µs per request)",
        "raw reqwest (µs per request)",
        "ours ÷ raw, per round",
        "rounds",
    ]);
    let mut targets = Vec::new();
    for (mode, label) in [
        (
            "sequential",
            format!("{} sequential", results.note("sequential_requests")),
        ),
        (
            "concurrent",
            format!(
                "{} concurrent, {} in flight",
                results.note("concurrent_requests"),
                results.note("in_flight")
            ),
        ),
    ] {
        let ours = results.get(&format!("{mode}/ours"))?.seconds().scale(1e6);
        let raw = results.get(&format!("{mode}/raw"))?.seconds().scale(1e6);
        let paired = results.paired(&format!("{mode}/ours"), &format!("{mode}/raw"))?;
        let ratio = paired.ratio.median;
        table.row(vec![
            label,
            ours.show(0),
            raw.show(0),
            paired.show(),
            ours.runs.to_string(),
        ]);
        targets.push(Target {
            target: format!("{mode} GETs: generated client ≤ {TARGET_RATIO}× raw reqwest"),
            measured: paired.ratio.show_ratio(),
            met: Some(ratio <= TARGET_RATIO),
        });
    }
    Ok(Section {
        title: "Request overhead".to_owned(),
        text: vec![
            format!(
                "`GET /api/vmm/v4.0/content/images` answered by an in-process hyper server \
                 on 127.0.0.1 with a fixed list of {} images ({:.0} kB), \
                 `tests/benches/requests.rs` ({}, tokio with 2 worker threads, server and \
                 clients in one process). Each figure is the time of a round's requests ÷ \
                 their number; rounds alternate which client goes first.",
                results.note("entities"),
                results.note("body_bytes").parse::<f64>().unwrap_or(0.0) / 1e3,
                bench.build_label()
            ),
            String::new(),
            "- Generated client: `VmmClient::images().list_images().send()` with basic \
             auth, one attempt, no proxy; it decodes into \
             `ApiResponse<Vec<Image>, ApiResponseMetadata>`."
                .to_owned(),
            "- Raw reqwest: same user agent, timeouts, `Accept` and `Authorization` headers \
             (the server refuses anything else), body decoded with `serde_json::from_slice` \
             into `{data: Vec<Image>, metadata: ApiResponseMetadata}`."
                .to_owned(),
        ],
        tables: vec![table],
        notes: Vec::new(),
        targets,
    })
}

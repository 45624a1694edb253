//! Part 3: decoding and encoding list responses with the generated types, with
//! `serde_json::Value`, and (decoding) with the official Python SDK.

use std::process::Command;

use super::report::{Section, Table, Target};
use super::stats::{Measurement, Results};
use super::{python, shown, status, Bench};

/// Payloads of the decode benchmark, by the name it gives them: `$objectType` first in
/// every object, then last.
const PAYLOADS: [&str; 4] = ["vms", "images", "vms-type-last", "images-type-last"];

/// Decoding into the generated types should have at least this many times the throughput
/// of decoding into `serde_json::Value`.
const DECODE_TARGET: f64 = 2.0;

/// The Python SDK should be at least this many times slower than the generated types.
const PYTHON_TARGET: f64 = 1000.0;

pub fn run(bench: &Bench) -> Result<Section, String> {
    let payloads = bench.work.join("payloads");
    let rust = bench.cargo_bench(
        "decode",
        &["--dir".to_owned(), payloads.display().to_string()],
    )?;
    let (python, python_skipped) = run_python(bench, &rust)?;
    let mut table = Table::new(&["payload", "what", "ns per entity", "MB/s"]);
    let mut ratios = Table::new(&[
        "payload",
        "decode: ours ÷ Value throughput",
        "encode: ours ÷ Value throughput",
        "decode: Python ÷ ours time (medians of separate runs)",
        "decode: path tracking ÷ plain time",
    ]);
    let mut targets = Vec::new();
    let mut notes = Vec::new();
    for name in PAYLOADS {
        let py = match &python {
            Some(results) => Some(results.get(&format!("{name}/python/decode"))?),
            None => None,
        };
        measurement_rows(&mut table, &rust, name, py)?;
        let compared = compare(&mut ratios, &rust, name, py)?;
        targets.extend(compared.targets);
        notes.extend(compared.note);
    }
    Ok(Section {
        title: "Decode and encode".to_owned(),
        text: method(bench, &rust, python.as_ref(), &python_skipped),
        tables: vec![table, ratios],
        notes,
        targets,
    })
}

/// The rows of `table` for payload `name`: time per entity and throughput of each way to
/// decode and encode it.
fn measurement_rows(
    table: &mut Table,
    rust: &Results,
    name: &str,
    py: Option<&Measurement>,
) -> Result<(), String> {
    let entities = rust.note(&format!("{name}_entities"));
    let label = format!(
        "{name} ({entities} × `{}`, {:.0} kB)",
        rust.note(&format!("{name}_schema")),
        rust.note(&format!("{name}_bytes"))
            .parse::<f64>()
            .unwrap_or(0.0)
            / 1e3
    );
    let rows: [(&str, Option<&Measurement>); 6] = [
        (
            "decode, generated types",
            Some(rust.get(&format!("{name}/ours/decode"))?),
        ),
        (
            "decode, generated types through `serde_path_to_error`",
            Some(rust.get(&format!("{name}/ours/decode-tracking-path"))?),
        ),
        (
            "decode, `serde_json::Value`",
            Some(rust.get(&format!("{name}/value/decode"))?),
        ),
        ("decode, Python SDK", py),
        (
            "encode, generated types",
            Some(rust.get(&format!("{name}/ours/encode"))?),
        ),
        (
            "encode, `serde_json::Value`",
            Some(rust.get(&format!("{name}/value/encode"))?),
        ),
    ];
    for (i, (what, measurement)) in rows.into_iter().enumerate() {
        let (ns, mbs) = match measurement {
            Some(m) => (m.ns_per_entity().show(0), m.mb_per_s().show(1)),
            None => ("skipped (see above)".to_owned(), String::new()),
        };
        let first = if i == 0 { label.clone() } else { String::new() };
        table.row(vec![first, what.to_owned(), ns, mbs]);
    }
    Ok(())
}

/// The targets of one payload, and a note when the Python one is missed.
struct Compared {
    targets: [Target; 2],
    note: Option<String>,
}

/// The row of `ratios` for payload `name` (ours ÷ Value pair by pair, Python ÷ ours, path
/// tracking ÷ plain) and its targets.
fn compare(
    ratios: &mut Table,
    rust: &Results,
    name: &str,
    py: Option<&Measurement>,
) -> Result<Compared, String> {
    let ours = rust.get(&format!("{name}/ours/decode"))?;
    let value = rust.get(&format!("{name}/value/decode"))?;
    // Throughput ours ÷ Value is time Value ÷ time ours, pair by pair.
    let decode = rust.paired(
        &format!("{name}/value/decode"),
        &format!("{name}/ours/decode"),
    )?;
    let encode = rust.paired(
        &format!("{name}/value/encode"),
        &format!("{name}/ours/encode"),
    )?;
    let tracked = rust.paired(
        &format!("{name}/ours/decode-tracking-path"),
        &format!("{name}/ours/decode"),
    )?;
    let decode_ratio = decode.ratio.median;
    // Python runs in its own process, after ours: a ratio of medians, not of pairs.
    let python_ratio = py.map(|p| p.seconds().median / ours.seconds().median);
    ratios.row(vec![
        name.to_owned(),
        decode.show(),
        encode.show(),
        python_ratio.map_or_else(|| "not measured".to_owned(), |r| format!("{r:.0}×")),
        tracked.show(),
    ]);
    let targets = [
        Target {
            target: format!(
                "{name}: decode throughput ≥ {DECODE_TARGET:.0}× `serde_json::Value`'s"
            ),
            measured: decode.ratio.show_ratio(),
            met: Some(decode_ratio >= DECODE_TARGET),
        },
        Target {
            target: format!("{name}: Python SDK ≥ {PYTHON_TARGET:.0}× slower than ours"),
            measured: python_ratio
                .map_or_else(|| "not measured".to_owned(), |r| format!("{r:.0}×")),
            met: python_ratio.map(|r| r >= PYTHON_TARGET),
        },
    ];
    let note = match (py, python_ratio) {
        (Some(py), Some(ratio)) if ratio < PYTHON_TARGET => {
            Some(python_out_of_reach(name, py, value, decode_ratio))
        }
        _ => None,
    };
    Ok(Compared { targets, note })
}

/// Why the Python target cannot be met: the speed ours would need, against Value's.
fn python_out_of_reach(
    name: &str,
    py: &Measurement,
    value: &Measurement,
    decode_ratio: f64,
) -> String {
    let needed = py.mb_per_s().median * PYTHON_TARGET;
    format!(
        "{name}: for the Python SDK to be {PYTHON_TARGET:.0}× slower, ours would \
         have to decode at {:.1} GB/s (Python's {:.1} MB/s × {PYTHON_TARGET:.0}), \
         {:.0}× the speed of `serde_json::Value` on the same bytes. Decoding into \
         owned values means reading every byte and allocating every string, \
         list and map, which Value does too; ours is at {:.2}× Value. The target \
         is out of reach for any decoder that builds owned values.",
        needed / 1e3,
        py.mb_per_s().median,
        needed / value.mb_per_s().median,
        decode_ratio,
    )
}

/// How the payloads are built and each way is measured.
fn method(
    bench: &Bench,
    rust: &Results,
    python: Option<&Results>,
    python_skipped: &str,
) -> Vec<String> {
    let python_line = match python {
        Some(results) => format!(
            "- Python: {} on Python {}, through the SDK's own response path \
             (`ApiClient.__deserialize_response`: `json.loads` of the body, then \
             `ApiClient.deserialize` into `{}` / `{}`), `tests/benches/python/decode_bench.py`.",
            results.note("sdk"),
            results.note("python"),
            rust.note("vms_python_type"),
            rust.note("images_python_type"),
        ),
        None => format!("- Python: {python_skipped}."),
    };
    vec![
        "List responses built by `tests/benches/common/payloads.rs` from the vmm spec \
         with the tests crate's example builder: every optional field present, \
         `$objectType` and `$reserved` on every object, the `oneOf` alternatives \
         rotating from entity to entity, distinct `extId`s and names, in the list \
         envelope (`data`, `metadata`, `$objectType`, `$reserved`). Written by \
         `serde_json::Value`, their keys are sorted, so `$objectType` comes first in \
         every object, and a `oneOf` union picks its variant from it before reading the \
         rest; `-type-last` payloads are the same bodies with `$objectType` written last \
         in every object, as a server may order it, where a union first keeps its \
         members as raw JSON text and decodes them once the type is known."
            .to_owned(),
        String::new(),
        format!(
            "- Ours: `serde_json::from_slice` into the generated list response type \
             (`{}`, `{}`): the types and visitors the client's envelope decoding runs, \
             without HTTP; encode is `serde_json::to_vec` of the decoded value. Before \
             timing, the bench checks that `data` decoded as a typed list and that \
             re-encoding gives the input back.",
            rust.note("vms_rust_type"),
            rust.note("images_rust_type"),
        ),
        "- Ours through `serde_path_to_error`: the same decode with the JSON path tracked \
         (`serde_path_to_error::deserialize`). The runtime now decodes without it and \
         re-decodes with it only when a body fails, to name the failing path; this row \
         shows what tracking would cost on every response. Not a target."
            .to_owned(),
        "- `serde_json::Value`: `from_slice` / `to_vec` on the same bytes.".to_owned(),
        format!("- Rust benchmarks built with the {}.", bench.build_label()),
        python_line,
        "- MB = 10⁶ bytes of JSON; ns per entity = time per response ÷ entities.".to_owned(),
    ]
}

/// Runs the Python benchmark on the payloads the decode benchmark left; `None` and why
/// when it was skipped.
fn run_python(bench: &Bench, rust: &Results) -> Result<(Option<Results>, String), String> {
    let python = match python::installed(&bench.root) {
        Some(python) => python,
        None if bench.smoke => {
            let why = format!(
                "skipped: {} {} is not installed in .tools/python-venv (`cargo xtask bench` \
                 installs it)",
                python::PACKAGE,
                python::VERSION
            );
            println!("{why}");
            return Ok((None, why));
        }
        None => python::install(&bench.root)?,
    };
    let out = bench.result_path("python");
    let _ = std::fs::remove_file(&out);
    let script = bench
        .root
        .join("tests")
        .join("benches")
        .join("python")
        .join("decode_bench.py");
    let mut command = Command::new(&python);
    command.arg(&script).arg("--out").arg(&out);
    if bench.smoke {
        command.arg("--smoke");
    }
    for name in PAYLOADS {
        let path = bench.work.join("payloads").join(format!("{name}.json"));
        command.arg(format!(
            "{name}={}={}",
            path.display(),
            rust.note(&format!("{name}_python_type"))
        ));
    }
    println!("bench: {}", shown(&script, &bench.root));
    status(&mut command)?;
    Ok((Some(Results::read(&out)?), String::new()))
}

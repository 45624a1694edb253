//! Part 7: a newcomer's first build. A fresh crate holding the README quickstart, with the
//! dependencies the README lists (the generated crates and the runtime by path, everything
//! else from crates.io), built cold in debug and release, once with the default TLS
//! provider (aws-lc-rs) and once with `tls-ring`, the two alternating; `--timings` says
//! which crates take the time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::compile::{cargo, timed};
use super::report::{Section, Table, Target};
use super::scratch::write_if_changed;
use super::stats::{paired_ratios, rotated, Load, Summary};
use super::{output, Bench};

/// Cold builds of each variant and profile in the full benchmark.
const RUNS: usize = 2;

/// The goal for the debug build, in seconds.
const DEBUG_TARGET: f64 = 60.0;

/// Crates named in the table of where the time goes.
const TOP: usize = 6;

/// One way to depend on the crates.
struct Variant {
    name: &'static str,
    /// What goes after `path = "..."` in the ntnx dependencies.
    features: &'static str,
    dir: PathBuf,
    /// Seconds, by profile.
    times: BTreeMap<&'static str, Vec<f64>>,
    /// Unit times of the last debug build, by crate.
    units: BTreeMap<String, f64>,
}

pub fn run(bench: &Bench) -> Result<Section, String> {
    let quickstart = quickstart(&bench.root.join("README.md"))?;
    let variants = [
        ("default (aws-lc-rs)", ""),
        (
            "`tls-ring`",
            ", default-features = false, features = [\"tls-ring\"]",
        ),
    ];
    let mut variants: Vec<Variant> = variants
        .into_iter()
        .filter(|(name, _)| !bench.smoke || name.contains("ring"))
        .map(|(name, features)| Variant {
            name,
            features,
            dir: bench.work.join("newcomer").join(if features.is_empty() {
                "aws-lc"
            } else {
                "ring"
            }),
            times: BTreeMap::new(),
            units: BTreeMap::new(),
        })
        .collect();
    for variant in &variants {
        write_crate(bench, variant, &quickstart)?;
        println!(
            "bench: fetching the dependencies of {}",
            variant.dir.display()
        );
        output(&mut cargo(
            &variant.dir,
            &variant.dir.join("target"),
            &["fetch"],
        ))?;
    }
    let profiles: &[&'static str] = if bench.smoke {
        &["debug"]
    } else {
        &["debug", "release"]
    };
    let runs = if bench.smoke { 1 } else { RUNS };
    let load_before = Load::now();
    let count = variants.len();
    for run in 0..runs {
        for profile in profiles {
            // Alternate which variant goes first.
            for i in rotated(run, count) {
                let variant = &mut variants[i];
                let seconds = cold_build(variant, profile)?;
                println!(
                    "bench: run {}/{runs} newcomer {} {profile}: {seconds:.1} s",
                    run + 1,
                    variant.name
                );
                variant.times.entry(profile).or_default().push(seconds);
            }
        }
    }
    let load = Load::since(load_before);
    Ok(section(bench, &variants, profiles, runs, load))
}

/// The Rust code of the README's quickstart: its first `rust,ignore` block after
/// `## Quickstart`.
fn quickstart(readme: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let after = text
        .split_once("## Quickstart")
        .map(|(_, rest)| rest)
        .ok_or("the README has no `## Quickstart`")?;
    let code = after
        .split_once("```rust,ignore\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(code, _)| code.to_owned())
        .ok_or("the README's quickstart has no `rust,ignore` block")?;
    Ok(code)
}

/// The newcomer's crate: the quickstart's dependencies, the lock file of this workspace (so
/// that runs build the same versions), its own target folder.
fn write_crate(bench: &Bench, variant: &Variant, quickstart: &str) -> Result<(), String> {
    let path = |name: &str| {
        bench
            .root
            .join("generated")
            .join(name)
            .display()
            .to_string()
    };
    let manifest = format!(
        "# Written by `cargo xtask bench`: a newcomer's crate holding the README quickstart.\n\
         [package]\nname = \"newcomer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\n\
         ntnx-vmm = {{ package = \"ntnx-vmm-v4-0\", path = \"{}\"{f} }}\n\
         ntnx-prism = {{ package = \"ntnx-prism-v4-0\", path = \"{}\"{f} }}\n\
         ntnx-runtime = {{ path = \"{}\"{f} }}\n\
         futures = \"0.3\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
         # Not a member of the SDK's workspace.\n[workspace]\n",
        path("ntnx-vmm-v4-0"),
        path("ntnx-prism-v4-0"),
        bench.root.join("runtime").display(),
        f = variant.features,
    );
    write_if_changed(&variant.dir.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(
        &variant.dir.join("src").join("main.rs"),
        quickstart.as_bytes(),
    )?;
    let lock =
        std::fs::read(bench.root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    if !variant.dir.join("Cargo.lock").exists() {
        write_if_changed(&variant.dir.join("Cargo.lock"), &lock)?;
    }
    Ok(())
}

/// Seconds of a `cargo build` of `variant` in `profile` from an empty target folder; the
/// unit times of a debug build are kept. The target folder is removed afterwards: the next
/// build starts from nothing anyway, and a kept one costs most of a gigabyte of disk.
fn cold_build(variant: &mut Variant, profile: &str) -> Result<f64, String> {
    let target = variant.dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let mut args = vec!["build", "--timings"];
    if profile == "release" {
        args.push("--release");
    }
    let seconds = timed(&mut cargo(&variant.dir, &target, &args));
    let report = target.join("cargo-timings").join("cargo-timing.html");
    let units = (seconds.is_ok() && profile == "debug").then(|| unit_times(&report));
    let _ = std::fs::remove_dir_all(&target);
    if let Some(units) = units {
        variant.units = units?;
    }
    seconds
}

/// Seconds per crate (its build script, run, and its compilation) of a `--timings` report.
fn unit_times(report: &Path) -> Result<BTreeMap<String, f64>, String> {
    let html = std::fs::read_to_string(report).map_err(|e| format!("{}: {e}", report.display()))?;
    let data = html
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once(";\n"))
        .map(|(data, _)| data)
        .ok_or_else(|| format!("{}: no UNIT_DATA", report.display()))?;
    let units: Vec<Value> =
        serde_json::from_str(data).map_err(|e| format!("{}: UNIT_DATA: {e}", report.display()))?;
    let mut by_crate = BTreeMap::new();
    for unit in units {
        let name = unit["name"].as_str().unwrap_or("?").to_owned();
        *by_crate.entry(name).or_insert(0.0) += unit["duration"].as_f64().unwrap_or(0.0);
    }
    Ok(by_crate)
}

fn section(
    bench: &Bench,
    variants: &[Variant],
    profiles: &[&'static str],
    runs: usize,
    load: Load,
) -> Section {
    let mut table = Table::new(&["dependencies", "profile", "cold build (s)", "runs"]);
    for variant in variants {
        for profile in profiles {
            let times = variant.times.get(profile).map(Vec::as_slice).unwrap_or(&[]);
            table.row(vec![
                variant.name.to_owned(),
                (*profile).to_owned(),
                Summary::of(times).map_or_else(String::new, |s| s.show(1)),
                times.len().to_string(),
            ]);
        }
    }
    let mut tables = vec![table];
    let mut targets = Vec::new();
    if let [aws, ring] = variants {
        let mut ratios = Table::new(&["profile", "`tls-ring` ÷ default, per pair"]);
        for profile in profiles {
            let pair = (aws.times.get(profile), ring.times.get(profile));
            if let (Some(aws), Some(ring)) = pair {
                let ratio = paired_ratios(ring, aws).map_or_else(String::new, |r| r.show_ratio());
                ratios.row(vec![(*profile).to_owned(), ratio]);
            }
        }
        tables.push(ratios);
    }
    for variant in variants {
        tables.push(top_crates(variant));
        let debug = variant.times.get("debug").and_then(|t| Summary::of(t));
        targets.push(Target {
            target: format!(
                "newcomer's cold debug build ≤ {DEBUG_TARGET:.0} s, {}",
                variant.name
            ),
            measured: debug.map_or_else(|| "not measured".to_owned(), |s| s.show(1) + " s"),
            met: debug.map(|s| s.median <= DEBUG_TARGET),
        });
    }
    Section {
        title: "A newcomer's first build".to_owned(),
        text: vec![format!(
            "A fresh crate (`{}`) whose `main.rs` is the README quickstart and whose \
             dependencies are the ones the README lists: `ntnx-vmm-v4-0`, `ntnx-prism-v4-0` \
             and `ntnx-runtime` (by path: they are not on crates.io yet), `futures`, `tokio`. \
             `cargo build --timings` from an empty target folder, dependencies downloaded \
             beforehand, this workspace's lock file, cargo's default profiles, {} cores; \
             {runs} run(s) of each, the two ways alternating; load average {} over the part. \
             With `tls-ring`, every ntnx dependency has \
             `default-features = false, features = [\"tls-ring\"]`.",
            super::shown(&bench.work.join("newcomer"), &bench.root),
            std::thread::available_parallelism().map_or(1, usize::from),
            load.show(),
        )],
        tables,
        notes: vec![
            "Unit time is the time cargo's `--timings` gives each crate's units (build script \
             compile and run, library), summed; the units of a build run side by side on the \
             cores, so the sum exceeds the wall-clock time, and a crate's share is of that \
             sum."
                .to_owned(),
        ],
        targets,
    }
}

/// The crates that take the most unit time in a variant's last debug build.
fn top_crates(variant: &Variant) -> Table {
    let total: f64 = variant.units.values().sum();
    let mut crates: Vec<(&String, &f64)> = variant.units.iter().collect();
    crates.sort_by(|a, b| b.1.total_cmp(a.1));
    let mut table = Table::new(&[
        &format!("debug, {}: crate", variant.name),
        "unit time (s)",
        "share",
    ]);
    for (name, seconds) in crates.into_iter().take(TOP) {
        table.row(vec![
            format!("`{name}`"),
            format!("{seconds:.1}"),
            format!("{:.0}%", 100.0 * seconds / total.max(f64::EPSILON)),
        ]);
    }
    table.row(vec![
        format!("all {} crates", variant.units.len()),
        format!("{total:.1}"),
        "100%".to_owned(),
    ]);
    table
}

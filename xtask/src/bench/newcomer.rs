//! Part 7: a newcomer's first build. A fresh crate holding the README quickstart, with the
//! dependencies of the quickstart's `Cargo.toml` block (the generated crates and the runtime
//! by path, everything else from crates.io), built cold in debug and release, once with the default TLS
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
    /// Whether the ntnx dependencies use ring (`tls-ring`) instead of the default provider.
    tls_ring: bool,
    dir: PathBuf,
    /// Seconds, by profile.
    times: BTreeMap<&'static str, Vec<f64>>,
    /// Unit times of the last debug build, by crate.
    units: BTreeMap<String, f64>,
}

pub fn run(bench: &Bench) -> Result<Section, String> {
    let quickstart = quickstart(&bench.root.join("README.md"))?;
    let variants = [("default (aws-lc-rs)", false), ("`tls-ring`", true)];
    let mut variants: Vec<Variant> = variants
        .into_iter()
        .filter(|&(_, tls_ring)| !bench.smoke || tls_ring)
        .map(|(name, tls_ring)| Variant {
            name,
            tls_ring,
            dir: bench
                .work
                .join("newcomer")
                .join(if tls_ring { "ring" } else { "aws-lc" }),
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
    let dependencies: Vec<&str> = quickstart.dependencies.keys().map(String::as_str).collect();
    Ok(section(
        bench,
        &variants,
        &dependencies,
        profiles,
        runs,
        load,
    ))
}

/// The README's quickstart: the dependencies of its `toml` block and the Rust code of its
/// `rust,ignore` block, the first of each after `## Quickstart`.
struct Quickstart {
    dependencies: toml::Table,
    code: String,
}

fn quickstart(readme: &Path) -> Result<Quickstart, String> {
    let text = std::fs::read_to_string(readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let after = text
        .split_once("## Quickstart")
        .map(|(_, rest)| rest)
        .ok_or("the README has no `## Quickstart`")?;
    let block = |fence: &str| {
        after
            .split_once(&format!("```{fence}\n"))
            .and_then(|(_, rest)| rest.split_once("```"))
            .map(|(code, _)| code.to_owned())
            .ok_or_else(|| format!("the README's quickstart has no `{fence}` block"))
    };
    let manifest: toml::Table =
        toml::from_str(&block("toml")?).map_err(|e| format!("the quickstart's toml: {e}"))?;
    let dependencies = manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .cloned()
        .ok_or("the quickstart's toml has no [dependencies]")?;
    Ok(Quickstart {
        dependencies,
        code: block("rust,ignore")?,
    })
}

/// The newcomer's crate: the quickstart's dependencies, the `ntnx-*` ones by path (they are
/// not on crates.io yet) with the variant's features, the lock file of this workspace (so
/// that runs build the same versions), its own target folder.
fn write_crate(bench: &Bench, variant: &Variant, quickstart: &Quickstart) -> Result<(), String> {
    let mut dependencies = quickstart.dependencies.clone();
    for (name, spec) in &mut dependencies {
        if name.starts_with("ntnx-") {
            *spec = local(bench, name, spec, variant.tls_ring)?;
        }
    }
    let mut package = toml::Table::new();
    for (key, value) in [
        ("name", "newcomer"),
        ("version", "0.0.0"),
        ("edition", "2021"),
    ] {
        package.insert(key.to_owned(), value.into());
    }
    package.insert("publish".to_owned(), false.into());
    let mut manifest = toml::Table::new();
    manifest.insert("package".to_owned(), package.into());
    manifest.insert("dependencies".to_owned(), dependencies.into());
    // Not a member of the SDK's workspace.
    manifest.insert("workspace".to_owned(), toml::Table::new().into());
    let text = format!(
        "# Written by `cargo xtask bench`: a newcomer's crate holding the README quickstart.\n{}",
        toml::to_string(&manifest).map_err(|e| e.to_string())?
    );
    write_if_changed(&variant.dir.join("Cargo.toml"), text.as_bytes())?;
    write_if_changed(
        &variant.dir.join("src").join("main.rs"),
        quickstart.code.as_bytes(),
    )?;
    let lock =
        std::fs::read(bench.root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    if !variant.dir.join("Cargo.lock").exists() {
        write_if_changed(&variant.dir.join("Cargo.lock"), &lock)?;
    }
    Ok(())
}

/// A quickstart dependency on an ntnx crate made a path dependency on this workspace's copy
/// (the runtime, or a generated crate by its package name), with ring as the TLS provider
/// when `tls_ring`.
fn local(
    bench: &Bench,
    name: &str,
    spec: &toml::Value,
    tls_ring: bool,
) -> Result<toml::Value, String> {
    let mut table = match spec {
        toml::Value::Table(table) => table.clone(),
        _ => toml::Table::new(),
    };
    table.remove("version");
    let package = table
        .get("package")
        .and_then(toml::Value::as_str)
        .unwrap_or(name)
        .to_owned();
    let dir = if package == "ntnx-runtime" {
        bench.root.join("runtime")
    } else {
        bench.root.join("generated").join(&package)
    };
    if !dir.join("Cargo.toml").is_file() {
        return Err(format!(
            "the quickstart depends on {package}, which is not in {}",
            dir.display()
        ));
    }
    table.insert("path".to_owned(), dir.display().to_string().into());
    if tls_ring {
        table.insert("default-features".to_owned(), false.into());
        table.insert(
            "features".to_owned(),
            toml::Value::Array(vec!["tls-ring".into()]),
        );
    }
    Ok(table.into())
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
    dependencies: &[&str],
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
             dependencies are the ones the quickstart's `Cargo.toml` lists (read from the \
             README: `{}`; the ntnx crates by path, as they are not on crates.io yet). \
             `cargo build --timings` from an empty target folder, dependencies downloaded \
             beforehand, this workspace's lock file, cargo's default profiles, {} cores; \
             {runs} run(s) of each, the two ways alternating; load average {} over the part. \
             With `tls-ring`, every ntnx dependency has \
             `default-features = false, features = [\"tls-ring\"]`.",
            super::shown(&bench.work.join("newcomer"), &bench.root),
            dependencies.join("`, `"),
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

//! `cargo xtask bench [--smoke] [--specs DIR]`: generation, compile time, decode speed,
//! request overhead and the fault soak, against peers; writes `BENCHMARKS.md` at the workspace root.
//!
//! 1. [`generation`]: `tests/benches/generation.rs` (generate vs parse-only, in process);
//! 2. [`compile`]: debug builds of each generated crate and of the crates progenitor
//!    generates from the same specs, in scratch workspaces below the bench folder;
//! 3. [`decode`]: `tests/benches/decode.rs` (generated types vs `serde_json::Value`) and
//!    `tests/benches/python/decode_bench.py` (the official Python SDK);
//! 4. [`requests`]: `tests/benches/requests.rs` (generated client vs raw reqwest against
//!    a loopback server);
//! 5. [`soak`]: `tests/benches/soak.rs` (10,000 calls against a fault-injecting server,
//!    against the same calls without faults);
//! 6. [`scaling`]: `tests/benches/scaling.rs` (families of up to 20 specs) generated, and
//!    the crates a user of one namespace builds, built, as the family grows;
//! 7. [`newcomer`]: a fresh crate holding the README quickstart, built cold, with each
//!    TLS provider.
//!
//! The benchmarks are built with the `bench` profile into `target-bench/`, and everything
//! else (results, payloads, scratch workspaces and their target folders) lives in
//! `target-bench/bench/`. Tools are installed below `.tools/`.
//!
//! `--part NAME` runs one part alone (`scaling`, `newcomer build`, ...) and writes its
//! report below the bench folder, not to `BENCHMARKS.md`.
//!
//! `--smoke` runs every part once, briefly, to keep the code working: benchmarks built
//! with the `dev` profile into the usual target folder (`$CARGO_TARGET_DIR` or `target/`),
//! only `ntnx-volumes` compiled, progenitor and the Python SDK used only if already
//! installed. It writes its report to `<target>/bench-smoke/BENCHMARKS.md`, never to the
//! workspace root.

mod compile;
mod decode;
mod generation;
mod newcomer;
mod progenitor;
mod python;
mod report;
mod requests;
mod scaling;
mod scratch;
mod soak;
mod stats;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

pub(crate) use crate::workspace::{cargo_bin, status};
use crate::{workspace, Flags, OFFLINE};
use report::{Machine, Section};
use stats::Results;

/// Where and how this run works.
pub(crate) struct Bench {
    pub smoke: bool,
    pub root: PathBuf,
    pub specs: PathBuf,
    /// `CARGO_TARGET_DIR` of the benchmark binaries.
    pub target: PathBuf,
    /// Results, payloads and scratch workspaces.
    pub work: PathBuf,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let smoke = args.iter().any(|a| a == "--smoke");
    let rest: Vec<String> = args.iter().filter(|a| *a != "--smoke").cloned().collect();
    let flags = Flags::parse(&rest, &["--specs", "--part"], &[OFFLINE])?;
    let only_part = flags.get("--part").map(str::to_owned);
    let root = workspace::root();
    let specs = workspace::specs_folder(
        &workspace::spec_dirs(flags.get("--specs")),
        flags.has(OFFLINE),
        &root.join("target").join("specs"),
    )?;
    let specs = specs
        .canonicalize()
        .map_err(|e| format!("specs folder {}: {e}", specs.display()))?;
    let (target, work) = if smoke {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        let work = target.join("bench-smoke");
        (target, work)
    } else {
        let target = root.join("target-bench");
        let work = target.join("bench");
        (target, work)
    };
    let bench = Bench {
        smoke,
        root,
        specs,
        target,
        work,
    };
    std::fs::create_dir_all(bench.work.join("results"))
        .map_err(|e| format!("{}: {e}", bench.work.display()))?;
    let machine = Machine::read();
    let started = Instant::now();
    let mut sections: Vec<Section> = Vec::new();
    type Part = fn(&Bench) -> Result<Section, String>;
    let parts: [(&str, Part); 7] = [
        ("generation", generation::run),
        ("compile time", compile::run),
        ("decode and encode", decode::run),
        ("request overhead", requests::run),
        ("soak", soak::run),
        ("scaling", scaling::run),
        ("newcomer build", newcomer::run),
    ];
    if let Some(only) = &only_part {
        if !parts.iter().any(|(name, _)| name == only) {
            let names: Vec<&str> = parts.iter().map(|(name, _)| *name).collect();
            return Err(format!("--part {only}: the parts are {}", names.join(", ")));
        }
    }
    for (name, part) in parts {
        if only_part.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        println!("== bench: {name}");
        let part_started = Instant::now();
        sections.push(part(&bench).map_err(|e| format!("bench {name}: {e}"))?);
        println!(
            "== bench: {name} done in {:.1} s",
            part_started.elapsed().as_secs_f64()
        );
    }
    let command = if smoke {
        "cargo xtask bench --smoke"
    } else {
        "cargo xtask bench"
    };
    let text = report::render(command, smoke, &machine, &sections);
    // One part alone is a draft, not the report.
    let out = if smoke || only_part.is_some() {
        bench.work.join("BENCHMARKS.md")
    } else {
        bench.root.join("BENCHMARKS.md")
    };
    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "bench: wrote {} in {:.0} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

impl Bench {
    /// Builds and runs benchmark `name` of `tests/benches/` with `extra` arguments, and
    /// reads the results it writes.
    pub fn cargo_bench(&self, name: &str, extra: &[String]) -> Result<Results, String> {
        let out = self.work.join("results").join(format!("{name}.json"));
        let _ = std::fs::remove_file(&out);
        let mut command = Command::new(cargo_bin());
        command
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("NTNX_SPECS_DIR", &self.specs)
            .args([
                "bench",
                "--quiet",
                "-p",
                "ntnx-workspace-tests",
                "--bench",
                name,
            ]);
        if self.smoke {
            command.args(["--profile", "dev"]);
        }
        command.arg("--").arg("--out").arg(&out).args(extra);
        if self.smoke {
            command.arg("--smoke");
        }
        status(&mut command)?;
        Results::read(&out)
    }

    /// How the benchmark binaries are built, for the report.
    pub fn build_label(&self) -> &'static str {
        if self.smoke {
            "`dev` profile, as `--smoke` builds them"
        } else {
            "`bench` profile: optimized"
        }
    }

    /// Where a result file of this run goes.
    pub fn result_path(&self, name: &str) -> PathBuf {
        self.work.join("results").join(format!("{name}.json"))
    }
}

/// Runs `command` with its output captured; an error with the end of its output if it
/// fails.
pub(crate) fn output(command: &mut Command) -> Result<Output, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{command:?} failed ({}):\n{}",
            output.status,
            tail(&output, 30)
        ))
    }
}

/// The last `lines` lines of a command's stderr and stdout.
pub(crate) fn tail(output: &Output, lines: usize) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `path` relative to `root` for display, else as is.
pub(crate) fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

//! `cargo xtask test`: every check CI runs, in order, failing fast.
//!
//! 1. `cargo fmt --check`
//! 2. `cargo xtask check` (generated crates up to date)
//! 3. `cargo clippy --workspace --all-targets -- -D warnings`
//! 4. `cargo test --workspace` (unit, round-trip, mock-server and conformance tests), then
//!    the runtime's TLS tests with its other TLS features (`tls-ring` alone, and none)
//! 5. `cargo doc --workspace --no-deps` with warnings denied
//! 6. `cargo package` of every published crate (the runtime, the shared crate and each
//!    namespace crate), without the verifying build: their sources are what step 4 built
//! 7. `cargo xtask bench --smoke` (every benchmark once, briefly, so none can rot; the
//!    report goes below the target folder, not to `BENCHMARKS.md`)
//!
//! It ends with one line counting the tests cargo ran, `tests: N passed, N failed`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::workspace::{self, cargo_bin, status};
use crate::{Flags, OFFLINE};
use ntnx_generator::locate::SpecDirs;

pub fn run(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &["--specs"], &[OFFLINE])?;
    let dirs = workspace::spec_dirs(flags.get("--specs"));
    let offline = flags.has(OFFLINE);
    let root = workspace::root();
    // Every test and benchmark reads the pinned files from one folder.
    let specs = workspace::specs_folder(&dirs, offline, &root.join("target").join("specs"))?;
    step("cargo fmt --check", || cargo(&["fmt", "--all", "--check"]))?;
    step("cargo xtask check", || {
        crate::check::check(&SpecDirs::one(&specs), true)
    })?;
    step("cargo clippy", || {
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    let mut counts = run_tests(&specs, &["test", "--workspace"])?;
    // The runtime's TLS features other than the default: ring as the provider, and none.
    for args in [TLS_RING, TLS_NONE] {
        let (passed, failed) = run_tests(&specs, args)?;
        counts = (counts.0 + passed, counts.1 + failed);
    }
    step("cargo doc", || {
        status(
            Command::new(cargo_bin())
                .args(["doc", "--workspace", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings")
                .current_dir(&root),
        )
    })?;
    step("cargo package", package)?;
    step("cargo xtask bench --smoke", || {
        crate::bench::run(&[
            "--smoke".to_owned(),
            "--offline".to_owned(),
            "--specs".to_owned(),
            specs.display().to_string(),
        ])
    })?;
    println!("tests: {} passed, {} failed", counts.0, counts.1);
    Ok(())
}

/// The TLS tests with feature `tls-ring` alone.
const TLS_RING: &[&str] = &[
    "test",
    "-p",
    "ntnx-runtime",
    "--no-default-features",
    "--features",
    "tls-ring",
    "--test",
    "wire",
    "tls::",
];

/// The test of building a client with no TLS feature and no provider.
const TLS_NONE: &[&str] = &[
    "test",
    "-p",
    "ntnx-runtime",
    "--no-default-features",
    "--test",
    "wire",
    "tls::no_provider",
];

/// `cargo package` of the crates to publish: every workspace member whose manifest does not
/// say `publish = false`.
fn package() -> Result<(), String> {
    let mut args = vec!["package", "--no-verify", "--allow-dirty"];
    let crates = workspace::published_crates()?;
    for name in &crates {
        args.extend(["-p", name.as_str()]);
    }
    cargo(&args)
}

fn cargo(args: &[&str]) -> Result<(), String> {
    status(
        Command::new(cargo_bin())
            .args(args)
            .current_dir(workspace::root()),
    )
}

/// Runs one step, saying how long it took: CI has a time budget, and this is where it goes.
fn step(name: &str, run: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let start = Instant::now();
    match run() {
        Ok(()) => {
            println!("xtask test: {name}: ok in {}", elapsed(start));
            Ok(())
        }
        Err(e) => Err(format!("{name}: {e} (after {})", elapsed(start))),
    }
}

/// Seconds since `start`, as `12 s`.
fn elapsed(start: Instant) -> String {
    format!("{:.0} s", start.elapsed().as_secs_f64())
}

/// Runs `cargo ARGS` (a `cargo test`), echoing its output, and sums its `test result:`
/// lines.
fn run_tests(specs: &std::path::Path, args: &[&str]) -> Result<(usize, usize), String> {
    let start = Instant::now();
    let mut child = Command::new(cargo_bin())
        .args(args)
        .env("NTNX_SPECS_DIR", specs)
        .current_dir(workspace::root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let mut passed = 0;
    let mut failed = 0;
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count(rest, " passed");
                failed += count(rest, " failed");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let status = child.wait().map_err(|e| format!("cargo test: {e}"))?;
    if !status.success() || failed > 0 {
        return Err(format!(
            "cargo {} failed: {passed} passed, {failed} failed",
            args.join(" ")
        ));
    }
    println!(
        "xtask test: cargo {}: ok ({passed} tests) in {}",
        args.join(" "),
        elapsed(start)
    );
    Ok((passed, failed))
}

/// The number before `label` in a `test result:` line.
fn count(line: &str, label: &str) -> usize {
    line.split(';')
        .find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(label.trim_start())
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

//! `cargo xtask`: the workspace's own commands.
//!
//! - `cargo xtask generate`: regenerate `generated/` from the pinned specs.
//! - `cargo xtask generate --spec FILE --out DIR`: generate one spec's crate (and its shared
//!   types) into `DIR`, without touching the manifest.
//! - `cargo xtask check`: regenerate in memory and fail if `generated/` differs.
//! - `cargo xtask test`: everything CI checks (format, drift, clippy, tests, docs).
//! - `cargo xtask bench [--smoke]`: generation, compile-time, decode and request
//!   benchmarks against peers; writes `BENCHMARKS.md` (see `bench/mod.rs`).
//!
//! Specs are read from `--specs DIR`, else `$NTNX_SPECS_DIR`, else `../shared/specs`.

mod bench;
mod check;
mod generate;
mod test;
mod workspace;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate::run(&args[1..]),
        Some("check") => check::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask generate [--specs DIR]           regenerate generated/ from specs/manifest.toml
  cargo xtask generate --spec FILE --out DIR   generate one spec's crates into DIR
  cargo xtask check [--specs DIR]              fail if generated/ is stale
  cargo xtask test [--specs DIR]               run every check CI runs
  cargo xtask bench [--smoke] [--specs DIR]    benchmarks; writes BENCHMARKS.md (--smoke: a
                                               short run of each part, report in target/)";

/// Parsed `--flag value` options.
pub(crate) struct Flags {
    pairs: Vec<(String, String)>,
}

impl Flags {
    /// Parses `args`, accepting only `allowed` flags.
    pub(crate) fn parse(args: &[String], allowed: &[&str]) -> Result<Flags, String> {
        let mut pairs = Vec::new();
        let mut iter = args.iter();
        while let Some(flag) = iter.next() {
            if !allowed.contains(&flag.as_str()) {
                return Err(format!("unexpected argument `{flag}`\n{USAGE}"));
            }
            let value = iter
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            pairs.push((flag.clone(), value.clone()));
        }
        Ok(Flags { pairs })
    }

    /// The value of `flag`, if given.
    pub(crate) fn get(&self, flag: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.as_str())
    }
}

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
//! - `cargo xtask specs fetch NAMESPACE VERSION [--pin]`, `cargo xtask specs probe NAMESPACE`:
//!   specs from the developer portal (see `specs.rs`).
//!
//! Each pinned spec is read from the first of `--specs DIR`, `$NTNX_SPECS_DIR`,
//! `../shared/specs` and the user cache that holds it; a file none holds is downloaded from
//! its pinned URL into the cache, unless `--offline` is given.

mod bench;
mod check;
mod generate;
mod portal;
#[cfg(test)]
mod spec_server;
mod specs;
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
        Some("specs") => specs::run(&args[1..]),
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
  cargo xtask generate [--specs DIR] [--offline]   regenerate generated/ from specs/manifest.toml
  cargo xtask generate --spec FILE --out DIR       generate one spec's crates into DIR
  cargo xtask check [--specs DIR] [--offline]      fail if generated/ is stale
  cargo xtask test [--specs DIR] [--offline]       run every check CI runs
  cargo xtask bench [--smoke] [--specs DIR]        benchmarks; writes BENCHMARKS.md (--smoke: a
                    [--part NAME]                  short run of each part, report in target/;
                                                   --part: one part alone, report in target/)
  cargo xtask specs fetch NAMESPACE VERSION [--pin]  download a spec from the portal, print its pin
  cargo xtask specs probe NAMESPACE                  list the versions the portal serves

Pinned specs missing from --specs, NTNX_SPECS_DIR and ../shared/specs are downloaded into
the user cache (NTNX_SPECS_CACHE) from their pinned URL (base: NTNX_SPECS_URL_BASE), unless
--offline.";

/// Parsed `--flag value` options and `--switch`es.
pub(crate) struct Flags {
    pairs: Vec<(String, String)>,
    switches: Vec<String>,
}

/// Switches every command that reads pinned specs takes.
pub(crate) const OFFLINE: &str = "--offline";

impl Flags {
    /// Parses `args`, accepting only `allowed` flags (each followed by a value) and the
    /// `switches`.
    pub(crate) fn parse(
        args: &[String],
        allowed: &[&str],
        switches: &[&str],
    ) -> Result<Flags, String> {
        let mut pairs = Vec::new();
        let mut on = Vec::new();
        let mut iter = args.iter();
        while let Some(flag) = iter.next() {
            if switches.contains(&flag.as_str()) {
                on.push(flag.clone());
                continue;
            }
            if !allowed.contains(&flag.as_str()) {
                return Err(format!("unexpected argument `{flag}`\n{USAGE}"));
            }
            let value = iter
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            pairs.push((flag.clone(), value.clone()));
        }
        Ok(Flags {
            pairs,
            switches: on,
        })
    }

    /// Whether `switch` was given.
    pub(crate) fn has(&self, switch: &str) -> bool {
        self.switches.iter().any(|s| s == switch)
    }

    /// The value of `flag`, if given.
    pub(crate) fn get(&self, flag: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(f, _)| f == flag)
            .map(|(_, v)| v.as_str())
    }
}

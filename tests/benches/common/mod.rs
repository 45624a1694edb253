//! What the benchmarks (`harness = false`, run by `cargo xtask bench`) share: their
//! arguments, a timing loop with warm-up, and the results file `cargo xtask bench` reads.
//!
//! Arguments (after `cargo bench ... --`): `--smoke` (one short iteration of everything),
//! `--out FILE` (where to write the results as JSON), `--dir DIR` (where to leave
//! payloads for other tools), `--only NAME` (run only measurement NAME, e.g.
//! `vms/ours/decode`, under a profiler). Cargo's own `--bench` is ignored.
//!
//! A measurement is a list of samples, each the mean time of one operation over a batch
//! of operations; `cargo xtask bench` reports their median, min and max. Operations that
//! are compared are measured together ([`Timer::interleaved`]): one sample of each per
//! round, so that load on this shared machine lands on both sides of a ratio, which
//! `cargo xtask bench` then takes per round ([`Results::compare`]).

#![allow(dead_code)] // Each benchmark uses a part of this module.

pub mod payloads;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

/// The command line of a benchmark.
#[derive(Debug, Default)]
pub struct Args {
    /// One short iteration of everything.
    pub smoke: bool,
    /// Where to write the results.
    pub out: Option<PathBuf>,
    /// Where to leave payloads.
    pub dir: Option<PathBuf>,
    /// Run only the measurement of this name.
    pub only: Option<String>,
}

impl Args {
    /// Reads the process's arguments; panics on an unknown one.
    pub fn parse() -> Args {
        let mut args = Args::default();
        let mut iter = std::env::args().skip(1);
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--bench" => {}
                "--smoke" => args.smoke = true,
                "--out" => args.out = Some(PathBuf::from(iter.next().expect("--out FILE"))),
                "--dir" => args.dir = Some(PathBuf::from(iter.next().expect("--dir DIR"))),
                "--only" => args.only = Some(iter.next().expect("--only NAME")),
                other => {
                    panic!("unknown argument `{other}` (expected --smoke, --out, --dir, --only)")
                }
            }
        }
        args
    }

    /// Whether measurement `name` is to run (see `--only`).
    pub fn wants(&self, name: &str) -> bool {
        self.only.as_deref().is_none_or(|only| name == only)
    }

    /// The timing settings for this mode.
    pub fn timer(&self) -> Timer {
        if self.smoke {
            Timer::SMOKE
        } else {
            Timer::FULL
        }
    }
}

/// How long to warm up and how many samples to take.
#[derive(Clone, Copy, Debug)]
pub struct Timer {
    /// Time spent running the operation before measuring (at least one run).
    pub warmup: Duration,
    /// Samples taken.
    pub samples: usize,
    /// Wanted length of one sample; it batches as many operations as fit.
    pub sample_time: Duration,
}

impl Timer {
    /// The full run.
    pub const FULL: Timer = Timer {
        warmup: Duration::from_millis(500),
        samples: 15,
        sample_time: Duration::from_millis(100),
    };
    /// `--smoke`: one operation, one sample.
    pub const SMOKE: Timer = Timer {
        warmup: Duration::ZERO,
        samples: 1,
        sample_time: Duration::ZERO,
    };

    /// Runs `operation` for the warm-up time (at least once) and returns how many calls fit
    /// in one sample.
    fn warm_up(&self, operation: &mut dyn FnMut()) -> u32 {
        let started = Instant::now();
        let mut runs = 0u32;
        while runs == 0 || started.elapsed() < self.warmup {
            operation();
            runs += 1;
        }
        let per_call = started.elapsed().as_secs_f64() / f64::from(runs);
        if per_call > 0.0 {
            (self.sample_time.as_secs_f64() / per_call).clamp(1.0, 1e6) as u32
        } else {
            1
        }
    }

    /// Samples of `operation`, in seconds per call.
    pub fn measure<T>(&self, mut operation: impl FnMut() -> T) -> Vec<f64> {
        let batch = self.warm_up(&mut || {
            black_box(operation());
        });
        (0..self.samples)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..batch {
                    black_box(operation());
                }
                started.elapsed().as_secs_f64() / f64::from(batch)
            })
            .collect()
    }

    /// Samples of each of `operations`, in seconds per call, taken in rounds: each round
    /// takes one sample of every operation, starting with the next one each round (A B C,
    /// B C A, ...). Sample `i` of every operation comes from round `i`.
    pub fn interleaved(&self, operations: &mut [&mut dyn FnMut()]) -> Vec<Vec<f64>> {
        let batches: Vec<u32> = operations
            .iter_mut()
            .map(|operation| self.warm_up(*operation))
            .collect();
        let count = operations.len();
        let mut samples = vec![Vec::with_capacity(self.samples); count];
        for round in 0..self.samples {
            for turn in 0..count {
                let which = (round + turn) % count;
                let started = Instant::now();
                for _ in 0..batches[which] {
                    (operations[which])();
                }
                samples[which].push(started.elapsed().as_secs_f64() / f64::from(batches[which]));
            }
        }
        samples
    }
}

/// The machine's load average over the last minute (`/proc/loadavg`), if it can be read.
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The results file of one benchmark: named measurements and notes.
#[derive(Debug)]
pub struct Results {
    bench: &'static str,
    smoke: bool,
    measurements: Vec<Value>,
    comparisons: Vec<Value>,
    notes: Map<String, Value>,
}

impl Results {
    /// Empty results of benchmark `bench`.
    pub fn new(bench: &'static str, args: &Args) -> Results {
        Results {
            bench,
            smoke: args.smoke,
            measurements: Vec::new(),
            comparisons: Vec::new(),
            notes: Map::new(),
        }
    }

    /// Adds a measurement; `entities` and `bytes` are what one call handles (0 if it
    /// does not apply). Prints its median.
    pub fn add(&mut self, name: &str, samples: Vec<f64>, entities: usize, bytes: usize) {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        println!(
            "{:<40} median {:>12.3} µs  ({} samples)",
            name,
            median * 1e6,
            samples.len()
        );
        self.measurements.push(json!({
            "name": name,
            "samples": samples,
            "entities": entities,
            "bytes": bytes,
        }));
    }

    /// Adds measurements taken together by [`Timer::interleaved`] (`names[i]` has
    /// `samples[i]`), each operation handling `entities` and `bytes`, and records that they
    /// were, with the load average before and after, so that ratios between them are
    /// taken round by round.
    pub fn compare(
        &mut self,
        names: &[&str],
        samples: Vec<Vec<f64>>,
        entities: usize,
        bytes: usize,
        load: (Option<f64>, Option<f64>),
    ) {
        for (name, samples) in names.iter().zip(samples) {
            self.add(name, samples, entities, bytes);
        }
        self.compared(names, load);
    }

    /// Records that measurements `names`, already added, were taken alternately (sample
    /// `i` of each in round `i`), with the load average before and after.
    pub fn compared(&mut self, names: &[&str], load: (Option<f64>, Option<f64>)) {
        self.comparisons.push(json!({
            "names": names,
            "load_before": load.0,
            "load_after": load.1,
        }));
    }

    /// Adds a note (`key: value`) for the report.
    pub fn note(&mut self, key: &str, value: impl Into<Value>) {
        self.notes.insert(key.to_owned(), value.into());
    }

    /// Writes the results to `args.out`, if given.
    pub fn write(self, args: &Args) {
        let Some(out) = &args.out else {
            return;
        };
        let value = json!({
            "bench": self.bench,
            "smoke": self.smoke,
            "measurements": self.measurements,
            "comparisons": self.comparisons,
            "notes": self.notes,
        });
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        let text = serde_json::to_string_pretty(&value).expect("results are JSON");
        std::fs::write(out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    }
}

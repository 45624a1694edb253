//! Medians, ranges and the results files the benchmarks write.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// Median, min and max of some samples (seconds, or any unit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Summary {
    /// Of `samples`; `None` if there are none.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            runs: n,
        })
    }

    /// Every figure multiplied by `factor`.
    pub fn scale(self, factor: f64) -> Summary {
        Summary {
            median: self.median * factor,
            min: self.min * factor,
            max: self.max * factor,
            runs: self.runs,
        }
    }

    /// `factor / x` of every figure (times to rates): min and max swap.
    pub fn rate(self, factor: f64) -> Summary {
        Summary {
            median: factor / self.median,
            min: factor / self.max,
            max: factor / self.min,
            runs: self.runs,
        }
    }

    /// `median (min–max)` with `decimals` digits.
    pub fn show(&self, decimals: usize) -> String {
        format!(
            "{:.d$} ({:.d$}–{:.d$})",
            self.median,
            self.min,
            self.max,
            d = decimals
        )
    }

    /// `median× (min–max)`, for ratios.
    pub fn show_ratio(&self) -> String {
        format!("{:.2}× ({:.2}–{:.2})", self.median, self.min, self.max)
    }
}

/// The ratios `a[i] ÷ b[i]` of samples taken in pairs (sample `i` of both sides in the same
/// round), summarized; `None` without pairs. Taking the ratio per pair, not of the two
/// medians, keeps a burst of load on this shared machine from landing on one side only.
pub fn paired_ratios(a: &[f64], b: &[f64]) -> Option<Summary> {
    let ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    Summary::of(&ratios)
}

/// The indices `0..count` starting at `round % count` and wrapping round: the order of
/// round `round` when cases take turns, so that each goes first in some round.
pub fn rotated(round: usize, count: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |i| (i + round) % count)
}

/// The machine's one-minute load average before and after some measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Load {
    pub before: Option<f64>,
    pub after: Option<f64>,
}

impl Load {
    /// The load average now (`/proc/loadavg`), if it can be read.
    pub fn now() -> Option<f64> {
        let text = std::fs::read_to_string("/proc/loadavg").ok()?;
        text.split_whitespace().next()?.parse().ok()
    }

    /// From `before` (a reading of [`Load::now`]) to now.
    pub fn since(before: Option<f64>) -> Load {
        Load {
            before,
            after: Load::now(),
        }
    }

    /// `1.4 → 2.1`.
    pub fn show(&self) -> String {
        let one = |l: Option<f64>| l.map_or_else(|| "?".to_owned(), |l| format!("{l:.1}"));
        format!("{} → {}", one(self.before), one(self.after))
    }
}

/// A ratio of two sides measured alternately, with the load around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Per-pair ratios.
    pub ratio: Summary,
    pub load: Load,
}

impl Paired {
    /// `median× (min–max), load a → b`.
    pub fn show(&self) -> String {
        format!("{}, load {}", self.ratio.show_ratio(), self.load.show())
    }
}

/// One measurement of a results file.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Seconds per operation, one per sample.
    pub samples: Vec<f64>,
    /// Entities one operation handles.
    pub entities: usize,
    /// Bytes one operation handles.
    pub bytes: usize,
}

impl Measurement {
    /// Seconds per operation.
    pub fn seconds(&self) -> Summary {
        Summary::of(&self.samples).unwrap_or(Summary {
            median: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
            runs: 0,
        })
    }

    /// Nanoseconds per entity.
    pub fn ns_per_entity(&self) -> Summary {
        self.seconds().scale(1e9 / self.entities.max(1) as f64)
    }

    /// Megabytes (10⁶ bytes) per second.
    pub fn mb_per_s(&self) -> Summary {
        self.seconds().rate(self.bytes as f64 / 1e6)
    }
}

/// A results file of one benchmark (`tests/benches/common/mod.rs` writes them).
#[derive(Clone, Debug, Default)]
pub struct Results {
    pub measurements: BTreeMap<String, Measurement>,
    /// Groups of measurements taken alternately, with the load around them.
    pub comparisons: Vec<(Vec<String>, Load)>,
    pub notes: BTreeMap<String, Value>,
}

impl Results {
    /// Reads `path`.
    pub fn read(path: &Path) -> Result<Results, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut results = Results::default();
        for item in value["measurements"].as_array().into_iter().flatten() {
            let name = item["name"]
                .as_str()
                .ok_or_else(|| format!("{}: a measurement has no name", path.display()))?;
            let samples = item["samples"]
                .as_array()
                .map(|s| s.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            let count = |key: &str| item[key].as_u64().unwrap_or(0) as usize;
            results.measurements.insert(
                name.to_owned(),
                Measurement {
                    samples,
                    entities: count("entities"),
                    bytes: count("bytes"),
                },
            );
        }
        for item in value["comparisons"].as_array().into_iter().flatten() {
            let names = item["names"]
                .as_array()
                .map(|n| {
                    n.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let load = Load {
                before: item["load_before"].as_f64(),
                after: item["load_after"].as_f64(),
            };
            results.comparisons.push((names, load));
        }
        if let Some(notes) = value["notes"].as_object() {
            results.notes = notes.clone().into_iter().collect();
        }
        Ok(results)
    }

    /// The measurement `name`, or an error naming the file's benchmark.
    pub fn get(&self, name: &str) -> Result<&Measurement, String> {
        self.measurements
            .get(name)
            .ok_or_else(|| format!("the benchmark results have no `{name}`"))
    }

    /// Time of `a` ÷ time of `b`, per pair of samples; an error unless the benchmark
    /// measured the two alternately.
    pub fn paired(&self, a: &str, b: &str) -> Result<Paired, String> {
        let (_, load) = self
            .comparisons
            .iter()
            .find(|(names, _)| names.iter().any(|n| n == a) && names.iter().any(|n| n == b))
            .ok_or_else(|| format!("`{a}` and `{b}` were not measured alternately"))?;
        let ratio = paired_ratios(&self.get(a)?.samples, &self.get(b)?.samples)
            .ok_or_else(|| format!("`{a}` and `{b}` have no samples"))?;
        Ok(Paired { ratio, load: *load })
    }

    /// A note as text (strings unquoted).
    pub fn note(&self, key: &str) -> String {
        match self.notes.get(key) {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => "?".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_takes_the_middle_and_the_ends() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.runs), (2.0, 1.0, 3.0, 3));
        assert_eq!(Summary::of(&[1.0, 2.0, 4.0, 3.0]).unwrap().median, 2.5);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn ratios_are_taken_pair_by_pair() {
        // A burst of load in round 2 slows both sides; the per-pair ratio stays 2.
        let a = [2.0, 20.0, 2.0];
        let b = [1.0, 10.0, 1.0];
        let r = paired_ratios(&a, &b).unwrap();
        assert_eq!((r.median, r.min, r.max, r.runs), (2.0, 2.0, 2.0, 3));
        assert_eq!(r.show_ratio(), "2.00× (2.00–2.00)");
        assert!(paired_ratios(&[], &[]).is_none());
    }

    #[test]
    fn rounds_rotate_who_goes_first() {
        assert_eq!(rotated(0, 3).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(rotated(1, 3).collect::<Vec<_>>(), [1, 2, 0]);
        assert_eq!(rotated(4, 2).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn paired_needs_an_interleaved_comparison() {
        let text = r#"{"measurements": [
            {"name": "a", "samples": [2.0, 4.0]}, {"name": "b", "samples": [1.0, 1.0]},
            {"name": "c", "samples": [1.0, 1.0]}],
            "comparisons": [{"names": ["a", "b"], "load_before": 1.5, "load_after": null}]}"#;
        let dir = std::env::temp_dir().join(format!("xtask-stats-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.json");
        std::fs::write(&path, text).unwrap();
        let results = Results::read(&path).unwrap();
        let paired = results.paired("a", "b").unwrap();
        assert_eq!((paired.ratio.median, paired.ratio.max), (3.0, 4.0));
        assert_eq!(paired.load.show(), "1.5 → ?");
        assert!(results
            .paired("a", "c")
            .unwrap_err()
            .contains("alternately"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rates_swap_min_and_max() {
        let s = Summary::of(&[1.0, 2.0, 4.0]).unwrap().rate(8.0);
        assert_eq!((s.median, s.min, s.max), (4.0, 2.0, 8.0));
        assert_eq!(s.show(1), "4.0 (2.0–8.0)");
    }
}

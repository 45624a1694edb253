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
    fn rates_swap_min_and_max() {
        let s = Summary::of(&[1.0, 2.0, 4.0]).unwrap().rate(8.0);
        assert_eq!((s.median, s.min, s.max), (4.0, 2.0, 8.0));
        assert_eq!(s.show(1), "4.0 (2.0–8.0)");
    }
}

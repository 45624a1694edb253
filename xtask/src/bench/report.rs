//! `BENCHMARKS.md`: the command, date and machine, one section per part, and the targets.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// One part of the report.
#[derive(Debug, Default)]
pub struct Section {
    pub title: String,
    /// Lines before the tables (Markdown).
    pub text: Vec<String>,
    pub tables: Vec<Table>,
    /// Lines after the tables (Markdown).
    pub notes: Vec<String>,
    pub targets: Vec<Target>,
}

/// A Markdown table.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn render(&self, out: &mut String) {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        out.push_str(&line(&self.header));
        let rule: Vec<String> = self.header.iter().map(|_| "---".to_owned()).collect();
        out.push_str(&line(&rule));
        for row in &self.rows {
            out.push_str(&line(row));
        }
    }
}

/// A target of the issue and whether this run met it (`None`: not measured).
#[derive(Debug)]
pub struct Target {
    pub target: String,
    pub measured: String,
    pub met: Option<bool>,
}

/// Facts about the machine, read at the start of the run.
#[derive(Debug)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub rustc: String,
    pub load: String,
    /// When the run started.
    pub date: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
            .map_or_else(|| "unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let rustc = Command::new(rustc)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "rustc (unknown version)".to_owned());
        let load = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned());
        Machine {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu,
            rustc,
            load,
            date: now_utc(),
        }
    }
}

/// The whole report.
pub fn render(command: &str, smoke: bool, machine: &Machine, sections: &[Section]) -> String {
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(
        "Written by `cargo xtask bench` (code in `xtask/src/bench/`, `tests/benches/`); \
         rerun it rather than editing this file.\n\n",
    );
    if smoke {
        out.push_str(
            "**Smoke run**: one short iteration of each part, to keep the benchmark code \
             working. The figures mean nothing.\n\n",
        );
    }
    let _ = writeln!(out, "- Command: `{command}`");
    let _ = writeln!(out, "- Date: {} (start of the run)", machine.date);
    let _ = writeln!(
        out,
        "- Machine: {} cores (nproc), {}; load average {} at the start (the cores are \
         shared with other work)",
        machine.cores, machine.cpu, machine.load
    );
    let _ = writeln!(out, "- Toolchain: {}", machine.rustc);
    out.push_str(
        "- Each figure is the median of several runs, min–max in parentheses. A ratio \
         compares cases measured alternately (A, B, A, B … in the same process or script), \
         so that load on this shared machine lands on both sides: it is the median of the \
         per-pair ratios, their min–max in parentheses, with the one-minute load average \
         before → after. The few ratios of medians of separate runs say so.\n\n",
    );
    for (i, section) in sections.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", i + 1, section.title);
        for line in &section.text {
            out.push_str(line);
            out.push('\n');
        }
        if !section.text.is_empty() {
            out.push('\n');
        }
        for table in &section.tables {
            table.render(&mut out);
            out.push('\n');
        }
        for line in &section.notes {
            out.push_str(line);
            out.push('\n');
        }
        if !section.notes.is_empty() {
            out.push('\n');
        }
    }
    let _ = writeln!(out, "## {}. Targets\n", sections.len() + 1);
    let mut table = Table::new(&["part", "target", "measured", "met"]);
    for section in sections {
        for target in &section.targets {
            let met = match target.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "not measured",
            };
            table.row(vec![
                section.title.clone(),
                target.target.clone(),
                target.measured.clone(),
                met.to_owned(),
            ]);
        }
    }
    table.render(&mut out);
    out
}

/// The current time, `YYYY-MM-DD HH:MM UTC`.
fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn tables_render_as_markdown() {
        let mut table = Table::new(&["a", "b"]);
        table.row(vec!["1".to_owned(), "2".to_owned()]);
        let mut out = String::new();
        table.render(&mut out);
        assert_eq!(out, "| a | b |\n| --- | --- |\n| 1 | 2 |\n");
    }
}

//! `cargo xtask check`: are `generated/` and the fixture crates what the generator
//! produces now?

use std::collections::BTreeMap;
use std::path::PathBuf;

use similar::TextDiff;

use crate::workspace::{self, list_files, Output};
use crate::{Flags, OFFLINE};
use ntnx_generator::locate::SpecDirs;

/// Diff lines shown per differing file.
const DIFF_LINES: usize = 40;

pub fn run(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &["--specs"], &[OFFLINE])?;
    check(
        &workspace::spec_dirs(flags.get("--specs")),
        flags.has(OFFLINE),
    )
}

/// Compares what the generator makes of the specs in `dirs` with the files on disk.
pub fn check(dirs: &SpecDirs, offline: bool) -> Result<(), String> {
    let generated = workspace::generate_pinned(dirs, offline)?;
    let outputs = [
        Output {
            dir: PathBuf::from("generated"),
            files: generated.files,
        },
        workspace::generate_fixture_crates()?,
    ];
    let mut problems = Vec::new();
    let mut count = 0;
    for output in &outputs {
        problems.extend(compare(output));
        count += output.files.len();
    }
    if problems.is_empty() {
        let dirs: Vec<String> = outputs
            .iter()
            .map(|o| format!("{}/", o.dir.display()))
            .collect();
        println!("{} up to date ({count} files)", dirs.join(" and "));
        return Ok(());
    }
    Err(format!(
        "generated files are stale; run `cargo xtask generate` and commit the result:\n{}",
        problems.join("\n")
    ))
}

/// What differs between `output` and the files on disk.
fn compare(output: &Output) -> Vec<String> {
    let dir = workspace::root().join(&output.dir);
    let shown = |path: &std::path::Path| output.dir.join(path).display().to_string();
    let expected: BTreeMap<&PathBuf, &str> = output
        .files
        .iter()
        .map(|f| (&f.path, f.contents.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (path, contents) in &expected {
        match std::fs::read_to_string(dir.join(path)) {
            Err(_) => problems.push(format!("missing: {}", shown(path))),
            Ok(actual) if actual != **contents => {
                let diff = TextDiff::from_lines(actual.as_str(), *contents);
                let text = diff
                    .unified_diff()
                    .context_radius(2)
                    .header("on disk", "generator")
                    .to_string();
                let mut lines: Vec<&str> = text.lines().take(DIFF_LINES).collect();
                if text.lines().count() > DIFF_LINES {
                    lines.push("...");
                }
                problems.push(format!("differs: {}\n{}", shown(path), lines.join("\n")));
            }
            Ok(_) => {}
        }
    }
    for path in list_files(&dir) {
        if !expected.contains_key(&path) && !path.starts_with("target") {
            problems.push(format!("not generated any more: {}", shown(&path)));
        }
    }
    problems
}

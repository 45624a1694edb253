//! `cargo xtask check`: is `generated/` what the generator produces now?

use std::collections::BTreeMap;
use std::path::PathBuf;

use similar::TextDiff;

use crate::workspace::{self, list_files};
use crate::Flags;

/// Diff lines shown per differing file.
const DIFF_LINES: usize = 40;

pub fn run(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &["--specs"])?;
    let generated = workspace::generate_pinned(&workspace::specs_dir(flags.get("--specs")))?;
    let dir = workspace::root().join("generated");
    let expected: BTreeMap<&PathBuf, &str> = generated
        .files
        .iter()
        .map(|f| (&f.path, f.contents.as_str()))
        .collect();
    let mut problems = Vec::new();
    for (path, contents) in &expected {
        match std::fs::read_to_string(dir.join(path)) {
            Err(_) => problems.push(format!("missing: generated/{}", path.display())),
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
                problems.push(format!(
                    "differs: generated/{}\n{}",
                    path.display(),
                    lines.join("\n")
                ));
            }
            Ok(_) => {}
        }
    }
    for path in list_files(&dir) {
        if !expected.contains_key(&path) && !path.starts_with("target") {
            problems.push(format!(
                "not generated any more: generated/{}",
                path.display()
            ));
        }
    }
    if problems.is_empty() {
        println!("generated/ is up to date ({} files)", expected.len());
        return Ok(());
    }
    Err(format!(
        "generated/ is stale; run `cargo xtask generate` and commit the result:\n{}",
        problems.join("\n")
    ))
}

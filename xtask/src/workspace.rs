//! Where things are: the workspace root, the specs, the generated crates.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntnx_generator::emit::EmitOptions;
use ntnx_generator::manifest::Manifest;
use ntnx_generator::Generated;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The folder holding the spec files: `--specs`, `$NTNX_SPECS_DIR`, or `../shared/specs`.
pub fn specs_dir(flag: Option<&str>) -> PathBuf {
    match flag {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("NTNX_SPECS_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => root().join("..").join("shared").join("specs"),
        },
    }
}

/// Generates every pinned spec, in memory.
pub fn generate_pinned(specs: &Path) -> Result<Generated, String> {
    let manifest =
        Manifest::read(&root().join("specs").join("manifest.toml")).map_err(|e| e.to_string())?;
    ntnx_generator::generate_pinned(&manifest, specs, &EmitOptions::workspace())
        .map_err(|e| e.to_string())
}

/// Every file below `dir`, relative to it, sorted.
pub fn list_files(dir: &Path) -> Vec<PathBuf> {
    list_files_except(dir, |_, _| false)
}

/// Files below `dir`, relative to it, sorted, leaving out every entry for which
/// `skip(file name, is a folder)` holds (and, for a folder, everything in it).
pub fn list_files_except(dir: &Path, skip: impl Fn(&str, bool) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let is_dir = path.is_dir();
            if skip(&entry.file_name().to_string_lossy(), is_dir) {
                continue;
            }
            if is_dir {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The cargo that runs this xtask (`$CARGO`), so nested builds use the same toolchain.
pub fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `command` with its output shown; an error if it fails.
pub fn status(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

/// One summary line per spec, plus the merged shared schemas.
pub fn print_summary(generated: &Generated) {
    for spec in &generated.specs {
        println!(
            "{:<18} {:>4} schemas  {:>4} types  {:>4} operations  {:>6.0} ms  ({})",
            spec.crate_name,
            spec.schemas,
            spec.types,
            spec.operations,
            spec.elapsed.as_secs_f64() * 1000.0,
            spec.file.display()
        );
        for correction in &spec.corrections {
            let label = if correction.declared {
                "fixed"
            } else {
                "warning: accepted"
            };
            println!("  {label} {correction}");
        }
    }
    for merge in &generated.merges {
        let files: Vec<String> = merge
            .files
            .iter()
            .map(|f| {
                f.file_name().map_or_else(
                    || f.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        println!(
            "merged {} from {}: {}",
            merge.key,
            files.join(", "),
            merge.differences.join("; ")
        );
    }
}

//! The peer of the compile-time part: progenitor (`cargo-progenitor`), installed into
//! `.tools/progenitor`, generating a stand-alone crate from each spec file as given
//! (`cargo progenitor --help`: "OpenAPI definition document (JSON or YAML)").

use std::path::{Path, PathBuf};
use std::process::Command;

use super::scratch::{sync_dir, write_if_changed};
use super::{cargo_bin, output};

pub const VERSION: &str = "0.15.1";

/// The installed `cargo-progenitor`, if any (it has no `--version`: cargo's install
/// record says which version it is).
pub fn installed(root: &Path) -> Option<PathBuf> {
    let tools = root.join(".tools").join("progenitor");
    let bin = tools.join("bin").join("cargo-progenitor");
    let record = std::fs::read_to_string(tools.join(".crates.toml")).ok()?;
    let wanted = format!("\"cargo-progenitor {VERSION} ");
    (record.contains(&wanted) && bin.is_file()).then_some(bin)
}

/// Installs `cargo-progenitor` into `.tools/progenitor` (not globally).
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(".tools").join("progenitor");
    println!(
        "bench: installing cargo-progenitor {VERSION} into {}",
        tools.display()
    );
    let mut command = Command::new(cargo_bin());
    command
        .args([
            "install",
            "cargo-progenitor",
            "--locked",
            "--version",
            VERSION,
        ])
        .arg("--root")
        .arg(&tools)
        .env_remove("CARGO_TARGET_DIR");
    super::status(&mut command)?;
    installed(root).ok_or_else(|| "cargo-progenitor did not install".to_owned())
}

/// Generates crate `name` from `spec` into `dir/name`. `Err` is progenitor's own message
/// when it cannot generate the spec.
pub fn generate(
    bin: &Path,
    spec: &Path,
    dir: &Path,
    name: &str,
) -> Result<Result<PathBuf, String>, String> {
    let fresh = dir.join("fresh").join(name);
    let _ = std::fs::remove_dir_all(&fresh);
    let out = Command::new(bin)
        .arg("progenitor")
        .arg("--input")
        .arg(spec)
        .arg("--output")
        .arg(&fresh)
        .args(["--name", name, "--version", "0.1.0"])
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let message: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('-') && !l.contains("TYPE SPACE"))
            .take_while(|l| !l.starts_with("Stack backtrace"))
            .take(3)
            .collect();
        return Ok(Err(message.join(" / ")));
    }
    let crate_dir = dir.join(name);
    sync_dir(&fresh, &crate_dir)?;
    Ok(Ok(crate_dir))
}

/// What [`generate_or_patch`] got from progenitor.
pub struct Attempt {
    /// The generated crate, if progenitor generated one.
    pub crate_dir: Option<PathBuf>,
    /// Progenitor's message about the published spec, when it could not generate it.
    pub failure: Option<String>,
    /// What the patched copy changed, when the crate comes from one.
    pub patched: Option<String>,
}

/// Generates crate `name` from `spec`; when progenitor stops at a repeated operationId,
/// generates it again from a copy with those renamed ([`unique_operation_ids`]), the only
/// change. Any failure is reported once, by the published spec's message.
pub fn generate_or_patch(
    bin: &Path,
    spec: &Path,
    dir: &Path,
    name: &str,
) -> Result<Attempt, String> {
    let message = match generate(bin, spec, dir, name)? {
        Ok(crate_dir) => {
            return Ok(Attempt {
                crate_dir: Some(crate_dir),
                failure: None,
                patched: None,
            })
        }
        Err(message) => message,
    };
    if !message.contains("duplicate operation ID") {
        return Ok(Attempt {
            crate_dir: None,
            failure: Some(message),
            patched: None,
        });
    }
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let (text, renamed) = unique_operation_ids(&text);
    let file_name = spec.file_name().unwrap_or_default();
    let copy = dir.join("specs").join(file_name);
    write_if_changed(&copy, text.as_bytes())?;
    println!(
        "bench: cargo progenitor -i {} (repeated operationIds renamed: {})",
        copy.display(),
        renamed.len()
    );
    let crate_dir = generate(bin, &copy, dir, name)?.ok();
    Ok(Attempt {
        patched: crate_dir.as_ref().map(|_| {
            format!(
                "{} repeated operationIds renamed (`{}`, ...)",
                renamed.len(),
                renamed.first().map_or("", String::as_str)
            )
        }),
        crate_dir,
        failure: Some(message),
    })
}

/// The spec text with every repeated `operationId` renamed (the second `listVmStats`
/// becomes `listVmStats_2`, and so on), the only change; and the names it renamed.
/// Progenitor stops at the first duplicate, so the compile-time comparison can still
/// give it the vmm spec, said so in the report.
pub fn unique_operation_ids(text: &str) -> (String, Vec<String>) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut renamed = Vec::new();
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let Some(value) = trimmed.strip_prefix("operationId:") else {
            out.push_str(line);
            continue;
        };
        let id = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let count = seen.entry(id.to_owned()).or_default();
        *count += 1;
        if *count == 1 {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let end = if line.ends_with('\n') { "\n" } else { "" };
        out.push_str(&format!("{indent}operationId: {id}_{count}{end}"));
        renamed.push(format!("{id}_{count}"));
    }
    (out, renamed)
}

/// The scratch workspace `dir` holding `members`, built with this workspace's profiles.
pub fn workspace(dir: &Path, members: &[String], profiles: toml::Table) -> Result<(), String> {
    let mut manifest = toml::Table::new();
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".to_owned(), toml::Value::String("2".to_owned()));
    workspace.insert(
        "members".to_owned(),
        toml::Value::Array(members.iter().cloned().map(toml::Value::String).collect()),
    );
    manifest.insert("workspace".to_owned(), toml::Value::Table(workspace));
    manifest.insert("profile".to_owned(), toml::Value::Table(profiles));
    let text = format!(
        "# Written by `cargo xtask bench`: progenitor's crates for compile timings.\n{}",
        toml::to_string(&manifest).map_err(|e| e.to_string())?
    );
    write_if_changed(&dir.join("Cargo.toml"), text.as_bytes())
}

/// Resolves the scratch workspace's dependencies (progenitor's crates come without a lock
/// file).
pub fn fetch(dir: &Path) -> Result<(), String> {
    output(
        Command::new(cargo_bin())
            .arg("fetch")
            .current_dir(dir)
            .env_remove("CARGO_TARGET_DIR"),
    )
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::unique_operation_ids;

    #[test]
    fn repeated_operation_ids_get_a_suffix() {
        let spec = "paths:\n  /a:\n    get:\n      operationId: listVmStats\n  /b:\n    get:\n      operationId: \"listVmStats\"\n  /c:\n    get:\n      operationId: other\n      x: operationId: listVmStats\n";
        let (patched, renamed) = unique_operation_ids(spec);
        assert_eq!(renamed, ["listVmStats_2"]);
        assert_eq!(
            patched,
            spec.replace("operationId: \"listVmStats\"", "operationId: listVmStats_2")
        );
        let (same, none) = unique_operation_ids("operationId: a\noperationId: b");
        assert!(none.is_empty());
        assert_eq!(same, "operationId: a\noperationId: b");
    }
}

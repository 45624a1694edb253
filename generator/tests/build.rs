//! The generated code compiles: every construct fixture is generated with `generate_file`
//! into a folder of its own, made a workspace the way `cargo xtask generate --spec` does, and
//! built with cargo; the two shared fixtures are also generated together, merged, and built.
//!
//! The builds share one target folder, `target-fixtures` at the workspace root, so that the
//! runtime and its dependencies are compiled once and reruns are quick.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{fixtures_dir, generate, manifest_for, options, workspace_root, FIXTURES};
use ntnx_generator::emit::GeneratedFile;
use ntnx_generator::Generated;

#[test]
fn generated_fixture_crates_build() {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let root = std::env::temp_dir().join(format!(
        "ntnx-generator-fixtures-{}-{nanos}",
        std::process::id()
    ));
    let target = workspace_root().join("target-fixtures");

    let mut outputs: Vec<(String, Generated)> = FIXTURES
        .iter()
        .map(|name| (name.trim_end_matches(".yaml").to_owned(), generate(name)))
        .collect();
    let manifest = manifest_for(&[("alpha", "shared-alpha.yaml"), ("beta", "shared-beta.yaml")]);
    let merged = ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
        .expect("alpha and beta generate together");
    assert!(
        !merged.merges.is_empty(),
        "the merged build covers merged types"
    );
    outputs.push(("shared-merged".to_owned(), merged));

    let mut failures = Vec::new();
    for (name, generated) in outputs {
        let dir = root.join(&name);
        write_workspace(&dir, generated.files);
        if let Err(output) = build(&dir, &target) {
            failures.push(format!("== {name} ({})\n{output}", dir.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "generated crates do not build:\n{}",
        failures.join("\n")
    );
    // Kept when a build fails, for a look at the generated code.
    let _ = std::fs::remove_dir_all(&root);
}

/// Writes `files` below `dir` plus a `Cargo.toml` listing every crate, as `cargo xtask
/// generate --spec` does, and the workspace's `Cargo.lock` so that the same dependency
/// versions are used (and found offline).
fn write_workspace(dir: &Path, mut files: Vec<GeneratedFile>) {
    let members: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with("Cargo.toml"))
        .filter_map(|f| f.path.parent())
        .map(|p| format!("    {:?},", p.display().to_string()))
        .collect();
    assert!(
        !members.is_empty(),
        "no crate generated in {}",
        dir.display()
    );
    files.push(GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: format!(
            "# A workspace of the crates below, as `cargo xtask generate --spec` writes it.\n\
             [workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
            members.join("\n")
        ),
    });
    for file in &files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::fs::write(&path, &file.contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let lock = workspace_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).expect("copy Cargo.lock");
    }
}

/// `cargo build` in `dir`, offline first and online if that fails; the output on failure.
fn build(dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut last = String::new();
    for offline in [true, false] {
        let mut command = Command::new(&cargo);
        command
            .arg("build")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .current_dir(dir);
        if offline {
            command.arg("--offline");
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
        if output.status.success() {
            return Ok(());
        }
        last = format!(
            "{command:?} failed ({})\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Err(last)
}

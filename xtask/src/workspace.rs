//! Where things are: the workspace root, the specs, the generated crates.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntnx_generator::emit::{EmitOptions, GeneratedFile};
use ntnx_generator::locate::SpecDirs;

use crate::specs::Fetcher;
use ntnx_generator::manifest::Manifest;
use ntnx_generator::Generated;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The folders pinned specs are read from, in order: `--specs`, `$NTNX_SPECS_DIR`,
/// `../shared/specs`, the user cache (see `ntnx_generator::locate`).
pub fn spec_dirs(flag: Option<&str>) -> SpecDirs {
    SpecDirs::standard(flag.map(Path::new), &root())
}

/// The pin list.
pub fn manifest() -> Result<Manifest, String> {
    Manifest::read(&root().join("specs").join("manifest.toml")).map_err(|e| e.to_string())
}

/// Generates every pinned spec, in memory, after downloading the files no folder has
/// (unless `offline`).
pub fn generate_pinned(dirs: &SpecDirs, offline: bool) -> Result<Generated, String> {
    let manifest = manifest()?;
    crate::specs::ensure_pinned(&manifest, dirs, &Fetcher::from_env(offline))?;
    let options = EmitOptions {
        previous: Some(root().join("generated")),
        published: Some(manifest.published.clone()),
        ..EmitOptions::workspace()
    };
    ntnx_generator::generate_pinned_in(&manifest, dirs, &options).map_err(|e| e.to_string())
}

/// One folder holding every pinned file: the first of `dirs` that holds them all, else
/// `scratch`, where they are copied from wherever they are (for tools that take one
/// folder). Downloads what no folder has, unless `offline`.
pub fn specs_folder(dirs: &SpecDirs, offline: bool, scratch: &Path) -> Result<PathBuf, String> {
    let manifest = manifest()?;
    crate::specs::ensure_pinned(&manifest, dirs, &Fetcher::from_env(offline))?;
    let has_all = |dir: &Path| manifest.specs.iter().all(|s| dir.join(&s.file).is_file());
    if let Some(dir) = dirs.dirs().iter().find(|d| has_all(d)) {
        return Ok(dir.clone());
    }
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    for spec in &manifest.specs {
        let from = dirs
            .find(&spec.file)
            .ok_or_else(|| format!("{} is in none of {}", spec.file, dirs.describe()))?;
        std::fs::copy(&from, scratch.join(&spec.file))
            .map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(scratch.to_path_buf())
}

/// Fixture specs (in `specs/fixtures/`) whose crates are committed below
/// [`FIXTURE_CRATES_DIR`], for tests that call them against a server.
pub const FIXTURE_CRATES: [&str; 1] = ["shapes.yaml"];

/// Where the fixture crates live, relative to the workspace root.
pub const FIXTURE_CRATES_DIR: &str = "tests/fixture-crates";

/// A folder `cargo xtask generate` writes and `cargo xtask check` compares.
pub struct Output {
    /// Relative to the workspace root.
    pub dir: PathBuf,
    /// Relative to `dir`.
    pub files: Vec<GeneratedFile>,
}

/// The fixture crates, in memory: generated together (as the pinned specs are, so they
/// share one inventory and their versions continue from the committed ones), each standing
/// alone (a fixture of [`FIXTURE_CRATES`] holds no foreign schema).
pub fn generate_fixture_crates() -> Result<Output, String> {
    let options = EmitOptions {
        runtime_path: "../../../runtime".to_owned(),
        client_dependencies: Vec::new(),
        registry: false,
        previous: Some(root().join(FIXTURE_CRATES_DIR)),
        // Fixtures are never published: they stay at their first version.
        published: Some(Default::default()),
    };
    let dir = root().join("specs").join("fixtures");
    let mut manifest = String::new();
    for name in FIXTURE_CRATES {
        let path = dir.join(name);
        let loaded = ntnx_generator::load::read(&path).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        manifest.push_str(&format!(
            "[[spec]]\nnamespace = \"{}\"\nversion = \"{}\"\nfile = \"{name}\"\n\
             sha256 = \"{}\"\nurl = \"specs/fixtures/{name}\"\n\n",
            loaded.namespace,
            loaded.version,
            ntnx_generator::manifest::sha256_hex(&bytes)
        ));
    }
    let manifest = Manifest::parse(&manifest).map_err(|e| e.to_string())?;
    let generated =
        ntnx_generator::generate_pinned(&manifest, &dir, &options).map_err(|e| e.to_string())?;
    if let Some(file) = generated.files.iter().find(|f| {
        f.path
            .starts_with(ntnx_generator::layout::DEFAULT_SHARED_CRATE)
    }) {
        return Err(format!(
            "the fixture crates have shared schemas ({}); fixture crates must stand alone",
            file.path.display()
        ));
    }
    Ok(Output {
        dir: PathBuf::from(FIXTURE_CRATES_DIR),
        files: generated.files,
    })
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

/// The crates to publish: the runtime and every generated crate whose `Cargo.toml` does not
/// say `publish = false`, in dependency order (runtime, shared, namespaces).
pub fn published_crates() -> Result<Vec<String>, String> {
    let mut crates = vec!["ntnx-runtime".to_owned()];
    let generated = root().join("generated");
    let mut names: Vec<String> = std::fs::read_dir(&generated)
        .map_err(|e| format!("{}: {e}", generated.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|toml| !toml.contains("\npublish = false"))
        })
        .filter_map(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    names.sort_by_key(|name| {
        (
            name != ntnx_generator::layout::DEFAULT_SHARED_CRATE,
            name.clone(),
        )
    });
    crates.extend(names);
    Ok(crates)
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

/// Each crate's version and, when it changed, the classified changes.
pub fn print_releases(generated: &Generated) {
    for release in &generated.releases {
        let severity = release
            .severity
            .map_or_else(|| "unchanged".to_owned(), |s| s.to_string());
        let unpublished = if release.previous_published {
            ""
        } else {
            ", previous generation unpublished"
        };
        match &release.previous {
            Some(previous) => println!(
                "{}: {previous} -> {} ({severity}, {} changes{unpublished})",
                release.crate_name,
                release.version,
                release.changes.len()
            ),
            None => println!(
                "{}: {} (first generation)",
                release.crate_name, release.version
            ),
        }
        for change in &release.changes {
            println!("  {}: {}", change.severity, change.text);
        }
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
        println!("  {}", spec.queries);
        for unresolved in &spec.queries.unresolved {
            println!("  unresolved: {unresolved}");
        }
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

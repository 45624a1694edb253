//! Helpers shared by the fixture tests: where the fixtures are, how to run the pipeline on
//! them, and how to find an item in generated text.
//!
//! The fixtures (`specs/fixtures/*.yaml`) are small specs written for these tests in the style
//! of the Nutanix v4 family; each covers one construct.

// Every test module uses only some of it.
#![allow(dead_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use ntnx_generator::emit::{EmitOptions, GeneratedFile};
use ntnx_generator::ir::{Api, TypeDef};
use ntnx_generator::manifest::{sha256_hex, Manifest};
use ntnx_generator::{Error, Generated};

/// Crate name the fixtures of namespace `fixture` generate.
pub const CRATE: &str = "ntnx-fixture-v1-0";

/// The fixture crate's `config` module, where most fixture schemas land.
pub const CONFIG: &str = "ntnx-fixture-v1-0/src/config.rs";

/// Every fixture that generates on its own (`errors/` and `shared-gamma-conflict.yaml`
/// are error cases), for the tests that walk all of them.
pub const FIXTURES: [&str; 11] = [
    "naming.yaml",
    "allof.yaml",
    "fields.yaml",
    "enums.yaml",
    "unions.yaml",
    "scalars.yaml",
    "docs.yaml",
    "recursive.yaml",
    "operations.yaml",
    "shared-alpha.yaml",
    "shared-beta.yaml",
];

/// `specs/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// `specs/fixtures`.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("specs").join("fixtures")
}

/// The workspace root (the parent of `generator/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives one level below the workspace root")
        .to_path_buf()
}

/// Emit options as `cargo xtask generate --spec` uses them.
pub fn options() -> EmitOptions {
    EmitOptions {
        runtime_path: workspace_root().join("runtime").display().to_string(),
        client_dependencies: Vec::new(),
        registry: false,
        previous: None,
        published: None,
    }
}

/// Runs `f`, failing the test with a clear message if it panics.
pub fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(_) => panic!("{what}: the generator panicked instead of returning an error"),
    }
}

/// `generate_file` on a fixture, which must succeed.
pub fn generate(name: &str) -> Generated {
    let path = fixture(name);
    no_panic(name, || ntnx_generator::generate_file(&path, &options()))
        .unwrap_or_else(|e| panic!("{name} should generate: {e}"))
}

/// `generate_file` on a fixture, which must fail.
pub fn generate_err(name: &str) -> Error {
    let path = fixture(name);
    match no_panic(name, || ntnx_generator::generate_file(&path, &options())) {
        Ok(_) => panic!("{name} should not generate"),
        Err(e) => e,
    }
}

/// Loads and resolves a fixture into the IR of crate `ntnx-fixture-v1-0`.
pub fn resolve(name: &str) -> Api {
    let loaded = ntnx_generator::load::read(&fixture(name))
        .unwrap_or_else(|e| panic!("{name} should load: {e}"));
    ntnx_generator::resolve::resolve(&loaded, CRATE)
        .unwrap_or_else(|e| panic!("{name} should resolve: {e}"))
}

/// A manifest pinning `(namespace, file)` fixtures with their actual sha256.
pub fn manifest_for(specs: &[(&str, &str)]) -> Manifest {
    let mut text = String::new();
    for (namespace, file) in specs {
        let bytes = std::fs::read(fixture(file)).expect("fixture exists");
        text.push_str(&format!(
            "[[spec]]\nnamespace = \"{namespace}\"\nversion = \"v1.0\"\nfile = \"{file}\"\n\
             sha256 = \"{}\"\nurl = \"https://example.invalid/{file}\"\n\n",
            sha256_hex(&bytes)
        ));
    }
    Manifest::parse(&text).expect("a manifest of fixtures parses")
}

/// The contents of the generated file at `path`.
pub fn file<'g>(generated: &'g Generated, path: &str) -> &'g str {
    generated
        .files
        .iter()
        .find(|f| f.path == Path::new(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| {
            let paths: Vec<String> = generated
                .files
                .iter()
                .map(|f| f.path.display().to_string())
                .collect();
            panic!("no generated file {path}; files: {paths:#?}")
        })
}

/// Whether a file exists at `path`.
pub fn has_file(generated: &Generated, path: &str) -> bool {
    generated.files.iter().any(|f| f.path == Path::new(path))
}

/// The top-level item of `text` whose first line starts with `head` (e.g. `pub struct Vm {`),
/// from that line to its closing brace at column 0, without its doc comment.
pub fn item<'t>(text: &'t str, head: &str) -> &'t str {
    let start = line_start(text, head).unwrap_or_else(|| panic!("no item `{head}` in:\n{text}"));
    let rest = &text[start..];
    let first_line = rest.lines().next().unwrap_or_default();
    let end = if first_line.trim_end().ends_with('{') {
        rest.find("\n}\n").map(|i| i + 3)
    } else {
        rest.find(";\n").map(|i| i + 2)
    };
    &rest[..end.unwrap_or(rest.len())]
}

/// The doc comment (`///` lines, without the slashes) of the top-level item whose first line
/// starts with `head`, skipping attributes between the comment and the item.
pub fn item_docs(text: &str, head: &str) -> String {
    let start = line_start(text, head).unwrap_or_else(|| panic!("no item `{head}` in:\n{text}"));
    docs_above(&text[..start], "")
}

/// The doc comment of the struct field or enum variant whose line (trimmed) starts with
/// `head`, inside `block`.
pub fn member_docs(block: &str, head: &str) -> String {
    let position = block
        .lines()
        .position(|l| l.trim_start().starts_with(head))
        .unwrap_or_else(|| panic!("no member `{head}` in:\n{block}"));
    let before: Vec<&str> = block.lines().take(position).collect();
    docs_above(&(before.join("\n") + "\n"), "    ")
}

fn docs_above(before: &str, indent: &str) -> String {
    let mut docs: Vec<&str> = Vec::new();
    for line in before.lines().rev() {
        let Some(rest) = line.strip_prefix(indent) else {
            break;
        };
        if rest.starts_with("#[") {
            continue;
        }
        match rest.strip_prefix("///") {
            Some(doc) => docs.push(doc.strip_prefix(' ').unwrap_or(doc)),
            None => break,
        }
    }
    docs.reverse();
    docs.join("\n")
}

/// Byte offset of the first line of `text` starting with `head`.
fn line_start(text: &str, head: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(head) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The `SCHEMA` a generated model or union type `name` declares: which schema it came from.
pub fn schema_of(text: &str, name: &str) -> String {
    let heads = [
        format!("impl ntnx_runtime::Model for {name} {{"),
        format!("impl ntnx_runtime::model::union::Union for {name} {{"),
    ];
    let block = heads
        .iter()
        .find(|h| line_start(text, h).is_some())
        .map(|h| item(text, h))
        .unwrap_or_else(|| panic!("no model or union impl for {name}"));
    let line = block
        .lines()
        .find(|l| l.contains("const SCHEMA: &'static str = "))
        .expect("every model declares SCHEMA");
    line.split('"').nth(1).expect("a quoted schema").to_owned()
}

/// The names of the `pub struct`s, `pub enum`s and `pub type`s declared in `text`.
pub fn type_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|p| l.strip_prefix(p))
        })
        .map(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// Whether `haystack` contains `needle`, ignoring whitespace and trailing commas (prettyplease
/// wraps long expressions wherever they get too wide, adding a comma after the last item).
pub fn contains_code(haystack: &str, needle: &str) -> bool {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<String>()
            .replace(",)", ")")
            .replace(",}", "}")
            .replace(",]", "]")
    };
    squash(haystack).contains(squash(needle).trim_end_matches(','))
}

/// The resolved type `name` (with inline path `inline`) of `api`.
pub fn def<'a>(api: &'a Api, name: &str, inline: &[&str]) -> &'a TypeDef {
    api.types
        .values()
        .find(|d| d.key.schema.name == name && d.key.inline == inline)
        .unwrap_or_else(|| panic!("no type {name} {inline:?}"))
}

/// The folder of the published specs: `NTNX_SPECS_DIR`, else `../shared/specs` beside the
/// workspace.
pub fn specs_dir() -> PathBuf {
    match std::env::var_os("NTNX_SPECS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("..").join("shared").join("specs"),
    }
}

/// A fresh folder under the system's temporary folder, named after `prefix`, the process
/// and the time.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()))
}

/// Writes `files` below `dir` plus a `Cargo.toml` listing every crate, as `cargo xtask
/// generate --spec` does, and the workspace's `Cargo.lock` so that the same dependency
/// versions are used (and found offline).
pub fn write_workspace(dir: &Path, mut files: Vec<GeneratedFile>) {
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

/// `cargo <args>` (`build`, `check`...) in `dir` with warnings denied, offline first and
/// online if that fails; the output on failure.
pub fn build(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut last = String::new();
    for offline in [true, false] {
        let mut command = Command::new(&cargo);
        command
            .args(args)
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("RUSTFLAGS", "-D warnings")
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

//! Scratch workspaces for the compile-time part: copies that are written only where they
//! changed (so builds stay fresh between runs), line counts, and a file touched for an
//! incremental build and restored afterwards.

use std::path::{Path, PathBuf};

/// The root manifest's `[profile]` table, so scratch workspaces build as this one does.
pub fn profiles(root: &Path) -> Result<toml::Table, String> {
    let manifest = read_manifest(&root.join("Cargo.toml"))?;
    Ok(manifest
        .get("profile")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default())
}

/// A copy of this workspace holding only the runtime and the generated crates `crates`
/// (folder names under `generated/`), with the root manifest (profiles, shared
/// dependencies, lints) and lock file. Returns its folder.
pub fn ours(root: &Path, dir: &Path, crates: &[&str]) -> Result<PathBuf, String> {
    sync_dir(&root.join("runtime"), &dir.join("runtime"))?;
    let mut members = vec!["runtime".to_owned()];
    for name in crates {
        sync_dir(
            &root.join("generated").join(name),
            &dir.join("generated").join(name),
        )?;
        members.push(format!("generated/{name}"));
    }
    write_manifest(root, dir, &members)?;
    Ok(dir.to_path_buf())
}

/// Makes `dir` a workspace of `members` (folders below it) with this workspace's root
/// manifest (profiles, shared dependencies, lints) and lock file.
pub fn write_manifest(root: &Path, dir: &Path, members: &[String]) -> Result<(), String> {
    let members = members
        .iter()
        .map(|m| toml::Value::String(m.clone()))
        .collect();
    let mut manifest = read_manifest(&root.join("Cargo.toml"))?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .ok_or("the root Cargo.toml has no [workspace]")?;
    workspace.insert("members".to_owned(), toml::Value::Array(members));
    let text = format!(
        "# Written by `cargo xtask bench`: a copy of the workspace for compile timings.\n{}",
        toml::to_string(&manifest).map_err(|e| e.to_string())?
    );
    write_if_changed(&dir.join("Cargo.toml"), text.as_bytes())?;
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    write_if_changed(&dir.join("Cargo.lock"), &lock)
}

fn read_manifest(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Makes `dst` hold the files of `src` (folders named `target*` left out), writing only
/// files that differ and removing files `src` does not have.
pub fn sync_dir(src: &Path, dst: &Path) -> Result<(), String> {
    let wanted = files(src);
    for stale in files(dst) {
        if !wanted.contains(&stale) {
            let path = dst.join(&stale);
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for file in &wanted {
        let from = src.join(file);
        let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        write_if_changed(&dst.join(file), &bytes)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` unless it already holds them.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Files below `dir`, relative to it; folders named `target*` and `Cargo.lock` are left
/// out.
fn files(dir: &Path) -> Vec<PathBuf> {
    crate::workspace::list_files_except(dir, |name, is_dir| {
        if is_dir {
            name.starts_with("target")
        } else {
            name == "Cargo.lock"
        }
    })
}

/// Lines of the `.rs` files below `dir`: all of them, and those that are neither blank
/// nor only a comment.
pub fn count_lines(dir: &Path) -> (usize, usize) {
    let (mut total, mut code) = (0, 0);
    for file in files(dir) {
        if file.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(dir.join(&file)).unwrap_or_default();
            for line in text.lines() {
                total += 1;
                let line = line.trim();
                if !line.is_empty() && !line.starts_with("//") {
                    code += 1;
                }
            }
        }
    }
    (total, code)
}

/// A file with a comment appended, restored (content and modification time) when dropped.
pub struct Touched {
    path: PathBuf,
    original: Vec<u8>,
    modified: Option<std::time::SystemTime>,
}

impl Touched {
    /// Appends a comment line to `path`.
    pub fn append_comment(path: &Path) -> Result<Touched, String> {
        let original = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let mut touched = original.clone();
        touched.extend_from_slice(b"\n// touched by cargo xtask bench\n");
        std::fs::write(path, touched).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Touched {
            path: path.to_path_buf(),
            original,
            modified,
        })
    }
}

impl Drop for Touched {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(&self.path, &self.original) {
            eprintln!("bench: cannot restore {}: {e}", self.path.display());
            return;
        }
        if let (Some(modified), Ok(file)) = (self.modified, std::fs::File::open(&self.path)) {
            let _ = file.set_modified(modified);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touched_file_is_restored() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.rs");
        std::fs::write(&path, "fn main() {}\n").unwrap();
        {
            let _touched = Touched::append_comment(&path).unwrap();
            assert!(std::fs::read_to_string(&path).unwrap().contains("touched"));
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fn main() {}\n");
        assert_eq!(count_lines(&dir), (1, 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

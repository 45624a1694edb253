//! Where pinned spec files are found: an ordered list of folders, the first holding a file
//! wins.
//!
//! The standard order ([`SpecDirs::standard`]) is: the folder given on the command line
//! (`--specs DIR`), the `NTNX_SPECS_DIR` environment variable, `../shared/specs` beside the
//! workspace, and last the user cache (`NTNX_SPECS_CACHE`, else `ntnx-sdk/specs` in the
//! platform cache folder), where `cargo xtask` puts files it downloads from their pinned URL.
//! A file found anywhere still has its sha256 checked against the pin.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::manifest::{check_sha256, PinnedSpec};

/// Folders to look for spec files in, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDirs {
    dirs: Vec<PathBuf>,
}

impl SpecDirs {
    /// Exactly one folder.
    pub fn one(dir: &Path) -> SpecDirs {
        SpecDirs {
            dirs: vec![dir.to_path_buf()],
        }
    }

    /// These folders, in order.
    pub fn new(dirs: Vec<PathBuf>) -> SpecDirs {
        SpecDirs { dirs }
    }

    /// The standard order (see the module docs) for the workspace at `workspace_root`.
    pub fn standard(flag: Option<&Path>, workspace_root: &Path) -> SpecDirs {
        let mut dirs = Vec::new();
        dirs.extend(flag.map(Path::to_path_buf));
        if let Some(dir) = std::env::var_os("NTNX_SPECS_DIR").filter(|d| !d.is_empty()) {
            dirs.push(PathBuf::from(dir));
        }
        dirs.push(workspace_root.join("..").join("shared").join("specs"));
        dirs.extend(cache_dir());
        SpecDirs { dirs }
    }

    /// The folders, in order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The first `dir/file` that exists.
    pub fn find(&self, file: &str) -> Option<PathBuf> {
        self.dirs.iter().map(|d| d.join(file)).find(|p| p.is_file())
    }

    /// Reads pinned spec `spec` from the first folder that has it and checks its sha256.
    pub fn read_pinned(&self, spec: &PinnedSpec) -> Result<(PathBuf, Vec<u8>)> {
        let Some(path) = self.find(&spec.file) else {
            let first = self.dirs.first().map(|d| d.join(&spec.file));
            let error = Error::new(
                ErrorKind::Io,
                format!(
                    "pinned spec {} is in none of {}; `cargo xtask generate` downloads it from \
                     {} (unless --offline), or pass --specs DIR / set NTNX_SPECS_DIR to the \
                     folder holding it",
                    spec.file,
                    self.describe(),
                    spec.url
                ),
            );
            return Err(match first {
                Some(path) => error.in_file(&path),
                None => error,
            });
        };
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, &e))?;
        check_sha256(&path, &bytes, &spec.sha256)?;
        Ok((path, bytes))
    }

    /// The folders as one line, for messages.
    pub fn describe(&self) -> String {
        let dirs: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
        dirs.join(", ")
    }
}

/// The user cache of downloaded specs: `NTNX_SPECS_CACHE`, else `ntnx-sdk/specs` in the
/// platform cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
/// macOS, `%LOCALAPPDATA%` on Windows); `None` when no such folder can be named.
pub fn cache_dir() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = env("NTNX_SPECS_CACHE") {
        return Some(dir);
    }
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|home| home.join("Library").join("Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|home| home.join(".cache")))
    };
    base.map(|base| base.join("ntnx-sdk").join("specs"))
}

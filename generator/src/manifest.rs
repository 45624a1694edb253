//! The pin list in `specs/manifest.toml`: which spec files the workspace is generated
//! from, and the sha256 each must have.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::fix::Fix;

/// One pinned spec.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PinnedSpec {
    /// API namespace, e.g. `vmm`.
    pub namespace: String,
    /// API version, e.g. `v4.0`.
    pub version: String,
    /// File name inside the specs directory.
    pub file: String,
    /// Expected sha256 of the file, lowercase hex.
    pub sha256: String,
    /// Where the Nutanix developer portal publishes the file.
    pub url: String,
    /// Crate name; defaults to [`default_crate_name`] (`ntnx-vmm-v4-0`). Needed only when
    /// two specs would get the same name (an early-access and the GA file of one revision).
    #[serde(rename = "crate")]
    pub crate_name: Option<String>,
    /// Declared fixes of mistakes in the published file (`[[spec.fix]]`), applied after
    /// it is read and before it is resolved; see [`crate::fix`].
    #[serde(default, rename = "fix")]
    pub fixes: Vec<Fix>,
}

impl PinnedSpec {
    /// The crate this spec generates.
    pub fn crate_name(&self) -> String {
        self.crate_name
            .clone()
            .unwrap_or_else(|| default_crate_name(&self.namespace, &self.version))
    }
}

/// The crate of a namespace at an API version: `ntnx-vmm-v4-0` for vmm `v4.0`.
///
/// One crate per API revision, so that a program for an older Prism Central stays on the
/// paths it serves (`/vmm/v4.0/...`) until it depends on the next revision's crate: cargo
/// never moves it to `v4.1` by a version update. Release candidates and early-access
/// versions of a revision are pre-releases of its crate (`ntnx-iam-v4-1` `1.0.0-beta.2` for
/// `v4.1.b2`), the GA file its release. A version outside the family's scheme keeps the
/// namespace alone.
pub fn default_crate_name(namespace: &str, version: &str) -> String {
    match crate::version::ApiVersion::parse(version) {
        Some(v) => format!("ntnx-{namespace}-v{}-{}", v.major, v.revision.unwrap_or(0)),
        None => format!("ntnx-{namespace}"),
    }
}

/// The parsed manifest.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The pinned specs, in the order they are generated (the order decides which copy of
    /// a shared schema provides its documentation).
    #[serde(rename = "spec")]
    pub specs: Vec<PinnedSpec>,
    /// The last version of each crate published to crates.io: versions move on only from
    /// there (see [`crate::release`]). A crate missing here was never published.
    #[serde(default)]
    pub published: std::collections::BTreeMap<String, String>,
}

impl Manifest {
    /// Reads and checks `path`.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
        Manifest::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Parses manifest text and checks that crate names are unique.
    pub fn parse(text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let mut err = Error::new(ErrorKind::Manifest, e.message().to_owned());
            if let Some(span) = e.span() {
                let (line, column) = line_column(text, span.start);
                err = err.at_line(line, column);
            }
            err
        })?;
        let mut crates: Vec<String> = Vec::new();
        for spec in &manifest.specs {
            let name = spec.crate_name();
            if crates.contains(&name) {
                return Err(Error::new(
                    ErrorKind::Manifest,
                    format!(
                        "two pinned specs would both generate crate `{name}`; give one of them \
                         a distinct `crate = \"...\"`"
                    ),
                ));
            }
            if spec.sha256.len() != 64 || !spec.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::new(
                    ErrorKind::Manifest,
                    format!("sha256 of {} is not 64 hex digits", spec.file),
                ));
            }
            crates.push(name);
        }
        Ok(manifest)
    }
}

/// Reads a pinned spec from `dir` and checks its sha256.
pub fn read_pinned(dir: &Path, spec: &PinnedSpec) -> Result<(PathBuf, Vec<u8>)> {
    let path = dir.join(&spec.file);
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!(
                "cannot read pinned spec ({e}); set --specs or NTNX_SPECS_DIR to the folder \
                 holding {}",
                spec.file
            ),
        )
        .in_file(&path)
    })?;
    check_sha256(&path, &bytes, &spec.sha256)?;
    Ok((path, bytes))
}

/// An error unless `bytes` (read from `path`) have the pinned sha256 `pinned`.
pub fn check_sha256(path: &Path, bytes: &[u8], pinned: &str) -> Result<()> {
    let actual = sha256_hex(bytes);
    if actual.eq_ignore_ascii_case(pinned) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::HashMismatch,
        format!(
            "sha256 is {actual} but specs/manifest.toml pins {pinned}; if this is a new release \
             of the spec, update the pin (and review the regenerated crates)"
        ),
    )
    .in_file(path))
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

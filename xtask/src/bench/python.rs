//! The official Python SDK, in a virtualenv below `.tools/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{output, status};

/// The pinned SDK.
pub const PACKAGE: &str = "ntnx-vmm-py-client";
pub const VERSION: &str = "4.0.1";

/// The virtualenv's folder.
fn venv(root: &Path) -> PathBuf {
    root.join(".tools").join("python-venv")
}

/// The virtualenv's interpreter if the pinned SDK is installed in it.
pub fn installed(root: &Path) -> Option<PathBuf> {
    let python = venv(root).join("bin").join("python");
    let check = format!(
        "import importlib.metadata as m, sys; \
         sys.exit(m.version('{PACKAGE}') != '{VERSION}')"
    );
    let ok = Command::new(&python)
        .args(["-c", &check])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// Creates the virtualenv (with `python3 -m venv`) and installs the SDK with pip.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = venv(root);
    println!(
        "bench: installing {PACKAGE}=={VERSION} into {}",
        dir.display()
    );
    if !dir.join("bin").join("python").exists() {
        output(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    }
    status(
        Command::new(dir.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("{PACKAGE}=={VERSION}")),
    )?;
    installed(root).ok_or_else(|| format!("{PACKAGE} {VERSION} did not install"))
}

//! The generator's one error type: a message plus where in which spec it happened.
//!
//! Every failure the generator can meet on bad input ends up here, so that the
//! command line prints one readable line and exits non-zero instead of panicking.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, for callers (and tests) that need to tell failures apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read or written.
    Io,
    /// The manifest is malformed or names something inconsistent.
    Manifest,
    /// A pinned spec's sha256 differs from the manifest's.
    HashMismatch,
    /// The file is not valid YAML, or not an OpenAPI 3.0 document.
    Parse,
    /// A `$ref` points at nothing.
    DanglingRef,
    /// The spec uses a construct this generator does not handle.
    Unsupported,
    /// Two specs disagree in a way no merge rule covers.
    Conflict,
}

/// Where in a spec an error was found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The spec (or manifest) file.
    pub file: Option<PathBuf>,
    /// 1-based line and column, when the parser knows them.
    pub line_column: Option<(usize, usize)>,
    /// JSON pointer into the document, e.g. `#/components/schemas/vmm.v4.0.content.Image`.
    pub pointer: Option<String>,
}

/// A generator failure with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    location: Location,
    message: String,
}

impl Error {
    /// An error of `kind` with a message and no location yet.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            location: Location::default(),
            message: message.into(),
        }
    }

    /// An I/O failure on `path`.
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Error::new(ErrorKind::Io, err.to_string()).in_file(path)
    }

    /// Records the file the error belongs to, unless one is already known.
    pub fn in_file(mut self, file: &Path) -> Self {
        if self.location.file.is_none() {
            self.location.file = Some(file.to_path_buf());
        }
        self
    }

    /// Records the JSON pointer the error belongs to, unless one is already known.
    pub fn at(mut self, pointer: &str) -> Self {
        if self.location.pointer.is_none() {
            self.location.pointer = Some(pointer.to_owned());
        }
        self
    }

    /// Records a 1-based line and column.
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.location.line_column = Some((line, column));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where it happened.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The message without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote_location = false;
        if let Some(file) = &self.location.file {
            write!(f, "{}", file.display())?;
            if let Some((line, column)) = self.location.line_column {
                write!(f, ":{line}:{column}")?;
            }
            wrote_location = true;
        }
        if let Some(pointer) = &self.location.pointer {
            if wrote_location {
                f.write_str(" ")?;
            }
            write!(f, "at {pointer}")?;
            wrote_location = true;
        }
        if wrote_location {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

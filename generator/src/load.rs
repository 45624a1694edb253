//! Stage 1: bytes of a spec file to an `openapiv3` document. The only module that knows
//! about YAML.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::{Error, ErrorKind, Result};
use crate::fix::Fix;
use crate::ir::Correction;

/// A parsed spec and the facts about it the later stages need.
#[derive(Debug)]
pub struct LoadedSpec {
    /// Where it was read from (used in every error message).
    pub path: PathBuf,
    /// API namespace, e.g. `vmm`.
    pub namespace: String,
    /// API version, e.g. `v4.0`.
    pub version: String,
    /// The document.
    pub document: OpenAPI,
    /// The declared fixes applied to it.
    pub corrections: Vec<Correction>,
}

/// Parses `bytes` read from `path`. The namespace and version come from the paths
/// (`/<namespace>/<version>/...`), which every spec of the family follows.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    parse_with_fixes(path, bytes, &[])
}

/// Parses `bytes` read from `path`, applying the manifest's declared `fixes` first (see
/// [`crate::fix`]).
pub fn parse_with_fixes(path: &Path, bytes: &[u8], fixes: &[Fix]) -> Result<LoadedSpec> {
    let (document, corrections) = if fixes.is_empty() {
        (deserialize(path, bytes)?, Vec::new())
    } else {
        let mut value: serde_yaml::Value =
            serde_yaml::from_slice(bytes).map_err(|e| parse_error(path, bytes, &e))?;
        let corrections = crate::fix::apply(&mut value, fixes).map_err(|e| e.in_file(path))?;
        (from_value(path, value)?, corrections)
    };
    if !document.openapi.starts_with("3.0") {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "OpenAPI version {} is not supported; the v4 family is OpenAPI 3.0",
                document.openapi
            ),
        )
        .in_file(path)
        .at("#/openapi"));
    }
    let (namespace, version) = namespace_and_version(&document).map_err(|e| e.in_file(path))?;
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        namespace,
        version,
        document,
        corrections,
    })
}

/// Deserializes the document.
///
/// openapiv3 2.2 panics ("somehow this parsed successfully the second time") on some
/// malformed `$ref`-or-object values read from YAML: its fallback re-reads the value as
/// JSON, where it can succeed (a mapping with a repeated key fails as YAML, while JSON keeps
/// the last copy). That panic is caught (and kept off stderr, see
/// [`silence_openapiv3_panics`]) and the document is read again through `serde_yaml::Value`,
/// which refuses repeated keys with their line, or names the JSON pointer of the bad value.
fn deserialize(path: &Path, bytes: &[u8]) -> Result<OpenAPI> {
    silence_openapiv3_panics();
    match std::panic::catch_unwind(|| serde_yaml::from_slice::<OpenAPI>(bytes)) {
        Ok(Ok(document)) => Ok(document),
        Ok(Err(e)) => Err(parse_error(path, bytes, &e)),
        Err(_) => deserialize_via_value(path, bytes),
    }
}

/// The second reading: YAML into `serde_yaml::Value`, then into the document with the
/// path of a failure tracked.
fn deserialize_via_value(path: &Path, bytes: &[u8]) -> Result<OpenAPI> {
    let value: serde_yaml::Value =
        serde_yaml::from_slice(bytes).map_err(|e| parse_error(path, bytes, &e))?;
    from_value(path, value)
}

/// A YAML value into the document, naming the JSON pointer of a value that does not fit.
fn from_value(path: &Path, value: serde_yaml::Value) -> Result<OpenAPI> {
    silence_openapiv3_panics();
    let read = std::panic::catch_unwind(|| serde_path_to_error::deserialize::<_, OpenAPI>(value));
    let failure = match read {
        Ok(Ok(document)) => return Ok(document),
        Ok(Err(e)) => {
            let segments: Vec<String> = e
                .path()
                .iter()
                .map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => index.to_string(),
                    serde_path_to_error::Segment::Map { key } => key.clone(),
                    serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                    serde_path_to_error::Segment::Unknown => "?".to_owned(),
                })
                .collect();
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            Error::new(
                ErrorKind::Parse,
                format!("not a valid OpenAPI document: {}", e.inner()),
            )
            .at(&crate::pointer(&segments))
        }
        Err(_) => Error::new(
            ErrorKind::Parse,
            "not a valid OpenAPI document: openapiv3 cannot read it (and names no location)",
        ),
    };
    Err(failure.in_file(path))
}

/// Keeps panics raised inside openapiv3 off stderr: [`deserialize`] catches them and
/// reports an error instead. Every other panic still reaches the previous hook. Installed
/// once per process.
fn silence_openapiv3_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_openapiv3 = info
                .location()
                .is_some_and(|l| l.file().contains("openapiv3"));
            if !in_openapiv3 {
                previous(info);
            }
        }));
    });
}

/// A parse failure as one message, with its location given once.
fn parse_error(path: &Path, bytes: &[u8], e: &serde_yaml::Error) -> Error {
    if is_swagger_2(bytes) {
        return Error::new(
            ErrorKind::Unsupported,
            "this is a Swagger 2.0 document; the generator reads OpenAPI 3.0, the v4 family's format",
        )
        .in_file(path)
        .at("#/swagger");
    }
    let mut message = e.to_string();
    let location = e.location().map(|l| (l.line(), l.column()));
    if let Some((line, column)) = location {
        // serde_yaml ends its message with the location, which the error prints already.
        let suffix = format!(" at line {line} column {column}");
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
    }
    let mut err = Error::new(
        ErrorKind::Parse,
        format!("not a valid OpenAPI document: {message}"),
    )
    .in_file(path);
    if let Some((line, column)) = location {
        err = err.at_line(line, column);
    }
    err
}

/// Whether the document declares `swagger:` at the top level.
fn is_swagger_2(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .lines()
        .any(|line| line.starts_with("swagger:") || line.starts_with("\"swagger\":"))
}

/// Reads and parses a spec file.
pub fn read(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    parse(path, &bytes)
}

fn namespace_and_version(document: &OpenAPI) -> Result<(String, String)> {
    let mut found: Option<(String, String)> = None;
    for path in document.paths.paths.keys() {
        let mut segments = path.trim_start_matches('/').split('/');
        let (Some(namespace), Some(version)) = (segments.next(), segments.next()) else {
            continue;
        };
        if !is_version(version) {
            continue;
        }
        match &found {
            None => found = Some((namespace.to_owned(), version.to_owned())),
            Some((n, v)) if n == namespace && v == version => {}
            Some((n, v)) => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "paths mix namespaces or versions ({n}/{v} and {namespace}/{version}); \
                         a spec of this family holds one namespace at one version"
                    ),
                )
                .at(&crate::pointer(&["paths", path])));
            }
        }
    }
    found.ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            "no path of the form /<namespace>/<version>/... (versions look like v4.0, v4.1.b2 or \
             v4.0.a3), so the namespace is unknown",
        )
        .at("#/paths")
    })
}

/// `v4`, `v4.0`, `v4.1.b2`, `v4.0.a3`...: a version of the family's scheme.
pub(crate) fn is_version(segment: &str) -> bool {
    crate::version::ApiVersion::parse(segment).is_some()
}

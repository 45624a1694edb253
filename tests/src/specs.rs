//! The pinned OpenAPI specs, read at run time.
//!
//! The specs are never copied into the repository: each is read from the first of
//! `NTNX_SPECS_DIR`, `<workspace root>/../shared/specs` and the user cache that holds it. Which files to read comes from
//! `specs/manifest.toml`, the same pin list the generator uses. Each spec is parsed once per
//! process (YAML into [`serde_json::Value`]) and shared.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ntnx_generator::locate::SpecDirs;
use ntnx_generator::manifest::{Manifest, PinnedSpec};
use serde_json::{Map, Value};

/// Prefix of a local reference to a component schema.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// HTTP methods an OpenAPI path item may hold operations under.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One loaded spec.
#[derive(Debug)]
pub struct Spec {
    /// Namespace, e.g. `vmm`.
    pub namespace: String,
    /// Version, e.g. `v4.0`.
    pub version: String,
    /// File name in the specs folder.
    pub file: String,
    /// The whole document.
    pub doc: Value,
}

/// One operation of a spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation<'a> {
    /// The spec it belongs to.
    pub spec: &'a Spec,
    /// Its path, e.g. `/vmm/v4.0/content/images`.
    pub path: &'a str,
    /// Its HTTP method, lower case.
    pub method: &'a str,
    /// Its `operationId` (empty if it has none).
    pub id: &'a str,
    /// The operation object.
    pub op: &'a Value,
}

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The folders the spec files are read from, in order: `NTNX_SPECS_DIR`,
/// `<workspace root>/../shared/specs`, the user cache that `cargo xtask` downloads into.
pub fn spec_dirs() -> SpecDirs {
    SpecDirs::standard(None, &workspace_root())
}

/// The pin list, `specs/manifest.toml`, read by the generator's own reader.
pub fn manifest() -> Manifest {
    let path = workspace_root().join("specs").join("manifest.toml");
    Manifest::read(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every pinned spec, loaded once per process (in parallel, one thread per file), with the
/// manifest's declared fixes applied as the generator applies them.
pub fn all() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let dirs = spec_dirs();
        let manifest = manifest();
        std::thread::scope(|scope| {
            let loading: Vec<_> = manifest
                .specs
                .iter()
                .map(|pinned| {
                    let dirs = &dirs;
                    scope.spawn(move || Spec {
                        doc: load(dirs, pinned),
                        namespace: pinned.namespace.clone(),
                        version: pinned.version.clone(),
                        file: pinned.file.clone(),
                    })
                })
                .collect();
            loading
                .into_iter()
                .map(|handle| handle.join().expect("loading a spec panicked"))
                .collect()
        })
    })
}

/// A pinned spec as JSON, its sha256 checked and its declared fixes applied.
fn load(dirs: &SpecDirs, pinned: &PinnedSpec) -> Value {
    let (path, bytes) = dirs.read_pinned(pinned).unwrap_or_else(|e| panic!("{e}"));
    let mut yaml: serde_yaml::Value = serde_yaml::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    ntnx_generator::fix::apply(&mut yaml, &pinned.fixes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_value(yaml)
        .unwrap_or_else(|e| panic!("{} does not read as JSON: {e}", path.display()))
}

/// The component name a `#/components/schemas/<name>` reference points to.
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_REF_PREFIX)
}

/// The `$objectType` servers write for a schema: its name without the revision and the
/// release type (`vmm.v4.0.content.Image` → `vmm.v4.content.Image`,
/// `iam.v4.1.b2.authn.User` → `iam.v4.authn.User`).
pub fn wire_name(schema: &str) -> String {
    let parts: Vec<&str> = schema.split('.').collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let release_type = |s: &str| {
        s.strip_prefix('a')
            .or_else(|| s.strip_prefix('b'))
            .is_some_and(digits)
    };
    match parts.as_slice() {
        [namespace, major, minor, rest @ ..] if major.starts_with('v') && digits(minor) => {
            let rest = match rest {
                [kind, tail @ ..] if release_type(kind) && !tail.is_empty() => tail,
                _ => rest,
            };
            let mut name = format!("{namespace}.{major}");
            for part in rest {
                name.push('.');
                name.push_str(part);
            }
            name
        }
        _ => schema.to_owned(),
    }
}

impl Spec {
    /// A short label for messages: `vmm v4.0`.
    pub fn label(&self) -> String {
        format!("{} {}", self.namespace, self.version)
    }

    /// `components.schemas`.
    pub fn schemas(&self) -> &Map<String, Value> {
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{}: no components.schemas", self.file))
    }

    /// The component schema called `name`.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.schemas().get(name)
    }

    /// The node a local `$ref` (`#/...`, a JSON pointer) points to.
    pub fn lookup(&self, reference: &str) -> Option<&Value> {
        self.doc.pointer(reference.strip_prefix('#')?)
    }

    /// `node`, or what its `$ref` (followed repeatedly) points to. Panics on a reference
    /// that does not resolve, naming it.
    pub fn resolve<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        for _ in 0..64 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    node = self
                        .lookup(reference)
                        .unwrap_or_else(|| panic!("{}: unresolved $ref {reference}", self.file));
                }
                None => return node,
            }
        }
        panic!("{}: $ref chain longer than 64", self.file)
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if METHODS.contains(&method.as_str()) {
                    operations.push(Operation {
                        spec: self,
                        path,
                        method,
                        id: op.get("operationId").and_then(Value::as_str).unwrap_or(""),
                        op,
                    });
                }
            }
        }
        operations
    }
}

impl Operation<'_> {
    /// `vmm v4.0 createImage (POST /vmm/v4.0/content/images)`, for messages.
    pub fn label(&self) -> String {
        format!(
            "{} {} ({} {})",
            self.spec.label(),
            self.id,
            self.method.to_uppercase(),
            self.path
        )
    }

    /// Whether the operation declares a request body.
    pub fn has_request_body(&self) -> bool {
        self.op.get("requestBody").is_some()
    }

    /// The component schema name of the JSON request body (`$ref` under
    /// `requestBody.content."application/json".schema`).
    pub fn request_schema(&self) -> Option<&str> {
        let body = self.spec.resolve(self.op.get("requestBody")?);
        let reference = body
            .pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)?;
        ref_name(reference)
    }

    /// The JSON after `--data ` in each cURL entry of `x-code-samples`, in order; `Err`
    /// names the sample whose data is not JSON.
    pub fn curl_bodies(&self) -> Vec<Result<Value, String>> {
        let samples = self
            .op
            .get("x-code-samples")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        samples
            .iter()
            .filter(|sample| {
                sample
                    .get("lang")
                    .and_then(Value::as_str)
                    .is_some_and(|lang| lang.eq_ignore_ascii_case("curl"))
            })
            .filter_map(|sample| sample.get("source").and_then(Value::as_str))
            .filter_map(|source| source.split_once("--data ").map(|(_, rest)| rest))
            .map(|data| {
                match serde_json::Deserializer::from_str(data.trim_start())
                    .into_iter::<Value>()
                    .next()
                {
                    Some(Ok(body)) => Ok(body),
                    Some(Err(e)) => Err(format!("{}: cURL --data is not JSON: {e}", self.label())),
                    None => Err(format!("{}: nothing after cURL --data", self.label())),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_drops_the_minor_version() {
        assert_eq!(
            wire_name("vmm.v4.0.content.UrlSource"),
            "vmm.v4.content.UrlSource"
        );
        assert_eq!(
            wire_name("common.v1.0.config.Flag"),
            "common.v1.config.Flag"
        );
        assert_eq!(wire_name("iam.v4.1.b2.authn.User"), "iam.v4.authn.User");
        assert_eq!(wire_name("vmm.v4.0.a3.Image"), "vmm.v4.Image");
        assert_eq!(wire_name("Unversioned"), "Unversioned");
    }

    #[test]
    fn ref_name_reads_component_references_only() {
        assert_eq!(
            ref_name("#/components/schemas/vmm.v4.0.content.Image"),
            Some("vmm.v4.0.content.Image")
        );
        assert_eq!(ref_name("#/components/responses/X"), None);
    }
}

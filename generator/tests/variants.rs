//! Generality: variants derived here from every spec file in the specs folder (not from the
//! manifest, so a file dropped in the folder is covered too) generate, and their crates build
//! with warnings denied.
//!
//! Each spec is derived twice, as a whole family each time (all files of the folder
//! together, so shared types merge as in the workspace):
//! - re-versioned as early access (`v4.0` becomes `v4.0.a3`) and
//! - re-versioned as a release candidate (`v4.0.b2`),
//!
//! both with every body, response and header shape of `specs/fixtures/shapes.yaml` grafted
//! into the spec's own namespace. Re-versioning renames paths (`/vmm/v4.0/` becomes
//! `/vmm/v4.0.a3/`), the spec's own schema names (`vmm.v4.0.content.Image` becomes
//! `vmm.v4.0.a3.content.Image`) and their `$ref`s; the wire `$objectType` stays
//! `vmm.v4.content.Image`, which the checks below hold the generated code to.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{build, fixture, scratch_dir, specs_dir, workspace_root, write_workspace};
use ntnx_generator::emit::EmitOptions;
use ntnx_generator::manifest::{sha256_hex, Manifest};
use ntnx_generator::Generated;
use serde_json::{Map, Value};

/// One spec file of the folder, parsed.
struct Source {
    file: String,
    namespace: String,
    version: String,
    doc: Value,
}

fn sources() -> Vec<Source> {
    let dir = specs_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the specs folder {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no spec files in {}", dir.display());
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a spec file reads");
            let doc: Value =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (namespace, version) = namespace_and_version(&doc);
            Source {
                file: path.file_name().unwrap().to_string_lossy().into_owned(),
                namespace,
                version,
                doc,
            }
        })
        .collect()
}

/// `/vmm/v4.0/...` of the first path: the spec's namespace and version.
fn namespace_and_version(doc: &Value) -> (String, String) {
    let first = doc["paths"]
        .as_object()
        .and_then(|paths| paths.keys().next())
        .expect("a spec has paths");
    let mut segments = first.trim_start_matches('/').split('/');
    let namespace = segments.next().unwrap_or_default().to_owned();
    let version = segments.next().unwrap_or_default().to_owned();
    (namespace, version)
}

/// Renames path keys, component schema keys and `$ref`s from `from` to `to` prefixes.
struct Rename<'a> {
    path_from: &'a str,
    path_to: &'a str,
    schema_from: &'a str,
    schema_to: &'a str,
}

impl Rename<'_> {
    fn apply(&self, doc: &mut Value) {
        rename_keys(&mut doc["paths"], self.path_from, self.path_to);
        rename_keys(
            &mut doc["components"]["schemas"],
            self.schema_from,
            self.schema_to,
        );
        let from = format!("#/components/schemas/{}", self.schema_from);
        let to = format!("#/components/schemas/{}", self.schema_to);
        rewrite_refs(doc, &from, &to);
    }
}

fn rename_keys(object: &mut Value, from: &str, to: &str) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    let renamed: Map<String, Value> = std::mem::take(map)
        .into_iter()
        .map(|(key, value)| match key.strip_prefix(from) {
            Some(rest) => (format!("{to}{rest}"), value),
            None => (key, value),
        })
        .collect();
    *map = renamed;
}

fn rewrite_refs(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key == "$ref" => {
                        if let Some(rest) = text.strip_prefix(from) {
                            *text = format!("{to}{rest}");
                        }
                    }
                    _ => rewrite_refs(value, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// The shapes fixture, moved into `namespace`/`version` under a `grafted` package, its
/// operationIds and tag renamed so they cannot meet the spec's own.
fn grafted_shapes(namespace: &str, version: &str) -> Value {
    let text = std::fs::read_to_string(fixture("shapes.yaml")).expect("the shapes fixture");
    let mut shapes: Value = serde_yaml::from_str(&text).expect("the shapes fixture parses");
    let path_to = format!("/{namespace}/{version}/grafted/");
    let schema_to = format!("{namespace}.{version}.grafted.");
    Rename {
        path_from: "/shapes/v1.0/",
        path_to: &path_to,
        schema_from: "shapes.v1.0.",
        schema_to: &schema_to,
    }
    .apply(&mut shapes);
    for item in shapes["paths"].as_object_mut().unwrap().values_mut() {
        for operation in item.as_object_mut().unwrap().values_mut() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                operation["operationId"] = Value::from(format!("grafted_{id}"));
                operation["tags"] = serde_json::json!(["Grafted Shapes"]);
            }
        }
    }
    shapes
}

/// `doc` with the shapes grafted in and re-versioned with `suffix` (`a3`, `b2`).
fn variant(source: &Source, suffix: &str) -> Value {
    let mut doc = source.doc.clone();
    let shapes = grafted_shapes(&source.namespace, &source.version);
    for section in [&["paths"][..], &["components", "schemas"][..]] {
        let from = section.iter().fold(&shapes, |v, k| &v[*k]);
        let into = section.iter().fold(&mut doc, |v, k| &mut v[*k]);
        for (key, value) in from.as_object().unwrap() {
            assert!(
                into.get(key).is_none(),
                "{}: {key} exists already",
                source.file
            );
            into[key.as_str()] = value.clone();
        }
    }
    let (ns, ver) = (&source.namespace, &source.version);
    let path_from = format!("/{ns}/{ver}/");
    let path_to = format!("/{ns}/{ver}.{suffix}/");
    let schema_from = format!("{ns}.{ver}.");
    let schema_to = format!("{ns}.{ver}.{suffix}.");
    Rename {
        path_from: &path_from,
        path_to: &path_to,
        schema_from: &schema_from,
        schema_to: &schema_to,
    }
    .apply(&mut doc);
    doc
}

/// Writes the `suffix` variant of every source into `dir` and generates them together.
fn generate_family(sources: &[Source], suffix: &str, dir: &Path) -> Generated {
    std::fs::create_dir_all(dir).unwrap();
    let mut manifest = String::new();
    for source in sources {
        let text = serde_yaml::to_string(&variant(source, suffix)).unwrap();
        let file = source.file.replace(".yaml", &format!("-{suffix}.yaml"));
        std::fs::write(dir.join(&file), &text).unwrap();
        manifest.push_str(&format!(
            "[[spec]]\nnamespace = \"{}\"\nversion = \"{}.{suffix}\"\nfile = \"{file}\"\n\
             sha256 = \"{}\"\nurl = \"https://example.invalid/{file}\"\n\n",
            source.namespace,
            source.version,
            sha256_hex(text.as_bytes())
        ));
    }
    let manifest = Manifest::parse(&manifest).expect("the variants' manifest parses");
    let options = EmitOptions {
        runtime_path: workspace_root().join("runtime").display().to_string(),
        client_dependencies: Vec::new(),
        registry: false,
        previous: None,
        published: None,
    };
    ntnx_generator::generate_pinned(&manifest, dir, &options)
        .unwrap_or_else(|e| panic!("the {suffix} variants should generate: {e}"))
}

/// The wire name of a dotted schema name: without revision and release type.
fn wire_name(schema: &str) -> String {
    let parts: Vec<&str> = schema.split('.').collect();
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let is_stage =
        |s: &str| (s.starts_with('a') || s.starts_with('b')) && s.len() > 1 && is_number(&s[1..]);
    let mut kept = vec![parts[0], parts[1]];
    let mut rest = &parts[2..];
    if rest.first().is_some_and(|s| is_number(s)) {
        rest = &rest[1..];
        if rest.len() > 1 && is_stage(rest[0]) {
            rest = &rest[1..];
        }
    }
    kept.extend(rest);
    kept.join(".")
}

/// Checks of one variant crate against the source spec.
fn check_variant(generated: &Generated, source: &Source, suffix: &str, stage: &str) -> Vec<String> {
    // One crate per API revision: `ntnx-vmm-v4-0`, whatever the release type.
    let (major, minor) = source
        .version
        .trim_start_matches('v')
        .split_once('.')
        .expect("a vX.Y version");
    let crate_dir = format!("ntnx-{}-v{major}-{minor}", source.namespace);
    let mut problems = Vec::new();
    let text = |path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents.as_str())
    };
    let n = &suffix[1..];
    let expected_version = format!("version = \"1.0.0-{stage}.{n}\"");
    match text(&format!("{crate_dir}/Cargo.toml")) {
        Some(toml) if toml.contains(&expected_version) => {}
        other => problems.push(format!("{crate_dir}: no `{expected_version}` in {other:?}")),
    }
    let docs_say = if stage == "alpha" {
        "early-access"
    } else {
        "release candidate"
    };
    if !text(&format!("{crate_dir}/src/lib.rs")).is_some_and(|lib| lib.contains(docs_say)) {
        problems.push(format!("{crate_dir}: the crate docs do not say {docs_say}"));
    }
    // Module paths drop the version: the variant has every module file of the published
    // spec's committed crate (plus the grafted ones).
    let committed = workspace_root().join("generated").join(&crate_dir);
    let variant_files: BTreeSet<PathBuf> = generated.files.iter().map(|f| f.path.clone()).collect();
    for file in list_rs(&committed.join("src")) {
        let path = PathBuf::from(&crate_dir).join("src").join(&file);
        if !variant_files.contains(&path) {
            problems.push(format!("{}: missing {}", source.file, path.display()));
        }
    }
    // Every object schema of the spec's own namespace keeps its wire `$objectType`.
    let all: String = generated
        .files
        .iter()
        .map(|f| f.contents.as_str())
        .collect();
    let own = format!("{}.{}.", source.namespace, source.version);
    for (name, schema) in source.doc["components"]["schemas"].as_object().unwrap() {
        if !name.starts_with(&own)
            || schema.get("properties").is_none() && schema.get("allOf").is_none()
        {
            continue;
        }
        // Quoted, it is the `OBJECT_TYPE` constant (docs show it in backticks, and `SCHEMA`
        // holds the versioned name).
        let wire = wire_name(name);
        if !all.contains(&format!("\"{wire}\"")) {
            problems.push(format!("{}: no OBJECT_TYPE {wire} for {name}", source.file));
        }
    }
    let versioned_path = format!("/{}/{}.{suffix}/", source.namespace, source.version);
    if !all.contains(&versioned_path) {
        problems.push(format!("{}: no path under {versioned_path}", source.file));
    }
    problems
}

/// `.rs` files below `dir`, relative to it.
fn list_rs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}

#[test]
fn wire_names_drop_revision_and_release_type() {
    assert_eq!(
        wire_name("vmm.v4.0.a3.content.Image"),
        "vmm.v4.content.Image"
    );
    assert_eq!(wire_name("vmm.v4.0.content.Image"), "vmm.v4.content.Image");
    assert_eq!(wire_name("iam.v4.1.b2.authn.User"), "iam.v4.authn.User");
}

#[test]
fn every_spec_re_versioned_and_grafted_generates_and_builds() {
    let sources = sources();
    let root = scratch_dir("ntnx-generator-variants");
    let target = workspace_root().join("target-fixtures");
    let mut problems = Vec::new();
    for (suffix, stage) in [("a3", "alpha"), ("b2", "beta")] {
        let dir = root.join(suffix);
        let generated = generate_family(&sources, suffix, &dir.join("specs"));
        for source in &sources {
            problems.extend(check_variant(&generated, source, suffix, stage));
        }
        let out = dir.join("crates");
        write_workspace(&out, generated.files);
        if let Err(output) = build(&out, &target, &["check", "--all-targets"]) {
            problems.push(format!("== {suffix} ({})\n{output}", out.display()));
        }
    }
    assert!(problems.is_empty(), "variants:\n{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&root);
}

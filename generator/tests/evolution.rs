//! Release evolution, checked rather than claimed: for each kind of change a second release
//! of `specs/fixtures/evolution.yaml` is derived here and regenerated over the first, and the
//! generator's classification (breaking, additive, docs only) and the crate version it
//! computes must agree with cargo-semver-checks comparing the two generated crates (an
//! additive release passes as a minor one, a breaking one does not).
//!
//! A generator change can change a crate's cargo features; each kind of feature change is
//! checked the same way, over a first release edited as an older generator wrote it.
//!
//! The same on a published spec: a next release of volumes is derived from the file in the
//! specs folder (a field, an enum value and an operation added; then an operation removed
//! too), its report and versions checked, cargo-semver-checks run, and a downstream crate
//! written against today's API (`tests/downstream`) built against the additive release.
//!
//! cargo-semver-checks is installed into `.tools/semver-checks` by `bash .ci/install-tools`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::common::{fixture, scratch_dir, specs_dir, workspace_root, write_workspace};
use ntnx_generator::emit::EmitOptions;
use ntnx_generator::release::Severity;
use ntnx_generator::Generated;
use serde_json::{json, Value};

/// The crate the evolution fixture generates.
const CRATE: &str = "ntnx-evo-v1-0";

/// A derived release: what it changes and how the generator must classify it.
struct Kind {
    name: &'static str,
    change: fn(&mut Value),
    severity: Severity,
    /// For a break cargo-semver-checks does not see (it has no lint for a changed field
    /// type): code that compiles against the first release and not against this one, the
    /// proof that the generator is right.
    proof: Option<&'static str>,
}

fn schemas(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    doc["components"]["schemas"].as_object_mut().unwrap()
}

fn widget(doc: &mut Value) -> &mut Value {
    &mut schemas(doc)["evo.v1.0.config.Widget"]
}

fn list_parameters(doc: &mut Value) -> &mut Vec<Value> {
    doc["paths"]["/evo/v1.0/config/widgets"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
}

fn operation(id: &str, tag: &str) -> Value {
    json!({"tags": [tag], "operationId": id, "responses": {"204": {"description": "Done."}}})
}

const KINDS: [Kind; 14] = [
    Kind {
        name: "optional field added",
        change: |doc| widget(doc)["properties"]["color"] = json!({"type": "string"}),
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "enum value added",
        change: |doc| {
            let values = schemas(doc)["evo.v1.0.config.State"]["enum"]
                .as_array_mut()
                .unwrap();
            values.insert(2, json!("STANDBY"));
        },
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "union variant added",
        change: |doc| {
            schemas(doc)["evo.v1.0.config.Part"]["oneOf"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/schemas/evo.v1.0.config.Knob"}));
        },
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "operation added",
        change: |doc| {
            doc["paths"]["/evo/v1.0/config/widgets/{extId}/$actions/reset"] = json!({
                "post": {
                    "tags": ["Widgets"], "operationId": "resetWidget",
                    "parameters": [{"name": "extId", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "Reset."}}
                }
            });
        },
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "tag added",
        change: |doc| {
            doc["paths"]["/evo/v1.0/config/gadgets"] =
                json!({"get": operation("listGadgets", "Gadgets")});
        },
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "optional query parameter added",
        change: |doc| {
            list_parameters(doc).push(
                json!({"name": "$page", "in": "query", "schema": {"type": "integer", "format": "int32"}}),
            );
        },
        severity: Severity::Additive,
        proof: None,
    },
    Kind {
        name: "documentation changed",
        change: |doc| widget(doc)["description"] = json!("A widget, as the API now says."),
        severity: Severity::DocsOnly,
        proof: None,
    },
    Kind {
        name: "field removed",
        change: |doc| {
            widget(doc)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("size");
        },
        severity: Severity::Breaking,
        proof: None,
    },
    Kind {
        name: "type renamed",
        change: |doc| {
            let text = serde_json::to_string(doc)
                .unwrap()
                .replace("evo.v1.0.config.Widget", "evo.v1.0.config.Gizmo");
            *doc = serde_json::from_str(&text).unwrap();
        },
        severity: Severity::Breaking,
        proof: None,
    },
    Kind {
        name: "field type changed",
        change: |doc| widget(doc)["properties"]["size"] = json!({"type": "string"}),
        severity: Severity::Breaking,
        proof: Some(
            "pub fn size(widget: &ntnx_evo_v1_0::config::Widget) -> Option<i64> { widget.size }",
        ),
    },
    Kind {
        name: "optional field made required",
        change: |doc| {
            widget(doc)["required"]
                .as_array_mut()
                .unwrap()
                .push(json!("size"))
        },
        severity: Severity::Breaking,
        proof: None,
    },
    Kind {
        name: "required parameter added",
        change: |doc| {
            list_parameters(doc).push(
                json!({"name": "zone", "in": "query", "required": true, "schema": {"type": "string"}}),
            );
        },
        severity: Severity::Breaking,
        proof: None,
    },
    Kind {
        name: "operation removed",
        change: |doc| {
            doc["paths"]
                .as_object_mut()
                .unwrap()
                .remove("/evo/v1.0/config/widgets/{extId}");
        },
        severity: Severity::Breaking,
        proof: None,
    },
    Kind {
        name: "enum value removed",
        change: |doc| {
            let values = schemas(doc)["evo.v1.0.config.State"]["enum"]
                .as_array_mut()
                .unwrap();
            values.retain(|v| v != "OFF");
        },
        severity: Severity::Breaking,
        proof: None,
    },
];

fn base() -> Value {
    let text = std::fs::read_to_string(fixture("evolution.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// Generates `doc` (written as `dir/spec.yaml`) into `dir/out`, continuing `previous`.
fn generate(doc: &Value, dir: &Path, previous: Option<&Path>) -> Generated {
    std::fs::create_dir_all(dir).unwrap();
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, serde_yaml::to_string(doc).unwrap()).unwrap();
    let options = EmitOptions {
        runtime_path: workspace_root().join("runtime").display().to_string(),
        client_dependencies: Vec::new(),
        registry: false,
        previous: previous.map(Path::to_path_buf),
        published: None,
    };
    let generated = ntnx_generator::generate_file(&spec, &options)
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    write_workspace(&dir.join("out"), generated.files.clone());
    generated
}

/// The cargo-semver-checks of `.tools/`, or a panic saying how to install it.
fn semver_checks() -> PathBuf {
    let binary = workspace_root()
        .join(".tools")
        .join("semver-checks")
        .join("bin")
        .join("cargo-semver-checks");
    assert!(
        binary.is_file(),
        "{} is missing: run `bash .ci/install-tools`",
        binary.display()
    );
    binary
}

/// cargo-semver-checks has rustdoc write each crate's JSON to `doc/<crate>.json` in the
/// target folder, the same file for every version of the crate and every test: two runs at
/// once overwrite each other's and compare the wrong crates (seen: a break passing as minor).
/// One run at a time.
static SEMVER_CHECKS: Mutex<()> = Mutex::new(());

/// Whether cargo-semver-checks accepts `current` as a minor release after `baseline` (two
/// folders holding the crate); its report when it does not.
fn passes_as_minor(baseline: &Path, current: &Path) -> Result<(), String> {
    let _one_at_a_time = SEMVER_CHECKS.lock().unwrap_or_else(|e| e.into_inner());
    let output = Command::new(semver_checks())
        .args(["semver-checks", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(baseline)
        .args(["--release-type", "minor", "--color", "never"])
        .env("CARGO_TARGET_DIR", workspace_root().join("target-fixtures"))
        .output()
        .expect("cargo-semver-checks runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Whether a crate of `code` depending on the release in `release` (a generated workspace)
/// compiles; cargo's output when it does not.
fn compiles_against(dir: &Path, release: &Path, code: &str) -> Result<(), String> {
    let dependency = format!(
        "{CRATE} = {{ path = {:?} }}",
        release.join(CRATE).display().to_string()
    );
    check_crate(dir, &dependency, code)
}

/// `cargo check` of a crate of `code` with `dependencies` (lines of `[dependencies]`).
fn check_crate(dir: &Path, dependencies: &str, code: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{dependencies}\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src").join("lib.rs"), code).unwrap();
    let lock = workspace_root().join("Cargo.lock");
    let _ = std::fs::copy(&lock, dir.join("Cargo.lock"));
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", workspace_root().join("target-fixtures"))
        .output()
        .expect("cargo runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn every_kind_of_change_is_classified_as_cargo_semver_checks_sees_it() {
    let root = scratch_dir("ntnx-generator-evolution");
    let first = root.join("first");
    let baseline = generate(&base(), &first, None);
    assert_eq!(baseline.releases[0].version, "1.0.0");
    let mut problems = Vec::new();
    for (n, kind) in KINDS.iter().enumerate() {
        let mut doc = base();
        (kind.change)(&mut doc);
        let dir = root.join(format!("second-{n}"));
        let second = generate(&doc, &dir, Some(&first.join("out")));
        problems.extend(disagreements(
            kind.name,
            kind.severity,
            kind.proof,
            &first,
            &dir,
            &second,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&root);
}

/// A change of the crate's cargo features, which a generator change (not a spec change)
/// makes: the first release's `Cargo.toml` and inventory are edited as an older generator
/// would have written them, and the unchanged spec regenerated over them.
struct FeatureKind {
    name: &'static str,
    /// The `[features]` line of today's generator that the older one wrote otherwise...
    today: &'static str,
    /// ...as this line, or not at all when `None`.
    before: Option<&'static str>,
    /// A line the older generator wrote besides, which today's does not.
    extra: Option<&'static str>,
    severity: Severity,
}

const FEATURE_KINDS: [FeatureKind; 4] = [
    FeatureKind {
        name: "feature added",
        today: "tls-ring = [\"ntnx-runtime/tls-ring\"]",
        before: None,
        extra: None,
        severity: Severity::Additive,
    },
    FeatureKind {
        name: "feature enables more",
        today: "default = [\"tls-aws-lc\"]",
        before: Some("default = []"),
        extra: None,
        severity: Severity::Additive,
    },
    FeatureKind {
        name: "feature removed",
        today: "tls-ring = [\"ntnx-runtime/tls-ring\"]",
        before: Some("tls-ring = [\"ntnx-runtime/tls-ring\"]"),
        extra: Some("legacy = []"),
        severity: Severity::Breaking,
    },
    FeatureKind {
        name: "feature no longer on by default",
        today: "default = [\"tls-aws-lc\"]",
        before: Some("default = [\"tls-aws-lc\", \"tls-ring\"]"),
        extra: None,
        severity: Severity::Breaking,
    },
];

/// Rewrites the feature line `today` of the generated release in `out` (its crate's
/// `Cargo.toml` and the inventory) as `before`, or drops it, and adds `extra` after it.
fn write_older_features(out: &Path, kind: &FeatureKind) {
    let rewrite = |path: PathBuf, prefix: &str| {
        let text = std::fs::read_to_string(&path).unwrap();
        let line = format!("{prefix}{}\n", kind.today);
        assert!(text.contains(&line), "{}: no line {line:?}", path.display());
        let mut older: String = kind
            .before
            .map(|before| format!("{prefix}{before}\n"))
            .unwrap_or_default();
        if let Some(extra) = kind.extra {
            older.push_str(&format!("{prefix}{extra}\n"));
        }
        std::fs::write(&path, text.replacen(&line, &older, 1)).unwrap();
    };
    rewrite(out.join(CRATE).join("Cargo.toml"), "");
    rewrite(out.join("INVENTORY.md"), "  - feature ");
}

#[test]
fn every_kind_of_feature_change_is_classified_as_cargo_semver_checks_sees_it() {
    let root = scratch_dir("ntnx-generator-evolution-features");
    let mut problems = Vec::new();
    for (n, feature) in FEATURE_KINDS.iter().enumerate() {
        let first = root.join(format!("first-{n}"));
        generate(&base(), &first, None);
        write_older_features(&first.join("out"), feature);
        let dir = root.join(format!("second-{n}"));
        let second = generate(&base(), &dir, Some(&first.join("out")));
        problems.extend(disagreements(
            feature.name,
            feature.severity,
            None,
            &first,
            &dir,
            &second,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _ = std::fs::remove_dir_all(&root);
}

/// Where the generator's verdict on the release in `dir` (`second`, generated over the one
/// in `first`) differs from the expected `severity` or from cargo-semver-checks: its version,
/// its change log, and whether cargo-semver-checks takes it as a minor release (or, for a
/// break it does not see, whether `proof` stops compiling).
fn disagreements(
    name: &str,
    severity: Severity,
    proof: Option<&str>,
    first: &Path,
    dir: &Path,
    second: &Generated,
) -> Vec<String> {
    let mut problems = Vec::new();
    let release = second
        .releases
        .iter()
        .find(|r| r.crate_name == CRATE)
        .expect("the crate is released");
    let expected_version = match severity {
        Severity::DocsOnly => "1.0.1",
        Severity::Additive => "1.1.0",
        Severity::Breaking => "2.0.0",
    };
    if release.severity != Some(severity) || release.version != expected_version {
        problems.push(format!(
            "{}: classified {:?} as {}, expected {:?} as {expected_version}: {:#?}",
            name, release.severity, release.version, severity, release.changes
        ));
    }
    let changelog = second
        .files
        .iter()
        .find(|f| f.path == Path::new(CRATE).join("CHANGELOG.md"))
        .expect("a change log");
    if !changelog
        .contents
        .contains(&format!("## {expected_version} ("))
    {
        problems.push(format!(
            "{}: the change log has no {expected_version} section",
            name
        ));
    }
    let checked = passes_as_minor(&first.join("out").join(CRATE), &dir.join("out").join(CRATE));
    if let (Some(proof), Ok(())) = (proof, &checked) {
        // cargo-semver-checks does not see this break: show it with a compiler.
        let compiles = |release: &Path| compiles_against(&dir.join("probe"), release, proof);
        match (compiles(&first.join("out")), compiles(&dir.join("out"))) {
            (Ok(()), Err(_)) => {}
            (first, second) => problems.push(format!(
                "{}: the proof should compile against the first release and not the \
                 second: {first:?} / {second:?}",
                name
            )),
        }
        return problems;
    }
    match (severity, checked) {
        (Severity::Breaking, Ok(())) => problems.push(format!(
            "{}: the generator says breaking, cargo-semver-checks accepts a minor release",
            name
        )),
        (Severity::Additive | Severity::DocsOnly, Err(report)) => problems.push(format!(
            "{}: the generator says {}, cargo-semver-checks wants more:\n{report}",
            name, severity
        )),
        _ => {}
    }
    problems
}

/// The volumes spec of the specs folder, parsed.
fn published_volumes() -> (String, Value) {
    let dir = specs_dir();
    let file = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("swagger-volumes-"))
        })
        .expect("a volumes spec in the specs folder");
    let text = std::fs::read_to_string(&file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    (name, serde_yaml::from_str(&text).unwrap())
}

/// The additive next release: a field, an enum value and an operation more.
fn add_to_volumes(doc: &mut Value) {
    let schemas = schemas(doc);
    schemas["volumes.v4.0.config.VolumeGroup"]["allOf"][1]["properties"]["tier"] =
        json!({"type": "string", "description": "The storage tier."});
    schemas["volumes.v4.0.config.SharingStatus"]["enum"]
        .as_array_mut()
        .unwrap()
        .insert(2, json!("PARTIALLY_SHARED"));
    doc["paths"]["/volumes/v4.0/config/volume-groups/{extId}/$actions/refresh"] = json!({
        "post": {
            "tags": ["VolumeGroups"], "operationId": "refreshVolumeGroup",
            "parameters": [{"name": "extId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Refreshed."}}
        }
    });
}

#[test]
fn a_derived_release_of_a_published_spec_is_reported_versioned_and_lived_through() {
    const VOLUMES: &str = "ntnx-volumes-v4-0";
    let (file, published) = published_volumes();
    let root = scratch_dir("ntnx-generator-evolution-volumes");
    let first = root.join("first");
    generate(&published, &first, None);

    let mut additive = published.clone();
    add_to_volumes(&mut additive);
    let next = generate(&additive, &root.join("additive"), Some(&first.join("out")));
    let release = |generated: &Generated, name: &str| {
        generated
            .releases
            .iter()
            .find(|r| r.crate_name == name)
            .unwrap_or_else(|| panic!("{name} is released"))
            .clone()
    };
    let volumes = release(&next, VOLUMES);
    assert_eq!(
        (volumes.severity, volumes.version.as_str()),
        (Some(Severity::Additive), "1.1.0"),
        "{file}: {volumes:#?}"
    );
    let texts: Vec<&str> = volumes.changes.iter().map(|c| c.text.as_str()).collect();
    for expected in [
        "struct ntnx_volumes_v4_0::config::VolumeGroup: added `tier?: string`",
        "enum ntnx_volumes_v4_0::config::SharingStatus: added `PartiallyShared = PARTIALLY_SHARED`",
        "added operation ntnx_volumes_v4_0::VolumesClient.volume_groups().refresh_volume_group()",
    ] {
        assert!(
            texts.contains(&expected),
            "{expected} missing from {texts:#?}"
        );
    }
    let shared = release(&next, "ntnx-shared");
    assert_eq!((shared.severity, shared.version.as_str()), (None, "1.0.0"));
    passes_as_minor(
        &first.join("out").join(VOLUMES),
        &root.join("additive").join("out").join(VOLUMES),
    )
    .unwrap_or_else(|report| panic!("the additive release is not minor:\n{report}"));

    // A downstream crate written against today's API builds against both releases.
    let downstream =
        std::fs::read_to_string(workspace_root().join("tests/downstream/src/lib.rs")).unwrap();
    for release_dir in [&first, &root.join("additive")] {
        let dependencies = format!(
            "ntnx-volumes = {{ package = \"{VOLUMES}\", path = {:?} }}\nntnx-runtime = {{ path = {:?} }}",
            release_dir.join("out").join(VOLUMES).display().to_string(),
            workspace_root().join("runtime").display().to_string(),
        );
        check_crate(&release_dir.join("downstream"), &dependencies, &downstream).unwrap_or_else(
            |e| {
                panic!(
                    "the downstream crate does not build against {}:\n{e}",
                    release_dir.display()
                )
            },
        );
    }

    // Removing an operation as well makes the release breaking, for both tools.
    let mut breaking = additive.clone();
    breaking["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/volumes/v4.0/config/volume-groups/{extId}/$actions/detach-vm");
    let next = generate(&breaking, &root.join("breaking"), Some(&first.join("out")));
    let volumes = release(&next, VOLUMES);
    assert_eq!(
        (volumes.severity, volumes.version.as_str()),
        (Some(Severity::Breaking), "2.0.0")
    );
    assert!(volumes.changes.iter().any(|c| c.severity == Severity::Breaking
        && c.text == "removed operation ntnx_volumes_v4_0::VolumesClient.volume_groups().detach_vm()"), "{volumes:#?}");
    let report = passes_as_minor(
        &first.join("out").join(VOLUMES),
        &root.join("breaking").join("out").join(VOLUMES),
    )
    .expect_err("cargo-semver-checks sees the removed operation");
    assert!(report.contains("detach_vm"), "{report}");
    let _ = std::fs::remove_dir_all(&root);
}

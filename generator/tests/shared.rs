//! The shared crate (`layout.rs`) on `specs/fixtures/shared-*.yaml`: two specs carrying
//! copies of `common.v1.0.*` schemas, identical or not, and a third whose copy is another
//! kind of type.

use std::path::PathBuf;

use crate::common::{file, fixture, fixtures_dir, has_file, item, manifest_for, no_panic, options};
use ntnx_generator::ir::{Api, Owner, TypeDef, TypeKey, TypeKind, TypeRef};
use ntnx_generator::layout::{self, Workspace, DEFAULT_SHARED_CRATE};
use ntnx_generator::ErrorKind;

fn resolve(file: &str, crate_name: &str) -> Api {
    let loaded = ntnx_generator::load::read(&fixture(file)).expect("fixture loads");
    ntnx_generator::resolve::resolve(&loaded, crate_name).expect("fixture resolves")
}

fn alpha_and_beta() -> Workspace {
    let apis = vec![
        resolve("shared-alpha.yaml", "ntnx-alpha-v1-0"),
        resolve("shared-beta.yaml", "ntnx-beta-v1-0"),
    ];
    no_panic("layout", || layout::layout(apis, DEFAULT_SHARED_CRATE)).expect("layout succeeds")
}

fn shared<'w>(workspace: &'w Workspace, dotted: &str) -> &'w TypeDef {
    workspace
        .shared
        .types
        .values()
        .find(|d| d.key.inline.is_empty() && d.key.to_string() == dotted)
        .unwrap_or_else(|| panic!("no shared type {dotted}"))
}

fn sources(workspace: &Workspace, key: &TypeKey) -> Vec<PathBuf> {
    workspace.shared.sources[key].clone()
}

#[test]
fn identical_copies_become_one_shared_type_silently() {
    let workspace = alpha_and_beta();
    let flag = shared(&workspace, "common.v1.config.Flag");
    assert_eq!(flag.key.owner, Owner::Shared);
    assert_eq!(
        flag.key.schema.version, "v1",
        "shared types keep the major version only"
    );
    assert_eq!(
        sources(&workspace, &flag.key),
        [fixture("shared-alpha.yaml"), fixture("shared-beta.yaml")]
    );
    assert!(!workspace.merges.iter().any(|m| m.key == flag.key));
    assert!(!workspace
        .merges
        .iter()
        .any(|m| m.key.schema.name == "Metadata"));
    // Both spec crates refer to the one shared type.
    let flag_ref = TypeRef::Named(flag.key.clone());
    for spec in &workspace.specs {
        let own = spec
            .types
            .values()
            .find(|d| d.key.schema.namespace == spec.namespace && d.key.inline.is_empty())
            .expect("each spec has its own entity");
        let TypeKind::Struct(own) = &own.kind else {
            panic!("{} is a struct", own.key);
        };
        assert_eq!(own.fields[0].ty, flag_ref, "{}", spec.name);
    }
}

#[test]
fn differing_copies_merge_by_the_documented_rules_and_are_reported() {
    let workspace = alpha_and_beta();
    let both = [fixture("shared-alpha.yaml"), fixture("shared-beta.yaml")];

    let note = shared(&workspace, "common.v1.config.Note");
    let TypeKind::Struct(fields) = &note.kind else {
        panic!("Note is a struct");
    };
    // Union of the fields, first spec's order first; required only where every copy says
    // so; a field typed differently is any JSON value; docs from the first spec.
    let merged: Vec<(&str, bool, &TypeRef)> = fields
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.required, &f.ty))
        .collect();
    let severity = TypeRef::Named(shared(&workspace, "common.v1.config.Severity").key.clone());
    let string = TypeRef::Scalar(ntnx_generator::ir::Scalar::String);
    assert_eq!(
        merged,
        [
            ("code", true, &TypeRef::Any),
            ("text", false, &string),
            ("severity", false, &severity),
            ("locale", false, &string),
        ]
    );
    assert_eq!(
        note.docs.description.as_deref(),
        Some("Alpha's copy of a note.")
    );
    let report = workspace
        .merges
        .iter()
        .find(|m| m.key == note.key)
        .expect("the merge of Note is reported");
    assert_eq!(report.files, both);
    assert_eq!(
        report.differences,
        [
            "documentation differs; kept the base copy's",
            "`code` has different types: kept as any JSON value",
            "`text` is not required in every copy: made optional",
            "`severity` is not in every copy: kept as optional",
            "`locale` is not in every copy: added as optional",
        ]
    );

    let severity = shared(&workspace, "common.v1.config.Severity");
    let TypeKind::Enum(values) = &severity.kind else {
        panic!("Severity is an enum");
    };
    let values: Vec<&str> = values.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(
        values,
        ["INFO", "WARNING", "$UNKNOWN", "$REDACTED", "CRITICAL"]
    );
    let report = workspace
        .merges
        .iter()
        .find(|m| m.key == severity.key)
        .expect("the merge of Severity is reported");
    assert_eq!(
        report.differences,
        [
            "value `WARNING` is not in every copy: kept",
            "value `CRITICAL` is not in every copy: added",
        ]
    );

    // Copies that differ only in order still differ, and say how.
    let pair = shared(&workspace, "common.v1.config.Pair");
    let TypeKind::Struct(pair_fields) = &pair.kind else {
        panic!("Pair is a struct");
    };
    let order: Vec<&str> = pair_fields.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(order, ["key", "value"]);
    let report = workspace
        .merges
        .iter()
        .find(|m| m.key == pair.key)
        .expect("the merge of Pair is reported");
    assert_eq!(
        report.differences,
        ["members are in a different order; kept the base copy's"]
    );
    // Every reported merge names what differed.
    assert!(workspace.merges.iter().all(|m| !m.differences.is_empty()));
}

#[test]
fn merges_are_returned_by_generate_pinned() {
    let manifest = manifest_for(&[("alpha", "shared-alpha.yaml"), ("beta", "shared-beta.yaml")]);
    let generated = no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
    })
    .expect("alpha and beta generate together");
    let merged: Vec<String> = generated.merges.iter().map(|m| m.key.to_string()).collect();
    assert_eq!(
        merged,
        [
            "alpha.v1.config.Tag",
            "beta.v1.config.Label",
            "common.v1.config.Note",
            "common.v1.config.Pair",
            "common.v1.config.Severity"
        ]
    );
    let shared = file(&generated, "ntnx-shared/src/common/v1/config.rs");
    let note = item(shared, "pub struct Note {");
    assert!(note.contains("pub code: serde_json::Value,"), "{note}");
    assert!(note.contains("pub locale: Option<String>,"), "{note}");
    let severity = item(shared, "pub enum Severity {");
    assert!(severity.contains("    Critical,"), "{severity}");
    assert!(severity.contains("    Warning,"), "{severity}");
    let names: Vec<&str> = generated
        .specs
        .iter()
        .map(|s| s.crate_name.as_str())
        .collect();
    assert_eq!(names, ["ntnx-alpha-v1-0", "ntnx-beta-v1-0"]);
}

#[test]
fn a_shared_schema_referring_to_an_own_schema_stays_in_the_spec_crate() {
    let workspace = alpha_and_beta();
    let alpha = &workspace.specs[0];
    for name in ["Wrapper", "Outer"] {
        let key = alpha
            .types
            .keys()
            .find(|k| k.schema.name == name)
            .unwrap_or_else(|| panic!("{name} stays in alpha's crate"));
        assert_eq!(key.owner, Owner::Spec("ntnx-alpha-v1-0".to_owned()));
        assert_eq!(key.schema.namespace, "common");
        assert!(!workspace.shared.types.keys().any(|k| k.schema.name == name));
    }
    // The inline enum of Wrapper goes where Wrapper goes, though it refers to nothing.
    let kind = alpha
        .types
        .keys()
        .find(|k| k.schema.name == "Wrapper" && k.inline == ["kind"])
        .expect("Wrapper's inline enum stays with it");
    assert_eq!(kind.owner, Owner::Spec("ntnx-alpha-v1-0".to_owned()));

    let generated = ntnx_generator::generate_file(&fixture("shared-alpha.yaml"), &options())
        .expect("alpha generates");
    let own = file(&generated, "ntnx-alpha-v1-0/src/common/v1/config.rs");
    let wrapper = item(own, "pub struct Wrapper {");
    // Item and Wrapper refer to each other, across modules: both sides are boxed.
    assert!(
        wrapper.contains("pub item: Option<Box<crate::config::Item>>,"),
        "{wrapper}"
    );
    let item_struct = item(
        file(&generated, "ntnx-alpha-v1-0/src/config.rs"),
        "pub struct Item {",
    );
    assert!(
        item_struct.contains("pub wrapper: Option<Box<crate::common::v1::config::Wrapper>>,"),
        "{item_struct}"
    );
    assert!(
        wrapper.contains("pub flag: Option<ntnx_shared::common::v1::config::Flag>,"),
        "{wrapper}"
    );
    assert!(item(own, "pub struct Outer {").contains("pub wrapper: Option<Wrapper>,"));
    assert!(
        wrapper.contains("pub kind: Option<WrapperKind>,"),
        "{wrapper}"
    );
    assert!(own.contains("pub enum WrapperKind {"));
    let shared = file(&generated, "ntnx-shared/src/common/v1/config.rs");
    assert!(shared.contains("pub struct Flag {"));
    assert!(!shared.contains("pub struct Wrapper {"));
    assert!(!shared.contains("WrapperKind"));
    assert!(has_file(
        &generated,
        "ntnx-shared/src/common/v1/response.rs"
    ));
}

#[test]
fn a_wire_type_carried_twice_is_one_type_that_its_owner_re_exports() {
    let workspace = alpha_and_beta();
    // Alpha owns `alpha.v1.0.config.Tag`; beta carries a copy of revision v1.1. Both are the
    // wire type `alpha.v1.config.Tag`: one shared type, alpha's copy the base, fields merged.
    let tag = shared(&workspace, "alpha.v1.config.Tag");
    assert_eq!(
        sources(&workspace, &tag.key),
        [fixture("shared-alpha.yaml"), fixture("shared-beta.yaml")]
    );
    assert_eq!(
        tag.docs.description.as_deref(),
        Some("Alpha's own tag, of which beta carries a copy of a newer revision.")
    );
    let TypeKind::Struct(fields) = &tag.kind else {
        panic!("Tag is a struct");
    };
    let names: Vec<(&str, bool)> = fields
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(names, [("name", true), ("color", false)]);
    let note = workspace
        .merges
        .iter()
        .find(|m| m.key == tag.key)
        .expect("the merge is reported");
    assert_eq!(
        note.differences,
        [
            "documentation differs; kept the base copy's",
            "copies of revisions v1.r0 and v1.r1: `$fv` v1.r0 kept",
            "`color` is not in every copy: added as optional"
        ]
    );
    let alpha = &workspace.specs[0];
    assert!(
        alpha.reexports.contains(&tag.key),
        "alpha re-exports its own type"
    );
    assert!(
        !workspace.specs[1].reexports.contains(&tag.key),
        "beta does not own it"
    );
    assert!(
        !alpha.types.keys().any(|k| k.schema.name == "Tag"),
        "no second Tag type"
    );

    // Two revisions of one schema in one spec are one type too, re-exported by their owner.
    let label = shared(&workspace, "beta.v1.config.Label");
    let TypeKind::Struct(fields) = &label.kind else {
        panic!("Label is a struct");
    };
    assert_eq!(fields.fields.len(), 2);
    assert!(workspace.specs[1].reexports.contains(&label.key));

    let manifest = manifest_for(&[("alpha", "shared-alpha.yaml"), ("beta", "shared-beta.yaml")]);
    let generated = ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
        .expect("alpha and beta generate together");
    let alpha_config = file(&generated, "ntnx-alpha-v1-0/src/config.rs");
    assert!(
        alpha_config.contains("pub use ntnx_shared::alpha::v1::config::Tag;"),
        "{alpha_config}"
    );
    let item_struct = item(alpha_config, "pub struct Item {");
    assert!(
        item_struct.contains("pub tag: Option<ntnx_shared::alpha::v1::config::Tag>,"),
        "{item_struct}"
    );
    let beta_config = file(&generated, "ntnx-beta-v1-0/src/config.rs");
    assert!(
        beta_config.contains("pub use ntnx_shared::beta::v1::config::Label;"),
        "{beta_config}"
    );
    let boxed = item(beta_config, "pub struct BoxType {");
    assert!(
        boxed.contains("pub tag: Option<ntnx_shared::alpha::v1::config::Tag>,"),
        "{boxed}"
    );
    assert!(
        boxed.contains("pub label: Option<ntnx_shared::beta::v1::config::Label>,"),
        "{boxed}"
    );
    assert!(
        boxed.contains("pub new_label: Option<ntnx_shared::beta::v1::config::Label>,"),
        "{boxed}"
    );
}

#[test]
fn copies_of_different_kinds_are_a_conflict_naming_both_files() {
    let manifest = manifest_for(&[
        ("alpha", "shared-alpha.yaml"),
        ("gamma", "shared-gamma-conflict.yaml"),
    ]);
    let error = no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
    })
    .expect_err("an enum copy of a struct cannot merge");
    assert_eq!(error.kind(), ErrorKind::Conflict);
    let text = error.to_string();
    assert!(text.contains("common.v1.config.Flag"), "{text}");
    for file in ["shared-alpha.yaml", "shared-gamma-conflict.yaml"] {
        assert!(
            text.contains(&fixture(file).display().to_string()),
            "{file} missing from: {text}"
        );
    }
    assert!(
        text.contains("#/components/schemas/common.v1.0.config.Flag"),
        "{text}"
    );
}

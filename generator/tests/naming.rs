//! Naming rules (`emit/names.rs`) on `specs/fixtures/naming.yaml`: dotted schema names to
//! module paths, casing, keywords, odd names and collisions.

use crate::common::{
    file, generate, has_file, item, item_docs, member_docs, resolve, schema_of, CONFIG,
};
use ntnx_generator::ir::{Owner, TypeKind};

#[test]
fn own_namespace_and_version_are_dropped_and_packages_become_modules() {
    let generated = generate("naming.yaml");
    let config = file(&generated, CONFIG);
    assert_eq!(schema_of(config, "Thing"), "fixture.v1.0.config.Thing");

    // `storageConfig.diskInfo`: package in snake_case, type in UpperCamelCase.
    let storage = file(&generated, "ntnx-fixture-v1-0/src/storage_config.rs");
    assert_eq!(
        schema_of(storage, "DiskInfo"),
        "fixture.v1.0.storageConfig.diskInfo"
    );

    // A name without a version is in the spec's own namespace, at the crate root.
    let lib = file(&generated, "ntnx-fixture-v1-0/src/lib.rs");
    assert_eq!(schema_of(lib, "Unversioned"), "fixture.v1.0.Unversioned");

    // A keyword package gets `_`; a package named like the clients' `api` gets `_models`.
    assert!(lib.contains("pub mod type_;"), "{lib}");
    assert!(lib.contains("pub mod api_models;"), "{lib}");
    assert!(
        lib.contains("pub mod api;"),
        "the clients' module is still there"
    );
    let kind = file(&generated, "ntnx-fixture-v1-0/src/type_.rs");
    assert_eq!(schema_of(kind, "Kind"), "fixture.v1.0.type.Kind");
    let endpoint = file(&generated, "ntnx-fixture-v1-0/src/api_models.rs");
    assert_eq!(schema_of(endpoint, "Endpoint"), "fixture.v1.0.api.Endpoint");
}

#[test]
fn foreign_namespaces_keep_namespace_and_major_version() {
    // In the IR, names are the spec's own, split at the version.
    let api = resolve("naming.yaml");
    let holder = api
        .types
        .keys()
        .find(|k| k.schema.name == "Holder")
        .expect("Holder is a type");
    assert_eq!(holder.schema.namespace, "other");
    assert_eq!(holder.schema.version, "v2.1");
    assert_eq!(holder.schema.modules, ["things"]);
    assert_eq!(holder.schema.wire_name(), "other.v2.things.Holder");

    let generated = generate("naming.yaml");
    // Leaf refers to nothing of this namespace: it is shared, under `other::v2`.
    let shared = file(&generated, "ntnx-shared/src/other/v2/things.rs");
    assert_eq!(schema_of(shared, "Leaf"), "other.v2.things.Leaf");
    // Holder refers to Anchor, so it stays in the spec's crate, still under `other::v2`.
    let own = file(&generated, "ntnx-fixture-v1-0/src/other/v2/things.rs");
    assert_eq!(schema_of(own, "Holder"), "other.v2.1.things.Holder");
    let holder = item(own, "pub struct Holder {");
    assert!(
        holder.contains("pub anchor: Option<crate::config::Anchor>,"),
        "{holder}"
    );
    assert!(
        holder.contains("pub leaf: Option<ntnx_shared::other::v2::things::Leaf>,"),
        "{holder}"
    );
    assert!(!has_file(&generated, "ntnx-shared/src/config.rs"));
    assert!(!has_file(
        &generated,
        "ntnx-shared/src/fixture/v1/config.rs"
    ));
}

#[test]
fn property_names_become_snake_case_fields_and_keep_their_wire_keys() {
    let generated = generate("naming.yaml");
    let config = file(&generated, CONFIG);
    let thing = item(config, "pub struct Thing {");
    let serialize = item(config, "impl serde::Serialize for Thing {");
    // (field declaration, the JSON key it is written under)
    let expected = [
        ("pub r#type: Option<String>,", "\"type\", &self.r#type"),
        ("pub self_: Option<String>,", "\"self\", &self.self_"),
        (
            "pub extras_field: Option<String>,",
            "\"extras\", &self.extras_field",
        ),
        (
            "pub disk_size: Option<i64>,",
            "\"diskSize\", &self.disk_size)",
        ),
        (
            "pub disk_size_2: Option<i64>,",
            "\"disk_size\", &self.disk_size_2",
        ),
        (
            "pub field_2nd_value: Option<String>,",
            "\"2ndValue\", &self.field_2nd_value",
        ),
        (
            "pub special: Option<String>,",
            "\"$special\", &self.special)",
        ),
        (
            "pub special_2: Option<String>,",
            "\"special\", &self.special_2",
        ),
        (
            "pub http_proxy: Option<String>,",
            "\"HTTPProxy\", &self.http_proxy",
        ),
    ];
    for (field, key) in expected {
        assert!(thing.contains(field), "missing `{field}` in\n{thing}");
        assert!(serialize.contains(key), "missing `{key}` in\n{serialize}");
    }
    // Fields are in spec order.
    let positions: Vec<usize> = expected
        .iter()
        .map(|(field, _)| thing.find(field).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{thing}");
    // The runtime's keys are never fields; `extras` holds them.
    assert!(!thing.contains("pub object_type"), "{thing}");
    assert!(!thing.contains("pub reserved"), "{thing}");
    assert!(!serialize.contains("\"$objectType\""), "{serialize}");
    assert!(
        thing.contains("pub extras: ntnx_runtime::Extras,"),
        "{thing}"
    );
    // A field without a description is documented by its JSON key.
    assert_eq!(member_docs(thing, "pub disk_size_2:"), "`disk_size`");
}

#[test]
fn colliding_type_names_get_numbers_by_the_documented_rule() {
    let generated = generate("naming.yaml");
    let config = file(&generated, CONFIG);
    // Two components: the one whose schema sorts first keeps the name.
    assert_eq!(
        schema_of(config, "ThingName"),
        "fixture.v1.0.config.ThingName"
    );
    assert_eq!(
        schema_of(config, "ThingName2"),
        "fixture.v1.0.config.thing_name"
    );
    // A component and a named inline schema (Widget's `state` enum): the component keeps it.
    assert_eq!(
        schema_of(config, "WidgetState"),
        "fixture.v1.0.config.WidgetState"
    );
    assert!(item_docs(config, "pub enum WidgetState2 {")
        .contains("Schema `fixture.v1.0.config.Widget/state`."));
    let widget = item(config, "pub struct Widget {");
    assert!(
        widget.contains("pub state: Option<WidgetState2>,"),
        "{widget}"
    );
}

#[test]
fn prelude_names_and_leading_digits_are_avoided() {
    let generated = generate("naming.yaml");
    let config = file(&generated, CONFIG);
    assert_eq!(
        schema_of(config, "OptionType"),
        "fixture.v1.0.config.Option"
    );
    assert_eq!(
        schema_of(config, "ResultType"),
        "fixture.v1.0.config.Result"
    );
    assert!(!config.contains("pub struct Option "));
    assert!(!config.contains("pub struct Result "));
    assert_eq!(schema_of(config, "T3dShape"), "fixture.v1.0.config.3dShape");
    // The crate root re-exports the namespace client; a root type of that name gives way.
    let lib = file(&generated, "ntnx-fixture-v1-0/src/lib.rs");
    assert!(lib.contains("pub use api::FixtureClient;"), "{lib}");
    assert_eq!(
        schema_of(lib, "FixtureClient2"),
        "fixture.v1.0.FixtureClient"
    );
}

#[test]
fn enum_values_become_variants_without_clashing_with_the_catch_all() {
    // The IR keeps the wire values.
    let api = resolve("naming.yaml");
    let mode = api
        .types
        .values()
        .find(|d| d.key.schema.name == "Mode")
        .expect("Mode is a type");
    assert_eq!(mode.key.owner, Owner::Spec("ntnx-fixture-v1-0".to_owned()));
    let TypeKind::Enum(e) = &mode.kind else {
        panic!("Mode is an enum: {:?}", mode.kind);
    };
    let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "ON",
            "off",
            "in-progress",
            "IN_PROGRESS",
            "UNRECOGNIZED",
            "10G",
            "self",
            "$UNKNOWN",
            "$REDACTED"
        ]
    );

    let generated = generate("naming.yaml");
    let config = file(&generated, CONFIG);
    let as_str = item(config, "impl Mode {");
    for (variant, value) in [
        ("On", "ON"),
        ("Off", "off"),
        ("InProgress", "in-progress"),
        ("InProgress2", "IN_PROGRESS"),
        ("Unrecognized2", "UNRECOGNIZED"),
        ("V10g", "10G"),
        ("SelfValue", "self"),
        ("Unknown", "$UNKNOWN"),
        ("Redacted", "$REDACTED"),
    ] {
        let arm = format!("Self::{variant} => \"{value}\",");
        assert!(as_str.contains(&arm), "missing `{arm}` in\n{as_str}");
    }
    let mode = item(config, "pub enum Mode {");
    assert!(mode.contains("    Unrecognized(String),"), "{mode}");
}

#[test]
fn tags_and_operation_ids_starting_with_digits_still_make_identifiers() {
    // `generate` fails the test if the generator panics; the build test compiles the result.
    let generated = generate("naming.yaml");
    let api = file(&generated, "ntnx-fixture-v1-0/src/api.rs");
    assert!(api.contains("pub mod t2024looks;"), "{api}");
    let looks = file(&generated, "ntnx-fixture-v1-0/src/api/t2024looks.rs");
    assert!(looks.contains("pub fn op_2nd_look(&self)"), "{looks}");
}

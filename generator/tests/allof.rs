//! `allOf` flattening on `specs/fixtures/allof.yaml`.

use crate::common::{contains_code, file, generate, item, item_docs, resolve};
use ntnx_generator::ir::{Api, Field, Scalar, Struct, TypeDef, TypeKey, TypeKind, TypeRef};

fn def<'a>(api: &'a Api, schema: &str) -> &'a TypeDef {
    api.types
        .values()
        .find(|d| d.key.schema.to_string() == schema && d.key.inline.is_empty())
        .unwrap_or_else(|| panic!("no type {schema}"))
}

fn structure<'a>(api: &'a Api, schema: &str) -> &'a Struct {
    match &def(api, schema).kind {
        TypeKind::Struct(s) => s,
        other => panic!("{schema} is not a struct: {other:?}"),
    }
}

fn field<'a>(s: &'a Struct, name: &str) -> &'a Field {
    s.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

fn names(s: &Struct) -> Vec<&str> {
    s.fields.iter().map(|f| f.name.as_str()).collect()
}

fn key(api: &Api, schema: &str) -> TypeKey {
    def(api, schema).key.clone()
}

#[test]
fn bases_come_first_through_nested_allof_and_required_is_merged() {
    let api = resolve("allof.yaml");
    let machine = structure(&api, "fixture.v1.0.config.Machine");
    // Model's fields, then Entity's inline part, then Machine's; `label` redeclared by
    // Machine keeps Entity's position but takes Machine's type and docs.
    assert_eq!(
        names(machine),
        ["tenantId", "links", "extId", "label", "name", "cores"]
    );
    let required: Vec<&str> = machine
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(required, ["tenantId", "extId", "name", "cores"]);
    let label = field(machine, "label");
    assert_eq!(label.ty, TypeRef::Scalar(Scalar::Int64));
    assert_eq!(
        label.docs.description.as_deref(),
        Some("The machine redeclares the base's label as a number.")
    );
    assert_eq!(field(machine, "cores").ty, TypeRef::Scalar(Scalar::Int32));
    assert!(field(machine, "extId").read_only);
    assert_eq!(
        machine.wire_name.as_deref(),
        Some("fixture.v1.config.Machine")
    );
    // `$objectType` is never a field.
    assert!(!names(machine).contains(&"$objectType"));

    // Entity itself: Model's fields, then its own.
    let entity = structure(&api, "fixture.v1.0.base.Entity");
    assert_eq!(names(entity), ["tenantId", "links", "extId", "label"]);
    assert_eq!(field(entity, "label").ty, TypeRef::Scalar(Scalar::String));
}

#[test]
fn inline_types_of_a_base_are_defined_once_by_the_base() {
    let api = resolve("allof.yaml");
    let mut link_item = key(&api, "fixture.v1.0.base.Model");
    link_item.inline = vec!["links".to_owned(), "item".to_owned()];
    let expected = TypeRef::Array(Box::new(TypeRef::Named(link_item.clone())));
    for schema in [
        "fixture.v1.0.base.Model",
        "fixture.v1.0.base.Entity",
        "fixture.v1.0.config.Machine",
    ] {
        assert_eq!(
            field(structure(&api, schema), "links").ty,
            expected,
            "{schema}"
        );
    }
    assert!(api.types.contains_key(&link_item));
    let inline_links = api
        .types
        .keys()
        .filter(|k| k.inline.first().map(String::as_str) == Some("links"))
        .count();
    assert_eq!(
        inline_links, 1,
        "one inline links item type, not one per derived type"
    );
}

#[test]
fn docs_come_from_the_schema_or_else_its_first_documented_inline_part() {
    let api = resolve("allof.yaml");
    assert_eq!(
        def(&api, "fixture.v1.0.config.Machine")
            .docs
            .description
            .as_deref(),
        Some("A machine, documented on the inline part.")
    );
    assert_eq!(
        def(&api, "fixture.v1.0.base.Entity")
            .docs
            .description
            .as_deref(),
        Some("An entity with an identifier.")
    );
}

#[test]
fn allof_of_a_single_ref_with_only_docs_is_the_referenced_type() {
    let api = resolve("allof.yaml");
    let rack = structure(&api, "fixture.v1.0.config.Rack");
    let entity = TypeRef::Named(key(&api, "fixture.v1.0.base.Entity"));
    let owner = field(rack, "owner");
    assert_eq!(owner.ty, entity);
    assert_eq!(
        owner.docs.description.as_deref(),
        Some("A reference to the base wrapped in allOf only for its description.")
    );
    // Keywords beside the wrapper still apply to the field.
    let backup = field(rack, "backup");
    assert_eq!(backup.ty, entity);
    assert!(backup.nullable);
    // No type was made for the wrappers.
    assert!(!api
        .types
        .keys()
        .any(|k| k.schema.name == "Rack" && !k.inline.is_empty()));

    let generated = generate("allof.yaml");
    let config = file(&generated, "ntnx-fixture-v1-0/src/config.rs");
    let rack = item(config, "pub struct Rack {");
    assert!(
        rack.contains("pub owner: Option<crate::base::Entity>,"),
        "{rack}"
    );
    assert!(
        rack.contains("pub backup: ntnx_runtime::Nullable<crate::base::Entity>,"),
        "{rack}"
    );
}

#[test]
fn a_component_that_is_only_allof_of_another_is_a_struct_of_its_own() {
    let api = resolve("allof.yaml");
    let alias = def(&api, "fixture.v1.0.config.MachineAlias");
    let TypeKind::Struct(alias_struct) = &alias.kind else {
        panic!("MachineAlias is a struct: {:?}", alias.kind);
    };
    assert_eq!(
        alias_struct.wire_name.as_deref(),
        Some("fixture.v1.config.MachineAlias")
    );
    assert_eq!(
        alias_struct.fields,
        structure(&api, "fixture.v1.0.config.Machine").fields
    );
    assert_eq!(
        alias.docs.description.as_deref(),
        Some("A component that is only allOf of another one is a struct of its own.")
    );

    let generated = generate("allof.yaml");
    let config = file(&generated, "ntnx-fixture-v1-0/src/config.rs");
    assert!(item_docs(config, "pub struct MachineAlias {")
        .contains("`$objectType` `fixture.v1.config.MachineAlias`"));
    let model = item(config, "impl ntnx_runtime::Model for MachineAlias {");
    assert!(
        model.contains(
            "const OBJECT_TYPE: Option<&'static str> = Some(\"fixture.v1.config.MachineAlias\");"
        ),
        "{model}"
    );
    // Required fields of the flattened struct are the constructor's arguments, in order.
    let constructor = item(config, "impl Machine {");
    assert!(
        contains_code(
            constructor,
            "pub fn new(tenant_id: impl Into<String>, name: impl Into<String>, cores: i32) -> Self"
        ),
        "{constructor}"
    );
}

//! Scalar formats, free-form objects, maps and scalar components on
//! `specs/fixtures/scalars.yaml`.

use crate::common::{file, generate, item, item_docs, resolve, CONFIG};
use ntnx_generator::ir::{Scalar, TypeKind, TypeRef};

#[test]
fn formats_map_to_ir_scalars() {
    let api = resolve("scalars.yaml");
    let sample = api
        .types
        .values()
        .find(|d| d.key.schema.name == "Sample")
        .expect("Sample");
    let TypeKind::Struct(sample) = &sample.kind else {
        panic!("Sample is a struct");
    };
    let unit = api
        .types
        .keys()
        .find(|k| k.schema.name == "Unit")
        .expect("Unit")
        .clone();
    let scalar = |s| TypeRef::Scalar(s);
    let expected = [
        ("small", scalar(Scalar::Int32)),
        ("big", scalar(Scalar::Int64)),
        ("plain", scalar(Scalar::Int64)),
        ("single", scalar(Scalar::Float32)),
        ("double", scalar(Scalar::Float64)),
        ("number", scalar(Scalar::Float64)),
        ("flag", scalar(Scalar::Boolean)),
        ("when", scalar(Scalar::DateTime)),
        ("day", scalar(Scalar::Date)),
        ("id", scalar(Scalar::Uuid)),
        ("blob", scalar(Scalar::Base64)),
        ("raw", scalar(Scalar::Binary)),
        ("address", scalar(Scalar::String)),
        ("anything", TypeRef::Any),
        ("freeForm", TypeRef::AnyObject),
        ("openObject", TypeRef::AnyObject),
        ("labels", TypeRef::Map(Box::new(scalar(Scalar::String)))),
        ("counters", TypeRef::Map(Box::new(scalar(Scalar::Int32)))),
        ("nested", TypeRef::Map(Box::new(TypeRef::Named(unit)))),
        ("untypedList", TypeRef::Array(Box::new(TypeRef::Any))),
        (
            "matrix",
            TypeRef::Array(Box::new(TypeRef::Array(Box::new(scalar(Scalar::Float64))))),
        ),
    ];
    let actual: Vec<(&str, &TypeRef)> = sample
        .fields
        .iter()
        .map(|f| (f.name.as_str(), &f.ty))
        .collect();
    let expected: Vec<(&str, &TypeRef)> = expected.iter().map(|(n, t)| (*n, t)).collect();
    assert_eq!(actual, expected);
}

#[test]
fn scalars_have_their_rust_types() {
    let generated = generate("scalars.yaml");
    let sample = item(file(&generated, CONFIG), "pub struct Sample {");
    for line in [
        "pub small: Option<i32>,",
        "pub big: Option<i64>,",
        "pub plain: Option<i64>,",
        "pub single: Option<f32>,",
        "pub double: Option<f64>,",
        "pub number: Option<f64>,",
        "pub flag: Option<bool>,",
        "pub when: Option<ntnx_runtime::DateTime>,",
        "pub day: Option<String>,",
        "pub id: Option<ntnx_runtime::Uuid>,",
        "pub blob: Option<String>,",
        "pub raw: Option<String>,",
        "pub address: Option<String>,",
        "pub anything: Option<serde_json::Value>,",
        "pub free_form: Option<serde_json::Map<String, serde_json::Value>>,",
        "pub open_object: Option<serde_json::Map<String, serde_json::Value>>,",
        "pub labels: Option<std::collections::BTreeMap<String, String>>,",
        "pub counters: Option<std::collections::BTreeMap<String, i32>>,",
        "pub nested: Option<std::collections::BTreeMap<String, Unit>>,",
        "pub untyped_list: Option<Vec<serde_json::Value>>,",
        "pub matrix: Option<Vec<Vec<f64>>>,",
    ] {
        assert!(sample.contains(line), "missing `{line}` in\n{sample}");
    }
}

#[test]
fn scalar_and_array_components_are_aliases_and_closed_objects_are_empty_structs() {
    let generated = generate("scalars.yaml");
    let config = file(&generated, CONFIG);
    assert!(config.contains("pub type Identifier = ntnx_runtime::Uuid;"));
    assert!(item_docs(config, "pub type Identifier")
        .starts_with("A component that is a scalar is an alias."));
    assert!(config.contains("pub type Names = Vec<String>;"));
    // An alias without docs says which schema it is.
    assert_eq!(
        item_docs(config, "pub type Names"),
        "Schema `fixture.v1.0.config.Names`."
    );
    let empty = item(config, "pub struct Empty {");
    assert_eq!(
        empty
            .lines()
            .filter(|l| l.trim_start().starts_with("pub "))
            .count(),
        2,
        "only `extras`: {empty}"
    );
    assert!(empty.contains("pub extras: ntnx_runtime::Extras,"));
}

//! String enums on `specs/fixtures/enums.yaml`: `x-enumDescriptions`, `$UNKNOWN` and
//! `$REDACTED`, the `Unrecognized(String)` catch-all, inline enums.

use crate::common::{
    contains_code, def, file, generate, item, item_docs, member_docs, resolve, CONFIG,
};
use ntnx_generator::ir::{Constraint, Enum, Scalar, TypeDef, TypeKind, TypeRef};
use serde_json::json;

fn enumeration(def: &TypeDef) -> &Enum {
    match &def.kind {
        TypeKind::Enum(e) => e,
        other => panic!("{} is not an enum: {other:?}", def.key),
    }
}

#[test]
fn values_and_their_descriptions_are_kept_in_spec_order() {
    let api = resolve("enums.yaml");
    let color = def(&api, "Color", &[]);
    assert_eq!(
        color.docs.description.as_deref(),
        Some("The color of a light.")
    );
    let values: Vec<(&str, Option<&str>)> = enumeration(color)
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.description.as_deref()))
        .collect();
    assert_eq!(
        values,
        [
            ("RED", Some("Stop.")),
            ("GREEN", Some("Go.")),
            ("DEEP_BLUE", Some("A [named] shade of <blue>.")),
            ("$UNKNOWN", Some("Unknown value.\n")),
            ("$REDACTED", Some("Redacted value.\n")),
        ]
    );
}

#[test]
fn every_value_is_a_documented_variant_plus_the_catch_all() {
    let generated = generate("enums.yaml");
    let config = file(&generated, CONFIG);
    let color = item(config, "pub enum Color {");
    for variant in ["Red", "Green", "DeepBlue", "Unknown", "Redacted"] {
        assert!(
            color.contains(&format!("    {variant},")),
            "missing {variant} in\n{color}"
        );
    }
    assert!(color.contains("    Unrecognized(String),"), "{color}");
    // The wire value first, then its description, made safe for rustdoc.
    assert_eq!(member_docs(color, "Red,"), "`RED`.\n\nStop.");
    assert_eq!(
        member_docs(color, "DeepBlue,"),
        "`DEEP_BLUE`.\n\nA \\[named\\] shade of \\<blue\\>."
    );
    assert_eq!(
        member_docs(color, "Unknown,"),
        "`$UNKNOWN`.\n\nUnknown value."
    );
    assert!(item_docs(config, "pub enum Color {").starts_with("The color of a light.\n"));

    let from = item(config, "impl From<&str> for Color {");
    for arm in [
        "\"RED\" => Self::Red,",
        "\"DEEP_BLUE\" => Self::DeepBlue,",
        "\"$UNKNOWN\" => Self::Unknown,",
        "\"$REDACTED\" => Self::Redacted,",
        "_ => Self::Unrecognized(value.to_owned()),",
    ] {
        assert!(from.contains(arm), "missing `{arm}` in\n{from}");
    }
    let as_str = item(config, "impl Color {");
    assert!(
        as_str.contains("Self::Unrecognized(value) => value,"),
        "{as_str}"
    );
    // Serialized as its wire text, decoded by the runtime (unknown values are kept).
    let serialize = item(config, "impl serde::Serialize for Color {");
    assert!(serialize.contains("serializer.serialize_str(self.as_str())"));
    let deserialize = item(config, "impl<'de> serde::Deserialize<'de> for Color {");
    assert!(deserialize.contains("ntnx_runtime::model::decode_enum(deserializer)"));
}

#[test]
fn enums_used_as_query_parameters_and_fields_keep_their_type() {
    let api = resolve("enums.yaml");
    let color = def(&api, "Color", &[]).key.clone();
    let list = &api.operations[0];
    assert_eq!(list.parameters[0].name, "color");
    assert_eq!(list.parameters[0].ty, TypeRef::Named(color.clone()));

    let light = def(&api, "Light", &[]);
    let TypeKind::Struct(light) = &light.kind else {
        panic!("Light is a struct");
    };
    assert_eq!(light.fields[0].ty, TypeRef::Named(color));
    // An inline enum is a named type of its own, keyed by the property.
    let blink = def(&api, "Light", &["blink"]);
    assert_eq!(light.fields[1].ty, TypeRef::Named(blink.key.clone()));
    assert_eq!(enumeration(blink).values.len(), 4);
    // An integer `enum` is not an enum type: its values are listed as a constraint.
    assert_eq!(light.fields[2].ty, TypeRef::Scalar(Scalar::Int64));
    assert_eq!(
        light.fields[2].docs.constraints,
        [Constraint::OneOfValues(vec![json!(40), json!(60)])]
    );

    let generated = generate("enums.yaml");
    let config = file(&generated, CONFIG);
    assert!(config.contains("pub enum LightBlink {"));
    let light = item(config, "pub struct Light {");
    assert!(light.contains("pub blink: Option<LightBlink>,"), "{light}");
    assert!(light.contains("pub watts: Option<i64>,"), "{light}");
    assert!(member_docs(light, "pub watts:").contains("Constraints: one of `40`, `60`."));
    let client = file(&generated, "ntnx-fixture-v1-0/src/api/lights.rs");
    assert!(
        contains_code(
            client,
            "pub fn color(mut self, value: crate::config::Color) -> Self"
        ),
        "{client}"
    );
}

#[test]
fn a_value_listed_twice_is_one_variant_and_null_is_none() {
    let api = resolve("enums.yaml");
    let values: Vec<&str> = enumeration(def(&api, "Repeated", &[]))
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["ONE", "TWO"]);

    let generated = generate("enums.yaml");
    let config = file(&generated, CONFIG);
    let from = item(config, "impl From<&str> for Repeated {");
    assert_eq!(from.matches("\"ONE\" =>").count(), 1, "{from}");
    assert!(!config.contains("One2"));
}

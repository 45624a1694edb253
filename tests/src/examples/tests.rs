//! Checks of the example builder itself.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::parts::Parts;
use super::*;
use crate::specs::{self, Spec};

/// Declared property names of a component schema, through `allOf`.
fn declared(spec: &Spec, name: &str) -> Vec<String> {
    let parts = Parts::of(spec, &spec.schemas()[name], "");
    parts
        .properties
        .iter()
        .map(|(key, _, _)| (*key).to_owned())
        .collect()
}

fn contains_key_anywhere(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => {
            map.contains_key(key) || map.values().any(|v| contains_key_anywhere(v, key))
        }
        Value::Array(items) => items.iter().any(|v| contains_key_anywhere(v, key)),
        _ => false,
    }
}

#[test]
fn object_examples_have_every_declared_property_and_their_wire_name() {
    let mut failures = Vec::new();
    for spec in specs::all() {
        for name in spec.schemas().keys() {
            let value = example(spec, name, Options::default());
            let Some(object) = value.as_object() else {
                continue;
            };
            for key in declared(spec, name) {
                if !object.contains_key(&key) {
                    failures.push(format!("{} {name}: no `{key}`", spec.label()));
                }
            }
            if is_object(&spec.schemas()[name])
                && object.get("$objectType") != Some(&json!(specs::wire_name(name)))
            {
                failures.push(format!(
                    "{} {name}: $objectType is not the wire name",
                    spec.label()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bare_examples_carry_no_tags_and_dressed_ones_carry_reserved() {
    let bare = Options {
        object_type: false,
        reserved: false,
        ..Options::default()
    };
    let dressed = Options {
        reserved: true,
        ..Options::default()
    };
    for spec in specs::all() {
        for name in spec.schemas().keys() {
            for value in examples(spec, name, bare).values {
                assert!(!contains_key_anywhere(&value, "$objectType"), "{name}");
                assert!(!contains_key_anywhere(&value, "$reserved"), "{name}");
            }
            let value = example(spec, name, dressed);
            if value.get("$objectType").is_some() {
                assert_eq!(value["$reserved"], json!({ "$fv": "v4.r0" }), "{name}");
            }
        }
    }
}

#[test]
fn union_alternatives_are_each_exercised_by_some_value() {
    let spec = specs::all()
        .iter()
        .find(|spec| spec.schema("common.v1.0.config.KVPair").is_some())
        .expect("a spec with common.v1.0.config.KVPair");
    let built = examples(spec, "common.v1.0.config.KVPair", Options::default());
    let arity = built.alternatives.len();
    assert!(arity > 1, "KVPair.value should be a union");
    assert!(built.missed.is_empty(), "missed {:?}", built.missed);
    let shapes: BTreeSet<String> = built
        .values
        .iter()
        .map(|value| value["value"].to_string())
        .collect();
    assert_eq!(
        shapes.len(),
        arity,
        "each value should pick another alternative"
    );
}

#[test]
fn depth_limit_keeps_required_properties_only() {
    let shallow = Options {
        max_depth: 0,
        ..Options::default()
    };
    for spec in specs::all() {
        for (name, schema) in spec.schemas() {
            let value = example(spec, name, shallow);
            let Some(object) = value.as_object() else {
                continue;
            };
            let required = Parts::of(spec, schema, "").required;
            for key in object.keys().filter(|key| !key.starts_with('$')) {
                assert!(
                    required.contains(key.as_str()),
                    "{name}: optional `{key}` written"
                );
            }
        }
    }
}

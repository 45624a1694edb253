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

fn spec_with(schema: &str) -> &'static Spec {
    specs::all()
        .iter()
        .find(|spec| spec.schema(schema).is_some())
        .unwrap_or_else(|| panic!("a spec with {schema}"))
}

#[test]
fn request_bodies_leave_out_read_only_and_unsatisfiable_properties() {
    let mut left_out = 0;
    for spec in specs::all() {
        for (name, schema) in spec.schemas() {
            let body = request_body(spec, name, None);
            let parts = Parts::of(spec, schema, "");
            if let Some(object) = body.value.as_object() {
                for (key, prop, _) in &parts.properties {
                    if is_read_only(spec.resolve(prop)) {
                        assert!(
                            !object.contains_key(*key),
                            "{name}: readOnly `{key}` written"
                        );
                    }
                }
                assert!(!object.contains_key("$reserved"), "{name}");
            }
            for location in &body.left_out {
                let node = spec
                    .lookup(&format!("#{location}"))
                    .expect("a spec location");
                assert!(unsatisfiable(spec, node), "{name}: {location} left out");
            }
            left_out += body.left_out.len();
        }
    }
    assert!(left_out > 0, "no request body left anything out");

    // The union pattern: `checksum` requires `$objectType`, its alternatives forbid it.
    let spec = spec_with("vmm.v4.0.content.Image");
    let image = request_body(spec, "vmm.v4.0.content.Image", Some("update"));
    for key in ["checksum", "source", "extId", "createTime"] {
        assert!(
            image.value.get(key).is_none(),
            "Image request body has `{key}`"
        );
    }
    assert!(image.value.get("name").is_some());
    assert!(image
        .left_out
        .iter()
        .any(|location| location.ends_with("/properties/checksum")));

    // A required union is written anyway, with the wire name the union declares; the
    // object requiring it cannot be satisfied either, so an optional one is left out.
    let spec = spec_with("vmm.v4.0.content.TemplateVersionSpec");
    let version = request_body(spec, "vmm.v4.0.content.TemplateVersionSpec", None);
    assert_eq!(
        version.value["versionSource"]["$objectType"],
        json!("vmm.v4.content.TemplateVmReference")
    );
    assert!(unsatisfiable(
        spec,
        &spec.schemas()["vmm.v4.0.content.TemplateVersionSpec"]
    ));
    let template = request_body(spec, "vmm.v4.0.content.Template", None);
    assert!(template.value.get("templateVersionSpec").is_none());

    // ... unless the operation needs it (`x-required-by-operation: {create: [...]}`).
    let create = request_body(spec, "vmm.v4.0.content.Template", Some("create"));
    assert!(create.value.get("templateVersionSpec").is_some());
    let image = request_body(spec, "vmm.v4.0.content.Image", Some("create"));
    assert!(image.value.get("source").is_some());
    assert!(image.value.get("checksum").is_none());
}

#[test]
fn strings_are_made_to_fit_their_pattern_and_length() {
    let fit = |schema: Value, text: &str| strings::fit(&schema, text.to_owned());
    // A fitting string is kept.
    assert_eq!(fit(json!({"pattern": "^[a-z]+$"}), "abc"), "abc");
    // Examples in the specs that break their own pattern.
    let name = fit(
        json!({"pattern": "^[A-Za-z0-9._-]+$"}),
        "Test Cluster Profile",
    );
    assert!(
        regex::Regex::new("^[A-Za-z0-9._-]+$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
    let engine = fit(
        json!({"pattern": "^(?:0[xX])?[0-9a-fA-F]+$"}),
        "Test snmp engine Id",
    );
    assert!(regex::Regex::new("^(?:0[xX])?[0-9a-fA-F]+$")
        .unwrap()
        .is_match(&engine));
    let subnet_pattern = r"\b(?:\d{1,3}\.){3}\d{1,3}/(?:\d{1,3}\.){3}\d{1,3}\b";
    let subnet = fit(json!({ "pattern": subnet_pattern }), "example");
    assert!(
        regex::Regex::new(subnet_pattern).unwrap().is_match(&subnet),
        "{subnet}"
    );
    // Lengths, with and without a pattern.
    assert_eq!(fit(json!({"minLength": 12}), "example").chars().count(), 12);
    assert_eq!(fit(json!({"maxLength": 3}), "example"), "exa");
    let long = fit(json!({"pattern": "^[a-z]+$", "minLength": 5}), "ab1");
    assert!(
        long.len() >= 5 && long.chars().all(|c| c.is_ascii_lowercase()),
        "{long}"
    );
    // A pattern Rust's regex cannot compile (look-ahead) leaves the string as it is.
    assert_eq!(fit(json!({"pattern": "^(?=a)b$"}), "xyz"), "xyz");
}

//! Values assembled from the spec's examples, for every schema, decode into the generated
//! types and encode back to the same JSON: every `oneOf` alternative, with and without
//! `$objectType`, with and without `$reserved`.

use std::collections::BTreeSet;

use ntnx_workspace_tests::examples::{examples, Options};
use ntnx_workspace_tests::roundtrip::{round_trip, short};
use ntnx_workspace_tests::{report, specs};
use serde_json::{json, Value};

#[test]
fn registry_lists_exactly_the_schemas_of_the_specs() {
    let in_specs: BTreeSet<&str> = specs::all()
        .iter()
        .flat_map(|spec| spec.schemas().keys().map(String::as_str))
        .collect();
    let in_registry: BTreeSet<&str> = ntnx_registry::SCHEMAS.iter().copied().collect();
    let missing: Vec<_> = in_specs.difference(&in_registry).collect();
    let extra: Vec<_> = in_registry.difference(&in_specs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "schemas in the specs but not in ntnx_registry::SCHEMAS: {missing:?}\n\
         schemas in ntnx_registry::SCHEMAS but in no spec: {extra:?}"
    );
    assert_eq!(
        in_registry.len(),
        ntnx_registry::SCHEMAS.len(),
        "ntnx_registry::SCHEMAS lists a schema twice"
    );
    for name in &in_registry {
        assert!(
            ntnx_registry::decode(name, "null").is_some(),
            "ntnx_registry::decode does not know {name}, which SCHEMAS lists"
        );
    }
}

#[test]
fn every_schema_example_round_trips_in_every_rotation_with_and_without_tags() {
    let mut failures = Vec::new();
    let (mut schemas, mut values, mut alternatives) = (0, 0, 0);
    for spec in specs::all() {
        for name in spec.schemas().keys() {
            schemas += 1;
            for options in Options::dressings() {
                let built = examples(spec, name, options);
                if options == Options::dressings()[0] {
                    alternatives += built.alternatives.len();
                }
                for (union, alternative) in &built.missed {
                    failures.push(format!(
                        "{} {name} ({}): no value exercises alternative {alternative} of \
                         the oneOf at {union}",
                        spec.label(),
                        options.label()
                    ));
                }
                for (rotation, value) in built.values.iter().enumerate() {
                    values += 1;
                    if let Err(e) = round_trip(name, value) {
                        failures.push(format!(
                            "{} schema {name}, rotation {rotation}, {}: {e}\n      input: {}",
                            spec.label(),
                            options.label(),
                            short(value)
                        ));
                    }
                }
            }
        }
    }
    eprintln!(
        "{schemas} schemas (per spec), {values} values, {alternatives} oneOf alternatives reached"
    );
    assert!(
        failures.is_empty(),
        "{}",
        report("schema example round trips", &failures, 80)
    );
    assert!(
        schemas >= ntnx_registry::SCHEMAS.len(),
        "fewer schemas than the registry"
    );
}

#[test]
fn every_enum_value_and_an_unknown_one_round_trip_as_the_enum_schema() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for spec in specs::all() {
        for (name, schema) in spec.schemas() {
            let Some(values) = schema.get("enum").and_then(Value::as_array) else {
                continue;
            };
            let unknown = json!("NEW_VALUE_FROM_A_LATER_RELEASE");
            for value in values.iter().chain([&unknown]) {
                checked += 1;
                if let Err(e) = round_trip(name, value) {
                    failures.push(format!("{} enum {name}, value {value}: {e}", spec.label()));
                }
            }
        }
    }
    eprintln!("{checked} enum values checked");
    assert!(checked > 0, "no enum schema in the specs");
    assert!(
        failures.is_empty(),
        "{}",
        report("enum round trips", &failures, 80)
    );
}

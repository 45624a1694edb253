//! Secrets (`format: password` and `writeOnly` string properties) never show in `Debug`
//! output, yet are encoded as sent.

use ntnx_workspace_tests::examples::{examples, secret_properties, Options};
use ntnx_workspace_tests::roundtrip::round_trip;
use ntnx_workspace_tests::{report, specs};
use serde_json::Value;

#[test]
fn secret_properties_are_hidden_from_debug_but_encoded() {
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for spec in specs::all() {
        for (schema, properties) in secret_properties(spec) {
            let base = examples(spec, &schema, Options::default()).values.remove(0);
            for (i, property) in properties.iter().enumerate() {
                let marker = format!("Zq7-{schema}-{property}-{i}-not-for-logs");
                let mut value = base.clone();
                value[property.as_str()] = Value::String(marker.clone());
                let label = format!("{} {schema}.{property}", spec.label());
                checked.push(label.clone());
                match round_trip(&schema, &value) {
                    Err(e) => failures.push(format!("{label}: {e}")),
                    Ok(decoded) => {
                        if decoded.debug.contains(&marker) {
                            failures.push(format!("{label}: Debug output shows the secret"));
                        }
                        if decoded.encoded.get(property) != Some(&Value::String(marker)) {
                            failures.push(format!(
                                "{label}: re-encoded JSON lacks the secret at $.{property}"
                            ));
                        }
                    }
                }
            }
        }
    }
    eprintln!("secret properties checked: {checked:#?}");
    assert!(!checked.is_empty(), "no secret property found in the specs");
    assert!(
        failures.is_empty(),
        "{}",
        report("secret properties", &failures, 50)
    );
}

#[test]
fn secrets_nested_anywhere_in_any_schema_are_hidden_from_debug() {
    const MARKER: &str = "Zq7-nested-secret-not-for-logs";
    let options = Options {
        secret: Some(MARKER),
        ..Options::default()
    };
    let mut failures = Vec::new();
    let mut carrying = 0;
    for spec in specs::all() {
        for schema in spec.schemas().keys() {
            for (rotation, value) in examples(spec, schema, options).values.iter().enumerate() {
                if !value.to_string().contains(MARKER) {
                    continue;
                }
                carrying += 1;
                let label = format!("{} {schema}, rotation {rotation}", spec.label());
                match round_trip(schema, value) {
                    Err(e) => failures.push(format!("{label}: {e}")),
                    Ok(decoded) => {
                        if decoded.debug.contains(MARKER) {
                            failures.push(format!("{label}: Debug output shows a secret"));
                        }
                        if !decoded.encoded.to_string().contains(MARKER) {
                            failures.push(format!("{label}: re-encoded JSON lost the secret"));
                        }
                    }
                }
            }
        }
    }
    eprintln!("example values carrying a secret: {carrying}");
    assert!(carrying > 0, "no example value carries a secret");
    assert!(
        failures.is_empty(),
        "{}",
        report("nested secrets", &failures, 50)
    );
}

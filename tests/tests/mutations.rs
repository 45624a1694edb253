//! Mutated payloads: for every schema, example values with one part changed (a value
//! replaced by one of another JSON type, a key removed, an unknown key added, an unknown
//! `$objectType`) either fail to decode with an error naming the JSON path, or decode and
//! encode back to the same JSON value. Nothing panics, and nothing that decodes is lost.
//!
//! The mutations come from a fixed seed, so a run is reproducible; a failure prints the
//! schema, the mutation and the input.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ntnx_workspace_tests::examples::{examples, Options};
use ntnx_workspace_tests::roundtrip::{diff, short};
use ntnx_workspace_tests::{report, specs};
use serde_json::{json, Value};

/// Mutations tried per schema.
const PER_SCHEMA: usize = 24;

/// A small deterministic generator (64-bit LCG; the high bits are used).
struct Seed(u64);

impl Seed {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// The JSON pointers of every node of `value`, root first.
fn nodes(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                nodes(child, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                nodes(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Replacement values of every JSON type.
fn replacements() -> [Value; 8] {
    [
        Value::Null,
        json!(true),
        json!(7),
        json!(-2.5),
        json!("NOT_IN_ANY_SCHEMA"),
        json!([]),
        json!({}),
        json!([{"$objectType": "vmm.v4.unknown.Thing"}]),
    ]
}

/// One mutation of `value`; its description.
fn mutate(value: &mut Value, seed: &mut Seed) -> String {
    let mut pointers = Vec::new();
    nodes(value, String::new(), &mut pointers);
    let pointer = pointers[seed.below(pointers.len())].clone();
    let Some(node) = value.pointer_mut(&pointer) else {
        return "nothing".to_owned();
    };
    match seed.below(4) {
        0 => {
            let replacement = replacements()[seed.below(8)].clone();
            let what = format!("{pointer} := {replacement}");
            *node = replacement;
            what
        }
        1 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map
                    .keys()
                    .nth(seed.below(map.len()))
                    .cloned()
                    .unwrap_or_default();
                map.remove(&key);
                format!("{pointer}: removed `{key}`")
            }
            _ => "nothing".to_owned(),
        },
        2 => match node {
            Value::Object(map) => {
                map.insert(
                    "fieldOfANewerServer".to_owned(),
                    json!({"nested": [1, "two"]}),
                );
                format!("{pointer}: added `fieldOfANewerServer`")
            }
            _ => "nothing".to_owned(),
        },
        _ => match node {
            Value::Object(map) if map.contains_key("$objectType") => {
                map.insert("$objectType".to_owned(), json!("vmm.v4.later.NewKind"));
                format!("{pointer}: unknown `$objectType`")
            }
            _ => "nothing".to_owned(),
        },
    }
}

#[test]
fn mutated_examples_either_fail_with_a_path_or_round_trip() {
    let mut seed = Seed(0x6e74_6e78);
    let mut failures = Vec::new();
    let (mut tried, mut decoded, mut refused) = (0, 0, 0);
    for spec in specs::all() {
        for name in spec.schemas().keys() {
            let built = examples(spec, name, Options::dressings()[0]);
            let Some(example) = built.values.first() else {
                continue;
            };
            for _ in 0..PER_SCHEMA {
                let mut value = example.clone();
                let what = mutate(&mut value, &mut seed);
                if what == "nothing" {
                    continue;
                }
                tried += 1;
                let text = value.to_string();
                let result = catch_unwind(AssertUnwindSafe(|| ntnx_registry::decode(name, &text)));
                match result {
                    Err(_) => failures.push(format!(
                        "{} {name}, {what}: decoding panicked\n      input: {}",
                        spec.label(),
                        short(&value)
                    )),
                    Ok(None) => failures.push(format!("{name}: no generated type")),
                    Ok(Some(Err(e))) => {
                        refused += 1;
                        if !e.starts_with("at `") {
                            failures.push(format!(
                                "{} {name}, {what}: the error names no path: {e}",
                                spec.label()
                            ));
                        }
                    }
                    Ok(Some(Ok(back))) => {
                        decoded += 1;
                        let differences = diff(&value, &back.encoded);
                        if !differences.is_empty() {
                            failures.push(format!(
                                "{} {name}, {what}: decoded but re-encodes differently:\n      {}\n      input: {}",
                                spec.label(),
                                differences.join("\n      "),
                                short(&value)
                            ));
                        }
                    }
                }
            }
        }
    }
    eprintln!("{tried} mutated values: {decoded} decoded and round-tripped, {refused} refused with a path");
    assert!(tried > 1000, "too few mutations tried: {tried}");
    assert!(
        decoded > 0 && refused > 0,
        "mutations should both pass and fail"
    );
    assert!(
        failures.is_empty(),
        "{}",
        report("mutated payloads", &failures, 40)
    );
}

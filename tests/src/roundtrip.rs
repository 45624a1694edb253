//! Decode-then-encode checks through `ntnx_registry`, with differences named by JSON path.

use serde_json::Value;

pub use ntnx_registry::Decoded;

/// Decodes `value` as schema `schema`'s generated type and encodes it again.
///
/// `Err` says why: no generated type, a decode error (with its JSON path), or every
/// difference between input and output.
pub fn round_trip(schema: &str, value: &Value) -> Result<Decoded, String> {
    let text = value.to_string();
    let decoded = match ntnx_registry::decode(schema, &text) {
        None => return Err(format!("no generated type for schema {schema}")),
        Some(Err(e)) => return Err(format!("does not decode: {e}")),
        Some(Ok(decoded)) => decoded,
    };
    let differences = diff(value, &decoded.encoded);
    if differences.is_empty() {
        Ok(decoded)
    } else {
        Err(format!(
            "re-encodes differently:\n      {}",
            differences.join("\n      ")
        ))
    }
}

/// Every difference between `expected` and `actual`, one line each, starting with the
/// JSON path (`$.data[0].checksum`). Empty when they are equal.
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, e_value) in e {
                let child = format!("{path}{}", key_segment(key));
                match a.get(key) {
                    Some(a_value) => diff_at(&child, e_value, a_value, out),
                    None => out.push(format!("{child}: dropped (input {})", short(e_value))),
                }
            }
            for (key, a_value) in a {
                if !e.contains_key(key) {
                    let child = format!("{path}{}", key_segment(key));
                    out.push(format!("{child}: added {}", short(a_value)));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e_item, a_item)) in e.iter().zip(a).enumerate() {
                diff_at(&format!("{path}[{i}]"), e_item, a_item, out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!(
            "{path}: input {} but output {}",
            short(expected),
            short(actual)
        )),
    }
}

fn key_segment(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        format!(".{key}")
    } else {
        format!("[{}]", Value::String(key.to_owned()))
    }
}

/// A value's JSON, cut to 160 characters.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 160 {
        text
    } else {
        let cut: String = text.chars().take(157).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_the_path_of_each_difference() {
        let expected = json!({"a": {"b": [1, {"c": null}]}, "gone": 1, "x-y": true});
        let actual = json!({"a": {"b": [1, {}]}, "new": 2, "x-y": false});
        assert_eq!(
            diff(&expected, &actual),
            vec![
                "$.a.b[1].c: dropped (input null)",
                "$.gone: dropped (input 1)",
                "$[\"x-y\"]: input true but output false",
                "$.new: added 2",
            ]
        );
        assert!(diff(&expected, &expected).is_empty());
    }

    #[test]
    fn numbers_differ_by_representation() {
        assert_eq!(diff(&json!(1), &json!(1.0)).len(), 1);
    }
}

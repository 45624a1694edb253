//! Stage 1½: declared fixes of mistakes in published spec files.
//!
//! A published file is never edited. When it contains a mistake the generator cannot read
//! past (prism v4.0's `type: int`), its manifest entry declares a fix: a JSON pointer into
//! the document, what is expected there, what replaces it and why:
//!
//! ```toml
//! [[spec.fix]]
//! pointer = "#/components/schemas/prism.v4.0.protectpc.RecoveryStatus/properties/overallCompletionPercentage/type"
//! expect = "int"
//! value = "integer"
//! reason = "`int` is not an OpenAPI type; the official SDKs read it as `integer`"
//! ```
//!
//! Fixes are applied to the YAML document after it is read and before it becomes an
//! OpenAPI document, so the resolver sees the corrected text. Each applied fix is printed
//! in the generation summary and listed in the generated crate's docs. A fix that no longer
//! matches the file (nothing at its pointer, or something other than `expect`) is an error:
//! the publisher may have corrected the mistake, and the fix should then be removed.
//!
//! `op` is `replace` (the default), `add` (a key that must not exist yet) or `remove`.

use serde::Deserialize;
use serde_json::Value;
use serde_yaml::Value as Yaml;

use crate::error::{Error, ErrorKind, Result};
use crate::ir::Correction;

/// A fix as the manifest declares it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// JSON pointer of the value to change, e.g. `#/components/schemas/X/properties/y/type`.
    pub pointer: String,
    /// What to do there.
    #[serde(default)]
    pub op: FixOp,
    /// The value the published file has there (checked, unless omitted).
    pub expect: Option<Value>,
    /// The new value (`replace` and `add`).
    pub value: Option<Value>,
    /// Why, in a sentence: shown in the summary and the crate docs.
    pub reason: String,
}

/// What a fix does at its pointer.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FixOp {
    /// Replace the value that is there.
    #[default]
    Replace,
    /// Add a key that is not there.
    Add,
    /// Remove the key or item that is there.
    Remove,
}

/// Applies `fixes` to `document` in order; returns what each did.
pub fn apply(document: &mut Yaml, fixes: &[Fix]) -> Result<Vec<Correction>> {
    fixes.iter().map(|fix| apply_one(document, fix)).collect()
}

fn apply_one(document: &mut Yaml, fix: &Fix) -> Result<Correction> {
    let fail = |message: String| {
        Error::new(
            ErrorKind::Manifest,
            format!("declared fix ({}): {message}", fix.reason),
        )
        .at(&fix.pointer)
    };
    let segments = segments(&fix.pointer).ok_or_else(|| {
        fail("the pointer must start with `#/` and name at least one key".to_owned())
    })?;
    let (last, parents) = segments.split_last().expect("segments() is never empty");
    let parent = walk(document, parents)
        .ok_or_else(|| fail("nothing at the pointer's parent; the file changed".to_owned()))?;
    let current = child(parent, last).map(to_json).transpose()?;
    if let (Some(expected), op) = (&fix.expect, fix.op) {
        if op != FixOp::Add && current.as_ref() != Some(expected) {
            return Err(fail(format!(
                "expects {expected} there but the file has {}; if the publisher corrected \
                 the mistake, remove this fix from specs/manifest.toml",
                current.map_or_else(|| "nothing".to_owned(), |v| v.to_string())
            )));
        }
    }
    let new_value = match fix.op {
        FixOp::Remove => None,
        FixOp::Replace | FixOp::Add => Some(
            fix.value
                .clone()
                .ok_or_else(|| fail(format!("`{:?}` needs a `value`", fix.op)))?,
        ),
    };
    match (fix.op, &current) {
        (FixOp::Add, Some(existing)) => {
            return Err(fail(format!("`add` found {existing} already there")));
        }
        (FixOp::Replace | FixOp::Remove, None) => {
            return Err(fail("nothing at the pointer; the file changed".to_owned()));
        }
        _ => {}
    }
    set_child(parent, last, new_value.as_ref()).map_err(fail)?;
    Ok(Correction {
        pointer: fix.pointer.clone(),
        was: current,
        now: new_value,
        reason: fix.reason.clone(),
        declared: true,
    })
}

/// Unescaped segments of `#/a/b~1c`; `None` unless it starts with `#/`.
fn segments(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix("#/")?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    (!segments.is_empty()).then_some(segments)
}

fn walk<'d>(mut value: &'d mut Yaml, path: &[String]) -> Option<&'d mut Yaml> {
    for segment in path {
        value = match value {
            Yaml::Mapping(map) => map.iter_mut().find(|(k, _)| key_is(k, segment))?.1,
            Yaml::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn child<'d>(parent: &'d Yaml, segment: &str) -> Option<&'d Yaml> {
    match parent {
        Yaml::Mapping(map) => map.iter().find(|(k, _)| key_is(k, segment)).map(|(_, v)| v),
        Yaml::Sequence(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    }
}

fn set_child(
    parent: &mut Yaml,
    segment: &str,
    value: Option<&Value>,
) -> std::result::Result<(), String> {
    let yaml = value
        .map(serde_yaml::to_value)
        .transpose()
        .map_err(|e| format!("the value cannot be written as YAML: {e}"))?;
    match parent {
        Yaml::Mapping(map) => {
            let key = map
                .keys()
                .find(|k| key_is(k, segment))
                .cloned()
                .unwrap_or_else(|| Yaml::String(segment.to_owned()));
            match yaml {
                Some(yaml) => {
                    map.insert(key, yaml);
                }
                None => {
                    map.remove(&key);
                }
            }
            Ok(())
        }
        Yaml::Sequence(items) => {
            let index = segment
                .parse::<usize>()
                .map_err(|_| format!("`{segment}` is not an index into a list"))?;
            match yaml {
                Some(yaml) if index < items.len() => items[index] = yaml,
                Some(yaml) if index == items.len() => items.push(yaml),
                None if index < items.len() => {
                    items.remove(index);
                }
                _ => return Err(format!("index {index} is past the end of the list")),
            }
            Ok(())
        }
        _ => Err("the pointer's parent is neither a mapping nor a list".to_owned()),
    }
}

/// Whether a YAML mapping key is the pointer segment (`200:` is the segment `200`).
fn key_is(key: &Yaml, segment: &str) -> bool {
    match key {
        Yaml::String(s) => s == segment,
        Yaml::Number(n) => n.to_string() == segment,
        Yaml::Bool(b) => b.to_string() == segment,
        _ => false,
    }
}

fn to_json(value: &Yaml) -> Result<Value> {
    serde_yaml::from_value(value.clone()).map_err(|e| {
        Error::new(
            ErrorKind::Manifest,
            format!("the value a fix replaces cannot be shown as JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(toml_text: &str) -> Fix {
        toml::from_str(toml_text).expect("a fix parses")
    }

    fn doc() -> Yaml {
        serde_yaml::from_str("a:\n  b~c:\n    type: int\n  list: [1, 2]\n200:\n  x: 1\n").unwrap()
    }

    #[test]
    fn replace_add_remove() {
        let mut document = doc();
        let fixes = [
            fix("pointer = '#/a/b~0c/type'\nexpect = 'int'\nvalue = 'integer'\nreason = 'r'"),
            fix("pointer = '#/a/b~0c/format'\nop = 'add'\nvalue = 'int32'\nreason = 'r'"),
            fix("pointer = '#/a/list/0'\nop = 'remove'\nreason = 'r'"),
            fix("pointer = '#/200/x'\nvalue = 2\nreason = 'r'"),
        ];
        let done = apply(&mut document, &fixes).unwrap();
        assert_eq!(done[0].was, Some(Value::from("int")));
        assert_eq!(done[0].now, Some(Value::from("integer")));
        let expected: Yaml = serde_yaml::from_str(
            "a:\n  b~c:\n    type: integer\n    format: int32\n  list: [2]\n200:\n  x: 2\n",
        )
        .unwrap();
        assert_eq!(document, expected);
    }

    #[test]
    fn stale_fixes_are_errors() {
        for (text, says) in [
            (
                "pointer = '#/a/b~0c/type'\nexpect = 'string'\nvalue = 'integer'\nreason = 'r'",
                "remove this fix",
            ),
            (
                "pointer = '#/a/nothing/type'\nvalue = 'integer'\nreason = 'r'",
                "parent",
            ),
            (
                "pointer = '#/a/b~0c/format'\nvalue = 'integer'\nreason = 'r'",
                "nothing at the pointer",
            ),
            (
                "pointer = '#/a/b~0c/type'\nop = 'add'\nvalue = 'integer'\nreason = 'r'",
                "already there",
            ),
            (
                "pointer = 'a/b'\nvalue = 1\nreason = 'r'",
                "must start with",
            ),
        ] {
            let error = apply(&mut doc(), &[fix(text)]).unwrap_err();
            assert!(error.to_string().contains(says), "{text}: {error}");
        }
    }
}

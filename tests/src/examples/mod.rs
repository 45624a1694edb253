//! Example JSON values built from a spec's schemas.
//!
//! [`examples`] builds, for one component schema, a set of values that together exercise
//! every alternative of every `oneOf` they reach:
//!
//! - a node with an `example` gives that example (a string example that breaks its own
//!   `pattern`, `minLength` or `maxLength`, as a few in the specs do, is replaced by a
//!   string built from the pattern);
//! - objects get every declared property, optional ones too (`allOf` parts merged), down
//!   to [`Options::max_depth`], below which only required properties are written and
//!   arrays get only their `minItems` items;
//! - `oneOf`: each value picks, at each union, an alternative not exercised yet if there
//!   is one, else one leading to a union with alternatives not exercised yet, else
//!   alternative `rotation mod n`; values are added until one exercises nothing new;
//! - enums give their first value; arrays [`Options::array_items`] items; maps
//!   (`additionalProperties: {schema}`) one entry; free-form objects a small object;
//! - scalars without an example: `"example"` (or a value fitting the `format`:
//!   date-time, date, uuid, password, byte, binary, email, uri, ipv4, ipv6, hostname),
//!   integer 1, number 1.5, boolean true (clamped into `minimum`/`maximum`); strings are
//!   made to fit `pattern`, `minLength` and `maxLength`; arrays get at least `minItems`.
//!
//! Objects that are named component schemas can carry `$objectType` (the wire name) and
//! `$reserved`, as servers write them ([`Options`]). [`Options::request`] builds request
//! bodies instead: what a validator of the spec accepts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::specs::Spec;

use builder::Builder;
use parts::Parts;

mod builder;
mod parts;
mod strings;
#[cfg(test)]
mod tests;

/// Date-time written where a `format: date-time` string has no example.
pub const DATE_TIME: &str = "2021-01-01T00:00:00.123Z";

/// The most values [`examples`] builds for one schema.
const MAX_VALUES: usize = 256;

/// Levels past `max_depth` (required properties only) after which a value is cut off.
const HARD_DEPTH_MARGIN: usize = 64;

/// How example values are dressed and how deep they go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Write `$objectType` (the wire name) into every object that is a named component
    /// schema, as servers do; `false` omits it everywhere.
    pub object_type: bool,
    /// Write `$reserved: {"$fv": "v4.r0"}` into the same objects.
    pub reserved: bool,
    /// Nesting depth from which optional properties are left out and arrays get only
    /// their `minItems` items (none for most).
    pub max_depth: usize,
    /// Items per array (above `max_depth`).
    pub array_items: usize,
    /// If set, every secret (see [`is_secret`]) gets
    /// this text instead of its example.
    pub secret: Option<&'static str>,
    /// Build a request body that a validator of the spec accepts: no `readOnly`
    /// properties; optional properties that no JSON value can satisfy left out (see
    /// [`unsatisfiable`]), unless [`operation`](Self::operation) needs them; and, at each
    /// `oneOf` that declares `$objectType`, the picked alternative's wire name, even when
    /// [`object_type`](Self::object_type) is `false`.
    pub request: bool,
    /// The kind of operation a request body is for (`create`, `update`): properties the
    /// schema lists for it under `x-required-by-operation` count as required.
    pub operation: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            object_type: true,
            reserved: false,
            max_depth: 32,
            array_items: 1,
            secret: None,
            request: false,
            operation: None,
        }
    }
}

impl Options {
    /// The options of request bodies: [`request`](Self::request), and `$objectType` only
    /// where the schema declares it.
    pub fn request() -> Options {
        Options {
            object_type: false,
            reserved: false,
            request: true,
            ..Options::default()
        }
    }

    /// The dressings the round-trip tests use: tagged with `$reserved`, tagged, bare,
    /// and bare with `$reserved`.
    pub fn dressings() -> [Options; 4] {
        let base = Options::default();
        [
            Options {
                object_type: true,
                reserved: true,
                ..base
            },
            Options {
                object_type: true,
                reserved: false,
                ..base
            },
            Options {
                object_type: false,
                reserved: false,
                ..base
            },
            Options {
                object_type: false,
                reserved: true,
                ..base
            },
        ]
    }

    /// A short label for messages: `$objectType+$reserved`, `bare`, ...
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.object_type {
            parts.push("$objectType");
        }
        if self.reserved {
            parts.push("$reserved");
        }
        if parts.is_empty() {
            "bare".to_owned()
        } else {
            parts.join("+")
        }
    }
}

/// The values built for one schema, and how well they cover its unions.
#[derive(Clone, Debug)]
pub struct Examples {
    /// The values; value `i` is rotation `i`.
    pub values: Vec<Value>,
    /// Every `(union location, alternative)` the schema reaches, statically.
    pub alternatives: BTreeSet<(String, usize)>,
    /// Those no value exercises (cut off by the depth limit, or past the cap of 256 values).
    pub missed: BTreeSet<(String, usize)>,
}

/// Builds examples for component schema `name` of `spec`.
///
/// Panics if the spec has no such schema.
pub fn examples(spec: &Spec, name: &str, options: Options) -> Examples {
    let schema = spec
        .schema(name)
        .unwrap_or_else(|| panic!("{}: no schema {name}", spec.file));
    let root = format!("/components/schemas/{}", escape(name));
    let mut builder = Builder::new(spec, options);
    let alternatives: BTreeSet<(String, usize)> = builder
        .unions_under(schema, &root)
        .iter()
        .flat_map(|union| (0..builder.arity[union]).map(move |k| (union.clone(), k)))
        .collect();
    let mut values = Vec::new();
    while values.len() < MAX_VALUES {
        let before = builder.covered.len();
        builder.rotation = values.len();
        let value = builder.node(schema, root.clone(), 0, Some(name));
        if !values.is_empty() && builder.covered.len() == before {
            break;
        }
        values.push(value);
        if alternatives.is_subset(&builder.covered) {
            break;
        }
    }
    let missed = alternatives.difference(&builder.covered).cloned().collect();
    Examples {
        values,
        alternatives,
        missed,
    }
}

/// A request body for component schema `name`, built with [`Options::request`]
/// (rotation 0).
#[derive(Clone, Debug)]
pub struct RequestBody {
    /// The body.
    pub value: Value,
    /// Spec locations (JSON pointers) of the optional properties left out because no value
    /// satisfies them ([`unsatisfiable`]).
    pub left_out: Vec<String>,
}

/// The request body for component schema `name` of `spec`, for an operation of kind
/// `operation` ([`Options::operation`]).
///
/// Panics if the spec has no such schema.
pub fn request_body(spec: &Spec, name: &str, operation: Option<&'static str>) -> RequestBody {
    let schema = spec
        .schema(name)
        .unwrap_or_else(|| panic!("{}: no schema {name}", spec.file));
    let root = format!("/components/schemas/{}", escape(name));
    let options = Options {
        operation,
        ..Options::request()
    };
    let mut builder = Builder::new(spec, options);
    let value = builder.node(schema, root, 0, Some(name));
    RequestBody {
        value,
        left_out: builder.left_out.into_iter().collect(),
    }
}

/// A single value (rotation 0) for any schema node of `spec`, e.g. a parameter's inline
/// schema; `loc` is its JSON pointer in the spec, naming its unions.
pub fn node_example<'a>(spec: &'a Spec, node: &'a Value, loc: &str, options: Options) -> Value {
    Builder::new(spec, options).node(node, loc.to_owned(), 0, None)
}

/// A single value for component schema `name` (rotation 0).
pub fn example(spec: &Spec, name: &str, options: Options) -> Value {
    examples(spec, name, options)
        .values
        .into_iter()
        .next()
        .expect("examples always builds one value")
}

/// Escapes a JSON pointer token.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The alternatives of a `oneOf` (or `anyOf`) node.
pub(crate) fn alternatives(node: &Value) -> Option<&[Value]> {
    node.get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
}

pub(crate) fn is_object(node: &Value) -> bool {
    node.get("type").and_then(Value::as_str) == Some("object")
        || node.get("properties").is_some()
        || node.get("allOf").is_some()
}

/// Whether a (resolved) property schema is a secret: a `format: password` string, or a
/// string whose property name says it is one (ends in `password`, `passphrase`, `secret`
/// or `token`, contains `secret`, or ends in `apiKey`, `authKey`, `privKey` or
/// `privateKey`, compared case-insensitively).
pub fn is_secret(name: &str, schema: &Value) -> bool {
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("enum").is_none();
    let password = schema.get("format").and_then(Value::as_str) == Some("password");
    let lower = name.to_ascii_lowercase();
    let named = [
        "password",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "authkey",
        "privkey",
        "privatekey",
    ]
    .iter()
    .any(|suffix| lower.ends_with(suffix))
        || lower.contains("secret");
    is_string && (password || named)
}

/// Whether a (resolved) property schema says `readOnly: true`.
pub(crate) fn is_read_only(schema: &Value) -> bool {
    schema.get("readOnly").and_then(Value::as_bool) == Some(true)
}

/// Whether no JSON value satisfies `node` (after `$ref`s). Found by structure, for:
///
/// - the specs' union pattern: a `oneOf` whose node requires `$objectType` while every
///   alternative is an object schema that does not declare `$objectType` and allows no
///   undeclared key (`additionalProperties: false`), so a value without `$objectType`
///   fails the node and one with it fails every alternative (Prism reports exactly that);
/// - an object schema with a required property no value satisfies;
/// - an array of such values that needs an item (`minItems` of 1 or more).
pub fn unsatisfiable(spec: &Spec, node: &Value) -> bool {
    unsatisfiable_in(spec, node, &mut Vec::new())
}

fn unsatisfiable_in<'a>(spec: &'a Spec, node: &'a Value, visiting: &mut Vec<&'a Value>) -> bool {
    let node = spec.resolve(node);
    // A schema that reaches itself through required properties is taken as satisfiable.
    if visiting.iter().any(|seen| std::ptr::eq(*seen, node)) {
        return false;
    }
    visiting.push(node);
    let found = if let Some(alternatives) = alternatives(node) {
        let requires_tag = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|required| required.iter().any(|key| key == "$objectType"));
        requires_tag
            && !alternatives.is_empty()
            && alternatives.iter().all(|alternative| {
                let alternative = spec.resolve(alternative);
                let parts = Parts::of(spec, alternative, "");
                is_object(alternative)
                    && is_closed(spec, alternative)
                    && !parts
                        .properties
                        .iter()
                        .any(|(key, _, _)| *key == "$objectType")
            })
    } else if node.get("type").and_then(Value::as_str) == Some("array") {
        let needs_item = node.get("minItems").and_then(Value::as_u64).unwrap_or(0) > 0;
        needs_item
            && node
                .get("items")
                .is_some_and(|items| unsatisfiable_in(spec, items, visiting))
    } else if is_object(node) {
        let parts = Parts::of(spec, node, "");
        parts
            .properties
            .iter()
            .filter(|(key, _, _)| parts.required.contains(key))
            .any(|(_, schema, _)| unsatisfiable_in(spec, schema, visiting))
    } else {
        false
    };
    visiting.pop();
    found
}

/// Whether an object schema (or one of its `allOf` parts) says
/// `additionalProperties: false`.
fn is_closed(spec: &Spec, node: &Value) -> bool {
    let node = spec.resolve(node);
    node.get("additionalProperties") == Some(&Value::Bool(false))
        || node
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|parts| parts.iter().any(|part| is_closed(spec, part)))
}

/// Whether an inline object schema leaves its keys open: it declares no properties and
/// does not say `additionalProperties: false`.
pub(crate) fn is_free_form(node: &Value) -> bool {
    node.get("properties").is_none()
        && node.get("allOf").is_none()
        && node.get("additionalProperties") != Some(&Value::Bool(false))
}

/// The small object written for free-form (`type: object` without properties) schemas.
pub(crate) fn free_form() -> Value {
    json!({ "key": "value" })
}

pub(crate) fn string_fallback(node: &Value) -> Value {
    let text = match node.get("format").and_then(Value::as_str) {
        Some("date-time") => DATE_TIME,
        Some("date") => "2021-01-01",
        Some("uuid") => "2c1c4b8e-6f2b-4a55-9b7a-3f5c1d2e4a6b",
        Some("password") => "example-password",
        Some("byte" | "binary") => "ZXhhbXBsZQ==",
        Some("email") => "user@example.com",
        Some("uri" | "url") => "https://example.com/",
        Some("ipv4") => "10.0.0.1",
        Some("ipv6") => "fd00::1",
        Some("hostname") => "host.example.com",
        _ => "example",
    };
    Value::String(text.to_owned())
}

/// `preferred`, moved into the schema's `minimum`/`maximum` if it lies outside.
pub(crate) fn clamp(node: &Value, preferred: f64) -> f64 {
    let mut value = preferred;
    if let Some(min) = node.get("minimum").and_then(Value::as_f64) {
        value = value.max(min);
    }
    if let Some(max) = node.get("maximum").and_then(Value::as_f64) {
        value = value.min(max);
    }
    value
}

/// Every secret property by schema: `(schema name, property name)` for each component
/// schema whose own properties (through `allOf`) include a secret (see [`is_secret`]).
pub fn secret_properties(spec: &Spec) -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    for name in spec.schemas().keys() {
        let schema = &spec.schemas()[name];
        let parts = Parts::of(spec, schema, "");
        let secrets: Vec<String> = parts
            .properties
            .iter()
            .filter(|(key, prop, _)| is_secret(key, spec.resolve(prop)))
            .map(|(key, _, _)| (*key).to_owned())
            .collect();
        if !secrets.is_empty() {
            found.insert(name.clone(), secrets);
        }
    }
    found
}

//! The declared shape of an object schema, gathered through `allOf` and `$ref`.

use std::collections::HashSet;

use serde_json::Value;

use super::escape;
use crate::specs::Spec;

/// What an object schema declares, its `allOf` parts merged.
#[derive(Debug, Default)]
pub(crate) struct Parts<'a> {
    /// `(name, schema, location)` of each property, in declaration order; a later part
    /// redeclaring a name replaces the earlier schema.
    pub properties: Vec<(&'a str, &'a Value, String)>,
    /// Names listed under `required` by any part.
    pub required: HashSet<&'a str>,
    /// `(operation kind, name)` listed under the Nutanix extension
    /// `x-required-by-operation` (`{create: [name, ...], update: [...]}`) by any part.
    pub required_by_operation: Vec<(&'a str, &'a str)>,
    /// The schema and location of `additionalProperties`, when it is a schema.
    pub map_values: Option<(&'a Value, String)>,
}

impl<'a> Parts<'a> {
    /// The parts of `node`, found at `loc` (a JSON pointer into the spec).
    pub fn of(spec: &'a Spec, node: &'a Value, loc: &str) -> Parts<'a> {
        let mut parts = Parts::default();
        parts.gather(spec, node, loc);
        parts
    }

    fn gather(&mut self, spec: &'a Spec, node: &'a Value, loc: &str) {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            return self.gather(spec, spec.resolve(node), reference.trim_start_matches('#'));
        }
        let all_of = node.get("allOf").and_then(Value::as_array);
        for (i, part) in all_of.into_iter().flatten().enumerate() {
            self.gather(spec, part, &format!("{loc}/allOf/{i}"));
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (key, schema) in properties {
                let entry = (
                    key.as_str(),
                    schema,
                    format!("{loc}/properties/{}", escape(key)),
                );
                match self.properties.iter_mut().find(|(k, _, _)| k == key) {
                    Some(slot) => *slot = entry,
                    None => self.properties.push(entry),
                }
            }
        }
        let by_operation = node
            .get("x-required-by-operation")
            .and_then(Value::as_object);
        for (kind, names) in by_operation.into_iter().flatten() {
            let names = names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            self.required_by_operation
                .extend(names.map(|name| (kind.as_str(), name)));
        }
        let required = node.get("required").and_then(Value::as_array);
        self.required
            .extend(required.into_iter().flatten().filter_map(Value::as_str));
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            self.map_values = Some((values, format!("{loc}/additionalProperties")));
        }
    }
}

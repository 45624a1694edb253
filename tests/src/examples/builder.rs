//! Builds one value at a time, remembering which union alternatives earlier values took.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::parts::Parts;
use super::{
    alternatives, clamp, escape, free_form, is_free_form, is_object, is_read_only, is_secret,
    string_fallback, strings, unsatisfiable, Options, HARD_DEPTH_MARGIN,
};
use crate::specs::{self, Spec};

/// Builds example values for one spec, across rotations.
pub(crate) struct Builder<'a> {
    spec: &'a Spec,
    options: Options,
    pub(crate) rotation: usize,
    /// `(union location, alternative)` pairs some value picked.
    pub(crate) covered: BTreeSet<(String, usize)>,
    /// Number of alternatives of every union seen.
    pub(crate) arity: HashMap<String, usize>,
    /// Unions reachable from a component schema, by its location.
    reach: HashMap<String, BTreeSet<String>>,
    /// Locations of the optional properties left out of request bodies because no value
    /// satisfies them.
    pub(crate) left_out: BTreeSet<String>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(spec: &'a Spec, options: Options) -> Self {
        Builder {
            spec,
            options,
            rotation: 0,
            covered: BTreeSet::new(),
            arity: HashMap::new(),
            reach: HashMap::new(),
            left_out: BTreeSet::new(),
        }
    }

    /// A value for `node` at `loc` (a JSON pointer into the spec).
    pub(crate) fn node(
        &mut self,
        node: &'a Value,
        loc: String,
        depth: usize,
        name: Option<&str>,
    ) -> Value {
        if depth > self.options.max_depth + HARD_DEPTH_MARGIN {
            // Only a schema that requires itself gets here; no finite value fits it.
            return Value::Null;
        }
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let target = self
                .spec
                .lookup(reference)
                .unwrap_or_else(|| panic!("{}: unresolved $ref {reference}", self.spec.file));
            let loc = reference.trim_start_matches('#').to_owned();
            return self.node(target, loc, depth, specs::ref_name(reference));
        }
        if let Some(example) = node.get("example") {
            return match example {
                Value::String(text) => Value::String(strings::fit(node, text.clone())),
                other => other.clone(),
            };
        }
        if let Some(alternatives) = alternatives(node) {
            return self.union(node, alternatives, loc, depth);
        }
        if is_object(node) {
            return self.object(node, loc, depth, name);
        }
        if let Some(first) = node
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        match node.get("type").and_then(Value::as_str) {
            Some("array") => {
                let min = node.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = node.get("maxItems").and_then(Value::as_u64);
                let count = if depth >= self.options.max_depth {
                    min
                } else {
                    let count = self.options.array_items.max(min);
                    max.map_or(count, |max| count.min(max as usize))
                };
                let items = node.get("items").unwrap_or(&Value::Null);
                let values = (0..count)
                    .map(|_| self.node(items, format!("{loc}/items"), depth + 1, None))
                    .collect();
                Value::Array(values)
            }
            Some("string") => match string_fallback(node) {
                Value::String(text) => Value::String(strings::fit(node, text)),
                other => other,
            },
            Some("integer") => json!(clamp(node, 1.0) as i64),
            Some("number") => json!(clamp(node, 1.5)),
            Some("boolean") => Value::Bool(true),
            _ => free_form(),
        }
    }

    /// A value of one alternative of the union `holder` (the node with the `oneOf`).
    fn union(
        &mut self,
        holder: &'a Value,
        alternatives: &'a [Value],
        loc: String,
        depth: usize,
    ) -> Value {
        let n = alternatives.len();
        if n == 0 {
            return Value::Null;
        }
        self.arity.insert(loc.clone(), n);
        let rotation = self.rotation;
        let mut pick = (0..n).find(|&k| !self.covered.contains(&(loc.clone(), k)));
        if pick.is_none() {
            for k in (0..n).map(|j| (rotation + j) % n) {
                let unions = self.unions_under(&alternatives[k], &format!("{loc}/oneOf/{k}"));
                if unions.iter().any(|union| self.has_missing(union)) {
                    pick = Some(k);
                    break;
                }
            }
        }
        let pick = pick.unwrap_or(rotation % n);
        self.covered.insert((loc.clone(), pick));
        let alternative = &alternatives[pick];
        let mut value = self.node(alternative, format!("{loc}/oneOf/{pick}"), depth, None);
        // A request carries the wire name where the union declares `$objectType`.
        let declares_tag = holder.pointer("/properties/$objectType").is_some();
        let name = alternative
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(specs::ref_name);
        if let (true, true, Some(name), Value::Object(object)) =
            (self.options.request, declares_tag, name, &mut value)
        {
            object.insert("$objectType".to_owned(), json!(specs::wire_name(name)));
        }
        value
    }

    fn object(&mut self, node: &'a Value, loc: String, depth: usize, name: Option<&str>) -> Value {
        let Parts {
            properties,
            required,
            required_by_operation,
            map_values,
        } = Parts::of(self.spec, node, &loc);
        // What the request's operation needs besides `required`.
        let operation = self.options.operation;
        let needed = |key: &str| {
            required.contains(key)
                || operation
                    .is_some_and(|operation| required_by_operation.contains(&(operation, key)))
        };
        let limited = depth >= self.options.max_depth;
        let is_struct = map_values.is_none() || !properties.is_empty();
        let mut out = Map::new();
        for (key, schema, prop_loc) in properties {
            if limited && !required.contains(key) {
                continue;
            }
            if self.options.request && is_read_only(self.spec.resolve(schema)) {
                continue;
            }
            if self.options.request && !needed(key) && unsatisfiable(self.spec, schema) {
                self.left_out.insert(prop_loc);
                continue;
            }
            let value = match self.options.secret {
                Some(secret) if is_secret(key, self.spec.resolve(schema)) => json!(secret),
                _ => self.node(schema, prop_loc, depth + 1, None),
            };
            out.insert(key.to_owned(), value);
        }
        if out.is_empty() && !limited {
            if let Some((values, values_loc)) = map_values {
                let value = self.node(values, values_loc, depth + 1, None);
                out.insert("exampleKey".to_owned(), value);
            } else if name.is_none() && is_free_form(node) {
                return free_form();
            }
        }
        if let (Some(name), true) = (name, is_struct) {
            if self.options.reserved {
                out.insert("$reserved".to_owned(), json!({ "$fv": "v4.r0" }));
            }
            if self.options.object_type {
                out.insert("$objectType".to_owned(), json!(specs::wire_name(name)));
            }
        }
        Value::Object(out)
    }

    /// Whether union `union` has an alternative no value picked yet.
    fn has_missing(&self, union: &str) -> bool {
        let n = self.arity.get(union).copied().unwrap_or(0);
        (0..n).any(|k| !self.covered.contains(&(union.to_owned(), k)))
    }

    /// Locations of every union reachable from `node` (including itself), recording
    /// their arity.
    pub(crate) fn unions_under(&mut self, node: &'a Value, loc: &str) -> BTreeSet<String> {
        let mut visiting = HashSet::new();
        self.unions_rec(node, loc, &mut visiting)
    }

    fn unions_rec(
        &mut self,
        node: &'a Value,
        loc: &str,
        visiting: &mut HashSet<String>,
    ) -> BTreeSet<String> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let target_loc = reference.trim_start_matches('#').to_owned();
            if let Some(known) = self.reach.get(&target_loc) {
                return known.clone();
            }
            if !visiting.insert(target_loc.clone()) {
                return BTreeSet::new();
            }
            let target = self.spec.resolve(node);
            let found = self.unions_rec(target, &target_loc, visiting);
            visiting.remove(&target_loc);
            self.reach.insert(target_loc, found.clone());
            return found;
        }
        let mut found = BTreeSet::new();
        if let Some(alternatives) = alternatives(node) {
            self.arity.insert(loc.to_owned(), alternatives.len());
            found.insert(loc.to_owned());
            for (k, alt) in alternatives.iter().enumerate() {
                found.extend(self.unions_rec(alt, &format!("{loc}/oneOf/{k}"), visiting));
            }
            return found;
        }
        let Some(object) = node.as_object() else {
            return found;
        };
        for (key, child) in object {
            match key.as_str() {
                "allOf" => {
                    for (i, part) in child.as_array().into_iter().flatten().enumerate() {
                        found.extend(self.unions_rec(part, &format!("{loc}/allOf/{i}"), visiting));
                    }
                }
                "properties" => {
                    for (name, prop) in child.as_object().into_iter().flatten() {
                        let prop_loc = format!("{loc}/properties/{}", escape(name));
                        found.extend(self.unions_rec(prop, &prop_loc, visiting));
                    }
                }
                "items" | "additionalProperties" if child.is_object() => {
                    found.extend(self.unions_rec(child, &format!("{loc}/{key}"), visiting));
                }
                _ => {}
            }
        }
        found
    }
}

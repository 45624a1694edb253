//! The query pass: the fields each operation documents for `$filter`, `$orderby`,
//! `$select` and `$expand`, counted and resolved, against counts taken here from the spec
//! text; what names nothing is reported, and still generated untyped.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{fixture, specs_dir};
use ntnx_generator::ir::{ExpansionTarget, QueryRole, TypeKind, TypeRef};
use ntnx_generator::QuerySummary;
use serde_json::Value;

/// `- path` lines per option over every operation of the spec at `path`, read from the
/// YAML without the generator.
fn documented_counts(path: &Path) -> BTreeMap<&'static str, usize> {
    let text = std::fs::read_to_string(path).expect("the spec reads");
    let doc: Value = serde_yaml::from_str(&text).expect("the spec parses");
    let resolve = |node: &Value| -> Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().expect("a name");
                doc["components"]["parameters"][name].clone()
            }
            None => node.clone(),
        }
    };
    let mut counts = BTreeMap::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = resolve(parameter);
                let name = parameter["name"].as_str().unwrap_or("");
                let option = match name {
                    "$filter" => "filter",
                    "$orderby" => "orderby",
                    "$select" => "select",
                    "$expand" => "expand",
                    _ => continue,
                };
                let description = parameter["description"].as_str().unwrap_or("");
                let lines = description
                    .lines()
                    .filter(|l| l.trim().starts_with("- ") && !l.trim()[2..].contains(' '))
                    .count();
                *counts.entry(option).or_default() += lines;
            }
        }
    }
    counts
}

fn counts(summary: &QuerySummary) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("filter", summary.filter),
        ("orderby", summary.orderby),
        ("select", summary.select),
        ("expand", summary.expand),
    ])
}

#[test]
fn every_documented_field_of_every_spec_is_read_and_resolved() {
    let dir = specs_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the specs folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the five published specs at least");
    for path in files {
        let mut expected = documented_counts(&path);
        for option in ["filter", "orderby", "select", "expand"] {
            expected.entry(option).or_default();
        }
        let loaded = ntnx_generator::load::read(&path).expect("loads");
        let api = ntnx_generator::resolve::resolve(&loaded, "ntnx-test").expect("resolves");
        let summary = QuerySummary::of(&api);
        assert_eq!(counts(&summary), expected, "{}", path.display());
        // The published specs document nothing that names no field, and every expansion key
        // that is no field names a schema.
        assert_eq!(
            summary.unresolved,
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn fields_that_name_nothing_are_reported_and_kept_untyped() {
    let loaded = ntnx_generator::load::read(&fixture("shapes.yaml")).expect("loads");
    let api = ntnx_generator::resolve::resolve(&loaded, "ntnx-shapes-v1-0").expect("resolves");
    let summary = QuerySummary::of(&api);
    // Written by hand from specs/fixtures/shapes.yaml.
    assert_eq!(
        counts(&summary),
        BTreeMap::from([
            ("filter", 14),
            ("orderby", 2),
            ("select", 10),
            ("expand", 8)
        ])
    );
    assert_eq!(summary.operations, 2);
    assert_eq!(
        summary.unresolved,
        [
            "listWidgets $filter missingField: names no field of the entity",
            "listWidgets $expand mystery: names no field and no schema (raw JSON)",
            "getWidgetById $expand mystery: names no field and no schema (raw JSON)",
        ]
    );
    assert_eq!(
        summary.to_string(),
        "query fields on 2 operations: 14 $filter, 2 $orderby, 10 $select, 8 $expand; \
         3 unresolved"
    );

    let list = api
        .operations
        .iter()
        .find(|o| o.id == "listWidgets")
        .expect("listWidgets");
    let filter = list.queries.filter.as_ref().expect("a $filter");
    let missing = filter
        .iter()
        .find(|f| f.path == "missingField")
        .expect("kept");
    assert_eq!(missing.ty, None);
    let owner = filter
        .iter()
        .find(|f| f.path == "owner/name")
        .expect("nested");
    assert_eq!(
        owner.ty,
        Some(TypeRef::Scalar(ntnx_generator::ir::Scalar::String))
    );
    let targets: Vec<(&str, &str)> = list
        .queries
        .expand
        .as_ref()
        .expect("an $expand")
        .iter()
        .map(|e| {
            let target = match &e.target {
                ExpansionTarget::Field(_) => "field",
                ExpansionTarget::Schema(key) if key.schema.name == "Gadget" => "Gadget",
                ExpansionTarget::Schema(key) if key.schema.name == "WidgetNote" => "WidgetNote",
                ExpansionTarget::Schema(_) => "another schema",
                ExpansionTarget::Raw => "raw",
            };
            (e.key.as_str(), target)
        })
        .collect();
    assert_eq!(
        targets,
        [
            ("parts", "field"),
            ("gadget", "Gadget"),
            ("note", "WidgetNote"),
            ("mystery", "raw")
        ]
    );

    let entity = list.queries.entity.as_ref().expect("an entity");
    let TypeKind::Struct(widget) = &api.types[entity].kind else {
        panic!("Widget is a struct");
    };
    assert_eq!(
        widget.query,
        QueryRole::Entity {
            projection: true,
            expansion: true
        }
    );
    let TypeKind::Struct(projection) = &api.types[&entity.projection()].kind else {
        panic!("the projection is a struct");
    };
    assert!(projection.fields.iter().all(|f| !f.required));
    let spec = projection
        .fields
        .iter()
        .find(|f| f.name == "spec")
        .expect("spec");
    assert_eq!(
        spec.ty,
        TypeRef::Any,
        "`spec/size` alone lacks the required `color`"
    );
    let owner = projection
        .fields
        .iter()
        .find(|f| f.name == "owner")
        .expect("owner");
    assert_ne!(owner.ty, TypeRef::Any, "Owner requires nothing");
    let TypeKind::Struct(expansion) = &api.types[&entity.expansion()].kind else {
        panic!("the expansion is a struct");
    };
    let keys: Vec<&str> = expansion.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(keys, ["gadget", "note", "mystery"]);
}

//! The query pass: the fields an operation's `$filter`, `$orderby`, `$select` and
//! `$expand` accept, and the types that `$select` and `$expand` answers decode into.
//!
//! The spec lists each option's fields in the option's description, one `- path` line each
//! (`- cluster/extId`). Every path is resolved against the entity the operation returns (the
//! envelope's `data` struct, or a list's item); a path that names no field is kept, untyped,
//! and reported in the generation summary.
//!
//! An entity that some operation returns with `$select` gets a projection: its fields, none
//! required, since the server leaves out what was not selected, required fields too. A
//! field the documented paths select only in part (`nutanixGuestTools/version`) keeps its
//! type when every such selection still decodes into it, and is raw JSON otherwise.
//!
//! An `$expand` key that names a field of the entity fills that field. Any other key names
//! a related entity the server adds inline; the entity gets an expansion type with one
//! optional field per such key, typed by the namespace's schema of that name (`cluster` is
//! `Cluster`; `metadata` of a `VolumeGroup` is `VolumeGroupMetadata`), else raw JSON.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;

use crate::ir::{
    Api, Body, Docs, Expansion, ExpansionTarget, Field, Operation, ParameterLocation, Queries,
    QueryField, QueryRole, Struct, TypeDef, TypeKey, TypeKind, TypeRef,
};

/// Fills every operation's [`Queries`] and adds the projection and expansion types.
pub(super) fn add_queries(api: &mut Api) {
    let mut entities: BTreeMap<TypeKey, EntityUse> = BTreeMap::new();
    for index in 0..api.operations.len() {
        let queries = operation_queries(api, &api.operations[index]);
        if let Some(entity) = &queries.entity {
            entities.entry(entity.clone()).or_default().add(&queries);
        }
        api.operations[index].queries = queries;
    }
    for (entity, uses) in entities {
        add_query_types(api, &entity, &uses);
    }
}

/// What the operations returning one entity ask of it.
#[derive(Default)]
struct EntityUse {
    /// Some operation takes `$select`.
    selected: bool,
    /// Every documented `$select` path that resolved.
    select_paths: BTreeSet<String>,
    /// `$expand` keys that name no field of the entity, in first-seen order.
    expansions: Vec<Expansion>,
}

impl EntityUse {
    fn add(&mut self, queries: &Queries) {
        if let Some(select) = &queries.select {
            self.selected = true;
            self.select_paths.extend(
                select
                    .iter()
                    .filter(|f| f.ty.is_some())
                    .map(|f| f.path.clone()),
            );
        }
        for expansion in queries.expand.iter().flatten() {
            let new = !self.expansions.iter().any(|e| e.key == expansion.key);
            if new && !matches!(expansion.target, ExpansionTarget::Field(_)) {
                self.expansions.push(expansion.clone());
            }
        }
    }
}

/// The options of `operation` and the fields they document.
fn operation_queries(api: &Api, operation: &Operation) -> Queries {
    let mut queries = Queries {
        entity: entity(api, operation),
        ..Queries::default()
    };
    for parameter in &operation.parameters {
        if parameter.location != ParameterLocation::Query {
            continue;
        }
        let paths = documented_paths(parameter.docs.description.as_deref().unwrap_or(""));
        let entity = queries.entity.as_ref();
        let fields = || -> Vec<QueryField> {
            paths
                .iter()
                .map(|path| QueryField {
                    path: path.clone(),
                    ty: entity.and_then(|e| resolve_path(api, e, path)),
                })
                .collect()
        };
        match parameter.name.as_str() {
            "$filter" => queries.filter = Some(fields()),
            "$orderby" => queries.orderby = Some(fields()),
            "$select" => queries.select = Some(fields()),
            "$expand" => {
                queries.expand = Some(
                    paths
                        .iter()
                        .map(|key| Expansion {
                            key: key.clone(),
                            target: entity
                                .map_or(ExpansionTarget::Raw, |e| expansion_target(api, e, key)),
                        })
                        .collect(),
                );
            }
            _ => {}
        }
    }
    queries
}

/// The `- path` lines of an option's description.
fn documented_paths(description: &str) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    for line in description.lines() {
        let Some(path) = line.trim().strip_prefix("- ") else {
            continue;
        };
        let path = path.trim();
        let is_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '$' | '-' | '.'));
        if is_path && !paths.iter().any(|p| p == path) {
            paths.push(path.to_owned());
        }
    }
    paths
}

/// The struct the operation's success response carries in its envelope's `data`, directly
/// or as the items of a list.
fn entity(api: &Api, operation: &Operation) -> Option<TypeKey> {
    let response = operation.success_response()?;
    response.content.iter().find_map(|content| {
        let Body::Envelope { data, .. } = &content.body else {
            return None;
        };
        let data = match data {
            TypeRef::Array(item) => item.as_ref(),
            other => other,
        };
        struct_key(api, data).cloned()
    })
}

/// The struct `ty` is, through aliases (and, with `arrays`, through array items).
fn struct_in<'a>(api: &'a Api, ty: &'a TypeRef, arrays: bool) -> Option<&'a TypeKey> {
    match ty {
        TypeRef::Named(key) => match &api.types.get(key)?.kind {
            TypeKind::Struct(_) => Some(key),
            TypeKind::Alias(target) => struct_in(api, target, arrays),
            TypeKind::Enum(_) | TypeKind::Union(_) => None,
        },
        TypeRef::Array(item) if arrays => struct_in(api, item, arrays),
        _ => None,
    }
}

fn struct_key<'a>(api: &'a Api, ty: &'a TypeRef) -> Option<&'a TypeKey> {
    struct_in(api, ty, false)
}

fn fields_of<'a>(api: &'a Api, key: &TypeKey) -> &'a [Field] {
    match api.types.get(key).map(|def| &def.kind) {
        Some(TypeKind::Struct(s)) => &s.fields,
        _ => &[],
    }
}

/// The type of the field `path` names, starting at `entity`; segments step into nested
/// structs and through arrays of them.
fn resolve_path(api: &Api, entity: &TypeKey, path: &str) -> Option<TypeRef> {
    let mut current = TypeRef::Named(entity.clone());
    for segment in path.split('/') {
        let key = struct_in(api, &current, true)?;
        let field = fields_of(api, key).iter().find(|f| f.name == segment)?;
        current = field.ty.clone();
    }
    Some(current)
}

/// What expanding `key` adds to `entity` (see the module docs).
fn expansion_target(api: &Api, entity: &TypeKey, key: &str) -> ExpansionTarget {
    if let Some(field) = fields_of(api, entity).iter().find(|f| f.name == key) {
        return ExpansionTarget::Field(field.ty.clone());
    }
    let own = key.to_upper_camel_case();
    let prefixed = format!("{}{own}", entity.schema.name);
    [own, prefixed]
        .iter()
        .find_map(|name| namespace_schema(api, entity, name))
        .map_or(ExpansionTarget::Raw, ExpansionTarget::Schema)
}

/// The component of the namespace called `name`: the one in the entity's module, else the
/// only one.
fn namespace_schema(api: &Api, entity: &TypeKey, name: &str) -> Option<TypeKey> {
    let found: Vec<&TypeKey> = api
        .types
        .keys()
        .filter(|k| k.inline.is_empty() && k.schema.name == name)
        .filter(|k| k.schema.namespace == api.namespace)
        .filter(|k| matches!(api.types[*k].kind, TypeKind::Struct(_)))
        .collect();
    let same_module = found
        .iter()
        .find(|k| k.schema.modules == entity.schema.modules);
    match (same_module, found.as_slice()) {
        (Some(key), _) => Some((*key).clone()),
        (None, [only]) => Some((*only).clone()),
        _ => None,
    }
}

/// Adds the projection and expansion of `entity` that its operations need, and marks it.
fn add_query_types(api: &mut Api, entity: &TypeKey, uses: &EntityUse) {
    let Some(def) = api.types.get(entity) else {
        return;
    };
    let TypeKind::Struct(entity_struct) = &def.kind else {
        return;
    };
    let has_expansion = !uses.expansions.is_empty();
    let expansion = has_expansion.then(|| {
        let key = entity.expansion();
        let expansion = expansion_def(def, &key, &uses.expansions);
        (key, expansion)
    });
    let projection = uses.selected.then(|| {
        let key = entity.projection();
        let projection = projection_def(api, def, entity_struct, &key, uses, has_expansion);
        (key, projection)
    });
    let has_projection = projection.is_some();
    for (key, def) in projection.into_iter().chain(expansion) {
        api.types.insert(key, def);
    }
    if let Some(TypeKind::Struct(s)) = api.types.get_mut(entity).map(|d| &mut d.kind) {
        s.query = QueryRole::Entity {
            projection: has_projection,
            expansion: has_expansion,
        };
    }
}

fn projection_def(
    api: &Api,
    entity: &TypeDef,
    entity_struct: &Struct,
    key: &TypeKey,
    uses: &EntityUse,
    expansion: bool,
) -> TypeDef {
    let fields = entity_struct
        .fields
        .iter()
        .map(|field| {
            let mut field = field.clone();
            field.required = false;
            field.required_by.clear();
            let parts: Vec<&str> = uses
                .select_paths
                .iter()
                .filter_map(|path| path.strip_prefix(&format!("{}/", field.name)))
                .collect();
            if !parts.is_empty() && !partial_selections_decode(api, &field.ty, &parts) {
                field.ty = TypeRef::Any;
                let note = "Raw JSON in a projection: a selection of some of its fields may \
                            leave out fields its type requires.";
                field.docs.description = Some(match field.docs.description.take() {
                    Some(text) => format!("{text}\n\n{note}"),
                    None => note.to_owned(),
                });
            }
            field
        })
        .collect();
    let description = format!(
        "The `$select` projection of `{}`: its fields, none of them required, since the \
         server returns only those selected.",
        entity.key
    );
    let body = Struct {
        wire_name: entity_struct.wire_name.clone(),
        revision: entity_struct.revision.clone(),
        fields,
        query: QueryRole::Projection { expansion },
    };
    query_type(key, entity, description, body)
}

/// A type the queries of `entity` add (its projection or expansion), documented by
/// `description`.
fn query_type(key: &TypeKey, entity: &TypeDef, description: String, body: Struct) -> TypeDef {
    TypeDef {
        key: key.clone(),
        origin: entity.origin.clone(),
        docs: Docs {
            description: Some(description),
            ..Docs::default()
        },
        kind: TypeKind::Struct(body),
    }
}

/// Whether every selection of some of `paths` (below a field of type `ty`) still decodes
/// into `ty`: each struct selected in part either requires nothing, or requires exactly
/// the one field that is all its documented paths select.
fn partial_selections_decode(api: &Api, ty: &TypeRef, paths: &[&str]) -> bool {
    let Some(key) = struct_in(api, ty, true) else {
        return true;
    };
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in paths {
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        let below = children.entry(head).or_default();
        if !rest.is_empty() {
            below.push(rest);
        }
    }
    let fields = fields_of(api, key);
    let must_have: Vec<&str> = fields
        .iter()
        .filter(|f| f.required && !f.nullable && !f.read_only)
        .map(|f| f.name.as_str())
        .collect();
    let safe_here = match (must_have.as_slice(), children.len()) {
        ([], _) => true,
        ([only], 1) => children.contains_key(only),
        _ => false,
    };
    safe_here
        && children.iter().all(|(name, below)| {
            below.is_empty()
                || fields
                    .iter()
                    .find(|f| f.name == *name)
                    .is_none_or(|f| partial_selections_decode(api, &f.ty, below))
        })
}

fn expansion_def(entity: &TypeDef, key: &TypeKey, expansions: &[Expansion]) -> TypeDef {
    let fields = expansions
        .iter()
        .map(|expansion| {
            let (ty, what) = match &expansion.target {
                ExpansionTarget::Schema(schema) => (TypeRef::Named(schema.clone()), ""),
                _ => (TypeRef::Any, " The spec names no schema for it: raw JSON."),
            };
            Field {
                name: expansion.key.clone(),
                ty,
                required: false,
                nullable: false,
                read_only: true,
                write_only: false,
                secret: false,
                default: None,
                required_by: Vec::new(),
                docs: Docs {
                    description: Some(format!(
                        "Returned when the request has `$expand={}`.{what}",
                        expansion.key
                    )),
                    ..Docs::default()
                },
            }
        })
        .collect();
    let description = format!(
        "The related entities `$expand` adds to `{}`, which has no field for them.",
        entity.key
    );
    let body = Struct {
        wire_name: None,
        revision: None,
        fields,
        query: QueryRole::Expansion,
    };
    query_type(key, entity, description, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_paths_are_the_dash_lines() {
        let text =
            "Filter by the following fields:\n- cluster/extId\n- name\n\n- name\n- not a path\n";
        assert_eq!(documented_paths(text), ["cluster/extId", "name"]);
        assert!(documented_paths("no list here").is_empty());
    }
}

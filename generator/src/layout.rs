//! Stage 3: place the types of all resolved specs into crates.
//!
//! Rule: a schema of a foreign namespace (`common.v1.*`, or a copy of `prism.*`, `iam.*`,
//! ... in the vmm spec) goes to the shared crate, provided everything it refers to goes
//! there too; otherwise it stays in its spec's crate, so crates never depend on each other
//! in a cycle. The inline types nested in a schema go wherever the schema goes. Copies of
//! one shared schema from several specs become one type: in the shared crate a type is
//! identified by its wire name (the dotted name without the minor version).
//!
//! Copies that differ are merged, and each merge is reported with every difference found:
//! - struct fields are the union of all copies' fields; a field is required only if
//!   every copy requires it, nullable if any copy says so; a field whose type differs between
//!   copies becomes any JSON value, so no copy's payload fails to decode;
//! - enum values and union variants are the union of all copies', in first-seen order; a
//!   union is told apart by `$objectType` if any copy declares it;
//! - documentation, defaults, read-only and write-only flags and the order of members come
//!   from the first spec in manifest order.
//!
//! Copies of different kinds (a struct in one spec, an enum in another) are an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};
use crate::ir::{
    Api, Body, Operation, Owner, SchemaName, Tag, TypeDef, TypeKey, TypeKind, TypeRef,
};

/// The crate that holds shared schemas, unless configured otherwise.
pub const DEFAULT_SHARED_CRATE: &str = "ntnx-shared";

/// All crates to generate.
#[derive(Debug)]
pub struct Workspace {
    /// The spec crates, in manifest order.
    pub specs: Vec<SpecCrate>,
    /// The shared crate.
    pub shared: SharedCrate,
    /// Shared schemas whose copies differed, and how they were merged.
    pub merges: Vec<MergeNote>,
}

/// The crate of one spec.
#[derive(Debug)]
pub struct SpecCrate {
    /// Crate name.
    pub name: String,
    /// Namespace, e.g. `vmm`.
    pub namespace: String,
    /// Version, e.g. `v4.0`.
    pub version: String,
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The spec file.
    pub file: PathBuf,
    /// Component schemas in the spec.
    pub schema_count: usize,
    /// Every component schema's name and where its type ended up.
    pub components: Vec<(String, TypeKey)>,
    /// Types placed in this crate.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// Number of types the spec defines (its own plus those placed in the shared crate).
    pub type_count: usize,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// Declared tags.
    pub tags: Vec<Tag>,
}

/// The shared crate.
#[derive(Debug)]
pub struct SharedCrate {
    /// Crate name.
    pub name: String,
    /// Types placed in it.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// Spec files contributing to each type.
    pub sources: BTreeMap<TypeKey, Vec<PathBuf>>,
}

/// A shared schema whose copies differed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeNote {
    /// The merged type.
    pub key: TypeKey,
    /// The specs whose copies were merged, in manifest order.
    pub files: Vec<PathBuf>,
    /// What differed.
    pub differences: Vec<String>,
}

/// Places the types of `apis` (in manifest order).
pub fn layout(apis: Vec<Api>, shared_crate: &str) -> Result<Workspace> {
    let mut shared = SharedCrate {
        name: shared_crate.to_owned(),
        types: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    let mut merges: BTreeMap<TypeKey, MergeNote> = BTreeMap::new();
    let mut specs = Vec::new();
    for api in apis {
        let moved = shareable(&api);
        let rename = |key: &TypeKey| -> TypeKey {
            if moved.contains(key) {
                shared_key(key)
            } else {
                key.clone()
            }
        };
        let mut own = BTreeMap::new();
        let type_count = api.types.len();
        for (key, mut def) in api.types {
            rewrite_def(&mut def, &rename);
            def.key = rename(&key);
            if !moved.contains(&key) {
                own.insert(def.key.clone(), def);
                continue;
            }
            let files = shared.sources.entry(def.key.clone()).or_default();
            files.push(api.file.clone());
            match shared.types.get_mut(&def.key) {
                None => {
                    shared.types.insert(def.key.clone(), def);
                }
                Some(existing) if existing.same_shape(&def) => {}
                Some(existing) => {
                    let differences = merge(existing, &def)?;
                    let note = merges.entry(def.key.clone()).or_insert_with(|| MergeNote {
                        key: def.key.clone(),
                        files: Vec::new(),
                        differences: Vec::new(),
                    });
                    note.files = files.clone();
                    for difference in differences {
                        if !note.differences.contains(&difference) {
                            note.differences.push(difference);
                        }
                    }
                }
            }
        }
        let mut operations = api.operations;
        for operation in &mut operations {
            rewrite_operation(operation, &rename);
        }
        let components = api
            .components
            .iter()
            .map(|(name, key)| (name.clone(), rename(key)))
            .collect();
        specs.push(SpecCrate {
            name: api.crate_name,
            namespace: api.namespace,
            version: api.version,
            title: api.title,
            description: api.description,
            file: api.file,
            schema_count: api.schema_count,
            components,
            types: own,
            type_count,
            operations,
            tags: api.tags,
        });
    }
    Ok(Workspace {
        specs,
        shared,
        merges: merges.into_values().collect(),
    })
}

/// The keys of `api` that move to the shared crate: foreign, referring only to keys that
/// move too, and part of a schema all of whose types move.
fn shareable(api: &Api) -> BTreeSet<TypeKey> {
    let mut moved: BTreeSet<TypeKey> = api
        .types
        .keys()
        .filter(|k| k.schema.namespace != api.namespace)
        .cloned()
        .collect();
    loop {
        let before = moved.len();
        // A schema and the inline types nested in it move together or not at all.
        let staying: BTreeSet<&SchemaName> = api
            .types
            .keys()
            .filter(|k| !moved.contains(*k))
            .map(|k| &k.schema)
            .collect();
        let stuck: Vec<TypeKey> = moved
            .iter()
            .filter(|key| {
                let mut refs = Vec::new();
                kind_refs(&api.types[*key].kind, &mut refs);
                staying.contains(&key.schema) || refs.iter().any(|r| !moved.contains(r))
            })
            .cloned()
            .collect();
        for key in stuck {
            moved.remove(&key);
        }
        if moved.len() == before {
            return moved;
        }
    }
}

/// The identity of a schema in the shared crate: no owner spec, no minor version.
fn shared_key(key: &TypeKey) -> TypeKey {
    let mut shared = key.clone();
    shared.owner = Owner::Shared;
    shared.schema.version = key.schema.major_version().to_owned();
    shared
}

fn kind_refs(kind: &TypeKind, out: &mut Vec<TypeKey>) {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| type_refs(&f.ty, out)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| type_refs(v, out)),
        TypeKind::Alias(t) => type_refs(t, out),
        TypeKind::Enum(_) => {}
    }
}

fn type_refs(ty: &TypeRef, out: &mut Vec<TypeKey>) {
    match ty {
        TypeRef::Named(key) => out.push(key.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) => type_refs(inner, out),
        TypeRef::Scalar(_) | TypeRef::AnyObject | TypeRef::Any => {}
    }
}

fn rewrite_def(def: &mut TypeDef, rename: &impl Fn(&TypeKey) -> TypeKey) {
    match &mut def.kind {
        TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| rewrite(&mut f.ty, rename)),
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| rewrite(v, rename)),
        TypeKind::Alias(t) => rewrite(t, rename),
        TypeKind::Enum(_) => {}
    }
}

fn rewrite_operation(operation: &mut Operation, rename: &impl Fn(&TypeKey) -> TypeKey) {
    for parameter in &mut operation.parameters {
        rewrite(&mut parameter.ty, rename);
    }
    let bodies = operation
        .request_body
        .iter_mut()
        .flat_map(|b| b.content.iter_mut())
        .chain(
            operation
                .responses
                .iter_mut()
                .flat_map(|r| r.content.iter_mut()),
        );
    for content in bodies {
        match &mut content.body {
            Body::Json(ty) | Body::Multipart(ty) | Body::Form(ty) => rewrite(ty, rename),
            Body::Envelope { data, metadata } => {
                rewrite(data, rename);
                if let Some(metadata) = metadata {
                    rewrite(metadata, rename);
                }
            }
            Body::Binary | Body::Text => {}
        }
    }
    for header in operation
        .responses
        .iter_mut()
        .flat_map(|r| r.headers.iter_mut())
    {
        rewrite(&mut header.ty, rename);
    }
}

fn rewrite(ty: &mut TypeRef, rename: &impl Fn(&TypeKey) -> TypeKey) {
    match ty {
        TypeRef::Named(key) => *key = rename(key),
        TypeRef::Array(inner) | TypeRef::Map(inner) => rewrite(inner, rename),
        TypeRef::Scalar(_) | TypeRef::AnyObject | TypeRef::Any => {}
    }
}

/// Merges `other` into `existing` by the rules in the module docs; returns what differed.
fn merge(existing: &mut TypeDef, other: &TypeDef) -> Result<Vec<String>> {
    let mut differences = Vec::new();
    if existing.docs != other.docs {
        differences.push("documentation differs; kept the first spec's".to_owned());
    }
    match (&mut existing.kind, &other.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            for field in &mut a.fields {
                let name = &field.name;
                match b.fields.iter().find(|f| f.name == field.name) {
                    None => {
                        let action = if field.required {
                            "made optional"
                        } else {
                            "kept as optional"
                        };
                        differences.push(format!("`{name}` is not in every copy: {action}"));
                        field.required = false;
                    }
                    Some(theirs) => {
                        if theirs.ty != field.ty && field.ty != TypeRef::Any {
                            differences.push(format!(
                                "`{name}` has different types: kept as any JSON value"
                            ));
                            field.ty = TypeRef::Any;
                        }
                        if field.required != theirs.required {
                            let action = if field.required {
                                "made optional"
                            } else {
                                "kept optional"
                            };
                            differences
                                .push(format!("`{name}` is not required in every copy: {action}"));
                            field.required = false;
                        }
                        if field.nullable != theirs.nullable {
                            let action = if field.nullable {
                                "kept nullable"
                            } else {
                                "made nullable"
                            };
                            differences
                                .push(format!("`{name}` is nullable in some copy: {action}"));
                            field.nullable = true;
                        }
                        if theirs.secret && !field.secret {
                            differences
                                .push(format!("`{name}` is a secret in some copy: made a secret"));
                            field.secret = true;
                        }
                        if theirs.read_only != field.read_only
                            || theirs.write_only != field.write_only
                            || theirs.required_by != field.required_by
                        {
                            differences.push(format!(
                                "`{name}` differs in readOnly, writeOnly or \
                                 x-required-by-operation; kept the first spec's"
                            ));
                        }
                        if theirs.docs != field.docs || theirs.default != field.default {
                            differences.push(format!(
                                "`{name}` is documented differently; kept the first spec's"
                            ));
                        }
                    }
                }
            }
            for field in &b.fields {
                if !a.fields.iter().any(|f| f.name == field.name) {
                    differences.push(format!(
                        "`{}` is not in every copy: added as optional",
                        field.name
                    ));
                    let mut field = field.clone();
                    field.required = false;
                    a.fields.push(field);
                }
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            for value in &a.values {
                if !b.values.iter().any(|v| v.value == value.value) {
                    differences.push(format!(
                        "value `{}` is not in every copy: kept",
                        value.value
                    ));
                }
            }
            for value in &b.values {
                match a.values.iter().find(|v| v.value == value.value) {
                    None => {
                        differences.push(format!(
                            "value `{}` is not in every copy: added",
                            value.value
                        ));
                        a.values.push(value.clone());
                    }
                    Some(ours) if ours.description != value.description => {
                        differences.push(format!(
                            "value `{}` is described differently; kept the first spec's",
                            value.value
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        (TypeKind::Union(a), TypeKind::Union(b)) => {
            if a.variants.iter().any(|v| !b.variants.contains(v)) {
                differences.push("a variant is not in every copy: kept".to_owned());
            }
            for variant in &b.variants {
                if !a.variants.contains(variant) {
                    differences.push("a variant is not in every copy: added".to_owned());
                    a.variants.push(variant.clone());
                }
            }
            if a.tagged_by_object_type != b.tagged_by_object_type {
                differences
                    .push("only some copies declare `$objectType`: told apart by it".to_owned());
                a.tagged_by_object_type = true;
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if a != b {
                differences.push("aliases name different types: kept as any JSON value".to_owned());
                *a = TypeRef::Any;
            }
        }
        _ => {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!(
                    "shared schema {} is a different kind of type in {} (at {}) than in {} (at {}); \
                     no merge rule covers that",
                    existing.key,
                    other.origin.file.display(),
                    other.origin.pointer,
                    existing.origin.file.display(),
                    existing.origin.pointer,
                ),
            )
            .in_file(&other.origin.file)
            .at(&other.origin.pointer));
        }
    }
    if differences.is_empty() {
        // Same members with the same meaning, listed in another order.
        differences.push("members are in a different order; kept the first spec's".to_owned());
    }
    differences.dedup();
    Ok(differences)
}

//! Stage 3: place the types of all resolved specs into crates.
//!
//! One Rust type per wire type. A schema's wire identity is its dotted name without the
//! revision and type (`vmm.v4.0.ahv.config.CategoryReference` and the copy
//! `vmm.v4.1.ahv.config.CategoryReference` are both `vmm.v4.ahv.config.CategoryReference`, the
//! `$objectType` the server writes). A schema goes to the shared crate when
//! - its namespace is not its spec's (`common.v1.*`, a copy of `prism.*` in the vmm spec), or
//! - its wire identity is carried more than once: by several specs, or by one spec in
//!   several revisions (prism's own `TaskReference`, of which every spec has a copy).
//!
//! A type carried more than once takes everything it refers to with it. A foreign schema
//! carried once stays in its spec's crate when it refers to a type that stays there (so the
//! shared crate does not fill up with one spec's own types). The inline types nested in a
//! schema go wherever the schema goes. The shared
//! crate depends on no spec crate, so crates never depend on each other in a cycle. A spec
//! crate re-exports the shared types of its own namespace that its spec carries at their
//! natural path (`ntnx_prism::config::TaskReference` is
//! `ntnx_shared::prism::v4::config::TaskReference`), so its users need not know where a type
//! lives.
//!
//! Copies that differ are merged, and each merge is reported with every difference found. The
//! owner's copy is the base (the spec of the schema's namespace and revision, then the owner
//! spec's other revisions, then the others in manifest order):
//! - struct fields are the union of all copies' fields; a field is required only if
//!   every copy requires it, nullable if any copy says so; a field whose type differs between
//!   copies becomes any JSON value, so no copy's payload fails to decode;
//! - enum values and union variants are the union of all copies', in first-seen order; a
//!   union is told apart by `$objectType` if any copy declares it;
//! - documentation, defaults, read-only and write-only flags and the order of members come
//!   from the base copy.
//!
//! Copies of different kinds (a struct in one spec, an enum in another) are an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};
use crate::ir::{
    Api, Body, Correction, Enum, ExpansionTarget, Field, Operation, Owner, Queries, QueryRole,
    SchemaName, Struct, Tag, TypeDef, TypeKey, TypeKind, TypeRef, Union,
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
    /// `info.version`, e.g. `4.0.2`.
    pub api_version: String,
    /// The spec file.
    pub file: PathBuf,
    /// Component schemas in the spec.
    pub schema_count: usize,
    /// Every component schema's name and where its type ended up.
    pub components: Vec<(String, TypeKey)>,
    /// Types placed in this crate.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// Shared types of this crate's namespace that its spec carries, re-exported at their
    /// natural path.
    pub reexports: BTreeSet<TypeKey>,
    /// Number of types the spec defines (its own plus those placed in the shared crate).
    pub type_count: usize,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// Declared tags.
    pub tags: Vec<Tag>,
    /// Corrections of the published file.
    pub corrections: Vec<Correction>,
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
    /// The specs whose copies were merged, base copy first.
    pub files: Vec<PathBuf>,
    /// What differed.
    pub differences: Vec<String>,
}

/// A definition on its way to the shared crate.
struct SharedCopy {
    /// The base copy sorts first (see the module docs).
    rank: (u8, usize),
    file: PathBuf,
    def: TypeDef,
}

/// Places the types of `apis` (in manifest order).
pub fn layout(apis: Vec<Api>, shared_crate: &str) -> Result<Workspace> {
    let carried = carried_wire_types(&apis);
    let mut copies: BTreeMap<TypeKey, Vec<SharedCopy>> = BTreeMap::new();
    let mut specs = Vec::new();
    for (index, api) in apis.into_iter().enumerate() {
        let moved = moved_keys(&api, &carried);
        let rename = |key: &TypeKey| -> TypeKey {
            if moved.contains(key) {
                shared_key(key)
            } else {
                key.clone()
            }
        };
        let mut own = BTreeMap::new();
        let mut reexports = BTreeSet::new();
        let type_count = api.types.len();
        for (key, mut def) in api.types {
            rewrite_def(&mut def, &rename);
            def.key = rename(&key);
            if !moved.contains(&key) {
                own.insert(def.key.clone(), def);
                continue;
            }
            let schema = &key.schema;
            let is_owner = schema.namespace == api.namespace;
            if is_owner {
                reexports.insert(def.key.clone());
            }
            let rank = match (is_owner, schema.version == api.version) {
                (true, true) => 0,
                (true, false) => 1,
                (false, _) => 2,
            };
            copies.entry(def.key.clone()).or_default().push(SharedCopy {
                rank: (rank, index),
                file: api.file.clone(),
                def,
            });
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
            api_version: api.api_version,
            file: api.file,
            schema_count: api.schema_count,
            components,
            types: own,
            reexports,
            type_count,
            operations,
            tags: api.tags,
            corrections: api.corrections,
        });
    }
    let (shared, merges) = merge_copies(shared_crate, copies)?;
    Ok(Workspace {
        specs,
        shared,
        merges,
    })
}

/// Merges the copies of every shared type, base copy first.
fn merge_copies(
    name: &str,
    copies: BTreeMap<TypeKey, Vec<SharedCopy>>,
) -> Result<(SharedCrate, Vec<MergeNote>)> {
    let mut shared = SharedCrate {
        name: name.to_owned(),
        types: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    let mut merges = Vec::new();
    for (key, mut copies) in copies {
        copies.sort_by_key(|copy| copy.rank);
        let mut copies = copies.into_iter();
        let base = copies.next().expect("a shared type has at least one copy");
        let mut files = vec![base.file];
        let mut merged = base.def;
        let mut differences: Vec<String> = Vec::new();
        for copy in copies {
            if !files.contains(&copy.file) {
                files.push(copy.file);
            }
            merge_query_roles(&mut merged, &copy.def);
            if merged.same_shape(&copy.def) {
                continue;
            }
            for difference in merge(&mut merged, &copy.def)? {
                if !differences.contains(&difference) {
                    differences.push(difference);
                }
            }
        }
        if !differences.is_empty() {
            merges.push(MergeNote {
                key: key.clone(),
                files: files.clone(),
                differences,
            });
        }
        shared.sources.insert(key.clone(), files);
        shared.types.insert(key, merged);
    }
    Ok((shared, merges))
}

/// The wire types each spec carries, with how often: a schema's shared key and the number
/// of (spec, revision) pairs that define it.
fn carried_wire_types(apis: &[Api]) -> BTreeMap<TypeKey, usize> {
    let mut carriers: BTreeMap<TypeKey, BTreeSet<(usize, &str)>> = BTreeMap::new();
    for (index, api) in apis.iter().enumerate() {
        for key in api.types.keys().filter(|k| k.inline.is_empty()) {
            carriers
                .entry(shared_key(key))
                .or_default()
                .insert((index, key.schema.version.as_str()));
        }
    }
    carriers
        .into_iter()
        .map(|(key, carriers)| (key, carriers.len()))
        .collect()
}

/// The keys of `api` that move to the shared crate.
///
/// A wire type carried more than once must be one type, so it moves with everything it
/// refers to and every type nested in its schema. A foreign schema carried only by this spec
/// moves too unless it refers to something that stays (a `common` schema referring to one of
/// this namespace's): then it stays, so that the shared crate does not fill up with the
/// spec's own types.
fn moved_keys(api: &Api, carried: &BTreeMap<TypeKey, usize>) -> BTreeSet<TypeKey> {
    let carried_often = |key: &TypeKey| {
        let component = TypeKey {
            inline: Vec::new(),
            ..shared_key(key)
        };
        carried.get(&component).is_some_and(|n| *n > 1)
    };
    let forced = closure(api, api.types.keys().filter(|k| carried_often(k)).cloned());
    let mut moved: BTreeSet<TypeKey> = api
        .types
        .keys()
        .filter(|k| k.schema.namespace != api.namespace)
        .cloned()
        .chain(forced.iter().cloned())
        .collect();
    loop {
        // A schema and the inline types nested in it move together or not at all.
        let staying: BTreeSet<&SchemaName> = api
            .types
            .keys()
            .filter(|k| !moved.contains(*k))
            .map(|k| &k.schema)
            .collect();
        let stuck: Vec<TypeKey> = moved
            .iter()
            .filter(|key| !forced.contains(*key))
            .filter(|key| {
                let mut refs = Vec::new();
                kind_refs(&api.types[*key].kind, &mut refs);
                staying.contains(&key.schema) || refs.iter().any(|r| !moved.contains(r))
            })
            .cloned()
            .collect();
        if stuck.is_empty() {
            return moved;
        }
        for key in stuck {
            moved.remove(&key);
        }
    }
}

/// `start` with everything its types refer to and every type nested in the same schemas.
fn closure(api: &Api, start: impl Iterator<Item = TypeKey>) -> BTreeSet<TypeKey> {
    let mut out: BTreeSet<TypeKey> = start.collect();
    let mut pending: Vec<TypeKey> = out.iter().cloned().collect();
    while let Some(key) = pending.pop() {
        let mut refs = Vec::new();
        kind_refs(&api.types[&key].kind, &mut refs);
        let siblings = api.types.keys().filter(|k| k.schema == key.schema).cloned();
        for next in refs.into_iter().chain(siblings) {
            if api.types.contains_key(&next) && out.insert(next.clone()) {
                pending.push(next);
            }
        }
    }
    out
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
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|f| rewrite(&mut f.ty, rename));
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| rewrite(v, rename)),
        TypeKind::Alias(t) => rewrite(t, rename),
        TypeKind::Enum(_) => {}
    }
}

/// The keys an operation's query fields name.
fn rewrite_queries(queries: &mut Queries, rename: &impl Fn(&TypeKey) -> TypeKey) {
    if let Some(entity) = &mut queries.entity {
        *entity = rename(entity);
    }
    let fields = [
        &mut queries.filter,
        &mut queries.orderby,
        &mut queries.select,
    ];
    for field in fields.into_iter().flatten().flatten() {
        if let Some(ty) = &mut field.ty {
            rewrite(ty, rename);
        }
    }
    for expansion in queries.expand.iter_mut().flatten() {
        match &mut expansion.target {
            ExpansionTarget::Field(ty) => rewrite(ty, rename),
            ExpansionTarget::Schema(key) => *key = rename(key),
            ExpansionTarget::Raw => {}
        }
    }
}

fn rewrite_operation(operation: &mut Operation, rename: &impl Fn(&TypeKey) -> TypeKey) {
    rewrite_queries(&mut operation.queries, rename);
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

/// Gives `merged` the projection and expansion any copy has (what operations need of a
/// type is no difference of the wire type, so it is not reported).
fn merge_query_roles(merged: &mut TypeDef, other: &TypeDef) {
    let (TypeKind::Struct(ours), TypeKind::Struct(theirs)) = (&mut merged.kind, &other.kind) else {
        return;
    };
    ours.query = match (ours.query, theirs.query) {
        (QueryRole::Plain, theirs) => theirs,
        (
            QueryRole::Entity {
                projection,
                expansion,
            },
            QueryRole::Entity {
                projection: their_projection,
                expansion: their_expansion,
            },
        ) => QueryRole::Entity {
            projection: projection || their_projection,
            expansion: expansion || their_expansion,
        },
        (QueryRole::Projection { expansion }, QueryRole::Projection { expansion: theirs }) => {
            QueryRole::Projection {
                expansion: expansion || theirs,
            }
        }
        (ours, _) => ours,
    };
}

/// Merges `other` into `existing` by the rules in the module docs; returns what differed.
fn merge(existing: &mut TypeDef, other: &TypeDef) -> Result<Vec<String>> {
    let mut differences = Vec::new();
    if existing.docs != other.docs {
        differences.push("documentation differs; kept the base copy's".to_owned());
    }
    match (&mut existing.kind, &other.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => merge_structs(a, b, &mut differences),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => merge_enums(a, b, &mut differences),
        (TypeKind::Union(a), TypeKind::Union(b)) => merge_unions(a, b, &mut differences),
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
        differences.push("members are in a different order; kept the base copy's".to_owned());
    }
    differences.dedup();
    Ok(differences)
}

/// Merges struct `b` into `a`: the revision of `a`, every field of either (optional unless
/// required in all), each field as [`merge_field`] makes it.
fn merge_structs(a: &mut Struct, b: &Struct, differences: &mut Vec<String>) {
    if a.revision != b.revision {
        differences.push(format!(
            "copies of revisions {} and {}: `$fv` {} kept",
            a.revision.as_deref().unwrap_or("-"),
            b.revision.as_deref().unwrap_or("-"),
            a.revision.as_deref().unwrap_or("-"),
        ));
    }
    for field in &mut a.fields {
        match b.fields.iter().find(|f| f.name == field.name) {
            None => {
                let action = if field.required {
                    "made optional"
                } else {
                    "kept as optional"
                };
                differences.push(format!("`{}` is not in every copy: {action}", field.name));
                field.required = false;
            }
            Some(theirs) => merge_field(field, theirs, differences),
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

/// Merges the copy `theirs` of a field into `field`, so that a value of either copy fits:
/// any JSON value when the types differ, optional, nullable or secret when one copy is.
fn merge_field(field: &mut Field, theirs: &Field, differences: &mut Vec<String>) {
    let name = &field.name;
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
        differences.push(format!("`{name}` is not required in every copy: {action}"));
        field.required = false;
    }
    if field.nullable != theirs.nullable {
        let action = if field.nullable {
            "kept nullable"
        } else {
            "made nullable"
        };
        differences.push(format!("`{name}` is nullable in some copy: {action}"));
        field.nullable = true;
    }
    if theirs.secret && !field.secret {
        differences.push(format!("`{name}` is a secret in some copy: made a secret"));
        field.secret = true;
    }
    if theirs.read_only != field.read_only
        || theirs.write_only != field.write_only
        || theirs.required_by != field.required_by
    {
        differences.push(format!(
            "`{name}` differs in readOnly, writeOnly or \
             x-required-by-operation; kept the base copy's"
        ));
    }
    if theirs.docs != field.docs || theirs.default != field.default {
        differences.push(format!(
            "`{name}` is documented differently; kept the base copy's"
        ));
    }
}

/// Merges enum `b` into `a`: every value of either, the base copy's descriptions.
fn merge_enums(a: &mut Enum, b: &Enum, differences: &mut Vec<String>) {
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
                    "value `{}` is described differently; kept the base copy's",
                    value.value
                ));
            }
            Some(_) => {}
        }
    }
}

/// Merges union `b` into `a`: every variant of either, told apart by `$objectType` when
/// any copy is.
fn merge_unions(a: &mut Union, b: &Union, differences: &mut Vec<String>) {
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
        differences.push("only some copies declare `$objectType`: told apart by it".to_owned());
        a.tagged_by_object_type = true;
    }
}

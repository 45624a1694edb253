//! Stage 2: an OpenAPI document to the IR.
//!
//! Every component schema becomes a named type; inline schemas that need a name (a
//! property's `oneOf`, an inline enum or object) become named types keyed by the path that
//! leads to them; `allOf` is flattened. Anything this stage cannot represent is an error
//! naming the spec and the JSON pointer, never a silent skip. Last, the [`query`] pass
//! reads the fields the OData options document and adds the types `$select` and `$expand`
//! answers decode into.

mod operation;
pub mod query;
mod schema;
mod view;

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};

use crate::error::{Error, ErrorKind, Result};
use crate::ir::{Api, Origin, Owner, SchemaName, Tag, TypeDef, TypeKey};
use crate::load::LoadedSpec;
use crate::pointer;
use crate::version::ApiVersion;

/// Resolves one loaded spec into the IR of the crate `crate_name`.
pub fn resolve(spec: &LoadedSpec, crate_name: &str) -> Result<Api> {
    let mut resolver = Resolver {
        spec,
        owner: Owner::Spec(crate_name.to_owned()),
        schemas: spec
            .document
            .components
            .as_ref()
            .map(|c| &c.schemas)
            .unwrap_or(&EMPTY),
        types: BTreeMap::new(),
        accepted: Vec::new(),
    };
    resolver.components().map_err(|e| e.in_file(&spec.path))?;
    let operations = resolver.operations().map_err(|e| e.in_file(&spec.path))?;
    let info = &spec.document.info;
    let mut api = Api {
        crate_name: crate_name.to_owned(),
        namespace: spec.namespace.clone(),
        version: spec.version.clone(),
        title: info.title.clone(),
        description: info.description.clone(),
        api_version: info.version.clone(),
        file: spec.path.clone(),
        schema_count: resolver.schemas.len(),
        components: resolver
            .schemas
            .keys()
            .map(|name| (name.clone(), resolver.component_key(name)))
            .collect(),
        types: resolver.types,
        operations,
        tags: spec
            .document
            .tags
            .iter()
            .map(|t| Tag {
                name: t.name.clone(),
                description: t.description.clone(),
            })
            .collect(),
        corrections: spec
            .corrections
            .iter()
            .cloned()
            .chain(resolver.accepted)
            .collect(),
    };
    query::add_queries(&mut api);
    Ok(api)
}

static EMPTY: std::sync::LazyLock<indexmap::IndexMap<String, ReferenceOr<Schema>>> =
    std::sync::LazyLock::new(indexmap::IndexMap::new);

/// State of one resolve pass.
pub(crate) struct Resolver<'a> {
    spec: &'a LoadedSpec,
    owner: Owner,
    schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    types: BTreeMap<TypeKey, TypeDef>,
    /// Known mistakes read past without a declared fix (see [`schema::TYPE_ALIASES`]).
    accepted: Vec<crate::ir::Correction>,
}

impl<'a> Resolver<'a> {
    fn components(&mut self) -> Result<()> {
        for (name, schema) in self.schemas {
            self.component(name, schema)?;
        }
        Ok(())
    }

    /// The key of component `name`.
    fn component_key(&self, name: &str) -> TypeKey {
        TypeKey {
            owner: self.owner.clone(),
            schema: self.schema_name(name),
            inline: Vec::new(),
        }
    }

    /// The key for inline schemas of an operation (its parameters and bodies).
    fn operation_key(&self, operation_id: &str) -> TypeKey {
        TypeKey {
            owner: self.owner.clone(),
            schema: SchemaName {
                namespace: self.spec.namespace.clone(),
                version: self.spec.version.clone(),
                modules: Vec::new(),
                name: operation_id.to_owned(),
            },
            inline: Vec::new(),
        }
    }

    /// Splits a dotted component name: namespace, version (`v4.0`, `v4.1.b2`, `v4.0.a3`),
    /// packages and type name. Names without a version segment are taken to be in the
    /// spec's own namespace and version.
    fn schema_name(&self, name: &str) -> SchemaName {
        let parts: Vec<&str> = name.split('.').collect();
        for i in 1..parts.len().saturating_sub(1) {
            // The last segment is the type name, never part of the version.
            let Some((version, used)) = ApiVersion::from_segments(&parts[..parts.len() - 1], i)
            else {
                continue;
            };
            let rest = i + used;
            return SchemaName {
                namespace: parts[..i].join("."),
                version: version.to_string(),
                modules: parts[rest..parts.len() - 1]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
                name: parts[parts.len() - 1].to_owned(),
            };
        }
        SchemaName {
            namespace: self.spec.namespace.clone(),
            version: self.spec.version.clone(),
            modules: parts[..parts.len() - 1]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            name: parts[parts.len() - 1].to_owned(),
        }
    }

    /// The component a `$ref` names, checked to exist.
    fn component_name(&self, reference: &str, at: &str) -> Result<String> {
        let Some(escaped) = reference.strip_prefix("#/components/schemas/") else {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "$ref `{reference}`: only references to #/components/schemas/... are supported"
                ),
            )
            .at(at));
        };
        let name = escaped.replace("~1", "/").replace("~0", "~");
        if !self.schemas.contains_key(&name) {
            return Err(Error::new(
                ErrorKind::DanglingRef,
                format!("$ref `{reference}` points at no schema"),
            )
            .at(at));
        }
        Ok(name)
    }

    fn origin(&self, pointer: &str) -> Origin {
        Origin {
            file: self.spec.path.clone(),
            pointer: pointer.to_owned(),
        }
    }

    /// Pointer of component `name`.
    fn component_pointer(name: &str) -> String {
        pointer(&["components", "schemas", name])
    }
}

/// `key` with `part` appended to its inline path: the hint for a nested schema's name.
fn nested(key: &TypeKey, part: &str) -> TypeKey {
    let mut key = key.clone();
    key.inline.push(part.to_owned());
    key
}

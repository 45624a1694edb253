//! Rust names for the IR's types, modules, fields and variants.
//!
//! Rules (all deterministic):
//! - Modules: each dotted package segment in snake_case. In a spec's crate, its own
//!   namespace and version are dropped (`vmm.v4.0.ahv.config.Vm` is `ahv::config::Vm`);
//!   other namespaces keep theirs with the major version (`prism::v4::config`). A model
//!   module named like a module the generator reserves at the crate root (`api`) gets
//!   `_models` appended.
//! - Types: the schema name in UpperCamelCase, followed by the inline path for nested
//!   schemas (`Image` + `checksum` = `ImageChecksum`), with `T` in front if it would be
//!   empty or start with a digit (`3dShape` is `T3dShape`). A name that would shadow a
//!   prelude item the generated code uses (`Option`, `Result`, `String`...) gets `Type`
//!   appended.
//!   When two types of one module get the same name, a component schema keeps it over a
//!   named inline schema (so that adding an inline schema never renames a component), and
//!   among equals the one whose schema sorts first keeps it; the others get `2`, `3`...
//!   appended. At a spec crate's root, the namespace client's name (`VmmClient`) is taken.
//! - Fields: the property name in snake_case; keywords become raw identifiers (`r#type`);
//!   names that cannot be raw (`self`, `crate`...) get `_` appended; empty names and names
//!   starting with a digit get `field_` in front (`2ndValue` is `field_2nd_value`).
//!   `extras` is the field holding undeclared keys; a property of that name is called
//!   `extras_field`. Clashing properties get `_2`, `_3`... in spec order.
//! - Enum variants: the value in UpperCamelCase (`DISK_IMAGE` is `DiskImage`, `$UNKNOWN` is
//!   `Unknown`), prefixed with `V` if it would start with a digit, `Empty` if nothing is
//!   left, `SelfValue` for `self`; `Unrecognized` is the catch-all for values this SDK does
//!   not know, so a value of that name gets a `2`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::ir::TypeKey;
use crate::layout::{SpecCrate, Workspace};

/// Modules the generator itself puts at the root of a spec crate.
pub const RESERVED_ROOT_MODULES: [&str; 1] = ["api"];

/// Where a type lives in Rust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypePath {
    /// Crate name as used in paths (`ntnx_vmm`).
    pub krate: String,
    /// Module idents below the crate root.
    pub modules: Vec<String>,
    /// Type ident.
    pub name: String,
}

/// The Rust location of every type of the workspace.
#[derive(Debug, Default)]
pub struct Names {
    types: HashMap<TypeKey, TypePath>,
    /// Where a spec crate re-exports a shared type of its own namespace, by crate ident.
    reexports: HashMap<(String, TypeKey), TypePath>,
}

impl Names {
    /// Names every type of `workspace`: the shared crate's first, then the re-exports of
    /// each spec crate (which keep the shared name in their module), then each spec crate's
    /// own types.
    pub fn new(workspace: &Workspace) -> Names {
        let mut names = Names::default();
        let shared = crate_ident(&workspace.shared.name);
        let mut by_module: BTreeMap<Vec<String>, Vec<&TypeKey>> = BTreeMap::new();
        for key in workspace.shared.types.keys() {
            by_module
                .entry(module_path(key, false))
                .or_default()
                .push(key);
        }
        for (modules, keys) in by_module {
            names.name_module(&shared, modules, keys, BTreeSet::new());
        }
        for spec in &workspace.specs {
            names.name_spec_crate(spec);
        }
        names
    }

    /// Names the re-exports and own types of one spec crate.
    fn name_spec_crate(&mut self, spec: &SpecCrate) {
        let krate = crate_ident(&spec.name);
        let mut by_module: BTreeMap<Vec<String>, (Vec<&TypeKey>, Vec<&TypeKey>)> = BTreeMap::new();
        let in_owner = |key: &TypeKey| key.schema.namespace == spec.namespace;
        for key in &spec.reexports {
            by_module
                .entry(module_path(key, in_owner(key)))
                .or_default()
                .0
                .push(key);
        }
        for key in spec.types.keys() {
            by_module
                .entry(module_path(key, in_owner(key)))
                .or_default()
                .1
                .push(key);
        }
        for (modules, (reexports, own)) in by_module {
            let mut taken = BTreeSet::new();
            if modules.is_empty() {
                taken.insert(super::plan::client_name(spec));
            }
            for key in reexports {
                let name = unique(self.path(key).name.clone(), &mut taken);
                let path = TypePath {
                    krate: krate.clone(),
                    modules: modules.clone(),
                    name,
                };
                self.reexports.insert((krate.clone(), key.clone()), path);
            }
            self.name_module(&krate, modules, own, taken);
        }
    }

    /// Names the types of one module; `taken` holds the names already used there.
    fn name_module(
        &mut self,
        krate: &str,
        modules: Vec<String>,
        mut keys: Vec<&TypeKey>,
        mut taken: BTreeSet<String>,
    ) {
        // Components first, then by key (see the module docs).
        keys.sort_by_key(|key| (!key.inline.is_empty(), *key));
        for key in keys {
            let name = unique(type_name(key), &mut taken);
            self.types.insert(
                key.clone(),
                TypePath {
                    krate: krate.to_owned(),
                    modules: modules.clone(),
                    name,
                },
            );
        }
    }

    /// Where `key` lives.
    pub fn path(&self, key: &TypeKey) -> &TypePath {
        self.types
            .get(key)
            .unwrap_or_else(|| panic!("layout placed no type {key}; resolve and layout disagree"))
    }

    /// Where the spec crate `krate` (an ident) re-exports the shared type `key`.
    pub fn reexport(&self, krate: &str, key: &TypeKey) -> &TypePath {
        self.reexports
            .get(&(krate.to_owned(), key.clone()))
            .unwrap_or_else(|| panic!("{krate} re-exports no type {key}"))
    }
}

/// `ntnx-vmm` -> `ntnx_vmm`.
pub fn crate_ident(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// Module idents of `key`: in the spec crate of its own namespace (`in_owner`) only its
/// packages, elsewhere (the shared crate) its namespace and major version first.
fn module_path(key: &TypeKey, in_owner: bool) -> Vec<String> {
    let schema = &key.schema;
    let mut segments: Vec<String> = Vec::new();
    if !in_owner {
        segments.extend(schema.namespace.split('.').map(str::to_owned));
        segments.push(schema.major_version().to_owned());
    }
    segments.extend(schema.modules.iter().cloned());
    let mut modules: Vec<String> = segments.iter().map(|s| module_ident(s)).collect();
    if let Some(first) = modules.first_mut() {
        if RESERVED_ROOT_MODULES.contains(&first.as_str()) {
            first.push_str("_models");
        }
    }
    modules
}

/// A snake_case module ident.
pub fn module_ident(segment: &str) -> String {
    let mut ident = segment.to_snake_case();
    if ident.is_empty() {
        ident = "module".to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'm');
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    ident
}

/// Names the prelude gives meaning to in generated code.
const PRELUDE: [&str; 14] = [
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "From",
    "Self",
    "Clone",
    "PartialEq",
];

fn type_name(key: &TypeKey) -> String {
    let mut name = key.schema.name.to_upper_camel_case();
    for part in &key.inline {
        name.push_str(&part.to_upper_camel_case());
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if PRELUDE.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// `wanted`, or `wanted` with the first free number appended.
pub fn unique(wanted: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// Field idents of a struct's properties, in order; `extras` is reserved.
pub fn field_names<'a>(properties: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: BTreeSet<String> = [EXTRAS_FIELD.to_owned()].into();
    properties
        .into_iter()
        .map(|property| {
            let mut name = snake_ident(property, "field_");
            if name == EXTRAS_FIELD {
                name.push_str("_field");
            }
            unique_snake(name, &mut taken)
        })
        .collect()
}

/// A snake_case ident for `name` (a property, parameter or operationId): `prefix` in front
/// when it would be empty or start with a digit, `_` behind when it is a keyword that cannot
/// be raw (`self`, `super`, `crate`); other keywords become raw idents in [`ident`].
pub fn snake_ident(name: &str, prefix: &str) -> String {
    let mut ident = name.to_snake_case();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    if !can_be_raw(&ident) {
        ident.push('_');
    }
    ident
}

/// `wanted`, or `wanted_N` with the first free `N` (snake_case names keep the `_`).
pub fn unique_snake(wanted: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}_{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The struct field that holds `$objectType`, `$reserved` and undeclared keys.
pub const EXTRAS_FIELD: &str = "extras";

/// The catch-all variant of enums and unions.
pub const UNRECOGNIZED: &str = "Unrecognized";

/// Variant idents for enum values, in order.
pub fn enum_variant_names<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: BTreeSet<String> = [UNRECOGNIZED.to_owned()].into();
    values
        .into_iter()
        .map(|value| {
            let mut name = value.to_upper_camel_case();
            if name.is_empty() {
                name = "Empty".to_owned();
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                name.insert(0, 'V');
            }
            if name == "Self" {
                name.push_str("Value");
            }
            unique(name, &mut taken)
        })
        .collect()
}

/// An identifier token, raw if it is a keyword.
///
/// The rules above give identifiers; a name that is still none (a tag or an operationId
/// starting with a digit, a character no identifier may hold) gets `_` in front and `_` for
/// each such character, so that no spec text makes the generator panic.
pub fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        return if can_be_raw(name) {
            Ident::new_raw(name, Span::call_site())
        } else {
            Ident::new(name, Span::call_site())
        };
    }
    if syn::parse_str::<Ident>(name).is_ok() {
        return Ident::new(name, Span::call_site());
    }
    let fixed: String = std::iter::once('_')
        .chain(name.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }))
        .collect();
    Ident::new(&fixed, Span::call_site())
}

fn can_be_raw(name: &str) -> bool {
    !matches!(name, "self" | "Self" | "super" | "crate" | "_" | "extern")
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

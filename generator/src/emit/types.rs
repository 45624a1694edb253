//! Rust types for IR type references, and facts about them the emitters need.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{ident, Names};
use crate::ir::{Scalar, TypeDef, TypeKey, TypeKind, TypeRef};

/// The module code is being emitted into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Crate ident.
    pub krate: String,
    /// Module idents.
    pub modules: Vec<String>,
}

/// Every type of the workspace, by key, with its Rust name.
pub struct TypeSpace<'w> {
    /// Rust names.
    pub names: Names,
    /// Definitions.
    pub defs: HashMap<TypeKey, &'w TypeDef>,
}

/// JSON shape of a type, as the runtime's union decoder names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonShape {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Any,
}

impl TypeSpace<'_> {
    /// The definition of `key`.
    pub fn def(&self, key: &TypeKey) -> &TypeDef {
        self.defs
            .get(key)
            .unwrap_or_else(|| panic!("layout placed no type {key}; resolve and layout disagree"))
    }

    /// Path to the type `key` as written from `scope`.
    pub fn path(&self, key: &TypeKey, scope: &Scope) -> TokenStream {
        let path = self.names.path(key);
        let name = ident(&path.name);
        if path.krate == scope.krate && path.modules == scope.modules {
            return quote!(#name);
        }
        let root = if path.krate == scope.krate {
            quote!(crate)
        } else {
            let krate = ident(&path.krate);
            quote!(#krate)
        };
        let modules = path.modules.iter().map(|m| ident(m));
        quote!(#root #(:: #modules)* :: #name)
    }

    /// The Rust type of `ty` as written from `scope`.
    pub fn rust_type(&self, ty: &TypeRef, scope: &Scope) -> TokenStream {
        match ty {
            TypeRef::Named(key) => self.path(key, scope),
            TypeRef::Scalar(scalar) => match scalar {
                Scalar::String | Scalar::Date | Scalar::Base64 | Scalar::Binary => quote!(String),
                Scalar::DateTime => quote!(ntnx_runtime::DateTime),
                Scalar::Uuid => quote!(ntnx_runtime::Uuid),
                Scalar::Int32 => quote!(i32),
                Scalar::Int64 => quote!(i64),
                Scalar::Float32 => quote!(f32),
                Scalar::Float64 => quote!(f64),
                Scalar::Boolean => quote!(bool),
            },
            TypeRef::Array(inner) => {
                let inner = self.rust_type(inner, scope);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.rust_type(inner, scope);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            TypeRef::AnyObject => quote!(serde_json::Map<String, serde_json::Value>),
            TypeRef::Any => quote!(serde_json::Value),
        }
    }

    /// The JSON shape values of `ty` have.
    pub fn shape(&self, ty: &TypeRef) -> JsonShape {
        match ty {
            TypeRef::Named(key) => match &self.def(key).kind {
                TypeKind::Struct(_) => JsonShape::Object,
                TypeKind::Enum(_) => JsonShape::String,
                TypeKind::Union(_) => JsonShape::Any,
                TypeKind::Alias(target) => self.shape(target),
            },
            TypeRef::Scalar(scalar) => match scalar {
                Scalar::String
                | Scalar::Date
                | Scalar::DateTime
                | Scalar::Uuid
                | Scalar::Base64
                | Scalar::Binary => JsonShape::String,
                Scalar::Int32 | Scalar::Int64 => JsonShape::Integer,
                Scalar::Float32 | Scalar::Float64 => JsonShape::Number,
                Scalar::Boolean => JsonShape::Boolean,
            },
            TypeRef::Array(_) => JsonShape::Array,
            TypeRef::Map(_) | TypeRef::AnyObject => JsonShape::Object,
            TypeRef::Any => JsonShape::Any,
        }
    }

    /// The struct `ty` names, following aliases.
    pub fn struct_key<'t>(&'t self, ty: &'t TypeRef) -> Option<&'t TypeKey> {
        match ty {
            TypeRef::Named(key) => match &self.def(key).kind {
                TypeKind::Struct(_) => Some(key),
                TypeKind::Alias(target) => self.struct_key(target),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a value of `ty` held directly (not behind a `Vec`, map or `Box`) can contain
    /// a value of type `target`: such a field must be boxed or the type would be infinite.
    pub fn contains(&self, ty: &TypeRef, target: &TypeKey) -> bool {
        let mut seen = HashSet::new();
        self.contains_inner(ty, target, &mut seen)
    }

    fn contains_inner<'k>(
        &'k self,
        ty: &'k TypeRef,
        target: &TypeKey,
        seen: &mut HashSet<&'k TypeKey>,
    ) -> bool {
        let TypeRef::Named(key) = ty else {
            return false;
        };
        if key == target {
            return true;
        }
        if !seen.insert(key) {
            return false;
        }
        match &self.def(key).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .any(|f| self.contains_inner(&f.ty, target, seen)),
            // Struct variants are boxed; others are held directly.
            TypeKind::Union(u) => u
                .variants
                .iter()
                .filter(|v| self.struct_key(v).is_none())
                .any(|v| self.contains_inner(v, target, seen)),
            TypeKind::Alias(inner) => self.contains_inner(inner, target, seen),
            TypeKind::Enum(_) => false,
        }
    }
}

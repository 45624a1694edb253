//! Structs, enums, unions and aliases.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::{code, DocBuilder};
use super::names::{enum_variant_names, field_names, ident, unique, EXTRAS_FIELD, UNRECOGNIZED};
use super::types::{JsonShape, Scope, TypeSpace};
use crate::ir::{
    Enum, Field, QueryRole, Scalar, Struct, TypeDef, TypeKey, TypeKind, TypeRef, Union,
};

/// The items of one type.
pub fn emit_type(space: &TypeSpace<'_>, def: &TypeDef, scope: &Scope) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(space, def, s, scope),
        TypeKind::Enum(e) => emit_enum(space, def, e),
        TypeKind::Union(u) => emit_union(space, def, u, scope),
        TypeKind::Alias(target) => {
            let name = ident(&space.names.path(&def.key).name);
            let target = space.rust_type(target, scope);
            let mut docs = DocBuilder::new();
            docs.docs(&def.docs);
            let docs = docs.attrs_or(&format!("Schema {}.", code(&def.key.to_string())));
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

/// How a field is held.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    /// Required and settable by clients: a plain value.
    Plain,
    /// `nullable: true`: `Nullable<T>`.
    Nullable,
    /// Anything else: `Option<T>`.
    Optional,
}

pub(super) fn presence(field: &Field) -> Presence {
    if field.nullable {
        Presence::Nullable
    } else if field.required && !field.read_only {
        Presence::Plain
    } else {
        Presence::Optional
    }
}

/// Whether `new()` takes the field: it is required and clients set it. A required nullable
/// field is an argument too (as `Nullable<T>`), so that a built value never lacks it.
fn is_argument(plan: &FieldPlan<'_>) -> bool {
    is_constructor_argument(plan.field)
}

/// Whether `new()` takes `field` (see [`is_argument`]).
pub(super) fn is_constructor_argument(field: &Field) -> bool {
    match presence(field) {
        Presence::Plain => true,
        Presence::Nullable => field.required && !field.read_only,
        Presence::Optional => false,
    }
}

/// Whether `new()` takes the field as `impl Into<…>`: text (`String` or `Secret`), so
/// that `&str` works too.
fn takes_into(plan: &FieldPlan<'_>) -> bool {
    plan.presence == Presence::Plain && is_string(&plan.field.ty)
}

/// A field as the emitter needs it.
struct FieldPlan<'f> {
    field: &'f Field,
    ident: proc_macro2::Ident,
    local: proc_macro2::Ident,
    key: Literal,
    presence: Presence,
    /// The value type (inside `Option`/`Nullable`).
    value_type: TokenStream,
    boxed: bool,
    /// Expression of the spec default, if one can be written.
    default: Option<TokenStream>,
}

fn emit_struct(space: &TypeSpace<'_>, def: &TypeDef, s: &Struct, scope: &Scope) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let names = field_names(s.fields.iter().map(|f| f.name.as_str()));
    let plans: Vec<FieldPlan<'_>> = s
        .fields
        .iter()
        .zip(&names)
        .map(|(field, rust_name)| {
            let mut value_type = unboxed_type(space, field, scope);
            let boxed = space.contains(&field.ty, &def.key);
            if boxed {
                value_type = quote!(Box<#value_type>);
            }
            FieldPlan {
                field,
                ident: ident(rust_name),
                local: format_ident!("field_{rust_name}"),
                key: Literal::string(&field.name),
                presence: presence(field),
                default: field.default.as_ref().and_then(|d| {
                    default_expr(space, &field.ty, d, scope, is_secret_string(field), boxed)
                }),
                value_type,
                boxed,
            }
        })
        .collect();

    let fields = plans.iter().map(|plan| {
        let ident = &plan.ident;
        let value_type = &plan.value_type;
        let ty = match plan.presence {
            Presence::Plain => quote!(#value_type),
            Presence::Nullable => quote!(ntnx_runtime::Nullable<#value_type>),
            Presence::Optional => quote!(Option<#value_type>),
        };
        let docs = field_docs(space, plan.field).attrs_or(&format!("`{}`", plan.field.name));
        quote! {
            #docs
            pub #ident: #ty,
        }
    });

    let extras = ident(EXTRAS_FIELD);
    let schema = def.key.to_string();
    let object_type = match &s.wire_name {
        Some(wire) => quote!(Some(#wire)),
        None => quote!(None),
    };
    let revision = match &s.revision {
        Some(revision) => quote!(Some(#revision)),
        None => quote!(None),
    };

    let mut docs = DocBuilder::new();
    docs.docs(&def.docs);
    if let Some(wire) = &s.wire_name {
        docs.note(format!(
            "Schema {}; `$objectType` {}.",
            code(&schema),
            code(wire)
        ));
    } else {
        docs.note(format!("Inline schema at {}.", code(&schema)));
    }
    let docs = docs.attrs_or("");

    // The constructor's arguments: the fields a client must give, plain or nullable.
    let plain: Vec<&FieldPlan<'_>> = plans.iter().filter(|p| is_argument(p)).collect();
    let initial = |plan: &FieldPlan<'_>| -> TokenStream {
        let ident = &plan.ident;
        match (plan.presence, &plan.default) {
            (Presence::Nullable, _) if is_argument(plan) => quote!(#ident),
            (Presence::Plain, _) => match (plan.boxed, takes_into(plan)) {
                (true, true) => quote!(#ident: Box::new(#ident.into())),
                (true, false) => quote!(#ident: Box::new(#ident)),
                (false, true) => quote!(#ident: #ident.into()),
                (false, false) => quote!(#ident),
            },
            (Presence::Nullable, Some(default)) => {
                quote!(#ident: ntnx_runtime::Nullable::Value(#default))
            }
            (Presence::Nullable, None) => quote!(#ident: ntnx_runtime::Nullable::Absent),
            (Presence::Optional, Some(default)) => quote!(#ident: Some(#default)),
            (Presence::Optional, None) => quote!(#ident: None),
        }
    };
    let inits: Vec<TokenStream> = plans.iter().map(initial).collect();
    let has_defaults = plans.iter().any(|p| p.default.is_some());
    let (derive_default, constructor) = if !plain.is_empty() {
        let params = plain.iter().map(|plan| {
            let ident = &plan.ident;
            let ty = if plan.presence == Presence::Nullable {
                let value_type = &plan.value_type;
                quote!(ntnx_runtime::Nullable<#value_type>)
            } else if takes_into(plan) {
                let value_type = unboxed_type(space, plan.field, scope);
                quote!(impl Into<#value_type>)
            } else if plan.boxed {
                unboxed_type(space, plan.field, scope)
            } else {
                plan.value_type.clone()
            };
            quote!(#ident: #ty)
        });
        let allow = (plain.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        (
            quote!(),
            quote! {
                impl #name {
                    /// A value with the required fields given and the optional ones empty, or
                    /// at the spec's default where it declares one.
                    #allow
                    pub fn new(#(#params),*) -> Self {
                        Self {
                            #(#inits,)*
                            #extras: ntnx_runtime::Extras::new(),
                        }
                    }
                }
            },
        )
    } else if has_defaults {
        (
            quote!(),
            quote! {
                impl Default for #name {
                    /// Every field empty, or at the spec's default where it declares one.
                    fn default() -> Self {
                        Self {
                            #(#inits,)*
                            #extras: ntnx_runtime::Extras::new(),
                        }
                    }
                }
            },
        )
    } else {
        (quote!(Default,), quote!())
    };

    let serialize_fields = plans.iter().map(|plan| {
        let ident = &plan.ident;
        let key = &plan.key;
        match plan.presence {
            Presence::Plain => quote! { map.serialize_entry(#key, &self.#ident)?; },
            Presence::Optional => quote! {
                self.#extras.serialize_optional(&mut map, #key, &self.#ident)?;
            },
            Presence::Nullable => quote! {
                if !self.#ident.is_absent() {
                    map.serialize_entry(#key, &self.#ident)?;
                }
            },
        }
    });

    let locals = plans.iter().map(|plan| {
        let local = &plan.local;
        match plan.presence {
            Presence::Nullable => quote! { let mut #local = ntnx_runtime::Nullable::Absent; },
            Presence::Plain | Presence::Optional => quote! { let mut #local = None; },
        }
    });
    let arms = plans.iter().map(|plan| {
        let local = &plan.local;
        let key = &plan.key;
        match plan.presence {
            Presence::Plain => quote! { #key => #local = Some(map.next_value()?), },
            Presence::Optional => {
                quote! { #key => #local = extras.decode_optional(&mut map, #key)?, }
            }
            Presence::Nullable => quote! { #key => #local = map.next_value()?, },
        }
    });
    let dispatch = if plans.is_empty() {
        quote! { extras.decode_entry(key, &mut map, Self::OBJECT_TYPE, Self::REVISION)?; }
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => extras.decode_entry(key, &mut map, Self::OBJECT_TYPE, Self::REVISION)?,
            }
        }
    };
    let builds = plans.iter().map(|plan| {
        let ident = &plan.ident;
        let local = &plan.local;
        let key = &plan.key;
        match plan.presence {
            Presence::Plain => {
                quote! { #ident: ntnx_runtime::model::required(#local, Self::SCHEMA, #key)? }
            }
            Presence::Optional | Presence::Nullable => quote! { #ident: #local },
        }
    });

    let query_impls = query_impls(space, def, s, scope);
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// `$objectType`, `$reserved` and properties this schema does not declare, kept so
            /// that encoding gives back what was decoded.
            pub #extras: ntnx_runtime::Extras,
        }

        #constructor

        impl ntnx_runtime::Model for #name {
            const SCHEMA: &'static str = #schema;
            const OBJECT_TYPE: Option<&'static str> = #object_type;
            const REVISION: Option<&'static str> = #revision;

            fn extras(&self) -> &ntnx_runtime::Extras {
                &self.#extras
            }

            fn extras_mut(&mut self) -> &mut ntnx_runtime::Extras {
                &mut self.#extras
            }

            fn decode_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #(#locals)*
                let mut extras = ntnx_runtime::Extras::decoding();
                while let Some(key) = map.next_key::<ntnx_runtime::model::Key<'de>>()? {
                    #dispatch
                }
                Ok(Self {
                    #(#builds,)*
                    #extras,
                })
            }
        }

        #query_impls

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#serialize_fields)*
                self.#extras.serialize_entries::<Self, _>(&mut map)?;
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(ntnx_runtime::model::ObjectVisitor::<Self>::new())
            }
        }
    }
}

/// What `$select` and `$expand` make of the struct: its projection and expanded type, or
/// (for an expansion) its keys.
fn query_impls(space: &TypeSpace<'_>, def: &TypeDef, s: &Struct, scope: &Scope) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let projection = |projection: TokenStream| {
        quote! {
            impl ntnx_runtime::query::HasProjection for #name {
                type Projection = #projection;
            }
        }
    };
    let expansion = |entity: TypeKey| {
        let expansion = space.path(&entity.expansion(), scope);
        quote! {
            impl ntnx_runtime::query::HasExpansion for #name {
                type Expanded = ntnx_runtime::query::Expanded<Self, #expansion>;
            }
        }
    };
    match s.query {
        QueryRole::Plain => quote!(),
        QueryRole::Entity {
            projection: projected,
            expansion: expanded,
        } => {
            let projected = projected.then(|| projection(space.path(&def.key.projection(), scope)));
            let expanded = expanded.then(|| expansion(def.key.clone()));
            quote! { #projected #expanded }
        }
        QueryRole::Projection {
            expansion: expanded,
        } => {
            let projected = projection(quote!(Self));
            let expanded = expanded.then(|| expansion(def.key.entity()));
            quote! { #projected #expanded }
        }
        QueryRole::Expansion => {
            let keys = s.fields.iter().map(|f| &f.name);
            quote! {
                impl ntnx_runtime::query::Expansion for #name {
                    const KEYS: &'static [&'static str] = &[#(#keys),*];
                }
            }
        }
    }
}

/// A field's value type without `Box`.
fn unboxed_type(space: &TypeSpace<'_>, field: &Field, scope: &Scope) -> TokenStream {
    if is_secret_string(field) {
        quote!(ntnx_runtime::Secret)
    } else {
        space.rust_type(&field.ty, scope)
    }
}

fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Scalar(Scalar::String))
}

/// Whether the field is held as `ntnx_runtime::Secret`: a secret (by format or name) that
/// is a string. Secrets of other types (a `format: password` on an object) keep their type.
pub(super) fn is_secret_string(field: &Field) -> bool {
    field.secret && is_string(&field.ty)
}

fn field_docs(space: &TypeSpace<'_>, field: &Field) -> DocBuilder {
    let mut docs = DocBuilder::new();
    docs.docs(&field.docs);
    if field.docs.title.is_none() && field.docs.description.is_none() {
        // A `$ref` property has no text of its own: say what the referenced type is.
        if let TypeRef::Named(key) = &field.ty {
            let target = space.def(key);
            let text = target
                .docs
                .title
                .as_deref()
                .or(target.docs.description.as_deref());
            match (&target.kind, text) {
                (_, Some(text)) => {
                    docs.text(Some(text));
                }
                (TypeKind::Union(union), None) => {
                    let variants: Vec<String> = union
                        .variants
                        .iter()
                        .map(|v| format!("`{}`", variant_name(space, v)))
                        .collect();
                    docs.note(format!("One of: {}.", variants.join(", ")));
                }
                (_, None) => {}
            }
        }
    }
    let mut notes = Vec::new();
    if field.read_only {
        notes.push("Read-only: set by the server, ignored when sent.".to_owned());
    }
    if field.write_only {
        notes.push("Write-only: never returned by the server.".to_owned());
    }
    if field.required && field.read_only {
        notes.push("The server always returns it.".to_owned());
    }
    if field.nullable {
        notes.push("Nullable: absent, `null` and a value are distinct.".to_owned());
    }
    if !field.required_by.is_empty() {
        let operations: Vec<String> = field.required_by.iter().map(|o| code(o)).collect();
        let noun = if operations.len() == 1 {
            "operation"
        } else {
            "operations"
        };
        notes.push(format!("Required by the {} {noun}.", operations.join(", ")));
    }
    if let Some(default) = &field.default {
        notes.push(format!("Default: {}.", code(&default.to_string())));
    }
    if is_secret_string(field) {
        notes.push("Secret: never shown by `Debug`.".to_owned());
    }
    if !notes.is_empty() {
        docs.note(notes.join(" "));
    }
    docs
}

/// A Rust expression for a spec default, when the default fits the field's type.
fn default_expr(
    space: &TypeSpace<'_>,
    ty: &TypeRef,
    value: &Value,
    scope: &Scope,
    secret: bool,
    boxed: bool,
) -> Option<TokenStream> {
    let expr = match (ty, value) {
        (TypeRef::Scalar(Scalar::Boolean), Value::Bool(b)) => quote!(#b),
        (TypeRef::Scalar(Scalar::Int32), Value::Number(n)) => {
            let n = Literal::i32_suffixed(i32::try_from(n.as_i64()?).ok()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::Int64), Value::Number(n)) => {
            let n = Literal::i64_suffixed(n.as_i64()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::Float32), Value::Number(n)) => {
            let n = Literal::f32_suffixed(n.as_f64()? as f32);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::Float64), Value::Number(n)) => {
            let n = Literal::f64_suffixed(n.as_f64()?);
            quote!(#n)
        }
        (TypeRef::Scalar(Scalar::String | Scalar::Date | Scalar::Base64), Value::String(s)) => {
            if secret {
                quote!(ntnx_runtime::Secret::new(#s))
            } else {
                quote!(String::from(#s))
            }
        }
        (TypeRef::Named(key), Value::String(s)) => match &space.def(key).kind {
            TypeKind::Enum(e) => {
                let path = space.path(key, scope);
                let names = enum_variant_names(e.values.iter().map(|v| v.value.as_str()));
                match e.values.iter().position(|v| &v.value == s) {
                    Some(i) => {
                        let variant = ident(&names[i]);
                        quote!(#path::#variant)
                    }
                    None => {
                        let unrecognized = ident(UNRECOGNIZED);
                        quote!(#path::#unrecognized(String::from(#s)))
                    }
                }
            }
            _ => return None,
        },
        (TypeRef::Array(_), Value::Array(items)) if items.is_empty() => quote!(Vec::new()),
        _ => return None,
    };
    Some(if boxed { quote!(Box::new(#expr)) } else { expr })
}

fn emit_enum(space: &TypeSpace<'_>, def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let names = enum_variant_names(e.values.iter().map(|v| v.value.as_str()));
    let variants: Vec<proc_macro2::Ident> = names.iter().map(|n| ident(n)).collect();
    let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = e.values.iter().map(|v| {
        let mut docs = DocBuilder::new();
        docs.note(format!("{}.", code(&v.value)));
        docs.text(v.description.as_deref());
        docs.attrs_or("")
    });
    let unrecognized = ident(UNRECOGNIZED);
    let mut docs = DocBuilder::new();
    docs.docs(&def.docs);
    docs.note(format!(
        "Schema {}. Values this version of the SDK does not know decode to `{UNRECOGNIZED}` and encode back unchanged.",
        code(&def.key.to_string())
    ));
    let docs = docs.attrs_or("");
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this version of the SDK does not know, kept as received.
            #unrecognized(String),
        }

        impl #name {
            /// The value as on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unrecognized(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    _ => Self::#unrecognized(value.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ntnx_runtime::model::decode_enum(deserializer)
            }
        }
    }
}

/// A union variant as the emitter needs it.
struct VariantPlan {
    ident: proc_macro2::Ident,
    payload: TokenStream,
    /// The payload type (boxed struct variants: the struct).
    inner: TokenStream,
    boxed: bool,
    shape: JsonShape,
    object_type: Option<String>,
    docs: TokenStream,
    /// The payload type appears in no other variant: gets a `From` impl.
    unique_payload: bool,
}

fn emit_union(space: &TypeSpace<'_>, def: &TypeDef, u: &Union, scope: &Scope) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let mut taken = [UNRECOGNIZED.to_owned()].into_iter().collect();
    let mut plans: Vec<VariantPlan> = u
        .variants
        .iter()
        .map(|variant| {
            let variant_name = unique(variant_name(space, variant), &mut taken);
            let inner = space.rust_type(variant, scope);
            let struct_key = space.struct_key(variant);
            let boxed = struct_key.is_some();
            let object_type = struct_key.and_then(|k| match &space.def(k).kind {
                TypeKind::Struct(s) => s.wire_name.clone(),
                _ => None,
            });
            let mut docs = DocBuilder::new();
            match (&object_type, variant) {
                (Some(wire), _) => docs.note(format!("`$objectType` {}.", code(wire))),
                (None, TypeRef::Named(key)) => {
                    docs.note(format!("Schema {}.", code(&key.to_string())))
                }
                (None, _) => docs.note(format!("A JSON {}.", shape_word(space.shape(variant)))),
            };
            VariantPlan {
                ident: ident(&variant_name),
                payload: if boxed {
                    quote!(Box<#inner>)
                } else {
                    inner.clone()
                },
                inner,
                boxed,
                shape: space.shape(variant),
                object_type,
                docs: docs.attrs_or(""),
                unique_payload: true,
            }
        })
        .collect();
    for i in 0..plans.len() {
        let same = plans
            .iter()
            .filter(|p| p.inner.to_string() == plans[i].inner.to_string())
            .count();
        plans[i].unique_payload =
            same == 1 && plans[i].inner.to_string() != quote!(serde_json::Value).to_string();
    }

    let schema = def.key.to_string();
    let variants = plans.iter().map(|p| {
        let (ident, payload, docs) = (&p.ident, &p.payload, &p.docs);
        quote! { #docs #ident(#payload), }
    });
    let table = plans.iter().map(|p| {
        let ident = &p.ident;
        let inner = &p.inner;
        let shape = match p.shape {
            JsonShape::Object => quote!(Object),
            JsonShape::Array => quote!(Array),
            JsonShape::String => quote!(String),
            JsonShape::Integer => quote!(Integer),
            JsonShape::Number => quote!(Number),
            JsonShape::Boolean => quote!(Boolean),
            JsonShape::Any => quote!(Any),
        };
        let object_type = match &p.object_type {
            Some(wire) => quote!(Some(#wire)),
            None => quote!(None),
        };
        let decode = if p.boxed {
            quote! {
                |value| ntnx_runtime::model::union::decode_model::<#inner>(value)
                    .map(|(decoded, fit)| (Self::#ident(Box::new(decoded)), fit))
            }
        } else {
            quote! {
                |value| ntnx_runtime::model::union::decode_plain::<#inner>(value)
                    .map(|(decoded, fit)| (Self::#ident(decoded), fit))
            }
        };
        quote! {
            ntnx_runtime::model::union::Variant {
                shape: ntnx_runtime::model::union::Shape::#shape,
                object_type: #object_type,
                decode: #decode,
            },
        }
    });
    let arrays: Vec<&VariantPlan> = plans
        .iter()
        .filter(|p| p.shape == JsonShape::Array)
        .collect();
    let decode_seq = match arrays.as_slice() {
        [only] => {
            let ident = &only.ident;
            quote! {
                fn decode_seq<'de, A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
                    serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                        .map(Self::#ident)
                }
            }
        }
        _ => quote!(),
    };
    let decode_tagged = decode_tagged(&plans);
    let serialize_arms = plans.iter().map(|p| {
        let ident = &p.ident;
        quote! { Self::#ident(value) => serde::Serialize::serialize(value, serializer), }
    });
    let froms = plans.iter().filter(|p| p.unique_payload).map(|p| {
        let ident = &p.ident;
        let inner = &p.inner;
        let wrap = if p.boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        quote! {
            impl From<#inner> for #name {
                fn from(value: #inner) -> Self {
                    Self::#ident(#wrap)
                }
            }
        }
    });
    let unrecognized = ident(UNRECOGNIZED);
    let mut docs = DocBuilder::new();
    docs.docs(&def.docs);
    docs.note(if u.tagged_by_object_type {
        format!(
            "Schema {}. The variant is chosen by `$objectType`, or by shape when a payload has none.",
            code(&schema)
        )
    } else {
        format!("Schema {}. The variant is chosen by the shape of the JSON value.", code(&schema))
    });
    let docs = docs.attrs_or("");
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value no variant fits, or an `$objectType` this version of the SDK does not
            /// know; kept as received and encoded back unchanged.
            #unrecognized(serde_json::Value),
        }

        impl ntnx_runtime::model::union::Union for #name {
            const SCHEMA: &'static str = #schema;
            const VARIANTS: &'static [ntnx_runtime::model::union::Variant<Self>] = &[
                #(#table)*
            ];

            fn unrecognized(value: serde_json::Value) -> Self {
                Self::#unrecognized(value)
            }

            #decode_seq

            #decode_tagged
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::#unrecognized(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ntnx_runtime::model::union::deserialize(deserializer)
            }
        }

        #(#froms)*
    }
}

/// `decode_tagged` of a union with struct variants: an object whose `$objectType` comes
/// first goes straight to the variant of that name (the first, if several share it).
fn decode_tagged(plans: &[VariantPlan]) -> Option<TokenStream> {
    let mut seen = std::collections::BTreeSet::new();
    let arms: Vec<TokenStream> = plans
        .iter()
        .filter(|p| p.boxed)
        .filter_map(|p| {
            let wire = p.object_type.as_ref()?;
            seen.insert(wire.clone()).then(|| {
                let ident = &p.ident;
                quote! {
                    #wire => Self::#ident(Box::new(ntnx_runtime::model::union::tagged(map)?)),
                }
            })
        })
        .collect();
    if arms.is_empty() {
        return None;
    }
    Some(quote! {
        fn decode_tagged<'de, A: serde::de::MapAccess<'de>>(
            name: &str,
            map: A,
        ) -> Result<Result<Self, A>, A::Error> {
            Ok(Ok(match name {
                #(#arms)*
                _ => return Ok(Err(map)),
            }))
        }
    })
}

fn shape_word(shape: JsonShape) -> &'static str {
    match shape {
        JsonShape::Object => "object",
        JsonShape::Array => "array",
        JsonShape::String => "string",
        JsonShape::Integer => "integer",
        JsonShape::Number => "number",
        JsonShape::Boolean => "boolean",
        JsonShape::Any => "value",
    }
}

/// A variant's name from its type: the type's name, `…List` for arrays, `…Map` for maps.
fn variant_name(space: &TypeSpace<'_>, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(key) => space.names.path(key).name.clone(),
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String => "String",
            Scalar::Date => "Date",
            Scalar::DateTime => "DateTime",
            Scalar::Uuid => "Uuid",
            Scalar::Base64 => "Base64",
            Scalar::Binary => "Binary",
            Scalar::Int32 | Scalar::Int64 => "Integer",
            Scalar::Float32 | Scalar::Float64 => "Number",
            Scalar::Boolean => "Boolean",
        }
        .to_owned(),
        TypeRef::Array(inner) => format!("{}List", variant_name(space, inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(space, inner)),
        TypeRef::AnyObject => "Object".to_owned(),
        TypeRef::Any => "Value".to_owned(),
    }
}

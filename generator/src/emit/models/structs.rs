//! Structs: fields, constructors, decoding and encoding, typed query fields.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::unions::variant_name;
use crate::emit::docs::{code, DocBuilder};
use crate::emit::names::{enum_variant_names, field_names, ident, EXTRAS_FIELD, UNRECOGNIZED};
use crate::emit::types::{Scope, TypeSpace};
use crate::ir::{Field, QueryRole, Scalar, Struct, TypeDef, TypeKey, TypeKind, TypeRef};

/// How a field is held.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::emit) enum Presence {
    /// Required and settable by clients: a plain value.
    Plain,
    /// `nullable: true`: `Nullable<T>`.
    Nullable,
    /// Anything else: `Option<T>`.
    Optional,
}

pub(in crate::emit) fn presence(field: &Field) -> Presence {
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
pub(in crate::emit) fn is_constructor_argument(field: &Field) -> bool {
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

pub(super) fn emit_struct(
    space: &TypeSpace<'_>,
    def: &TypeDef,
    s: &Struct,
    scope: &Scope,
) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let plans = field_plans(space, def, s, scope);
    let docs = struct_docs(def, s);
    let fields = plans.iter().map(|plan| struct_field(space, plan));
    let extras = ident(EXTRAS_FIELD);
    let (derive_default, constructor) = constructor(space, scope, &name, &plans);
    let model = model_impl(&name, def, s, &plans);
    let query_impls = query_impls(space, def, s, scope);
    let serialize = serialize_impl(&name, &plans);
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

        #model

        #query_impls

        #serialize

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(ntnx_runtime::model::ObjectVisitor::<Self>::new())
            }
        }
    }
}

/// How each field of `s` is named, typed (boxed where the type contains itself) and given
/// its default.
fn field_plans<'f>(
    space: &TypeSpace<'_>,
    def: &TypeDef,
    s: &'f Struct,
    scope: &Scope,
) -> Vec<FieldPlan<'f>> {
    let names = field_names(s.fields.iter().map(|f| f.name.as_str()));
    s.fields
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
        .collect()
}

/// The struct's docs: the schema's, then its name and `$objectType`.
fn struct_docs(def: &TypeDef, s: &Struct) -> TokenStream {
    let schema = def.key.to_string();
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
    docs.attrs_or("")
}

/// One public field of the struct, with its docs.
fn struct_field(space: &TypeSpace<'_>, plan: &FieldPlan<'_>) -> TokenStream {
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
}

/// How a value is first built: `new(...)` taking the fields a client must give, or else a
/// hand-written `Default` where the spec declares defaults, or else a derived `Default`
/// (the first part of the pair, for the derive list).
fn constructor(
    space: &TypeSpace<'_>,
    scope: &Scope,
    name: &proc_macro2::Ident,
    plans: &[FieldPlan<'_>],
) -> (TokenStream, TokenStream) {
    let extras = ident(EXTRAS_FIELD);
    let arguments: Vec<&FieldPlan<'_>> = plans.iter().filter(|p| is_argument(p)).collect();
    let inits: Vec<TokenStream> = plans.iter().map(initial_value).collect();
    if !arguments.is_empty() {
        let params = arguments
            .iter()
            .map(|plan| constructor_parameter(space, scope, plan));
        let allow = (arguments.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let constructor = quote! {
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
        };
        (quote!(), constructor)
    } else if plans.iter().any(|p| p.default.is_some()) {
        let default = quote! {
            impl Default for #name {
                /// Every field empty, or at the spec's default where it declares one.
                fn default() -> Self {
                    Self {
                        #(#inits,)*
                        #extras: ntnx_runtime::Extras::new(),
                    }
                }
            }
        };
        (quote!(), default)
    } else {
        (quote!(Default,), quote!())
    }
}

/// A parameter of `new()`: text as `impl Into<…>`, a nullable field as `Nullable<T>`, a
/// boxed one unboxed.
fn constructor_parameter(
    space: &TypeSpace<'_>,
    scope: &Scope,
    plan: &FieldPlan<'_>,
) -> TokenStream {
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
}

/// A field's initializer in `new()` or `default()`: the argument, the spec's default, or
/// empty.
fn initial_value(plan: &FieldPlan<'_>) -> TokenStream {
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
}

/// `impl Model`: the schema's constants, the extras, and decoding from a JSON object.
fn model_impl(
    name: &proc_macro2::Ident,
    def: &TypeDef,
    s: &Struct,
    plans: &[FieldPlan<'_>],
) -> TokenStream {
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
    let decode_map = decode_map(plans);
    quote! {
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

            #decode_map
        }
    }
}

/// `Model::decode_map`: one local per field, a match on each key (what it does not know
/// goes to the extras), then the value, a missing required field an error naming it.
fn decode_map(plans: &[FieldPlan<'_>]) -> TokenStream {
    let extras = ident(EXTRAS_FIELD);
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
    quote! {
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
}

/// `impl Serialize`: the fields in order (an absent optional or nullable one left out),
/// then the extras.
fn serialize_impl(name: &proc_macro2::Ident, plans: &[FieldPlan<'_>]) -> TokenStream {
    let extras = ident(EXTRAS_FIELD);
    let entries = plans.iter().map(|plan| {
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
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                self.#extras.serialize_entries::<Self, _>(&mut map)?;
                map.end()
            }
        }
    }
}

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
pub(in crate::emit) fn is_secret_string(field: &Field) -> bool {
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

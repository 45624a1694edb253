//! `oneOf` unions: variants chosen by `$objectType` or by shape, an `Unrecognized` catch-all.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{code, DocBuilder};
use crate::emit::names::{ident, unique, UNRECOGNIZED};
use crate::emit::types::{JsonShape, Scope, TypeSpace};
use crate::ir::{Scalar, TypeDef, TypeKind, TypeRef, Union};

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

pub(super) fn emit_union(
    space: &TypeSpace<'_>,
    def: &TypeDef,
    u: &Union,
    scope: &Scope,
) -> TokenStream {
    let name = ident(&space.names.path(&def.key).name);
    let plans = variant_plans(space, u, scope);
    let schema = def.key.to_string();
    let docs = union_docs(def, u);
    let variants = plans.iter().map(|p| {
        let (ident, payload, docs) = (&p.ident, &p.payload, &p.docs);
        quote! { #docs #ident(#payload), }
    });
    let table = plans.iter().map(variant_entry);
    let decode_seq = decode_seq(&plans);
    let decode_tagged = decode_tagged(&plans);
    let serialize_arms = plans.iter().map(|p| {
        let ident = &p.ident;
        quote! { Self::#ident(value) => serde::Serialize::serialize(value, serializer), }
    });
    let froms = plans
        .iter()
        .filter(|p| p.unique_payload)
        .map(|p| from_payload(&name, p));
    let unrecognized = ident(UNRECOGNIZED);
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

/// How each variant of `u` is named (never `Unrecognized`), typed (struct payloads boxed),
/// documented and told apart, and whether its payload type is its alone.
fn variant_plans(space: &TypeSpace<'_>, u: &Union, scope: &Scope) -> Vec<VariantPlan> {
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
    plans
}

/// The union's docs: the schema's, then how a variant is chosen.
fn union_docs(def: &TypeDef, u: &Union) -> TokenStream {
    let schema = def.key.to_string();
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
    docs.attrs_or("")
}

/// A variant's entry in the `Union::VARIANTS` table: its JSON shape, its `$objectType`,
/// and how to decode it from a buffered value.
fn variant_entry(plan: &VariantPlan) -> TokenStream {
    let ident = &plan.ident;
    let inner = &plan.inner;
    let shape = match plan.shape {
        JsonShape::Object => quote!(Object),
        JsonShape::Array => quote!(Array),
        JsonShape::String => quote!(String),
        JsonShape::Integer => quote!(Integer),
        JsonShape::Number => quote!(Number),
        JsonShape::Boolean => quote!(Boolean),
        JsonShape::Any => quote!(Any),
    };
    let object_type = match &plan.object_type {
        Some(wire) => quote!(Some(#wire)),
        None => quote!(None),
    };
    let decode = if plan.boxed {
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
}

/// `Union::decode_seq` when exactly one variant is an array: a JSON array decodes straight
/// into it, unbuffered.
fn decode_seq(plans: &[VariantPlan]) -> TokenStream {
    let arrays: Vec<&VariantPlan> = plans
        .iter()
        .filter(|p| p.shape == JsonShape::Array)
        .collect();
    match arrays.as_slice() {
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
    }
}

/// `impl From<Payload> for Union`, for a variant whose payload type is its alone.
fn from_payload(name: &proc_macro2::Ident, plan: &VariantPlan) -> TokenStream {
    let ident = &plan.ident;
    let inner = &plan.inner;
    let wrap = if plan.boxed {
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
pub(super) fn variant_name(space: &TypeSpace<'_>, ty: &TypeRef) -> String {
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

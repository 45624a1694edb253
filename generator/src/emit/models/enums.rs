//! String enums, with their `Unrecognized` catch-all.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{code, DocBuilder};
use crate::emit::names::{enum_variant_names, ident, UNRECOGNIZED};
use crate::emit::types::TypeSpace;
use crate::ir::{Enum, TypeDef};

pub(super) fn emit_enum(space: &TypeSpace<'_>, def: &TypeDef, e: &Enum) -> TokenStream {
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

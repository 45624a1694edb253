//! Structs, enums, unions and aliases: one file per kind of type.

mod enums;
mod structs;
mod unions;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, DocBuilder};
use super::names::ident;
use super::types::{Scope, TypeSpace};
use crate::ir::{TypeDef, TypeKind};

pub(super) use structs::{is_constructor_argument, is_secret_string, presence, Presence};

/// The items of one type.
pub fn emit_type(space: &TypeSpace<'_>, def: &TypeDef, scope: &Scope) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => structs::emit_struct(space, def, s, scope),
        TypeKind::Enum(e) => enums::emit_enum(space, def, e),
        TypeKind::Union(u) => unions::emit_union(space, def, u, scope),
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

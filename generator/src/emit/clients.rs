//! Typed clients: one module per tag under `api`, one request builder per operation.
//!
//! Shape of the output for the vmm spec:
//! - `api::VmmClient` (re-exported at the crate root) wraps an `ntnx_runtime::Client`;
//!   `vmm.images()` returns `api::images::ImagesApi`, whose methods are the operations of
//!   the `Images` tag, named after their operationIds (`list_images`).
//! - A method takes the operation's required parameters (path parameters, required query and
//!   header parameters, the body) and returns a request builder (`ListImagesRequest`) with a
//!   setter per optional parameter and `send()`; list operations also get `pages()` and
//!   `items()` streams.
//! - `NTNX-Request-Id` and `If-Match` headers are not ordinary parameters: the runtime creates
//!   the request id once per call (a caller may supply one), and `If-Match` comes from the
//!   body's ETag (kept from the response it was fetched with) unless given explicitly.
//!
//! Operations with the same operationId under different tags (vmm's `listVmStats` under
//! `Stats` and `EsxiStats`) live in different tag modules, so both keep their names. What is
//! an argument and what a setter is decided in [`super::plan`].

use proc_macro2::TokenStream;
use quote::quote;

use super::builders::operation_items;
use super::docs::{code, sanitize, DocBuilder};
use super::names::{crate_ident, ident};
use super::plan::{client_name, common_metadata, TagPlan, API_MODULE};
use super::types::{Scope, TypeSpace};
use crate::error::Result;
use crate::ir::TypeRef;
use crate::layout::SpecCrate;

/// A module the clients add to a spec crate.
pub struct ClientModule {
    /// Module idents from the crate root.
    pub path: Vec<String>,
    /// Its doc comment.
    pub docs: String,
    /// Its items.
    pub items: TokenStream,
}

/// Everything the clients add to a spec crate.
pub struct Clients {
    /// Items for `lib.rs` (the re-export of the namespace client).
    pub root_items: TokenStream,
    /// The `api` module and one module per tag.
    pub modules: Vec<ClientModule>,
}

/// The clients of `spec`.
pub fn clients(space: &TypeSpace<'_>, spec: &SpecCrate, tags: &[TagPlan<'_>]) -> Result<Clients> {
    let krate = crate_ident(&spec.name);
    let metadata = common_metadata(spec);
    let client = ident(&client_name(spec));

    let mut modules = Vec::new();
    let mut accessors = Vec::new();
    for tag in tags {
        let scope = Scope {
            krate: krate.clone(),
            modules: vec![API_MODULE.to_owned(), tag.module.clone()],
        };
        let mut docs = DocBuilder::new();
        docs.note(format!("Operations tagged {}.", code(tag.tag)));
        docs.text(tag.description);
        let (module, api) = (ident(&tag.module), ident(&tag.api));
        let accessor_docs = docs.attrs_or("");
        accessors.push(quote! {
            #accessor_docs
            pub fn #module(&self) -> #module::#api {
                #module::#api::new(self.client.clone())
            }
        });
        modules.push(ClientModule {
            path: vec![API_MODULE.to_owned(), tag.module.clone()],
            docs: docs.plain(),
            items: tag_module(space, spec, tag, &scope, metadata)?,
        });
    }

    let alias = metadata.map(|metadata| {
        let scope = Scope {
            krate: krate.clone(),
            modules: vec![API_MODULE.to_owned()],
        };
        let metadata = space.rust_type(metadata, &scope);
        quote! {
            /// A response of this namespace: `data` of type `D` with the standard metadata,
            /// plus the HTTP status, headers, request id and ETag.
            pub type ApiResponse<D> = ntnx_runtime::ApiResponse<D, #metadata>;
        }
    });
    let client_docs = format!(
        "Client for the `{}` namespace ({} {}): one accessor per tag.",
        spec.namespace,
        sanitize(&spec.title),
        spec.version
    );
    let api_items = quote! {
        #alias

        #[doc = #client_docs]
        ///
        /// Cheap to clone; clones share the connection pool and credentials of the
        /// `ntnx_runtime::Client` it was made from, which may also serve other namespaces.
        #[derive(Clone, Debug)]
        pub struct #client {
            client: ntnx_runtime::Client,
        }

        impl #client {
            /// A client for this namespace over `client`.
            pub fn new(client: ntnx_runtime::Client) -> Self {
                Self { client }
            }

            /// The underlying runtime client.
            pub fn runtime(&self) -> &ntnx_runtime::Client {
                &self.client
            }

            #(#accessors)*
        }
    };
    modules.insert(
        0,
        ClientModule {
            path: vec![API_MODULE.to_owned()],
            docs: format!(
                "Clients for the operations of `{}` {}, one module per tag.",
                spec.namespace, spec.version
            ),
            items: api_items,
        },
    );
    let api = ident(API_MODULE);
    Ok(Clients {
        root_items: quote! { pub use #api::#client; },
        modules,
    })
}

fn tag_module(
    space: &TypeSpace<'_>,
    spec: &SpecCrate,
    tag: &TagPlan<'_>,
    scope: &Scope,
    metadata: Option<&TypeRef>,
) -> Result<TokenStream> {
    let mut methods = Vec::new();
    let mut items = Vec::new();
    for operation in &tag.operations {
        let items_of = operation_items(space, operation, scope, metadata);
        methods.push(items_of.tag_method);
        items.push(items_of.builder);
    }
    let helpers = super::tasks::task_helpers(space, spec, tag, scope);
    let api = ident(&tag.api);
    let api_docs = format!(" Operations tagged {}.", code(tag.tag));
    Ok(quote! {
        #[doc = #api_docs]
        #[derive(Clone, Debug)]
        pub struct #api {
            client: ntnx_runtime::Client,
        }

        impl #api {
            /// These operations over `client`.
            pub fn new(client: ntnx_runtime::Client) -> Self {
                Self { client }
            }

            #(#methods)*

            #helpers
        }

        #(#items)*
    })
}

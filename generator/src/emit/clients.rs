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

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::docs::{code, sanitize, DocBuilder};
use super::names::{crate_ident, ident};
use super::plan::{
    client_name, common_metadata, page_limit, BodyKind, BodyPlan, Convert, OperationPlan,
    ParamPlan, ResponseKind, TagPlan, API_MODULE,
};
use super::types::{Scope, TypeSpace};
use crate::error::Result;
use crate::ir::{Operation, Parameter, ParameterLocation, TypeRef};
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
            items: tag_module(space, tag, &scope, metadata)?,
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
    tag: &TagPlan<'_>,
    scope: &Scope,
    metadata: Option<&TypeRef>,
) -> Result<TokenStream> {
    let mut methods = Vec::new();
    let mut items = Vec::new();
    for operation in &tag.operations {
        let (method, builder) = operation_items(space, operation, scope, metadata);
        methods.push(method);
        items.push(builder);
    }
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
        }

        #(#items)*
    })
}

/// The argument type of a parameter's method or setter.
fn argument_type(space: &TypeSpace<'_>, param: &ParamPlan<'_>, scope: &Scope) -> TokenStream {
    match param.convert {
        Convert::Into => quote!(impl Into<String>),
        Convert::Display => quote!(impl std::fmt::Display),
        Convert::Same => space.rust_type(&param.parameter.ty, scope),
    }
}

/// `value` converted to the stored type.
fn converted(convert: Convert, value: &Ident) -> TokenStream {
    match convert {
        Convert::Into => quote!(#value.into()),
        Convert::Display => quote!(#value.to_string()),
        Convert::Same => quote!(#value),
    }
}

/// The type `send()` returns.
fn output_type(
    space: &TypeSpace<'_>,
    response: &ResponseKind<'_>,
    scope: &Scope,
    common_metadata: Option<&TypeRef>,
) -> TokenStream {
    match response {
        ResponseKind::Envelope { data, metadata } => {
            let data = space.rust_type(data, scope);
            match metadata {
                Some(metadata) if Some(*metadata) == common_metadata => {
                    quote!(crate::api::ApiResponse<#data>)
                }
                Some(metadata) => {
                    let metadata = space.rust_type(metadata, scope);
                    quote!(ntnx_runtime::ApiResponse<#data, #metadata>)
                }
                None => quote!(ntnx_runtime::ApiResponse<#data, serde_json::Value>),
            }
        }
        ResponseKind::Json(ty) => {
            let ty = space.rust_type(ty, scope);
            quote!(ntnx_runtime::Response<#ty>)
        }
        ResponseKind::Stream => quote!(ntnx_runtime::Response<ntnx_runtime::ByteStream>),
        ResponseKind::Empty => quote!(ntnx_runtime::Response<()>),
    }
}

/// The tag method and the request builder of one operation.
fn operation_items(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    metadata: Option<&TypeRef>,
) -> (TokenStream, TokenStream) {
    let operation = plan.operation;
    let builder = ident(&plan.builder);
    let method = ident(&plan.method);
    let static_name = ident(&format!("{}_OPERATION", plan.method.to_uppercase()));
    let body_type = plan.body.as_ref().map(|body| body_type(space, body, scope));

    // The tag method: required parameters and the body as arguments.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in &plan.params {
        let field = ident(&param.field);
        if param.required {
            let ty = argument_type(space, param, scope);
            args.push(quote!(#field: #ty));
            inits.push(match param.convert {
                Convert::Same => quote!(#field),
                convert => {
                    let value = converted(convert, &field);
                    quote!(#field: #value)
                }
            });
        } else {
            inits.push(quote!(#field: None));
        }
    }
    if let (Some(body), Some(ty)) = (&plan.body, &body_type) {
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: None));
        }
    }
    if plan.takes_request_id {
        inits.push(quote!(request_id: None));
    }
    if plan.takes_if_match {
        inits.push(quote!(if_match: None));
    }
    let method_docs = operation_docs(operation).attrs_or("");
    let deprecated = operation
        .docs
        .deprecated
        .then(|| quote!(#[deprecated(note = "the API marks this operation deprecated")]));
    let tag_method = quote! {
        #method_docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    };

    // The builder: a field per parameter, a setter per optional one.
    let mut fields = vec![quote!(client: ntnx_runtime::Client)];
    let mut setters = Vec::new();
    for param in &plan.params {
        let field = ident(&param.field);
        let ty = space.rust_type(&param.parameter.ty, scope);
        if param.required {
            fields.push(quote!(#field: #ty));
            continue;
        }
        fields.push(quote!(#field: Option<#ty>));
        let arg = argument_type(space, param, scope);
        let value = converted(param.convert, &ident("value"));
        let docs = param_docs(param.parameter).attrs_or(&format!("`{}`", param.parameter.name));
        setters.push(quote! {
            #docs
            pub fn #field(mut self, value: #arg) -> Self {
                self.#field = Some(#value);
                self
            }
        });
    }
    if let (Some(body), Some(ty)) = (&plan.body, &body_type) {
        if body.required {
            fields.push(quote!(body: #ty));
        } else {
            fields.push(quote!(body: Option<#ty>));
            setters.push(quote! {
                /// The request body.
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
    }
    if plan.takes_request_id {
        fields.push(quote!(request_id: Option<ntnx_runtime::Uuid>));
        setters.push(quote! {
            /// Sends this `NTNX-Request-Id` instead of a fresh one. The server uses it to make
            /// retries of the same call idempotent; the runtime reuses it on every attempt.
            pub fn request_id(mut self, value: ntnx_runtime::Uuid) -> Self {
                self.request_id = Some(value);
                self
            }
        });
    }
    if plan.takes_if_match {
        fields.push(quote!(if_match: Option<String>));
        setters.push(quote! {
            /// Sends this `If-Match` ETag instead of the one kept with the body (from the
            /// response it was fetched with).
            pub fn if_match(mut self, value: impl Into<String>) -> Self {
                self.if_match = Some(value.into());
                self
            }
        });
    }

    let build = build_request(space, plan, &static_name);
    let output = output_type(space, &plan.response, scope, metadata);
    // A fetched entity keeps the response's ETag, for the `If-Match` of its update.
    let keeps_etag = operation.method == crate::ir::Method::Get;
    let send = match &plan.response {
        ResponseKind::Envelope { data, .. } if keeps_etag && space.struct_key(data).is_some() => {
            quote! {
                let mut response: #output = self.client.send_envelope(request).await?;
                response.attach_etag();
                Ok(response)
            }
        }
        ResponseKind::Envelope { .. } => quote! { self.client.send_envelope(request).await },
        ResponseKind::Json(_) => quote! { self.client.send_json(request).await },
        ResponseKind::Stream => quote! { self.client.send_stream(request).await },
        ResponseKind::Empty => quote! { self.client.send_empty(request).await },
    };
    let paging = plan.paged_item.map(|item| {
        let item = space.rust_type(item, scope);
        let limit = Literal::i32_suffixed(page_limit(operation));
        quote! {
            /// Every page, walking `$page` from 0 with this builder's `$limit` (or the
            /// largest the API allows) until the last; the builder's own `$page` is ignored.
            pub fn pages(self) -> impl ntnx_runtime::Stream<Item = Result<#output, ntnx_runtime::Error>> + Send + 'static {
                let limit = self.limit.unwrap_or(#limit);
                ntnx_runtime::paginate::pages(limit, move |page, limit| self.clone().page(page).limit(limit).send())
            }

            /// Every item of every page (see [`Self::pages`]).
            pub fn items(self) -> impl ntnx_runtime::Stream<Item = Result<#item, ntnx_runtime::Error>> + Send + 'static {
                let limit = self.limit.unwrap_or(#limit);
                ntnx_runtime::paginate::items(limit, move |page, limit| self.clone().page(page).limit(limit).send())
            }
        }
    });
    let send_as = select_send_as(space, plan, scope, metadata);
    let (id, path) = (&operation.id, &operation.path);
    let http_method = ident(operation.method.as_str());
    let docs = DocBuilder::new()
        .note(format!(
            "Request builder for {} (`{} {}`): set optional parameters, then `send()`.",
            code(id),
            operation.method.as_str(),
            operation.path
        ))
        .attrs_or("");
    let builder_items = quote! {
        static #static_name: ntnx_runtime::Operation = ntnx_runtime::Operation {
            id: #id,
            method: ntnx_runtime::http::Method::#http_method,
            path: #path,
        };

        #docs
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            #(#fields,)*
        }

        impl #builder {
            #(#setters)*

            /// Sends the request (retrying as the client is configured to) and decodes the
            /// response.
            pub async fn send(self) -> Result<#output, ntnx_runtime::Error> {
                let request = self.request()?;
                #send
            }

            #send_as

            #paging

            /// The runtime request for the builder's current parameters.
            fn request(&self) -> Result<ntnx_runtime::Request, ntnx_runtime::Error> {
                #(#build)*
                Ok(request)
            }
        }
    };
    (tag_method, builder_items)
}

/// `send_as()` for operations that take `$select`: a selection leaves out fields, required
/// ones too, so the declared type may not decode what comes back.
fn select_send_as(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    common_metadata: Option<&TypeRef>,
) -> Option<TokenStream> {
    let takes_select = plan
        .params
        .iter()
        .any(|p| p.parameter.location == ParameterLocation::Query && p.parameter.name == "$select");
    let ResponseKind::Envelope { metadata, .. } = &plan.response else {
        return None;
    };
    if !takes_select {
        return None;
    }
    let metadata = match metadata {
        Some(metadata) if Some(*metadata) == common_metadata => quote!(crate::api::ApiResponse<D>),
        Some(metadata) => {
            let metadata = space.rust_type(metadata, scope);
            quote!(ntnx_runtime::ApiResponse<D, #metadata>)
        }
        None => quote!(ntnx_runtime::ApiResponse<D, serde_json::Value>),
    };
    Some(quote! {
        /// Sends the request and decodes `data` as `D` instead of the declared type. With
        /// `$select` the server returns only the selected fields, and may leave out fields
        /// the declared type requires: decode into a struct of your own with just those
        /// fields, or into `serde_json::Value`.
        pub async fn send_as<D: serde::de::DeserializeOwned>(self) -> Result<#metadata, ntnx_runtime::Error> {
            self.client.send_envelope(self.request()?).await
        }
    })
}

fn body_type(space: &TypeSpace<'_>, body: &BodyPlan<'_>, scope: &Scope) -> TokenStream {
    match body.kind {
        BodyKind::Json(ty) => space.rust_type(ty, scope),
        BodyKind::Multipart => quote!(ntnx_runtime::Multipart),
        BodyKind::Bytes => quote!(ntnx_runtime::bytes::Bytes),
        BodyKind::Text => quote!(String),
    }
}

/// Statements building `request` from the builder's fields.
fn build_request(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    static_name: &Ident,
) -> Vec<TokenStream> {
    let mut build = vec![quote! { let mut request = ntnx_runtime::Request::new(&#static_name); }];
    for param in &plan.params {
        let field = ident(&param.field);
        let name = &param.parameter.name;
        let call = match param.parameter.location {
            ParameterLocation::Path => quote!(path_param),
            ParameterLocation::Query => quote!(query),
            // Cookies are refused by the plan.
            ParameterLocation::Header | ParameterLocation::Cookie => quote!(header),
        };
        let is_array = matches!(param.parameter.ty, TypeRef::Array(_));
        let add = |value: TokenStream| {
            if is_array && param.parameter.explode {
                quote! { for item in #value { request = request.#call(#name, item); } }
            } else if is_array {
                quote! {
                    let joined: Vec<String> = #value.iter().map(ToString::to_string).collect();
                    request = request.#call(#name, joined.join(","));
                }
            } else {
                quote! { request = request.#call(#name, #value); }
            }
        };
        build.push(if param.required {
            add(quote!(&self.#field))
        } else {
            let add = add(quote!(value));
            quote! { if let Some(value) = &self.#field { #add } }
        });
    }
    if plan.takes_request_id {
        build.push(quote! {
            if let Some(id) = self.request_id {
                request = request.request_id(id);
            }
        });
    }
    if plan.takes_if_match {
        let from_body = match &plan.body {
            Some(body) if body.required && body.is_model(space) => {
                quote!(.or_else(|| ntnx_runtime::Model::etag(&self.body)))
            }
            Some(body) if body.is_model(space) => {
                quote!(.or_else(|| self.body.as_ref().and_then(ntnx_runtime::Model::etag)))
            }
            _ => quote!(),
        };
        build.push(quote! {
            match self.if_match.as_deref() #from_body {
                Some(etag) => request = request.if_match(etag),
                None => return Err(ntnx_runtime::Error::missing_if_match(&#static_name)),
            }
        });
    }
    if let Some(body) = &plan.body {
        let attach = |value: TokenStream| {
            let media_type = body.media_type;
            match body.kind {
                BodyKind::Json(_) => quote! { request = request.json_body(#value)?; },
                BodyKind::Multipart => quote! { request = request.multipart_body(#value.clone()); },
                BodyKind::Bytes => {
                    quote! { request = request.bytes_body(#media_type, #value.clone()); }
                }
                BodyKind::Text => {
                    quote! { request = request.text_body(#media_type, #value.clone()); }
                }
            }
        };
        build.push(if body.required {
            attach(quote!(&self.body))
        } else {
            let attach = attach(quote!(body));
            quote! { if let Some(body) = &self.body { #attach } }
        });
    }
    if build.len() == 1 {
        // Nothing to add: the request is used as created.
        build[0] = quote! { let request = ntnx_runtime::Request::new(&#static_name); };
    }
    build
}

fn operation_docs(operation: &Operation) -> DocBuilder {
    let mut docs = DocBuilder::new();
    docs.text(operation.summary.as_deref());
    docs.docs(&operation.docs);
    docs.note(format!(
        "`{} {}` (operation {}).",
        operation.method.as_str(),
        operation.path,
        code(&operation.id)
    ));
    if !operation.permissions.is_empty() {
        docs.note(format!(
            "Roles allowed: {}.",
            sanitize(&operation.permissions.join(", "))
        ));
    }
    if let Some(rate_limit) = &operation.rate_limit {
        docs.note(format!("Rate limit: {}.", sanitize(rate_limit)));
    }
    docs
}

fn param_docs(parameter: &Parameter) -> DocBuilder {
    let mut docs = DocBuilder::new();
    docs.docs(&parameter.docs);
    if let Some(default) = &parameter.default {
        docs.note(format!("Server default: {}.", code(&default.to_string())));
    }
    docs
}

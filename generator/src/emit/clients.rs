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
//! `Stats` and `EsxiStats`) live in different tag modules, so both keep their names.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::docs::{code, DocBuilder};
use super::names::{crate_ident, ident, unique};
use super::types::{JsonShape, Scope, TypeSpace};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{
    Body, Constraint, Content, Operation, Parameter, ParameterLocation, StatusSpec, TypeKind,
    TypeRef,
};
use crate::layout::SpecCrate;

/// The module holding the clients.
pub const API_MODULE: &str = "api";

/// Query parameters that take OData expressions (or any displayable builder).
const EXPRESSION_PARAMETERS: [&str; 5] = ["$filter", "$orderby", "$select", "$expand", "$apply"];

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
pub fn clients(space: &TypeSpace<'_>, spec: &SpecCrate) -> Result<Clients> {
    let krate = crate_ident(&spec.name);
    let mut by_tag: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for operation in &spec.operations {
        by_tag
            .entry(operation.tag.clone())
            .or_default()
            .push(operation);
    }
    // Tag module idents, unique and stable.
    let mut taken_modules = BTreeSet::new();
    let mut tags = Vec::new();
    for (tag, operations) in &by_tag {
        let module = unique(module_ident(tag), &mut taken_modules);
        tags.push((tag.as_str(), module, operations));
    }

    let metadata = common_metadata(spec);
    let client_name = ident(&format!("{}Client", spec.namespace.to_upper_camel_case()));
    let mut modules = Vec::new();
    let mut accessors = Vec::new();
    for (tag, module, operations) in &tags {
        let module_ident_tokens = ident(module);
        let api_name = ident(&format!("{}Api", tag.to_upper_camel_case()));
        let description = spec
            .tags
            .iter()
            .find(|t| t.name == *tag)
            .and_then(|t| t.description.clone());
        let scope = Scope {
            krate: krate.clone(),
            modules: vec![API_MODULE.to_owned(), module.clone()],
        };
        let items = tag_module(space, tag, &api_name, operations, &scope, metadata.as_ref())?;
        let mut docs = DocBuilder::new();
        docs.note(format!("Operations tagged {}.", code(tag)));
        docs.text(description.as_deref());
        modules.push(ClientModule {
            path: vec![API_MODULE.to_owned(), module.clone()],
            docs: docs.plain(),
            items,
        });
        let accessor = ident(module);
        let accessor_docs = DocBuilder::new()
            .note(format!("Operations tagged {}.", code(tag)))
            .text(description.as_deref())
            .attrs_or("");
        accessors.push(quote! {
            #accessor_docs
            pub fn #accessor(&self) -> #module_ident_tokens::#api_name {
                #module_ident_tokens::#api_name::new(self.client.clone())
            }
        });
    }
    let client_docs = format!(
        "Client for the `{}` namespace ({} {}): one accessor per tag.",
        spec.namespace,
        super::docs::sanitize(&spec.title),
        spec.version
    );
    let alias = metadata.as_ref().map(|metadata| {
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
    let items = quote! {
        #alias

        #[doc = #client_docs]
        ///
        /// Cheap to clone; clones share the connection pool and credentials of the
        /// `ntnx_runtime::Client` it was made from, which may also serve other namespaces.
        #[derive(Clone, Debug)]
        pub struct #client_name {
            client: ntnx_runtime::Client,
        }

        impl #client_name {
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
    let api = ident(API_MODULE);
    Ok(Clients {
        root_items: quote! { pub use #api::#client_name; },
        modules: vec![ClientModule {
            path: vec![API_MODULE.to_owned()],
            docs: format!(
                "Clients for the operations of `{}` {}, one module per tag.",
                spec.namespace, spec.version
            ),
            items,
        }]
        .into_iter()
        .chain(modules)
        .collect(),
    })
}

/// The `metadata` type every envelope response of `spec` uses, if they all use one.
fn common_metadata(spec: &SpecCrate) -> Option<TypeRef> {
    let mut found: Option<&TypeRef> = None;
    for content in spec
        .operations
        .iter()
        .flat_map(|o| &o.responses)
        .flat_map(|r| &r.content)
    {
        if let Body::Envelope {
            metadata: Some(metadata),
            ..
        } = &content.body
        {
            match found {
                None => found = Some(metadata),
                Some(seen) if seen == metadata => {}
                Some(_) => return None,
            }
        }
    }
    found.cloned()
}

fn module_ident(tag: &str) -> String {
    let mut name = tag.to_snake_case();
    if name.is_empty() {
        name = "default".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 't');
    }
    name
}

/// How a parameter reaches the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A required parameter: an argument of the tag method.
    Required,
    /// An optional parameter: a builder setter.
    Optional,
}

/// A parameter as the emitter needs it.
struct ParamPlan<'p> {
    parameter: &'p Parameter,
    field: Ident,
    role: Role,
    /// The stored type.
    ty: TokenStream,
    /// The argument type of the method or setter.
    arg: TokenStream,
    /// How the argument becomes the stored value.
    convert: Convert,
}

/// How an argument becomes a stored parameter value.
#[derive(Clone, Copy)]
enum Convert {
    /// `impl Into<String>`: `.into()`.
    Into,
    /// `impl Display` (OData expressions): `.to_string()`.
    Display,
    /// Stored as given.
    Same,
}

impl Convert {
    fn apply(self, value: &Ident) -> TokenStream {
        match self {
            Convert::Into => quote!(#value.into()),
            Convert::Display => quote!(#value.to_string()),
            Convert::Same => quote!(#value),
        }
    }
}

/// The success response and how to send for it.
struct ResponsePlan {
    /// Return type of `send`.
    output: TokenStream,
    /// `send` body after the request is built (uses `request`).
    send: TokenStream,
    /// Item type when the operation pages.
    page: Option<TokenStream>,
}

fn tag_module(
    space: &TypeSpace<'_>,
    tag: &str,
    api_name: &Ident,
    operations: &[&Operation],
    scope: &Scope,
    metadata: Option<&TypeRef>,
) -> Result<TokenStream> {
    let mut methods = Vec::new();
    let mut items = Vec::new();
    let mut taken_methods = BTreeSet::new();
    let mut taken_types = BTreeSet::from([api_name.to_string()]);
    for operation in operations {
        let method_name = unique(method_ident(&operation.id), &mut taken_methods);
        let builder_name = unique(
            format!("{}Request", operation.id.to_upper_camel_case()),
            &mut taken_types,
        );
        let (method, builder) = operation_items(
            space,
            operation,
            &method_name,
            &builder_name,
            scope,
            metadata,
        )
        .map_err(|e| {
            e.at(&operation.origin.pointer)
                .in_file(&operation.origin.file)
        })?;
        methods.push(method);
        items.push(builder);
    }
    let api_docs = format!(" Operations tagged {}.", code(tag));
    Ok(quote! {
        #[doc = #api_docs]
        #[derive(Clone, Debug)]
        pub struct #api_name {
            client: ntnx_runtime::Client,
        }

        impl #api_name {
            /// These operations over `client`.
            pub fn new(client: ntnx_runtime::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }

        #(#items)*
    })
}

fn method_ident(operation_id: &str) -> String {
    let mut name = operation_id.to_snake_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "op_");
    }
    name
}

/// The tag method and the request builder of one operation.
fn operation_items(
    space: &TypeSpace<'_>,
    operation: &Operation,
    method_name: &str,
    builder_name: &str,
    scope: &Scope,
    metadata: Option<&TypeRef>,
) -> Result<(TokenStream, TokenStream)> {
    let builder = ident(builder_name);
    let method = ident(method_name);
    let static_name = ident(&format!(
        "{}_OPERATION",
        method_name.trim_start_matches("r#").to_uppercase()
    ));
    let http_method = ident(operation.method.as_str());
    let id = &operation.id;
    let path = &operation.path;

    // Parameters.
    let mut taken_fields: BTreeSet<String> = ["client", "body", "request_id", "if_match"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut params = Vec::new();
    let mut takes_if_match = false;
    let mut takes_request_id = false;
    for parameter in &operation.parameters {
        if parameter.location == ParameterLocation::Header {
            if parameter.name.eq_ignore_ascii_case("If-Match") {
                takes_if_match = true;
                continue;
            }
            if parameter.name.eq_ignore_ascii_case("NTNX-Request-Id") {
                takes_request_id = true;
                continue;
            }
        }
        if parameter.location == ParameterLocation::Cookie {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("cookie parameter `{}` is not supported", parameter.name),
            ));
        }
        params.push(param_plan(space, parameter, scope, &mut taken_fields)?);
    }
    let mutating = !matches!(
        operation.method,
        crate::ir::Method::Get | crate::ir::Method::Head | crate::ir::Method::Options
    );
    takes_request_id |= mutating;

    // Body.
    let body = operation
        .request_body
        .as_ref()
        .map(|body| body_plan(space, body.required, &body.content, scope))
        .transpose()?;

    let response = response_plan(space, operation, scope, metadata)?;

    // The tag method.
    let required: Vec<&ParamPlan<'_>> =
        params.iter().filter(|p| p.role == Role::Required).collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let (field, arg) = (&p.field, &p.arg);
            quote!(#field: #arg)
        })
        .collect();
    let mut inits: Vec<TokenStream> = Vec::new();
    for p in &params {
        let field = &p.field;
        inits.push(match p.role {
            Role::Required => match p.convert {
                Convert::Same => quote!(#field),
                convert => {
                    let value = convert.apply(field);
                    quote!(#field: #value)
                }
            },
            Role::Optional => quote!(#field: None),
        });
    }
    if let Some(body) = &body {
        let ty = &body.ty;
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: None));
        }
    }
    if takes_request_id {
        inits.push(quote!(request_id: None));
    }
    if takes_if_match {
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

    // The builder struct.
    let mut fields = vec![quote!(client: ntnx_runtime::Client)];
    let mut setters = Vec::new();
    for p in &params {
        let (field, ty) = (&p.field, &p.ty);
        match p.role {
            Role::Required => fields.push(quote!(#field: #ty)),
            Role::Optional => {
                fields.push(quote!(#field: Option<#ty>));
                let arg = &p.arg;
                let convert = p.convert.apply(&ident("value"));
                let docs = param_docs(p.parameter).attrs_or(&format!("`{}`", p.parameter.name));
                setters.push(quote! {
                    #docs
                    pub fn #field(mut self, value: #arg) -> Self {
                        self.#field = Some(#convert);
                        self
                    }
                });
            }
        }
    }
    if let Some(body) = &body {
        let ty = &body.ty;
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
    if takes_request_id {
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
    if takes_if_match {
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

    // Building the runtime request.
    let mut build = vec![quote! { let mut request = ntnx_runtime::Request::new(&#static_name); }];
    for p in &params {
        let field = &p.field;
        let name = &p.parameter.name;
        let call = match p.parameter.location {
            ParameterLocation::Path => quote!(path_param),
            ParameterLocation::Query => quote!(query),
            ParameterLocation::Header => quote!(header),
            ParameterLocation::Cookie => unreachable!("rejected above"),
        };
        let is_array = matches!(p.parameter.ty, TypeRef::Array(_));
        let add = |value: TokenStream| {
            if is_array && p.parameter.explode {
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
        build.push(match p.role {
            Role::Required => add(quote!(&self.#field)),
            Role::Optional => {
                let add = add(quote!(value));
                quote! { if let Some(value) = &self.#field { #add } }
            }
        });
    }
    if takes_request_id {
        build.push(quote! {
            if let Some(id) = self.request_id {
                request = request.request_id(id);
            }
        });
    }
    if takes_if_match {
        let from_body = match &body {
            Some(body) if body.required && body.is_model => {
                quote!(.or_else(|| ntnx_runtime::Model::etag(&self.body)))
            }
            Some(body) if body.is_model => {
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
    if let Some(body) = &body {
        build.push(if body.required {
            body.attach(quote!(&self.body))
        } else {
            let attach = body.attach(quote!(body));
            quote! { if let Some(body) = &self.body { #attach } }
        });
    }
    let output = &response.output;
    let send = &response.send;
    let docs = DocBuilder::new()
        .note(format!(
            "Request builder for {} (`{} {}`): set optional parameters, then `send()`.",
            code(id),
            operation.method.as_str(),
            operation.path
        ))
        .attrs_or("");

    let paging = match &response.page {
        Some(item) if has_param(operation, "$page") && has_param(operation, "$limit") => {
            let limit = page_limit(operation);
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
        }
        _ => quote!(),
    };

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
                #(#build)*
                #send
            }

            #paging
        }
    };
    Ok((tag_method, builder_items))
}

fn has_param(operation: &Operation, name: &str) -> bool {
    operation
        .parameters
        .iter()
        .any(|p| p.location == ParameterLocation::Query && p.name == name)
}

/// The page size used when walking every page: the API's maximum `$limit`, else its
/// default, else 50.
fn page_limit(operation: &Operation) -> Literal {
    let limit = operation
        .parameters
        .iter()
        .find(|p| p.location == ParameterLocation::Query && p.name == "$limit");
    let maximum = limit.and_then(|p| {
        p.docs.constraints.iter().find_map(|c| match c {
            Constraint::Maximum { value, .. } => value.as_i64(),
            _ => None,
        })
    });
    let default = limit
        .and_then(|p| p.default.as_ref())
        .and_then(|d| d.as_i64());
    let value = maximum
        .or(default)
        .unwrap_or(50)
        .clamp(1, i64::from(i32::MAX));
    Literal::i32_suffixed(value as i32)
}

fn param_plan<'p>(
    space: &TypeSpace<'_>,
    parameter: &'p Parameter,
    scope: &Scope,
    taken: &mut BTreeSet<String>,
) -> Result<ParamPlan<'p>> {
    let mut name = parameter.name.to_snake_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "param_");
    }
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    let field = ident(&candidate);
    let role = if parameter.required {
        Role::Required
    } else {
        Role::Optional
    };
    let displayable = |ty: &TypeRef| match ty {
        TypeRef::Scalar(_) => true,
        TypeRef::Named(key) => {
            matches!(space.def(key).kind, TypeKind::Enum(_))
                || matches!(&space.def(key).kind, TypeKind::Alias(TypeRef::Scalar(_)))
        }
        _ => false,
    };
    let element = match &parameter.ty {
        TypeRef::Array(inner) => inner.as_ref(),
        other => other,
    };
    if !displayable(element) {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "parameter `{}` has a structured type; only scalars, enums and arrays of them are supported",
                parameter.name
            ),
        ));
    }
    let ty = space.rust_type(&parameter.ty, scope);
    let (arg, convert) = if EXPRESSION_PARAMETERS.contains(&parameter.name.as_str())
        && parameter.ty == TypeRef::Scalar(crate::ir::Scalar::String)
    {
        (quote!(impl std::fmt::Display), Convert::Display)
    } else if space.shape(&parameter.ty) == JsonShape::String && ty.to_string() == "String" {
        (quote!(impl Into<String>), Convert::Into)
    } else {
        (ty.clone(), Convert::Same)
    };
    Ok(ParamPlan {
        parameter,
        field,
        role,
        ty,
        arg,
        convert,
    })
}

/// A request body as the emitter needs it.
struct BodyPlan {
    required: bool,
    ty: TokenStream,
    /// The body is a generated struct (carries an ETag).
    is_model: bool,
    /// How it goes into the request.
    kind: BodyKind,
}

/// How a body goes into the request.
enum BodyKind {
    Json,
    Multipart,
    Bytes(String),
    Text(String),
}

impl BodyPlan {
    /// Statement adding the body (`value` is a reference to it) to `request`.
    fn attach(&self, value: TokenStream) -> TokenStream {
        match &self.kind {
            BodyKind::Json => quote! { request = request.json_body(#value)?; },
            BodyKind::Multipart => quote! { request = request.multipart_body(#value.clone()); },
            BodyKind::Bytes(media_type) => {
                quote! { request = request.bytes_body(#media_type, #value.clone()); }
            }
            BodyKind::Text(media_type) => {
                quote! { request = request.text_body(#media_type, #value.clone()); }
            }
        }
    }
}

fn body_plan(
    space: &TypeSpace<'_>,
    required: bool,
    content: &[Content],
    scope: &Scope,
) -> Result<BodyPlan> {
    let chosen = content
        .iter()
        .find(|c| matches!(c.body, Body::Json(_)))
        .or_else(|| content.first())
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, "a request body with no media type"))?;
    let media_type = &chosen.media_type;
    Ok(match &chosen.body {
        Body::Json(ty) | Body::Envelope { data: ty, .. } => BodyPlan {
            required,
            ty: space.rust_type(ty, scope),
            is_model: space.struct_key(ty).is_some(),
            kind: BodyKind::Json,
        },
        Body::Multipart(_) => BodyPlan {
            required,
            ty: quote!(ntnx_runtime::Multipart),
            is_model: false,
            kind: BodyKind::Multipart,
        },
        Body::Binary => BodyPlan {
            required,
            ty: quote!(ntnx_runtime::bytes::Bytes),
            is_model: false,
            kind: BodyKind::Bytes(media_type.clone()),
        },
        Body::Text => BodyPlan {
            required,
            ty: quote!(String),
            is_model: false,
            kind: BodyKind::Text(media_type.clone()),
        },
        Body::Form(_) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "application/x-www-form-urlencoded request bodies are not supported",
            ));
        }
    })
}

fn response_plan(
    space: &TypeSpace<'_>,
    operation: &Operation,
    scope: &Scope,
    common_metadata: Option<&TypeRef>,
) -> Result<ResponsePlan> {
    let success = |range: std::ops::RangeInclusive<u16>| {
        operation.responses.iter().find(|r| match r.status {
            StatusSpec::Code(code) => range.contains(&code),
            StatusSpec::Range(hundreds) => range.contains(&(hundreds * 100)),
            StatusSpec::Default => false,
        })
    };
    let response = success(200..=299)
        .or_else(|| success(300..=399))
        .or_else(|| {
            operation
                .responses
                .iter()
                .find(|r| r.status == StatusSpec::Default)
        });
    let content = response.and_then(|r| {
        r.content
            .iter()
            .find(|c| matches!(c.body, Body::Envelope { .. } | Body::Json(_)))
            .or_else(|| r.content.first())
    });
    let Some(content) = content else {
        return Ok(ResponsePlan {
            output: quote!(ntnx_runtime::Response<()>),
            send: quote! { self.client.send_empty(request).await },
            page: None,
        });
    };
    Ok(match &content.body {
        Body::Envelope { data, metadata } => {
            let data_ty = space.rust_type(data, scope);
            let metadata_ty = match metadata {
                Some(metadata) => space.rust_type(metadata, scope),
                None => quote!(serde_json::Value),
            };
            let output = if metadata.is_some() && metadata.as_ref() == common_metadata {
                quote!(crate::api::ApiResponse<#data_ty>)
            } else {
                quote!(ntnx_runtime::ApiResponse<#data_ty, #metadata_ty>)
            };
            let page = match data {
                TypeRef::Array(item) => Some(space.rust_type(item, scope)),
                _ => None,
            };
            let send = if space.struct_key(data).is_some() {
                quote! {
                    let mut response: #output = self.client.send_envelope(request).await?;
                    response.attach_etag();
                    Ok(response)
                }
            } else {
                quote! { self.client.send_envelope(request).await }
            };
            ResponsePlan { output, send, page }
        }
        Body::Json(ty) => {
            let ty = space.rust_type(ty, scope);
            ResponsePlan {
                output: quote!(ntnx_runtime::Response<#ty>),
                send: quote! { self.client.send_json(request).await },
                page: None,
            }
        }
        Body::Binary | Body::Text | Body::Multipart(_) | Body::Form(_) => ResponsePlan {
            output: quote!(ntnx_runtime::Response<ntnx_runtime::ByteStream>),
            send: quote! { self.client.send_stream(request).await },
            page: None,
        },
    })
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
            super::docs::sanitize(&operation.permissions.join(", "))
        ));
    }
    if let Some(rate_limit) = &operation.rate_limit {
        docs.note(format!(
            "Rate limit: {}.",
            super::docs::sanitize(rate_limit)
        ));
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

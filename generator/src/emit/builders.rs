//! Request builders: for each operation, the method on its tag's `…Api` type and the
//! builder that method returns (fields, setters, `send()` and friends, and the statements
//! that turn the builder into an `ntnx_runtime::Request`).
//!
//! What is an argument and what a setter, what the body is and what `send()` returns is
//! decided in [`super::plan`]; this module only writes it down.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::docs::{code, sanitize, DocBuilder};
use super::names::ident;
use super::plan::{
    page_limit, BodyKind, BodyPlan, Convert, OperationPlan, ParamPlan, ResponseKind,
};
use super::queries::{self, OutputPlan, QueryOption};
use super::types::{Scope, TypeSpace};
use crate::ir::{Operation, Parameter, ParameterLocation, Scalar, TypeRef};

/// The two halves of an operation's client code.
pub struct OperationItems {
    /// The method on the tag's `…Api` type.
    pub tag_method: TokenStream,
    /// The operation's static, its builder type and the builder's impls.
    pub builder: TokenStream,
}

/// What every part of one operation's code needs.
struct Ctx<'a, 'o> {
    space: &'a TypeSpace<'a>,
    plan: &'a OperationPlan<'o>,
    scope: &'a Scope,
    /// The `metadata` type shared by the namespace's envelopes (`crate::api::ApiResponse`).
    common_metadata: Option<&'a TypeRef>,
    builder: Ident,
    static_name: Ident,
    body_type: Option<TokenStream>,
    /// The entity type the builder is generic over (`T`), if `$select` or `$expand`
    /// change what it decodes.
    output: Option<&'a OutputPlan<'o>>,
}

/// The client code of one operation.
pub fn operation_items(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    common_metadata: Option<&TypeRef>,
) -> OperationItems {
    let ctx = Ctx {
        space,
        plan,
        scope,
        common_metadata,
        builder: ident(&plan.builder),
        static_name: ident(&format!("{}_OPERATION", plan.method.to_uppercase())),
        body_type: plan.body.as_ref().map(|body| body_type(space, body, scope)),
        output: plan.queries.as_ref().and_then(|q| q.output.as_ref()),
    };
    OperationItems {
        tag_method: tag_method(&ctx),
        builder: builder_items(&ctx),
    }
}

/// The tag method: required parameters and the body as arguments, the rest empty.
fn tag_method(ctx: &Ctx<'_, '_>) -> TokenStream {
    let plan = ctx.plan;
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for param in &plan.params {
        let field = ident(&param.field);
        if !param.required {
            inits.push(quote!(#field: None));
            continue;
        }
        let ty = argument_type(ctx.space, param, ctx.scope);
        args.push(quote!(#field: #ty));
        inits.push(match param.convert {
            Convert::Same => quote!(#field),
            convert => {
                let value = converted(convert, &field);
                quote!(#field: #value)
            }
        });
    }
    if let (Some(body), Some(ty)) = (&plan.body, &ctx.body_type) {
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
    inits.push(quote!(options: ntnx_runtime::CallOptions::default()));
    if ctx.output.is_some() {
        inits.push(quote!(output: std::marker::PhantomData));
    }
    let operation = plan.operation;
    let docs = operation_docs(plan).attrs_or("");
    let deprecated = operation
        .docs
        .deprecated
        .then(|| quote!(#[deprecated(note = "the API marks this operation deprecated")]));
    let (method, builder) = (ident(&plan.method), &ctx.builder);
    quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    }
}

/// The operation's static, the builder struct, its setters and its ways to send.
fn builder_items(ctx: &Ctx<'_, '_>) -> TokenStream {
    let operation = ctx.plan.operation;
    let (fields, setters) = fields_and_setters(ctx);
    let sending = send_methods(ctx);
    let build = build_request(ctx);
    let (builder, static_name) = (&ctx.builder, &ctx.static_name);
    let (id, path) = (&operation.id, &operation.path);
    let http_method = ident(operation.method.as_str());
    let rate_limits = rate_limits(operation);
    let docs = DocBuilder::new()
        .note(format!(
            "Request builder for {} (`{} {}`): set optional parameters, then `send()`.",
            code(id),
            operation.method.as_str(),
            operation.path
        ))
        .attrs_or("");
    let field_decls = fields.iter().map(|(name, ty)| quote!(#name: #ty));
    let field_sets = ctx
        .plan
        .queries
        .as_ref()
        .map(|plan| queries::field_set_items(ctx.space, plan, ctx.scope));
    let generic = generic_parts(ctx, &fields);
    let GenericParts {
        declared,
        params,
        self_type,
        ..
    } = &generic;
    let with_output = &generic.with_output;
    // A generic builder sends only for outputs that decode; a plain one in the same block.
    let (inline_sending, sending) = match &generic.send_bounds {
        Some(bounds) => (
            quote!(),
            quote! {
                impl<T: #bounds> #self_type {
                    #sending
                }
            },
        ),
        None => (sending, quote!()),
    };
    quote! {
        static #static_name: ntnx_runtime::Operation = ntnx_runtime::Operation {
            id: #id,
            method: ntnx_runtime::http::Method::#http_method,
            path: #path,
            rate_limits: &[#(#rate_limits),*],
        };

        #docs
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder #declared {
            #(#field_decls,)*
        }

        impl #params #self_type {
            #(#setters)*

            #inline_sending

            /// The runtime request for the builder's current parameters.
            fn request(&self) -> Result<ntnx_runtime::Request, ntnx_runtime::Error> {
                #(#build)*
                Ok(request)
            }

            #with_output
        }

        #sending

        impl #params ntnx_runtime::IntoRequest for #self_type {
            fn into_request(self) -> Result<ntnx_runtime::Request, ntnx_runtime::Error> {
                self.request()
            }
        }

        #field_sets
    }
}

/// The pieces of a builder that is generic over its output (`ListVmsRequest<T = Vm>`);
/// empty ones for the others.
struct GenericParts {
    /// `<T = Vm>` on the struct.
    declared: TokenStream,
    /// `<T>` on impls.
    params: TokenStream,
    /// `ListVmsRequest<T>`, or the plain name.
    self_type: TokenStream,
    /// The private `with_output::<U>()` that `select` and `expand` use.
    with_output: TokenStream,
    /// Bounds on `T` for sending (`None`: not generic).
    send_bounds: Option<TokenStream>,
}

fn generic_parts(ctx: &Ctx<'_, '_>, fields: &[(Ident, TokenStream)]) -> GenericParts {
    let builder = &ctx.builder;
    let Some(output) = ctx.output else {
        return GenericParts {
            declared: quote!(),
            params: quote!(),
            self_type: quote!(#builder),
            with_output: quote!(),
            send_bounds: None,
        };
    };
    let entity = ctx.space.path(output.entity, ctx.scope);
    let names = fields
        .iter()
        .map(|(name, _)| name)
        .filter(|n| *n != "output");
    // A fetched entity keeps the response's ETag (see `send_methods`).
    let etag = (ctx.plan.operation.method == crate::ir::Method::Get && !output.list)
        .then(|| quote!(+ ntnx_runtime::Model));
    GenericParts {
        declared: quote!(<T = #entity>),
        params: quote!(<T>),
        self_type: quote!(#builder<T>),
        with_output: quote! {
            /// The same request, decoding its answer into `U`.
            fn with_output<U>(self) -> #builder<U> {
                #builder {
                    #(#names: self.#names,)*
                    output: std::marker::PhantomData,
                }
            }
        },
        send_bounds: Some(quote!(serde::de::DeserializeOwned + Clone + Send + 'static #etag)),
    }
}

/// `ntnx_runtime::RateLimit`s of the operation's `x-rate-limit` entries whose size and time
/// unit the runtime knows (the docs list all of them).
fn rate_limits(operation: &Operation) -> Vec<TokenStream> {
    operation
        .rate_limits
        .iter()
        .filter_map(|limit| {
            let size = match limit.size.to_ascii_lowercase().as_str() {
                "xsmall" => quote!(XSmall),
                "small" => quote!(Small),
                "large" => quote!(Large),
                "xlarge" => quote!(XLarge),
                _ => return None,
            };
            let seconds = limit.unit_seconds()?;
            let count = u32::try_from(limit.count).ok()?;
            Some(quote! {
                ntnx_runtime::RateLimit {
                    size: ntnx_runtime::PcSize::#size,
                    count: #count,
                    per: std::time::Duration::from_secs(#seconds),
                }
            })
        })
        .collect()
}

/// The builder's fields (one per parameter, the body, the request id and `If-Match`, and
/// the output marker of a generic builder), by name, and a setter for each optional one.
fn fields_and_setters(ctx: &Ctx<'_, '_>) -> (Vec<(Ident, TokenStream)>, Vec<TokenStream>) {
    let plan = ctx.plan;
    let mut fields = vec![(ident("client"), quote!(ntnx_runtime::Client))];
    let mut setters = Vec::new();
    for param in &plan.params {
        let field = ident(&param.field);
        let ty = ctx.space.rust_type(&param.parameter.ty, ctx.scope);
        if param.required {
            fields.push((field, ty));
            continue;
        }
        fields.push((field.clone(), quote!(Option<#ty>)));
        let option = (param.parameter.location == ParameterLocation::Query)
            .then(|| QueryOption::of_parameter(&param.parameter.name))
            .flatten();
        if let (Some(option), Some(queries)) = (option, &plan.queries) {
            setters.push(queries::setters(queries, option, &field, &ctx.builder));
            continue;
        }
        let arg = argument_type(ctx.space, param, ctx.scope);
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
    if let (Some(body), Some(ty)) = (&plan.body, &ctx.body_type) {
        if body.required {
            fields.push((ident("body"), ty.clone()));
        } else {
            fields.push((ident("body"), quote!(Option<#ty>)));
            let docs = body_docs(body).attrs_or("The request body.");
            setters.push(quote! {
                #docs
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
    }
    if plan.takes_request_id {
        fields.push((ident("request_id"), quote!(Option<ntnx_runtime::Uuid>)));
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
        fields.push((ident("if_match"), quote!(Option<String>)));
        let kept = if plan.body.as_ref().is_some_and(|b| b.is_model(ctx.space)) {
            " instead of the one kept with the body (from the response it was fetched with)"
        } else {
            ""
        };
        let doc = format!(" Sends this `If-Match` ETag{kept}.");
        setters.push(quote! {
            #[doc = #doc]
            pub fn if_match(mut self, value: impl Into<String>) -> Self {
                self.if_match = Some(value.into());
                self
            }

            /// Sends the ETag `entity` was fetched with as `If-Match`: the entity this
            /// call changes, as a `get…` call returned it (an entity without an ETag sets
            /// nothing).
            pub fn if_match_from(mut self, entity: &impl ntnx_runtime::Model) -> Self {
                if let Some(etag) = entity.etag() {
                    self.if_match = Some(etag.to_owned());
                }
                self
            }
        });
    }
    fields.push((ident("options"), quote!(ntnx_runtime::CallOptions)));
    if ctx.output.is_some() {
        fields.push((ident("output"), quote!(std::marker::PhantomData<fn() -> T>)));
    }
    setters.push(quote! {
        /// The longest this call may take, retries included, instead of the client's
        /// `call_timeout` (until the answer is read; for a download, until its headers
        /// arrive). Dropping the future cancels the call just as safely.
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.options.deadline = Some(deadline);
            self
        }

        /// How long this call keeps retrying retryable failures, instead of the client's
        /// retry budget.
        pub fn retry_budget(mut self, budget: std::time::Duration) -> Self {
            self.options.retry_budget = Some(budget);
            self
        }
    });
    (fields, setters)
}

/// `send()`, and where they apply `send_as()`, `download()`, `pages()` and `items()`.
fn send_methods(ctx: &Ctx<'_, '_>) -> TokenStream {
    let plan = ctx.plan;
    let output = output_type(ctx, &plan.response);
    // A fetched entity keeps the response's ETag, for the `If-Match` of its update.
    let keeps_etag = plan.operation.method == crate::ir::Method::Get;
    let send = match &plan.response {
        ResponseKind::Envelope { data, .. }
            if keeps_etag && ctx.space.struct_key(data).is_some() =>
        {
            quote! {
                let mut response: #output = self.client.send_envelope(request).await?;
                response.attach_etag();
                Ok(response)
            }
        }
        ResponseKind::Envelope { .. } => quote! { self.client.send_envelope(request).await },
        ResponseKind::Json(_) => quote! { self.client.send_json(request).await },
        ResponseKind::Text(_) => quote! { self.client.send_text(request).await },
        ResponseKind::Stream(_) => quote! { self.client.send_stream(request).await },
        ResponseKind::Empty => quote! { self.client.send_empty(request).await },
    };
    let send_as = select_send_as(ctx);
    let download = plan.download.map(|media_type| {
        let accept = format!("{media_type}, application/json");
        let doc = format!(
            " Sends the request asking for `{media_type}` instead of JSON, and streams the body."
        );
        quote! {
            #[doc = #doc]
            pub async fn download(self) -> Result<ntnx_runtime::Response<ntnx_runtime::ByteStream>, ntnx_runtime::Error> {
                let request = self.request()?.accept(#accept);
                self.client.send_stream(request).await
            }
        }
    });
    let paging = paging(ctx, &output);
    quote! {
        /// Sends the request (retrying as the client is configured to) and decodes the
        /// response.
        pub async fn send(self) -> Result<#output, ntnx_runtime::Error> {
            let request = self.request()?;
            #send
        }

        #send_as

        #download

        #paging
    }
}

/// `pages()` and `items()` for list operations.
fn paging(ctx: &Ctx<'_, '_>, output: &TokenStream) -> Option<TokenStream> {
    let item = ctx.plan.paged_item?;
    let item = match ctx.output {
        Some(_) => quote!(T),
        None => ctx.space.rust_type(item, ctx.scope),
    };
    let limit = Literal::i32_suffixed(page_limit(ctx.plan.operation));
    Some(quote! {
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
    })
}

/// The type `send()` returns.
fn output_type(ctx: &Ctx<'_, '_>, response: &ResponseKind<'_>) -> TokenStream {
    let (space, scope) = (ctx.space, ctx.scope);
    match response {
        ResponseKind::Envelope { data, metadata } => {
            let data = match ctx.output {
                Some(output) if output.list => quote!(Vec<T>),
                Some(_) => quote!(T),
                None => space.rust_type(data, scope),
            };
            envelope_type(ctx, data, *metadata)
        }
        ResponseKind::Json(ty) => {
            let ty = space.rust_type(ty, scope);
            quote!(ntnx_runtime::Response<#ty>)
        }
        ResponseKind::Text(_) => quote!(ntnx_runtime::Response<String>),
        ResponseKind::Stream(_) => quote!(ntnx_runtime::Response<ntnx_runtime::ByteStream>),
        ResponseKind::Empty => quote!(ntnx_runtime::Response<()>),
    }
}

/// `ApiResponse` of `data` with the envelope's metadata type (the namespace's alias when it
/// is the common one).
fn envelope_type(ctx: &Ctx<'_, '_>, data: TokenStream, metadata: Option<&TypeRef>) -> TokenStream {
    match metadata {
        Some(metadata) if Some(metadata) == ctx.common_metadata => {
            quote!(crate::api::ApiResponse<#data>)
        }
        Some(metadata) => {
            let metadata = ctx.space.rust_type(metadata, ctx.scope);
            quote!(ntnx_runtime::ApiResponse<#data, #metadata>)
        }
        None => quote!(ntnx_runtime::ApiResponse<#data, serde_json::Value>),
    }
}

/// `send_as()` for operations that take `$select`: a selection leaves out fields, required
/// ones too, so the declared type may not decode what comes back.
fn select_send_as(ctx: &Ctx<'_, '_>) -> Option<TokenStream> {
    let takes_select =
        ctx.plan.params.iter().any(|p| {
            p.parameter.location == ParameterLocation::Query && p.parameter.name == "$select"
        });
    let ResponseKind::Envelope { metadata, .. } = &ctx.plan.response else {
        return None;
    };
    if !takes_select {
        return None;
    }
    let output = envelope_type(ctx, quote!(D), *metadata);
    Some(quote! {
        /// Sends the request and decodes `data` as `D` instead of the type `send()`
        /// decodes: a struct of your own with just the fields a `$select` asks for, or
        /// `serde_json::Value`.
        pub async fn send_as<D: serde::de::DeserializeOwned>(self) -> Result<#output, ntnx_runtime::Error> {
            self.client.send_envelope(self.request()?).await
        }
    })
}

fn body_type(space: &TypeSpace<'_>, body: &BodyPlan<'_>, scope: &Scope) -> TokenStream {
    match body.kind {
        BodyKind::Json(ty) => space.rust_type(ty, scope),
        BodyKind::Multipart(_) => quote!(ntnx_runtime::Multipart),
        BodyKind::Bytes => quote!(ntnx_runtime::bytes::Bytes),
        BodyKind::Text => quote!(String),
    }
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

/// Statements building `request` from the builder's fields.
fn build_request(ctx: &Ctx<'_, '_>) -> Vec<TokenStream> {
    let plan = ctx.plan;
    let static_name = &ctx.static_name;
    let mut build = vec![quote! {
        let mut request = ntnx_runtime::Request::new(&#static_name).options(self.options);
    }];
    build.extend(plan.params.iter().map(add_parameter));
    if let ResponseKind::Text(media_type) | ResponseKind::Stream(media_type) = plan.response {
        // JSON too, for the error answers (as the official SDKs ask).
        let accept = format!("{media_type}, application/json");
        build.push(quote! { request = request.accept(#accept); });
    }
    if plan.takes_request_id {
        build.push(quote! {
            if let Some(id) = self.request_id {
                request = request.request_id(id);
            }
        });
    }
    if plan.takes_if_match {
        build.push(if_match(ctx));
    }
    if let Some(body) = &plan.body {
        build.push(attach_body(body));
    }
    if build.len() == 1 {
        // Nothing to add: the request is used as created.
        build[0] = quote! {
            let request = ntnx_runtime::Request::new(&#static_name).options(self.options);
        };
    }
    build
}

/// The statement adding one parameter to `request`.
fn add_parameter(param: &ParamPlan<'_>) -> TokenStream {
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
    if param.required && is_copy_scalar(&param.parameter.ty) {
        add(quote!(self.#field))
    } else if param.required {
        add(quote!(&self.#field))
    } else {
        let add = add(quote!(value));
        quote! { if let Some(value) = &self.#field { #add } }
    }
}

/// Whether values of `ty` are `Copy` scalars, passed by value rather than by reference.
fn is_copy_scalar(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Scalar(
            Scalar::Boolean
                | Scalar::Int32
                | Scalar::Int64
                | Scalar::Float32
                | Scalar::Float64
                | Scalar::Uuid
        )
    )
}

/// `If-Match` from the setter, else from the body's ETag; an error naming the operation when
/// there is neither.
fn if_match(ctx: &Ctx<'_, '_>) -> TokenStream {
    let from_body = match &ctx.plan.body {
        Some(body) if body.required && body.is_model(ctx.space) => {
            quote!(.or_else(|| ntnx_runtime::Model::etag(&self.body)))
        }
        Some(body) if body.is_model(ctx.space) => {
            quote!(.or_else(|| self.body.as_ref().and_then(ntnx_runtime::Model::etag)))
        }
        _ => quote!(),
    };
    let static_name = &ctx.static_name;
    quote! {
        match self.if_match.as_deref() #from_body {
            Some(etag) => request = request.if_match(etag),
            None => return Err(ntnx_runtime::Error::missing_if_match(&#static_name)),
        }
    }
}

/// The statement attaching the body: JSON is serialized from a reference, the other kinds
/// are cheap clones of the value the runtime takes (`Bytes`, `String`, `Multipart`).
fn attach_body(body: &BodyPlan<'_>) -> TokenStream {
    let media_type = body.media_type;
    let attach = |value: TokenStream| match body.kind {
        BodyKind::Json(_) if body.required => quote! { request = request.json_body(&#value)?; },
        BodyKind::Json(_) => quote! { request = request.json_body(#value)?; },
        BodyKind::Multipart(_) => quote! { request = request.multipart_body(#value.clone()); },
        BodyKind::Bytes => quote! { request = request.bytes_body(#media_type, #value.clone()); },
        BodyKind::Text => quote! { request = request.text_body(#media_type, #value.clone()); },
    };
    if body.required {
        attach(quote!(self.body))
    } else {
        let attach = attach(quote!(body));
        quote! { if let Some(body) = &self.body { #attach } }
    }
}

fn operation_docs(plan: &OperationPlan<'_>) -> DocBuilder {
    let operation: &Operation = plan.operation;
    let mut docs = DocBuilder::new();
    docs.text(operation.summary.as_deref());
    docs.docs(&operation.docs);
    docs.note(format!(
        "`{} {}` (operation {}).",
        operation.method.as_str(),
        operation.path,
        code(&operation.id)
    ));
    if let Some(body) = &plan.body {
        if let Some(parts) = multipart_parts(body) {
            docs.note(parts);
        }
    }
    if let Some(headers) = response_headers(plan) {
        docs.note(headers);
    }
    for line in plan.queries.iter().flat_map(queries::docs_lines) {
        docs.note(line);
    }
    if !operation.permissions.is_empty() {
        docs.note(format!(
            "Roles allowed: {}.",
            sanitize(&operation.permissions.join(", "))
        ));
    }
    if !operation.rate_limits.is_empty() {
        let limits: Vec<String> = operation
            .rate_limits
            .iter()
            .map(ToString::to_string)
            .collect();
        docs.note(format!("Rate limit: {}.", sanitize(&limits.join(", "))));
    }
    docs
}

/// The docs of an optional body's setter.
fn body_docs(body: &BodyPlan<'_>) -> DocBuilder {
    let mut docs = DocBuilder::new();
    docs.note(format!("The request body (`{}`).", body.media_type));
    if let Some(parts) = multipart_parts(body) {
        docs.note(parts);
    }
    docs
}

/// "Parts: ..." for a `multipart/form-data` body, from the fields of its schema.
fn multipart_parts(body: &BodyPlan<'_>) -> Option<String> {
    let BodyKind::Multipart(Some(fields)) = &body.kind else {
        return None;
    };
    let parts: Vec<String> = fields
        .iter()
        .map(|field| {
            let kind = if field.binary { "a file" } else { "text" };
            let required = if field.required { ", required" } else { "" };
            format!("`{}` ({kind}{required})", field.name)
        })
        .collect();
    Some(format!(
        "Form parts: {}. Build them with `ntnx_runtime::Multipart` (`.bytes(...)` for files, \
         `.text(...)` for the others).",
        parts.join(", ")
    ))
}

/// "Response headers: ..." for the headers the success response declares.
fn response_headers(plan: &OperationPlan<'_>) -> Option<String> {
    if plan.response_headers.is_empty() {
        return None;
    }
    let headers: Vec<String> = plan
        .response_headers
        .iter()
        .map(|header| match &header.docs.description {
            Some(text) => format!(
                "`{}` ({})",
                header.name,
                sanitize(text.trim_end_matches('.'))
            ),
            None => format!("`{}`", header.name),
        })
        .collect();
    Some(format!(
        "Response headers: {}; read them with `response.header(name)`.",
        headers.join(", ")
    ))
}

fn param_docs(parameter: &Parameter) -> DocBuilder {
    let mut docs = DocBuilder::new();
    docs.docs(&parameter.docs);
    if let Some(default) = &parameter.default {
        docs.note(format!("Server default: {}.", code(&default.to_string())));
    }
    docs
}

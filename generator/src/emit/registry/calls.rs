//! The body of each operation's function in the registry: the typed call for the JSON
//! arguments of `ntnx_registry::call`, and the call with typed query options built from
//! every documented field for `ntnx_registry::call_with_typed_queries`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::super::names::ident;
use super::super::plan::{BodyKind, Convert, OperationPlan, ParamPlan, ResponseKind};
use super::super::queries::{sample_filter, setter_name, QueryOption, QueryPlan};
use super::super::types::{Scope, TypeSpace};
use super::UsedHelpers;
use crate::ir::ParameterLocation;

/// The body of one `call` match arm (`api` is the tag's `…Api`).
pub(super) fn call_body(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    used: &mut UsedHelpers,
) -> TokenStream {
    let method = ident(&plan.method);
    let (positional, setters) = call_arguments(space, plan, scope, used, false);
    let outcome = outcome(plan, used);
    let selected = selection_branches(plan, &outcome);
    // The registry calls every operation, deprecated ones included.
    let allow = plan
        .operation
        .docs
        .deprecated
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        let request = api.#method(#(#positional),*);
        #(#setters)*
        #selected
    }
}

/// The method's arguments and the setter statements for `args`, `$select` and `$expand`
/// aside (see [`selection_branches`]); every query option aside with `skip_queries`.
fn call_arguments(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    used: &mut UsedHelpers,
    skip_queries: bool,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut positional = Vec::new();
    let mut setters = Vec::new();
    for param in &plan.params {
        let name = &param.parameter.name;
        let ty = match param.convert {
            Convert::Into | Convert::Display => quote!(String),
            Convert::Same => space.rust_type(&param.parameter.ty, scope),
        };
        if param.required {
            positional.push(quote!(required::<#ty>(args, #name)?));
            continue;
        }
        let setter = match query_option(plan, param) {
            Some(_) if skip_queries => continue,
            Some(QueryOption::Select | QueryOption::Expand) => continue,
            Some(option) => ident(&format!("{}_raw", setter_name(option))),
            None => ident(&param.field),
        };
        setters.push(quote! {
            let request = match args.parameters.get(#name) {
                Some(value) => request.#setter(arg::<#ty>(#name, value)?),
                None => request,
            };
        });
    }
    if let Some(body) = &plan.body {
        let value = match body.kind {
            BodyKind::Json(ty) => {
                let ty = space.rust_type(ty, scope);
                quote!(body::<#ty>(args)?)
            }
            BodyKind::Multipart(_) => quote!(ntnx_runtime::Multipart::new()),
            BodyKind::Bytes => {
                used.raw_body = true;
                quote!(ntnx_runtime::bytes::Bytes::from(raw_body(args)))
            }
            BodyKind::Text => {
                used.raw_body = true;
                quote!(String::from_utf8_lossy(&raw_body(args)).into_owned())
            }
        };
        if body.required {
            positional.push(value);
        } else {
            setters.push(quote! {
                let request = if args.body.is_some() || args.raw_body.is_some() {
                    request.body(#value)
                } else {
                    request
                };
            });
        }
    }
    if plan.takes_if_match {
        setters.push(quote! {
            let request = match &args.if_match {
                Some(etag) => request.if_match(etag.clone()),
                None => request,
            };
        });
    }
    (positional, setters)
}

/// The typed query option a parameter is, for operations that have typed options.
fn query_option(plan: &OperationPlan<'_>, param: &ParamPlan<'_>) -> Option<QueryOption> {
    plan.queries.as_ref()?;
    if param.parameter.location != ParameterLocation::Query {
        return None;
    }
    QueryOption::of_parameter(&param.parameter.name)
}

/// Sending `request` and describing what came back.
fn outcome(plan: &OperationPlan<'_>, used: &mut UsedHelpers) -> TokenStream {
    match plan.response {
        ResponseKind::Envelope { .. } => {
            used.envelope = true;
            quote!(envelope(request.send().await?))
        }
        ResponseKind::Json(_) | ResponseKind::Text(_) | ResponseKind::Empty => {
            used.plain = true;
            quote!(plain(request.send().await?))
        }
        ResponseKind::Stream(_) => {
            used.stream = true;
            quote!(stream(request.send().await?).await)
        }
    }
}

/// `outcome` for each combination of the `$select` and `$expand` given in `args`: each
/// may change the builder's type, so each combination is its own branch.
fn selection_branches(plan: &OperationPlan<'_>, outcome: &TokenStream) -> TokenStream {
    let options: Vec<(&str, Ident)> = plan
        .params
        .iter()
        .filter_map(|param| match query_option(plan, param) {
            Some(option @ (QueryOption::Select | QueryOption::Expand)) => Some((
                param.parameter.name.as_str(),
                ident(&format!("{}_raw", setter_name(option))),
            )),
            _ => None,
        })
        .collect();
    branches(&options, outcome)
}

/// `outcome` inside one `match` per option: with the option set, and without.
fn branches(options: &[(&str, Ident)], outcome: &TokenStream) -> TokenStream {
    let Some(((name, setter), rest)) = options.split_first() else {
        return outcome.clone();
    };
    let inner = branches(rest, outcome);
    quote! {
        match args.parameters.get(#name) {
            Some(value) => {
                let request = request.#setter(arg::<String>(#name, value)?);
                #inner
            }
            None => #inner,
        }
    }
}

/// The body of an operation's call with typed query options: every documented field in
/// the `$filter` (joined by `or`, each with an operator of its type), `$orderby`
/// (alternately ascending and descending), `$select` and `$expand`; `None` when the
/// operation documents no field. Also says whether the body reads `args`.
pub(super) fn typed_call_body(
    space: &TypeSpace<'_>,
    plan: &OperationPlan<'_>,
    scope: &Scope,
    used: &mut UsedHelpers,
) -> Option<(TokenStream, bool)> {
    let queries = plan.queries.as_ref().filter(|q| !q.sets.is_empty())?;
    let method = ident(&plan.method);
    // The raw query options of `args` give way to the typed ones.
    let (positional, setters) = call_arguments(space, plan, scope, used, true);
    let typed = typed_options(space, queries, scope);
    let outcome = outcome(plan, used);
    let allow = plan
        .operation
        .docs
        .deprecated
        .then(|| quote!(#[allow(deprecated)]));
    let reads_args = !positional.is_empty() || !setters.is_empty();
    let body = quote! {
        #allow
        let request = api.#method(#(#positional),*);
        #(#setters)*
        #(#typed)*
        #outcome
    };
    Some((body, reads_args))
}

/// One statement per field set: the typed setter called with all of its fields.
fn typed_options(
    space: &TypeSpace<'_>,
    queries: &QueryPlan<'_>,
    scope: &Scope,
) -> Vec<TokenStream> {
    queries
        .sets
        .iter()
        .map(|set| {
            let setter = ident(setter_name(set.option));
            let methods: Vec<Ident> = set.accessors.iter().map(|a| ident(&a.method)).collect();
            let value = match set.option {
                QueryOption::Filter => {
                    let mut terms = set
                        .accessors
                        .iter()
                        .zip(&methods)
                        .map(|(accessor, method)| {
                            sample_filter(space, accessor.ty, quote!(fields.#method()), scope)
                        });
                    let first = terms.next();
                    quote!(#first #(.or(#terms))*)
                }
                QueryOption::OrderBy => {
                    let keys = methods.iter().enumerate().map(|(i, method)| {
                        if i % 2 == 0 {
                            quote!(fields.#method().asc())
                        } else {
                            quote!(fields.#method().desc())
                        }
                    });
                    quote!(vec![#(#keys),*])
                }
                QueryOption::Select | QueryOption::Expand => {
                    quote!(vec![#(fields.#methods()),*])
                }
            };
            quote! { let request = request.#setter(|fields| #value); }
        })
        .collect()
}

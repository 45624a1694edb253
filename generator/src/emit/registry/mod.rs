//! `ntnx-registry`: every component schema of every spec, by name.
//!
//! Tests, conformance checks and benchmarks read the specs at run time and need to decode a
//! JSON value as "the type of schema `vmm.v4.0.content.Image`". This crate maps those names
//! to the generated types. It is not for users (`publish = false`).

use proc_macro2::TokenStream;
use quote::quote;

use super::crates::{file_name, header};
use super::names::{crate_ident, ident};
use super::package::{cargo_toml, Package};
mod calls;

use super::plan::{client_name, TagPlan};
use super::types::{Scope, TypeSpace};
use super::{format_file, EmitOptions, GeneratedFile};
use crate::error::Result;
use crate::ir::{QueryRole, TypeKey, TypeKind};
use crate::layout::Workspace;

/// Name of the registry crate.
pub const REGISTRY_CRATE: &str = "ntnx-registry";

pub fn registry_crate(
    space: &TypeSpace<'_>,
    workspace: &Workspace,
    plans: &[Vec<TagPlan<'_>>],
    options: &EmitOptions,
) -> Result<Vec<GeneratedFile>> {
    let scope = Scope {
        krate: crate_ident(REGISTRY_CRATE),
        modules: Vec::new(),
    };
    let schemas = schema_lookup(space, workspace, &scope);
    let calls = operation_calls(operation_dispatch(space, workspace, plans, &scope)?);
    let tokens = quote! {
        //! Every component schema of the generated crates, by the name the spec gives it.
        //!
        //! For tests, conformance checks and benchmarks, which read the specs at run time.
        #![forbid(unsafe_code)]

        #schemas

        #calls
    };
    let sources: Vec<String> = workspace.specs.iter().map(|s| file_name(&s.file)).collect();
    let sources = sources.join(", ");
    Ok(vec![
        GeneratedFile {
            path: std::path::PathBuf::from(REGISTRY_CRATE)
                .join("src")
                .join("lib.rs"),
            contents: format!("{}\n{}", header(&sources), format_file(tokens)?),
        },
        cargo_toml(&Package {
            name: REGISTRY_CRATE,
            version: "0.1.0".to_owned(),
            description: "Every generated schema type by name, for tests and benchmarks \
                          (generated).",
            sources: &sources,
            dependencies: registry_dependencies(workspace, options),
            features: Vec::new(),
            publish: false,
        }),
    ])
}

/// `SCHEMAS` and `decode` (every component schema of every spec, a name that several specs
/// carry once), with the `$select` projections and `$expand`ed entities of those that have
/// them.
fn schema_lookup(space: &TypeSpace<'_>, workspace: &Workspace, scope: &Scope) -> TokenStream {
    let mut arms: Vec<TokenStream> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut query_types = QueryTypes::default();
    for spec in &workspace.specs {
        for (name, key) in &spec.components {
            if names.contains(name) {
                continue;
            }
            names.push(name.clone());
            let ty = space.path(key, scope);
            arms.push(quote! { #name => Some(check::<#ty>(json)), });
            query_types.add(space, name, key, scope);
        }
    }
    let QueryTypes {
        projected,
        projection_arms,
        expanded,
        expanded_arms,
    } = query_types;
    quote! {
        /// Names of every schema [`decode`] knows.
        pub const SCHEMAS: &[&str] = &[#(#names),*];

        /// What decoding a JSON text as a schema's type gave.
        #[derive(Debug)]
        pub struct Decoded {
            /// The value encoded again.
            pub encoded: serde_json::Value,
            /// The value's `Debug` output.
            pub debug: String,
        }

        /// Decodes `json` as the type of schema `schema` and encodes it again.
        ///
        /// `None` if no generated type has that schema name; `Some(Err(..))` with the decode
        /// error (which names the JSON path) if the text does not decode.
        pub fn decode(schema: &str, json: &str) -> Option<Result<Decoded, String>> {
            match schema {
                #(#arms)*
                _ => None,
            }
        }

        /// The entity schemas [`decode_projection`] knows.
        pub const PROJECTED: &[&str] = &[#(#projected),*];

        /// Decodes `json` as the `$select` projection of entity schema `schema` and encodes
        /// it again (`None`: the entity has no projection).
        pub fn decode_projection(schema: &str, json: &str) -> Option<Result<Decoded, String>> {
            match schema {
                #(#projection_arms)*
                _ => None,
            }
        }

        /// The entity schemas [`decode_expanded`] knows.
        pub const EXPANDED: &[&str] = &[#(#expanded),*];

        /// Decodes `json` as entity schema `schema` with its `$expand`ed related entities
        /// (`ntnx_runtime::query::Expanded`) and encodes it again (`None`: the entity has no
        /// expansion).
        pub fn decode_expanded(schema: &str, json: &str) -> Option<Result<Decoded, String>> {
            match schema {
                #(#expanded_arms)*
                _ => None,
            }
        }

        fn check<T>(json: &str) -> Result<Decoded, String>
        where
            T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
        {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            let value: T = serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))?;
            let encoded = serde_json::to_value(&value).map_err(|e| e.to_string())?;
            Ok(Decoded { encoded, debug: format!("{value:?}") })
        }
    }
}

/// The operation table and `call` / `call_with_typed_queries`, with the argument
/// conversions and the response helpers the calls use.
fn operation_calls(dispatch: Dispatch) -> TokenStream {
    let Dispatch {
        infos,
        arms: call_arms,
        typed_arms,
        typed_indexes,
        calls,
        used,
    } = dispatch;
    let helpers = response_helpers(&used);
    quote! {
        /// An operation of the generated clients.
        #[derive(Clone, Copy, Debug)]
        pub struct OperationInfo {
            /// Namespace, e.g. `vmm`.
            pub namespace: &'static str,
            /// Tag that groups it.
            pub tag: &'static str,
            /// `operationId`.
            pub id: &'static str,
            /// HTTP method.
            pub method: &'static str,
            /// Path template, relative to `/api`.
            pub path: &'static str,
        }

        /// Every operation of every spec; [`call`] takes an index into it.
        pub const OPERATIONS: &[OperationInfo] = &[#(#infos),*];

        /// Arguments of [`call`]: parameters by their names in the spec, as JSON.
        #[derive(Clone, Debug, Default)]
        pub struct CallArgs {
            /// Path, query and header parameters (other than `If-Match` and
            /// `NTNX-Request-Id`), by spec name.
            pub parameters: std::collections::BTreeMap<String, serde_json::Value>,
            /// JSON request body.
            pub body: Option<serde_json::Value>,
            /// Raw request body, for operations whose body is not JSON.
            pub raw_body: Option<Vec<u8>>,
            /// `If-Match` to send.
            pub if_match: Option<String>,
        }

        /// What a call returned.
        #[derive(Clone, Debug)]
        pub struct CallOutcome {
            /// HTTP status.
            pub status: u16,
            /// The decoded response encoded again as JSON: `{data, metadata}` for envelopes.
            pub json: Option<serde_json::Value>,
            /// Bytes read from a streamed body.
            pub bytes: Option<usize>,
        }

        /// Why a call failed.
        #[derive(Debug)]
        pub enum CallError {
            /// The arguments do not fit the operation's parameter or body types.
            Args(String),
            /// The client reported an error (transport, HTTP status, decode...).
            Api(ntnx_runtime::Error),
        }

        impl std::fmt::Display for CallError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    CallError::Args(message) => write!(f, "bad arguments: {message}"),
                    CallError::Api(error) => write!(f, "{error}"),
                }
            }
        }

        impl std::error::Error for CallError {}

        impl From<ntnx_runtime::Error> for CallError {
            fn from(error: ntnx_runtime::Error) -> Self {
                CallError::Api(error)
            }
        }

        fn arg<T: serde::de::DeserializeOwned>(name: &str, value: &serde_json::Value) -> Result<T, CallError> {
            serde_json::from_value(value.clone())
                .map_err(|e| CallError::Args(format!("parameter `{name}`: {e}")))
        }

        fn required<T: serde::de::DeserializeOwned>(args: &CallArgs, name: &str) -> Result<T, CallError> {
            match args.parameters.get(name) {
                Some(value) => arg(name, value),
                None => Err(CallError::Args(format!("missing parameter `{name}`"))),
            }
        }

        fn body<T: serde::de::DeserializeOwned>(args: &CallArgs) -> Result<T, CallError> {
            let value = args.body.as_ref().ok_or_else(|| CallError::Args("missing body".to_owned()))?;
            arg("body", value)
        }

        fn encoded<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, CallError> {
            serde_json::to_value(value).map_err(|e| CallError::Args(format!("cannot encode the response: {e}")))
        }

        #(#helpers)*

        /// What [`call`] returns: the call, boxed (each operation's future has its own
        /// type and size; one `async fn` matching on all of them would need the stack of the
        /// largest, several MiB in debug builds).
        pub type CallFuture<'a> = std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<CallOutcome, CallError>> + Send + 'a>,
        >;

        /// Calls operation `OPERATIONS[index]` through its generated client, converting
        /// `args` to the typed parameters and body.
        pub fn call<'a>(client: &'a ntnx_runtime::Client, index: usize, args: &'a CallArgs) -> CallFuture<'a> {
            match index {
                #(#call_arms)*
                _ => Box::pin(std::future::ready(Err(CallError::Args(format!("no operation {index}"))))),
            }
        }

        /// Indexes into `OPERATIONS` of the operations [`call_with_typed_queries`] calls.
        pub const TYPED_QUERIES: &[usize] = &[#(#typed_indexes),*];

        /// Calls operation `OPERATIONS[index]` like [`call`], but with typed `$filter`,
        /// `$orderby`, `$select` and `$expand` built from every field the operation documents
        /// (and its raw ones in `args` ignored); `None` for operations that document none.
        pub fn call_with_typed_queries<'a>(client: &'a ntnx_runtime::Client, index: usize, args: &'a CallArgs) -> Option<CallFuture<'a>> {
            match index {
                #(#typed_arms)*
                _ => None,
            }
        }

        #(#calls)*
    }
}

/// The functions that turn a typed response into a `CallOutcome`, those the calls use only.
fn response_helpers(used: &UsedHelpers) -> Vec<TokenStream> {
    let mut helpers = Vec::new();
    if used.raw_body {
        helpers.push(quote! {
            fn raw_body(args: &CallArgs) -> Vec<u8> {
                args.raw_body.clone().unwrap_or_default()
            }
        });
    }
    if used.envelope {
        helpers.push(quote! {
            fn envelope<D: serde::Serialize, M: serde::Serialize>(
                response: ntnx_runtime::ApiResponse<D, M>,
            ) -> Result<CallOutcome, CallError> {
                let mut json = serde_json::Map::new();
                if let Some(data) = &response.data {
                    json.insert("data".to_owned(), encoded(data)?);
                }
                if let Some(metadata) = &response.metadata {
                    json.insert("metadata".to_owned(), encoded(metadata)?);
                }
                Ok(CallOutcome { status: response.status().as_u16(), json: Some(serde_json::Value::Object(json)), bytes: None })
            }
        });
    }
    if used.plain {
        helpers.push(quote! {
            fn plain<T: serde::Serialize>(response: ntnx_runtime::Response<T>) -> Result<CallOutcome, CallError> {
                let json = encoded(&response.body)?;
                Ok(CallOutcome { status: response.status().as_u16(), json: Some(json), bytes: None })
            }
        });
    }
    if used.stream {
        helpers.push(quote! {
            async fn stream(response: ntnx_runtime::Response<ntnx_runtime::ByteStream>) -> Result<CallOutcome, CallError> {
                let status = response.status().as_u16();
                let bytes = response.into_body().collect_bytes().await?;
                Ok(CallOutcome { status, json: None, bytes: Some(bytes.len()) })
            }
        });
    }
    helpers
}

/// The registry's dependencies: every generated crate, the runtime, and
/// serde_path_to_error (decode errors name their JSON path).
fn registry_dependencies(workspace: &Workspace, options: &EmitOptions) -> Vec<String> {
    let mut dependencies: Vec<String> = workspace
        .specs
        .iter()
        .map(|s| format!("{0} = {{ path = \"../{0}\" }}", s.name))
        .collect();
    if !workspace.shared.types.is_empty() {
        dependencies.push(format!(
            "{0} = {{ path = \"../{0}\" }}",
            workspace.shared.name
        ));
    }
    dependencies.push(format!(
        "ntnx-runtime = {{ path = \"{}\" }}",
        options.runtime_path
    ));
    dependencies.push("serde_path_to_error = \"0.1\"".to_owned());
    dependencies
}

/// The projections and expanded types of the entities, by the entity's schema name.
#[derive(Default)]
struct QueryTypes {
    projected: Vec<String>,
    projection_arms: Vec<TokenStream>,
    expanded: Vec<String>,
    expanded_arms: Vec<TokenStream>,
}

impl QueryTypes {
    fn add(&mut self, space: &TypeSpace<'_>, name: &str, key: &TypeKey, scope: &Scope) {
        let TypeKind::Struct(s) = &space.def(key).kind else {
            return;
        };
        let QueryRole::Entity {
            projection,
            expansion,
        } = s.query
        else {
            return;
        };
        if projection {
            let ty = space.path(&key.projection(), scope);
            self.projected.push(name.to_owned());
            self.projection_arms
                .push(quote! { #name => Some(check::<#ty>(json)), });
        }
        if expansion {
            let (entity, expansion) = (space.path(key, scope), space.path(&key.expansion(), scope));
            self.expanded.push(name.to_owned());
            self.expanded_arms.push(quote! {
                #name => Some(check::<ntnx_runtime::query::Expanded<#entity, #expansion>>(json)),
            });
        }
    }
}

/// `OPERATIONS` entries and `call` match arms for every operation of every spec.
fn operation_dispatch(
    space: &TypeSpace<'_>,
    workspace: &Workspace,
    plans: &[Vec<TagPlan<'_>>],
    scope: &Scope,
) -> Result<Dispatch> {
    let mut dispatch = Dispatch::default();
    for (spec, tags) in workspace.specs.iter().zip(plans) {
        let krate = ident(&crate_ident(&spec.name));
        let client = ident(&client_name(spec));
        for tag in tags {
            let module = ident(&tag.module);
            for operation in &tag.operations {
                let op = operation.operation;
                let (namespace, tag_name, id, method, path) = (
                    &spec.namespace,
                    tag.tag,
                    &op.id,
                    op.method.as_str(),
                    &op.path,
                );
                dispatch.infos.push(quote! {
                    OperationInfo { namespace: #namespace, tag: #tag_name, id: #id, method: #method, path: #path }
                });
                let index = dispatch.arms.len();
                let name = format!(
                    "{}_{}_{}",
                    spec.namespace.replace(['.', '-'], "_"),
                    tag.module,
                    operation.method
                );
                let doc = format!(" `{}` ({} {}).", op.id, op.method.as_str(), op.path);
                let api = quote!(#krate::#client::new(client.clone()).#module());
                let function = ident(&format!("call_{name}"));
                let body = calls::call_body(space, operation, scope, &mut dispatch.used);
                dispatch
                    .arms
                    .push(quote! { #index => Box::pin(#function(client, args)), });
                dispatch.calls.push(quote! {
                    #[doc = #doc]
                    async fn #function(client: &ntnx_runtime::Client, args: &CallArgs) -> Result<CallOutcome, CallError> {
                        let api = #api;
                        #body
                    }
                });
                let Some((body, reads_args)) =
                    calls::typed_call_body(space, operation, scope, &mut dispatch.used)
                else {
                    continue;
                };
                let args = if reads_args {
                    quote!(args)
                } else {
                    quote!(_args)
                };
                let function = ident(&format!("typed_call_{name}"));
                let doc = format!("{doc} With typed query options.");
                dispatch
                    .typed_arms
                    .push(quote! { #index => Some(Box::pin(#function(client, args))), });
                dispatch.typed_indexes.push(index);
                dispatch.calls.push(quote! {
                    #[doc = #doc]
                    async fn #function(client: &ntnx_runtime::Client, #args: &CallArgs) -> Result<CallOutcome, CallError> {
                        let api = #api;
                        #body
                    }
                });
            }
        }
    }
    Ok(dispatch)
}

/// The operation dispatch of the registry.
#[derive(Default)]
struct Dispatch {
    /// `OPERATIONS` entries.
    infos: Vec<TokenStream>,
    /// `call` match arms.
    arms: Vec<TokenStream>,
    /// `call_with_typed_queries` match arms.
    typed_arms: Vec<TokenStream>,
    /// The operations they call.
    typed_indexes: Vec<usize>,
    /// One function per operation (two for those with typed queries).
    calls: Vec<TokenStream>,
    /// The helpers they use.
    used: UsedHelpers,
}

/// Which helper functions the match arms call (only those are emitted).
#[derive(Default)]
pub(super) struct UsedHelpers {
    raw_body: bool,
    envelope: bool,
    plain: bool,
    stream: bool,
}

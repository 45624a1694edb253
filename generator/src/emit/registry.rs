//! `ntnx-registry`: every component schema of every spec, by name.
//!
//! Tests, conformance checks and benchmarks read the specs at run time and need to decode a
//! JSON value as "the type of schema `vmm.v4.0.content.Image`". This crate maps those names
//! to the generated types. It is not for users (`publish = false`).

use proc_macro2::TokenStream;
use quote::quote;

use super::crates::{cargo_toml, file_name, header};
use super::names::crate_ident;
use super::types::{Scope, TypeSpace};
use super::{format_file, EmitOptions, GeneratedFile};
use crate::error::Result;
use crate::layout::Workspace;

/// Name of the registry crate.
pub const REGISTRY_CRATE: &str = "ntnx-registry";

pub fn registry_crate(
    space: &TypeSpace<'_>,
    workspace: &Workspace,
    options: &EmitOptions,
) -> Result<Vec<GeneratedFile>> {
    let scope = Scope {
        krate: crate_ident(REGISTRY_CRATE),
        modules: Vec::new(),
    };
    let mut arms: Vec<TokenStream> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for spec in &workspace.specs {
        for (name, key) in &spec.components {
            if names.contains(name) {
                continue;
            }
            names.push(name.clone());
            let ty = space.path(key, &scope);
            arms.push(quote! { #name => Some(check::<#ty>(json)), });
        }
    }
    let sources: Vec<String> = workspace.specs.iter().map(|s| file_name(&s.file)).collect();
    let tokens = quote! {
        //! Every component schema of the generated crates, by the name the spec gives it.
        //!
        //! For tests, conformance checks and benchmarks, which read the specs at run time.
        #![forbid(unsafe_code)]

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
    };
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
    dependencies.push("serde_path_to_error = \"0.1\"".to_owned());
    let sources = sources.join(", ");
    let _ = options;
    Ok(vec![
        GeneratedFile {
            path: std::path::PathBuf::from(REGISTRY_CRATE)
                .join("src")
                .join("lib.rs"),
            contents: format!("{}\n{}", header(&sources), format_file(tokens)?),
        },
        cargo_toml(
            REGISTRY_CRATE,
            "0.1.0",
            "Every generated schema type by name, for tests and benchmarks (generated).",
            &sources,
            &dependencies,
            true,
        ),
    ])
}

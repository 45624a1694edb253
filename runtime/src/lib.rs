//! Runtime for the generated Nutanix v4 crates.
//!
//! The generated model crates (`ntnx-vmm`, `ntnx-clustermgmt`, `ntnx-volumes`,
//! `ntnx-shared`, ...) build on the [`model`] module: lossless decoding that keeps
//! `$objectType`, `$reserved` and undeclared fields ([`Extras`]), tri-state nullable
//! fields ([`Nullable`]), secrets that never print ([`Secret`]), a date-time that keeps the
//! text it was given ([`DateTime`]), and the decoding of `oneOf` unions.
//!
//! The generated per-operation clients call the HTTP half:
//! - [`client`]: [`Client`] (connection pool, credentials and session cookie, retries,
//!   tracing), the [`Request`] they build and the responses they get;
//! - [`error`]: the one [`Error`] type, with the v4 error envelope decoded;
//! - [`paginate`]: streams of pages and items of list operations;
//! - [`odata`]: `$filter`, `$orderby`, `$select` and `$expand`, typed per field;
//! - [`query`]: the projections `$select` and the expanded entities `$expand` return;
//! - [`task`]: waiting for asynchronous tasks;
//! - [`batch`]: the Prism batch API.
//!
//! TLS is rustls with the crypto provider the features choose: `tls-aws-lc` (default,
//! aws-lc-rs) or `tls-ring` (ring, a lighter first build). With neither, the program
//! installs a rustls `CryptoProvider` before building a [`Client`].

#![warn(missing_docs)]

pub mod batch;
pub mod client;
pub mod error;
pub mod model;
pub mod odata;
pub mod paginate;
pub mod query;
pub mod task;

pub use client::{
    ApiResponse, ByteStream, CallOptions, Client, IntoRequest, Multipart, Operation, PcSize,
    RateLimit, Request, Response,
};
pub use error::{Error, ErrorKind};
pub use model::{DateTime, Extras, Model, Nullable, Secret};

// Re-exported for the generated crates, so they need no dependency of their own on these.
pub use bytes;
pub use futures::Stream;
pub use http;
pub use uuid::Uuid;

//! Runtime for the generated Nutanix v4 crates.
//!
//! The generated model crates (`ntnx-vmm`, `ntnx-clustermgmt`, `ntnx-volumes`,
//! `ntnx-shared`, ...) build on the [`model`] module: lossless decoding that keeps
//! `$objectType`, `$reserved` and undeclared fields ([`Extras`]), tri-state nullable
//! fields ([`Nullable`]), secrets that never print ([`Secret`]), a date-time that keeps the
//! text it was given ([`DateTime`]), and the decoding of `oneOf` unions.

pub mod model;

pub use model::{DateTime, Extras, Model, Nullable, Secret};

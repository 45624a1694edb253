//! The generator's tests, one module per file, in one test binary (one link, not one per
//! file).

mod allof;
mod build;
mod common;
mod corrections;
mod determinism;
mod docs;
mod enums;
mod errors;
mod evolution;
mod fields;
mod naming;
mod operations;
mod queries;
mod recursive;
mod scalars;
mod shared;
mod unions;
mod variants;

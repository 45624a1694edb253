//! The workspace tests, one module per file, in one test binary: one link instead of one
//! per file, and one copy on disk of the generated crates they all use (21 binaries took
//! about 1.7 GB).

mod clients_auth;
mod clients_download;
mod clients_errors;
mod clients_examples;
mod clients_images;
mod clients_namespaces;
mod clients_pagination;
mod clients_stats;
mod clients_support;
mod conformance;
mod curl_request_bodies;
mod lossless;
mod mutations;
mod schema_examples;
mod secrets;
mod seed_payloads;
mod shapes;
mod soak;
mod tasks_and_batches;
mod typed_queries;
mod union_shapes;
mod wire_parity;

//! Spec-driven helpers for the workspace tests (`tests/tests/`), benchmarks and
//! conformance checks.
//!
//! - [`specs`]: finds and loads the pinned specs (`NTNX_SPECS_DIR`, or
//!   `<workspace root>/../shared/specs`), resolves local `$ref`s, lists operations and the
//!   request bodies of their cURL samples.
//! - [`examples`]: builds example JSON values for any component schema, covering every
//!   `oneOf` alternative across a set of values.
//! - [`calls`]: the arguments (parameters, `If-Match`, body) for calling every operation
//!   through `ntnx_registry::call`, built from the spec.
//! - [`roundtrip`]: decodes a value through `ntnx_registry` and names every JSON path
//!   where the re-encoded value differs.
//!
//! Nothing from the specs is copied into the repository: everything is read at run time.

pub mod basic_auth;
pub mod calls;
pub mod examples;
pub mod roundtrip;
pub mod specs;

/// Joins failure lines for an assertion message, with a count, at most `limit` shown.
pub fn report(title: &str, failures: &[String], limit: usize) -> String {
    let mut text = format!("{title}: {} failure(s)\n", failures.len());
    for failure in failures.iter().take(limit) {
        text.push_str("  - ");
        text.push_str(failure);
        text.push('\n');
    }
    if failures.len() > limit {
        text.push_str(&format!("  ... and {} more\n", failures.len() - limit));
    }
    text
}

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

/// Typed query options accept only what the operation documents, with operators that fit
/// each field's type. These compile (`listImages` of vmm v4.0 documents `name`,
/// `sizeBytes` and the enum `type` for `$filter`, `lastUpdateTime` among its `$orderby`
/// fields, `createTime` among its `$select` fields; `listVms` documents the collection
/// `nics`):
///
/// ```
/// use ntnx_vmm::content::ImageType;
/// use ntnx_vmm::VmmClient;
///
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm
///         .images()
///         .list_images()
///         .filter(|image| {
///             image.name().startswith("web")
///                 .and(image.size_bytes().gt(1 << 30))
///                 .and(image.r#type().eq(ImageType::DiskImage))
///         })
///         .orderby(|image| image.last_update_time().desc())
///         .select(|image| [image.name(), image.create_time()]);
///     let _ = vmm
///         .vm()
///         .list_vms()
///         .filter(|vm| vm.nics().any(|nic| nic.path("networkInfo/subnet/extId").eq("s1")));
/// }
/// ```
///
/// and each of these, one change away, does not. A field `listImages` does not document
/// for `$filter`:
///
/// ```compile_fail,E0599
/// # use ntnx_vmm::VmmClient;
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm.images().list_images().filter(|image| image.create_time().gt(&ntnx_runtime::DateTime::from_unix(0, 0)));
/// }
/// ```
///
/// A string function on a number:
///
/// ```compile_fail,E0599
/// # use ntnx_vmm::VmmClient;
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm.images().list_images().filter(|image| image.size_bytes().startswith("1"));
/// }
/// ```
///
/// An enum compared with text instead of one of its values:
///
/// ```compile_fail,E0308
/// # use ntnx_vmm::VmmClient;
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm.images().list_images().filter(|image| image.r#type().eq("DISK_IMAGE"));
/// }
/// ```
///
/// A sort key that is only selectable:
///
/// ```compile_fail,E0599
/// # use ntnx_vmm::VmmClient;
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm.images().list_images().orderby(|image| image.create_time().desc());
/// }
/// ```
///
/// `all` on a collection (the API supports only `any`):
///
/// ```compile_fail,E0599
/// # use ntnx_vmm::VmmClient;
/// fn queries(vmm: &VmmClient) {
///     let _ = vmm.vm().list_vms().filter(|vm| vm.nics().all(|nic| nic.path("isConnected").eq(true)));
/// }
/// ```
///
/// A projection's required field read as if it were still required (`name` of a selected
/// image is an `Option`):
///
/// ```compile_fail,E0308
/// # use ntnx_vmm::VmmClient;
/// async fn names(vmm: &VmmClient) -> Result<Vec<String>, ntnx_runtime::Error> {
///     let page = vmm.images().list_images().select(|image| [image.name()]).send().await?;
///     Ok(page.data.unwrap_or_default().into_iter().map(|image| -> String { image.name }).collect())
/// }
/// ```
pub mod typed_queries {}

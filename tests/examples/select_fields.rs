//! Ask for some fields only: `$select=name,sizeBytes`.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example select_fields
//! ```

mod common;

use std::process::ExitCode;

use ntnx_runtime::odata::Select;
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _) = common::connect("select_fields", "", 0);
    common::finish(names_and_sizes(&VmmClient::new(client)).await)
}

/// The selected fields of an image. The server sends only these, so the full `Image`
/// (whose `type` is required) would not decode: `send_as` decodes into this instead.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct NameAndSize {
    name: String,
    size_bytes: Option<u64>,
}

async fn names_and_sizes(vmm: &VmmClient) -> Result<(), ntnx_runtime::Error> {
    let page = vmm
        .images()
        .list_images()
        .select(Select::new().field("name").field("sizeBytes"))
        .send_as::<Vec<NameAndSize>>()
        .await?;
    for image in page.data.unwrap_or_default() {
        println!(
            "  {:<40} {:>14} bytes",
            image.name,
            image.size_bytes.unwrap_or(0)
        );
    }
    Ok(())
}

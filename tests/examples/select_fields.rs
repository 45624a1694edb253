//! Ask for some fields only: `$select=name,sizeBytes`.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example select_fields
//! ```

mod common;

use std::process::ExitCode;

use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _) = common::connect("select_fields", "", 0);
    common::finish(names_and_sizes(&VmmClient::new(client)).await)
}

async fn names_and_sizes(vmm: &VmmClient) -> Result<(), ntnx_runtime::Error> {
    // The server sends only the selected fields, so the answer decodes into
    // `ImageProjection`: `Image`'s fields, none of them required.
    let page = vmm
        .images()
        .list_images()
        .select(|image| [image.name(), image.size_bytes()])
        .send()
        .await?;
    for image in page.data.unwrap_or_default() {
        println!(
            "  {:<40} {:>14} bytes",
            image.name.as_deref().unwrap_or("?"),
            image.size_bytes.unwrap_or(0)
        );
    }
    Ok(())
}

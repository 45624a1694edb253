//! Filter images by name prefix: `$filter=startswith(name, 'fileserver_')`.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example filter_by_name_prefix -- fileserver_
//! ```

mod common;

use std::process::ExitCode;

use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, args) = common::connect("filter_by_name_prefix", "[PREFIX]", 0);
    let prefix = args.first().map_or("fileserver_", String::as_str);
    common::finish(filter_by_name_prefix(&VmmClient::new(client), prefix).await)
}

async fn filter_by_name_prefix(vmm: &VmmClient, prefix: &str) -> Result<(), ntnx_runtime::Error> {
    // Only the fields listImages documents for `$filter` exist on `image`, each with the
    // operators of its type; the literal is quoted and escaped:
    // `startswith(name, 'fileserver_')`.
    let page = vmm
        .images()
        .list_images()
        .filter(|image| image.name().startswith(prefix))
        .send()
        .await?;
    for image in page.data.unwrap_or_default() {
        println!("  {}", image.name);
    }
    Ok(())
}

//! The first three images by name: `$orderby=name asc&$limit=3`.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example order_by_name_limit_3
//! ```

mod common;

use std::process::ExitCode;

use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _) = common::connect("order_by_name_limit_3", "", 0);
    common::finish(first_three_by_name(&VmmClient::new(client)).await)
}

async fn first_three_by_name(vmm: &VmmClient) -> Result<(), ntnx_runtime::Error> {
    let page = vmm
        .images()
        .list_images()
        .orderby(|image| image.name().asc())
        .limit(3)
        .send()
        .await?;
    for image in page.data.iter().flatten() {
        println!("  {}", image.name);
    }
    // The metadata links point at the next page, if there is one.
    if let Some(next) = page.link("next") {
        println!("next page: {next}");
    }
    Ok(())
}

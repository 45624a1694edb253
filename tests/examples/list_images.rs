//! List images: one page with the total Prism Central reports, then every image, page
//! after page.
//!
//! ```sh
//! NTNX_HOST=pc.example.com NTNX_USERNAME=admin NTNX_PASSWORD=... \
//!   cargo run -p ntnx-workspace-tests --example list_images
//! ```

mod common;

use std::process::ExitCode;

use futures::TryStreamExt as _;
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _) = common::connect("list_images", "", 0);
    common::finish(list_images(&VmmClient::new(client)).await)
}

async fn list_images(vmm: &VmmClient) -> Result<(), ntnx_runtime::Error> {
    // GET /api/vmm/v4.0/content/images: the first page (50 images unless `limit` is set).
    let page = vmm.images().list_images().send().await?;
    let total = page.total_available_results().unwrap_or(0);
    println!("{total} images in total; the first page:");
    for image in page.data.iter().flatten() {
        println!("  {} ({:?})", image.name, image.r#type);
    }

    // `items()` walks `$page` 0, 1, 2, ... with `$limit=100` and yields image after image.
    let mut images = std::pin::pin!(vmm.images().list_images().items());
    let mut bytes = 0;
    while let Some(image) = images.try_next().await? {
        bytes += image.size_bytes.unwrap_or(0);
    }
    println!("all images together: {bytes} bytes");
    Ok(())
}

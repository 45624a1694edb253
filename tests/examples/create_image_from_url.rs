//! Create a disk image from a URL and wait for its task; the task names the new image.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example create_image_from_url -- \
//!     ubuntu-22.04 https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use ntnx_prism::PrismClient;
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::Client;
use ntnx_vmm::content::{Image, ImageType, UrlSource};
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, args) = common::connect("create_image_from_url", "NAME URL", 2);
    let result = create_image_from_url(&client, &args[0], &args[1]).await;
    common::finish(result.map(|_| ()))
}

/// Creates image `name` from `url`; returns the new image's extId.
pub async fn create_image_from_url(
    client: &Client,
    name: &str,
    url: &str,
) -> Result<String, ntnx_runtime::Error> {
    let vmm = VmmClient::new(client.clone());
    let prism = PrismClient::new(client.clone());

    // Name, type and source are what a new image needs.
    let mut image = Image::new(name.to_owned(), ImageType::DiskImage);
    image.source = Some(UrlSource::new(url.to_owned()).into());

    // POST answers at once with a task; the image is created in the background.
    let reference = vmm.images().create_image(image).send().await?.into_data()?;
    println!(
        "creating `{name}`: task {}",
        reference.ext_id.as_deref().unwrap_or_default()
    );

    // Downloading a large image takes a while; the prism namespace follows the task.
    let options = WaitOptions::with_timeout(Duration::from_secs(30 * 60));
    let task = prism.tasks().wait_for_task(&reference, options).await?;
    let image_id = task
        .entities_affected
        .iter()
        .flatten()
        .find(|entity| entity.rel.as_deref() == Some("vmm:content:image"))
        .and_then(|entity| entity.ext_id.clone())
        .unwrap_or_default();
    println!("created image {image_id}");
    Ok(image_id)
}

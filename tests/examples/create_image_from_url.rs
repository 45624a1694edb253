//! Create a disk image from a URL and wait for its task; the task names the new image.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example create_image_from_url -- \
//!     ubuntu-22.04 https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

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

    // Name, type and source are what a new image needs.
    let mut image = Image::new(name.to_owned(), ImageType::DiskImage);
    image.source = Some(UrlSource::new(url.to_owned()).into());

    // POST answers at once with a task; the image is created in the background.
    let task = vmm.images().create_image(image).send().await?.into_data()?;
    let task_id = task.ext_id.unwrap_or_default();
    println!("creating `{name}`: task {task_id}");

    // Downloading a large image takes a while.
    let task = client
        .wait_for_task(
            &task_id,
            WaitOptions::with_timeout(Duration::from_secs(30 * 60)),
        )
        .await?;
    let image_id = task
        .entity_ext_id("vmm:content:image")
        .unwrap_or_default()
        .to_owned();
    println!("created image {image_id}");
    Ok(image_id)
}

//! Rename an image: read it, change its name and send it back. The ETag of the read
//! travels with the image and is sent as `If-Match`, so the update fails (412) instead of
//! overwriting a change someone else made in between.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example rename_image_with_etag -- IMAGE_EXT_ID NEW_NAME
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use ntnx_prism::config::Task;
use ntnx_prism::PrismClient;
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::{Client, Model as _};
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, args) = common::connect("rename_image_with_etag", "IMAGE_EXT_ID NEW_NAME", 2);
    let result = rename_image(&client, &args[0], &args[1]).await;
    common::finish(result.map(|_| ()))
}

/// Renames image `ext_id` to `new_name` and waits for the update to finish.
pub async fn rename_image(
    client: &Client,
    ext_id: &str,
    new_name: &str,
) -> Result<Task, ntnx_runtime::Error> {
    let vmm = VmmClient::new(client.clone());

    // GET: the image, with the response's ETag kept inside it.
    let mut image = vmm
        .images()
        .get_image_by_id(ext_id)
        .send()
        .await?
        .into_data()?;
    println!(
        "renaming `{}` (ETag {})",
        image.name,
        image.etag().unwrap_or("none")
    );

    // PUT: the same image with a new name; If-Match is the ETag from the GET.
    image.name = new_name.to_owned();
    let task = vmm
        .images()
        .update_image_by_id(ext_id, image)
        .send()
        .await?
        .into_data()?;

    // The update runs as a task.
    let options = WaitOptions::with_timeout(Duration::from_secs(300));
    let task = PrismClient::new(client.clone())
        .tasks()
        .wait_for_task(&task, options)
        .await?;
    println!(
        "task {}: {:?}",
        task.ext_id.as_deref().unwrap_or_default(),
        task.status
    );
    Ok(task)
}

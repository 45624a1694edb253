//! Authenticate with an API key instead of a user name and password: the key goes in the
//! `X-ntnx-api-key` header of every request.
//!
//! ```sh
//! NTNX_HOST=pc.example.com NTNX_API_KEY=... cargo run -p ntnx-workspace-tests --example api_key_auth
//! ```

mod common;

use std::process::ExitCode;

use ntnx_runtime::Client;
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = common::settings("api_key_auth", "", 0);
    let Some(api_key) = settings.api_key else {
        common::usage("api_key_auth", "(needs --api-key KEY or NTNX_API_KEY)");
    };

    let client = Client::builder(settings.host)
        .api_key(api_key)
        // Lab clusters often have a self-signed certificate (NTNX_INSECURE=1).
        .danger_accept_invalid_certs(settings.insecure)
        .build();
    let client = match client {
        Ok(client) => client,
        Err(error) => return common::finish(Err(error)),
    };
    common::finish(first_images(&VmmClient::new(client)).await)
}

async fn first_images(vmm: &VmmClient) -> Result<(), ntnx_runtime::Error> {
    let page = vmm.images().list_images().limit(3).send().await?;
    for image in page.data.unwrap_or_default() {
        println!("  {}", image.name);
    }
    Ok(())
}

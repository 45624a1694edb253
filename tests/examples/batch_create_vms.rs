//! Create 10 VMs in one call with the Prism batch API, then wait for the batch's task.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example batch_create_vms -- CLUSTER_EXT_ID
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use ntnx_prism::config::Task;
use ntnx_prism::operations::BatchSpec;
use ntnx_prism::PrismClient;
use ntnx_runtime::batch::Batch;
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::Client;
use ntnx_vmm::ahv::config::{ClusterReference, Vm};
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> ExitCode {
    let (client, args) = common::connect("batch_create_vms", "CLUSTER_EXT_ID", 1);
    let result = batch_create_vms(&client, &args[0], 10).await;
    common::finish(result.map(|_| ()))
}

/// Creates `count` small VMs on cluster `cluster_ext_id` in one batch.
pub async fn batch_create_vms(
    client: &Client,
    cluster_ext_id: &str,
    count: usize,
) -> Result<Task, ntnx_runtime::Error> {
    let vmm = VmmClient::new(client.clone());
    let prism = PrismClient::new(client.clone());
    // Each item is a `createVm` call, built as if it were sent on its own.
    let mut batch = Batch::new("create-demo-vms")
        .stop_on_error(false)
        .chunk_size(5);
    for i in 1..=count {
        // Generated models are `#[non_exhaustive]` (a release may add fields): start from
        // `default()` (or `new(...)` where fields are required) and set what you need.
        let mut cluster = ClusterReference::default();
        cluster.ext_id = Some(cluster_ext_id.to_owned());
        let mut vm = Vm::default();
        vm.name = Some(format!("demo-vm-{i:02}"));
        vm.num_sockets = Some(1);
        vm.num_cores_per_socket = Some(2);
        vm.memory_size_bytes = Some(4 << 30);
        vm.cluster = Some(cluster);
        batch.push(vmm.vm().create_vm(vm))?;
    }

    // One request for all of them (up to 500 a request); the batch runs as one task.
    let spec: BatchSpec = batch.spec()?;
    let reference = prism
        .batches()
        .submit_batch(spec)
        .send()
        .await?
        .into_data()?;
    let options = WaitOptions::with_timeout(Duration::from_secs(600));
    let task = prism.tasks().wait_for_task(&reference, options).await?;
    println!(
        "batch {:?}: {} entities",
        task.status,
        task.entities_affected.as_deref().unwrap_or_default().len()
    );
    Ok(task)
}

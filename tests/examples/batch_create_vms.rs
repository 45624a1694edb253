//! Create 10 VMs in one call with the Prism batch API, then wait for the batch's task.
//!
//! ```sh
//! cargo run -p ntnx-workspace-tests --example batch_create_vms -- CLUSTER_EXT_ID
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use ntnx_runtime::batch::{Batch, BatchAction, BatchItem};
use ntnx_runtime::task::{Task, WaitOptions};
use ntnx_runtime::Client;
use ntnx_vmm::ahv::config::{ClusterReference, Vm};

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
    // Every item of a CREATE batch is the body of one `POST /api/vmm/v4.0/ahv/config/vms`.
    let mut batch = Batch::new(
        BatchAction::Create,
        "create-demo-vms",
        "/api/vmm/v4.0/ahv/config/vms",
    )
    .should_stop_on_error(false)
    .chunk_size(5);
    for i in 1..=count {
        let vm = Vm {
            name: Some(format!("demo-vm-{i:02}")),
            num_sockets: Some(1),
            num_cores_per_socket: Some(2),
            memory_size_bytes: Some(4 << 30),
            cluster: Some(ClusterReference {
                ext_id: Some(cluster_ext_id.to_owned()),
                ..ClusterReference::default()
            }),
            ..Vm::default()
        };
        batch.push(BatchItem::new(&vm)?);
    }

    // One request for all of them; the batch runs as one task.
    let task_id = client.submit_batch(&batch).await?;
    println!("batch task {task_id}");
    let task = client
        .wait_for_task(
            &task_id,
            WaitOptions::with_timeout(Duration::from_secs(600)),
        )
        .await?;
    println!(
        "batch {:?}: {} entities",
        task.status,
        task.entities_affected().len()
    );
    Ok(task)
}

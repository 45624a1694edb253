//! Tasks and batches through the generated prism crate: what a vmm call answers with is
//! the `TaskReference` that `wait_for_task` takes, a failed task's error carries the
//! generated `Task`, and batches are built from generated request builders (If-Match of a
//! fetched entity included) into the generated `BatchSpec`.

use std::time::Duration;

use crate::clients_support::*;
use ntnx_prism::config::{Task, TaskStatus};
use ntnx_prism::operations::{ActionType, BatchSpec};
use ntnx_prism::PrismClient;
use ntnx_runtime::batch::{Batch, MAX_BATCH_ITEMS};
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::ErrorKind;
use ntnx_vmm::VmmClient;
use serde_json::{json, Value};
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BATCH_PATH: &str = "/api/prism/v4.0/operations/$actions/batch";

fn fast() -> WaitOptions {
    WaitOptions::with_timeout(Duration::from_secs(5))
        .intervals(Duration::from_millis(5), Duration::from_millis(10))
}

#[tokio::test]
async fn a_failed_task_is_an_error_carrying_the_generated_task() {
    let server = MockServer::start().await;
    let mut failed = task(TASK_ID, "FAILED", 60, None);
    failed["data"]["errorMessages"] = json!([{
        "message": "Failed to download image: connection reset.",
        "severity": "ERROR",
        "code": "VMM-30100",
        "$objectType": "prism.v4.error.AppMessage"
    }]);
    Mock::given(method("GET"))
        .and(path(format!("/api/prism/v4.0/config/tasks/{TASK_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(failed))
        .mount(&server)
        .await;
    let prism = PrismClient::new(client(&server.uri()));
    let error = prism
        .tasks()
        .wait_for_task_id(TASK_ID, fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Task);
    assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-30100"));
    let task: &Task = error.task().expect("the error carries the generated task");
    assert_eq!(task.status, Some(TaskStatus::Failed));
    assert_eq!(task.progress_percentage, Some(60));
    assert_eq!(
        error.to_string(),
        format!(
            "task {TASK_ID} (CreateImage) ended FAILED: VMM-30100: Failed to download image: \
             connection reset."
        )
    );
    // A reference without an extId cannot be waited for.
    let nothing = ntnx_prism::config::TaskReference::default();
    let error = prism
        .tasks()
        .wait_for_task(&nothing, fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("no extId"), "{error}");
}

#[tokio::test]
async fn a_batch_of_updates_carries_each_fetched_etag() {
    let server = MockServer::start().await;
    let ids = [IMAGE_ID, "0b5d8f1e-7c2a-4e3b-9d6f-1a2b3c4d5e6f"];
    for (i, id) in ids.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/api/vmm/v4.0/content/images/{id}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("ETag", format!("etag-{i}"))
                    .set_body_json(entity_envelope(
                        image(id, &format!("web-{i}"), 1 << 30),
                        "vmm.v4.content.GetImageApiResponse",
                    )),
            )
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(BATCH_PATH))
        .and(header_is("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "prism.v4.operations.SubmitBatchApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/prism/v4.0/config/tasks/{TASK_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(
            TASK_ID,
            "SUCCEEDED",
            100,
            None,
        )))
        .mount(&server)
        .await;

    let client = client(&server.uri());
    let vmm = VmmClient::new(client.clone());
    let prism = PrismClient::new(client);
    let mut batch = Batch::new("rename web images").stop_on_error(true);
    for id in ids {
        let mut image = vmm
            .images()
            .get_image_by_id(id)
            .send()
            .await
            .unwrap()
            .into_data()
            .unwrap();
        image.name = format!("{}-renamed", image.name);
        batch
            .push(vmm.images().update_image_by_id(id, image))
            .unwrap();
    }
    let spec: BatchSpec = batch.spec().unwrap();
    let metadata = spec.metadata.as_ref().unwrap();
    assert_eq!(metadata.action, ActionType::Modify);
    assert_eq!(metadata.uri, "/api/vmm/v4.0/content/images/{extId}");
    let reference = prism
        .batches()
        .submit_batch(spec)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let done = prism
        .tasks()
        .wait_for_task(&reference, fast())
        .await
        .unwrap();
    assert_eq!(done.status, Some(TaskStatus::Succeeded));

    let requests = server.received_requests().await.unwrap();
    let submitted = requests
        .iter()
        .find(|r| r.url.path() == BATCH_PATH)
        .unwrap();
    let body: Value = serde_json::from_slice(&submitted.body).unwrap();
    assert_eq!(body["$objectType"], "prism.v4.operations.BatchSpec");
    assert_eq!(body["metadata"]["shouldStopOnError"], true);
    assert_eq!(
        body["metadata"]["$objectType"],
        "prism.v4.operations.BatchSpecMetadata"
    );
    for (i, item) in body["payload"].as_array().unwrap().iter().enumerate() {
        assert_eq!(item["$objectType"], "prism.v4.operations.BatchSpecPayload");
        let headers = &item["metadata"]["headers"];
        assert_eq!(headers[0]["name"], "If-Match");
        assert_eq!(headers[0]["value"], format!("etag-{i}"));
        assert_eq!(item["metadata"]["path"][0]["value"], ids[i]);
        assert_eq!(item["data"]["name"], format!("web-{i}-renamed"));
        assert_eq!(item["data"]["$objectType"], "vmm.v4.content.Image");
    }
}

#[tokio::test]
async fn more_than_500_deletes_become_several_batches() {
    let server = MockServer::start().await;
    let vmm = VmmClient::new(client(&server.uri()));
    let mut batch = Batch::new("cleanup");
    for i in 0..MAX_BATCH_ITEMS + 20 {
        let id = format!("00000000-0000-4000-8000-{i:012}");
        batch.push(vmm.images().delete_image_by_id(id)).unwrap();
    }
    let specs: Vec<BatchSpec> = batch.specs().unwrap();
    let sizes: Vec<usize> = specs
        .iter()
        .map(|s| s.payload.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [500, 20]);
    assert_eq!(
        specs[1].metadata.as_ref().unwrap().action,
        ActionType::Delete
    );
    // A different operation cannot join.
    let error = batch
        .push(vmm.images().get_image_by_id(IMAGE_ID))
        .unwrap_err();
    assert!(
        error.to_string().contains("cannot be part of a batch"),
        "{error}"
    );
}

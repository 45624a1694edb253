//! The batch API body and its limit.

use ntnx_runtime::batch::{Batch, BatchAction, BatchItem, MAX_BATCH_ITEMS};
use ntnx_runtime::{ErrorKind, Extras};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

const BATCH_TASK: &str = "ZXJnb24=:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

#[tokio::test]
async fn batch_body_shape_and_task_reference() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/prism/v4.0/operations/$actions/batch"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "data": {"extId": BATCH_TASK, "$objectType": "prism.v4.config.TaskReference"},
            "metadata": {"flags": [{"name": "hasError", "value": false}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let first = Image {
        name: "web-01".into(),
        size_bytes: Some(20 << 30),
        extras: Extras::new(),
    };
    let second = json!({"name": "web-02"});
    let batch = Batch::new(
        BatchAction::Modify,
        "rename web images",
        "/api/vmm/v4.0/content/images/{extId}",
    )
    .should_stop_on_error(true)
    .chunk_size(10)
    .item(
        BatchItem::new(&first)
            .unwrap()
            .path_param("extId", "11111111-2222-4333-8444-555555555555")
            .if_match("W/\"etag-a\""),
    )
    .item(
        BatchItem::new(&second)
            .unwrap()
            .path_param("extId", "66666666-7777-4888-9999-000000000000")
            .if_match("W/\"etag-b\""),
    );
    let task_id = client(&server).submit_batch(&batch).await.unwrap();
    assert_eq!(task_id, BATCH_TASK);

    let request = &received(&server).await[0];
    assert!(header(request, "ntnx-request-id").is_some());
    let body: serde_json::Value = request.body_json().unwrap();
    let item = |ext_id: &str, etag: &str, data: serde_json::Value| {
        json!({
            "data": data,
            "metadata": {
                "headers": [{"name": "If-Match", "value": etag}],
                "path": [{"name": "extId", "value": ext_id}],
                "$objectType": "prism.v4.operations.BatchSpecPayloadMetadata"
            },
            "$objectType": "prism.v4.operations.BatchSpecPayload",
        })
    };
    assert_eq!(
        body,
        json!({
            "metadata": {
                "action": "MODIFY",
                "name": "rename web images",
                "uri": "/api/vmm/v4.0/content/images/{extId}",
                "shouldStopOnError": true,
                "chunkSize": 10,
                "$objectType": "prism.v4.operations.BatchSpecMetadata"
            },
            "payload": [
                item("11111111-2222-4333-8444-555555555555", "W/\"etag-a\"",
                     json!({"name": "web-01", "sizeBytes": 21474836480_u64})),
                item("66666666-7777-4888-9999-000000000000", "W/\"etag-b\"",
                     json!({"name": "web-02"})),
            ],
            "$objectType": "prism.v4.operations.BatchSpec"
        })
    );
}

#[tokio::test]
async fn more_than_500_items_is_an_error_before_sending() {
    let server = MockServer::start().await;
    let mut batch = Batch::new(
        BatchAction::Delete,
        "cleanup",
        "/api/vmm/v4.0/content/images/{extId}",
    );
    for i in 0..=MAX_BATCH_ITEMS {
        batch.push(BatchItem::without_data().path_param("extId", format!("id-{i}")));
    }
    let error = client(&server).submit_batch(&batch).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(error.to_string().contains("at most 500"), "{error}");
    assert!(received(&server).await.is_empty());
}

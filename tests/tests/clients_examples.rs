//! The examples' core functions (`tests/examples/`) against a mock Prism Central, so the
//! documented flows are checked end to end, not only compiled.

// Each example declares `mod common;`, so the shared settings file is loaded once per
// example included here; that is harmless (nothing here uses it).
#![allow(clippy::duplicate_mod)]

// Each example brings its `main` and the shared settings code, unused here.
#[allow(dead_code)]
#[path = "../examples/batch_create_vms.rs"]
mod batch_create_vms;
#[allow(dead_code)]
#[path = "../examples/create_image_from_url.rs"]
mod create_image_from_url;
#[allow(dead_code)]
#[path = "../examples/rename_image_with_etag.rs"]
mod rename_image_with_etag;

use crate::clients_support::*;
use ntnx_prism::config::TaskStatus;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_task(server: &MockServer, created: Option<&str>) {
    Mock::given(method("GET"))
        .and(path(format!("/api/prism/v4.0/config/tasks/{TASK_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(
            TASK_ID,
            "SUCCEEDED",
            100,
            created,
        )))
        .mount(server)
        .await;
}

#[tokio::test]
async fn rename_image_with_etag_example() {
    let server = MockServer::start().await;
    let image_path = format!("/api/vmm/v4.0/content/images/{IMAGE_ID}");
    Mock::given(method("GET"))
        .and(path(image_path.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(entity_envelope(
                    image(IMAGE_ID, "fileserver_2024.1", 1 << 30),
                    "vmm.v4.content.GetImageApiResponse",
                ))
                .insert_header("ETag", ETAG),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(image_path.as_str()))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.UpdateImageApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_task(&server, None).await;

    let task =
        rename_image_with_etag::rename_image(&client(&server.uri()), IMAGE_ID, "fileserver-gold")
            .await
            .expect("the example succeeds");

    assert_eq!(task.status, Some(TaskStatus::Succeeded));
    let requests = server.received_requests().await.expect("recorded");
    let put = requests
        .iter()
        .find(|r| r.method.as_str() == "PUT")
        .expect("a PUT");
    assert_eq!(header(put, "if-match"), Some(ETAG));
    let body: Value = serde_json::from_slice(&put.body).expect("JSON");
    assert_eq!(body["name"], "fileserver-gold");
}

#[tokio::test]
async fn create_image_from_url_example() {
    let server = MockServer::start().await;
    let new_image = "5e0a3d1f-7c2b-4a9e-8f6d-0b1c2d3e4f50";
    Mock::given(method("POST"))
        .and(path("/api/vmm/v4.0/content/images"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.CreateImageApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_task(&server, Some(new_image)).await;

    let created = create_image_from_url::create_image_from_url(
        &client(&server.uri()),
        "ubuntu-22.04",
        "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img",
    )
    .await
    .expect("the example succeeds");

    assert_eq!(created, new_image);
    let requests = server.received_requests().await.expect("recorded");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("JSON");
    assert_eq!(body["name"], "ubuntu-22.04");
    assert_eq!(body["source"]["$objectType"], "vmm.v4.content.UrlSource");
}

#[tokio::test]
async fn batch_create_vms_example() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/prism/v4.0/operations/$actions/batch"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "prism.v4.operations.BatchApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_task(&server, None).await;

    let task = batch_create_vms::batch_create_vms(&client(&server.uri()), CLUSTER_ID, 10)
        .await
        .expect("the example succeeds");

    assert_eq!(task.status, Some(TaskStatus::Succeeded));
    let requests = server.received_requests().await.expect("recorded");
    let batch = &requests[0];
    assert!(header(batch, "ntnx-request-id").is_some());
    let body: Value = serde_json::from_slice(&batch.body).expect("JSON");
    assert_eq!(body["$objectType"], "prism.v4.operations.BatchSpec");
    assert_eq!(body["metadata"]["action"], "CREATE");
    assert_eq!(body["metadata"]["uri"], "/api/vmm/v4.0/ahv/config/vms");
    assert_eq!(body["metadata"]["shouldStopOnError"], false);
    assert_eq!(body["metadata"]["chunkSize"], 5);
    let payload = body["payload"].as_array().expect("payload");
    assert_eq!(payload.len(), 10);
    for (i, item) in payload.iter().enumerate() {
        let vm = &item["data"];
        assert_eq!(vm["$objectType"], "vmm.v4.ahv.config.Vm");
        assert_eq!(vm["name"], format!("demo-vm-{:02}", i + 1));
        assert_eq!(vm["numSockets"], 1);
        assert_eq!(vm["numCoresPerSocket"], 2);
        assert_eq!(vm["memorySizeBytes"], 4_u64 << 30);
        assert_eq!(vm["cluster"]["extId"], CLUSTER_ID);
    }
}

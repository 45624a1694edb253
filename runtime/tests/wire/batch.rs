//! Batches built from requests: the `submitBatch` body each call maps to, the one-operation
//! rule, the 500-item limit and the split into several bodies. The bodies are decoded into
//! `serde_json::Value` here; the workspace tests decode them into the generated prism
//! `BatchSpec` and submit them.

use ntnx_runtime::batch::{Batch, MAX_BATCH_ITEMS};
use ntnx_runtime::client::{Operation, Request};
use ntnx_runtime::{ErrorKind, Extras};
use serde_json::{json, Value};

use super::common::*;

static UPDATE_IMAGE: Operation = Operation::new(
    "updateImageById",
    http::Method::PUT,
    "/vmm/v4.0/content/images/{extId}",
);

static DELETE_IMAGE: Operation = Operation::new(
    "deleteImageById",
    http::Method::DELETE,
    "/vmm/v4.0/content/images/{extId}",
);

static POWER_ON: Operation = Operation::new(
    "powerOnVm",
    http::Method::POST,
    "/vmm/v4.0/ahv/config/vms/{extId}/$actions/power-on",
);

static LIST_IMAGES: Operation =
    Operation::new("listImages", http::Method::GET, "/vmm/v4.0/content/images");

fn rename(ext_id: &str, etag: &str, image: &impl serde::Serialize) -> Request {
    Request::new(&UPDATE_IMAGE)
        .path_param("extId", ext_id)
        .if_match(etag)
        .json_body(image)
        .unwrap()
}

#[test]
fn each_call_becomes_an_item_of_one_uri_and_action() {
    let first = Image {
        name: "web-01".into(),
        size_bytes: Some(20 << 30),
        extras: Extras::new(),
    };
    let batch = Batch::new("rename web images")
        .stop_on_error(true)
        .chunk_size(10)
        .with(rename(
            "11111111-2222-4333-8444-555555555555",
            "W/\"etag-a\"",
            &first,
        ))
        .unwrap()
        .with(
            rename(
                "66666666-7777-4888-9999-000000000000",
                "W/\"etag-b\"",
                &json!({"name": "web-02"}),
            )
            .header("X-Cluster-Id", "0005a3c1-1111-4222-8333-944455566677"),
        )
        .unwrap();
    let body: Value = batch.spec().unwrap();
    assert_eq!(
        body,
        json!({
            "metadata": {
                "action": "MODIFY",
                "name": "rename web images",
                "uri": "/api/vmm/v4.0/content/images/{extId}",
                "shouldStopOnError": true,
                "chunkSize": 10
            },
            "payload": [
                {
                    "data": {"name": "web-01", "sizeBytes": 21474836480_u64},
                    "metadata": {
                        "headers": [{"name": "If-Match", "value": "W/\"etag-a\""}],
                        "path": [{"name": "extId", "value": "11111111-2222-4333-8444-555555555555"}]
                    }
                },
                {
                    "data": {"name": "web-02"},
                    "metadata": {
                        "headers": [
                            {"name": "If-Match", "value": "W/\"etag-b\""},
                            {"name": "x-cluster-id", "value": "0005a3c1-1111-4222-8333-944455566677"}
                        ],
                        "path": [{"name": "extId", "value": "66666666-7777-4888-9999-000000000000"}]
                    }
                }
            ]
        })
    );
}

#[test]
fn the_action_follows_the_method_and_path() {
    let action = |request: Request| -> Value {
        let spec: Value = Batch::new("b").with(request).unwrap().spec().unwrap();
        spec["metadata"]["action"].clone()
    };
    assert_eq!(
        action(Request::new(&DELETE_IMAGE).path_param("extId", "a")),
        "DELETE"
    );
    assert_eq!(
        action(
            Request::new(&POWER_ON)
                .path_param("extId", "a")
                .if_match("e")
        ),
        "ACTION"
    );
    // A body-less item has no `data`.
    let spec: Value = Batch::new("b")
        .with(Request::new(&DELETE_IMAGE).path_param("extId", "a"))
        .unwrap()
        .spec()
        .unwrap();
    assert_eq!(
        spec["payload"][0],
        json!({"metadata": {"path": [{"name": "extId", "value": "a"}]}})
    );
}

#[test]
fn calls_that_cannot_join_a_batch_are_refused() {
    let mut batch = Batch::new("mixed");
    batch
        .push(Request::new(&DELETE_IMAGE).path_param("extId", "a"))
        .unwrap();
    let other = batch.push(rename("b", "e", &json!({"name": "x"})));
    let error = other.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(
        error.to_string().contains("calls of one operation"),
        "{error}"
    );
    let list = Batch::new("list")
        .with(Request::new(&LIST_IMAGES))
        .unwrap_err();
    assert!(
        list.to_string().contains("cannot be part of a batch"),
        "{list}"
    );
    let query = Batch::new("query")
        .with(
            Request::new(&DELETE_IMAGE)
                .path_param("extId", "a")
                .query("force", true),
        )
        .unwrap_err();
    assert!(
        query.to_string().contains("query parameter `force`"),
        "{query}"
    );
    let empty = Batch::new("empty").spec::<Value>().unwrap_err();
    assert!(empty.to_string().contains("has no items"), "{empty}");
    assert_eq!(batch.len(), 1);
}

#[test]
fn more_than_500_items_split_into_several_bodies() {
    let mut batch = Batch::new("cleanup");
    for i in 0..=MAX_BATCH_ITEMS {
        batch
            .push(Request::new(&DELETE_IMAGE).path_param("extId", format!("id-{i}")))
            .unwrap();
    }
    let error = batch.spec::<Value>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(error.to_string().contains("at most 500"), "{error}");
    let specs: Vec<Value> = batch.specs().unwrap();
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[0]["payload"].as_array().unwrap().len(), 500);
    assert_eq!(specs[1]["payload"].as_array().unwrap().len(), 1);
    assert_eq!(specs[0]["metadata"]["name"], "cleanup (1/2)");
    assert_eq!(
        specs[1]["payload"][0]["metadata"]["path"][0]["value"],
        format!("id-{MAX_BATCH_ITEMS}")
    );
}

#[test]
fn a_body_that_does_not_fit_the_model_names_the_field() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        metadata: StrictMetadata,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct StrictMetadata {
        action: u32,
    }
    let batch = Batch::new("b")
        .with(Request::new(&DELETE_IMAGE).path_param("extId", "a"))
        .unwrap();
    let error = batch.spec::<Strict>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.decode_location().unwrap().1, "metadata.action");
}

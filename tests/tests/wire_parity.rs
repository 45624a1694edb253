//! What goes on the wire, rule by rule, on real schemas, next to what the official Python SDK
//! (`ntnx-vmm-py-client` 4.0.1) was observed to send against a local server. The expected
//! bytes below are written from those observations, not produced by this SDK.
//!
//! Same as the official SDK:
//! - a value built in code carries `$reserved: {"$fv": <revision>}` (`v4.r0` for vmm v4.0
//!   models, `v1.r0` for `common.v1.0`), its `$objectType` and `$unknownFields: {}`, after
//!   its own fields, in that order, nested objects too; unset fields are left out;
//! - a fetched entity keeps the answer's ETag under `$reserved.ETag` and sends it back in
//!   the body and as `If-Match` of its update;
//! - downloads ask for their media type and JSON (`Accept: application/octet-stream,
//!   application/json`).
//!
//! Different, on purpose:
//! - fields a fetched object has but its model does not declare go back where they were, at
//!   the top level, not under `$unknownFields`: the server that sent them validates them
//!   there, and decode-then-encode gives back the same JSON;
//! - a declared field that arrived as `null` is sent back as `null` (the official SDK drops
//!   it): the value is what the server holds, and nothing is lost;
//! - `NTNX-Request-Id` goes only with writes (where the specs declare it), not with reads,
//!   and a `GET` carries no `Content-Type`, having no body.

use crate::clients_support::*;
use ntnx_runtime::{ErrorKind, Model as _};
use ntnx_shared::common::v1::config::KvPair;
use ntnx_vmm::content::{Image, ImageType, UrlSource};
use ntnx_vmm::VmmClient;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn a_built_value_is_encoded_as_the_official_sdk_encodes_it() {
    let mut image = Image::new("web", ImageType::DiskImage);
    image.source = Some(UrlSource::new("http://x/y.qcow2").into());
    // The Python SDK's body for the same image, its separators made compact.
    let expected = concat!(
        r#"{"name":"web","type":"DISK_IMAGE","source":{"url":"http://x/y.qcow2","#,
        r#""shouldAllowInsecureUrl":false,"$reserved":{"$fv":"v4.r0"},"#,
        r#""$objectType":"vmm.v4.content.UrlSource","$unknownFields":{}},"#,
        r#""$reserved":{"$fv":"v4.r0"},"$objectType":"vmm.v4.content.Image","$unknownFields":{}}"#
    );
    assert_eq!(serde_json::to_string(&image).unwrap(), expected);
}

#[test]
fn common_models_carry_their_own_revision() {
    let mut pair = KvPair::default();
    pair.name = Some("size".into());
    let value = serde_json::to_value(&pair).unwrap();
    assert_eq!(value["$reserved"], json!({"$fv": "v1.r0"}));
    assert_eq!(value["$objectType"], "common.v1.config.KVPair");
    assert_eq!(value["$unknownFields"], json!({}));
}

#[test]
fn a_decoded_value_is_encoded_back_as_it_came() {
    let received = json!({
        "name": "web",
        "type": "DISK_IMAGE",
        "description": null,
        "futureField": 7,
        "$objectType": "vmm.v4.content.Image",
        "$reserved": {"$fv": "v4.r0"}
    });
    let image: Image = serde_json::from_value(received.clone()).unwrap();
    // No `$unknownFields` added, the undeclared field and the null kept where they were.
    assert_eq!(serde_json::to_value(&image).unwrap(), received);
}

#[tokio::test]
async fn get_modify_update_sends_the_etag_in_the_body_and_as_if_match() {
    let server = MockServer::start().await;
    let image_path = format!("/api/vmm/v4.0/content/images/{IMAGE_ID}");
    let mut fetched = image(IMAGE_ID, "web", 1 << 30);
    fetched["futureField"] = json!(7);
    Mock::given(method("GET"))
        .and(path(image_path.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"abc\"")
                .set_body_json(entity_envelope(
                    fetched,
                    "vmm.v4.content.GetImageApiResponse",
                )),
        )
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
        .mount(&server)
        .await;
    let vmm = VmmClient::new(client(&server.uri()));
    let mut image = vmm
        .images()
        .get_image_by_id(IMAGE_ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(image.etag(), Some("\"abc\""));
    image.name = "web2".into();
    vmm.images()
        .update_image_by_id(IMAGE_ID, image)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let (get, put) = (&requests[0], &requests[1]);
    assert_eq!(header(get, "ntnx-request-id"), None);
    assert_eq!(header(get, "content-type"), None);
    assert_eq!(header(put, "if-match"), Some("\"abc\""));
    assert!(header(put, "ntnx-request-id").is_some());
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        body["$reserved"],
        json!({"$fv": "v4.r0", "ETag": "\"abc\""})
    );
    assert_eq!(body["futureField"], 7);
    assert!(body.get("$unknownFields").is_none());
    assert_eq!(body["name"], "web2");
}

#[tokio::test]
async fn a_body_less_operation_takes_if_match_from_the_entity_it_changes() {
    let server = MockServer::start().await;
    let vm_id = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/ahv/config/vms/{vm_id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "vm-etag-9")
                .set_body_json(entity_envelope(
                    json!({"extId": vm_id, "name": "db-1", "$objectType": "vmm.v4.ahv.config.Vm"}),
                    "vmm.v4.ahv.config.GetVmApiResponse",
                )),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/vmm/v4.0/ahv/config/vms/{vm_id}/$actions/power-on"
        )))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.ahv.config.PowerOnVmApiResponse",
            )),
        )
        .mount(&server)
        .await;
    let vmm = VmmClient::new(client(&server.uri()));
    let vm = vmm
        .vm()
        .get_vm_by_id(vm_id)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    // Without an ETag, the error says how to give one, and nothing is sent.
    let error = vmm.vm().power_on_vm(vm_id).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(
        error.to_string().contains("if_match_from(&entity)"),
        "{error}"
    );
    vmm.vm()
        .power_on_vm(vm_id)
        .if_match_from(&vm)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(header(&requests[1], "if-match"), Some("vm-etag-9"));
}

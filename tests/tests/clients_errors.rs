//! Error answers through generated operations: the v4 error envelope decoded into the
//! runtime's `Error` (app messages, schema validation reports), its status, request id and
//! a `Display` sentence that names the operation.

use crate::clients_support::*;
use ntnx_runtime::error::MessageSeverity;
use ntnx_runtime::ErrorKind;
use ntnx_vmm::content::{Image, ImageType, UrlSource};
use ntnx_vmm::VmmClient;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ECHOED_ID: &str = "6c1d9e2a-0b3f-4c5d-8e7f-90a1b2c3d4e5";

#[tokio::test]
async fn a_404_with_app_messages_through_get_image_by_id() {
    let server = MockServer::start().await;
    let mut body = app_error_envelope(
        "VMM-30303",
        "Image with extId c3f2a4d0-5b7e-4e21-9a4f-1d2e3c4b5a60 does not exist.",
        "vmm.v4.content.GetImageApiResponse",
    );
    body["metadata"] = json!({
        "flags": [{"name": "hasError", "value": true}, {"name": "isPaginated", "value": false}],
        "$objectType": "common.v1.response.ApiResponseMetadata"
    });
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/content/images/{IMAGE_ID}")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(&body)
                .insert_header("NTNX-Request-Id", ECHOED_ID),
        )
        .expect(1) // 404 is not retried
        .mount(&server)
        .await;

    let error = VmmClient::new(client(&server.uri()))
        .images()
        .get_image_by_id(IMAGE_ID)
        .send()
        .await
        .expect_err("a 404 is an error");

    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), Some("getImageById"));
    assert_eq!(error.request_id(), Some(ECHOED_ID));
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable());
    let messages = error.app_messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].code.as_deref(), Some("VMM-30303"));
    assert_eq!(messages[0].severity, Some(MessageSeverity::Error));
    assert_eq!(messages[0].error_group.as_deref(), Some("VMM_IMAGE_ERROR"));
    assert_eq!(
        messages[0]
            .arguments_map
            .as_ref()
            .and_then(|m| m.get("extId"))
            .map(String::as_str),
        Some(IMAGE_ID)
    );
    let response = error.error_response().expect("the envelope decoded");
    assert_eq!(
        response.extras.written_object_type(None),
        Some("vmm.v4.error.ErrorResponse")
    );
    assert!(error.body().is_some_and(|b| !b.is_empty()));
    assert_eq!(
        error.to_string(),
        "GET /vmm/v4.0/content/images/{extId} (getImageById) failed with 404 Not Found: \
         VMM-30303: Image with extId c3f2a4d0-5b7e-4e21-9a4f-1d2e3c4b5a60 does not exist. \
         (request id 6c1d9e2a-0b3f-4c5d-8e7f-90a1b2c3d4e5)"
    );
}

#[tokio::test]
async fn a_412_on_update_names_the_operation_and_the_request_id_that_was_sent() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(412).set_body_json(app_error_envelope(
            "VMM-30108",
            "The entity has been modified since it was read: its ETag no longer matches.",
            "vmm.v4.content.UpdateImageApiResponse",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let error = VmmClient::new(client(&server.uri()))
        .images()
        .update_image_by_id(IMAGE_ID, Image::new("x", ImageType::DiskImage))
        .if_match("stale-etag")
        .send()
        .await
        .expect_err("a 412 is an error");

    let requests = server.received_requests().await.expect("recorded");
    let sent_id = header(&requests[0], "ntnx-request-id").expect("request id sent");
    assert_eq!(error.request_id(), Some(sent_id));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(412));
    assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-30108"));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "PUT /vmm/v4.0/content/images/{extId} (updateImageById) failed with 412 Precondition Failed: VMM-30108: "
        ),
        "{text}"
    );
    assert!(text.ends_with(&format!("(request id {sent_id})")), "{text}");
}

#[tokio::test]
async fn a_400_schema_validation_report_through_create_image() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/vmm/v4.0/content/images"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "data": {
                "error": {
                    "timestamp": "2024-05-02T09:20:11.533Z",
                    "statusCode": 400,
                    "error": "Bad Request",
                    "path": "/api/vmm/v4.0/content/images",
                    "validationErrorMessages": [{
                        "location": "body",
                        "message": "size must be between 1 and 256",
                        "attributePath": "name",
                        "$objectType": "vmm.v4.error.SchemaValidationErrorMessage"
                    }],
                    "$objectType": "vmm.v4.error.SchemaValidationError"
                },
                "$objectType": "vmm.v4.error.ErrorResponse"
            },
            "$objectType": "vmm.v4.content.CreateImageApiResponse"
        })))
        .mount(&server)
        .await;

    let mut image = Image::new(String::new(), ImageType::DiskImage);
    image.source = Some(UrlSource::new("http://images.lab.internal/x.qcow2").into());
    let error = VmmClient::new(client(&server.uri()))
        .images()
        .create_image(image)
        .send()
        .await
        .expect_err("a 400 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(error.app_messages().is_empty());
    let report = error
        .schema_validation()
        .expect("a schema validation report");
    assert_eq!(report.status_code, Some(400));
    assert_eq!(report.messages().len(), 1);
    assert_eq!(report.messages()[0].attribute_path.as_deref(), Some("name"));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "POST /vmm/v4.0/content/images (createImage) failed with 400 Bad Request: \
             Bad Request: name: size must be between 1 and 256 (in body)"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_500_without_an_envelope_keeps_the_body_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string("<html><body>upstream connect error</body></html>")
                .insert_header("content-type", "text/html"),
        )
        .expect(1) // 500 is not retried
        .mount(&server)
        .await;

    let error = VmmClient::new(client(&server.uri()))
        .images()
        .list_images()
        .send()
        .await
        .expect_err("a 500 is an error");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert!(error.error_response().is_none());
    assert!(error.app_messages().is_empty());
    let text = error.to_string();
    assert!(
        text.starts_with("GET /vmm/v4.0/content/images (listImages) failed with 500"),
        "{text}"
    );
    assert!(text.contains("upstream connect error"), "{text}");
}

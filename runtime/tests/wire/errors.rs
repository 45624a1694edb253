//! Error responses decoded into typed errors, and decode errors that say where.

use ntnx_runtime::client::Request;
use ntnx_runtime::error::MessageSeverity;
use ntnx_runtime::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

#[tokio::test]
async fn app_message_list() {
    let server = MockServer::start().await;
    let body = json!({
        "data": {
            "error": [
                {
                    "message": "Image with extId 7d3f1a52-9c4b-4e8e-b1a0-5f2c6d8e9a10 was not found.",
                    "severity": "ERROR",
                    "code": "VMM-20005",
                    "locale": "en_US",
                    "errorGroup": "ENTITY_NOT_FOUND",
                    "argumentsMap": {"extId": IMAGE_ID},
                    "$objectType": "vmm.v4.error.AppMessage"
                },
                {"message": "Check the id.", "severity": "INFO", "code": "VMM-10001"}
            ],
            "$objectType": "vmm.v4.error.ErrorResponse"
        },
        "metadata": {"flags": [{"name": "hasError", "value": true}]}
    });
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(body)
                .insert_header("NTNX-Request-Id", "9f8e7d6c-0000-4000-8000-00000000abcd"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), Some("getImageById"));
    assert_eq!(
        error.request_id(),
        Some("9f8e7d6c-0000-4000-8000-00000000abcd")
    );
    let messages = error.app_messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].code.as_deref(), Some("VMM-20005"));
    assert_eq!(messages[0].severity, Some(MessageSeverity::Error));
    assert_eq!(messages[0].error_group.as_deref(), Some("ENTITY_NOT_FOUND"));
    assert_eq!(
        messages[0]
            .arguments_map
            .as_ref()
            .unwrap()
            .get("extId")
            .map(String::as_str),
        Some(IMAGE_ID)
    );
    assert_eq!(messages[1].severity, Some(MessageSeverity::Info));
    assert_eq!(
        error.to_string(),
        "GET /vmm/v4.0/content/images/{extId} (getImageById) failed with 404 Not Found: \
         VMM-20005: Image with extId 7d3f1a52-9c4b-4e8e-b1a0-5f2c6d8e9a10 was not found.; \
         VMM-10001: Check the id. (request id 9f8e7d6c-0000-4000-8000-00000000abcd)"
    );
    assert!(error.body().unwrap().starts_with(b"{"));
}

#[tokio::test]
async fn schema_validation_error() {
    let server = MockServer::start().await;
    let body = json!({
        "data": {
            "error": {
                "timestamp": "2024-06-03T08:15:30.512Z",
                "statusCode": 400,
                "error": "Bad Request",
                "path": "/api/vmm/v4.0/content/images",
                "validationErrorMessages": [
                    {"location": "body", "message": "size must be between 1 and 256", "attributePath": "name"},
                    {"location": "body", "message": "must not be null", "attributePath": "type"}
                ],
                "$objectType": "vmm.v4.error.SchemaValidationError"
            },
            "$objectType": "vmm.v4.error.ErrorResponse"
        }
    });
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body))
        .mount(&server)
        .await;
    let error = client(&server)
        .send_envelope::<Value, Value>(
            Request::new(&CREATE_IMAGE)
                .json_body(&json!({"name": ""}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(error.app_messages().is_empty());
    let validation = error.schema_validation().expect("schema validation error");
    assert_eq!(validation.status_code, Some(400));
    assert_eq!(validation.messages().len(), 2);
    assert_eq!(
        validation.messages()[1].attribute_path.as_deref(),
        Some("type")
    );
    let text = error.to_string();
    assert!(
        text.contains("failed with 400 Bad Request: Bad Request: name: size must be between 1 and 256 (in body); type: must not be null (in body)"),
        "{text}"
    );
    // The request id is the one the client generated for the POST.
    let sent = received(&server).await;
    assert_eq!(error.request_id(), header(&sent[0], "ntnx-request-id"));
}

#[tokio::test]
async fn large_error_body_is_capped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("x".repeat(200_000)))
        .mount(&server)
        .await;
    let error = client(&server)
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(
        error.body().unwrap().len(),
        ntnx_runtime::error::ERROR_BODY_LIMIT
    );
    assert!(error.body_truncated());
    assert!(error.to_string().len() < 1_000);
}

#[tokio::test]
async fn decode_error_names_type_and_path() {
    let server = MockServer::start().await;
    let mut image = image_json("a");
    image["sizeBytes"] = json!("big");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image)))
        .mount(&server)
        .await;
    let error = client(&server)
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    let (type_name, path) = error.decode_location().unwrap();
    assert!(type_name.ends_with("common::Image"), "{type_name}");
    assert_eq!(path, "data.sizeBytes");
    let text = error.to_string();
    assert!(
        text.starts_with("GET /vmm/v4.0/content/images/{extId} (getImageById) returned a body that does not decode as"),
        "{text}"
    );
    assert!(text.contains("at `data.sizeBytes`"), "{text}");
}

#[tokio::test]
async fn missing_data_names_the_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": null, "metadata": {}})),
        )
        .mount(&server)
        .await;
    let response = client(&server)
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    let error = response.into_data().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("getImageById"), "{error}");
}

#[tokio::test]
async fn send_json_decodes_whole_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(image_json("plain")))
        .mount(&server)
        .await;
    let response = client(&server)
        .send_json::<Image>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.into_body().name, "plain");
}

#[tokio::test]
async fn request_building_errors_are_reported_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client
        .send_empty(Request::new(&GET_IMAGE))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(
        error.to_string().contains("{extId} was not given"),
        "{error}"
    );
    assert!(received(&server).await.is_empty());
}

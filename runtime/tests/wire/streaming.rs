//! Downloads arrive chunk by chunk.

use futures::StreamExt as _;
use ntnx_runtime::client::Request;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

#[tokio::test]
async fn multi_megabyte_download_is_streamed() {
    const SIZE: usize = 12 * 1024 * 1024;
    let body: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/vmm/v4.0/content/images/{IMAGE_ID}/file"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/octet-stream"))
        .mount(&server)
        .await;
    let response = client(&server)
        .send_stream(Request::new(&DOWNLOAD_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/octet-stream"
    );
    let mut stream = response.into_body();
    let (mut total, mut chunks, mut largest) = (0usize, 0usize, 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        // Check the content as it passes, without keeping it.
        for (offset, byte) in chunk.iter().enumerate() {
            assert_eq!(*byte, ((total + offset) % 251) as u8);
        }
        total += chunk.len();
        chunks += 1;
        largest = largest.max(chunk.len());
    }
    assert_eq!(total, SIZE);
    assert!(chunks > 10, "{chunks} chunks");
    assert!(largest < SIZE / 4, "largest chunk {largest}");
    assert_eq!(header(&received(&server).await[0], "accept"), Some("*/*"));
}

#[tokio::test]
async fn download_error_is_a_status_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "data": {"error": [{"code": "VMM-20005", "message": "Image not found"}]}
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .send_stream(Request::new(&DOWNLOAD_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-20005"));
}

//! Credentials on the wire through generated calls: an API key goes as `X-ntnx-api-key`
//! on every request, never as `Authorization`.

use std::time::Duration;

use crate::clients_support::*;
use ntnx_runtime::Client;
use ntnx_vmm::VmmClient;
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "ntnx-key-0a1b2c3d4e5f60718293a4b5c6d7e8f9";

#[tokio::test]
async fn an_api_key_is_sent_on_every_generated_call_without_authorization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vmm/v4.0/content/images"))
        .and(header_is("x-ntnx-api-key", API_KEY))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(list_envelope(
                    vec![image(IMAGE_ID, "fileserver_2024.1", 1 << 30)],
                    list_metadata(1, 0, 50),
                    "vmm.v4.content.ListImagesApiResponse",
                ))
                // A server may set a cookie; the key is still sent.
                .insert_header("set-cookie", "NTNX_IGW_SESSION=abc; Path=/"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/content/images/{IMAGE_ID}")))
        .and(header_is("x-ntnx-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(entity_envelope(
            image(IMAGE_ID, "fileserver_2024.1", 1 << 30),
            "vmm.v4.content.GetImageApiResponse",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder("pc.invalid")
        .base_url(server.uri())
        .api_key(API_KEY)
        .proxy_from_env(false)
        .retry_base_delay(Duration::from_millis(5))
        .build()
        .expect("client");
    assert!(
        !format!("{client:?}").contains(API_KEY),
        "Debug hides the key"
    );
    let vmm = VmmClient::new(client);

    let page = vmm
        .images()
        .list_images()
        .send()
        .await
        .expect("listImages with an API key");
    assert_eq!(page.data.map(|d| d.len()), Some(1));
    vmm.images()
        .get_image_by_id(IMAGE_ID)
        .send()
        .await
        .expect("getImageById with an API key");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "x-ntnx-api-key"), Some(API_KEY));
        assert_eq!(header(request, "authorization"), None);
    }
}

//! Credentials and session cookies never show in Debug output or logs.

use ntnx_runtime::client::{Credentials, Request};
use ntnx_runtime::{Client, Secret};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

const PASSWORD: &str = "pw-Sup3rSecret!";
const API_KEY: &str = "apikey-9d8c7b6a5f4e";
const COOKIE: &str = "cookie-value-0123456789";
const PROXY_PASSWORD: &str = "proxy-pw-42";

fn assert_clean(text: &str) {
    // The base64 of `admin:<password>` too.
    let token = "YWRtaW46cHctU3VwM3JTZWNyZXQh";
    for secret in [PASSWORD, API_KEY, COOKIE, PROXY_PASSWORD, token] {
        assert!(!text.contains(secret), "`{secret}` leaked in:\n{text}");
    }
}

#[tokio::test]
async fn secrets_are_absent_from_logs_and_debug() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("a")))
                .insert_header("set-cookie", format!("NTNX_IGW_SESSION={COOKIE}; HttpOnly")),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(412).set_body_json(serde_json::json!({
            "data": {"error": [{"code": "VMM-30303", "message": "The ETag does not match."}]}
        })))
        .mount(&server)
        .await;

    let (logs, _guard) = capture_logs();
    let builder = builder(&server)
        .basic_auth("admin", PASSWORD)
        .proxy(format!("http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:9"))
        .no_proxy("127.0.0.1,localhost");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();

    let get = Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID);
    let response = client
        .send_envelope::<Image, Value>(get.clone())
        .await
        .unwrap();
    let response_debug = format!("{response:?}");
    // Now with the session cookie.
    client.send_envelope::<Image, Value>(get).await.unwrap();
    let update = Request::new(&UPDATE_IMAGE)
        .path_param("extId", IMAGE_ID)
        .header("Authorization", format!("Basic {PASSWORD}"))
        .header("Cookie", format!("NTNX_IGW_SESSION={COOKIE}"))
        .if_match("etag-1");
    let request_debug = format!("{update:?}");
    let error = client.send_empty(update).await.unwrap_err();
    let error_debug = format!("{error:?} {error}");

    let api_key_client = builder_for_key(&server);
    api_key_client
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    let key_debug = format!(
        "{api_key_client:?} {:?} {:?}",
        Credentials::ApiKey(Secret::new(API_KEY)),
        Credentials::Basic {
            username: "admin".into(),
            password: Secret::new(PASSWORD)
        }
    );

    let logs = logs.text();
    // The capture works: the calls, retries and errors are there.
    assert!(logs.contains("ntnx_call"), "{logs}");
    assert!(logs.contains("operation=\"updateImageById\""), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("412"), "{logs}");
    assert!(builder_debug.contains("admin") && response_debug.contains("set-cookie"));
    assert!(request_debug.contains("etag-1"));
    for text in [
        &logs,
        &builder_debug,
        &format!("{client:?}"),
        &response_debug,
        &request_debug,
        &error_debug,
        &key_debug,
    ] {
        assert_clean(text);
    }
}

fn builder_for_key(server: &MockServer) -> Client {
    builder(server).api_key(API_KEY).build().unwrap()
}

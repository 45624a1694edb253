//! Redirects and where credentials go, with a second host on 127.0.0.2: the client follows
//! redirects on its own origin only, a cross-host download only with its `X-Redirect-Token`
//! (sent as the `Cookie`, without the client's credentials), and never turns a write into
//! a `GET`.

use ntnx_runtime::client::{Credentials, Request};
use ntnx_runtime::{Client, ErrorKind};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

const API_KEY: &str = "k3y-for-the-configured-origin-only";

/// A server on 127.0.0.2, the "other host".
async fn other_host() -> MockServer {
    let listener =
        std::net::TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is a loopback address");
    MockServer::builder().listener(listener).start().await
}

fn client_with(server: &MockServer, credentials: Credentials) -> Client {
    builder(server).credentials(credentials).build().unwrap()
}

fn basic() -> Credentials {
    Credentials::Basic {
        username: "admin".into(),
        password: "Nutanix/4u".into(),
    }
}

fn download() -> Request {
    Request::new(&DOWNLOAD_IMAGE)
        .path_param("extId", IMAGE_ID)
        .accept("application/octet-stream, application/json")
}

#[tokio::test]
async fn a_cross_host_download_gets_its_token_as_the_cookie_and_no_credentials() {
    let pc = MockServer::start().await;
    let node = other_host().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/vmm/v4.0/content/images/{IMAGE_ID}/file"
        )))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/files/ubuntu.qcow2", node.uri()))
                .insert_header("X-Redirect-Token", "tok-123")
                .insert_header("Set-Cookie", "NTNX_IGW_SESSION=s1; Path=/"),
        )
        .mount(&pc)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/ubuntu.qcow2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"QFI\xfb".to_vec(), "application/octet-stream"),
        )
        .mount(&node)
        .await;
    for credentials in [basic(), Credentials::ApiKey(API_KEY.into())] {
        let client = client_with(&pc, credentials);
        for _ in 0..2 {
            // The second time the client holds a session cookie from the first answer.
            let response = client.send_stream(download()).await.unwrap();
            assert_eq!(response.status(), 200);
        }
    }
    let at_node = received(&node).await;
    assert_eq!(at_node.len(), 4);
    for request in &at_node {
        assert_eq!(header(request, "cookie"), Some("tok-123"));
        assert_eq!(header(request, "authorization"), None);
        assert_eq!(header(request, "x-ntnx-api-key"), None);
        assert_eq!(
            header(request, "accept"),
            Some("application/octet-stream, application/json")
        );
    }
    // The configured origin got the credentials (or the session) every time.
    for request in received(&pc).await {
        let authenticated = header(&request, "authorization").is_some()
            || header(&request, "x-ntnx-api-key") == Some(API_KEY)
            || header(&request, "cookie").is_some_and(|c| c.contains("NTNX_IGW_SESSION"));
        assert!(authenticated, "{request:?}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_without_a_token_is_not_followed() {
    let pc = MockServer::start().await;
    let node = other_host().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/elsewhere", node.uri())),
        )
        .mount(&pc)
        .await;
    let client = client_with(&pc, Credentials::ApiKey(API_KEY.into()));
    let error = client
        .send_envelope::<Value, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    let text = error.to_string();
    assert!(text.contains("another origin"), "{text}");
    assert!(text.contains("127.0.0.2"), "{text}");
    assert!(!text.contains(API_KEY), "{text}");
    assert!(
        received(&node).await.is_empty(),
        "nothing reached the other host"
    );
}

#[tokio::test]
async fn same_origin_redirects_keep_writes_writes() {
    let pc = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/vmm/v4.0/content/images/{IMAGE_ID}")))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/api/moved/image"))
        .mount(&pc)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/moved/image"))
        .respond_with(ResponseTemplate::new(202).set_body_json(envelope(json!({"extId": "t"}))))
        .mount(&pc)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/api/somewhere"))
        .mount(&pc)
        .await;
    let client = client_with(&pc, basic());
    let update = Request::new(&UPDATE_IMAGE)
        .path_param("extId", IMAGE_ID)
        .if_match("e-1")
        .json_body(&json!({"name": "moved"}))
        .unwrap();
    client.send_envelope::<Value, Value>(update).await.unwrap();
    let requests = received(&pc).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method.as_str(), "PUT");
    assert_eq!(requests[1].body, requests[0].body);
    assert_eq!(header(&requests[1], "if-match"), Some("e-1"));
    assert!(header(&requests[1], "authorization").is_some());
    assert_eq!(
        header(&requests[1], "ntnx-request-id"),
        header(&requests[0], "ntnx-request-id")
    );

    // A 302 of a POST would become a GET: an error instead, and no second request.
    let create = Request::new(&CREATE_IMAGE)
        .json_body(&json!({"name": "x"}))
        .unwrap();
    let error = client
        .send_envelope::<Value, Value>(create)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert!(
        error.to_string().contains("turn the write into a GET"),
        "{error}"
    );
    assert_eq!(received(&pc).await.len(), 3);
}

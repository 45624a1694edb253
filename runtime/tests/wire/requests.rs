//! What a request carries: request ids, If-Match, Accept, bodies, User-Agent, proxy.

use bytes::Bytes;
use ntnx_runtime::client::{Multipart, Request};
use ntnx_runtime::{Client, Model};
use serde_json::{json, Value};
use uuid::Uuid;
use wiremock::matchers::{body_json, header as has_header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

fn task_reference() -> Value {
    json!({
        "data": {"extId": "ZXJnb24=:0c5a3e1f-7b2d-4c8e-9f6a-1d2e3f4a5b6c", "$objectType": "prism.v4.config.TaskReference"},
        "metadata": {"flags": [{"name": "hasError", "value": false}]}
    })
}

#[tokio::test]
async fn mutating_calls_carry_a_fresh_request_id_and_reads_do_not() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(task_reference()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(202).set_body_json(task_reference()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image_json("a"))))
        .mount(&server)
        .await;
    let client = client(&server);
    let image = Image {
        name: "ubuntu-24.04".into(),
        size_bytes: None,
        extras: Default::default(),
    };
    let create = Request::new(&CREATE_IMAGE).json_body(&image).unwrap();
    let response = client
        .send_envelope::<Value, Value>(create.clone())
        .await
        .unwrap();
    client.send_envelope::<Value, Value>(create).await.unwrap();
    let delete = Request::new(&DELETE_IMAGE).path_param("extId", IMAGE_ID);
    client.send_empty(delete).await.unwrap();
    let get = Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID);
    client.send_envelope::<Image, Value>(get).await.unwrap();

    let requests = received(&server).await;
    let ids: Vec<Option<&str>> = requests
        .iter()
        .map(|r| header(r, "ntnx-request-id"))
        .collect();
    for id in &ids[..3] {
        let id = Uuid::parse_str(id.expect("mutating call has a request id")).unwrap();
        assert_eq!(id.get_version_num(), 4);
    }
    assert_ne!(ids[0], ids[1], "each logical call gets its own id");
    assert_eq!(ids[3], None, "GET carries none");
    assert_eq!(response.request_id(), ids[0]);
    // The POST body and its headers.
    assert_eq!(
        header(&requests[0], "content-type"),
        Some("application/json")
    );
    assert_eq!(header(&requests[0], "accept"), Some("application/json"));
    assert_eq!(
        requests[0].body_json::<Value>().unwrap(),
        json!({"name": "ubuntu-24.04"})
    );
}

#[tokio::test]
async fn caller_request_id_and_server_echo() {
    let server = MockServer::start().await;
    let id = Uuid::parse_str("3b0c8f2e-4d5a-4e6b-8c7d-9e0f1a2b3c4d").unwrap();
    Mock::given(method("POST"))
        .and(has_header("ntnx-request-id", id.to_string().as_str()))
        .respond_with(
            ResponseTemplate::new(202)
                .set_body_json(task_reference())
                .insert_header("NTNX-Request-Id", id.to_string()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = Request::new(&CREATE_IMAGE)
        .json_body(&json!({"name": "x"}))
        .unwrap()
        .request_id(id);
    let response = client.send_envelope::<Value, Value>(request).await.unwrap();
    assert_eq!(response.request_id(), Some(id.to_string().as_str()));
}

#[tokio::test]
async fn etag_from_get_goes_back_as_if_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/content/images/{IMAGE_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("centos")))
                .insert_header("ETag", "W/\"Y2VudG9zLTE=\""),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(has_header("if-match", "W/\"Y2VudG9zLTE=\""))
        .respond_with(ResponseTemplate::new(202).set_body_json(task_reference()))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut response = client
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(response.etag(), Some("W/\"Y2VudG9zLTE=\""));
    response.attach_etag();
    let mut image = response.into_data().unwrap();
    assert_eq!(image.etag(), Some("W/\"Y2VudG9zLTE=\""));
    image.name = "centos-9".into();
    // What generated update methods do.
    let mut request = Request::new(&UPDATE_IMAGE)
        .path_param("extId", IMAGE_ID)
        .json_body(&image)
        .unwrap();
    if let Some(etag) = image.etag() {
        request = request.if_match(etag);
    }
    client.send_envelope::<Value, Value>(request).await.unwrap();
}

#[tokio::test]
async fn x_ntnx_etag_is_the_fallback() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("a")))
                .insert_header("X-Ntnx-Etag", "abc123"),
        )
        .mount(&server)
        .await;
    let response = client(&server)
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(response.etag(), Some("abc123"));
}

#[tokio::test]
async fn user_agent_and_default_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image_json("a"))))
        .mount(&server)
        .await;
    let client = builder(&server)
        .user_agent_suffix("inventory-sync/2.1")
        .default_header("X-Tenant", "blue")
        .build()
        .unwrap();
    client
        .send_envelope::<Image, Value>(
            Request::new(&GET_IMAGE)
                .path_param("extId", IMAGE_ID)
                .header("X-Trace", "t-1"),
        )
        .await
        .unwrap();
    let request = &received(&server).await[0];
    assert_eq!(
        header(request, "user-agent"),
        Some(
            format!(
                "ntnx-rust-sdk/{} inventory-sync/2.1",
                env!("CARGO_PKG_VERSION")
            )
            .as_str()
        )
    );
    assert_eq!(header(request, "x-tenant"), Some("blue"));
    assert_eq!(header(request, "x-trace"), Some("t-1"));
}

#[tokio::test]
async fn multipart_and_raw_bodies_are_sent_as_built() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(task_reference()))
        .mount(&server)
        .await;
    let client = client(&server);
    let form = Multipart::new().text("name", "seed.iso").bytes(
        "file",
        "seed.iso",
        "application/octet-stream",
        Bytes::from_static(b"\x00ISO\xff"),
    );
    let expected = form.encode();
    let content_type = form.content_type();
    client
        .send_envelope::<Value, Value>(Request::new(&CREATE_IMAGE).multipart_body(form))
        .await
        .unwrap();
    client
        .send_envelope::<Value, Value>(
            Request::new(&CREATE_IMAGE).text_body("text/plain", "hello".to_owned()),
        )
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(
        header(&requests[0], "content-type"),
        Some(content_type.as_str())
    );
    assert_eq!(requests[0].body, expected.to_vec());
    assert_eq!(header(&requests[1], "content-type"), Some("text/plain"));
    assert_eq!(requests[1].body, b"hello");
}

#[tokio::test]
async fn explicit_proxy_is_used() {
    // The "proxy" is the mock server; the target host does not resolve, so the call
    // can only succeed through the proxy.
    let proxy = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image_json("a"))))
        .mount(&proxy)
        .await;
    let client = Client::builder("pc.invalid")
        .https(false)
        .proxy(proxy.uri())
        .build()
        .unwrap();
    let response = client
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap();
    assert_eq!(response.into_data().unwrap().name, "a");
    let request = &received(&proxy).await[0];
    assert_eq!(request.url.host_str(), Some("pc.invalid"));
    assert_eq!(request.url.port(), Some(9440));
}

#[tokio::test]
async fn json_body_of_any_serializable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json!({"name": "from-map", "sizeBytes": 5})))
        .respond_with(ResponseTemplate::new(202).set_body_json(task_reference()))
        .expect(1)
        .mount(&server)
        .await;
    let body = json!({"name": "from-map", "sizeBytes": 5});
    client(&server)
        .send_envelope::<Value, Value>(Request::new(&CREATE_IMAGE).json_body(&body).unwrap())
        .await
        .unwrap();
}

#[test]
fn call_futures_are_send() {
    fn check<T: Send>(_: T) {}
    let client = Client::builder("127.0.0.1").build().unwrap();
    let get = || Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID);
    check(client.send_envelope::<Image, Value>(get()));
    check(client.send_json::<Image>(get()));
    check(client.send_stream(get()));
    check(client.send_empty(get()));
    check(client.send_text(get()));
    check(ntnx_runtime::task::wait(
        "ZXJnb24=:x",
        Default::default(),
        || async { client.send_json::<Value>(get()).await.map(|r| r.body) },
        |_: &Value| None,
    ));
}

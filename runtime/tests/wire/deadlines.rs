//! Deadlines: a call ends at its deadline (its own, or the client's `call_timeout`), retries
//! included, with a timeout error that says how many attempts it made; dropping a call's
//! future stops it.

use std::time::{Duration, Instant};

use ntnx_runtime::client::Request;
use ntnx_runtime::ErrorKind;
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

fn get() -> Request {
    Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID)
}

async fn slow(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("slow")))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_call_ends_at_its_deadline_with_a_timeout_error() {
    let server = slow(Duration::from_secs(5)).await;
    let client = client(&server);
    let started = Instant::now();
    let error = client
        .send_envelope::<Image, Value>(get().deadline(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.operation(), Some("getImageById"));
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("deadline of 0.3 s"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_clients_call_timeout_bounds_retries_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder(&server)
        .call_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap_err();
    // The budget is cut to the deadline, so the call ends with the last answer's error.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.attempts() > 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn dropping_the_future_stops_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_base_delay(Duration::from_millis(200))
        .retry_max_delay(Duration::from_millis(200))
        .build()
        .unwrap();
    let call = client.send_envelope::<Image, Value>(get());
    let _ = tokio::time::timeout(Duration::from_millis(100), call).await;
    let sent = received(&server).await.len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        received(&server).await.len(),
        sent,
        "no send after the drop"
    );
    // The client is fine afterwards.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image_json("a"))))
        .mount(&server)
        .await;
    client.send_envelope::<Image, Value>(get()).await.unwrap();
}

//! Retries: which answers are retried, how long the client waits, what it resends.

use std::time::{Duration, Instant};

use ntnx_runtime::client::Request;
use ntnx_runtime::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

fn update() -> Request {
    Request::new(&UPDATE_IMAGE)
        .path_param("extId", IMAGE_ID)
        .json_body(&json!({"name": "renamed"}))
        .unwrap()
        .if_match("etag-7")
}

async fn fail_then_succeed(server: &MockServer, failure: ResponseTemplate, times: u64) {
    Mock::given(method("PUT"))
        .respond_with(failure)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(202).set_body_json(envelope(json!({"extId": "t"}))))
        .mount(server)
        .await;
}

#[tokio::test]
async fn two_503s_then_success_resends_identical_requests() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, ResponseTemplate::new(503), 2).await;
    let response = client(&server)
        .send_envelope::<Value, Value>(update())
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    let id = header(first, "ntnx-request-id").expect("request id");
    for request in &requests {
        assert_eq!(header(request, "ntnx-request-id"), Some(id));
        assert_eq!(header(request, "if-match"), Some("etag-7"));
        assert_eq!(request.body, first.body);
        assert_eq!(request.url, first.url);
    }
    assert_eq!(response.request_id(), Some(id));
}

#[tokio::test]
async fn retryable_statuses() {
    for status in [408, 429, 504] {
        let server = MockServer::start().await;
        fail_then_succeed(&server, ResponseTemplate::new(status), 1).await;
        client(&server)
            .send_envelope::<Value, Value>(update())
            .await
            .unwrap();
        assert_eq!(received(&server).await.len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server)
        .send_envelope::<Value, Value>(update())
        .await
        .unwrap();
    let waited = started.elapsed();
    // The computed backoff is at most 20 ms here; only Retry-After explains a second.
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_zero_and_give_up_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let error = builder(&server)
        .max_attempts(3)
        .build()
        .unwrap()
        .send_envelope::<Value, Value>(update())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 412, 422, 500] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let error = client(&server)
            .send_envelope::<Value, Value>(update())
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(!error.is_retryable());
        assert_eq!(received(&server).await.len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    // A port nobody listens on: bind, note it, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = ntnx_runtime::Client::builder("127.0.0.1")
        .base_url(format!("http://127.0.0.1:{port}"))
        .proxy_from_env(false)
        .max_attempts(3)
        .retry_base_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    let (logs, _guard) = capture_logs();
    let error = client
        .send_envelope::<Value, Value>(update())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    let text = error.to_string();
    assert!(
        text.starts_with("PUT /vmm/v4.0/content/images/{extId} (updateImageById) could not reach the server after 3 attempts"),
        "{text}"
    );
    assert!(error.request_id().is_some());
    // Each retry is logged with its attempt number and delay.
    let logs = logs.text();
    assert_eq!(logs.matches("retrying").count(), 2, "{logs}");
    assert!(
        logs.contains("attempt=1") && logs.contains("attempt=2"),
        "{logs}"
    );
    assert!(logs.contains("delay_ms="), "{logs}");
}

/// A read that times out is retried when sending again cannot do the work twice (a GET
/// here), within the budget; what is left when the budget runs out is a timeout error.
#[tokio::test]
async fn read_timeout_is_retried_then_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("slow")))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .read_timeout(Duration::from_millis(200))
        .retry_budget(Duration::from_millis(600))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .send_envelope::<Image, Value>(Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.is_timeout());
    assert!(error.attempts() >= 2, "{}", error.attempts());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_error_found_after_retries_reports_the_attempts_made() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"metadata": {}})))
        .mount(&server)
        .await;
    let response = client(&server)
        .send_envelope::<Value, Value>(update())
        .await
        .unwrap();
    // The answer has no `data`: the error names the call and the three sends it took.
    let error = response.into_data().unwrap_err();
    assert_eq!(error.attempts(), 3, "{error}");
    assert!(error.request_id().is_some(), "{error}");
}

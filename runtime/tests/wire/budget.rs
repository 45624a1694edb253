//! Retrying within a time budget: an outage shorter than the budget is ridden out, a longer
//! one ends at the budget, `Retry-After` is honoured while it fits, and a write whose
//! connection dropped after it was sent is resent (its request id makes that safe).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ntnx_runtime::client::Request;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::common::*;

/// 503 until `outage` has passed since the first request, then 200.
struct Outage {
    started: std::sync::Mutex<Option<Instant>>,
    outage: Duration,
    retry_after: Option<&'static str>,
}

impl Respond for Outage {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let started = *self
            .started
            .lock()
            .unwrap()
            .get_or_insert_with(Instant::now);
        if started.elapsed() < self.outage {
            let mut answer = ResponseTemplate::new(503);
            if let Some(seconds) = self.retry_after {
                answer = answer.insert_header("Retry-After", seconds);
            }
            answer
        } else {
            ResponseTemplate::new(200).set_body_json(envelope(image_json("back")))
        }
    }
}

async fn outage(outage: Duration, retry_after: Option<&'static str>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Outage {
            started: std::sync::Mutex::new(None),
            outage,
            retry_after,
        })
        .mount(&server)
        .await;
    server
}

fn get() -> Request {
    Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID)
}

#[tokio::test]
async fn an_outage_shorter_than_the_budget_is_ridden_out() {
    let server = outage(Duration::from_millis(800), None).await;
    let client = builder(&server)
        .retry_base_delay(Duration::from_millis(50))
        .retry_max_delay(Duration::from_millis(200))
        .retry_budget(Duration::from_secs(10))
        .build()
        .unwrap();
    let response = client.send_envelope::<Image, Value>(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    // Backing off: far fewer sends than a busy loop, more than a handful.
    let sends = received(&server).await.len();
    assert!((4..=40).contains(&sends), "{sends} sends");
}

#[tokio::test]
async fn an_outage_longer_than_the_budget_fails_at_the_budget() {
    let server = outage(Duration::from_secs(3600), None).await;
    let client = builder(&server)
        .retry_base_delay(Duration::from_millis(20))
        .retry_max_delay(Duration::from_millis(80))
        .retry_budget(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.attempts() > 2, "{}", error.attempts());
    // Never a wait past the budget (the last send is inside it).
    assert!(waited < Duration::from_millis(1500), "{waited:?}");
    // A call's own budget replaces the client's.
    let request = get().retry_budget(Duration::ZERO);
    let error = client
        .send_envelope::<Image, Value>(request)
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_while_it_fits_the_budget() {
    let server = outage(Duration::from_millis(1500), Some("1")).await;
    let client = builder(&server)
        .retry_budget(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    client.send_envelope::<Image, Value>(get()).await.unwrap();
    // Waits of one second each, as asked, not the 5-20 ms backoff of this client.
    let sends = received(&server).await.len();
    assert_eq!(sends, 3, "{sends} sends");
    assert!(started.elapsed() >= Duration::from_secs(2));

    // A Retry-After longer than what is left of the budget ends the call at once.
    let server = outage(Duration::from_secs(3600), Some("30")).await;
    let client = builder(&server)
        .retry_budget(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A server that reads a request, closes the connection without answering for the first
/// `drops` connections, then answers 202; counts the connections.
async fn dropping_server(drops: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let _ = stream.read(&mut buffer).await;
                if n < drops {
                    return; // The work may have been done; no answer arrives.
                }
                let body = r#"{"data":{"extId":"ZXJnb24=:1"}}"#;
                let answer = format!(
                    "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (base, connections)
}

#[tokio::test]
async fn a_write_dropped_after_sending_is_resent_with_the_same_request_id() {
    let (base, connections) = dropping_server(2).await;
    let client = ntnx_runtime::Client::builder("127.0.0.1")
        .base_url(&base)
        .proxy_from_env(false)
        .retry_base_delay(Duration::from_millis(5))
        .retry_max_delay(Duration::from_millis(20))
        .build()
        .unwrap();
    let request = Request::new(&CREATE_IMAGE)
        .json_body(&json!({"name": "web"}))
        .unwrap();
    let response = client.send_envelope::<Value, Value>(request).await.unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert!(response.request_id().is_some());
}

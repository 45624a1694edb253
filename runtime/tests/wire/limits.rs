//! Client-side pacing by `x-rate-limit`: with a Prism Central size configured, calls of an
//! operation beyond its per-second count wait for their share; without it, nothing waits.
//! (Only lower bounds of time are asserted: a loaded machine makes calls slower, never
//! faster.)

use std::time::{Duration, Instant};

use ntnx_runtime::client::{Operation, PcSize, RateLimit, Request};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

static LIMITED: Operation = Operation {
    id: "listImages",
    method: http::Method::GET,
    path: "/vmm/v4.0/content/images",
    rate_limits: &[RateLimit {
        size: PcSize::Small,
        count: 5,
        per: Duration::from_secs(1),
    }],
};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(Value::Array(Vec::new()))))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn calls_beyond_the_limit_wait_for_their_share() {
    let server = server().await;
    let client = builder(&server).rate_limit(PcSize::Small).build().unwrap();
    let started = Instant::now();
    let calls = (0..10).map(|_| client.send_envelope::<Value, Value>(Request::new(&LIMITED)));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    // Five pass at once, the other five are spread over the next second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(received(&server).await.len(), 10);
}

#[tokio::test]
async fn other_sizes_are_not_paced() {
    let server = server().await;
    let client = builder(&server).rate_limit(PcSize::Large).build().unwrap();
    let calls = (0..10).map(|_| client.send_envelope::<Value, Value>(Request::new(&LIMITED)));
    let results = tokio::time::timeout(Duration::from_secs(30), futures::future::join_all(calls))
        .await
        .expect("unpaced calls finish");
    assert!(results.iter().all(Result::is_ok));
}

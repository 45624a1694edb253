//! The polling loop of `task::wait`, over a task read as JSON (the generated prism
//! crate's `wait_for_task` calls the same loop with the generated `Task`; the workspace
//! tests cover that).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ntnx_runtime::client::{Operation, Request};
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::{Client, Error, ErrorKind};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::common::*;

const TASK_ID: &str = "ZXJnb24=:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6";

static GET_TASK: Operation = Operation::new(
    "getTaskById",
    http::Method::GET,
    "/prism/v4.0/config/tasks/{extId}",
);

/// One poll: the task's `data` as JSON.
async fn get_task(client: &Client, ext_id: &str) -> Result<Value, Error> {
    let request = Request::new(&GET_TASK).path_param("extId", ext_id);
    client
        .send_envelope::<Value, Value>(request)
        .await?
        .into_data()
}

/// `task::wait` with [`get_task`] and the JSON `status`.
async fn wait(client: &Client, ext_id: &str, options: WaitOptions) -> Result<Value, Error> {
    ntnx_runtime::task::wait(
        ext_id,
        options,
        || get_task(client, ext_id),
        |task: &Value| task.get("status").and_then(Value::as_str),
    )
    .await
}

fn task(status: &str, progress: u32) -> Value {
    json!({
        "data": {
            "extId": TASK_ID,
            "operation": "CreateImage",
            "status": status,
            "progressPercentage": progress,
            "createdTime": "2024-06-03T08:15:30Z",
            "entitiesAffected": [
                {"extId": "0005a3c1-1111-4222-8333-944455566677", "rel": "clustermgmt:config:cluster"},
                {"extId": IMAGE_ID, "rel": "vmm:content:image", "name": "ubuntu"}
            ],
            "isCancelable": false,
            "ownedBy": {"extId": "00000000-0000-0000-0000-000000000000", "name": "admin"},
            "$objectType": "prism.v4.config.Task"
        },
        "metadata": {"flags": [{"name": "hasError", "value": false}]}
    })
}

/// Answers RUNNING for `running` polls, then the final body.
struct Progress {
    polls: AtomicUsize,
    running: usize,
    last: Value,
}

impl Respond for Progress {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let poll = self.polls.fetch_add(1, Ordering::SeqCst);
        if poll < self.running {
            let progress = (poll as u32 + 1).saturating_mul(20).min(95);
            ResponseTemplate::new(200).set_body_json(task("RUNNING", progress))
        } else {
            ResponseTemplate::new(200).set_body_json(self.last.clone())
        }
    }
}

async fn serve(running: usize, last: Value, task_path: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(task_path))
        .respond_with(Progress {
            polls: AtomicUsize::new(0),
            running,
            last,
        })
        .mount(&server)
        .await;
    server
}

fn fast() -> WaitOptions {
    WaitOptions::with_timeout(Duration::from_secs(5))
        .intervals(Duration::from_millis(10), Duration::from_millis(30))
}

#[tokio::test]
async fn waits_until_succeeded() {
    let server = serve(
        3,
        task("SUCCEEDED", 100),
        &format!("/api/prism/v4.0/config/tasks/{TASK_ID}"),
    )
    .await;
    let task = wait(&client(&server), TASK_ID, fast()).await.unwrap();
    assert_eq!(task["status"], "SUCCEEDED");
    assert_eq!(task["entitiesAffected"][1]["extId"], IMAGE_ID);
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn task_ids_are_path_encoded() {
    // Base64 prefixes may hold `/` and `+`.
    let id = "YS9iK2M+c=:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6";
    let mut body = task("SUCCEEDED", 100);
    body["data"]["extId"] = json!(id);
    let server = serve(
        0,
        body,
        "/api/prism/v4.0/config/tasks/YS9iK2M%2Bc=:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6",
    )
    .await;
    let task = wait(&client(&server), id, fast()).await;
    assert!(task.is_ok(), "{task:?}");
    let slash = "YS9i/c=:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6";
    let error = get_task(&client(&server), slash).await.unwrap_err();
    // Not routed to a longer path: the `/` is escaped, so the mock above does not match.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let sent = received(&server).await;
    assert_eq!(
        sent[1].url.path(),
        "/api/prism/v4.0/config/tasks/YS9i%2Fc=:5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6"
    );
}

#[tokio::test]
async fn failed_task_is_a_typed_error() {
    let mut failed = task("FAILED", 60);
    failed["data"]["errorMessages"] = json!([{
        "message": "Failed to download image from https://images.example.com/ubuntu.qcow2: connection reset.",
        "severity": "ERROR",
        "code": "VMM-30100",
        "locale": "en_US"
    }]);
    let server = serve(
        1,
        failed,
        &format!("/api/prism/v4.0/config/tasks/{TASK_ID}"),
    )
    .await;
    let error = wait(&client(&server), TASK_ID, fast()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Task);
    assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-30100"));
    assert_eq!(error.task::<Value>().unwrap()["status"], "FAILED");
    assert_eq!(error.task_summary().unwrap().progress, Some(60));
    // The task is kept as the type it was polled as, and only as that.
    assert!(error.task::<String>().is_none());
    assert_eq!(
        error.to_string(),
        format!(
            "task {TASK_ID} (CreateImage) ended FAILED: VMM-30100: Failed to download image \
             from https://images.example.com/ubuntu.qcow2: connection reset."
        )
    );
}

#[tokio::test]
async fn canceled_task_is_an_error_too() {
    let server = serve(
        0,
        task("CANCELED", 10),
        &format!("/api/prism/v4.0/config/tasks/{TASK_ID}"),
    )
    .await;
    let error = wait(&client(&server), TASK_ID, fast()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Task);
    assert_eq!(error.task::<Value>().unwrap()["status"], "CANCELED");
}

#[tokio::test]
async fn wait_times_out() {
    let server = serve(
        usize::MAX,
        Value::Null,
        &format!("/api/prism/v4.0/config/tasks/{TASK_ID}"),
    )
    .await;
    let started = Instant::now();
    let options = WaitOptions::with_timeout(Duration::from_millis(300))
        .intervals(Duration::from_millis(20), Duration::from_millis(50));
    let error = wait(&client(&server), TASK_ID, options).await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(
        error.to_string().contains("(last status RUNNING"),
        "{error}"
    );
    assert!(received(&server).await.len() >= 3);
}

//! Shared by the `clients_*` tests: clients pointed at a mock Prism Central on 127.0.0.1,
//! payloads written by hand in the shape Prism Central answers with (envelopes with
//! `data`, `metadata`, `$objectType` and `$reserved`), and a bare HTTP/1.1 server for
//! what wiremock cannot show (connections, a body sent in gated chunks).
//!
//! Each test module uses a part of this one.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ntnx_runtime::client::ClientBuilder;
use ntnx_runtime::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub const USERNAME: &str = "admin";
pub const PASSWORD: &str = "Nutanix.4u-test";
pub const IMAGE_ID: &str = "c3f2a4d0-5b7e-4e21-9a4f-1d2e3c4b5a60";
pub const CLUSTER_ID: &str = "0005f0c2-5e4b-9a8d-0000-00000000b1c2";
pub const VG_ID: &str = "8a6e1c20-3b4d-4f5e-8a7b-9c0d1e2f3a4b";
pub const TASK_ID: &str = "ZXJnb24=:9f1e2d3c-4b5a-4678-9abc-def012345678";
pub const ETAG: &str = "YXBwbGljYXRpb24vanNvbg==:0c1b2a39";

/// A client builder for the server at `base` (`http://127.0.0.1:PORT`): basic
/// credentials, no proxies from the environment, short retry waits.
pub fn builder(base: &str) -> ClientBuilder {
    Client::builder("pc.invalid")
        .base_url(base)
        .basic_auth(USERNAME, PASSWORD)
        .proxy_from_env(false)
        .retry_base_delay(Duration::from_millis(5))
        .retry_max_delay(Duration::from_millis(20))
}

pub fn client(base: &str) -> Client {
    builder(base).build().expect("the client builds")
}

/// `Authorization: Basic ...` for [`USERNAME`] and [`PASSWORD`], computed independently
/// of the runtime.
pub fn basic_header() -> String {
    ntnx_workspace_tests::basic_auth::basic_auth_header(USERNAME, PASSWORD)
}

fn reserved(fv: &str) -> Value {
    json!({"$fv": fv})
}

fn flag(name: &str, value: bool) -> Value {
    json!({"name": name, "value": value, "$objectType": "common.v1.config.Flag", "$reserved": reserved("v1.r0")})
}

fn link(rel: &str, href: String) -> Value {
    json!({"href": href, "rel": rel, "$objectType": "common.v1.response.ApiLink", "$reserved": reserved("v1.r0")})
}

/// An image as Prism Central lists it.
pub fn image(ext_id: &str, name: &str, size_bytes: u64) -> Value {
    json!({
        "extId": ext_id,
        "name": name,
        "description": format!("{name} (qcow2, uploaded by the storage team)"),
        "type": "DISK_IMAGE",
        "checksum": {
            "hexDigest": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "$objectType": "vmm.v4.content.ImageSha256Checksum",
            "$reserved": reserved("v4.r0")
        },
        "sizeBytes": size_bytes,
        "source": {
            "url": format!("http://images.lab.internal/{name}.qcow2"),
            "$objectType": "vmm.v4.content.UrlSource",
            "$reserved": reserved("v4.r0")
        },
        "categoryExtIds": [],
        "clusterLocationExtIds": [CLUSTER_ID],
        "createTime": "2024-05-02T09:14:07.402731Z",
        "lastUpdateTime": "2024-05-02T09:16:44.018221Z",
        "ownerExtId": "00000000-0000-0000-0000-000000000000",
        "placementPolicyStatus": [],
        "links": [link("self", format!("https://10.40.12.5:9440/api/vmm/v4.0/content/images/{ext_id}"))],
        "$objectType": "vmm.v4.content.Image",
        "$reserved": reserved("v4.r0")
    })
}

/// The metadata of a list answer; `links` as Prism Central writes them (`self`,
/// `first`, `last`, and `next`/`prev` where there is one).
pub fn list_metadata(total: u64, page: u64, limit: u64) -> Value {
    let href = |p: u64| {
        format!("https://10.40.12.5:9440/api/vmm/v4.0/content/images?$page={p}&$limit={limit}")
    };
    let last = total.div_ceil(limit).max(1) - 1;
    let mut links = vec![link("self", href(page)), link("first", href(0))];
    if page > 0 {
        links.push(link("prev", href(page - 1)));
    }
    if page < last {
        links.push(link("next", href(page + 1)));
    }
    links.push(link("last", href(last)));
    json!({
        "flags": [flag("hasError", false), flag("isPaginated", true)],
        "links": links,
        "totalAvailableResults": total,
        "$objectType": "common.v1.response.ApiResponseMetadata",
        "$reserved": reserved("v1.r0")
    })
}

/// A list answer.
pub fn list_envelope(items: Vec<Value>, metadata: Value, object_type: &str) -> Value {
    json!({
        "data": items,
        "metadata": metadata,
        "$objectType": object_type,
        "$reserved": reserved("v4.r0")
    })
}

/// The metadata of a single-entity answer.
pub fn entity_metadata() -> Value {
    json!({
        "flags": [flag("hasError", false), flag("isPaginated", false)],
        "totalAvailableResults": 1,
        "$objectType": "common.v1.response.ApiResponseMetadata",
        "$reserved": reserved("v1.r0")
    })
}

/// A single-entity answer.
pub fn entity_envelope(data: Value, object_type: &str) -> Value {
    json!({
        "data": data,
        "metadata": entity_metadata(),
        "$objectType": object_type,
        "$reserved": reserved("v4.r0")
    })
}

/// The answer of a mutating call: a task reference.
pub fn task_reference_envelope(task_ext_id: &str, object_type: &str) -> Value {
    entity_envelope(
        json!({
            "extId": task_ext_id,
            "$objectType": "prism.v4.config.TaskReference",
            "$reserved": reserved("v4.r0")
        }),
        object_type,
    )
}

/// A task as `GET /api/prism/v4.0/config/tasks/{extId}` answers.
pub fn task(task_ext_id: &str, status: &str, progress: u8, created_image: Option<&str>) -> Value {
    let mut data = json!({
        "extId": task_ext_id,
        "operation": "CreateImage",
        "operationDescription": "Create image",
        "status": status,
        "progressPercentage": progress,
        "createdTime": "2024-05-02T09:14:07.120Z",
        "startedTime": "2024-05-02T09:14:07.311Z",
        "isCancelable": false,
        "clusterExtIds": [CLUSTER_ID],
        "ownedBy": {"extId": "00000000-0000-0000-0000-000000000000", "name": "admin"},
        "$objectType": "prism.v4.config.Task",
        "$reserved": reserved("v4.r0")
    });
    if let Some(image) = created_image {
        data["completedTime"] = json!("2024-05-02T09:16:44.902Z");
        data["entitiesAffected"] = json!([
            {"extId": CLUSTER_ID, "rel": "clustermgmt:config:cluster", "$objectType": "prism.v4.config.EntityReference"},
            {"extId": image, "rel": "vmm:content:image", "name": "ubuntu-22.04", "$objectType": "prism.v4.config.EntityReference"}
        ]);
    }
    entity_envelope(data, "prism.v4.config.GetTaskApiResponse")
}

/// An error answer with one `AppMessage`.
pub fn app_error_envelope(code: &str, message: &str, object_type: &str) -> Value {
    json!({
        "data": {
            "error": [{
                "message": message,
                "severity": "ERROR",
                "code": code,
                "locale": "en_US",
                "errorGroup": "VMM_IMAGE_ERROR",
                "argumentsMap": {"extId": IMAGE_ID},
                "$objectType": "vmm.v4.error.AppMessage",
                "$reserved": reserved("v4.r0")
            }],
            "$objectType": "vmm.v4.error.ErrorResponse",
            "$reserved": reserved("v4.r0")
        },
        "$objectType": object_type,
        "$reserved": reserved("v4.r0")
    })
}

/// The raw query string of a recorded request (`""` when it has none).
pub fn query(request: &wiremock::Request) -> String {
    request.url.query().unwrap_or_default().to_owned()
}

/// The value of header `name` of a recorded request.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// How often `needle` occurs in `haystack`.
pub fn occurrences(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

// ---------------------------------------------------------------------------------------
// A bare HTTP/1.1 server.

/// One request as the bare server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// Which accepted connection (0, 1, ...) it came on.
    pub connection: usize,
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the bare server answers: a status line's code and reason, headers, and body
/// parts written one after the other. Before a part with a gate, the server waits for
/// the gate to open.
pub struct RawResponse {
    pub status: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

pub enum Body {
    /// Sent with `Content-Length`; the connection stays open for the next request.
    Full(Vec<u8>),
    /// Sent with `Transfer-Encoding: chunked`, one HTTP chunk per part; a part with
    /// `Some(gate)` is written only once the gate opens.
    Chunked(Vec<(Option<tokio::sync::oneshot::Receiver<()>>, Vec<u8>)>),
}

/// A bare HTTP/1.1 server on 127.0.0.1 answering each request with the next response
/// of a queue; records the requests and counts the connections it accepted.
pub struct RawServer {
    pub base: String,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub async fn start(responses: Vec<RawResponse>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let queue = Arc::new(Mutex::new(VecDeque::from(responses)));
        let task = tokio::spawn({
            let requests = requests.clone();
            let connections = connections.clone();
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let index = connections.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(serve(stream, index, requests.clone(), queue.clone()));
                }
            }
        });
        RawServer {
            base,
            requests,
            connections,
            task,
        }
    }

    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().expect("lock").clone()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    connection: usize,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    queue: Arc<Mutex<VecDeque<RawResponse>>>,
) {
    let mut buffer = Vec::new();
    loop {
        // The head of the next request.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default().to_owned();
        let target = request_line.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        requests.lock().expect("lock").push(RawRequest {
            connection,
            method,
            target,
            headers,
        });
        let response = queue.lock().expect("lock").pop_front();
        let Some(response) = response else {
            let _ = stream
                .write_all(b"HTTP/1.1 500 No Response Queued\r\ncontent-length: 0\r\n\r\n")
                .await;
            return;
        };
        let mut head = format!("HTTP/1.1 {}\r\n", response.status);
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match response.body {
            Body::Full(body) => {
                head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
            Body::Chunked(parts) => {
                head.push_str("transfer-encoding: chunked\r\n\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for (gate, part) in parts {
                    if let Some(gate) = gate {
                        if gate.await.is_err() {
                            return;
                        }
                    }
                    let framed = [
                        format!("{:x}\r\n", part.len()).into_bytes(),
                        part,
                        b"\r\n".to_vec(),
                    ]
                    .concat();
                    if stream.write_all(&framed).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
        }
    }
}

/// A JSON answer of the bare server.
pub fn raw_json(status: &'static str, body: &Value, extra: &[(&str, &str)]) -> RawResponse {
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    headers.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    RawResponse {
        status,
        headers,
        body: Body::Full(serde_json::to_vec(body).expect("JSON")),
    }
}

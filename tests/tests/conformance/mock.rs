//! The mock servers of the conformance test: one Stoplight Prism process per spec and
//! mode, and a recording reverse proxy in front of them.
//!
//! Prism serves each operation at its spec path (`/vmm/v4.0/...`), ignoring the server URL
//! (`https://{pc-ip}:9440/api`), while the client always requests `<base URL>/api/...`. The
//! proxy maps `/<mode>/api/<namespace>/...` to `/<namespace>/...` on that mode's Prism of
//! that namespace, so each mode needs one client (`base_url("http://127.0.0.1:<proxy>/<mode>")`).
//! It records, for every request, the status Prism answered and the `sl-violations` header
//! Prism writes, which the client does not expose.
//!
//! A redirect Prism answers with (`getFileByImageId`: 302 to the file) points at a
//! download server the spec does not describe; Prism's `Location` is a placeholder
//! (`string`) or a generated URL of any host. The proxy stands in for that server: it
//! records Prism's answer, points `Location` at itself, and answers the redirected request
//! with a few bytes of `application/octet-stream`, so the client can follow the redirect
//! without leaving 127.0.0.1.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use ntnx_workspace_tests::specs;
use serde_json::Value;
use tokio::net::TcpListener;

/// How Prism answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `prism mock`: the examples the spec gives for the response.
    Static,
    /// `prism mock --dynamic --seed ...`: values generated from the response schema.
    Dynamic,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Static, Mode::Dynamic];

    /// `static` or `dynamic`: the proxy path prefix and the allow-list's `mode`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// Seed of the dynamic responses: Prism reseeds its generator with it for every response,
/// so each operation gets the same payload on every run, whatever the call order.
const SEED: &str = "ntnx-conformance";

/// Heap limit of each Prism process, in MiB.
const HEAP_MB: u32 = 1024;

/// How long a Prism process may take to load its spec and listen.
const STARTUP: Duration = Duration::from_secs(180);

/// A running `prism mock` process, stopped when dropped (also when the test panics).
///
/// Prism runs under `sh`, which also watches its stdin, a pipe only this process holds:
/// when the pipe closes (on drop, or when the test process dies without unwinding, e.g.
/// on a stack overflow) it kills Prism, so no mock server outlives the test.
pub struct Prism {
    child: Child,
    stdin: Option<ChildStdin>,
    pub port: u16,
    pub label: String,
    /// What it was started with, to start it again on another port.
    bin: PathBuf,
    spec: PathBuf,
    mode: Mode,
    log: PathBuf,
}

/// Runs `"$0" "$@"` (Prism), kills it when stdin reaches its end, and exits with its
/// status. (Background jobs of `sh` read `/dev/null`, so the watcher reads stdin as fd 3.)
const WATCHDOG: &str = r#"exec 3<&0
"$0" "$@" </dev/null 3<&- & prism=$!
(cat <&3 >/dev/null; kill "$prism" 2>/dev/null) &
exec 3<&-
wait "$prism""#;

impl Prism {
    /// Starts `prism mock` of `spec` on a free port of 127.0.0.1, logging to `log`.
    pub fn spawn(bin: &Path, spec: &Path, mode: Mode, label: String, log: PathBuf) -> Prism {
        let port = free_port();
        let log_file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let mut command = Command::new("sh");
        command
            .args(["-c", WATCHDOG])
            .arg(bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            // Only warnings and errors: logging every request at `info` costs CPU.
            .args(["-v", "warn"]);
        if mode == Mode::Dynamic {
            command.args(["--dynamic", "--seed", SEED]);
        }
        let mut child = command
            .arg(spec)
            // A response too large to generate fails fast instead of taking minutes.
            .env("NODE_OPTIONS", format!("--max-old-space-size={HEAP_MB}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::from(
                log_file.try_clone().expect("a second handle of the log"),
            ))
            .stderr(Stdio::from(log_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} under sh: {e}", bin.display()));
        Prism {
            stdin: child.stdin.take(),
            child,
            port,
            label,
            bin: bin.to_owned(),
            spec: spec.to_owned(),
            mode,
            log,
        }
    }

    /// Waits until the process listens; `Err` (with its log) if it exits or takes too long.
    /// If the port was taken in between (`EADDRINUSE`), starts it again on another port,
    /// twice at most.
    pub fn wait_ready(&mut self) -> Result<(), String> {
        let mut attempts = 1;
        loop {
            match self.wait_listening() {
                Err(_) if attempts < 3 && self.log_tail().contains("EADDRINUSE") => {
                    attempts += 1;
                    let again = Prism::spawn(
                        &self.bin,
                        &self.spec,
                        self.mode,
                        self.label.clone(),
                        self.log.clone(),
                    );
                    // The old process has exited; dropping it only reaps it.
                    drop(std::mem::replace(self, again));
                }
                result => return result,
            }
        }
    }

    fn wait_listening(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism ({}) exited with {status} before listening on port {}:\n{}",
                    self.label,
                    self.port,
                    self.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > STARTUP {
                return Err(format!(
                    "Prism ({}) did not listen on port {} within {STARTUP:?}:\n{}",
                    self.label,
                    self.port,
                    self.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The last lines of the log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Closing stdin makes the watchdog kill Prism; `sh` then exits.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now (the OS picks it; Prism binds it right after).
fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

/// What the proxy saw for one request.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Prism's status.
    pub status: u16,
    /// The entries of Prism's `sl-violations` header.
    pub violations: Vec<Value>,
    /// The start of Prism's response body, for messages.
    pub body: String,
}

/// `(mode, METHOD, path)`: the path relative to `/api`, percent-decoded, without query.
pub type Key = (Mode, String, String);

/// Exchanges by request.
pub type Log = Arc<Mutex<HashMap<Key, Vec<Exchange>>>>;

/// Where the proxy forwards, and what it saw.
struct State {
    upstreams: HashMap<(Mode, String), u16>,
    http: reqwest::Client,
    log: Log,
}

/// Path (under the mode prefix) of the stand-in download server redirects are sent to.
const DOWNLOAD: &str = "_download";

/// What the stand-in download server answers.
const DOWNLOAD_BODY: &[u8] = b"conformance download";

/// Starts the proxy on a free port of 127.0.0.1; `upstreams` gives Prism's port by mode
/// and namespace. Returns its port and the log it records into.
pub async fn start_proxy(upstreams: HashMap<(Mode, String), u16>) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the proxy binds 127.0.0.1");
    let port = listener.local_addr().expect("the proxy's address").port();
    let log = Log::default();
    let state = Arc::new(State {
        upstreams,
        http: reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            // A fresh connection per request: Prism (Node) closes idle connections after
            // 5 s, and a POST sent on one it is closing just then fails.
            .pool_max_idle_per_host(0)
            .build()
            .expect("the proxy's HTTP client"),
        log: log.clone(),
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(forward(&state, request).await) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    (port, log)
}

/// Headers not passed on: hop-by-hop ones, and those the forwarding client sets itself.
const SKIPPED_HEADERS: [&str; 5] = [
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];

async fn forward(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let raw_path = parts.uri.path().to_owned();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let mut segments = raw_path.splitn(4, '/').skip(1);
    let (mode, api, rest) = (segments.next(), segments.next(), segments.next());
    let mode = match mode {
        Some("static") => Mode::Static,
        Some("dynamic") => Mode::Dynamic,
        _ => return plain(StatusCode::BAD_GATEWAY, "no /<mode> prefix"),
    };
    if api == Some(DOWNLOAD) {
        let mut response = Response::new(Full::new(Bytes::from_static(DOWNLOAD_BODY)));
        response.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static("application/octet-stream"),
        );
        return response;
    }
    let (Some("api"), Some(rest)) = (api, rest) else {
        return plain(StatusCode::BAD_GATEWAY, "no /api prefix");
    };
    let namespace = rest.split('/').next().unwrap_or_default();
    let Some(port) = state.upstreams.get(&(mode, namespace.to_owned())) else {
        return plain(StatusCode::BAD_GATEWAY, "no Prism for this namespace");
    };
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => return plain(StatusCode::BAD_GATEWAY, &format!("request body: {e}")),
    };
    let url = format!("http://127.0.0.1:{port}/{rest}{query}");
    let mut upstream = state.http.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if !SKIPPED_HEADERS.contains(&name.as_str()) {
            upstream = upstream.header(name, value);
        }
    }
    let key = (
        mode,
        parts.method.to_string(),
        percent_decode(&format!("/{rest}")),
    );
    let (status, headers, bytes) = match upstream.send().await {
        Ok(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => (status, headers, bytes),
                Err(e) => return plain(StatusCode::BAD_GATEWAY, &format!("Prism's body: {e}")),
            }
        }
        Err(e) => return plain(StatusCode::BAD_GATEWAY, &format!("Prism: {e}")),
    };
    let violations = headers
        .get_all("sl-violations")
        .iter()
        .flat_map(|value| violations(&String::from_utf8_lossy(value.as_bytes())))
        .collect();
    let exchange = Exchange {
        status: status.as_u16(),
        violations,
        body: String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned(),
    };
    state
        .log
        .lock()
        .expect("the exchange log")
        .entry(key)
        .or_default()
        .push(exchange);
    let mut response = Response::new(Full::new(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !SKIPPED_HEADERS.contains(&name.as_str()) {
            response.headers_mut().append(name, value.clone());
        }
    }
    if status.is_redirection() && headers.contains_key(hyper::header::LOCATION) {
        let location = format!("/{}/{DOWNLOAD}", mode.name());
        response.headers_mut().insert(
            hyper::header::LOCATION,
            hyper::header::HeaderValue::from_str(&location).expect("a valid Location"),
        );
    }
    response
}

fn plain(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!(
        "conformance proxy: {message}"
    ))));
    *response.status_mut() = status;
    response
}

/// The entries of an `sl-violations` header: a JSON array, which Prism cuts after 8 KiB
/// and prefixes with `Too many violations! `. Of a cut array, the complete entries are
/// read (Prism lists the request's violations before the response's, so none of those is
/// lost unless they alone fill the header, in which case the entries read are about the
/// request too); a header with no readable entry becomes one entry without a location,
/// which counts as a request violation.
pub fn violations(header: &str) -> Vec<Value> {
    let text = header
        .strip_prefix("Too many violations! ")
        .unwrap_or(header);
    let mut entries = Vec::new();
    let mut rest = text.trim_start().strip_prefix('[').unwrap_or(text);
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(entry)) => {
                entries.push(entry);
                rest = &rest[stream.byte_offset()..];
            }
            _ => break,
        }
    }
    if entries.is_empty() && !rest.trim_start().starts_with(']') {
        entries.push(Value::String(header.chars().take(300).collect()));
    }
    entries
}

/// Most items of any array in the dynamic mode's copy of a spec.
pub const DYNAMIC_MAX_ITEMS: u64 = 2;

/// Writes the copy of `spec` the dynamic mode serves into `folder` (the build's temporary
/// folder; never committed) and returns its path: the spec as loaded, as JSON, with every
/// array schema allowing at most [`DYNAMIC_MAX_ITEMS`] items (`minItems` lowered to match).
///
/// Prism's generator always fills an array to its `maxItems` (it runs json-schema-faker
/// with `fixedProbabilities` and `optionalsProbability: 1`), and the schemas allow up to
/// 100 items per array, nested several levels deep: one `Vm` or `TemplateVersion`
/// response would take gigabytes, and Prism runs out of memory. Prism's own knob for this,
/// a root `x-json-schema-faker: {max-items: n}`, has no effect in 5.16.0: the CLI sets it
/// on its copy of json-schema-faker (0.5.9) while the mocker uses its own (0.5.8).
///
/// Responses that declare a media type without a schema (prism's `204` deletes declare
/// `application/json` and nothing else) lose that media type: Prism cannot generate a body
/// without a schema and answers 500, while such a response has no body.
pub fn dynamic_spec(spec: &specs::Spec, folder: &Path) -> PathBuf {
    let mut doc = spec.doc.clone();
    cap_arrays(&mut doc);
    drop_schemaless_response_media(&mut doc);
    let path = folder.join(format!("dynamic-{}-{}.json", spec.namespace, spec.version));
    let text = serde_json::to_string(&doc).expect("a spec encodes as JSON");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// Removes the media types without a schema from every response of every operation.
fn drop_schemaless_response_media(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses"))
        .filter_map(Value::as_object_mut)
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        content.retain(|_, media| media.get("schema").is_some());
        if content.is_empty() {
            if let Some(response) = response.as_object_mut() {
                response.remove("content");
            }
        }
    }
}

/// Caps `maxItems` (and `minItems`) of every array schema under `node`.
fn cap_arrays(node: &mut Value) {
    match node {
        Value::Object(object) => {
            if object.get("type").and_then(Value::as_str) == Some("array") {
                let max = object
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .map_or(DYNAMIC_MAX_ITEMS, |max| max.min(DYNAMIC_MAX_ITEMS));
                object.insert("maxItems".to_owned(), max.into());
                if let Some(min) = object.get("minItems").and_then(Value::as_u64) {
                    object.insert("minItems".to_owned(), min.min(max).into());
                }
            }
            object.values_mut().for_each(cap_arrays);
        }
        Value::Array(items) => items.iter_mut().for_each(cap_arrays),
        _ => {}
    }
}

/// `%XX` escapes decoded (invalid ones kept as they are).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

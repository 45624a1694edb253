//! The soak run: many calls of the generated vmm client, half of them creates, against a
//! fault-injecting Prism Central stand-in on 127.0.0.1 (and a second host on 127.0.0.2 for
//! cross-host redirects). Shared by the soak test (`tests/soak.rs`, short, asserting
//! correctness) and the soak benchmark (`benches/soak.rs`, long, reported in
//! `BENCHMARKS.md`), each including this file.
//!
//! The server injects, per request and from a seeded random generator: 429 and 503 with
//! and without `Retry-After`, connections dropped before the work is done and after it (the
//! image created, no answer sent), slow answers, cross-host redirects of reads with an
//! `X-Redirect-Token`, and one outage window in which every request gets 503. It does a
//! create's work once per `NTNX-Request-Id`, as Prism Central does, and records which
//! request ids each logical create (its image name) arrived with, and every credential the
//! second host was sent.

#![allow(dead_code)] // The test and the benchmark use different parts.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use ntnx_runtime::client::ClientBuilder;
use ntnx_runtime::Client;
use ntnx_vmm::content::{Image, ImageType, UrlSource};
use ntnx_vmm::VmmClient;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What to run.
#[derive(Clone, Debug)]
pub struct SoakConfig {
    /// Calls in all (half creates, half reads).
    pub calls: usize,
    /// Calls in flight at once.
    pub in_flight: usize,
    /// Whether to inject faults at all (`false`: the fault-free baseline).
    pub faults: bool,
    /// Share of requests answered 429 or 503 (half of them with `Retry-After: 0`).
    pub status_faults: f64,
    /// Share of connections dropped (half before the work, half after).
    pub drops: f64,
    /// Share of answers delayed by `slow`.
    pub slow_share: f64,
    /// How long a slow answer waits.
    pub slow: Duration,
    /// Share of reads redirected to the second host.
    pub redirects: f64,
    /// The outage: from this long after the start, for this long, every request gets 503.
    pub outage: Option<(Duration, Duration)>,
    /// Seed of the fault generator.
    pub seed: u64,
    /// The client's retry settings: budget, base and max delay.
    pub retry_budget: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
}

/// What happened.
#[derive(Debug, Default)]
pub struct SoakReport {
    pub calls: usize,
    pub creates: usize,
    pub elapsed: Duration,
    /// Calls that returned an error.
    pub failures: Vec<String>,
    /// Requests the server received (retries included).
    pub requests: usize,
    /// Faults injected, by kind.
    pub injected: BTreeMap<&'static str, usize>,
    /// Logical creates that arrived with more than one request id.
    pub duplicated: usize,
    /// Logical creates whose work the server did under more than one request id (done
    /// twice: a request id is done once, as Prism Central does).
    pub done_twice: usize,
    /// Logical creates the client saw succeed but the server never did.
    pub lost: usize,
    /// Requests to the second host that carried a credential of the first.
    pub leaked: usize,
    /// Client-side latency of each call.
    pub latencies: Vec<Duration>,
}

impl SoakReport {
    /// The `q` quantile (0..=1) of the latencies.
    pub fn latency(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[index]
    }
}

/// The server's books.
#[derive(Default)]
struct Books {
    /// Image name → request ids it arrived with.
    ids_by_create: BTreeMap<String, BTreeSet<String>>,
    /// Request id → times its work was done.
    done: BTreeMap<String, usize>,
    injected: BTreeMap<&'static str, usize>,
    leaked: usize,
}

struct Server {
    config: SoakConfig,
    books: Mutex<Books>,
    rng: Mutex<fastrand::Rng>,
    requests: AtomicUsize,
    started: Instant,
    other_host: String,
}

const PASSWORD: &str = "soak-password";
const SESSION: &str = "NTNX_IGW_SESSION=soak-session";

/// Runs the soak as configured.
pub async fn run(config: SoakConfig) -> SoakReport {
    let main = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port on 127.0.0.1");
    let other = TcpListener::bind("127.0.0.2:0")
        .await
        .expect("a port on 127.0.0.2");
    let server = Arc::new(Server {
        rng: Mutex::new(fastrand::Rng::with_seed(config.seed)),
        config: config.clone(),
        books: Mutex::new(Books::default()),
        requests: AtomicUsize::new(0),
        started: Instant::now(),
        other_host: format!("http://{}", other.local_addr().unwrap()),
    });
    let base = format!("http://{}", main.local_addr().unwrap());
    tokio::spawn(accept(main, Arc::clone(&server), false));
    tokio::spawn(accept(other, Arc::clone(&server), true));

    let vmm = VmmClient::new(client(builder(&base, &config)));
    let started = Instant::now();
    let outcomes: Vec<Outcome> = futures::stream::iter(0..config.calls)
        .map(|n| {
            let vmm = vmm.clone();
            async move { call(&vmm, n).await }
        })
        .buffer_unordered(config.in_flight)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let books = server.books.lock().unwrap();
    let mut report = SoakReport {
        calls: config.calls,
        creates: config.calls.div_ceil(2),
        elapsed,
        requests: server.requests.load(Ordering::SeqCst),
        injected: books.injected.clone(),
        leaked: books.leaked,
        ..SoakReport::default()
    };
    let done = |id: &String| books.done.get(id).copied().unwrap_or(0) > 0;
    for (name, ids) in &books.ids_by_create {
        if ids.len() > 1 {
            report.duplicated += 1;
        }
        if ids.iter().filter(|id| done(id)).count() > 1 {
            report.done_twice += 1;
        }
        let _ = name;
    }
    for outcome in outcomes {
        report.latencies.push(outcome.latency);
        match outcome.error {
            Some(error) => report.failures.push(error),
            None if outcome.n % 2 == 0 => {
                let name = create_name(outcome.n);
                let created = books
                    .ids_by_create
                    .get(&name)
                    .is_some_and(|ids| ids.iter().any(done));
                if !created {
                    report.lost += 1;
                }
            }
            None => {}
        }
    }
    report
}

/// How one call ended.
struct Outcome {
    n: usize,
    latency: Duration,
    error: Option<String>,
}

fn builder(base: &str, config: &SoakConfig) -> ClientBuilder {
    Client::builder("pc.invalid")
        .base_url(base)
        .basic_auth("admin", PASSWORD)
        .proxy_from_env(false)
        .retry_budget(config.retry_budget)
        .retry_base_delay(config.retry_base)
        .retry_max_delay(config.retry_max)
}

fn client(builder: ClientBuilder) -> Client {
    builder.build().expect("the soak client builds")
}

fn create_name(n: usize) -> String {
    format!("soak-{n:06}")
}

/// Call `n`: a create for even `n`, a read for odd.
async fn call(vmm: &VmmClient, n: usize) -> Outcome {
    let started = Instant::now();
    let result = if n % 2 == 0 {
        let mut image = Image::new(create_name(n), ImageType::DiskImage);
        image.source = Some(UrlSource::new("http://images.lab/disk.qcow2").into());
        vmm.images().create_image(image).send().await.map(|_| ())
    } else {
        let id = format!("00000000-0000-4000-8000-{n:012}");
        vmm.images().get_image_by_id(id).send().await.map(|_| ())
    };
    Outcome {
        n,
        latency: started.elapsed(),
        error: result.err().map(|error| format!("call {n}: {error}")),
    }
}

async fn accept(listener: TcpListener, server: Arc<Server>, other_host: bool) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(serve(stream, Arc::clone(&server), other_host));
    }
}

/// One parsed request.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Incoming {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Incoming> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some(Incoming {
        method,
        target,
        headers,
        body,
    })
}

/// What the server does with one request.
enum Action {
    Answer(u16, Vec<(String, String)>, String),
    /// Close the connection without an answer, after doing the work if `after_work`.
    Drop {
        after_work: bool,
    },
}

async fn serve(stream: TcpStream, server: Arc<Server>, other_host: bool) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader).await {
        server.requests.fetch_add(1, Ordering::SeqCst);
        let (action, delay) = server.decide(&request, other_host);
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        match action {
            Action::Drop { after_work } => {
                if after_work {
                    server.do_create(&request);
                }
                return;
            }
            Action::Answer(status, headers, body) => {
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                // One write: head and body in two would wait for a delayed ACK (Nagle).
                head.push_str(&body);
                if reader.get_mut().write_all(head.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

impl Server {
    fn count(&self, kind: &'static str) {
        *self.books.lock().unwrap().injected.entry(kind).or_default() += 1;
    }

    fn roll(&self) -> f64 {
        self.rng.lock().unwrap().f64()
    }

    /// The action for `request`, and a delay before it.
    fn decide(&self, request: &Incoming, other_host: bool) -> (Action, Option<Duration>) {
        if other_host {
            return (self.at_other_host(request), None);
        }
        let config = &self.config;
        if let Some(name) = create_name_of(request) {
            let id = request.header("NTNX-Request-Id").unwrap_or("").to_owned();
            self.books
                .lock()
                .unwrap()
                .ids_by_create
                .entry(name)
                .or_default()
                .insert(id);
        }
        if !config.faults {
            return (self.answer(request), None);
        }
        let elapsed = self.started.elapsed();
        if let Some((start, length)) = config.outage {
            if elapsed >= start && elapsed < start + length {
                self.count("503 (outage)");
                return (Action::Answer(503, Vec::new(), String::new()), None);
            }
        }
        let roll = self.roll();
        let mut edge = config.status_faults;
        if roll < edge {
            let (status, kind) = if roll < edge / 2.0 {
                (429, "429")
            } else {
                (503, "503")
            };
            let with_retry_after = self.roll() < 0.5;
            self.count(match (kind, with_retry_after) {
                ("429", true) => "429 + Retry-After",
                ("429", false) => "429",
                (_, true) => "503 + Retry-After",
                _ => "503",
            });
            let headers = if with_retry_after {
                vec![("Retry-After".to_owned(), "0".to_owned())]
            } else {
                Vec::new()
            };
            return (Action::Answer(status, headers, String::new()), None);
        }
        edge += config.drops;
        if roll < edge {
            let after_work = self.roll() < 0.5;
            self.count(if after_work {
                "dropped after the work"
            } else {
                "dropped before the work"
            });
            return (Action::Drop { after_work }, None);
        }
        let delay = (self.roll() < config.slow_share).then(|| {
            self.count("slow answer");
            config.slow
        });
        if request.method == "GET" && self.roll() < config.redirects {
            self.count("cross-host redirect");
            let location = format!("{}{}", self.other_host, request.target);
            let headers = vec![
                ("Location".to_owned(), location),
                ("X-Redirect-Token".to_owned(), "soak-token".to_owned()),
            ];
            return (Action::Answer(302, headers, String::new()), delay);
        }
        (self.answer(request), delay)
    }

    /// The second host: serves the redirected read, and books any credential of the first.
    fn at_other_host(&self, request: &Incoming) -> Action {
        let leaked = request.header("Authorization").is_some()
            || request.header("X-ntnx-api-key").is_some()
            || request
                .header("Cookie")
                .is_some_and(|c| c.contains(SESSION))
            || String::from_utf8_lossy(&request.body).contains(PASSWORD);
        if leaked {
            self.books.lock().unwrap().leaked += 1;
        }
        if request.header("Cookie") != Some("soak-token") {
            return Action::Answer(401, Vec::new(), String::new());
        }
        self.answer(request)
    }

    /// The fault-free answer: an image for a read, a task for a create (done once per
    /// request id).
    fn answer(&self, request: &Incoming) -> Action {
        let json = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("set-cookie".to_owned(), format!("{SESSION}; Path=/")),
        ];
        if request.method == "POST" {
            self.do_create(request);
            let body = r#"{"data":{"extId":"ZXJnb24=:00000000-0000-4000-8000-000000000001","$objectType":"prism.v4.config.TaskReference"},"$objectType":"vmm.v4.content.CreateImageApiResponse"}"#;
            return Action::Answer(202, json, body.to_owned());
        }
        let id = request.target.rsplit('/').next().unwrap_or("");
        let body = format!(
            r#"{{"data":{{"extId":"{id}","name":"soak","type":"DISK_IMAGE","$objectType":"vmm.v4.content.Image","$reserved":{{"$fv":"v4.r0"}}}},"$objectType":"vmm.v4.content.GetImageApiResponse"}}"#
        );
        let mut headers = json;
        headers.push(("ETag".to_owned(), "soak-etag".to_owned()));
        Action::Answer(200, headers, body)
    }

    /// Does a create's work, once per request id.
    fn do_create(&self, request: &Incoming) {
        let id = request.header("NTNX-Request-Id").unwrap_or("").to_owned();
        *self.books.lock().unwrap().done.entry(id).or_default() += 1;
    }
}

/// The image name of a create request's body.
fn create_name_of(request: &Incoming) -> Option<String> {
    if request.method != "POST" {
        return None;
    }
    let body: serde_json::Value = serde_json::from_slice(&request.body).ok()?;
    body.get("name")?.as_str().map(str::to_owned)
}

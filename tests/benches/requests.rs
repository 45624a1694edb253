//! Request overhead of the generated client against raw reqwest: GETs of a list of 100
//! images from an in-process hyper server on 127.0.0.1 (nothing else is contacted),
//! sequentially and with several requests in flight.
//!
//! - ours: `VmmClient::images().list_images().send()` (basic auth, one attempt, no
//!   proxy), which decodes into `ApiResponse<Vec<Image>, ApiResponseMetadata>`;
//! - raw: a `reqwest::Client` with the same user agent, timeouts and proxy setting, the
//!   same `Accept` and `Authorization` headers, decoding the body with
//!   `serde_json::from_slice` into `{data: Vec<Image>, metadata: ApiResponseMetadata}`.
//!
//! The server answers only `GET /api/vmm/v4.0/content/images` with the right credentials
//! and `Accept`, so both clients are checked to send the same request. Rounds alternate
//! which client goes first; the request counts are fixed and the whole run is capped in
//! time.

mod common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{load_average, payloads, Args, Results};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use ntnx_shared::common::v1::response::ApiResponseMetadata;
use ntnx_vmm::content::Image;
use ntnx_vmm::VmmClient;
use tokio::net::TcpListener;

const USER: &str = "admin";
const PASSWORD: &str = "bench-password";
const PATH: &str = "/api/vmm/v4.0/content/images";
const ENTITIES: usize = 100;

/// Counts of one mode: total requests and requests in flight.
#[derive(Clone, Copy, Debug)]
struct Plan {
    sequential: usize,
    concurrent: usize,
    in_flight: usize,
    rounds: usize,
    warmup: usize,
    /// The run stops taking rounds after this long.
    deadline: Duration,
}

const FULL: Plan = Plan {
    sequential: 200,
    concurrent: 400,
    in_flight: 16,
    rounds: 9,
    warmup: 50,
    deadline: Duration::from_secs(120),
};

const SMOKE: Plan = Plan {
    sequential: 2,
    concurrent: 4,
    in_flight: 2,
    rounds: 1,
    warmup: 1,
    deadline: Duration::from_secs(20),
};

/// What the raw client decodes: the same types the generated client returns.
#[derive(serde::Deserialize)]
struct RawEnvelope {
    data: Vec<Image>,
    #[allow(dead_code)] // Decoded for the same work as the generated client; not read.
    metadata: ApiResponseMetadata,
}

/// A client under test: sends one GET and checks it got every image.
#[derive(Clone)]
enum Contender {
    Ours(VmmClient),
    Raw(reqwest::Client, String),
}

impl Contender {
    async fn get(&self) {
        let images = match self {
            Contender::Ours(vmm) => vmm
                .images()
                .list_images()
                .send()
                .await
                .expect("the generated client's GET succeeds")
                .into_data()
                .expect("the answer has data")
                .len(),
            Contender::Raw(http, url) => {
                let response = http
                    .get(url)
                    .header(reqwest::header::ACCEPT, "application/json")
                    .basic_auth(USER, Some(PASSWORD))
                    .send()
                    .await
                    .expect("the raw GET succeeds")
                    .error_for_status()
                    .expect("the raw GET is answered with 200");
                let body = response.bytes().await.expect("the body arrives");
                let envelope: RawEnvelope =
                    serde_json::from_slice(&body).expect("the body decodes");
                envelope.data.len()
            }
        };
        assert_eq!(images, ENTITIES);
    }

    /// Seconds per request of `count` requests, `in_flight` at a time.
    async fn run(&self, count: usize, in_flight: usize) -> f64 {
        let started = Instant::now();
        if in_flight <= 1 {
            for _ in 0..count {
                self.get().await;
            }
        } else {
            let left = Arc::new(AtomicUsize::new(count));
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..in_flight {
                let (client, left) = (self.clone(), left.clone());
                tasks.spawn(async move {
                    while left
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        client.get().await;
                    }
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.expect("a request task panicked");
            }
        }
        started.elapsed().as_secs_f64() / count as f64
    }
}

fn main() {
    let args = Args::parse();
    let plan = if args.smoke { SMOKE } else { FULL };
    let payload = payloads::images(ENTITIES);
    let body = Bytes::from(payload.bytes.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut results = Results::new("requests", &args);
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("a local address").port();
        let server = tokio::spawn(serve(listener, body));
        let ours = Contender::Ours(VmmClient::new(
            ntnx_runtime::Client::builder("127.0.0.1")
                .port(port)
                .https(false)
                .basic_auth(USER, PASSWORD)
                .proxy_from_env(false)
                .max_attempts(1)
                .build()
                .expect("the generated client builds"),
        ));
        let raw = Contender::Raw(
            reqwest::Client::builder()
                .user_agent(ntnx_runtime::client::USER_AGENT)
                .connect_timeout(ntnx_runtime::client::DEFAULT_TIMEOUT)
                .read_timeout(ntnx_runtime::client::DEFAULT_TIMEOUT)
                .no_proxy()
                .build()
                .expect("reqwest builds"),
            format!("http://127.0.0.1:{port}{PATH}"),
        );
        for contender in [&ours, &raw] {
            contender.run(plan.warmup, 1).await;
            contender.run(plan.warmup, plan.in_flight).await;
        }
        let started = Instant::now();
        let load_before = load_average();
        let mut samples: [Vec<f64>; 4] = Default::default();
        for round in 0..plan.rounds {
            if round > 0 && started.elapsed() > plan.deadline {
                println!("requests: stopped after {round} rounds (time cap)");
                break;
            }
            let order = if round % 2 == 0 {
                [(&ours, 0), (&raw, 1)]
            } else {
                [(&raw, 1), (&ours, 0)]
            };
            for (contender, slot) in order {
                samples[slot].push(contender.run(plan.sequential, 1).await);
                samples[slot + 2].push(contender.run(plan.concurrent, plan.in_flight).await);
            }
        }
        server.abort();
        let [ours_seq, raw_seq, ours_conc, raw_conc] = samples;
        let size = payload.bytes.len();
        results.add("sequential/ours", ours_seq, ENTITIES, size);
        results.add("sequential/raw", raw_seq, ENTITIES, size);
        results.add("concurrent/ours", ours_conc, ENTITIES, size);
        results.add("concurrent/raw", raw_conc, ENTITIES, size);
        let load = (load_before, load_average());
        results.compared(&["sequential/ours", "sequential/raw"], load);
        results.compared(&["concurrent/ours", "concurrent/raw"], load);
    });
    results.note("sequential_requests", plan.sequential);
    results.note("concurrent_requests", plan.concurrent);
    results.note("in_flight", plan.in_flight);
    results.note("body_bytes", payload.bytes.len());
    results.note("entities", ENTITIES);
    results.write(&args);
}

/// Serves `body` on every connection `listener` accepts, until aborted.
async fn serve(listener: TcpListener, body: Bytes) {
    let expected_auth = ntnx_workspace_tests::basic_auth::basic_auth_header(USER, PASSWORD);
    let expected_auth: Arc<str> = expected_auth.into();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (body, expected_auth) = (body.clone(), expected_auth.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let ok = request.uri().path() == PATH
                    && request.method() == hyper::Method::GET
                    && header(&request, "authorization") == Some(&*expected_auth)
                    && header(&request, "accept") == Some("application/json");
                let response = if ok {
                    Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(body.clone()))
                } else {
                    Response::builder()
                        .status(StatusCode::BAD_REQUEST)
                        .body(Full::new(Bytes::from_static(b"unexpected request")))
                };
                async move { Ok::<_, Infallible>(response.expect("a valid response")) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            // A connection ends when the client closes it; errors there are not ours.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

fn header<'a>(request: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    request.headers().get(name)?.to_str().ok()
}

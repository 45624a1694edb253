//! Shared operations, a test model and client set-up.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use http::Method;
use ntnx_runtime::client::{ClientBuilder, Operation};
use ntnx_runtime::{Client, Extras, Model};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wiremock::MockServer;

pub static GET_IMAGE: Operation = Operation::new(
    "getImageById",
    Method::GET,
    "/vmm/v4.0/content/images/{extId}",
);

pub static UPDATE_IMAGE: Operation = Operation::new(
    "updateImageById",
    Method::PUT,
    "/vmm/v4.0/content/images/{extId}",
);

pub static CREATE_IMAGE: Operation =
    Operation::new("createImage", Method::POST, "/vmm/v4.0/content/images");

pub static DELETE_IMAGE: Operation = Operation::new(
    "deleteImageById",
    Method::DELETE,
    "/vmm/v4.0/content/images/{extId}",
);

pub static LIST_IMAGES: Operation =
    Operation::new("listImages", Method::GET, "/vmm/v4.0/content/images");

pub static DOWNLOAD_IMAGE: Operation = Operation::new(
    "getFileByImageId",
    Method::GET,
    "/vmm/v4.0/content/images/{extId}/file",
);

pub const IMAGE_ID: &str = "7d3f1a52-9c4b-4e8e-b1a0-5f2c6d8e9a10";

/// A stand-in for a generated model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    #[serde(flatten)]
    pub extras: Extras,
}

impl Model for Image {
    const SCHEMA: &'static str = "vmm.v4.0.content.Image";
    const OBJECT_TYPE: Option<&'static str> = Some("vmm.v4.content.Image");
    const REVISION: Option<&'static str> = Some("v4.r0");

    fn extras(&self) -> &Extras {
        &self.extras
    }

    fn extras_mut(&mut self) -> &mut Extras {
        &mut self.extras
    }

    fn decode_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Image::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }
}

pub fn image_json(name: &str) -> Value {
    json!({
        "extId": IMAGE_ID,
        "name": name,
        "sizeBytes": 1_073_741_824_u64,
        "type": "DISK_IMAGE",
        "$objectType": "vmm.v4.content.Image",
        "$reserved": {"$fv": "v4.r0"}
    })
}

pub fn envelope(data: Value) -> Value {
    json!({
        "data": data,
        "metadata": {
            "flags": [{"name": "hasError", "value": false}, {"name": "isPaginated", "value": false}],
            "links": [],
            "$objectType": "common.v1.response.ApiResponseMetadata"
        },
        "$objectType": "vmm.v4.content.GetImageApiResponse"
    })
}

/// A client of `server` with short retry waits and no proxies from the environment.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder("unused.example.com")
        .base_url(server.uri())
        .proxy_from_env(false)
        .retry_base_delay(Duration::from_millis(5))
        .retry_max_delay(Duration::from_millis(20))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// The requests the server got.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording is on")
}

/// The value of header `name` of a received request, as text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A buffer of log output, for assertions.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    /// Where the current thread's log lines go, while a test captures them.
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes to the current thread's capture buffer, or nowhere.
pub struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(captured) = capture.borrow().as_ref() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadWriter {
    type Writer = ThreadWriter;

    fn make_writer(&'a self) -> ThreadWriter {
        ThreadWriter
    }
}

/// Stops capturing when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| *capture.borrow_mut() = None);
    }
}

/// Captures the TRACE-level log lines of the current thread (the test's, under
/// `#[tokio::test]`'s current-thread runtime).
///
/// One global subscriber serves every test, so no callsite's interest is decided while
/// no subscriber listens (scoped subscribers race with that across threads).
pub fn capture_logs() -> (Captured, CaptureGuard) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(ThreadWriter)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
    let captured = Captured::default();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(captured.clone()));
    (captured, CaptureGuard)
}

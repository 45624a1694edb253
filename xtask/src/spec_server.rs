//! A stand-in for the developer portal on 127.0.0.1, for the download tests: it serves
//! files at `/api/v1/namespaces/<namespace>/versions/<version>/yaml`, answers 404 for
//! anything else, can drop the first connections without answering, and counts requests.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the server serves.
#[derive(Default)]
pub struct Routes {
    /// Path → body.
    pub files: BTreeMap<String, Vec<u8>>,
    /// How many connections to close before reading a request (a dropped connection).
    pub drop_first: usize,
}

/// A running server; it stops with the test process.
pub struct SpecServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl SpecServer {
    /// Serves `routes` on a free port.
    pub fn start(routes: Routes) -> SpecServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let connections = AtomicUsize::new(0);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if connections.fetch_add(1, Ordering::SeqCst) < routes.drop_first {
                    drop(stream);
                    continue;
                }
                answer(stream, &routes.files, &seen);
            }
        });
        SpecServer { base, requests }
    }

    /// The paths requested so far (dropped connections are not requests).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// The portal path of `namespace` at `version`.
    pub fn path(namespace: &str, version: &str) -> String {
        format!("/api/v1/namespaces/{namespace}/versions/{version}/yaml")
    }
}

/// Reads one request, records its path (before answering, so a client that has its
/// answer sees it counted) and answers it.
fn answer(
    stream: TcpStream,
    files: &BTreeMap<String, Vec<u8>>,
    seen: &Mutex<Vec<String>>,
) -> Option<()> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1)?.to_owned();
    seen.lock().unwrap().push(path.clone());
    let (status, body) = match files.get(&path) {
        Some(body) => ("200 OK", body.as_slice()),
        None => ("404 Not Found", b"not found".as_slice()),
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()
}

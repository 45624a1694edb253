//! What generated code builds: a static [`Operation`] and an owned [`Request`].

use std::fmt;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http::header::{HeaderName, HeaderValue};
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use uuid::Uuid;

use super::limit::RateLimit;
use crate::Error;

/// Static description of one operation; the generator emits one `static` per operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `updateImageById`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to `https://host:port/api`, e.g.
    /// `/vmm/v4.0/content/images/{extId}`.
    pub path: &'static str,
    /// The spec's `x-rate-limit`, per Prism Central size (see [`super::limit`]).
    pub rate_limits: &'static [RateLimit],
}

impl Operation {
    /// An operation without rate limits.
    pub const fn new(id: &'static str, method: Method, path: &'static str) -> Operation {
        Operation {
            id,
            method,
            path,
            rate_limits: &[],
        }
    }
}

/// Per-call settings that override the client's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The longest the whole call may take, retries included: until the answer's body is
    /// read, or for a download until its headers arrive. `None`: the client's.
    pub deadline: Option<Duration>,
    /// How long the call keeps retrying (see [`RetryPolicy::budget`](super::RetryPolicy)).
    /// `None`: the client's.
    pub retry_budget: Option<Duration>,
}

/// Characters escaped in one path segment: everything but RFC 3986 unreserved characters
/// and the sub-delimiters `:`, `=`, `@`, `!`, `$`, `&`, `'`, `(`, `)`, `*`, `,`, `;` that a
/// segment may hold as they are. `/`, `?`, `#`, `%`, `+` and spaces are escaped.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'=')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

/// Characters escaped in a query name or value (`application/x-www-form-urlencoded`,
/// with `%20` for spaces so the text reads the same to every server).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$');

/// Percent-encodes `value` as one path segment.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Percent-encodes a query parameter name or value.
pub fn encode_query_component(value: &str) -> String {
    utf8_percent_encode(value, QUERY).to_string()
}

/// What a generated request builder turns into: the [`Request`] for its current
/// parameters. Batches take any of them (see [`crate::batch`]).
pub trait IntoRequest {
    /// The request, or the mistake that keeps it from being one (a missing `If-Match`, a
    /// body that does not serialize).
    fn into_request(self) -> Result<Request, Error>;
}

impl IntoRequest for Request {
    fn into_request(self) -> Result<Request, Error> {
        Ok(self)
    }
}

/// A request body, ready to be sent as often as needed.
#[derive(Clone)]
pub(crate) struct Body {
    pub(crate) content_type: String,
    pub(crate) bytes: Bytes,
}

/// One call to send: path and query parameters, headers and body.
///
/// Everything is held by value (the body as [`Bytes`]), so cloning is cheap and a retry
/// sends exactly the same bytes. Mistakes (an unknown path parameter, a header that is not
/// valid) are reported by the `send_*` method, not by the builder methods.
#[derive(Clone)]
pub struct Request {
    pub(crate) operation: &'static Operation,
    pub(crate) path: String,
    /// Path parameters as given (not encoded), for batch items.
    pub(crate) path_params: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Body>,
    pub(crate) request_id: Option<Uuid>,
    pub(crate) if_match: Option<String>,
    pub(crate) options: CallOptions,
    pub(crate) problem: Option<String>,
}

impl Request {
    /// A request for `operation`, with nothing filled in yet.
    pub fn new(operation: &'static Operation) -> Request {
        Request {
            operation,
            path: operation.path.to_owned(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            request_id: None,
            if_match: None,
            options: CallOptions::default(),
            problem: None,
        }
    }

    /// The operation this request is for.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    fn fail(mut self, problem: String) -> Request {
        self.problem.get_or_insert(problem);
        self
    }

    /// Substitutes `{name}` in the path with `value`, percent-encoded as one segment.
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Request {
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            let message = format!(
                "path parameter `{name}` is not in {} (or was given twice)",
                self.operation.path
            );
            return self.fail(message);
        }
        let value = value.to_string();
        let encoded = encode_path_segment(&value);
        // Empty, `.` and `..` segments would change which path the server sees.
        if matches!(encoded.as_str(), "" | "." | "..") {
            return self.fail(format!("path parameter `{name}` is empty, `.` or `..`"));
        }
        self.path = self.path.replacen(&placeholder, &encoded, 1);
        self.path_params.push((name.to_owned(), value));
        self
    }

    /// Appends a query parameter (in call order), form-encoded.
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Request {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a header (after the defaults; a second value for the same name is appended).
    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Request {
        let name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => name,
            Err(_) => return self.fail(format!("`{name}` is not a valid header name")),
        };
        match HeaderValue::try_from(value.to_string()) {
            Ok(mut value) => {
                if crate::client::redact::is_sensitive(&name) {
                    value.set_sensitive(true);
                }
                self.headers.push((name, value));
                self
            }
            Err(_) => {
                let message = format!("the value of header `{name}` is not valid");
                self.fail(message)
            }
        }
    }

    /// Asks for `media_type` (`Accept`) instead of the default of the `send_*` method used.
    pub fn accept(mut self, media_type: &str) -> Request {
        self.headers
            .retain(|(name, _)| name != http::header::ACCEPT);
        self.header("Accept", media_type)
    }

    /// Serializes `body` as JSON now, once; sent with `Content-Type: application/json`.
    pub fn json_body<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Request, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::request(format!(
                "the body of {} ({}) does not serialize as JSON: {e}",
                self.operation.id,
                std::any::type_name::<T>()
            ))
        })?;
        self.body = Some(Body {
            content_type: "application/json".to_owned(),
            bytes: Bytes::from(bytes),
        });
        Ok(self)
    }

    /// A body of raw bytes with the given content type.
    pub fn bytes_body(mut self, content_type: &str, body: Bytes) -> Request {
        self.body = Some(Body {
            content_type: content_type.to_owned(),
            bytes: body,
        });
        self
    }

    /// A text body with the given content type.
    pub fn text_body(self, content_type: &str, body: String) -> Request {
        self.bytes_body(content_type, Bytes::from(body))
    }

    /// A `multipart/form-data` body.
    pub fn multipart_body(mut self, form: Multipart) -> Request {
        self.body = Some(Body {
            content_type: form.content_type(),
            bytes: form.encode(),
        });
        self
    }

    /// Uses `id` as `NTNX-Request-Id` instead of a fresh one (to repeat a call safely).
    pub fn request_id(mut self, id: Uuid) -> Request {
        self.request_id = Some(id);
        self
    }

    /// The longest this call may take, retries included (see [`CallOptions::deadline`]).
    pub fn deadline(mut self, deadline: Duration) -> Request {
        self.options.deadline = Some(deadline);
        self
    }

    /// How long this call keeps retrying (see [`CallOptions::retry_budget`]).
    pub fn retry_budget(mut self, budget: Duration) -> Request {
        self.options.retry_budget = Some(budget);
        self
    }

    /// Applies `options`; the settings it leaves unset stay as they are.
    pub fn options(mut self, options: CallOptions) -> Request {
        self.options.deadline = options.deadline.or(self.options.deadline);
        self.options.retry_budget = options.retry_budget.or(self.options.retry_budget);
        self
    }

    /// Sends `If-Match: etag`, the ETag of the entity being changed.
    pub fn if_match(mut self, etag: impl Into<String>) -> Request {
        self.if_match = Some(etag.into());
        self
    }

    /// The path parameters as given, for batch items.
    pub(crate) fn path_pairs(&self) -> Vec<(String, String)> {
        self.path_params.clone()
    }

    /// The query parameters.
    pub(crate) fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers set on the request (not the client's defaults), as text.
    pub(crate) fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect()
    }

    /// The `If-Match` ETag, when one is set.
    pub(crate) fn if_match_value(&self) -> Option<&str> {
        self.if_match.as_deref()
    }

    /// The body as JSON: `None` without a body, an error for a body of another kind (or a
    /// request that could not be built).
    pub(crate) fn json_body_value(&self) -> Result<Option<serde_json::Value>, Error> {
        if let Some(problem) = &self.problem {
            return Err(Error::request(problem.clone()));
        }
        let Some(body) = &self.body else {
            return Ok(None);
        };
        if body.content_type != "application/json" {
            return Err(Error::request(format!(
                "{} has a {} body; batch items carry JSON",
                self.operation.id, body.content_type
            )));
        }
        serde_json::from_slice(&body.bytes).map(Some).map_err(|e| {
            Error::request(format!(
                "the body of {} is not JSON: {e}",
                self.operation.id
            ))
        })
    }

    /// The path with its parameters substituted and the query string, e.g.
    /// `/vmm/v4.0/content/images?$page=0&$limit=50`.
    pub fn path_and_query(&self) -> Result<String, Error> {
        if let Some(problem) = &self.problem {
            return Err(Error::request(problem.clone()));
        }
        if let Some(start) = self.path.find('{') {
            let end = self.path[start..]
                .find('}')
                .map_or(self.path.len(), |e| start + e + 1);
            return Err(Error::request(format!(
                "path parameter {} was not given",
                &self.path[start..end]
            )));
        }
        let mut text = self.path.clone();
        for (i, (name, value)) in self.query.iter().enumerate() {
            text.push(if i == 0 { '?' } else { '&' });
            text.push_str(&encode_query_component(name));
            text.push('=');
            text.push_str(&encode_query_component(value));
        }
        Ok(text)
    }
}

impl fmt::Debug for Request {
    /// Shows the operation, path, query and header names; header values only when they
    /// are not credentials; the body's type and length, not its content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &crate::client::redact::Headers(self.headers.iter().map(|(n, v)| (n, v)).collect()),
            )
            .field(
                "body",
                &self
                    .body
                    .as_ref()
                    .map(|b| format!("{} ({} bytes)", b.content_type, b.bytes.len())),
            )
            .field("request_id", &self.request_id)
            .field("if_match", &self.if_match)
            .finish()
    }
}

/// A `multipart/form-data` body of text and byte parts, encoded once so a retry resends
/// the same bytes.
#[derive(Clone, Debug)]
pub struct Multipart {
    boundary: String,
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Multipart {
        let random: String = (0..24).map(|_| fastrand::alphanumeric()).collect();
        Multipart {
            boundary: format!("ntnx-rust-sdk-{random}"),
            parts: Vec::new(),
        }
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file part with its file name and content type.
    pub fn bytes(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: Bytes,
    ) -> Multipart {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data,
        });
        self
    }

    /// The boundary between parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// `multipart/form-data; boundary=...`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The encoded body.
    pub fn encode(&self) -> Bytes {
        let mut out = BytesMut::new();
        for part in &self.parts {
            out.put_slice(format!("--{}\r\n", self.boundary).as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quote(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quote(file_name)));
            }
            out.put_slice(disposition.as_bytes());
            out.put_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                let clean: String = content_type
                    .chars()
                    .filter(|c| *c != '\r' && *c != '\n')
                    .collect();
                out.put_slice(format!("Content-Type: {clean}\r\n").as_bytes());
            }
            out.put_slice(b"\r\n");
            out.put_slice(&part.data);
            out.put_slice(b"\r\n");
        }
        out.put_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        out.freeze()
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter, as browsers do.
fn quote(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    static GET_TASK: Operation = Operation::new(
        "getTaskById",
        Method::GET,
        "/prism/v4.0/config/tasks/{extId}",
    );

    #[test]
    fn path_segment_encoding() {
        let request = Request::new(&GET_TASK).path_param("extId", "ZXJn/b24+=:1b2c 3?#%");
        assert_eq!(
            request.path_and_query().unwrap(),
            "/prism/v4.0/config/tasks/ZXJn%2Fb24%2B=:1b2c%203%3F%23%25"
        );
    }

    #[test]
    fn missing_and_unknown_path_params_are_errors() {
        let error = Request::new(&GET_TASK).path_and_query().unwrap_err();
        assert!(
            error.to_string().contains("{extId} was not given"),
            "{error}"
        );
        let error = Request::new(&GET_TASK)
            .path_param("id", "x")
            .path_and_query()
            .unwrap_err();
        assert!(error.to_string().contains("`id`"), "{error}");
    }

    #[test]
    fn query_encoding_keeps_order() {
        let request = Request::new(&GET_TASK)
            .path_param("extId", "a")
            .query("$filter", "startswith(name, 'fileserver_')")
            .query("$page", 0);
        assert_eq!(
            request.path_and_query().unwrap(),
            "/prism/v4.0/config/tasks/a?$filter=startswith%28name%2C%20%27fileserver_%27%29&$page=0"
        );
    }

    #[test]
    fn bad_header_is_reported() {
        let request = Request::new(&GET_TASK)
            .path_param("extId", "a")
            .header("bad name", "x");
        assert!(request.path_and_query().is_err());
    }

    #[test]
    fn multipart_layout() {
        let form = Multipart::new().text("name", "disk").bytes(
            "file",
            "a\"b.iso",
            "application/octet-stream",
            Bytes::from_static(b"\x00\x01"),
        );
        let b = form.boundary().to_owned();
        let body = form.encode();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ndisk\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.iso\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n--{b}--\r\n"
        );
        assert_eq!(body, Bytes::from(expected));
    }
}

//! The one error type of the SDK, and the v4 error envelope it decodes.

mod response;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};

pub use response::{
    AppMessage, ErrorDetail, ErrorResponse, MessageSeverity, SchemaValidationError,
    SchemaValidationErrorMessage,
};

pub(crate) use response::decode_error_body;

use crate::task::TaskSummary;

/// How much of an error response's body is kept (the rest is not read).
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The [`ClientBuilder`](crate::client::ClientBuilder) settings are invalid.
    Config,
    /// The request could not be built (bad header, missing path parameter, a body that
    /// does not serialize, too many batch items).
    Request,
    /// The server could not be reached or the connection broke.
    Transport,
    /// A connect or read timeout, or a task that did not finish in time.
    Timeout,
    /// The response body does not have the expected shape.
    Decode,
    /// The server answered with an error status.
    Status,
    /// A task ended `FAILED` or `CANCELED`.
    Task,
    /// The server redirected the call somewhere the SDK does not follow: another origin
    /// (credentials stay with the configured one), or a write it would turn into a `GET`.
    Redirect,
}

/// An error from the SDK: one type for every failure, with the operation it happened in.
///
/// `Display` is a sentence meant for a person; the accessors give the parts to code.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    repr: Repr,
    call: Option<CallContext>,
}

/// The operation an error happened in.
#[derive(Clone, Debug)]
pub(crate) struct CallContext {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
}

impl CallContext {
    /// A call of `operation` with this request id, before any attempt.
    pub(crate) fn new(
        operation: &crate::client::Operation,
        request_id: Option<String>,
    ) -> CallContext {
        CallContext {
            operation: operation.id,
            method: operation.method.clone(),
            path: operation.path,
            request_id,
            attempts: 0,
        }
    }
}

enum Repr {
    Config(String),
    Request(String),
    Transport {
        source: BoxError,
        before_response: bool,
        tls: bool,
    },
    Redirect {
        status: StatusCode,
        reason: String,
    },
    Timeout {
        what: String,
        source: Option<BoxError>,
        connect: bool,
    },
    Decode {
        type_name: &'static str,
        path: String,
        source: Option<serde_json::Error>,
        message: String,
    },
    Status {
        status: StatusCode,
        body: Bytes,
        truncated: bool,
        response: Option<Box<ErrorResponse>>,
    },
    Task {
        summary: TaskSummary,
        task: Box<dyn std::any::Any + Send + Sync>,
    },
}

impl Error {
    fn new(repr: Repr) -> Error {
        Error {
            inner: Box::new(Inner { repr, call: None }),
        }
    }

    /// An invalid client setting.
    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(Repr::Config(message.into()))
    }

    /// A request that could not be built.
    pub(crate) fn request(message: impl Into<String>) -> Error {
        Error::new(Repr::Request(message.into()))
    }

    /// The operation needs an `If-Match` ETag and the call has none: neither given
    /// explicitly nor kept with the body from the response it was fetched with.
    pub fn missing_if_match(operation: &crate::client::Operation) -> Error {
        Error::request(
            "it needs an If-Match ETag: send the entity as fetched (its ETag is kept with \
             it), or give the fetched entity with `if_match_from(&entity)`, or set one with \
             `if_match(...)`",
        )
        .with_call(&CallContext::new(operation, None))
    }

    /// A transport failure; `before_response` when the request surely did not reach the
    /// server, `tls` when the TLS handshake failed.
    pub(crate) fn transport(
        source: impl Into<BoxError>,
        before_response: bool,
        tls: bool,
    ) -> Error {
        Error::new(Repr::Transport {
            source: source.into(),
            before_response,
            tls,
        })
    }

    /// A redirect the SDK does not follow.
    pub(crate) fn redirect(status: StatusCode, reason: String) -> Error {
        Error::new(Repr::Redirect { status, reason })
    }

    /// A timeout.
    pub(crate) fn timeout(
        what: impl Into<String>,
        source: Option<BoxError>,
        connect: bool,
    ) -> Error {
        Error::new(Repr::Timeout {
            what: what.into(),
            source,
            connect,
        })
    }

    /// Maps a reqwest error, telling timeouts and connect failures apart.
    pub(crate) fn from_reqwest(error: reqwest::Error, before_response: bool) -> Error {
        if error.is_timeout() {
            let connect = error.is_connect();
            let what = if connect {
                "connecting"
            } else {
                "waiting for data"
            };
            Error::timeout(what, Some(Box::new(error)), connect)
        } else {
            // A refused certificate or failed handshake will fail the same way again.
            let tls = is_tls_failure(&error);
            let before = before_response && (error.is_connect() || error.is_request()) && !tls;
            Error::transport(error, before, tls)
        }
    }

    /// A body that does not decode as `type_name`.
    pub(crate) fn decode(
        type_name: &'static str,
        path: String,
        source: serde_json::Error,
    ) -> Error {
        Error::new(Repr::Decode {
            type_name,
            path,
            message: source.to_string(),
            source: Some(source),
        })
    }

    /// A body that lacks something the caller needs.
    pub(crate) fn missing(type_name: &'static str, path: &str, message: &str) -> Error {
        Error::new(Repr::Decode {
            type_name,
            path: path.to_owned(),
            source: None,
            message: message.to_owned(),
        })
    }

    /// An error status with the (capped) body.
    pub(crate) fn http_status(status: StatusCode, body: Bytes, truncated: bool) -> Error {
        let response = decode_error_body(&body).map(Box::new);
        Error::new(Repr::Status {
            status,
            body,
            truncated,
            response,
        })
    }

    /// A task that ended `FAILED` or `CANCELED`; `task` is the generated task model.
    pub(crate) fn task_failed<T: serde::Serialize + Send + Sync + 'static>(task: T) -> Error {
        Error::new(Repr::Task {
            summary: TaskSummary::of(&task),
            task: Box::new(task),
        })
    }

    /// Attaches the operation, unless one is attached already.
    pub(crate) fn with_call(mut self, call: &CallContext) -> Error {
        if self.inner.call.is_none() {
            self.inner.call = Some(call.clone());
        }
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match &self.inner.repr {
            Repr::Config(_) => ErrorKind::Config,
            Repr::Request(_) => ErrorKind::Request,
            Repr::Transport { .. } => ErrorKind::Transport,
            Repr::Timeout { .. } => ErrorKind::Timeout,
            Repr::Decode { .. } => ErrorKind::Decode,
            Repr::Status { .. } => ErrorKind::Status,
            Repr::Task { .. } => ErrorKind::Task,
            Repr::Redirect { .. } => ErrorKind::Redirect,
        }
    }

    /// The HTTP status of an error response (or of a redirect not followed).
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.repr {
            Repr::Status { status, .. } | Repr::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `NTNX-Request-Id` of the call (sent, or echoed by the server).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.call.as_ref()?.request_id.as_deref()
    }

    /// The operation id (e.g. `updateImageById`) the error happened in.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.call.as_ref().map(|call| call.operation)
    }

    /// How many attempts the call made before giving up (0 if it never sent).
    pub fn attempts(&self) -> u32 {
        self.inner.call.as_ref().map_or(0, |call| call.attempts)
    }

    /// The service's messages: those of an error response, or of a failed task.
    pub fn app_messages(&self) -> &[AppMessage] {
        match &self.inner.repr {
            Repr::Status {
                response: Some(response),
                ..
            } => response.app_messages(),
            Repr::Task { summary, .. } => &summary.error_messages,
            _ => &[],
        }
    }

    /// The decoded error envelope of an error response, when the body is one.
    pub fn error_response(&self) -> Option<&ErrorResponse> {
        match &self.inner.repr {
            Repr::Status { response, .. } => response.as_deref(),
            _ => None,
        }
    }

    /// The schema validation report of an error response, if that is what it holds.
    pub fn schema_validation(&self) -> Option<&SchemaValidationError> {
        self.error_response()?.schema_validation()
    }

    /// The raw body of an error response, at most [`ERROR_BODY_LIMIT`] bytes.
    pub fn body(&self) -> Option<&[u8]> {
        match &self.inner.repr {
            Repr::Status { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether the body was longer than [`ERROR_BODY_LIMIT`] and was cut.
    pub fn body_truncated(&self) -> bool {
        matches!(
            &self.inner.repr,
            Repr::Status {
                truncated: true,
                ..
            }
        )
    }

    /// The task of a `FAILED`/`CANCELED` task error, as the generated type `T` it was
    /// polled as (`ntnx_prism::config::Task`); `None` for other errors or another `T`.
    pub fn task<T: 'static>(&self) -> Option<&T> {
        match &self.inner.repr {
            Repr::Task { task, .. } => task.downcast_ref(),
            _ => None,
        }
    }

    /// What a task error says about its task: id, operation, status, messages.
    pub fn task_summary(&self) -> Option<&TaskSummary> {
        match &self.inner.repr {
            Repr::Task { summary, .. } => Some(summary),
            _ => None,
        }
    }

    /// For a decode error: the Rust type that was expected and the JSON path that failed.
    pub fn decode_location(&self) -> Option<(&'static str, &str)> {
        match &self.inner.repr {
            Repr::Decode {
                type_name, path, ..
            } => Some((type_name, path)),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: statuses 408, 429, 503 and
    /// 504, connection failures before any response (but not TLS failures), and connect
    /// timeouts.
    pub fn is_retryable(&self) -> bool {
        match &self.inner.repr {
            Repr::Status { status, .. } => crate::client::retry::is_retryable_status(*status),
            Repr::Transport {
                before_response, ..
            } => *before_response,
            Repr::Timeout { connect, .. } => *connect,
            _ => false,
        }
    }

    /// Whether sending again is safe and may help when the request cannot do its work twice
    /// (a read, or a write with a request id): also after the connection dropped or timed
    /// out once the request was written. Never for TLS failures.
    pub(crate) fn may_retry_idempotent(&self) -> bool {
        match &self.inner.repr {
            Repr::Transport { tls, .. } => !tls,
            Repr::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether this is a timeout (connect, read, or a task wait).
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    fn write_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.call {
            Some(call) => write!(f, "{} {} ({})", call.method, call.path, call.operation),
            None => f.write_str("the request"),
        }
    }

    fn write_request_id(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.request_id() {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.repr {
            Repr::Config(message) => write!(f, "invalid client configuration: {message}"),
            Repr::Request(message) => {
                self.write_call(f)?;
                write!(f, " could not be sent: {message}")
            }
            Repr::Transport { source, .. } => {
                self.write_call(f)?;
                write!(f, " could not reach the server")?;
                let attempts = self.attempts();
                if attempts > 1 {
                    write!(f, " after {attempts} attempts")?;
                }
                write!(f, ": {}", chain(source.as_ref()))?;
                f.write_str(" (check the host, port, proxy and TLS settings)")?;
                self.write_request_id(f)
            }
            Repr::Timeout { what, source, .. } => {
                self.write_call(f)?;
                write!(f, " timed out {what}")?;
                if let Some(source) = source {
                    write!(f, ": {}", chain(source.as_ref()))?;
                }
                self.write_request_id(f)
            }
            Repr::Decode {
                type_name,
                path,
                message,
                ..
            } => {
                self.write_call(f)?;
                write!(f, " returned a body that does not decode as {type_name}")?;
                if !path.is_empty() && path != "." {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}")?;
                self.write_request_id(f)
            }
            Repr::Status {
                status,
                body,
                response,
                ..
            } => {
                self.write_call(f)?;
                write!(f, " failed with {status}")?;
                match response.as_deref().and_then(ErrorResponse::summary) {
                    Some(summary) => write!(f, ": {summary}")?,
                    None if body.is_empty() => {}
                    None => write!(f, ": {}", snippet(body))?,
                }
                self.write_request_id(f)
            }
            Repr::Task { summary, .. } => write!(f, "{summary}"),
            Repr::Redirect { reason, .. } => {
                self.write_call(f)?;
                write!(f, " was redirected and not followed: {reason}")?;
                self.write_request_id(f)
            }
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.kind());
        if let Some(call) = &self.inner.call {
            s.field("operation", &call.operation)
                .field("method", &call.method)
                .field("path", &call.path)
                .field("request_id", &call.request_id)
                .field("attempts", &call.attempts);
        }
        s.field("message", &self.to_string()).finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.inner.repr {
            Repr::Transport { source, .. } => Some(source.as_ref()),
            Repr::Timeout {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            Repr::Decode {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

/// Whether a cause is an I/O error of kind `InvalidData`: how the TLS layer reports a
/// certificate it does not trust or a handshake that failed.
fn is_tls_failure(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(cause) = next {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            // `io::Error::source` skips the error it wraps; look at it too.
            if let Some(inner) = io.get_ref() {
                if is_tls_failure(inner) {
                    return true;
                }
            }
        }
        next = cause.source();
    }
    false
}

/// The error and its causes, `outer: inner: root`, without repeating a message that
/// already appears.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        next = cause.source();
    }
    text
}

/// The start of a body that is not an error envelope, on one line.
fn snippet(body: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.len() > MAX {
        line.push_str(" ...");
    }
    line
}

/// A wait that ended because its deadline passed.
pub(crate) fn task_timeout(ext_id: &str, waited: Duration, last: Option<&TaskSummary>) -> Error {
    let mut what = format!(
        "waiting {:.1}s for task {ext_id} to finish",
        waited.as_secs_f64()
    );
    if let Some(status) = last.and_then(|task| task.status.as_deref()) {
        what.push_str(&format!(" (last status {status}"));
        if let Some(progress) = last.and_then(|task| task.progress) {
            what.push_str(&format!(", {progress}%"));
        }
        what.push(')');
    }
    Error::timeout(what, None, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> CallContext {
        CallContext {
            operation: "updateImageById",
            method: Method::PUT,
            path: "/vmm/v4.0/content/images/{extId}",
            request_id: Some("5a1c1f0e-0000-4000-8000-000000000001".into()),
            attempts: 1,
        }
    }

    #[test]
    fn status_error_sentence() {
        let body = br#"{"data":{"error":[{"code":"VMM-30303","message":"The ETag does not match.","severity":"ERROR"}]}}"#;
        let error = Error::http_status(
            StatusCode::PRECONDITION_FAILED,
            Bytes::from_static(body),
            false,
        )
        .with_call(&call());
        assert_eq!(
            error.to_string(),
            "PUT /vmm/v4.0/content/images/{extId} (updateImageById) failed with \
             412 Precondition Failed: VMM-30303: The ETag does not match. \
             (request id 5a1c1f0e-0000-4000-8000-000000000001)"
        );
        assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-30303"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn non_envelope_body_is_shown_briefly() {
        let error = Error::http_status(
            StatusCode::SERVICE_UNAVAILABLE,
            Bytes::from_static(b"<html>\n  upstream down\n</html>"),
            false,
        );
        assert!(error
            .to_string()
            .ends_with(": <html> upstream down </html>"));
        assert!(error.is_retryable());
        assert!(error.error_response().is_none());
    }
}

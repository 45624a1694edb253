//! Waiting for asynchronous tasks.
//!
//! Mutating v4 calls answer with a task reference; the task is read with the prism
//! namespace's `getTaskById`. The task model is the generated one (`ntnx_prism::config::Task`),
//! and so is the method users call (`PrismClient::tasks().wait_for_task(&reference, options)`);
//! this module holds what does not depend on the model: the polling loop, its options, and
//! the summary of a task that errors show.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::error::AppMessage;
use crate::Error;

/// How [`wait`] polls.
///
/// Polls start `initial_interval` apart and grow by half each time up to
/// `max_interval`; the whole wait (polls included) ends after `timeout`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    /// Longest total wait. Default 30 minutes.
    pub timeout: Duration,
    /// First pause between polls. Default 1 s.
    pub initial_interval: Duration,
    /// Longest pause between polls. Default 10 s.
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
        }
    }
}

impl WaitOptions {
    /// Default options with this overall timeout.
    pub fn with_timeout(timeout: Duration) -> WaitOptions {
        WaitOptions {
            timeout,
            ..WaitOptions::default()
        }
    }

    /// Sets the poll intervals.
    pub fn intervals(mut self, initial: Duration, max: Duration) -> WaitOptions {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

/// Where a task is, as its `status` (`prism.v4.config.TaskStatus`) tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskPhase {
    /// Not finished: `QUEUED`, `RUNNING`, `CANCELING`, `SUSPENDED`, a value this SDK does
    /// not know, or no status at all.
    Running,
    /// `SUCCEEDED`.
    Succeeded,
    /// `FAILED`.
    Failed,
    /// `CANCELED`.
    Canceled,
}

impl TaskPhase {
    /// The phase of a task whose `status` is `status`.
    pub fn of_status(status: Option<&str>) -> TaskPhase {
        match status {
            Some("SUCCEEDED") => TaskPhase::Succeeded,
            Some("FAILED") => TaskPhase::Failed,
            Some("CANCELED") => TaskPhase::Canceled,
            _ => TaskPhase::Running,
        }
    }
}

/// What errors say about a task: read from its JSON, whatever the task type is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskSummary {
    /// `extId`.
    pub ext_id: Option<String>,
    /// `operation`, e.g. `CreateImage`.
    pub operation: Option<String>,
    /// `status`, e.g. `FAILED`.
    pub status: Option<String>,
    /// `progressPercentage`.
    pub progress: Option<i64>,
    /// `errorMessages`.
    pub error_messages: Vec<AppMessage>,
    /// `legacyErrorMessage`.
    pub legacy_error_message: Option<String>,
}

impl TaskSummary {
    /// The summary of `task` (any type that encodes as a task object).
    pub fn of<T: Serialize>(task: &T) -> TaskSummary {
        let value = serde_json::to_value(task).unwrap_or(Value::Null);
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        TaskSummary {
            ext_id: text("extId"),
            operation: text("operation"),
            status: text("status"),
            progress: value.get("progressPercentage").and_then(Value::as_i64),
            error_messages: value
                .get("errorMessages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|message| serde_json::from_value(message.clone()).ok())
                .collect(),
            legacy_error_message: text("legacyErrorMessage"),
        }
    }
}

impl fmt::Display for TaskSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.ext_id.as_deref().unwrap_or("(no id)"))?;
        if let Some(operation) = &self.operation {
            write!(f, " ({operation})")?;
        }
        write!(
            f,
            " ended {}",
            self.status.as_deref().unwrap_or("(no status)")
        )?;
        for (i, message) in self.error_messages.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{message}")?;
        }
        if self.error_messages.is_empty() {
            if let Some(legacy) = &self.legacy_error_message {
                write!(f, ": {legacy}")?;
            }
        }
        Ok(())
    }
}

/// The `extId` of a task reference, or an error saying the reference has none.
pub fn reference_ext_id(ext_id: Option<&str>) -> Result<&str, Error> {
    ext_id.ok_or_else(|| {
        Error::missing(
            "TaskReference",
            "extId",
            "the task reference has no extId to wait for",
        )
    })
}

/// Polls task `ext_id` with `fetch` until `status` says it ended. `SUCCEEDED` gives the
/// task; `FAILED` and `CANCELED` give an [`ErrorKind::Task`](crate::ErrorKind::Task) error
/// carrying the task (`error.task::<T>()`) and its messages; running past
/// `options.timeout` gives an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error
/// naming the last status seen. A failed poll ends the wait with its error (each poll
/// already retries what the client retries).
pub async fn wait<T, F, Fut>(
    ext_id: &str,
    options: WaitOptions,
    mut fetch: F,
    status: impl Fn(&T) -> Option<&str>,
) -> Result<T, Error>
where
    T: Serialize + Send + Sync + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let mut last: Option<TaskSummary> = None;
    let mut interval = options.initial_interval;
    let polling = async {
        loop {
            let task = fetch().await?;
            let current = status(&task);
            tracing::debug!(task = ext_id, status = current.unwrap_or(""), "task polled");
            match TaskPhase::of_status(current) {
                TaskPhase::Succeeded => return Ok(task),
                TaskPhase::Failed | TaskPhase::Canceled => return Err(Error::task_failed(task)),
                TaskPhase::Running => {}
            }
            last = Some(TaskSummary::of(&task));
            tokio::time::sleep(interval).await;
            interval = interval.mul_f64(1.5).min(options.max_interval);
        }
    };
    match tokio::time::timeout(options.timeout, polling).await {
        Ok(result) => result,
        Err(_) => Err(crate::error::task_timeout(
            ext_id,
            started.elapsed(),
            last.as_ref(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phases() {
        assert_eq!(
            TaskPhase::of_status(Some("SUCCEEDED")),
            TaskPhase::Succeeded
        );
        assert_eq!(TaskPhase::of_status(Some("FAILED")), TaskPhase::Failed);
        assert_eq!(TaskPhase::of_status(Some("CANCELED")), TaskPhase::Canceled);
        for running in [
            Some("QUEUED"),
            Some("SUSPENDED"),
            Some("PAUSED_BY_ADMIN"),
            None,
        ] {
            assert_eq!(TaskPhase::of_status(running), TaskPhase::Running);
        }
    }

    #[test]
    fn summary_of_a_failed_task() {
        let task = json!({
            "extId": "ZXJnb24=:1",
            "operation": "CreateImage",
            "status": "FAILED",
            "progressPercentage": 40,
            "errorMessages": [{"code": "VMM-20001", "message": "The image URL cannot be reached."}],
            "legacyErrorMessage": "unreachable"
        });
        let summary = TaskSummary::of(&task);
        assert_eq!(summary.progress, Some(40));
        assert_eq!(
            summary.to_string(),
            "task ZXJnb24=:1 (CreateImage) ended FAILED: VMM-20001: The image URL cannot be reached."
        );
        let bare = TaskSummary::of(&json!({"status": "CANCELED", "legacyErrorMessage": "stopped"}));
        assert_eq!(bare.to_string(), "task (no id) ended CANCELED: stopped");
    }
}

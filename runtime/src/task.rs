//! Asynchronous tasks: the hand-written [`Task`] model and [`Client::wait_for_task`].
//!
//! Mutating v4 calls answer with a task reference; the task is read with
//! `GET /api/prism/v4.0/config/tasks/{extId}`. The Prism spec is not generated yet, so
//! [`Task`] is written by hand after `prism.v4.config.Task`, keeping every key it does
//! not declare.

use std::fmt;
use std::time::{Duration, Instant};

use http::Method;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::client::{Client, Operation, Request};
use crate::error::{task_timeout, AppMessage};
use crate::{DateTime, Error, Extras};

/// `getTaskById` of the Prism namespace.
pub static GET_TASK: Operation = Operation {
    id: "getTaskById",
    method: Method::GET,
    path: "/prism/v4.0/config/tasks/{extId}",
};

/// `prism.v4.config.Task`: an asynchronous operation and how it is going.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task's id, e.g. `ZXJnb24=:4f6c...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_id: Option<String>,
    /// The operation, e.g. `CreateImage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// A description of the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_description: Option<String>,
    /// Where the task is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    /// Progress, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_percentage: Option<i64>,
    /// When the task was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<DateTime>,
    /// When the task started running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_time: Option<DateTime>,
    /// When the task ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_time: Option<DateTime>,
    /// When the task last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_time: Option<DateTime>,
    /// The entities the task works on (and creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities_affected: Option<Vec<EntityReference>>,
    /// Results of a finished task, as name/value pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_details: Option<Vec<KvPair>>,
    /// Why a task failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_messages: Option<Vec<AppMessage>>,
    /// Error text of older services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_error_message: Option<String>,
    /// Whether the task can still be canceled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_cancelable: Option<bool>,
    /// The clusters the task runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_ext_ids: Option<Vec<String>>,
    /// `$objectType`, `$reserved` and the keys not declared here (sub-tasks, owner,
    /// warnings, ...).
    #[serde(flatten)]
    pub extras: Extras,
}

impl Task {
    /// Whether the task has ended (`SUCCEEDED`, `FAILED` or `CANCELED`).
    pub fn is_finished(&self) -> bool {
        self.status.as_ref().is_some_and(TaskStatus::is_terminal)
    }

    /// The `errorMessages`, empty if there are none.
    pub fn error_messages(&self) -> &[AppMessage] {
        self.error_messages.as_deref().unwrap_or(&[])
    }

    /// The `entitiesAffected`, empty if there are none.
    pub fn entities_affected(&self) -> &[EntityReference] {
        self.entities_affected.as_deref().unwrap_or(&[])
    }

    /// The `completionDetails`, empty if there are none.
    pub fn completion_details(&self) -> &[KvPair] {
        self.completion_details.as_deref().unwrap_or(&[])
    }

    /// The extId of the affected entity with relation `rel` (e.g. `vmm:content:image`):
    /// how to find what a create task created.
    pub fn entity_ext_id(&self, rel: &str) -> Option<&str> {
        self.entities_affected()
            .iter()
            .find(|entity| entity.rel.as_deref() == Some(rel))
            .and_then(|entity| entity.ext_id.as_deref())
    }

    /// The value of completion detail `name`.
    pub fn completion_detail(&self, name: &str) -> Option<&Value> {
        self.completion_details()
            .iter()
            .find(|pair| pair.name.as_deref() == Some(name))
            .and_then(|pair| pair.value.as_ref())
    }
}

/// `prism.v4.config.TaskStatus`; values this SDK does not know are kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// Waiting to run.
    Queued,
    /// Running.
    Running,
    /// Being canceled.
    Canceling,
    /// Ended successfully.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Ended because it was canceled.
    Canceled,
    /// Paused; it may run again.
    Suspended,
    /// Any other value, as sent.
    Unrecognized(String),
}

impl TaskStatus {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Queued => "QUEUED",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Canceling => "CANCELING",
            TaskStatus::Succeeded => "SUCCEEDED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Canceled => "CANCELED",
            TaskStatus::Suspended => "SUSPENDED",
            TaskStatus::Unrecognized(other) => other,
        }
    }

    /// Whether the task has ended: `SUCCEEDED`, `FAILED` or `CANCELED`.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Canceled
        )
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for TaskStatus {
    fn from(value: &str) -> Self {
        match value {
            "QUEUED" => TaskStatus::Queued,
            "RUNNING" => TaskStatus::Running,
            "CANCELING" => TaskStatus::Canceling,
            "SUCCEEDED" => TaskStatus::Succeeded,
            "FAILED" => TaskStatus::Failed,
            "CANCELED" => TaskStatus::Canceled,
            "SUSPENDED" => TaskStatus::Suspended,
            other => TaskStatus::Unrecognized(other.to_owned()),
        }
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::decode_enum(deserializer)
    }
}

/// `prism.v4.config.EntityReference`: an entity a task works on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityReference {
    /// The entity's extId.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_id: Option<String>,
    /// Its type, e.g. `vmm:content:image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

/// `common.v1.0.config.KVPair`: a name and a value of any JSON shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KvPair {
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value (string, number, boolean, list or map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

/// `prism.v4.config.TaskReference`: what a mutating call answers with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskReference {
    /// The task's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_id: Option<String>,
    /// `$objectType`, `$reserved` and undeclared keys.
    #[serde(flatten)]
    pub extras: Extras,
}

/// How [`Client::wait_for_task`] polls.
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

impl Client {
    /// Reads a task once.
    pub async fn get_task(&self, task_ext_id: &str) -> Result<Task, Error> {
        let request = Request::new(&GET_TASK).path_param("extId", task_ext_id);
        self.send_envelope::<Task, Value>(request)
            .await?
            .into_data()
    }

    /// Polls the task until it ends. `SUCCEEDED` gives the task; `FAILED` and
    /// `CANCELED` give an [`ErrorKind::Task`](crate::ErrorKind::Task) error carrying the
    /// task and its messages; running past `options.timeout` gives an
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error.
    pub async fn wait_for_task(
        &self,
        task_ext_id: &str,
        options: WaitOptions,
    ) -> Result<Task, Error> {
        let started = Instant::now();
        let mut last: Option<Task> = None;
        let mut interval = options.initial_interval;
        let polling = async {
            loop {
                let task = self.get_task(task_ext_id).await?;
                tracing::debug!(
                    task = task_ext_id,
                    status = task.status.as_ref().map_or("", TaskStatus::as_str),
                    progress = task.progress_percentage.unwrap_or(0),
                    "task polled"
                );
                match &task.status {
                    Some(TaskStatus::Succeeded) => return Ok(task),
                    Some(TaskStatus::Failed | TaskStatus::Canceled) => {
                        return Err(Error::task_failed(task))
                    }
                    _ => {}
                }
                last = Some(task);
                tokio::time::sleep(interval).await;
                interval = interval.mul_f64(1.5).min(options.max_interval);
            }
        };
        let outcome = tokio::time::timeout(options.timeout, polling).await;
        match outcome {
            Ok(result) => result,
            Err(_) => Err(task_timeout(task_ext_id, started.elapsed(), last.as_ref())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_round_trip_and_lookup() {
        let value = json!({
            "extId": "ZXJnb24=:8d4e6b0c-5a3f-4f1e-9c1d-2b7a9e0f1a2b",
            "operation": "CreateImage",
            "status": "SUCCEEDED",
            "progressPercentage": 100,
            "createdTime": "2024-05-01T10:00:00.123Z",
            "entitiesAffected": [
                {"extId": "c0ffee00-0000-4000-8000-000000000001", "rel": "vmm:content:image", "name": "ubuntu"},
                {"extId": "c0ffee00-0000-4000-8000-000000000002", "rel": "clustermgmt:config:cluster"}
            ],
            "completionDetails": [{"name": "imageExtId", "value": "c0ffee00-0000-4000-8000-000000000001"}],
            "subTasks": [{"extId": "ZXJnb24=:1"}],
            "$objectType": "prism.v4.config.Task",
            "$reserved": {"$fv": "v4.r0"}
        });
        let task: Task = serde_json::from_value(value.clone()).unwrap();
        assert!(task.is_finished());
        assert_eq!(
            task.entity_ext_id("vmm:content:image"),
            Some("c0ffee00-0000-4000-8000-000000000001")
        );
        assert_eq!(task.entity_ext_id("vmm:ahv:config:vm"), None);
        assert!(task.completion_detail("imageExtId").is_some());
        assert_eq!(serde_json::to_value(&task).unwrap(), value);
    }

    #[test]
    fn unknown_status_is_kept() {
        let task: Task = serde_json::from_value(json!({"status": "PAUSED_BY_ADMIN"})).unwrap();
        assert_eq!(
            task.status,
            Some(TaskStatus::Unrecognized("PAUSED_BY_ADMIN".into()))
        );
        assert!(!task.is_finished());
    }
}

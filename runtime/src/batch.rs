//! The Prism batch API: many calls of one kind in one request.
//!
//! [`Batch`] builds the body of `POST /api/prism/v4.0/operations/$actions/batch`
//! (`prism.v4.operations.BatchSpec`). It follows the published `prism.v4` BatchSpec shape
//! and is written by hand until the Prism spec is generated:
//!
//! ```json
//! {
//!   "metadata": {"action": "MODIFY", "name": "...", "uri": "/api/vmm/v4.0/ahv/config/vms/{extId}",
//!                "shouldStopOnError": true, "chunkSize": 20,
//!                "$objectType": "prism.v4.operations.BatchSpecMetadata"},
//!   "payload": [{"data": {...},
//!                "metadata": {"headers": [{"name": "If-Match", "value": "..."}],
//!                             "path": [{"name": "extId", "value": "..."}],
//!                             "$objectType": "prism.v4.operations.BatchSpecPayloadMetadata"},
//!                "$objectType": "prism.v4.operations.BatchSpecPayload"}],
//!   "$objectType": "prism.v4.operations.BatchSpec"
//! }
//! ```

use http::Method;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::client::{Client, Operation, Request};
use crate::task::TaskReference;
use crate::Error;

/// The most items one batch may hold.
pub const MAX_BATCH_ITEMS: usize = 500;

/// `submitBatch` of the Prism namespace.
pub static SUBMIT_BATCH: Operation = Operation {
    id: "submitBatch",
    method: Method::POST,
    path: "/prism/v4.0/operations/$actions/batch",
};

/// What every item of a batch does (`prism.v4.operations.ActionType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BatchAction {
    /// `POST` to the collection.
    Create,
    /// `PUT` to the entity.
    Modify,
    /// `POST` to an `$actions/...` path.
    Action,
    /// `DELETE` of the entity.
    Delete,
}

impl BatchAction {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchAction::Create => "CREATE",
            BatchAction::Modify => "MODIFY",
            BatchAction::Action => "ACTION",
            BatchAction::Delete => "DELETE",
        }
    }
}

/// One item of a batch: a body and its per-item headers and path parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchItem {
    data: Option<Value>,
    headers: Vec<(String, String)>,
    path: Vec<(String, String)>,
}

impl BatchItem {
    /// An item whose body is `data` (any generated model).
    pub fn new<T: Serialize + ?Sized>(data: &T) -> Result<BatchItem, Error> {
        let value = serde_json::to_value(data).map_err(|e| {
            Error::request(format!(
                "a batch item ({}) does not serialize as JSON: {e}",
                std::any::type_name::<T>()
            ))
        })?;
        Ok(BatchItem {
            data: Some(value),
            ..BatchItem::default()
        })
    }

    /// An item without a body (deletes).
    pub fn without_data() -> BatchItem {
        BatchItem::default()
    }

    /// Sends `If-Match: etag` with this item.
    pub fn if_match(self, etag: impl Into<String>) -> BatchItem {
        self.header("If-Match", etag)
    }

    /// Sends a header with this item.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> BatchItem {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Fills the path parameter `{name}` of the batch's URI for this item.
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> BatchItem {
        self.path.push((name.into(), value.into()));
        self
    }

    fn to_json(&self) -> Value {
        let pairs = |list: &[(String, String)]| -> Value {
            list.iter()
                .map(|(name, value)| json!({"name": name, "value": value}))
                .collect()
        };
        let mut metadata = Map::new();
        if !self.headers.is_empty() {
            metadata.insert("headers".into(), pairs(&self.headers));
        }
        if !self.path.is_empty() {
            metadata.insert("path".into(), pairs(&self.path));
        }
        metadata.insert(
            "$objectType".into(),
            "prism.v4.operations.BatchSpecPayloadMetadata".into(),
        );
        let mut item = Map::new();
        if let Some(data) = &self.data {
            item.insert("data".into(), data.clone());
        }
        item.insert("metadata".into(), Value::Object(metadata));
        item.insert(
            "$objectType".into(),
            "prism.v4.operations.BatchSpecPayload".into(),
        );
        Value::Object(item)
    }
}

/// A batch (`prism.v4.operations.BatchSpec`): one action on one URI, many items.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    action: BatchAction,
    name: String,
    uri: String,
    should_stop_on_error: Option<bool>,
    chunk_size: Option<u32>,
    items: Vec<BatchItem>,
}

impl Batch {
    /// A batch named `name` doing `action` on `uri` (`/api/vmm/v4.0/ahv/config/vms`, with
    /// `{extId}`-style parameters each item fills).
    pub fn new(action: BatchAction, name: impl Into<String>, uri: impl Into<String>) -> Batch {
        Batch {
            action,
            name: name.into(),
            uri: uri.into(),
            should_stop_on_error: None,
            chunk_size: None,
            items: Vec::new(),
        }
    }

    /// Whether the server stops at the first failed item.
    pub fn should_stop_on_error(mut self, stop: bool) -> Batch {
        self.should_stop_on_error = Some(stop);
        self
    }

    /// How many items the server runs at once.
    pub fn chunk_size(mut self, size: u32) -> Batch {
        self.chunk_size = Some(size);
        self
    }

    /// Adds an item.
    pub fn item(mut self, item: BatchItem) -> Batch {
        self.items.push(item);
        self
    }

    /// Adds an item.
    pub fn push(&mut self, item: BatchItem) {
        self.items.push(item);
    }

    /// The items so far.
    pub fn items(&self) -> &[BatchItem] {
        &self.items
    }

    /// The request body; an error for an empty batch or one of more than
    /// [`MAX_BATCH_ITEMS`] items.
    pub fn to_json(&self) -> Result<Value, Error> {
        if self.items.is_empty() {
            return Err(Error::request(format!(
                "batch `{}` has no items",
                self.name
            )));
        }
        if self.items.len() > MAX_BATCH_ITEMS {
            return Err(Error::request(format!(
                "batch `{}` has {} items; a batch holds at most {MAX_BATCH_ITEMS}: split it",
                self.name,
                self.items.len()
            )));
        }
        let mut metadata = Map::new();
        metadata.insert("action".into(), self.action.as_str().into());
        metadata.insert("name".into(), self.name.clone().into());
        metadata.insert("uri".into(), self.uri.clone().into());
        if let Some(stop) = self.should_stop_on_error {
            metadata.insert("shouldStopOnError".into(), stop.into());
        }
        if let Some(size) = self.chunk_size {
            metadata.insert("chunkSize".into(), size.into());
        }
        metadata.insert(
            "$objectType".into(),
            "prism.v4.operations.BatchSpecMetadata".into(),
        );
        Ok(json!({
            "metadata": Value::Object(metadata),
            "payload": self.items.iter().map(BatchItem::to_json).collect::<Vec<_>>(),
            "$objectType": "prism.v4.operations.BatchSpec",
        }))
    }
}

impl Client {
    /// Submits a batch; returns the extId of the task that runs it (see
    /// [`wait_for_task`](Client::wait_for_task)).
    pub async fn submit_batch(&self, batch: &Batch) -> Result<String, Error> {
        let body = batch.to_json()?;
        let request = Request::new(&SUBMIT_BATCH).json_body(&body)?;
        let response = self.send_envelope::<TaskReference, Value>(request).await?;
        let missing = response.error(
            std::any::type_name::<TaskReference>(),
            "data.extId",
            "the answer has no task extId",
        );
        response.into_data()?.ext_id.ok_or(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let batch = Batch::new(
            BatchAction::Delete,
            "none",
            "/api/vmm/v4.0/ahv/config/vms/{extId}",
        );
        assert!(batch.to_json().is_err());
        let mut batch = batch;
        for i in 0..MAX_BATCH_ITEMS {
            batch.push(BatchItem::without_data().path_param("extId", i.to_string()));
        }
        assert!(batch.to_json().is_ok());
        batch.push(BatchItem::without_data());
        let error = batch.to_json().unwrap_err();
        assert!(error.to_string().contains("501 items"), "{error}");
    }
}

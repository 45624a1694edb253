//! The Prism batch API: many calls of one operation in one request.
//!
//! A [`Batch`] is built from the generated request builders themselves
//! (`vmm.vm().create_vm(vm)`, `vmm.vm().update_vm_by_id(id, vm)` with the ETag it was
//! fetched with...), and turns them into the bodies of prism's `submitBatch`, decoded into
//! the generated `BatchSpec` model of the prism crate:
//!
//! ```ignore
//! let mut batch = Batch::new("create-vms").stop_on_error(true);
//! for vm in vms {
//!     batch.push(vmm.vm().create_vm(vm))?;
//! }
//! for spec in batch.specs::<ntnx_prism::operations::BatchSpec>()? {
//!     let task = prism.batches().submit_batch(spec).send().await?.into_data()?;
//!     prism.tasks().wait_for_task(&task, WaitOptions::default()).await?;
//! }
//! ```
//!
//! What this module knows is how a request maps onto a batch item on the wire, which the
//! spec does not describe: the batch's `uri` is the operation's path template under `/api`,
//! its `action` follows from the method (`POST` creates, `POST .../$actions/...` is an action,
//! `PUT`/`PATCH` modify, `DELETE` deletes); each item carries the request's JSON body as
//! `data`, its path parameters as `metadata.path` and its headers (`If-Match` among them) as
//! `metadata.headers`. The bodies are decoded as values built in code, so each object writes
//! its own `$objectType` as the official SDKs send it. All items of a batch are calls of one operation; a batch holds at most
//! [`MAX_BATCH_ITEMS`], and [`Batch::specs`] splits longer ones.

use http::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::client::{IntoRequest, Operation, Request};
use crate::Error;

/// The most items one `submitBatch` may hold (`BatchSpec.payload` has `maxItems: 500`).
pub const MAX_BATCH_ITEMS: usize = 500;

/// Headers that describe the HTTP exchange, not the item: never copied into an item.
const EXCHANGE_HEADERS: [&str; 4] = ["accept", "content-type", "ntnx-request-id", "user-agent"];

/// What every item of a batch does (`prism.v4.operations.ActionType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BatchAction {
    /// `POST` to the collection.
    Create,
    /// `PUT` (or `PATCH`) to the entity.
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

    /// The action of calling `operation` in a batch; `None` for a method batches cannot
    /// carry (`GET`).
    pub fn of(operation: &Operation) -> Option<BatchAction> {
        match operation.method {
            Method::POST if operation.path.contains("/$actions/") => Some(BatchAction::Action),
            Method::POST => Some(BatchAction::Create),
            Method::PUT | Method::PATCH => Some(BatchAction::Modify),
            Method::DELETE => Some(BatchAction::Delete),
            _ => None,
        }
    }
}

/// Calls of one operation to submit together.
#[derive(Clone, Debug)]
pub struct Batch {
    name: String,
    stop_on_error: Option<bool>,
    chunk_size: Option<u32>,
    requests: Vec<Request>,
}

impl Batch {
    /// An empty batch named `name` (the name the batch is listed under).
    pub fn new(name: impl Into<String>) -> Batch {
        Batch {
            name: name.into(),
            stop_on_error: None,
            chunk_size: None,
            requests: Vec::new(),
        }
    }

    /// Whether the server stops at the first failed item (`shouldStopOnError`).
    pub fn stop_on_error(mut self, stop: bool) -> Batch {
        self.stop_on_error = Some(stop);
        self
    }

    /// How many items the server runs at once (`chunkSize`).
    pub fn chunk_size(mut self, size: u32) -> Batch {
        self.chunk_size = Some(size);
        self
    }

    /// Adds a call (a generated request builder, or a [`Request`]). It must be a call of
    /// the same operation as the others, with a JSON body if any, and no query parameters
    /// (a batch item has none).
    pub fn push(&mut self, request: impl IntoRequest) -> Result<(), Error> {
        let request = request.into_request()?;
        let operation = request.operation();
        if BatchAction::of(operation).is_none() {
            return Err(Error::request(format!(
                "{} ({} {}) cannot be part of a batch: only creates, updates, actions and \
                 deletes can",
                operation.id, operation.method, operation.path
            )));
        }
        if let Some(first) = self.requests.first() {
            if first.operation() != operation {
                return Err(Error::request(format!(
                    "batch `{}` holds calls of {}; {} cannot join it (a batch is calls of one \
                     operation)",
                    self.name,
                    first.operation().id,
                    operation.id
                )));
            }
        }
        if let Some((name, _)) = request.query_pairs().first() {
            return Err(Error::request(format!(
                "{} has query parameter `{name}`, which a batch item cannot carry",
                operation.id
            )));
        }
        self.requests.push(request);
        Ok(())
    }

    /// Adds a call (see [`push`](Self::push)).
    pub fn with(mut self, request: impl IntoRequest) -> Result<Batch, Error> {
        self.push(request)?;
        Ok(self)
    }

    /// How many calls the batch holds.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether the batch holds no call.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The `submitBatch` body, decoded into `T` (the generated `BatchSpec`); an error when
    /// the batch is empty or holds more than [`MAX_BATCH_ITEMS`] calls.
    pub fn spec<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.requests.len() > MAX_BATCH_ITEMS {
            return Err(Error::request(format!(
                "batch `{}` has {} items; a batch holds at most {MAX_BATCH_ITEMS}: use \
                 `specs()`, which splits it",
                self.name,
                self.requests.len()
            )));
        }
        self.specs()?
            .pop()
            .ok_or_else(|| Error::request(format!("batch `{}` has no items", self.name)))
    }

    /// The `submitBatch` bodies, one per [`MAX_BATCH_ITEMS`] calls, in order, decoded into
    /// `T` (the generated `BatchSpec`); an error for an empty batch.
    pub fn specs<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        if self.requests.is_empty() {
            return Err(Error::request(format!(
                "batch `{}` has no items",
                self.name
            )));
        }
        let items: Vec<Value> = self
            .requests
            .iter()
            .map(item_json)
            .collect::<Result<_, _>>()?;
        let chunks = items.chunks(MAX_BATCH_ITEMS);
        let count = chunks.len();
        chunks
            .enumerate()
            .map(|(i, payload)| {
                let name = if count == 1 {
                    self.name.clone()
                } else {
                    format!("{} ({}/{count})", self.name, i + 1)
                };
                let value = json!({
                    "metadata": self.metadata_json(&name),
                    "payload": payload,
                });
                crate::model::from_built_json(value).map_err(|e| {
                    let path = e.path().to_string();
                    Error::decode(std::any::type_name::<T>(), path, e.into_inner())
                })
            })
            .collect()
    }

    fn metadata_json(&self, name: &str) -> Value {
        let operation = self.requests[0].operation();
        let action = BatchAction::of(operation).map_or("ACTION", BatchAction::as_str);
        let mut metadata = Map::new();
        metadata.insert("action".into(), action.into());
        metadata.insert("name".into(), name.into());
        metadata.insert("uri".into(), format!("/api{}", operation.path).into());
        if let Some(stop) = self.stop_on_error {
            metadata.insert("shouldStopOnError".into(), stop.into());
        }
        if let Some(size) = self.chunk_size {
            metadata.insert("chunkSize".into(), size.into());
        }
        Value::Object(metadata)
    }
}

/// One item: `data` (the JSON body), and `metadata` with its headers and path parameters.
fn item_json(request: &Request) -> Result<Value, Error> {
    let pairs = |list: Vec<(String, String)>| -> Value {
        list.into_iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect()
    };
    let mut headers: Vec<(String, String)> = request
        .header_pairs()
        .into_iter()
        .filter(|(name, _)| !EXCHANGE_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
        .collect();
    if let Some(etag) = request.if_match_value() {
        headers.insert(0, ("If-Match".to_owned(), etag.to_owned()));
    }
    let mut metadata = Map::new();
    if !headers.is_empty() {
        metadata.insert("headers".into(), pairs(headers));
    }
    let path = request.path_pairs();
    if !path.is_empty() {
        metadata.insert("path".into(), pairs(path));
    }
    let mut item = Map::new();
    if let Some(data) = request.json_body_value()? {
        item.insert("data".into(), data);
    }
    item.insert("metadata".into(), Value::Object(metadata));
    Ok(Value::Object(item))
}

//! What a call returns: [`Response`], [`ApiResponse`] (the `{data, metadata}` envelope)
//! and [`ByteStream`] (a download).

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use http::{HeaderMap, StatusCode};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::redact;
use super::request::Operation;
use crate::model::Key;
use crate::{Error, Extras, Model};

/// Header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "NTNX-Request-Id";

/// Status, headers and request id of an answer.
#[derive(Clone)]
pub(crate) struct ResponseInfo {
    pub(crate) operation: &'static Operation,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: Option<String>,
    /// The attempt that got this answer (1 for the first).
    pub(crate) attempts: u32,
}

impl ResponseInfo {
    /// `sent` is the request id sent, used when the server does not echo one; `attempts`
    /// counts the sends that led to this answer.
    pub(crate) fn new(
        operation: &'static Operation,
        status: StatusCode,
        headers: HeaderMap,
        sent: Option<String>,
        attempts: u32,
    ) -> ResponseInfo {
        let echoed = headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        ResponseInfo {
            operation,
            status,
            request_id: echoed.or(sent),
            headers,
            attempts,
        }
    }

    /// The call this answers, for errors found after the call returned.
    pub(crate) fn call(&self) -> crate::error::CallContext {
        crate::error::CallContext {
            attempts: self.attempts,
            ..crate::error::CallContext::new(self.operation, self.request_id.clone())
        }
    }

    fn etag(&self) -> Option<&str> {
        ["etag", "x-ntnx-etag"]
            .iter()
            .find_map(|name| self.headers.get(*name)?.to_str().ok())
    }
}

impl fmt::Debug for ResponseInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseInfo")
            .field("operation", &self.operation.id)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("headers", &redact::Headers::of(&self.headers))
            .finish()
    }
}

macro_rules! http_accessors {
    () => {
        /// The HTTP status.
        pub fn status(&self) -> StatusCode {
            self.info.status
        }

        /// The response headers.
        pub fn headers(&self) -> &HeaderMap {
            &self.info.headers
        }

        /// The value of the response header `name` (any case), if present and text.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.info.headers.get(name)?.to_str().ok()
        }

        /// The `NTNX-Request-Id` the server echoed, else the one sent.
        pub fn request_id(&self) -> Option<&str> {
            self.info.request_id.as_deref()
        }

        /// The `ETag` header (or `X-Ntnx-Etag`): what to send as `If-Match` on update.
        pub fn etag(&self) -> Option<&str> {
            self.info.etag()
        }

        /// The operation that was called.
        pub fn operation(&self) -> &'static Operation {
            self.info.operation
        }
    };
}

/// A successful answer whose body is `T` (a decoded value, a stream, or `()`).
pub struct Response<T> {
    /// The body.
    pub body: T,
    info: ResponseInfo,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, info: ResponseInfo) -> Response<T> {
        Response { body, info }
    }

    http_accessors!();

    /// The body, dropping the HTTP details.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Applies `f` to the body, keeping the HTTP details.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            info: self.info,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("body", &self.body)
            .field("info", &self.info)
            .finish()
    }
}

/// A successful answer in the standard envelope `{"data": D, "metadata": M}`.
///
/// Pagination facts (`totalAvailableResults`, `flags`, `links`) are read from the
/// metadata JSON by the runtime itself, whatever `M` is.
pub struct ApiResponse<D, M> {
    /// The payload (`None` when the body had no `data` or `data: null`).
    pub data: Option<D>,
    /// The metadata, decoded into the generated type.
    pub metadata: Option<M>,
    /// The envelope's `$objectType`, `$reserved` and unknown keys.
    pub extras: Extras,
    info: ResponseInfo,
    meta: PageFacts,
}

/// What the runtime reads from `metadata` for itself.
#[derive(Clone, Debug, Default)]
struct PageFacts {
    total: Option<u64>,
    flags: Vec<(String, bool)>,
    links: Vec<(String, String)>,
}

impl PageFacts {
    fn read(metadata: &Value) -> PageFacts {
        let total = metadata
            .get("totalAvailableResults")
            .and_then(Value::as_u64);
        let pairs = |key: &str, a: &str, b: &str| -> Vec<(Value, Value)> {
            metadata
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| {
                            let get = |k: &str| item.get(k).cloned().unwrap_or(Value::Null);
                            (get(a), get(b))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let flags = pairs("flags", "name", "value")
            .into_iter()
            .filter_map(|(name, value)| Some((name.as_str()?.to_owned(), value.as_bool()?)))
            .collect();
        let links = pairs("links", "rel", "href")
            .into_iter()
            .filter_map(|(rel, href)| Some((rel.as_str()?.to_owned(), href.as_str()?.to_owned())))
            .collect();
        PageFacts {
            total,
            flags,
            links,
        }
    }
}

impl<D, M> ApiResponse<D, M> {
    http_accessors!();

    /// The payload, or an error naming the operation when the body had none.
    pub fn into_data(self) -> Result<D, Error> {
        match self.data {
            Some(data) => Ok(data),
            None => Err(Error::missing(
                std::any::type_name::<D>(),
                "data",
                &format!("the {} answer has no `data`", self.info.status),
            )
            .with_call(&self.info.call())),
        }
    }

    /// `metadata.totalAvailableResults`.
    pub fn total_available_results(&self) -> Option<u64> {
        self.meta.total
    }

    /// The value of the metadata flag `name` (e.g. `isPaginated`, `hasError`).
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.meta
            .flags
            .iter()
            .find(|(flag, _)| flag == name)
            .map(|(_, value)| *value)
    }

    /// The `isPaginated` flag (false when absent).
    pub fn is_paginated(&self) -> bool {
        self.flag("isPaginated").unwrap_or(false)
    }

    /// The `isTruncated` flag (false when absent).
    pub fn is_truncated(&self) -> bool {
        self.flag("isTruncated").unwrap_or(false)
    }

    /// The `hasError` flag (false when absent).
    pub fn has_error(&self) -> bool {
        self.flag("hasError").unwrap_or(false)
    }

    /// The `href` of the metadata link with relation `rel` (`self`, `next`, `prev`,
    /// `first`, `last`).
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.meta
            .links
            .iter()
            .find(|(r, _)| r == rel)
            .map(|(_, href)| href.as_str())
    }

    /// Whether the metadata listed any link at all.
    pub fn has_links(&self) -> bool {
        !self.meta.links.is_empty()
    }

    /// Copies the response's ETag into the entity, so `data.etag()` gives it to a later
    /// update. Generated code calls it for single-entity responses.
    pub fn attach_etag(&mut self)
    where
        D: Model,
    {
        if let (Some(etag), Some(data)) = (self.info.etag().map(str::to_owned), &mut self.data) {
            data.extras_mut().set_etag(etag);
        }
    }

    /// Applies `f` to the payload, keeping everything else.
    pub fn map_data<E>(self, f: impl FnOnce(D) -> E) -> ApiResponse<E, M> {
        ApiResponse {
            data: self.data.map(f),
            metadata: self.metadata,
            extras: self.extras,
            info: self.info,
            meta: self.meta,
        }
    }
}

impl<D: fmt::Debug, M: fmt::Debug> fmt::Debug for ApiResponse<D, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiResponse")
            .field("data", &self.data)
            .field("metadata", &self.metadata)
            .field("extras", &self.extras)
            .field("info", &self.info)
            .finish()
    }
}

/// The envelope as it is read: `data` straight into `D`, `metadata` kept as JSON.
struct Envelope<D> {
    data: Option<D>,
    metadata: Option<Value>,
    extras: Extras,
}

impl<'de, D: Deserialize<'de>> Deserialize<'de> for Envelope<D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        struct EnvelopeVisitor<D>(PhantomData<fn() -> D>);

        impl<'de, D: Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<D> {
            type Value = Envelope<D>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with `data` and `metadata`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<D>, A::Error> {
                let mut envelope = Envelope {
                    data: None,
                    metadata: None,
                    extras: Extras::decoding(),
                };
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "data" => envelope.data = map.next_value()?,
                        "metadata" => envelope.metadata = map.next_value()?,
                        _ => envelope.extras.decode_entry(key, &mut map, None, None)?,
                    }
                }
                Ok(envelope)
            }
        }

        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

/// Decodes `body` whole into `T`, naming the type and JSON path on failure.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    decode_bytes::<T>(body, std::any::type_name::<T>())
}

/// Decodes `body`; on failure, decodes it again tracking the JSON path to name where it
/// failed. Tracking the path costs about a third of the decode time, so it is paid only
/// when there is an error to report.
fn decode_bytes<T: DeserializeOwned>(body: &[u8], type_name: &'static str) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|fast| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(e) => Error::decode(type_name, e.path().to_string(), e.into_inner()),
            // Decodes with tracking, so the fast pass failed after the value (trailing
            // characters): report its error as is.
            Ok(_) => Error::decode(type_name, String::new(), fast),
        }
    })
}

/// Decodes an envelope body.
pub(crate) fn decode_envelope<D: DeserializeOwned, M: DeserializeOwned>(
    body: &[u8],
    info: ResponseInfo,
) -> Result<ApiResponse<D, M>, Error> {
    let envelope: Envelope<D> = decode_bytes(body, std::any::type_name::<D>())?;
    let (metadata, meta) = match envelope.metadata {
        Some(Value::Null) | None => (None, PageFacts::default()),
        Some(value) => {
            let meta = PageFacts::read(&value);
            let metadata = M::deserialize(&value).map_err(|fast| {
                match serde_path_to_error::deserialize::<_, M>(&value) {
                    Err(e) => Error::decode(
                        std::any::type_name::<M>(),
                        format!("metadata.{}", e.path()),
                        e.into_inner(),
                    ),
                    Ok(_) => Error::decode(std::any::type_name::<M>(), "metadata".to_owned(), fast),
                }
            })?;
            (Some(metadata), meta)
        }
    };
    Ok(ApiResponse {
        data: envelope.data,
        metadata,
        extras: envelope.extras,
        info,
        meta,
    })
}

/// A response body delivered chunk by chunk as it arrives, never buffered whole.
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl ByteStream {
    /// Wraps a stream of chunks.
    pub fn new(stream: impl Stream<Item = Result<Bytes, Error>> + Send + 'static) -> ByteStream {
        ByteStream {
            inner: Box::pin(stream),
        }
    }

    /// Reads the rest of the stream into memory (for small bodies only).
    pub async fn collect_bytes(mut self) -> Result<Bytes, Error> {
        use futures::StreamExt as _;
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = self.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    static LIST: Operation = Operation::new("listImages", Method::GET, "/vmm/v4.0/content/images");

    fn info() -> ResponseInfo {
        let mut headers = HeaderMap::new();
        headers.insert("x-ntnx-etag", "W/\"abc\"".parse().unwrap());
        ResponseInfo::new(&LIST, StatusCode::OK, headers, Some("rid".into()), 1)
    }

    #[test]
    fn envelope_with_metadata_facts() {
        let body = br#"{
            "data": [{"name": "a"}, {"name": "b"}],
            "metadata": {
                "flags": [{"name": "hasError", "value": false}, {"name": "isPaginated", "value": true}],
                "links": [{"href": "https://pc:9440/api/x?$page=1", "rel": "next"}],
                "totalAvailableResults": 7
            },
            "$objectType": "vmm.v4.content.ListImagesApiResponse",
            "$reserved": {"$fv": "v4.r0"}
        }"#;
        let response: ApiResponse<Vec<Value>, Value> = decode_envelope(body, info()).unwrap();
        assert_eq!(response.data.as_ref().unwrap().len(), 2);
        assert_eq!(response.total_available_results(), Some(7));
        assert!(response.is_paginated() && !response.has_error() && !response.is_truncated());
        assert_eq!(response.link("next"), Some("https://pc:9440/api/x?$page=1"));
        assert_eq!(response.link("prev"), None);
        assert_eq!(response.etag(), Some("W/\"abc\""));
        assert_eq!(
            response.extras.written_object_type(None),
            Some("vmm.v4.content.ListImagesApiResponse")
        );
    }

    #[test]
    fn decode_error_names_type_and_path() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Image {
            name: String,
        }
        let body = br#"{"data": [{"name": "a"}, {"name": 5}]}"#;
        let error = decode_envelope::<Vec<Image>, Value>(body, info()).unwrap_err();
        let (type_name, path) = error.decode_location().unwrap();
        assert!(type_name.contains("Image"), "{type_name}");
        assert_eq!(path, "data[1].name");
        let error = decode_envelope::<Vec<Image>, Value>(b"{}", info())
            .unwrap()
            .into_data()
            .unwrap_err();
        assert!(error.to_string().contains("listImages"), "{error}");
    }
}

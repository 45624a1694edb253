//! Paging through list operations until the end.

use futures::{StreamExt as _, TryStreamExt as _};
use ntnx_runtime::client::{ApiResponse, Request};
use ntnx_runtime::{paginate, Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::common::*;

/// Serves `total` images in pages; what metadata it writes depends on the flags.
struct Catalog {
    total: usize,
    with_total: bool,
    /// Writes a `next` link on every page but the last.
    with_next_links: bool,
    /// Writes a `next` link on every page, even the last (a server that cannot tell).
    always_next: bool,
    fail_page: Option<usize>,
}

impl Respond for Catalog {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (page, limit) = (query("$page").unwrap_or(0), query("$limit").unwrap_or(50));
        if Some(page) == self.fail_page {
            return ResponseTemplate::new(500);
        }
        let start = (page * limit).min(self.total);
        let end = (start + limit).min(self.total);
        let items: Vec<Value> = (start..end)
            .map(|i| json!({"extId": format!("img-{i}"), "name": format!("image-{i:03}")}))
            .collect();
        let mut links = vec![
            json!({"href": format!("/api/vmm/v4.0/content/images?$page={page}"), "rel": "self"}),
        ];
        if self.always_next || (self.with_next_links && end < self.total) {
            links.push(json!({"href": format!("/api/vmm/v4.0/content/images?$page={}", page + 1), "rel": "next"}));
        }
        let mut metadata = json!({
            "flags": [{"name": "hasError", "value": false}, {"name": "isPaginated", "value": true}],
            "links": links,
        });
        if self.with_total {
            metadata["totalAvailableResults"] = json!(self.total);
        }
        ResponseTemplate::new(200).set_body_json(json!({"data": items, "metadata": metadata}))
    }
}

async fn serve(catalog: Catalog) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vmm/v4.0/content/images"))
        .respond_with(catalog)
        .mount(&server)
        .await;
    server
}

type Page = futures::future::BoxFuture<'static, Result<ApiResponse<Vec<Image>, Value>, Error>>;

fn list(client: &Client) -> impl FnMut(i32, i32) -> Page + Send {
    let client = client.clone();
    move |page, limit| {
        let client = client.clone();
        Box::pin(async move {
            let request = Request::new(&LIST_IMAGES)
                .query("$page", page)
                .query("$limit", limit);
            client.send_envelope(request).await
        })
    }
}

async fn pages_requested(server: &MockServer) -> Vec<String> {
    received(server)
        .await
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn stops_on_short_page() {
    let server = serve(Catalog {
        total: 250,
        with_total: false,
        with_next_links: false,
        always_next: true,
        fail_page: None,
    })
    .await;
    let client = client(&server);
    let items: Vec<Image> = paginate::items(100, list(&client))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 250);
    assert_eq!(items[249].name, "image-249");
    assert_eq!(
        pages_requested(&server).await,
        [
            "$page=0&$limit=100",
            "$page=1&$limit=100",
            "$page=2&$limit=100"
        ]
    );
}

#[tokio::test]
async fn stops_at_total_available_results() {
    // 200 items in full pages of 100, and a next link everywhere: only the total tells.
    let server = serve(Catalog {
        total: 200,
        with_total: true,
        with_next_links: false,
        always_next: true,
        fail_page: None,
    })
    .await;
    let client = client(&server);
    let pages: Vec<_> = paginate::pages(100, list(&client))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].total_available_results(), Some(200));
    assert!(pages[0].is_paginated());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn stops_without_next_link() {
    let server = serve(Catalog {
        total: 6,
        with_total: false,
        with_next_links: true,
        always_next: false,
        fail_page: None,
    })
    .await;
    let client = client(&server);
    let items = paginate::collect_items(3, list(&client)).await.unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(received(&server).await.len(), 2, "page 1 has no next link");
}

#[tokio::test]
async fn error_ends_the_stream() {
    let server = serve(Catalog {
        total: 500,
        with_total: true,
        with_next_links: true,
        always_next: false,
        fail_page: Some(1),
    })
    .await;
    let client = client(&server);
    let results: Vec<_> = paginate::pages(100, list(&client)).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn empty_collection_is_one_empty_page() {
    let server = serve(Catalog {
        total: 0,
        with_total: true,
        with_next_links: true,
        always_next: false,
        fail_page: None,
    })
    .await;
    let client = client(&server);
    let pages: Vec<_> = paginate::pages(100, list(&client))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].data.as_ref().map(Vec::len), Some(0));
}

#[tokio::test]
async fn streams_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let server = MockServer::start().await;
    let client = client(&server);
    // The shape generated code writes: an async block per page.
    let stream = paginate::items(100, move |page, limit| {
        let client = client.clone();
        async move {
            let request = Request::new(&LIST_IMAGES)
                .query("$page", page)
                .query("$limit", limit);
            client.send_envelope::<Vec<Image>, Value>(request).await
        }
    });
    assert_send(&stream);
    let handle = tokio::spawn(async move { stream.collect::<Vec<_>>().await.len() });
    // The empty mock server answers 404: one error, then the end.
    assert_eq!(handle.await.unwrap(), 1);
}

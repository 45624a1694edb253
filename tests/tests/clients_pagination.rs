//! `pages()` and `items()` of generated list operations: the `$page`/`$limit` walk on the
//! wire, where it stops, and errors in the middle of a walk.

use crate::clients_support::*;
use futures::{StreamExt as _, TryStreamExt as _};
use ntnx_vmm::content::Image;
use ntnx_vmm::VmmClient;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGES: &str = "/api/vmm/v4.0/content/images";

fn images(range: std::ops::Range<usize>) -> Vec<serde_json::Value> {
    range
        .map(|i| {
            image(
                &format!("c3f2a4d0-5b7e-4e21-9a4f-{i:012}"),
                &format!("fileserver_{i:03}"),
                1 << 30,
            )
        })
        .collect()
}

/// Serves `total` images in pages of `limit`, answering `$page=p`.
async fn mount_pages(server: &MockServer, total: usize, limit: usize, pages: usize) {
    for page in 0..pages {
        let start = page * limit;
        let end = (start + limit).min(total);
        let body = list_envelope(
            images(start..end),
            list_metadata(total as u64, page as u64, limit as u64),
            "vmm.v4.content.ListImagesApiResponse",
        );
        Mock::given(method("GET"))
            .and(path(IMAGES))
            .and(query_param("$page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn items_walk_three_pages_with_the_api_maximum_limit() {
    let server = MockServer::start().await;
    mount_pages(&server, 250, 100, 3).await;
    // A fourth page must not be asked for.
    Mock::given(method("GET"))
        .and(query_param("$page", "3"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let all: Vec<Image> = VmmClient::new(client(&server.uri()))
        .images()
        .list_images()
        .filter(|image| image.name().startswith("fileserver_"))
        .items()
        .try_collect()
        .await
        .expect("every page succeeds");

    assert_eq!(all.len(), 250);
    for (i, image) in all.iter().enumerate() {
        assert_eq!(image.name, format!("fileserver_{i:03}"));
    }
    let queries: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(query)
        .collect();
    let filter = "$filter=startswith%28name%2C%20%27fileserver_%27%29";
    assert_eq!(
        queries,
        [
            format!("$page=0&$limit=100&{filter}"),
            format!("$page=1&$limit=100&{filter}"),
            format!("$page=2&$limit=100&{filter}"),
        ]
    );
}

#[tokio::test]
async fn pages_use_the_builder_limit_and_stop_after_the_last_full_page() {
    let server = MockServer::start().await;
    mount_pages(&server, 6, 2, 3).await;
    Mock::given(method("GET"))
        .and(query_param("$page", "3"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let pages: Vec<_> = VmmClient::new(client(&server.uri()))
        .images()
        .list_images()
        .limit(2)
        .page(7) // ignored by pages()
        .pages()
        .try_collect()
        .await
        .expect("every page succeeds");

    assert_eq!(pages.len(), 3);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.data.as_ref().map(Vec::len), Some(2));
        assert_eq!(page.total_available_results(), Some(6));
        assert_eq!(page.link("next").is_some(), i < 2);
    }
    let queries: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(query)
        .collect();
    assert_eq!(
        queries,
        ["$page=0&$limit=2", "$page=1&$limit=2", "$page=2&$limit=2"]
    );
}

#[tokio::test]
async fn a_failing_page_ends_the_walk_with_its_error() {
    let server = MockServer::start().await;
    mount_pages(&server, 250, 100, 1).await;
    Mock::given(method("GET"))
        .and(query_param("$page", "1"))
        .respond_with(ResponseTemplate::new(500).set_body_json(app_error_envelope(
            "VMM-10001",
            "Internal error while listing images.",
            "vmm.v4.content.ListImagesApiResponse",
        )))
        .expect(1)
        .mount(&server)
        .await;

    let stream = VmmClient::new(client(&server.uri()))
        .images()
        .list_images()
        .items();
    let results: Vec<Result<Image, ntnx_runtime::Error>> = stream.collect().await;

    assert_eq!(
        results.len(),
        101,
        "100 items, then the error, then nothing"
    );
    assert!(results[..100].iter().all(Result::is_ok));
    let error = results[100].as_ref().expect_err("the second page failed");
    assert_eq!(error.operation(), Some("listImages"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.app_messages()[0].code.as_deref(), Some("VMM-10001"));
}

//! Walking list operations page by page.
//!
//! Generated list methods take `$page` and `$limit`; these functions call such a method
//! for pages 0, 1, 2, ... and stop at the end of the collection:
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! use ntnx_runtime::client::{Operation, Request};
//! use ntnx_runtime::{paginate, Client};
//!
//! static LIST_IMAGES: Operation = Operation::new("listImages", http::Method::GET, "/vmm/v4.0/content/images");
//!
//! # async fn run() -> Result<(), ntnx_runtime::Error> {
//! let client = Client::builder("10.0.0.5").basic_auth("admin", "secret").build()?;
//! let images: Vec<serde_json::Value> = paginate::items(100, move |page, limit| {
//!     let client = client.clone();
//!     async move {
//!         let request = Request::new(&LIST_IMAGES)
//!             .query("$page", page)
//!             .query("$limit", limit);
//!         client.send_envelope::<Vec<serde_json::Value>, serde_json::Value>(request).await
//!     }
//! })
//! .try_collect()
//! .await?;
//! # Ok(()) }
//! ```
//!
//! `page` and `limit` are `i32`, the type of the specs' `$page` and `$limit`
//! (`format: int32`).
//!
//! The end is reached, after a page, when any of these holds:
//! - the page held fewer items than `limit` (or none);
//! - as many items as `metadata.totalAvailableResults` have been seen;
//! - the metadata has links but none with `rel` `next` (a response without any links
//!   says nothing about the end);
//! - the metadata flag `isPaginated` is `false`;
//! - a call failed: the error is the stream's last item.
//!
//! An empty page after the first is not yielded.

use std::future::Future;

use futures::stream::{self, Stream, StreamExt as _, TryStreamExt as _};

use crate::client::ApiResponse;
use crate::Error;

struct State<F> {
    fetch: F,
    next_page: Option<i32>,
    seen: u64,
}

/// The pages of a list operation, fetched one at a time as the stream is polled.
///
/// `fetch(page, limit)` sends the list call for one page. The stream is `Send` when
/// `fetch` and its future are.
pub fn pages<T, M, F, Fut>(
    limit: i32,
    fetch: F,
) -> impl Stream<Item = Result<ApiResponse<Vec<T>, M>, Error>>
where
    F: FnMut(i32, i32) -> Fut,
    Fut: Future<Output = Result<ApiResponse<Vec<T>, M>, Error>>,
{
    let state = State {
        fetch,
        next_page: Some(0),
        seen: 0,
    };
    stream::unfold(state, move |mut state| async move {
        let page = state.next_page.take()?;
        if limit <= 0 {
            let error = Error::request(format!("page size {limit} is not positive"));
            return Some((Err(error), state));
        }
        let response = match (state.fetch)(page, limit).await {
            Ok(response) => response,
            Err(error) => return Some((Err(error), state)),
        };
        let count = response.data.as_ref().map_or(0, Vec::len);
        state.seen += count as u64;
        let short = count < limit as usize;
        let total_reached = response
            .total_available_results()
            .is_some_and(|total| state.seen >= total);
        let no_next = response.has_links() && response.link("next").is_none();
        let unpaginated = response.flag("isPaginated") == Some(false);
        if !(short || total_reached || no_next || unpaginated) {
            state.next_page = page.checked_add(1);
        }
        if count == 0 && page > 0 {
            return None;
        }
        Some((Ok(response), state))
    })
}

/// The items of a list operation, across pages: [`pages`] flattened.
pub fn items<T, M, F, Fut>(limit: i32, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i32, i32) -> Fut,
    Fut: Future<Output = Result<ApiResponse<Vec<T>, M>, Error>>,
{
    pages(limit, fetch)
        .map_ok(|page| stream::iter(page.data.unwrap_or_default().into_iter().map(Ok)))
        .try_flatten()
}

/// Reads every item into a vector (stops at the first error).
pub async fn collect_items<T, M, F, Fut>(limit: i32, fetch: F) -> Result<Vec<T>, Error>
where
    F: FnMut(i32, i32) -> Fut,
    Fut: Future<Output = Result<ApiResponse<Vec<T>, M>, Error>>,
{
    let stream = items(limit, fetch);
    futures::pin_mut!(stream);
    let mut all = Vec::new();
    while let Some(item) = stream.next().await {
        all.push(item?);
    }
    Ok(all)
}

//! OData options as they travel in the query string.

use ntnx_runtime::client::Request;
use ntnx_runtime::odata::{field, OrderBy, Select};
use serde_json::{json, Value};
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::*;

#[tokio::test]
async fn startswith_filter_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("$filter", "startswith(name, 'fileserver_')"))
        .and(query_param("$orderby", "name asc,createTime desc"))
        .and(query_param("$select", "name,extId"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "metadata": {}})))
        .expect(1)
        .mount(&server)
        .await;
    let filter = field("name").startswith("fileserver_");
    assert_eq!(filter.to_string(), "startswith(name, 'fileserver_')");
    let request = Request::new(&LIST_IMAGES)
        .query("$filter", &filter)
        .query("$orderby", OrderBy::new().asc("name").desc("createTime"))
        .query("$select", Select::fields(["name", "extId"]));
    client(&server)
        .send_envelope::<Vec<Image>, Value>(request)
        .await
        .unwrap();
    let sent = &received(&server).await[0];
    assert_eq!(
        sent.url.query(),
        Some(
            "$filter=startswith%28name%2C%20%27fileserver_%27%29\
             &$orderby=name%20asc%2CcreateTime%20desc&$select=name%2CextId"
        )
    );
}

#[tokio::test]
async fn awkward_literals_survive_the_trip() {
    let server = MockServer::start().await;
    let expected = "name eq 'O''Brien & Co + 50% #1' or categories/any(c: c eq 'env/prod')";
    Mock::given(method("GET"))
        .and(query_param("$filter", expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "metadata": {}})))
        .expect(1)
        .mount(&server)
        .await;
    let filter = field("name")
        .eq("O'Brien & Co + 50% #1")
        .or(field("categories").any("c", |c| c.eq("env/prod")));
    assert_eq!(filter.to_string(), expected);
    // Generated setters take `impl Into<String>`: a Filter converts.
    let text: String = filter.into();
    client(&server)
        .send_envelope::<Vec<Image>, Value>(Request::new(&LIST_IMAGES).query("$filter", text))
        .await
        .unwrap();
}

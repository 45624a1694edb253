//! Every body, response and header shape, through a compiled generated crate: the
//! `ntnx-shapes` fixture crate (generated from `specs/fixtures/shapes.yaml`) against a mock
//! server on 127.0.0.1. Each test checks what goes on the wire (method, path, headers,
//! content type, body bytes) and what the caller gets back.

use crate::clients_support::client;
use futures::TryStreamExt as _;
use ntnx_runtime::bytes::Bytes;
use ntnx_runtime::Multipart;
use ntnx_shapes::config::{Mode, Thing};
use ntnx_shapes::ShapesClient;
use serde_json::{json, Value};
use wiremock::matchers::{body_bytes, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const THING_ID: &str = "6c0e8f3a-2d4b-4c5e-9f60-7a8b9c0d1e2f";

async fn shapes() -> (MockServer, ShapesClient) {
    let server = MockServer::start().await;
    let shapes = ShapesClient::new(client(&server.uri()));
    (server, shapes)
}

fn thing_envelope() -> Value {
    json!({"data": {"extId": THING_ID, "name": "alpha", "size": 42, "$objectType": "shapes.v1.config.Thing"}})
}

/// Matches requests whose `Accept` header is exactly `value` (wiremock's `header` matcher
/// splits values at commas).
struct Accept(&'static str);

impl wiremock::Match for Accept {
    fn matches(&self, request: &Request) -> bool {
        header_of(request, "accept") == Some(self.0)
    }
}

fn accept(value: &'static str) -> Accept {
    Accept(value)
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

fn header_of<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn header_parameters_of_every_type_are_sent_as_text() {
    let (server, shapes) = shapes().await;
    Mock::given(method("GET"))
        .and(path("/api/shapes/v1.0/config/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let owner = ntnx_runtime::Uuid::parse_str(THING_ID).unwrap();
    let page = shapes
        .shapes()
        .list_things(true)
        .x_count(3)
        .x_ratio(0.25)
        .x_mode(Mode::Safe)
        .x_tags(vec!["red".into(), "blue".into()])
        .x_owner(owner)
        .x_trace("trace 1")
        .send()
        .await
        .expect("listThings succeeds");
    assert_eq!(page.data, Some(Vec::new()));
    let request = only_request(&server).await;
    for (name, value) in [
        ("X-Dry-Run", "true"),
        ("X-Count", "3"),
        ("X-Ratio", "0.25"),
        ("X-Mode", "SAFE"),
        ("X-Tags", "red,blue"),
        ("X-Owner", THING_ID),
        ("X-Trace", "trace 1"),
    ] {
        assert_eq!(header_of(&request, name), Some(value), "{name}");
    }
    // A GET carries no request id; an optional header that is not set is not sent.
    assert_eq!(header_of(&request, "NTNX-Request-Id"), None);
    shapes.shapes().list_things(false).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(header_of(&requests[1], "X-Dry-Run"), Some("false"));
    assert_eq!(header_of(&requests[1], "X-Count"), None);
}

#[tokio::test]
async fn a_json_body_and_declared_response_headers() {
    let (server, shapes) = shapes().await;
    Mock::given(method("POST"))
        .and(path("/api/shapes/v1.0/config/things"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"name": "alpha", "size": 7, "$reserved": {"$fv": "v1.r0"}, "$objectType": "shapes.v1.config.Thing", "$unknownFields": {}}),
        ))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", "/api/shapes/v1.0/config/things/1")
                .insert_header("X-Cost", "12")
                .set_body_json(json!({"data": {"extId": "ZXJnb24=:1"}})),
        )
        .mount(&server)
        .await;
    let mut thing = Thing::new("alpha");
    thing.size = Some(7);
    let response = shapes.shapes().create_thing(thing).send().await.unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.header("location"),
        Some("/api/shapes/v1.0/config/things/1")
    );
    assert_eq!(response.header("X-Cost"), Some("12"));
    let task = response.into_data().unwrap();
    assert_eq!(task.ext_id.as_deref(), Some("ZXJnb24=:1"));
    let request = only_request(&server).await;
    assert!(header_of(&request, "NTNX-Request-Id").is_some());
}

#[tokio::test]
async fn patch_sends_its_body_with_the_patch_method() {
    let (server, shapes) = shapes().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/shapes/v1.0/config/things/{THING_ID}")))
        .and(body_json(
            json!({"name": "beta", "$reserved": {"$fv": "v1.r0"}, "$objectType": "shapes.v1.config.Thing", "$unknownFields": {}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(thing_envelope()))
        .mount(&server)
        .await;
    let thing = shapes
        .shapes()
        .patch_thing(THING_ID, Thing::new("beta"))
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(thing.name, "alpha");
    assert_eq!(thing.size, Some(42));
}

#[tokio::test]
async fn a_204_succeeds_with_or_without_a_declared_media_type() {
    let (server, shapes) = shapes().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/shapes/v1.0/config/things/{THING_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/shapes/v1.0/config/things/{THING_ID}/$actions/forget"
        )))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let deleted = shapes.shapes().delete_thing(THING_ID).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    let forgotten = shapes.shapes().forget_thing(THING_ID).send().await.unwrap();
    assert_eq!(forgotten.status(), 204);
}

#[tokio::test]
async fn a_default_only_response_is_the_success_type() {
    let (server, shapes) = shapes().await;
    Mock::given(method("POST"))
        .and(path("/api/shapes/v1.0/config/things/$actions/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(thing_envelope()))
        .mount(&server)
        .await;
    let thing = shapes
        .shapes()
        .ping()
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(thing.ext_id.as_deref(), Some(THING_ID));
}

#[tokio::test]
async fn text_responses_are_strings_and_ask_for_their_media_type() {
    let (server, shapes) = shapes().await;
    let xml = "<report><thing id=\"1\">ünïcode</thing></report>";
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/shapes/v1.0/config/things/{THING_ID}/report"
        )))
        .and(accept("text/xml, application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(xml, "text/xml"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/shapes/v1.0/config/things/{THING_ID}/notes"
        )))
        .and(accept("text/plain, application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("line 1\nline 2\n", "text/plain"))
        .mount(&server)
        .await;
    let report: String = shapes
        .shapes()
        .get_report(THING_ID)
        .send()
        .await
        .unwrap()
        .into_body();
    assert_eq!(report, xml);
    let notes = shapes.shapes().get_notes(THING_ID).send().await.unwrap();
    assert_eq!(notes.body, "line 1\nline 2\n");
}

#[tokio::test]
async fn a_text_body_that_is_not_utf8_is_a_decode_error() {
    let (server, shapes) = shapes().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/shapes/v1.0/config/things/{THING_ID}/notes"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe], "text/plain"))
        .mount(&server)
        .await;
    let error = shapes
        .shapes()
        .get_notes(THING_ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ntnx_runtime::ErrorKind::Decode);
    assert!(error.to_string().contains("not UTF-8"), "{error}");
}

#[tokio::test]
async fn octet_stream_downloads_and_request_bodies() {
    let (server, shapes) = shapes().await;
    let file_path = format!("/api/shapes/v1.0/content/things/{THING_ID}/file");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    Mock::given(method("GET"))
        .and(path(file_path.as_str()))
        .and(accept("application/octet-stream, application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(bytes.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(file_path.as_str()))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(bytes.clone()))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(file_path.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let download = shapes
        .shapes()
        .download_file(THING_ID)
        .send()
        .await
        .unwrap();
    let chunks: Vec<Bytes> = download.into_body().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), bytes);

    let uploaded = shapes
        .shapes()
        .upload_file(THING_ID, Bytes::from(bytes.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 204);

    // The optional body: sent when given, absent (no body, no content type) when not.
    shapes
        .shapes()
        .append_file(THING_ID)
        .body(Bytes::from_static(b"tail"))
        .send()
        .await
        .unwrap();
    shapes.shapes().append_file(THING_ID).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let appends: Vec<&Request> = requests
        .iter()
        .filter(|r| r.method == wiremock::http::Method::POST)
        .collect();
    assert_eq!(appends[0].body, b"tail");
    assert_eq!(
        header_of(appends[0], "content-type"),
        Some("application/octet-stream")
    );
    assert!(appends[1].body.is_empty());
    assert_eq!(header_of(appends[1], "content-type"), None);
}

#[tokio::test]
async fn one_response_as_json_or_as_bytes() {
    let (server, shapes) = shapes().await;
    let content_path = format!("/api/shapes/v1.0/content/things/{THING_ID}/content");
    Mock::given(method("GET"))
        .and(path(content_path.as_str()))
        .and(accept("application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(thing_envelope()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(content_path.as_str()))
        .and(accept("application/octet-stream, application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"raw bytes".to_vec(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let thing = shapes
        .shapes()
        .get_content(THING_ID)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(thing.name, "alpha");
    let bytes: Vec<Bytes> = shapes
        .shapes()
        .get_content(THING_ID)
        .download()
        .await
        .unwrap()
        .into_body()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(bytes.concat(), b"raw bytes");
}

/// The parts of a `multipart/form-data` body: (disposition line, content type, data).
fn form_parts(request: &Request) -> Vec<(String, Option<String>, Vec<u8>)> {
    let content_type = header_of(request, "content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a form: {content_type}"));
    let body = String::from_utf8_lossy(&request.body).into_owned();
    let delimiter = format!("--{boundary}");
    assert!(body.ends_with(&format!("{delimiter}--\r\n")), "{body}");
    body.split(&delimiter)
        .filter(|part| !part.is_empty() && !part.starts_with("--"))
        .map(|part| {
            let part = part.trim_start_matches("\r\n");
            let (head, data) = part.split_once("\r\n\r\n").expect("headers, then data");
            let mut lines = head.lines();
            let disposition = lines.next().unwrap_or_default().to_owned();
            let content_type = lines
                .find_map(|l| l.strip_prefix("Content-Type: "))
                .map(str::to_owned);
            let data = data.strip_suffix("\r\n").unwrap_or(data);
            (disposition, content_type, data.as_bytes().to_vec())
        })
        .collect()
}

#[tokio::test]
async fn multipart_bodies_required_and_optional() {
    let (server, shapes) = shapes().await;
    Mock::given(method("POST"))
        .and(path("/api/shapes/v1.0/content/things/$actions/import"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"data": {"extId": "ZXJnb24=:2"}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/shapes/v1.0/content/things/$actions/attach"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let form = Multipart::new()
        .bytes(
            "file",
            "disk.raw",
            "application/octet-stream",
            Bytes::from_static(b"\x00\x01\x02"),
        )
        .text("name", "disk");
    let task = shapes
        .shapes()
        .import_thing(form)
        .send()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(task.ext_id.as_deref(), Some("ZXJnb24=:2"));
    shapes
        .shapes()
        .attach_files()
        .body(Multipart::new().text("comment", "none"))
        .send()
        .await
        .unwrap();
    shapes.shapes().attach_files().send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let parts = form_parts(&requests[0]);
    assert_eq!(
        parts,
        [
            (
                "Content-Disposition: form-data; name=\"file\"; filename=\"disk.raw\"".to_owned(),
                Some("application/octet-stream".to_owned()),
                vec![0, 1, 2]
            ),
            (
                "Content-Disposition: form-data; name=\"name\"".to_owned(),
                None,
                b"disk".to_vec()
            ),
        ]
    );
    assert_eq!(form_parts(&requests[1]).len(), 1);
    assert!(requests[2].body.is_empty());
}

/// The query string of `request`, decoded, by parameter.
fn query_of(request: &Request) -> std::collections::BTreeMap<String, String> {
    request.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn typed_filters_of_every_field_type_on_the_wire() {
    let (server, shapes) = shapes().await;
    Mock::given(method("GET"))
        .and(path("/api/shapes/v1.0/config/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(&server)
        .await;
    let created = ntnx_runtime::DateTime::parse("2024-05-01T10:00:00+02:00").expect("date-time");
    shapes
        .shapes()
        .list_widgets()
        .filter(|w| {
            w.name()
                .tolower()
                .startswith("o'neil")
                .and(w.count().lt(3))
                .and(w.size_bytes().ge(1 << 40))
                .and(w.ratio().gt(0.5))
                .and(w.weight().le(2.25))
                .and(w.is_active().ne(false))
                .and(w.create_time().gt(&created))
                .and(w.mode().is_in([Mode::Fast, Mode::Safe]))
                .or(w.tags().any(|t| t.endswith("-prod")))
                .or(w.modes().any(|m| m.eq(Mode::Safe)))
                .or(w.parts().any(|p| p.path("serial").eq("X1")))
                .or(w.owner_name().contains("ops"))
                .or(w
                    .birthday()
                    .eq(ntnx_runtime::odata::Literal::Raw("2000-01-01".into())))
                .or(w.missing_field().ne(ntnx_runtime::odata::Literal::Null))
        })
        .orderby(|w| [w.create_time().desc(), w.name().asc()])
        .select(|w| [w.name(), w.owner_name(), w.spec_size()])
        .expand(|w| [w.gadget(), w.mystery()])
        .send()
        .await
        .expect("the typed call succeeds");
    let query = query_of(&only_request(&server).await);
    assert_eq!(
        query["$filter"],
        "startswith(tolower(name), 'o''neil') and count lt 3 and sizeBytes ge 1099511627776 \
         and ratio gt 0.5 and weight le 2.25 and isActive ne false \
         and createTime gt 2024-05-01T10:00:00+02:00 \
         and mode in (Shapes.Config.Mode'FAST',Shapes.Config.Mode'SAFE') \
         or tags/any(t: endswith(t, '-prod')) or modes/any(m: m eq Shapes.Config.Mode'SAFE') \
         or parts/any(p: p/serial eq 'X1') or contains(owner/name, 'ops') \
         or birthday eq 2000-01-01 or missingField ne null"
    );
    assert_eq!(query["$orderby"], "createTime desc,name asc");
    assert_eq!(query["$select"], "name,owner/name,spec/size");
    assert_eq!(query["$expand"], "gadget,mystery");
}

#[tokio::test]
async fn selected_and_expanded_widgets_decode_losslessly() {
    use ntnx_runtime::query::Expanded;
    use ntnx_shapes::config::{WidgetExpansion, WidgetProjection};

    let (server, shapes) = shapes().await;
    let widget = json!({
        "name": "w1",
        "owner": {"name": "ops"},
        "spec": {"size": 3},
        "gadget": {"extId": "g1", "label": "dial"},
        "note": {"text": "fragile"},
        "mystery": [1, {"two": 2}],
        "addedLater": true,
        "$objectType": "shapes.v1.config.Widget"
    });
    Mock::given(method("GET"))
        .and(path("/api/shapes/v1.0/config/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [widget]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/shapes/v1.0/config/widgets/w1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": widget}))
                .insert_header("ETag", "W/\"7\""),
        )
        .mount(&server)
        .await;

    // Selected and expanded, through `items()`: the projection leaves out what was not
    // sent (`spec` is raw JSON: `spec/size` alone lacks the required `color`), the
    // expansion types what the spec names and keeps the rest as JSON.
    let items: Vec<Expanded<WidgetProjection, WidgetExpansion>> = shapes
        .shapes()
        .list_widgets()
        .select(|w| [w.name(), w.owner_name(), w.spec_size()])
        .expand(|w| [w.gadget(), w.note(), w.mystery()])
        .items()
        .try_collect()
        .await
        .expect("the items decode");
    let item = &items[0];
    assert_eq!(item.name.as_deref(), Some("w1"));
    assert_eq!(item.size_bytes, None);
    assert_eq!(item.spec, Some(json!({"size": 3})));
    let gadget = item.expansion.gadget.as_ref().expect("gadget");
    assert_eq!(gadget.label, "dial");
    assert_eq!(
        item.expansion.note.as_ref().and_then(|n| n.text.as_deref()),
        Some("fragile")
    );
    assert_eq!(item.expansion.mystery, Some(json!([1, {"two": 2}])));
    assert_eq!(
        serde_json::to_value(item).expect("encodes"),
        widget,
        "nothing lost"
    );

    // The order of `select` and `expand` does not matter; a fetched entity keeps its ETag.
    let fetched = shapes
        .shapes()
        .get_widget_by_id("w1")
        .expand(|w| w.gadget())
        .select(|w| w.name())
        .send()
        .await
        .expect("the widget decodes")
        .into_data()
        .expect("data");
    assert_eq!(ntnx_runtime::Model::etag(&fetched), Some("W/\"7\""));
    assert_eq!(
        fetched.expansion.gadget.map(|g| g.label),
        Some("dial".to_owned())
    );
}

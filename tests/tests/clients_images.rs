//! The generated `vmm` images client against a mock Prism Central: OData query options on
//! the wire, decoding of a list page and its metadata, the ETag carried from a fetched
//! image to the `If-Match` of its update, creating an image and waiting for its task, and
//! percent-encoded path parameters.

use std::time::Duration;

use crate::clients_support::*;
use futures::TryStreamExt as _;
use ntnx_prism::config::TaskStatus;
use ntnx_prism::PrismClient;
use ntnx_runtime::task::WaitOptions;
use ntnx_runtime::{ErrorKind, Model as _, Uuid};
use ntnx_vmm::content::{Image, ImageChecksum, ImageProjection, ImageSource, ImageType, UrlSource};
use ntnx_vmm::VmmClient;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IMAGES: &str = "/api/vmm/v4.0/content/images";

fn vmm(server: &MockServer) -> VmmClient {
    VmmClient::new(client(&server.uri()))
}

fn image_path(ext_id: &str) -> String {
    format!("{IMAGES}/{ext_id}")
}

#[tokio::test]
async fn list_images_sends_filter_orderby_and_limit_and_decodes_the_page() {
    let server = MockServer::start().await;
    let items = vec![
        image(IMAGE_ID, "fileserver_2023.4", 1_073_741_824),
        image(
            "c3f2a4d0-5b7e-4e21-9a4f-1d2e3c4b5a61",
            "fileserver_2024.1",
            2_147_483_648,
        ),
        image(
            "c3f2a4d0-5b7e-4e21-9a4f-1d2e3c4b5a62",
            "fileserver_2024.2",
            3_221_225_472,
        ),
    ];
    let body = list_envelope(
        items.clone(),
        list_metadata(7, 0, 3),
        "vmm.v4.content.ListImagesApiResponse",
    );
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&body)
                .insert_header("NTNX-Request-Id", "2b7d0c55-8f0e-4b8a-9d0c-3f5e6a7b8c9d"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page = vmm(&server)
        .images()
        .list_images()
        .filter(|image| image.name().startswith("fileserver_"))
        .orderby(|image| image.name().asc())
        .limit(3)
        .send()
        .await
        .expect("listImages succeeds");

    // On the wire: the query options, form-encoded, in the builder's fixed order.
    let requests = server.received_requests().await.expect("recorded");
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), IMAGES);
    assert_eq!(
        query(request),
        "$limit=3&$filter=startswith%28name%2C%20%27fileserver_%27%29&$orderby=name%20asc"
    );
    assert_eq!(
        header(request, "authorization"),
        Some(basic_header().as_str())
    );
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(header(request, "ntnx-request-id"), None, "a GET sends none");
    assert!(header(request, "user-agent").is_some_and(|ua| ua.starts_with("ntnx-rust-sdk/")));

    // The decoded page.
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.request_id(),
        Some("2b7d0c55-8f0e-4b8a-9d0c-3f5e6a7b8c9d")
    );
    let images: &Vec<Image> = page.data.as_ref().expect("data");
    let names: Vec<&str> = images.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "fileserver_2023.4",
            "fileserver_2024.1",
            "fileserver_2024.2"
        ]
    );
    let first = &images[0];
    assert_eq!(first.ext_id.value().map(String::as_str), Some(IMAGE_ID));
    assert_eq!(first.r#type, ImageType::DiskImage);
    assert_eq!(first.size_bytes, Some(1_073_741_824));
    assert_eq!(
        first.create_time.as_ref().map(|t| t.as_str()),
        Some("2024-05-02T09:14:07.402731Z")
    );
    match &first.source {
        Some(ImageSource::UrlSource(source)) => assert_eq!(
            source.url,
            "http://images.lab.internal/fileserver_2023.4.qcow2"
        ),
        other => panic!("source should be a UrlSource: {other:?}"),
    }
    assert!(matches!(
        first.checksum,
        Some(ImageChecksum::ImageSha256Checksum(_))
    ));
    assert_eq!(
        first.cluster_location_ext_ids.as_deref(),
        Some(&[CLUSTER_ID.to_owned()][..])
    );
    // Lossless: each image encodes back to what the server sent.
    for (decoded, sent) in images.iter().zip(&items) {
        assert_eq!(&serde_json::to_value(decoded).expect("encodes"), sent);
    }

    // Metadata, through the runtime's accessors and the typed metadata.
    assert_eq!(page.total_available_results(), Some(7));
    assert!(page.is_paginated());
    assert!(!page.has_error());
    assert_eq!(page.flag("hasError"), Some(false));
    assert!(!page.is_truncated());
    assert_eq!(
        page.link("next"),
        Some("https://10.40.12.5:9440/api/vmm/v4.0/content/images?$page=1&$limit=3")
    );
    assert_eq!(
        page.link("last"),
        Some("https://10.40.12.5:9440/api/vmm/v4.0/content/images?$page=2&$limit=3")
    );
    assert_eq!(page.link("prev"), None);
    let metadata = page.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.total_available_results, Some(7));
    let rels: Vec<&str> = metadata
        .links
        .iter()
        .flatten()
        .filter_map(|l| l.rel.as_deref())
        .collect();
    assert_eq!(rels, ["self", "first", "next", "last"]);
    assert_eq!(
        page.extras.written_object_type(None),
        Some("vmm.v4.content.ListImagesApiResponse")
    );
}

/// `$select` asks the server for some properties only; Prism Central then sends just
/// those (plus `$objectType`/`$reserved`), leaving out required ones too. The typed
/// `select` makes the builder decode `ImageProjection` (every field optional, undeclared
/// ones kept), by `send()` and by `items()` alike; the declared `Image` would not decode.
#[tokio::test]
async fn list_images_with_select_sends_the_fields_and_decodes_projections() {
    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct NameAndSize {
        name: String,
        size_bytes: Option<u64>,
    }

    let server = MockServer::start().await;
    let partial = |name: &str, size: u64| {
        json!({
            "name": name,
            "sizeBytes": size,
            "futureField": {"added": "later"},
            "$objectType": "vmm.v4.content.Image",
            "$reserved": {"$fv": "v4.r0"}
        })
    };
    let body = list_envelope(
        vec![
            partial("fileserver_2023.4", 1_073_741_824),
            partial("fileserver_2024.1", 2_147_483_648),
        ],
        list_metadata(2, 0, 50),
        "vmm.v4.content.ListImagesApiResponse",
    );
    Mock::given(method("GET"))
        .and(path(IMAGES))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(4)
        .mount(&server)
        .await;

    let page = vmm(&server)
        .images()
        .list_images()
        .select(|image| [image.name(), image.size_bytes()])
        .send()
        .await
        .expect("a $select page decodes into projections");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(query(&requests[0]), "$select=name%2CsizeBytes");
    assert_eq!(page.total_available_results(), Some(2));
    let images: Vec<ImageProjection> = page.data.expect("data");
    assert_eq!(images.len(), 2);
    assert_eq!(images[1].name.as_deref(), Some("fileserver_2024.1"));
    assert_eq!(images[1].size_bytes, Some(2_147_483_648));
    assert_eq!(images[1].r#type, None, "not selected, so not sent");
    assert_eq!(
        serde_json::to_value(&images[1]).expect("encodes"),
        body["data"][1],
        "nothing is lost, the undeclared field included"
    );

    let all: Vec<ImageProjection> = vmm(&server)
        .images()
        .list_images()
        .select(|image| [image.name(), image.size_bytes()])
        .items()
        .try_collect()
        .await
        .expect("items() of a selection decode into projections");
    assert_eq!(all, images);

    let custom = vmm(&server)
        .images()
        .list_images()
        .select(|image| [image.name(), image.size_bytes()])
        .send_as::<Vec<NameAndSize>>()
        .await
        .expect("send_as still decodes into the caller's type");
    let custom = custom.data.expect("data");
    assert_eq!(custom[0].name, "fileserver_2023.4");
    assert_eq!(custom[0].size_bytes, Some(1_073_741_824));

    let error = vmm(&server)
        .images()
        .list_images()
        .select_raw("name,sizeBytes")
        .send_as::<Vec<Image>>()
        .await
        .expect_err("the declared Image requires `type`");
    let message = error.to_string();
    assert!(
        message.contains("data[0]") && message.contains("missing field `type`"),
        "{message}"
    );
}

#[tokio::test]
async fn get_then_update_sends_the_fetched_etag_as_if_match() {
    let server = MockServer::start().await;
    let fetched = image(IMAGE_ID, "fileserver_2024.1", 2_147_483_648);
    Mock::given(method("GET"))
        .and(path(image_path(IMAGE_ID)))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(entity_envelope(
                    fetched.clone(),
                    "vmm.v4.content.GetImageApiResponse",
                ))
                .insert_header("ETag", ETAG),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(image_path(IMAGE_ID)))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.UpdateImageApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    let vmm = vmm(&server);

    let response = vmm
        .images()
        .get_image_by_id(IMAGE_ID)
        .send()
        .await
        .expect("getImageById succeeds");
    assert_eq!(response.etag(), Some(ETAG));
    let mut image = response.into_data().expect("data");
    assert_eq!(image.etag(), Some(ETAG), "the ETag travels with the entity");

    image.name = "fileserver_2024.1-golden".to_owned();
    let task = vmm
        .images()
        .update_image_by_id(IMAGE_ID, image)
        .send()
        .await
        .expect("updateImageById succeeds")
        .into_data()
        .expect("data");
    assert_eq!(task.ext_id.as_deref(), Some(TASK_ID));

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    let put = &requests[1];
    assert_eq!(put.method.as_str(), "PUT");
    assert_eq!(header(put, "if-match"), Some(ETAG));
    assert_eq!(header(put, "content-type"), Some("application/json"));
    let request_id = header(put, "ntnx-request-id").expect("a PUT carries a request id");
    assert!(Uuid::parse_str(request_id).is_ok(), "{request_id}");
    let sent: Value = serde_json::from_slice(&put.body).expect("JSON body");
    assert_eq!(sent["name"], "fileserver_2024.1-golden");
    assert_eq!(sent["$objectType"], "vmm.v4.content.Image");
    // Everything else goes back as fetched.
    for key in [
        "extId",
        "type",
        "sizeBytes",
        "source",
        "checksum",
        "createTime",
    ] {
        assert_eq!(sent[key], fetched[key], "{key}");
    }
}

#[tokio::test]
async fn an_explicit_if_match_is_sent_for_an_entity_built_in_code() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(image_path(IMAGE_ID)))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.UpdateImageApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;

    let image = Image::new("scratch", ImageType::IsoImage);
    vmm(&server)
        .images()
        .update_image_by_id(IMAGE_ID, image)
        .if_match("W/\"explicit-7\"")
        .send()
        .await
        .expect("updateImageById succeeds");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(header(&requests[0], "if-match"), Some("W/\"explicit-7\""));
}

#[tokio::test]
async fn an_update_without_any_etag_fails_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(202))
        .expect(0)
        .mount(&server)
        .await;

    let image = Image::new("scratch", ImageType::DiskImage);
    let error = vmm(&server)
        .images()
        .update_image_by_id(IMAGE_ID, image)
        .send()
        .await
        .expect_err("an update without an ETag is refused");

    assert_eq!(error.kind(), ErrorKind::Request);
    let text = error.to_string();
    assert!(text.contains("updateImageById"), "{text}");
    assert!(text.contains("If-Match"), "{text}");
    assert!(
        text.contains("if_match("),
        "the message says how to fix it: {text}"
    );
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
}

/// Every other error of a call knows its operation; this one should too.
#[tokio::test]
async fn the_missing_if_match_error_carries_its_operation() {
    let server = MockServer::start().await;
    let image = Image::new("scratch", ImageType::DiskImage);
    let error = vmm(&server)
        .images()
        .update_image_by_id(IMAGE_ID, image)
        .send()
        .await
        .expect_err("an update without an ETag is refused");
    assert_eq!(error.operation(), Some("updateImageById"), "{error}");
}

#[tokio::test]
async fn create_image_sends_a_request_id_and_the_typed_body_then_its_task_is_waited_for() {
    let server = MockServer::start().await;
    let new_image = "5e0a3d1f-7c2b-4a9e-8f6d-0b1c2d3e4f50";
    Mock::given(method("POST"))
        .and(path(IMAGES))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.CreateImageApiResponse",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The task runs for one poll, then succeeds. `=` and `:` stay as they are in a path.
    let task_path = format!("/api/prism/v4.0/config/tasks/{TASK_ID}");
    Mock::given(method("GET"))
        .and(path(task_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(TASK_ID, "RUNNING", 40, None)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(task_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(
            TASK_ID,
            "SUCCEEDED",
            100,
            Some(new_image),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let vmm = VmmClient::new(client.clone());

    let mut image = Image::new("ubuntu-22.04", ImageType::DiskImage);
    image.description = Some("Ubuntu 22.04 cloud image".to_owned());
    image.source = Some(
        UrlSource::new(
            "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img"
                .to_owned(),
        )
        .into(),
    );
    let response = vmm
        .images()
        .create_image(image)
        .send()
        .await
        .expect("createImage succeeds");

    assert_eq!(response.status(), 202);
    let requests = server.received_requests().await.expect("recorded");
    let post = &requests[0];
    let request_id = header(post, "ntnx-request-id").expect("NTNX-Request-Id sent");
    assert_eq!(
        Uuid::parse_str(request_id).map(|u| u.get_version_num()),
        Ok(4),
        "{request_id}"
    );
    assert_eq!(response.request_id(), Some(request_id));
    assert_eq!(header(post, "content-type"), Some("application/json"));
    let sent: Value = serde_json::from_slice(&post.body).expect("JSON body");
    assert_eq!(
        sent,
        json!({
            "name": "ubuntu-22.04",
            "description": "Ubuntu 22.04 cloud image",
            "type": "DISK_IMAGE",
            "source": {
                "url": "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img",
                "shouldAllowInsecureUrl": false,
                "$reserved": {"$fv": "v4.r0"},
                "$objectType": "vmm.v4.content.UrlSource",
                "$unknownFields": {}
            },
            "$reserved": {"$fv": "v4.r0"},
            "$objectType": "vmm.v4.content.Image",
            "$unknownFields": {}
        })
    );
    // Parsing keeps one of duplicate keys: count in the raw bytes.
    assert_eq!(occurrences(&post.body, "vmm.v4.content.UrlSource"), 1);
    assert_eq!(occurrences(&post.body, "\"$objectType\""), 2);

    let reference = response.into_data().expect("data");
    assert_eq!(reference.ext_id.as_deref(), Some(TASK_ID));
    // What vmm answers with is the very type prism's `wait_for_task` takes.
    let task = PrismClient::new(client.clone())
        .tasks()
        .wait_for_task(
            &reference,
            WaitOptions::with_timeout(Duration::from_secs(5))
                .intervals(Duration::from_millis(10), Duration::from_millis(20)),
        )
        .await
        .expect("the task succeeds");
    assert_eq!(task.status, Some(TaskStatus::Succeeded));
    let affected: Vec<(Option<&str>, Option<&str>)> = task
        .entities_affected
        .iter()
        .flatten()
        .map(|e| (e.rel.as_deref(), e.ext_id.as_deref()))
        .collect();
    assert_eq!(
        affected,
        [
            (Some("clustermgmt:config:cluster"), Some(CLUSTER_ID)),
            (Some("vmm:content:image"), Some(new_image))
        ]
    );
}

#[tokio::test]
async fn a_given_request_id_is_sent_instead_of_a_fresh_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(IMAGES))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(task_reference_envelope(
                TASK_ID,
                "vmm.v4.content.CreateImageApiResponse",
            )),
        )
        .mount(&server)
        .await;
    let id = Uuid::parse_str("0f0e0d0c-0b0a-4908-8706-050403020100").expect("uuid");
    let mut image = Image::new("alpine.iso", ImageType::IsoImage);
    image.source = Some(UrlSource::new("http://images.lab.internal/alpine.iso").into());
    vmm(&server)
        .images()
        .create_image(image)
        .request_id(id)
        .send()
        .await
        .expect("createImage succeeds");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        header(&requests[0], "ntnx-request-id"),
        Some("0f0e0d0c-0b0a-4908-8706-050403020100")
    );
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(entity_envelope(
            image(IMAGE_ID, "odd", 1),
            "vmm.v4.content.GetImageApiResponse",
        )))
        .mount(&server)
        .await;
    let vmm = vmm(&server);

    vmm.images()
        .get_image_by_id("lab image/2024?v=1#b%c+é")
        .send()
        .await
        .expect("getImageById succeeds");
    let download = vmm
        .images()
        .get_file_by_image_id("a/b c")
        .send()
        .await
        .expect("getFileByImageId succeeds");
    drop(download);

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        requests[0].url.path(),
        "/api/vmm/v4.0/content/images/lab%20image%2F2024%3Fv=1%23b%25c%2B%C3%A9"
    );
    assert_eq!(
        query(&requests[0]),
        "",
        "`?` in the id must not start a query"
    );
    assert_eq!(
        requests[1].url.path(),
        "/api/vmm/v4.0/content/images/a%2Fb%20c/file"
    );

    // A segment that would change the path is refused before sending.
    let error = vmm
        .images()
        .get_image_by_id("..")
        .send()
        .await
        .expect_err("`..` is refused");
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(error.to_string().contains("extId"), "{error}");
    assert!(error.to_string().contains("getImageById"), "{error}");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

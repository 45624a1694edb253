//! `oneOf` values without `$objectType` decode by shape: to the one alternative that fits,
//! or, when none or several fit, to `Unrecognized`, and always encode back unchanged.

use ntnx_shared::common::v1::config::{KvPair, KvPairValue};
use ntnx_vmm::content::{GetImageApiResponse, GetImageApiResponseData, ListImagesApiResponseData};
use ntnx_vmm::content::{Image, ImageChecksum, ImageSource, ListImagesApiResponse};
use ntnx_vmm::error::ErrorResponseError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Decodes `value` as `T`, checks it encodes back to `value`, and returns it.
fn exact<T: DeserializeOwned + Serialize>(what: &str, value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{what}: {value} does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(encoded, value, "{what}: re-encodes differently");
    decoded
}

fn image_with(field: &str, union_value: Value) -> Image {
    let mut value = json!({ "name": "disk.qcow2", "type": "DISK_IMAGE" });
    value[field] = union_value;
    exact(&format!("vmm.v4.0.content.Image, $.{field}"), value)
}

fn source(value: Value) -> ImageSource {
    image_with("source", value).source.expect("source")
}

fn checksum(value: Value) -> ImageChecksum {
    image_with("checksum", value).checksum.expect("checksum")
}

#[test]
fn image_source_without_object_type_picks_the_only_fitting_alternative() {
    let url = "https://mirror.example.org/disk.qcow2";
    assert!(matches!(
        source(json!({ "url": url })),
        ImageSource::UrlSource(s) if s.url == url
    ));
    assert!(matches!(
        source(json!({ "url": url, "basicAuth": { "username": "u", "password": "p" } })),
        ImageSource::UrlSource(s) if s.basic_auth.is_some()
    ));
    assert!(matches!(
        source(json!({ "extId": "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f" })),
        ImageSource::VmDiskSource(_)
    ));
    assert!(matches!(
        source(json!({ "key": "images/disk.qcow2" })),
        ImageSource::ObjectsLiteSource(s) if s.key == "images/disk.qcow2"
    ));
    // Only UrlSource decodes (the others lack their required field): it wins though the
    // object has a key it does not declare, which it keeps.
    assert!(matches!(
        source(json!({ "url": url, "newServerField": 1 })),
        ImageSource::UrlSource(_)
    ));
}

#[test]
fn image_source_without_object_type_that_fits_several_or_none_is_unrecognized() {
    for value in [
        // Fits UrlSource and VmDiskSource, each with an undeclared key.
        json!({ "url": "https://x.example/a.iso", "extId": "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f" }),
        // Fits nothing.
        json!({ "bucket": "images" }),
        json!({}),
        json!("https://x.example/a.iso"),
        json!(["https://x.example/a.iso"]),
        json!(17),
    ] {
        assert_eq!(
            source(value.clone()),
            ImageSource::Unrecognized(value.clone()),
            "$.source = {value}"
        );
    }
}

#[test]
fn image_checksum_without_object_type_is_ambiguous_between_sha1_and_sha256() {
    let value = json!({ "hexDigest": "4a1f9c2e7b3d5f8a0c6e1b4d7f2a9c5e8b0d3f61" });
    assert_eq!(checksum(value.clone()), ImageChecksum::Unrecognized(value));
    let tagged = json!({
        "$objectType": "vmm.v4.content.ImageSha256Checksum",
        "hexDigest": "9e5f1c0d3b7a2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f"
    });
    assert!(matches!(
        checksum(tagged),
        ImageChecksum::ImageSha256Checksum(_)
    ));
}

fn kv_value(value: Value) -> KvPairValue {
    let pair: KvPair = exact(
        "common.v1.0.config.KVPair, $.value",
        json!({ "name": "key", "value": value }),
    );
    pair.value.expect("value")
}

#[test]
fn kv_pair_value_decodes_each_shape_to_its_variant() {
    assert_eq!(kv_value(json!("text")), KvPairValue::String("text".into()));
    assert_eq!(kv_value(json!(42)), KvPairValue::Integer(42));
    assert_eq!(kv_value(json!(-7)), KvPairValue::Integer(-7));
    assert_eq!(kv_value(json!(true)), KvPairValue::Boolean(true));
    assert_eq!(
        kv_value(json!(["a", "b"])),
        KvPairValue::StringList(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        kv_value(json!([1, 2, 3])),
        KvPairValue::IntegerList(vec![1, 2, 3])
    );
    match kv_value(json!({ "zone": "a", "rack": "r7" })) {
        KvPairValue::StringMap(map) => {
            assert_eq!(map.get("rack").map(String::as_str), Some("r7"));
        }
        other => panic!("a map of strings should be StringMap, got {other:?}"),
    }
    for (maps, len) in [
        (json!([{ "map": { "a": "1" } }, { "map": {} }]), 2),
        (
            json!([{ "$objectType": "common.v1.config.MapOfStringWrapper", "map": { "a": "1" } }]),
            1,
        ),
    ] {
        match kv_value(maps.clone()) {
            KvPairValue::MapOfStringWrapperList(list) => assert_eq!(list.len(), len),
            other => panic!("{maps} should be MapOfStringWrapperList, got {other:?}"),
        }
    }
}

#[test]
fn kv_pair_value_that_fits_no_alternative_is_unrecognized() {
    for value in [
        json!(1.5),
        json!({ "zone": 1 }),
        json!([true, false]),
        json!(["a", 1]),
        json!([[1]]),
    ] {
        assert_eq!(
            kv_value(value.clone()),
            KvPairValue::Unrecognized(value.clone()),
            "$.value = {value}"
        );
    }
}

#[test]
fn kv_pair_empty_list_takes_the_first_list_alternative_and_round_trips() {
    // `[]` fits all three list alternatives. The runtime's documented rule for several
    // array candidates is "the first that decodes, in spec order": the string list.
    assert_eq!(kv_value(json!([])), KvPairValue::StringList(Vec::new()));
}

#[test]
fn response_envelope_data_without_object_type_decodes_by_shape() {
    let list: ListImagesApiResponse = exact(
        "vmm.v4.0.content.ListImagesApiResponse, $.data",
        json!({ "data": [{ "name": "a.iso", "type": "ISO_IMAGE" }] }),
    );
    assert!(
        matches!(list.data, Some(ListImagesApiResponseData::ImageList(ref images)) if images.len() == 1)
    );

    let error: ListImagesApiResponse = exact(
        "vmm.v4.0.content.ListImagesApiResponse, $.data",
        json!({ "data": { "error": [{ "code": "VMM-30303", "severity": "ERROR" }] } }),
    );
    let Some(ListImagesApiResponseData::ErrorResponse(error)) = error.data else {
        panic!("an object in $.data should be the ErrorResponse");
    };
    assert!(matches!(error.error, Some(ErrorResponseError::AppMessageList(ref m)) if m.len() == 1));
}

#[test]
fn object_sharing_no_key_with_any_alternative_is_unrecognized_not_the_permissive_one() {
    // `data` of a get-image response is Image | ErrorResponse. `{"name": "a"}` is not an
    // Image (its required `type` is missing); ErrorResponse would accept it only because it
    // requires nothing, while declaring none of its keys. That is not a fit.
    let value = json!({ "data": { "name": "a" } });
    let decoded: GetImageApiResponse = exact("vmm.v4.0.content.GetImageApiResponse, $.data", value);
    assert!(
        matches!(decoded.data, Some(GetImageApiResponseData::Unrecognized(_))),
        "got {:?}",
        decoded.data
    );

    // With one key the error response declares, it is the error response.
    let value = json!({ "data": { "error": [], "newServerField": 1 } });
    let decoded: GetImageApiResponse = exact("vmm.v4.0.content.GetImageApiResponse, $.data", value);
    assert!(matches!(
        decoded.data,
        Some(GetImageApiResponseData::ErrorResponse(_))
    ));
}

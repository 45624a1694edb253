//! What a newer server may send survives decode-then-encode exactly: unknown enum values,
//! unknown `$objectType`s, undeclared fields, `$unknownFields`, and `null` as distinct from
//! absent.

use ntnx_runtime::Model as _;
use ntnx_vmm::content::{Image, ImageChecksum, ImageSource, ImageType};
use ntnx_workspace_tests::examples::{example, Options};
use ntnx_workspace_tests::roundtrip::round_trip;
use ntnx_workspace_tests::specs;
use serde_json::{json, Value};

const IMAGE: &str = "vmm.v4.0.content.Image";

fn image() -> Value {
    json!({
        "$reserved": { "$fv": "v4.r0" },
        "$objectType": "vmm.v4.content.Image",
        "extId": "3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80",
        "name": "ubuntu-24.04-server.iso",
        "type": "ISO_IMAGE",
        "checksum": {
            "$objectType": "vmm.v4.content.ImageSha1Checksum",
            "hexDigest": "4a1f9c2e7b3d5f8a0c6e1b4d7f2a9c5e8b0d3f61"
        },
        "source": {
            "$objectType": "vmm.v4.content.UrlSource",
            "url": "https://releases.example.org/24.04/ubuntu-24.04-live-server-amd64.iso"
        }
    })
}

/// Round-trips `value` as an Image through the registry, then decodes it as the typed
/// model and checks the typed model encodes it back the same way too.
fn image_round_trip(value: &Value) -> Image {
    if let Err(e) = round_trip(IMAGE, value) {
        panic!("{IMAGE}: {e}\n  input: {value}");
    }
    let decoded: Image = serde_json::from_value(value.clone()).expect("decodes as Image");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(&encoded, value, "typed Image re-encodes differently");
    decoded
}

#[test]
fn unknown_enum_value_is_kept_as_unrecognized() {
    let mut value = image();
    value["type"] = json!("ZSTD_IMAGE");
    let decoded = image_round_trip(&value);
    assert_eq!(
        decoded.r#type,
        ImageType::Unrecognized("ZSTD_IMAGE".to_owned())
    );
}

#[test]
fn unknown_object_type_in_a_union_is_kept_as_raw_json() {
    let mut value = image();
    let future = json!({
        "$objectType": "vmm.v5.content.FutureSource",
        "bucket": "golden-images",
        "objectPath": "ubuntu/24.04.iso",
        "retries": 3
    });
    value["source"] = future.clone();
    let decoded = image_round_trip(&value);
    assert_eq!(decoded.source, Some(ImageSource::Unrecognized(future)));
}

#[test]
fn unknown_object_type_on_a_struct_is_kept() {
    let mut value = image();
    value["$objectType"] = json!("vmm.v5.content.Image");
    let decoded = image_round_trip(&value);
    assert_eq!(decoded.object_type(), Some("vmm.v5.content.Image"));
}

#[test]
fn undeclared_fields_are_kept_at_every_level() {
    let mut value = image();
    value["newServerField"] = json!({ "x": 1 });
    value["checksum"]["algorithmVersion"] = json!(2);
    value["source"]["mirrors"] = json!(["https://mirror-a.example.org", null]);
    let decoded = image_round_trip(&value);
    assert_eq!(
        decoded.extras.unknown().get("newServerField"),
        Some(&json!({ "x": 1 }))
    );
    match &decoded.checksum {
        Some(ImageChecksum::ImageSha1Checksum(sum)) => {
            assert_eq!(
                sum.extras.unknown().get("algorithmVersion"),
                Some(&json!(2))
            );
        }
        other => panic!("checksum should stay SHA-1 (its $objectType says so), got {other:?}"),
    }
}

#[test]
fn unknown_fields_marker_is_kept() {
    let mut value = image();
    value["$unknownFields"] = json!({ "legacyChecksumType": "MD5", "legacyFlags": [1, 2] });
    let decoded = image_round_trip(&value);
    assert_eq!(
        decoded.extras.unknown().get("$unknownFields"),
        Some(&value["$unknownFields"])
    );
}

#[test]
fn nullable_field_keeps_null_apart_from_absent() {
    let mut with_null = image();
    with_null["extId"] = Value::Null;
    let decoded = image_round_trip(&with_null);
    assert!(
        decoded.ext_id.is_null(),
        "extId: null should decode as Null"
    );

    let mut absent = image();
    absent.as_object_mut().unwrap().remove("extId");
    let decoded = image_round_trip(&absent);
    assert!(
        decoded.ext_id.is_absent(),
        "a missing extId should decode as Absent"
    );
}

#[test]
fn every_nullable_property_in_the_specs_keeps_null_and_absent() {
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    for spec in specs::all() {
        for name in spec.schemas().keys() {
            let base = example(spec, name, Options::default());
            let Some(object) = base.as_object() else {
                continue;
            };
            for key in object.keys() {
                if !is_nullable_property(spec, name, key) {
                    continue;
                }
                checked.push(format!("{} {name}.{key}", spec.label()));
                for variant in ["null", "absent"] {
                    let mut value = base.clone();
                    if variant == "null" {
                        value[key.as_str()] = Value::Null;
                    } else {
                        value.as_object_mut().unwrap().remove(key);
                    }
                    if let Err(e) = round_trip(name, &value) {
                        failures.push(format!("{} {name}.{key} = {variant}: {e}", spec.label()));
                    }
                }
            }
        }
    }
    assert!(
        !checked.is_empty(),
        "no nullable property found in the specs"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("nullable properties checked: {}", checked.len());
}

/// Whether property `key` of component `schema` (through `allOf`) says `nullable: true`.
fn is_nullable_property(spec: &specs::Spec, schema: &str, key: &str) -> bool {
    fn find<'a>(spec: &'a specs::Spec, node: &'a Value, key: &str) -> Option<&'a Value> {
        let node = spec.resolve(node);
        if let Some(found) = node.pointer(&format!("/properties/{key}")) {
            return Some(spec.resolve(found));
        }
        node.get("allOf")?
            .as_array()?
            .iter()
            .find_map(|part| find(spec, part, key))
    }
    spec.schema(schema)
        .and_then(|node| find(spec, node, key))
        .and_then(|property| property.get("nullable"))
        .and_then(Value::as_bool)
        == Some(true)
}

#[test]
fn everything_new_at_once_survives() {
    let mut value = image();
    value["type"] = json!("ZSTD_IMAGE");
    value["source"] = json!({ "$objectType": "vmm.v5.content.FutureSource", "x": [1] });
    value["newServerField"] = json!({ "x": 1 });
    value["$unknownFields"] = json!({ "y": null });
    value["extId"] = Value::Null;
    value["$reserved"]["ETag"] = json!("W/\"17\"");
    let decoded = image_round_trip(&value);
    assert_eq!(decoded.etag(), Some("W/\"17\""));
}

#[test]
fn null_on_an_optional_field_the_schema_does_not_mark_nullable_is_kept() {
    // The schemas do not allow `null` for `description` or `checksum`, but a server that
    // sends it must get it back: decode-then-encode gives the same JSON value.
    let mut value = image();
    value["description"] = Value::Null;
    value["checksum"] = Value::Null;
    let decoded = image_round_trip(&value);
    assert_eq!(decoded.description, None);
    assert!(decoded.extras().was_null("description"));

    // Setting the field afterwards writes the value, once.
    let mut edited = decoded;
    edited.description = Some("patched".to_owned());
    let encoded = serde_json::to_value(&edited).unwrap();
    assert_eq!(encoded["description"], json!("patched"));
    assert_eq!(encoded["checksum"], Value::Null);
}

#[test]
fn date_time_without_offset_is_kept_as_written() {
    let mut value = image();
    value["createTime"] = json!("2009-09-23T14:30:00");
    let decoded = image_round_trip(&value);
    let created = decoded.create_time.expect("createTime decoded");
    assert_eq!(created.offset_seconds(), None);
    assert_eq!(created.as_str(), "2009-09-23T14:30:00");
}

//! Hand-written payloads shaped like real Prism Central responses (every object tagged with
//! `$objectType` and `$reserved`, server-only keys such as `$dataItemDiscriminator`)
//! decode, keep the values they carry, and encode back exactly.

use ntnx_runtime::Model as _;
use ntnx_shared::common::v1::config::MessageSeverity;
use ntnx_vmm::ahv::config::{
    DataSourceReference, DiskBackingInfo, GetVmApiResponse, GetVmApiResponseData, MachineType,
    PowerState, VmBootConfig,
};
use ntnx_vmm::content::{
    CreateImageApiResponse, CreateImageApiResponseData, GetImageApiResponse,
    GetImageApiResponseData, ImageChecksum, ImageSource, ImageType, ListImagesApiResponse,
    ListImagesApiResponseData,
};
use ntnx_vmm::error::ErrorResponseError;
use ntnx_workspace_tests::roundtrip::round_trip;
use serde_json::{json, Value};

mod payloads;

use payloads::{flag, get_vm_response, link, list_images_response, metadata, reserved, BASE};

/// Decodes `payload` as `T` after checking through the registry that schema `schema`
/// re-encodes it exactly.
fn decode_exact<T: serde::de::DeserializeOwned>(schema: &str, payload: &Value) -> T {
    if let Err(e) = round_trip(schema, payload) {
        panic!("seed payload for {schema}: {e}");
    }
    match serde_json::from_value(payload.clone()) {
        Ok(value) => value,
        Err(e) => panic!("seed payload for {schema} does not decode as the typed model: {e}"),
    }
}

#[test]
fn list_images_response_round_trips_and_keeps_pagination_and_union_choices() {
    let payload = list_images_response();
    let response: ListImagesApiResponse =
        decode_exact("vmm.v4.0.content.ListImagesApiResponse", &payload);

    assert_eq!(response.extras.reserved(), reserved().as_object().cloned());
    assert_eq!(
        response.extras.unknown().get("$dataItemDiscriminator"),
        Some(&json!("vmm.v4.content.Image"))
    );
    let meta = response.metadata.as_ref().expect("metadata");
    assert_eq!(meta.total_available_results, Some(7));
    let flags: Vec<(&str, bool)> = meta
        .flags
        .iter()
        .flatten()
        .map(|f| (f.name.as_deref().unwrap_or(""), f.value.unwrap_or(true)))
        .collect();
    assert_eq!(
        flags,
        [
            ("hasError", false),
            ("isPaginated", true),
            ("isTruncated", false)
        ]
    );
    let rels: Vec<&str> = meta
        .links
        .iter()
        .flatten()
        .filter_map(|l| l.rel.as_deref())
        .collect();
    assert_eq!(rels, ["self", "first", "next", "last"]);

    let Some(ListImagesApiResponseData::ImageList(images)) = &response.data else {
        panic!("data should be the image list, got {:?}", response.data);
    };
    assert_eq!(images.len(), 2);
    let (first, second) = (&images[0], &images[1]);
    assert_eq!(first.name, "rocky-9.3-genericcloud.qcow2");
    assert_eq!(first.r#type, ImageType::DiskImage);
    assert_eq!(first.size_bytes, Some(10_737_418_240));
    assert_eq!(first.object_type(), Some("vmm.v4.content.Image"));
    assert_eq!(
        first.ext_id.value().map(String::as_str),
        Some("3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80")
    );
    assert_eq!(
        first.last_update_time.as_ref().map(|t| t.as_str()),
        Some("2024-02-11 09:45:30+05:30"),
        "a date-time keeps the text it was given"
    );
    match &first.checksum {
        Some(ImageChecksum::ImageSha256Checksum(sum)) => {
            assert!(sum.hex_digest.starts_with("9e5f1c0d"));
        }
        other => panic!("first image checksum should be SHA-256, got {other:?}"),
    }
    match &first.source {
        Some(ImageSource::UrlSource(source)) => {
            assert!(source.url.ends_with("Rocky-9-GenericCloud.qcow2"));
        }
        other => panic!("first image source should be a URL, got {other:?}"),
    }
    assert_eq!(second.r#type, ImageType::IsoImage);
    assert!(
        matches!(&second.checksum, Some(ImageChecksum::ImageSha1Checksum(_))),
        "second image checksum should be SHA-1, got {:?}",
        second.checksum
    );
    match &second.source {
        Some(ImageSource::VmDiskSource(source)) => {
            assert_eq!(source.ext_id, "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f");
        }
        other => panic!("second image source should be a VM disk, got {other:?}"),
    }
}

#[test]
fn get_vm_response_round_trips_and_keeps_etag_enums_and_nested_unions() {
    let payload = get_vm_response();
    let response: GetVmApiResponse = decode_exact("vmm.v4.0.ahv.config.GetVmApiResponse", &payload);
    let Some(GetVmApiResponseData::Vm(vm)) = &response.data else {
        panic!("data should be a Vm, got {:?}", response.data);
    };
    assert_eq!(vm.name.as_deref(), Some("db-primary-01"));
    assert_eq!(vm.etag(), Some("\"a5c1e9b3-1706085631781\""));
    assert_eq!(vm.power_state, Some(PowerState::On));
    assert_eq!(vm.machine_type, Some(MachineType::Q35));
    assert_eq!(vm.memory_size_bytes, Some(17_179_869_184));
    assert!(
        matches!(&vm.boot_config, Some(VmBootConfig::UefiBoot(boot)) if boot.is_secure_boot_enabled == Some(true)),
        "boot config should be UEFI with secure boot, got {:?}",
        vm.boot_config
    );
    let disk = &vm.disks.as_ref().expect("disks")[0];
    let Some(DiskBackingInfo::VmDisk(backing)) = &disk.backing_info else {
        panic!(
            "disk backing should be a VmDisk, got {:?}",
            disk.backing_info
        );
    };
    assert_eq!(backing.disk_size_bytes, Some(107_374_182_400));
    let reference = backing
        .data_source
        .as_ref()
        .and_then(|source| source.reference.as_ref());
    assert!(
        matches!(reference, Some(DataSourceReference::ImageReference(image))
            if image.image_ext_id.as_deref() == Some("3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80")),
        "disk data source should reference the image, got {reference:?}"
    );
}

#[test]
fn task_reference_accepted_response_round_trips() {
    let task = "ZXJnb24=:5b2e8c41-9d7a-4f3e-b6c0-1a2d3e4f5a6b";
    let payload = json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.content.CreateImageApiResponse",
        "metadata": metadata(
            vec![flag("hasError", false), flag("isPaginated", false)],
            vec![link("self", &format!("{BASE}/prism/v4.0/config/tasks/{task}"))],
        ),
        "data": {
            "$reserved": reserved(),
            "$objectType": "prism.v4.config.TaskReference",
            "extId": task
        }
    });
    let response: CreateImageApiResponse =
        decode_exact("vmm.v4.0.content.CreateImageApiResponse", &payload);
    match &response.data {
        Some(CreateImageApiResponseData::TaskReference(reference)) => {
            assert_eq!(reference.ext_id.as_deref(), Some(task));
        }
        other => panic!("data should be a task reference, got {other:?}"),
    }
}

#[test]
fn error_response_with_app_messages_round_trips() {
    let image = "0e9d8c7b-6a5f-4e4d-9c3b-2a1f0e9d8c7b";
    let payload = json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.content.GetImageApiResponse",
        "metadata": metadata(vec![flag("hasError", true), flag("isPaginated", false)], vec![]),
        "data": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.error.ErrorResponse",
            "error": [
                {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.error.AppMessage",
                    "message": format!("Failed to find the image with ext ID {image}."),
                    "severity": "ERROR",
                    "code": "VMM-30303",
                    "locale": "en_US",
                    "errorGroup": "IMAGE_NOT_FOUND",
                    "argumentsMap": { "extId": image }
                },
                {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.error.AppMessage",
                    "message": "Retry after the catalog sync completes.",
                    "severity": "INFO",
                    "code": "VMM-10001",
                    "locale": "en_US"
                }
            ],
            "$errorItemDiscriminator": "List<vmm.v4.error.AppMessage>"
        }
    });
    let response: GetImageApiResponse =
        decode_exact("vmm.v4.0.content.GetImageApiResponse", &payload);
    let Some(GetImageApiResponseData::ErrorResponse(error)) = &response.data else {
        panic!("data should be an error response, got {:?}", response.data);
    };
    let Some(ErrorResponseError::AppMessageList(messages)) = &error.error else {
        panic!(
            "error should be a list of AppMessages, got {:?}",
            error.error
        );
    };
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].code.as_deref(), Some("VMM-30303"));
    assert_eq!(messages[0].severity, Some(MessageSeverity::Error));
    assert_eq!(messages[1].severity, Some(MessageSeverity::Info));
    assert_eq!(
        messages[0]
            .arguments_map
            .as_ref()
            .and_then(|map| map.get("extId"))
            .map(String::as_str),
        Some(image)
    );
    let flags = &response.metadata.as_ref().expect("metadata").flags;
    assert_eq!(flags.as_ref().expect("flags")[0].value, Some(true));
}

#[test]
fn error_response_with_schema_validation_error_round_trips() {
    let payload = json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.content.GetImageApiResponse",
        "metadata": metadata(vec![flag("hasError", true)], vec![]),
        "data": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.error.ErrorResponse",
            "error": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.error.SchemaValidationError",
                "timestamp": "2024-04-18 11:02:45.117+02:00",
                "statusCode": 400,
                "error": "Bad Request",
                "path": "/api/vmm/v4.0/content/images",
                "validationErrorMessages": [{
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.error.SchemaValidationErrorMessage",
                    "location": "body",
                    "message": "size must be between 1 and 256",
                    "attributePath": "name"
                }]
            }
        }
    });
    let response: GetImageApiResponse =
        decode_exact("vmm.v4.0.content.GetImageApiResponse", &payload);
    let Some(GetImageApiResponseData::ErrorResponse(error)) = &response.data else {
        panic!("data should be an error response, got {:?}", response.data);
    };
    let Some(ErrorResponseError::SchemaValidationError(validation)) = &error.error else {
        panic!(
            "error should be a SchemaValidationError, got {:?}",
            error.error
        );
    };
    assert_eq!(validation.status_code, Some(400));
    assert_eq!(
        validation.timestamp.as_ref().map(|t| t.as_str()),
        Some("2024-04-18 11:02:45.117+02:00")
    );
    let messages = validation
        .validation_error_messages
        .as_ref()
        .expect("messages");
    assert_eq!(messages[0].attribute_path.as_deref(), Some("name"));
}

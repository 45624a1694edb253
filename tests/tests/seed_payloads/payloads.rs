//! Hand-written response payloads, shaped like what Prism Central sends.

use serde_json::{json, Value};

pub(crate) const BASE: &str = "https://10.40.52.18:9440/api";

pub(crate) fn reserved() -> Value {
    json!({ "$fv": "v4.r0" })
}

pub(crate) fn flag(name: &str, value: bool) -> Value {
    json!({
        "$reserved": { "$fv": "v1.r0" },
        "$objectType": "common.v1.config.Flag",
        "name": name,
        "value": value
    })
}

pub(crate) fn link(rel: &str, href: &str) -> Value {
    json!({
        "$reserved": { "$fv": "v1.r0" },
        "$objectType": "common.v1.response.ApiLink",
        "href": href,
        "rel": rel
    })
}

pub(crate) fn metadata(flags: Vec<Value>, links: Vec<Value>) -> Value {
    json!({
        "$reserved": { "$fv": "v1.r0" },
        "$objectType": "common.v1.response.ApiResponseMetadata",
        "flags": flags,
        "links": links
    })
}

pub(crate) fn list_images_response() -> Value {
    let images = format!("{BASE}/vmm/v4.0/content/images");
    let mut meta = metadata(
        vec![
            flag("hasError", false),
            flag("isPaginated", true),
            flag("isTruncated", false),
        ],
        vec![
            link("self", &format!("{images}?$page=1&$limit=2")),
            link("first", &format!("{images}?$page=0&$limit=2")),
            link("next", &format!("{images}?$page=2&$limit=2")),
            link("last", &format!("{images}?$page=3&$limit=2")),
        ],
    );
    meta["totalAvailableResults"] = json!(7);
    json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.content.ListImagesApiResponse",
        "metadata": meta,
        "data": [
            {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.content.Image",
                "extId": "3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80",
                "tenantId": "0f2d4c6e-8a1b-4c3d-9e5f-7a6b8c9d0e1f",
                "links": [link("self", &format!("{images}/3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80"))],
                "name": "rocky-9.3-genericcloud.qcow2",
                "description": "Rocky Linux 9.3 cloud image",
                "type": "DISK_IMAGE",
                "checksum": {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.content.ImageSha256Checksum",
                    "hexDigest": "9e5f1c0d3b7a2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f"
                },
                "sizeBytes": 10_737_418_240_i64,
                "source": {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.content.UrlSource",
                    "url": "https://mirror.example.org/rocky/9.3/Rocky-9-GenericCloud.qcow2"
                },
                "categoryExtIds": ["a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"],
                "clusterLocationExtIds": ["00061de6-1a2b-3c4d-0000-00000000b2c1"],
                "createTime": "2024-02-11T09:41:07.512318Z",
                "lastUpdateTime": "2024-02-11 09:45:30+05:30",
                "ownerExtId": "00000000-0000-0000-0000-000000000000",
                "placementPolicyStatus": [
                    {
                        "$reserved": reserved(),
                        "$objectType": "vmm.v4.content.ImagePlacementStatus",
                        "placementPolicyExtId": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
                        "complianceStatus": "COMPLIANT",
                        "enforcementMode": "ENFORCING",
                        "policyClusterExtIds": ["00061de6-1a2b-3c4d-0000-00000000b2c1"],
                        "enforcedClusterExtIds": ["00061de6-1a2b-3c4d-0000-00000000b2c1"]
                    }
                ]
            },
            {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.content.Image",
                "extId": "b8e2d4f6-0a1c-4e3b-8d5f-7a9c1e3b5d7f",
                "name": "win2022-install.iso",
                "type": "ISO_IMAGE",
                "checksum": {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.content.ImageSha1Checksum",
                    "hexDigest": "4a1f9c2e7b3d5f8a0c6e1b4d7f2a9c5e8b0d3f61"
                },
                "sizeBytes": 5_368_709_120_i64,
                "source": {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.content.VmDiskSource",
                    "extId": "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
                },
                "createTime": "2023-11-30T22:03:55Z",
                "lastUpdateTime": "2023-12-01T08:00:00.000-08:00"
            }
        ],
        "$dataItemDiscriminator": "vmm.v4.content.Image"
    })
}

pub(crate) fn get_vm_response() -> Value {
    let vm_id = "7a5c1e9b-3d2f-4b8a-9c6e-0f1d2a3b4c5d";
    let mut meta = metadata(
        vec![flag("hasError", false), flag("isPaginated", false)],
        vec![link(
            "self",
            &format!("{BASE}/vmm/v4.0/ahv/config/vms/{vm_id}"),
        )],
    );
    meta["totalAvailableResults"] = json!(1);
    json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.ahv.config.GetVmApiResponse",
        "metadata": meta,
        "data": {
            "$reserved": {
                "$fv": "v4.r0",
                "ETag": "\"a5c1e9b3-1706085631781\""
            },
            "$objectType": "vmm.v4.ahv.config.Vm",
            "extId": vm_id,
            "name": "db-primary-01",
            "description": "PostgreSQL primary",
            "createTime": "2024-01-24T08:40:31.781504Z",
            "updateTime": "2024-03-02T17:12:09.004115Z",
            "numSockets": 2,
            "numCoresPerSocket": 4,
            "numThreadsPerCore": 1,
            "numNumaNodes": 0,
            "memorySizeBytes": 17_179_869_184_i64,
            "isVcpuHardPinningEnabled": false,
            "isCpuPassthroughEnabled": false,
            "isMemoryOvercommitEnabled": false,
            "biosUuid": "7a5c1e9b-3d2f-4b8a-9c6e-0f1d2a3b4c5d",
            "generationUuid": "e1d2c3b4-a596-4877-8695-a4b3c2d1e0f9",
            "cluster": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.ClusterReference",
                "extId": "00061de6-1a2b-3c4d-0000-00000000b2c1"
            },
            "host": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.HostReference",
                "extId": "8f7e6d5c-4b3a-4291-8071-6f5e4d3c2b1a"
            },
            "categories": [{
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.CategoryReference",
                "extId": "2e4a6c8e-0b1d-4f3a-8c5e-7b9d1f3a5c7e"
            }],
            "machineType": "Q35",
            "powerState": "ON",
            "hardwareClockTimezone": "UTC",
            "isAgentVm": false,
            "bootConfig": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.UefiBoot",
                "isSecureBootEnabled": true,
                "bootOrder": ["DISK", "CDROM", "NETWORK"]
            },
            "disks": [vm_disk()],
            "nics": [vm_nic()]
        }
    })
}

fn vm_disk() -> Value {
    json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.ahv.config.Disk",
        "extId": "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        "diskAddress": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.ahv.config.DiskAddress",
            "busType": "SCSI",
            "index": 0
        },
        "backingInfo": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.ahv.config.VmDisk",
            "diskExtId": "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
            "diskSizeBytes": 107_374_182_400_i64,
            "storageContainer": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.VmDiskContainerReference",
                "extId": "6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"
            },
            "dataSource": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.DataSource",
                "reference": {
                    "$reserved": reserved(),
                    "$objectType": "vmm.v4.ahv.config.ImageReference",
                    "imageExtId": "3f7c9a51-27d4-4e8b-9c0a-5b1e6d2f4a80"
                }
            },
            "isMigrationInProgress": false
        }
    })
}

fn vm_nic() -> Value {
    json!({
        "$reserved": reserved(),
        "$objectType": "vmm.v4.ahv.config.Nic",
        "extId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "backingInfo": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.ahv.config.EmulatedNic",
            "model": "VIRTIO",
            "macAddress": "50:6b:8d:3e:71:0c",
            "isConnected": true,
            "numQueues": 1
        },
        "networkInfo": {
            "$reserved": reserved(),
            "$objectType": "vmm.v4.ahv.config.NicNetworkInfo",
            "nicType": "NORMAL_NIC",
            "subnet": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.SubnetReference",
                "extId": "4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9"
            },
            "vlanMode": "ACCESS",
            "shouldAllowUnknownMacs": false,
            "ipv4Info": {
                "$reserved": reserved(),
                "$objectType": "vmm.v4.ahv.config.Ipv4Info",
                "learnedIpAddresses": [{
                    "$reserved": { "$fv": "v1.r0" },
                    "$objectType": "common.v1.config.IPv4Address",
                    "value": "10.40.60.21",
                    "prefixLength": 32
                }]
            }
        }
    })
}

//! Code a downstream team writes against `ntnx-volumes-v4-0` as it is generated today:
//! models built with `default()` and field assignments, matches on an enum and a union
//! (with the `_` arm their `#[non_exhaustive]` asks for), request builders with optional
//! parameters. It is a workspace member, so it builds against the committed crates; the
//! evolution test (`generator/tests/evolution.rs`) also builds it against a release derived
//! from the published spec with a field, an enum value and an operation added. It must
//! build against both: an additive release breaks no downstream code.

use ntnx_volumes::config::{GetVolumeGroupApiResponseData, SharingStatus, VolumeGroup};
use ntnx_volumes::VolumesClient;

/// A volume group to create, shared between VMs.
pub fn shared_group(name: &str) -> VolumeGroup {
    let mut group = VolumeGroup::default();
    group.name = Some(name.to_owned());
    group.description = Some("created by the downstream check".to_owned());
    group.sharing_status = Some(SharingStatus::Shared);
    group
}

/// How a group is shared, in words.
pub fn sharing(group: &VolumeGroup) -> &'static str {
    match &group.sharing_status {
        Some(SharingStatus::Shared) => "shared",
        Some(SharingStatus::NotShared) => "not shared",
        Some(SharingStatus::Unrecognized(_)) => "a status this SDK does not know",
        Some(_) => "another status",
        None => "not said",
    }
}

/// The group of a `getVolumeGroupById` answer, if it holds one.
pub fn group_of(data: GetVolumeGroupApiResponseData) -> Option<VolumeGroup> {
    match data {
        GetVolumeGroupApiResponseData::VolumeGroup(group) => Some(*group),
        GetVolumeGroupApiResponseData::ErrorResponse(_) => None,
        _ => None,
    }
}

/// The first ten groups named `name`.
pub async fn groups_named(
    volumes: &VolumesClient,
    name: &str,
) -> Result<Vec<VolumeGroup>, ntnx_runtime::Error> {
    let page = volumes
        .volume_groups()
        .list_volume_groups()
        .filter(|group| group.name().eq(name))
        .limit(10)
        .send()
        .await?;
    Ok(page.data.unwrap_or_default())
}

/// Creates a shared group; the task reference it answers with.
pub async fn create_shared(
    volumes: &VolumesClient,
    name: &str,
) -> Result<Option<String>, ntnx_runtime::Error> {
    let task = volumes
        .volume_groups()
        .create_volume_group(shared_group(name))
        .send()
        .await?
        .into_data()?;
    Ok(task.ext_id)
}

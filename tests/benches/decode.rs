//! Decode and encode speed of the generated types against `serde_json::Value`, on list
//! responses of 100 fully populated VMs and 100 images (see `common/payloads.rs`).
//!
//! The generated side decodes the whole body with `serde_json::from_slice` into the
//! generated list response type (`ntnx_vmm::ahv::config::ListVmsApiResponse`,
//! `ntnx_vmm::content::ListImagesApiResponse`): the same types and visitors the client's
//! envelope decoding runs, without the HTTP layer. Encoding is `serde_json::to_vec` of the
//! decoded value. One more measurement decodes the same type through
//! `serde_path_to_error` (what the runtime does only to name the JSON path of a body that
//! failed to decode), to show what tracking the path costs. Each payload is measured
//! twice: as `Value` writes it (keys sorted, so `$objectType` first in every object) and
//! with `$objectType` last (`-type-last`), the slower path of the unions. With
//! `--dir DIR` the bodies are left in `DIR/<name>.json` for the Python benchmark.

mod common;

use common::payloads::{self, Payload};
use std::hint::black_box;

use common::{load_average, Args, Results};
use ntnx_vmm::ahv::config::{ListVmsApiResponse, ListVmsApiResponseData};
use ntnx_vmm::content::{ListImagesApiResponse, ListImagesApiResponseData};
use ntnx_workspace_tests::roundtrip::diff;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Entities per list response.
const ENTITIES: usize = 100;

fn main() {
    let args = Args::parse();
    let mut results = Results::new("decode", &args);
    let vms = payloads::vms(ENTITIES);
    let images = payloads::images(ENTITIES);
    let vms_type_last = payloads::type_last(&vms, "vms-type-last");
    let images_type_last = payloads::type_last(&images, "images-type-last");
    for payload in [&vms, &vms_type_last] {
        bench::<ListVmsApiResponse>(payload, &args, &mut results, |decoded| {
            match &decoded.data {
                Some(ListVmsApiResponseData::VmList(items)) => items.len(),
                _ => 0,
            }
        });
    }
    for payload in [&images, &images_type_last] {
        bench::<ListImagesApiResponse>(payload, &args, &mut results, |decoded| {
            match &decoded.data {
                Some(ListImagesApiResponseData::ImageList(items)) => items.len(),
                _ => 0,
            }
        });
    }
    for payload in [&vms, &images, &vms_type_last, &images_type_last] {
        results.note(&format!("{}_bytes", payload.name), payload.bytes.len());
        results.note(&format!("{}_entities", payload.name), payload.entities);
        results.note(&format!("{}_schema", payload.name), payload.item_schema);
        results.note(
            &format!("{}_python_type", payload.name),
            payload.python_type,
        );
        if let Some(dir) = &args.dir {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
            let path = dir.join(format!("{}.json", payload.name));
            std::fs::write(&path, &payload.bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        }
    }
    results.note("vms_rust_type", std::any::type_name::<ListVmsApiResponse>());
    results.note(
        "images_rust_type",
        std::any::type_name::<ListImagesApiResponse>(),
    );
    results.write(&args);
}

/// Measures decoding and encoding of `payload` as `T` and as `Value`. `count` tells how
/// many entities a decoded `T` holds in `data` as a typed list (not as an unrecognized
/// value), which must be all of them.
fn bench<T: DeserializeOwned + Serialize>(
    payload: &Payload,
    args: &Args,
    results: &mut Results,
    count: impl Fn(&T) -> usize,
) {
    let bytes = payload.bytes.as_slice();
    let name = payload.name;
    let typed: T = serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{}: does not decode: {e}", payload.list_schema));
    assert_eq!(
        count(&typed),
        payload.entities,
        "{}: `data` did not decode as a list of {}",
        payload.list_schema,
        payload.item_schema
    );
    let value: Value = serde_json::from_slice(bytes).expect("the payload is JSON");
    let encoded = serde_json::to_value(&typed).expect("the generated types encode");
    let differences = diff(&value, &encoded);
    assert!(
        differences.is_empty(),
        "{}: re-encodes differently:\n{}",
        payload.list_schema,
        differences.join("\n")
    );
    let (entities, size) = (payload.entities, bytes.len());
    let timer = args.timer();
    // `--only NAME`: that measurement alone, for a profiler.
    if let Some(only) = &args.only {
        let samples = match only.strip_prefix(&format!("{name}/")) {
            Some("ours/decode") => {
                timer.measure(|| serde_json::from_slice::<T>(bytes).expect("decodes"))
            }
            Some("value/decode") => {
                timer.measure(|| serde_json::from_slice::<Value>(bytes).expect("decodes"))
            }
            Some("ours/encode") => timer.measure(|| serde_json::to_vec(&typed).expect("encodes")),
            Some("value/encode") => timer.measure(|| serde_json::to_vec(&value).expect("encodes")),
            _ => return,
        };
        results.add(only, samples, entities, size);
        return;
    }
    // Decoding: ours, ours with the path tracked, and `Value`, in turns.
    let load_before = load_average();
    let decoded = timer.interleaved(&mut [
        &mut || {
            black_box(serde_json::from_slice::<T>(bytes).expect("decodes"));
        },
        &mut || {
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            black_box(
                serde_path_to_error::deserialize::<_, T>(&mut deserializer).expect("decodes"),
            );
        },
        &mut || {
            black_box(serde_json::from_slice::<Value>(bytes).expect("decodes"));
        },
    ]);
    let names = [
        format!("{name}/ours/decode"),
        format!("{name}/ours/decode-tracking-path"),
        format!("{name}/value/decode"),
    ];
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    results.compare(
        &names,
        decoded,
        entities,
        size,
        (load_before, load_average()),
    );
    // Encoding: ours and `Value`, in turns.
    let load_before = load_average();
    let encoded = timer.interleaved(&mut [
        &mut || {
            black_box(serde_json::to_vec(&typed).expect("encodes"));
        },
        &mut || {
            black_box(serde_json::to_vec(&value).expect("encodes"));
        },
    ]);
    let names = [
        format!("{name}/ours/encode"),
        format!("{name}/value/encode"),
    ];
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    results.compare(
        &names,
        encoded,
        entities,
        size,
        (load_before, load_average()),
    );
}

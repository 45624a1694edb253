//! Allocations of decoding the decode benchmark's list responses (see `common/payloads.rs`)
//! into the generated types and into `serde_json::Value`: how many, and how many bytes,
//! per entity. Unlike times, these do not depend on the machine's load. A binary of its
//! own: the counting allocator slows every allocation, which must not reach the timed
//! benchmarks.
//!
//! With `--only NAME` it also decodes the parts of one entity of payload `NAME` (each
//! top-level field alone, as its own JSON value) and prints what each allocates, to show
//! where a decode's allocations go.

mod common;

use std::alloc::System;

use common::payloads::{self, Payload};
use common::{Args, Results};
use ntnx_vmm::ahv::config::{ListVmsApiResponse, Vm};
use ntnx_vmm::content::{Image, ListImagesApiResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Entities per list response, as in the decode benchmark.
const ENTITIES: usize = 100;

fn main() {
    let args = Args::parse();
    let mut results = Results::new("allocations", &args);
    let vms = payloads::vms(ENTITIES);
    let images = payloads::images(ENTITIES);
    count::<ListVmsApiResponse>(&vms, &mut results);
    count::<ListImagesApiResponse>(&images, &mut results);
    match args.only.as_deref() {
        Some("vms") => parts::<Vm>(&vms),
        Some("images") => parts::<Image>(&images),
        _ => {}
    }
    results.write(&args);
}

/// Allocations and bytes allocated while decoding `bytes` as `T` (the value dropped after).
fn allocations<T: DeserializeOwned>(bytes: &[u8]) -> (usize, usize) {
    let region = Region::new(GLOBAL);
    let decoded: T = serde_json::from_slice(bytes).expect("decodes");
    let change = region.change();
    drop(decoded);
    (
        change.allocations + change.reallocations,
        change.bytes_allocated,
    )
}

fn count<T: DeserializeOwned>(payload: &Payload, results: &mut Results) {
    let name = payload.name;
    for (what, (count, bytes)) in [
        ("ours", allocations::<T>(&payload.bytes)),
        ("value", allocations::<Value>(&payload.bytes)),
    ] {
        println!(
            "{name}/{what}: {:.1} allocations, {:.0} bytes per entity",
            count as f64 / payload.entities as f64,
            bytes as f64 / payload.entities as f64
        );
        results.note(&format!("{name}_{what}_allocations"), count);
        results.note(&format!("{name}_{what}_allocated_bytes"), bytes);
    }
    results.note(&format!("{name}_entities"), payload.entities);
}

/// Prints what each top-level field of the first entity allocates, decoded as part of an
/// entity of type `T` with only that field, against `Value`.
fn parts<T: DeserializeOwned>(payload: &Payload) {
    let body: Value = serde_json::from_slice(&payload.bytes).expect("JSON");
    let Some(Value::Object(entity)) = body["data"].get(0).cloned() else {
        return;
    };
    let mut rows: Vec<(String, usize, usize)> = entity
        .iter()
        .map(|(key, value)| {
            let mut alone = serde_json::Map::new();
            alone.insert(key.clone(), value.clone());
            let text = serde_json::to_vec(&Value::Object(alone)).expect("JSON");
            let ours = allocations::<T>(&text).0;
            let value = allocations::<Value>(&text).0;
            (key.clone(), ours, value)
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    println!("{:<36} {:>8} {:>8}", "field of one entity", "ours", "Value");
    for (key, ours, value) in rows {
        println!("{key:<36} {ours:>8} {value:>8}");
    }
}

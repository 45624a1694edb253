//! Realistic list responses built from the vmm spec's examples: `{"data": [...],
//! "metadata": {...}}` with `count` fully populated entities (every optional field,
//! `$objectType`, `$reserved`, the `oneOf` alternatives rotating from entity to entity) and
//! distinct `extId`s and names.

use ntnx_workspace_tests::examples::{example, examples, Options};
use ntnx_workspace_tests::specs::{self, Spec};
use serde_json::{json, Value};

/// A list response body and what it holds.
#[derive(Clone, Debug)]
pub struct Payload {
    /// Short name: `vms`, `images`.
    pub name: &'static str,
    /// Schema of one entity.
    pub item_schema: &'static str,
    /// Schema of the list response.
    pub list_schema: &'static str,
    /// The Python SDK's name of the list response type.
    pub python_type: &'static str,
    /// Entities in `data`.
    pub entities: usize,
    /// The JSON body.
    pub bytes: Vec<u8>,
}

/// 100 VMs (`vmm.v4.0.ahv.config.Vm`) in a `ListVmsApiResponse`.
pub fn vms(count: usize) -> Payload {
    build(
        "vms",
        "vmm.v4.0.ahv.config.Vm",
        "vmm.v4.0.ahv.config.ListVmsApiResponse",
        "vmm.v4.ahv.config.ListVmsApiResponse",
        count,
    )
}

/// Images (`vmm.v4.0.content.Image`) in a `ListImagesApiResponse`.
pub fn images(count: usize) -> Payload {
    build(
        "images",
        "vmm.v4.0.content.Image",
        "vmm.v4.0.content.ListImagesApiResponse",
        "vmm.v4.content.ListImagesApiResponse",
        count,
    )
}

/// The pinned vmm spec.
fn vmm() -> &'static Spec {
    specs::all()
        .iter()
        .find(|spec| spec.namespace == "vmm")
        .expect("specs/manifest.toml pins a vmm spec")
}

fn build(
    name: &'static str,
    item_schema: &'static str,
    list_schema: &'static str,
    python_type: &'static str,
    count: usize,
) -> Payload {
    let spec = vmm();
    let options = Options {
        object_type: true,
        reserved: true,
        ..Options::default()
    };
    let rotations = examples(spec, item_schema, options).values;
    let items: Vec<Value> = (0..count)
        .map(|i| {
            let mut item = rotations[i % rotations.len()].clone();
            if let Some(object) = item.as_object_mut() {
                object.insert(
                    "extId".to_owned(),
                    json!(format!("{i:08x}-5a3e-4c1b-9d2f-{:012x}", i * 7919)),
                );
                object.insert("name".to_owned(), json!(format!("{name}-{i:03}")));
            }
            item
        })
        .collect();
    let mut envelope = example(spec, list_schema, options);
    let object = envelope
        .as_object_mut()
        .unwrap_or_else(|| panic!("{list_schema}: the example is not an object"));
    object.insert("data".to_owned(), Value::Array(items));
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("totalAvailableResults".to_owned(), json!(count));
    }
    Payload {
        name,
        item_schema,
        list_schema,
        python_type,
        entities: count,
        bytes: serde_json::to_vec(&envelope).expect("a Value encodes"),
    }
}

/// `payload` renamed `name`, with `$objectType` written last in every object instead of
/// first (the keys of a `Value` are sorted, and `$` sorts first). A server may order its
/// keys either way; with the type last, a union buffers its members before it can choose a
/// variant, so this is the slower path of the generated decoders.
pub fn type_last(payload: &Payload, name: &'static str) -> Payload {
    let value: Value = serde_json::from_slice(&payload.bytes).expect("the payload is JSON");
    let mut bytes = Vec::with_capacity(payload.bytes.len());
    write_type_last(&value, &mut bytes);
    Payload {
        name,
        bytes,
        ..payload.clone()
    }
}

fn write_type_last(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            out.push(b'{');
            let rest = map.iter().filter(|(key, _)| *key != "$objectType");
            for (i, (key, member)) in rest.chain(map.get_key_value("$objectType")).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).expect("a key encodes");
                out.push(b':');
                write_type_last(member, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_type_last(item, out);
            }
            out.push(b']');
        }
        other => serde_json::to_writer(&mut *out, other).expect("a value encodes"),
    }
}

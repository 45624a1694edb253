//! Typed query options against the specs they come from.
//!
//! - Every operation of every pinned spec that documents query fields is called with typed
//!   `$filter`, `$orderby`, `$select` and `$expand` built from every accessor the generator
//!   emitted for it (`ntnx_registry::call_with_typed_queries`), against a recording server
//!   on 127.0.0.1: what goes on the wire names exactly the fields the spec's option
//!   descriptions list (read here from the spec text), in the spec's order.
//! - The entities of the operations that take `$select` have projections, which decode any
//!   selection of an entity payload built from the spec and encode it back unchanged.
//! - `$expand` keys that name a schema decode into it; the others stay raw JSON.

use std::collections::{BTreeMap, BTreeSet};

use ntnx_workspace_tests::examples::{example, Options};
use ntnx_workspace_tests::roundtrip::diff;
use ntnx_workspace_tests::specs::{self, Operation, Spec};
use ntnx_workspace_tests::{calls, report};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const OPTIONS: [&str; 4] = ["$filter", "$orderby", "$select", "$expand"];

/// The `- path` lines of each query option's description, by option.
fn documented(operation: &Operation<'_>) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    for parameter in operation
        .op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let parameter = operation.spec.resolve(parameter);
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(option) = OPTIONS.iter().find(|o| **o == name) else {
            continue;
        };
        let description = parameter
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let paths = description
            .lines()
            .filter_map(|line| line.trim().strip_prefix("- "))
            .map(|path| path.trim().to_owned())
            .filter(|path| !path.contains(' '))
            .collect();
        out.insert(*option, paths);
    }
    out
}

/// Whether filter term `term` names `path` as a property (not as part of a longer one).
fn mentions(term: &str, path: &str) -> bool {
    term.match_indices(path).any(|(at, _)| {
        let before = term[..at].chars().next_back();
        let after = term[at + path.len()..].chars().next();
        matches!(before, None | Some(' ' | '('))
            && matches!(after, None | Some(' ' | ',' | ')' | '/'))
    })
}

#[tokio::test]
async fn typed_options_send_exactly_the_documented_fields() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = ntnx_runtime::Client::builder("127.0.0.1")
        .base_url(server.uri())
        .basic_auth("admin", "typed-queries-password")
        .proxy_from_env(false)
        .max_attempts(1)
        .build()
        .expect("a client");

    let operations = calls::spec_operations().expect("the registry matches the specs");
    let mut problems = Vec::new();
    let mut checked = BTreeMap::<&str, usize>::new();
    for (index, operation) in &operations {
        let documented = documented(operation);
        let typed = ntnx_registry::TYPED_QUERIES.contains(index);
        let label = operation.label();
        if documented.values().all(Vec::is_empty) {
            if typed {
                problems.push(format!(
                    "{label}: typed options, but the spec documents none"
                ));
            }
            continue;
        }
        if !typed {
            problems.push(format!(
                "{label}: documents query fields, has no typed options"
            ));
            continue;
        }
        let call = calls::plan(*index, operation).expect("arguments for the call");
        let before = server.received_requests().await.expect("recorded").len();
        let call = ntnx_registry::call_with_typed_queries(&client, *index, &call.args)
            .expect("a typed call")
            .await;
        if let Err(e) = call {
            problems.push(format!("{label}: the typed call failed: {e}"));
            continue;
        }
        let requests = server.received_requests().await.expect("recorded");
        let [request] = &requests[before..] else {
            problems.push(format!("{label}: {} requests", requests.len() - before));
            continue;
        };
        let sent: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        for (option, paths) in &documented {
            if let Some(problem) = compare(option, paths, sent.get(*option)) {
                problems.push(format!("{label} {option}: {problem}"));
            }
        }
        *checked
            .entry(operation.spec.namespace.as_str())
            .or_default() += 1;
    }
    assert!(
        problems.is_empty(),
        "{}",
        report("typed query options vs the specs", &problems, 40)
    );
    // The pinned specs document query fields on 52 operations (counted in the spec text
    // by hand: vmm 21, clustermgmt 16, volumes 7, prism 8, dataprotection none).
    let expected = BTreeMap::from([
        ("clustermgmt", 16),
        ("prism", 8),
        ("vmm", 21),
        ("volumes", 7),
    ]);
    assert_eq!(checked, expected);
}

/// What is wrong with the `sent` value of `option`, whose documented fields are `paths`.
fn compare(option: &str, paths: &[String], sent: Option<&String>) -> Option<String> {
    if paths.is_empty() {
        return sent.map(|value| format!("sent {value:?}, but no field is documented"));
    }
    let Some(sent) = sent else {
        return Some("not sent".to_owned());
    };
    if option == "$filter" {
        let terms: Vec<&str> = sent.split(" or ").collect();
        if terms.len() != paths.len() {
            return Some(format!(
                "{} terms for {} fields: {sent}",
                terms.len(),
                paths.len()
            ));
        }
        let wrong: Vec<String> = terms
            .iter()
            .zip(paths)
            .filter(|(term, path)| !mentions(term, path))
            .map(|(term, path)| format!("`{term}` does not filter on {path}"))
            .collect();
        return (!wrong.is_empty()).then(|| wrong.join("; "));
    }
    let names: Vec<&str> = sent
        .split(',')
        .map(|item| {
            item.strip_suffix(" asc")
                .or_else(|| item.strip_suffix(" desc"))
                .unwrap_or(item)
        })
        .collect();
    (names != paths).then(|| format!("sent {names:?}, documented {paths:?}"))
}

#[test]
fn filter_terms_render_each_type_as_odata_expects() {
    // listVms of vmm v4.0 AHV documents these filter fields; their types (string, int64,
    // boolean, enum, a nested string) are read from the spec by hand, and the texts are
    // how ../shared/odata.md writes each.
    let operation = specs::all()
        .iter()
        .flat_map(|spec| spec.operations())
        .find(|o| o.id == "listVms" && o.path == "/vmm/v4.0/ahv/config/vms")
        .expect("listVms");
    let documented = &documented(&operation)["$filter"];
    for path in [
        "name",
        "memorySizeBytes",
        "isAgentVm",
        "powerState",
        "cluster/extId",
    ] {
        assert!(documented.iter().any(|p| p == path), "{path} is documented");
    }
    let vm = ntnx_vmm::api::vm::ListVmsFilter;
    assert_eq!(
        vm.name().startswith("a").to_string(),
        "startswith(name, 'a')"
    );
    assert_eq!(
        vm.memory_size_bytes().ge(1).to_string(),
        "memorySizeBytes ge 1"
    );
    assert_eq!(vm.is_agent_vm().eq(true).to_string(), "isAgentVm eq true");
    assert_eq!(
        vm.power_state()
            .eq(ntnx_vmm::ahv::config::PowerState::On)
            .to_string(),
        "powerState eq Vmm.Ahv.Config.PowerState'ON'"
    );
    assert_eq!(
        vm.cluster_ext_id().eq("0005a").to_string(),
        "cluster/extId eq '0005a'"
    );
}

/// The entity schema an operation returns in its envelope's `data` (a list's item), read
/// from the spec.
fn entity_schema<'a>(spec: &'a Spec, operation: &Operation<'a>) -> Option<&'a str> {
    let responses = operation.op.get("responses")?;
    let response = spec.resolve(responses.get("200").or_else(|| responses.get("2XX"))?);
    let envelope = spec.resolve(response.pointer("/content/application~1json/schema")?);
    let data = envelope.pointer("/properties/data").or_else(|| {
        envelope
            .get("allOf")?
            .as_array()?
            .iter()
            .find_map(|part| spec.resolve(part).pointer("/properties/data"))
    })?;
    let candidates: Vec<&Value> = match data.get("oneOf").and_then(Value::as_array) {
        Some(alternatives) => alternatives.iter().collect(),
        None => vec![data],
    };
    candidates.into_iter().find_map(|candidate| {
        let candidate = match candidate.get("items") {
            Some(items) => items,
            None => candidate,
        };
        let name = specs::ref_name(candidate.get("$ref")?.as_str()?)?;
        let resolved = spec.schema(name)?;
        let is_error = name.contains(".error.");
        let is_object = resolved.get("properties").is_some() || resolved.get("allOf").is_some();
        (is_object && !is_error).then_some(name)
    })
}

#[test]
fn every_selected_entity_has_a_projection_that_decodes_any_selection() {
    let mut expected = BTreeSet::new();
    for spec in specs::all() {
        for operation in spec.operations() {
            if documented(&operation).contains_key("$select") {
                if let Some(entity) = entity_schema(spec, &operation) {
                    expected.insert(entity.to_owned());
                }
            }
        }
    }
    let projected: BTreeSet<String> = ntnx_registry::PROJECTED
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(projected, expected, "entities with a projection");

    let mut problems = Vec::new();
    let mut selections = 0;
    for spec in specs::all() {
        for entity in expected.iter().filter(|e| spec.schema(e).is_some()) {
            let full = example(spec, entity, Options::default());
            let Value::Object(fields) = &full else {
                problems.push(format!("{entity}: the example is not an object"));
                continue;
            };
            // The whole entity, nothing, and each field alone (the server's `$objectType`
            // kept): every one is a selection the server may send.
            let mut payloads = vec![full.clone(), json!({})];
            for (key, value) in fields.iter().filter(|(key, _)| !key.starts_with('$')) {
                let mut alone = serde_json::Map::new();
                alone.insert(key.clone(), value.clone());
                if let Some(tag) = fields.get("$objectType") {
                    alone.insert("$objectType".to_owned(), tag.clone());
                }
                payloads.push(Value::Object(alone));
            }
            for payload in payloads {
                selections += 1;
                match ntnx_registry::decode_projection(entity, &payload.to_string()) {
                    None => problems.push(format!("{entity}: no projection")),
                    Some(Err(e)) => problems.push(format!("{entity}: {e} in {payload}")),
                    Some(Ok(decoded)) => {
                        let differences = diff(&payload, &decoded.encoded);
                        if !differences.is_empty() {
                            problems.push(format!("{entity}: {}", differences.join("; ")));
                        }
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        report("projections", &problems, 40)
    );
    assert!(selections > 500, "only {selections} selections decoded");
}

#[test]
fn expansions_decode_into_the_schemas_their_keys_name() {
    // Written by hand from the specs: each documented `$expand` key that names no field of
    // its entity, the schema of the namespace it names, and how the decoded value shows.
    let cases = [
        (
            "volumes.v4.0.config.VolumeGroup",
            "cluster",
            "volumes.v4.0.config.Cluster",
            "cluster: Some(Cluster {",
        ),
        (
            "volumes.v4.0.config.VolumeGroup",
            "metadata",
            "volumes.v4.0.config.VolumeGroupMetadata",
            "metadata: Some(VolumeGroupMetadata {",
        ),
        (
            "volumes.v4.0.config.IscsiClient",
            "cluster",
            "volumes.v4.0.config.Cluster",
            "cluster: Some(Cluster {",
        ),
        (
            "volumes.v4.0.config.IscsiClientAttachment",
            "iscsiClient",
            "volumes.v4.0.config.IscsiClient",
            "iscsi_client: Some(IscsiClient {",
        ),
        (
            "clustermgmt.v4.0.config.Cluster",
            "clusterProfile",
            "clustermgmt.v4.0.config.ClusterProfile",
            "cluster_profile: Some(ClusterProfile {",
        ),
        (
            "clustermgmt.v4.0.config.Cluster",
            "storageSummary",
            "clustermgmt.v4.0.config.StorageSummary",
            "storage_summary: Some(StorageSummary {",
        ),
    ];
    let expanded: BTreeSet<&str> = ntnx_registry::EXPANDED.iter().copied().collect();
    let entities: BTreeSet<&str> = cases.iter().map(|case| case.0).collect();
    assert_eq!(expanded, entities, "entities with an expansion");

    let spec_of = |schema: &str| {
        specs::all()
            .iter()
            .find(|spec| spec.schema(schema).is_some())
            .expect("a spec with the schema")
    };
    for (entity, key, target, shows) in cases {
        let mut payload = example(spec_of(entity), entity, Options::default());
        let related = example(spec_of(target), target, Options::default());
        payload[key] = related;
        let decoded = ntnx_registry::decode_expanded(entity, &payload.to_string())
            .expect("an expanded type")
            .unwrap_or_else(|e| panic!("{entity} with {key}: {e}"));
        assert_eq!(diff(&payload, &decoded.encoded), Vec::<String>::new());
        assert!(
            decoded.debug.contains(shows),
            "{entity}: `{key}` does not decode into {target}: {}",
            decoded.debug
        );

        // Without the key, the expansion is empty; with a value of the wrong shape, the
        // error names the entity.
        payload[key] = json!(7);
        let error = ntnx_registry::decode_expanded(entity, &payload.to_string())
            .expect("an expanded type")
            .expect_err("a number is no entity");
        assert!(
            error.contains(&format!("expanded entities of {entity}")),
            "{error}"
        );
    }
}

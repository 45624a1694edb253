//! Every request body in the specs' cURL samples decodes into the generated type of its
//! operation's request schema and encodes back to the same JSON.

use ntnx_workspace_tests::roundtrip::round_trip;
use ntnx_workspace_tests::{report, specs};

#[test]
fn every_curl_request_body_round_trips_through_its_request_schema() {
    let mut with_body = 0;
    let mut checked = 0;
    let mut failures = Vec::new();
    for spec in specs::all() {
        for operation in spec.operations() {
            if !operation.has_request_body() {
                continue;
            }
            with_body += 1;
            let label = operation.label();
            let Some(schema) = operation.request_schema() else {
                failures.push(format!("{label}: request body is not a $ref to a schema"));
                continue;
            };
            let bodies = operation.curl_bodies();
            if bodies.len() != 1 {
                failures.push(format!(
                    "{label}: expected 1 cURL sample with --data, found {}",
                    bodies.len()
                ));
            }
            for body in bodies {
                let body = match body {
                    Ok(body) => body,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                checked += 1;
                if let Err(e) = round_trip(schema, &body) {
                    failures.push(format!("{label}, schema {schema}: {e}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}",
        report("cURL request bodies", &failures, 50)
    );
    assert!(
        with_body > 0,
        "no operation with a request body in the specs"
    );
    assert_eq!(
        checked, with_body,
        "cURL bodies checked vs operations with a request body"
    );
    eprintln!("checked {checked} cURL request bodies ({with_body} operations with a body)");
}

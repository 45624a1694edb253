//! Arguments for calling every generated operation through [`ntnx_registry::call`], built
//! from the spec alone: what the conformance test sends to a mock server of the spec.
//!
//! - path, required query and required header parameters: the parameter's `example`, else
//!   its schema's example value ([`examples::node_example`]: `example`, first enum value, or
//!   a value fitting the `format`);
//! - `If-Match`, when the operation declares it: [`IF_MATCH`];
//! - `NTNX-Request-Id` is left to the client, which creates one;
//! - the JSON body: [`examples::request_body`], built with [`Options::request`]: no
//!   `readOnly` properties, no `$reserved`, `$objectType` only where the schema declares
//!   it, and optional properties no value can satisfy (the specs' `oneOf` pattern, see
//!   [`examples::unsatisfiable`]) left out unless the operation needs them
//!   (`x-required-by-operation`: `create` for `create…` operations, `update` for
//!   `update…` ones).

use serde_json::Value;

use ntnx_registry::{CallArgs, OperationInfo, OPERATIONS};

use crate::examples::{self, Options};
use crate::specs::{self, Operation};

/// The `If-Match` sent to operations that declare it.
pub const IF_MATCH: &str = "conformance-etag";

/// Header parameters the registry does not take as parameters: the client sends them.
const CLIENT_HEADERS: [&str; 2] = ["If-Match", "NTNX-Request-Id"];

/// One operation, ready to call.
#[derive(Clone, Debug)]
pub struct PlannedCall {
    /// Index into [`ntnx_registry::OPERATIONS`].
    pub index: usize,
    /// The registry's description of the operation.
    pub info: OperationInfo,
    /// `vmm v4.0 createImage (POST /vmm/v4.0/content/images)`, for messages.
    pub label: String,
    /// The arguments.
    pub args: CallArgs,
    /// The path the call requests, relative to `/api`, parameters filled in (not
    /// percent-encoded).
    pub path: String,
    /// Spec locations of the optional body properties left out because no value satisfies
    /// them ([`examples::unsatisfiable`]).
    pub left_out: Vec<String>,
}

/// Every operation of every pinned spec, paired with its index in
/// [`ntnx_registry::OPERATIONS`] (matched by namespace, method and path).
///
/// `Err` lists the spec operations the registry lacks and the registry entries no spec
/// has.
pub fn spec_operations() -> Result<Vec<(usize, Operation<'static>)>, Vec<String>> {
    let mut problems = Vec::new();
    let mut paired = Vec::new();
    let mut used = vec![false; OPERATIONS.len()];
    for spec in specs::all() {
        for operation in spec.operations() {
            let found = OPERATIONS.iter().position(|info| {
                info.namespace == spec.namespace
                    && info.method.eq_ignore_ascii_case(operation.method)
                    && info.path == operation.path
            });
            match found {
                Some(index) => {
                    used[index] = true;
                    paired.push((index, operation));
                }
                None => problems.push(format!("{}: not in ntnx_registry", operation.label())),
            }
        }
    }
    for (info, used) in OPERATIONS.iter().zip(used) {
        if !used {
            problems.push(format!(
                "ntnx_registry {} {} ({} {}): in no pinned spec",
                info.namespace, info.id, info.method, info.path
            ));
        }
    }
    if problems.is_empty() {
        Ok(paired)
    } else {
        Err(problems)
    }
}

/// The arguments of one operation; `Err` says what the spec lacks to build them.
pub fn plan(index: usize, operation: &Operation<'_>) -> Result<PlannedCall, String> {
    let spec = operation.spec;
    let label = operation.label();
    let mut args = CallArgs::default();
    let mut path = operation.path.to_owned();
    for (param, loc) in parameters(operation) {
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{label}: a parameter has no name"))?;
        let location = param.get("in").and_then(Value::as_str).unwrap_or("");
        let required = param.get("required").and_then(Value::as_bool) == Some(true);
        if location == "header" && name.eq_ignore_ascii_case("If-Match") {
            args.if_match = Some(IF_MATCH.to_owned());
            continue;
        }
        if location == "header" && CLIENT_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            continue;
        }
        if !(required || location == "path") {
            continue;
        }
        let value = match param.get("example") {
            Some(example) => example.clone(),
            None => {
                let schema = param
                    .get("schema")
                    .ok_or_else(|| format!("{label}: parameter `{name}` has no schema"))?;
                examples::node_example(spec, schema, &format!("{loc}/schema"), Options::request())
            }
        };
        if location == "path" {
            let text = match &value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let template = format!("{{{name}}}");
            if !path.contains(&template) {
                return Err(format!("{label}: path parameter `{name}` not in the path"));
            }
            path = path.replace(&template, &text);
        }
        args.parameters.insert(name.to_owned(), value);
    }
    let mut left_out = Vec::new();
    if operation.has_request_body() {
        let schema = operation
            .request_schema()
            .ok_or_else(|| format!("{label}: the request body is not a JSON schema $ref"))?;
        let body = examples::request_body(spec, schema, operation_kind(operation.id));
        args.body = Some(body.value);
        left_out = body.left_out;
    }
    Ok(PlannedCall {
        index,
        info: OPERATIONS[index],
        label,
        args,
        path,
        left_out,
    })
}

/// The kind of operation, for the schemas' `x-required-by-operation` lists: `create` for
/// `create…` operations, `update` for `update…` ones.
fn operation_kind(id: &str) -> Option<&'static str> {
    ["create", "update"]
        .into_iter()
        .find(|kind| id.starts_with(kind))
}

/// The operation's parameters (path-item ones included, the operation's overriding them
/// by name and location), `$ref`s resolved, each with its JSON pointer.
fn parameters<'a>(operation: &Operation<'a>) -> Vec<(&'a Value, String)> {
    let spec = operation.spec;
    let path_loc = format!("/paths/{}", examples::escape(operation.path));
    let key = |param: &Value| {
        (
            param.get("in").and_then(Value::as_str).map(str::to_owned),
            param.get("name").and_then(Value::as_str).map(str::to_owned),
        )
    };
    let mut found: Vec<(&'a Value, String)> = Vec::new();
    let item = spec.doc.pointer(&path_loc);
    let levels = [
        (
            item.and_then(|item| item.get("parameters")),
            format!("{path_loc}/parameters"),
        ),
        (
            operation.op.get("parameters"),
            format!("{path_loc}/{}/parameters", operation.method),
        ),
    ];
    for (list, list_loc) in levels {
        for (i, param) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let loc = match param.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference.trim_start_matches('#').to_owned(),
                None => format!("{list_loc}/{i}"),
            };
            let param = spec.resolve(param);
            found.retain(|(earlier, _)| key(earlier) != key(param));
            found.push((param, loc));
        }
    }
    found
}

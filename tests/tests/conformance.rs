//! Conformance: every generated operation, checked by an independent OpenAPI validator.
//!
//! Every operation of every pinned spec is called through its generated client
//! (`ntnx_registry::call`, arguments built from the spec by `ntnx_workspace_tests::calls`)
//! against a Stoplight Prism mock server of that spec (`.tools/prism`, installed by
//! `.ci/install-tools`), once with Prism's example responses (static mode) and once with
//! responses it generates from the schemas (dynamic mode, fixed seed). An operation passes
//! in a mode when
//!
//! - Prism accepted the request: no 4xx status, and no `sl-violations` entry whose location
//!   starts with `request` (entries about Prism's own responses are not ours), and
//! - the client decoded Prism's answer into the operation's declared type.
//!
//! Operations that cannot pass for a reason outside this project's code are listed, with
//! the reason, in `tests/conformance-allowlist.toml`; the test fails on any other failure
//! and on any listed operation that passes. `NTNX_SKIP_CONFORMANCE=1` skips the test (for
//! machines without Node.js), loudly.
//!
//! Every operation that documents query fields is then called again with typed `$filter`,
//! `$orderby`, `$select` and `$expand` built from all of them
//! (`ntnx_registry::call_with_typed_queries`), and must pass the same way, its answer
//! decoded into the projection or expanded type those options make it.
//!
//! How (see `conformance/mock.rs`): six Prism processes (three specs, two modes) start at
//! once on free ports of 127.0.0.1; a recording reverse proxy in this process sits in
//! front of them. One client per mode has the base URL `http://127.0.0.1:<proxy>/<mode>`,
//! so it requests `/<mode>/api/<namespace>/...`; the proxy strips `/<mode>/api` (Prism
//! serves paths relative to the spec's server URL, whose `/api` it does not match) and
//! forwards to that mode's Prism of that namespace, recording Prism's status and
//! `sl-violations` header by method and path. Each call requests its own path (checked), so
//! its exchange is found by the path the call's arguments give, which also checks that the
//! client built that path. Calls run [`IN_FLIGHT`] at a time, without retries.
//!
//! The dynamic mode serves a copy of each spec whose arrays allow at most two items
//! ([`mock::dynamic_spec`]): Prism fills every array to its `maxItems`, and at the specs'
//! limits (up to 100, nested) it runs out of memory.

#[path = "conformance/mock.rs"]
mod mock;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mock::{Exchange, Mode, Prism};
use ntnx_workspace_tests::calls::{self, PlannedCall};
use ntnx_workspace_tests::{report, specs};
use serde_json::Value;

/// Set to `1` to skip this test (it needs Node.js and `.ci/install-tools`).
const SKIP_VARIABLE: &str = "NTNX_SKIP_CONFORMANCE";

/// The Prism release the test is written against (pinned in `.ci/install-tools`).
const PRISM_VERSION: &str = "5.16.0";

/// Calls in flight at a time, both modes together.
const IN_FLIGHT: usize = 12;

/// Longest a single call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the allow-list lives, relative to the workspace root.
const ALLOW_LIST: &str = "tests/conformance-allowlist.toml";

#[test]
fn every_operation_is_accepted_by_prism_and_decodes_its_answers() {
    if std::env::var(SKIP_VARIABLE).as_deref() == Ok("1") {
        shout(&format!(
            "\n{bar}\n!! CONFORMANCE TEST SKIPPED ({SKIP_VARIABLE}=1): no operation was checked\n\
             !! against Prism. Run `.ci/install-tools` and unset {SKIP_VARIABLE} to run it.\n{bar}\n",
            bar = "!".repeat(78)
        ));
        return;
    }
    let started = Instant::now();
    let root = specs::workspace_root();
    let bin = prism_binary(&root);

    let operations = calls::spec_operations()
        .unwrap_or_else(|problems| panic!("{}", report("registry vs specs", &problems, 50)));
    let allow_list = AllowList::load(&root.join(ALLOW_LIST), &operations);

    // Why each operation failed in each mode (nothing: it passed). An operation without
    // arguments fails in both modes.
    let mut failures: BTreeMap<(Mode, usize), Vec<Reason>> = operations
        .iter()
        .flat_map(|(index, _)| Mode::ALL.map(|mode| ((mode, *index), Vec::new())))
        .collect();
    let mut planned = Vec::new();
    for (index, operation) in &operations {
        match calls::plan(*index, operation) {
            Ok(call) => planned.push(call),
            Err(e) => {
                for mode in Mode::ALL {
                    failures
                        .entry((mode, *index))
                        .or_default()
                        .push(Reason::Other(e.clone()));
                }
            }
        }
    }
    // The proxy's log is keyed by method and path: each call must have its own.
    let mut seen = HashMap::new();
    for call in &planned {
        if let Some(other) = seen.insert((call.info.method, call.path.clone()), &call.label) {
            panic!(
                "{} and {other} request the same path {}",
                call.label, call.path
            );
        }
    }

    let logs = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conformance");
    std::fs::create_dir_all(&logs).expect("a folder for Prism's logs");
    let mut servers = Vec::new();
    for mode in Mode::ALL {
        for spec in specs::all() {
            let label = format!("{} {}", spec.label(), mode.name());
            let log = logs.join(format!("prism-{}-{}.log", spec.namespace, mode.name()));
            let path = match mode {
                Mode::Static => specs::spec_dirs()
                    .find(&spec.file)
                    .expect("the loaded spec's file"),
                Mode::Dynamic => mock::dynamic_spec(spec, &logs),
            };
            let prism = Prism::spawn(&bin, &path, mode, label, log);
            servers.push(((mode, spec.namespace.clone()), prism));
        }
    }
    for (_, prism) in &mut servers {
        prism.wait_ready().unwrap_or_else(|e| panic!("{e}"));
    }
    let ready = started.elapsed();
    let upstreams: HashMap<(Mode, String), u16> = servers
        .iter()
        .map(|(key, prism)| (key.clone(), prism.port))
        .collect();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let results = runtime.block_on(run(planned.clone(), upstreams.clone(), Queries::Raw));
    // Then every operation that documents query fields again, with typed options built
    // from all of them (a fresh proxy log: these calls request the same paths).
    let typed: Vec<PlannedCall> = planned
        .iter()
        .filter(|call| ntnx_registry::TYPED_QUERIES.contains(&call.index))
        .cloned()
        .collect();
    let typed_results = runtime.block_on(run(typed.clone(), upstreams, Queries::Typed));
    drop(runtime);
    drop(servers);
    assert_eq!(
        results.len(),
        planned.len() * Mode::ALL.len(),
        "a result for every call"
    );
    assert_eq!(typed_results.len(), typed.len() * Mode::ALL.len());
    let mut typed_passed = BTreeMap::<Mode, usize>::new();
    for ((mode, index), (result, exchanges, _)) in &typed_results {
        let mut reasons = Vec::new();
        judge(result, exchanges, &mut reasons);
        if reasons.is_empty() {
            *typed_passed.entry(*mode).or_default() += 1;
        }
        failures
            .get_mut(&(*mode, *index))
            .expect("a result of a listed operation")
            .extend(
                reasons
                    .into_iter()
                    .map(|reason| Reason::Other(format!("with typed query options: {reason}"))),
            );
    }

    let mut response_violations = BTreeMap::<Mode, usize>::new();
    let mut slowest: Vec<(Duration, Mode, usize)> = results
        .iter()
        .map(|((mode, index), (_, _, took))| (*took, *mode, *index))
        .collect();
    slowest.sort_by_key(|(took, _, _)| std::cmp::Reverse(*took));
    for ((mode, index), (result, exchanges, _)) in &results {
        let reasons = failures
            .get_mut(&(*mode, *index))
            .expect("a result of a listed operation");
        judge(result, exchanges, reasons);
        *response_violations.entry(*mode).or_default() += exchanges
            .iter()
            .flat_map(|exchange| &exchange.violations)
            .filter(|violation| !is_about_request(violation))
            .count();
    }

    let label = |index: usize| -> String {
        planned
            .iter()
            .find(|call| call.index == index)
            .map(|call| call.label.clone())
            .unwrap_or_else(|| {
                let info = &ntnx_registry::OPERATIONS[index];
                format!(
                    "{} {} ({} {})",
                    info.namespace, info.id, info.method, info.path
                )
            })
    };
    let Verdicts {
        table,
        unexpected,
        allowed,
        stale,
    } = verdicts(&failures, &allow_list, label);
    let left_out: Vec<&PlannedCall> = planned
        .iter()
        .filter(|call| !call.left_out.is_empty())
        .collect();
    let locations: BTreeSet<&String> = left_out.iter().flat_map(|call| &call.left_out).collect();

    let mut summary = format!(
        "conformance against Stoplight Prism {PRISM_VERSION}: operations passed / total\n\
         {:<14}{:>10}{:>10}\n",
        "namespace", "static", "dynamic"
    );
    for (namespace, cells) in &table {
        let cell = |mode| {
            let (passed, total) = cells.get(&mode).copied().unwrap_or_default();
            format!("{passed}/{total}")
        };
        summary.push_str(&format!(
            "{namespace:<14}{:>10}{:>10}\n",
            cell(Mode::Static),
            cell(Mode::Dynamic)
        ));
    }
    summary.push_str(&format!(
        "allowed failures ({ALLOW_LIST}): {}\n\
         request bodies of {} operations leave out optional properties no value satisfies \
         (the specs' `oneOf` pattern; {} schema locations)\n\
         with typed $filter/$orderby/$select/$expand from every documented field: \
         static {}/{}, dynamic {}/{}\n\
         violations Prism reported about its own responses (not checked): static {}, dynamic {}\n\
         Prism ready after {:.1}s, total {:.1}s\n",
        allowed.len(),
        left_out.len(),
        locations.len(),
        typed_passed.get(&Mode::Static).unwrap_or(&0),
        typed.len(),
        typed_passed.get(&Mode::Dynamic).unwrap_or(&0),
        typed.len(),
        response_violations.get(&Mode::Static).unwrap_or(&0),
        response_violations.get(&Mode::Dynamic).unwrap_or(&0),
        ready.as_secs_f64(),
        started.elapsed().as_secs_f64()
    ));
    for location in &locations {
        summary.push_str(&format!("  left out: {}\n", short_location(location)));
    }
    for (took, mode, index) in slowest.iter().take(3) {
        summary.push_str(&format!(
            "  slow: [{}] {} {:.1}s\n",
            mode.name(),
            ntnx_registry::OPERATIONS[*index].id,
            took.as_secs_f64()
        ));
    }
    for line in &allowed {
        summary.push_str(&format!("  allowed: {line}\n"));
    }
    shout(&summary);

    let mut problems = unexpected;
    problems.extend(stale);
    problems.extend(allow_list.problems);
    assert!(
        problems.is_empty(),
        "{summary}\n{}",
        report("conformance", &problems, 120)
    );
}

/// `Schema.property` for a spec location `/components/schemas/<Schema>/.../properties/<property>`.
fn short_location(location: &str) -> String {
    let schema = location
        .strip_prefix("/components/schemas/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(location);
    let property = location.rsplit('/').next().unwrap_or_default();
    format!("{schema}.{property}")
}

/// Writes `text` to the process's stderr directly, where the test harness does not
/// capture it: the summary and the skip note show in every `cargo test` output.
fn shout(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The outcome of a run, judged against the allow-list.
struct Verdicts {
    /// `(passed, total)` by namespace and mode.
    table: BTreeMap<&'static str, BTreeMap<Mode, (usize, usize)>>,
    /// Failures the allow-list does not list, with their reasons.
    unexpected: Vec<String>,
    /// Failures the allow-list lists.
    allowed: Vec<String>,
    /// Operations that pass although the allow-list lists them.
    stale: Vec<String>,
}

/// Sorts `failures` (reasons by mode and operation index; none: passed) by the allow-list.
fn verdicts(
    failures: &BTreeMap<(Mode, usize), Vec<Reason>>,
    allow_list: &AllowList,
    label: impl Fn(usize) -> String,
) -> Verdicts {
    let mut verdicts = Verdicts {
        table: BTreeMap::new(),
        unexpected: Vec::new(),
        allowed: Vec::new(),
        stale: Vec::new(),
    };
    for ((mode, index), reasons) in failures {
        let info = &ntnx_registry::OPERATIONS[*index];
        let cell = verdicts
            .table
            .entry(info.namespace)
            .or_default()
            .entry(*mode)
            .or_default();
        cell.1 += 1;
        if reasons.is_empty() {
            cell.0 += 1;
        }
        let name = format!("[{}] {}", mode.name(), label(*index));
        match (reasons.is_empty(), allow_list.find(*index, *mode)) {
            (true, None) => {}
            (true, Some(entry)) => verdicts.stale.push(format!(
                "{name}: passes, but {ALLOW_LIST} lists it ({}); remove the entry",
                entry.reason
            )),
            (false, Some(entry)) if entry.accepts(reasons) => verdicts.allowed.push(name),
            (false, entry) => {
                let listed = match entry {
                    Some(_) => format!(" (listed in {ALLOW_LIST}, but for other violations)"),
                    None => String::new(),
                };
                let reasons: Vec<String> = reasons.iter().map(Reason::to_string).collect();
                verdicts
                    .unexpected
                    .push(format!("{name}{listed}: {}", reasons.join("; ")))
            }
        }
    }
    verdicts
}

/// The Prism executable; panics (with what to do) if it is missing or another version.
fn prism_binary(root: &Path) -> PathBuf {
    let prism = root.join(".tools").join("prism");
    let bin = prism.join("node_modules").join(".bin").join("prism");
    let package = prism
        .join("node_modules")
        .join("@stoplight")
        .join("prism-cli")
        .join("package.json");
    let version = std::fs::read_to_string(&package)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|json| json.get("version")?.as_str().map(str::to_owned));
    match version {
        Some(version) if bin.exists() && version == PRISM_VERSION => bin,
        found => panic!(
            "Stoplight Prism {PRISM_VERSION} is not installed in {} (found: {}).\n\
             Run `.ci/install-tools` (needs Node.js and npm), or set {SKIP_VARIABLE}=1 to skip \
             the conformance test.",
            prism.display(),
            found.as_deref().unwrap_or("nothing")
        ),
    }
}

/// What one call gave: the client's result (an error with the HTTP status it reports, if
/// any), the exchanges the proxy saw for it, and how long it took.
type CallResult = (Result<(), (Option<u16>, String)>, Vec<Exchange>, Duration);

/// Which query options the calls send.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Queries {
    /// The raw ones of the planned arguments (`ntnx_registry::call`).
    Raw,
    /// Typed ones from every documented field (`ntnx_registry::call_with_typed_queries`).
    Typed,
}

/// Calls every planned operation in both modes, [`IN_FLIGHT`] at a time.
async fn run(
    planned: Vec<PlannedCall>,
    upstreams: HashMap<(Mode, String), u16>,
    queries: Queries,
) -> BTreeMap<(Mode, usize), CallResult> {
    let (port, log) = mock::start_proxy(upstreams).await;
    let client = |mode: Mode| {
        ntnx_runtime::Client::builder("127.0.0.1")
            .base_url(format!("http://127.0.0.1:{port}/{}", mode.name()))
            .basic_auth("conformance", "conformance-password")
            .proxy_from_env(false)
            .max_attempts(1)
            .read_timeout(CALL_TIMEOUT)
            .build()
            .expect("a client of the proxy")
    };
    let clients: HashMap<Mode, ntnx_runtime::Client> = Mode::ALL
        .into_iter()
        .map(|mode| (mode, client(mode)))
        .collect();
    let mut jobs = Vec::new();
    for call in planned.into_iter().map(Arc::new) {
        for mode in Mode::ALL {
            jobs.push((mode, call.clone()));
        }
    }
    let mut results = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (mode, call) in jobs {
        if tasks.len() >= IN_FLIGHT {
            results.push(tasks.join_next().await.expect("a task").expect("a call"));
        }
        let client = clients[&mode].clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let call_future = match queries {
                Queries::Raw => ntnx_registry::call(&client, call.index, &call.args),
                Queries::Typed => {
                    ntnx_registry::call_with_typed_queries(&client, call.index, &call.args)
                        .expect("an operation of TYPED_QUERIES")
                }
            };
            let result = match tokio::time::timeout(CALL_TIMEOUT, call_future).await {
                Ok(Ok(_outcome)) => Ok(()),
                Ok(Err(ntnx_registry::CallError::Api(e))) => {
                    Err((e.status().map(|status| status.as_u16()), e.to_string()))
                }
                Ok(Err(e)) => Err((None, e.to_string())),
                Err(_) => Err((None, format!("no answer within {CALL_TIMEOUT:?}"))),
            };
            (mode, call, result, started.elapsed())
        });
    }
    while let Some(done) = tasks.join_next().await {
        results.push(done.expect("a call"));
    }
    let mut log = log.lock().expect("the exchange log");
    results
        .into_iter()
        .map(|(mode, call, result, took)| {
            let key = (mode, call.info.method.to_owned(), call.path.clone());
            let exchanges = log.remove(&key).unwrap_or_default();
            ((mode, call.index), (result, exchanges, took))
        })
        .collect()
}

/// Why an operation failed in a mode.
#[derive(Clone, Debug, PartialEq)]
enum Reason {
    /// The client returned an error (with the HTTP status it reports, if any).
    Client {
        status: Option<u16>,
        message: String,
    },
    /// Prism answered with a 4xx status.
    Rejected { status: u16, body: String },
    /// An `sl-violations` entry about the request (location joined with dots).
    Violation { location: String, message: String },
    /// Anything else: no arguments, no request seen, several requests.
    Other(String),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Client { message, .. } => write!(f, "client: {message}"),
            Reason::Rejected { status, body } => write!(f, "Prism answered {status} {body}"),
            Reason::Violation { location, message } => {
                write!(f, "request violation at {location}: {message}")
            }
            Reason::Other(message) => f.write_str(message),
        }
    }
}

/// Adds the reasons a call failed to `reasons`.
fn judge(
    result: &Result<(), (Option<u16>, String)>,
    exchanges: &[Exchange],
    reasons: &mut Vec<Reason>,
) {
    if let Err((status, message)) = result {
        reasons.push(Reason::Client {
            status: *status,
            message: message.clone(),
        });
    }
    if exchanges.is_empty() {
        if result.is_ok() {
            reasons.push(Reason::Other(
                "the proxy saw no request for this call".to_owned(),
            ));
        }
        return;
    }
    if exchanges.len() > 1 {
        reasons.push(Reason::Other(format!(
            "{} requests instead of one",
            exchanges.len()
        )));
    }
    for exchange in exchanges {
        let violations: Vec<Reason> = exchange
            .violations
            .iter()
            .filter(|violation| is_about_request(violation))
            .map(|violation| {
                let (location, message) = describe_violation(violation);
                Reason::Violation { location, message }
            })
            .collect();
        if (400..500).contains(&exchange.status) {
            reasons.push(Reason::Rejected {
                status: exchange.status,
                body: match violations.is_empty() {
                    true => exchange.body.clone(),
                    false => String::new(),
                },
            });
        }
        reasons.extend(violations);
    }
}

/// Whether an `sl-violations` entry is about the request (its location starts with
/// `request`), rather than Prism's own response. An entry not in Prism's format counts
/// against us rather than being ignored.
fn is_about_request(violation: &Value) -> bool {
    let first = violation
        .get("location")
        .and_then(Value::as_array)
        .and_then(|location| location.first())
        .and_then(Value::as_str);
    first.is_none_or(|first| first == "request")
}

/// The location (joined with dots) and message of an `sl-violations` entry.
fn describe_violation(violation: &Value) -> (String, String) {
    let location = violation
        .get("location")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|part| match part {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let message = violation
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| violation.to_string());
    (location, message)
}

/// The checked-in list of operations allowed to fail, with reasons.
struct AllowList {
    entries: Vec<AllowEntry>,
    /// Entries that are malformed or name no operation.
    problems: Vec<String>,
}

struct AllowEntry {
    index: usize,
    modes: Vec<Mode>,
    reason: String,
    /// If not empty, the failure is accepted only when Prism rejected the request (422)
    /// for violations at these locations (or under them) and nothing else.
    violations: Vec<String>,
}

impl AllowList {
    /// Reads `[[allow]]` entries: `namespace`, `operation` (the operationId), `tag` (only
    /// when the operationId is not unique in the namespace), `mode` (`static`, `dynamic`
    /// or `both`), `reason`, and optionally `violations` (request violation locations,
    /// `request.body.source`, the failure must be limited to).
    fn load(path: &Path, operations: &[(usize, specs::Operation<'static>)]) -> AllowList {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut list = AllowList {
            entries: Vec::new(),
            problems: Vec::new(),
        };
        if let Some(key) = table.keys().find(|key| *key != "allow") {
            list.problems
                .push(format!("{ALLOW_LIST}: unknown top-level key `{key}`"));
        }
        let entries = match table.get("allow") {
            None => &Vec::new(),
            Some(toml::Value::Array(entries)) => entries,
            Some(_) => panic!("{ALLOW_LIST}: `allow` must be an array of tables ([[allow]])"),
        };
        let mut seen = HashSet::new();
        for (n, entry) in entries.iter().enumerate() {
            match AllowEntry::parse(entry, operations) {
                Ok(entry) => {
                    for mode in &entry.modes {
                        if !seen.insert((entry.index, *mode)) {
                            list.problems.push(format!(
                                "{ALLOW_LIST}: entry {} repeats an operation and mode",
                                n + 1
                            ));
                        }
                    }
                    list.entries.push(entry);
                }
                Err(e) => list
                    .problems
                    .push(format!("{ALLOW_LIST}: entry {}: {e}", n + 1)),
            }
        }
        list
    }

    fn find(&self, index: usize, mode: Mode) -> Option<&AllowEntry> {
        self.entries
            .iter()
            .find(|entry| entry.index == index && entry.modes.contains(&mode))
    }
}

impl AllowEntry {
    /// Whether this entry covers a failure with these reasons.
    fn accepts(&self, reasons: &[Reason]) -> bool {
        if self.violations.is_empty() {
            return true;
        }
        let listed = |location: &str| {
            self.violations.iter().any(|prefix| {
                location == prefix
                    || location
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        };
        let mut violations = 0;
        let covered = reasons.iter().all(|reason| match reason {
            Reason::Violation { location, .. } => {
                violations += 1;
                listed(location)
            }
            Reason::Rejected { status, .. } => *status == 422,
            Reason::Client { status, .. } => *status == Some(422),
            Reason::Other(_) => false,
        });
        covered && violations > 0
    }

    fn parse(
        entry: &toml::Value,
        operations: &[(usize, specs::Operation<'static>)],
    ) -> Result<AllowEntry, String> {
        let table = entry.as_table().ok_or("not a table")?;
        const KEYS: [&str; 6] = [
            "namespace",
            "operation",
            "tag",
            "mode",
            "reason",
            "violations",
        ];
        if let Some(key) = table.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(format!("unknown key `{key}`"));
        }
        let field = |key: &str| table.get(key).and_then(toml::Value::as_str);
        let namespace = field("namespace").ok_or("no `namespace`")?;
        let operation = field("operation").ok_or("no `operation`")?;
        let tag = field("tag");
        let reason = field("reason").unwrap_or_default().trim().to_owned();
        if reason.is_empty() {
            return Err(format!("{namespace} {operation}: no `reason`"));
        }
        let violations = match table.get("violations") {
            None => Vec::new(),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .filter(|items| !items.is_empty())
                .ok_or_else(|| {
                    format!("{namespace} {operation}: `violations` must be a list of locations")
                })?,
            Some(_) => {
                return Err(format!(
                    "{namespace} {operation}: `violations` must be a list of locations"
                ))
            }
        };
        let modes = match field("mode") {
            Some("static") => vec![Mode::Static],
            Some("dynamic") => vec![Mode::Dynamic],
            Some("both") => Mode::ALL.to_vec(),
            other => {
                return Err(format!(
                    "{namespace} {operation}: `mode` must be static, dynamic or both, not {other:?}"
                ))
            }
        };
        let matching: Vec<usize> = operations
            .iter()
            .map(|(index, _)| *index)
            .filter(|index| {
                let info = &ntnx_registry::OPERATIONS[*index];
                info.namespace == namespace
                    && info.id == operation
                    && tag.is_none_or(|tag| info.tag == tag)
            })
            .collect();
        match matching.as_slice() {
            [index] => Ok(AllowEntry {
                index: *index,
                modes,
                reason,
                violations,
            }),
            [] => Err(format!("{namespace} {operation}: no such operation")),
            _ => Err(format!(
                "{namespace} {operation}: several operations have this id; add its `tag`"
            )),
        }
    }
}

// Checks of the test's own machinery, without Prism.

#[test]
fn violation_headers_are_read_whole_or_cut() {
    let whole = r#"[{"location":["request","body"],"message":"a"},{"location":["response","body"],"message":"b"}]"#;
    let read = mock::violations(whole);
    assert_eq!(read.len(), 2);
    assert!(is_about_request(&read[0]));
    assert!(!is_about_request(&read[1]));

    // Prism cuts long headers mid-entry; the complete entries are kept.
    let cut = format!("Too many violations! {}", &whole[..whole.len() - 20]);
    let read = mock::violations(&cut);
    assert_eq!(read.len(), 1);
    assert_eq!(
        describe_violation(&read[0]),
        ("request.body".to_owned(), "a".to_owned())
    );

    // Nothing readable: one entry without a location, which counts against us.
    let read = mock::violations("Too many violations! [{\"location\":[\"resp");
    assert_eq!(read.len(), 1);
    assert!(is_about_request(&read[0]));
    assert!(mock::violations("[]").is_empty());
}

#[test]
fn paths_are_compared_percent_decoded() {
    assert_eq!(
        mock::percent_decode("/vmm/v4.0/vms/%24actions/a%2Fb%zz%4"),
        "/vmm/v4.0/vms/$actions/a/b%zz%4"
    );
}

#[test]
fn allow_list_entries_are_checked_and_stale_ones_reported() {
    let operations = calls::spec_operations().expect("the registry matches the specs");
    let index_of = |namespace: &str, id: &str| {
        operations
            .iter()
            .map(|(index, _)| *index)
            .find(|index| {
                let info = &ntnx_registry::OPERATIONS[*index];
                info.namespace == namespace && info.id == id
            })
            .expect("a known operation")
    };
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("allow-list-check.toml");
    std::fs::write(
        &path,
        r#"
[[allow]]
namespace = "vmm"
operation = "createImage"
mode = "static"
reason = "fails in static mode"

[[allow]]
namespace = "vmm"
operation = "createTemplate"
mode = "both"
reason = "rejected for one property only"
violations = ["request.body.templateVersionSpec.versionSource"]

[[allow]]
namespace = "volumes"
operation = "listVolumeGroups"
mode = "both"
reason = "listed, but passes"

[[allow]]
namespace = "vmm"
operation = "listVmStats"
mode = "both"
reason = "ambiguous without a tag"

[[allow]]
namespace = "vmm"
operation = "noSuchOperation"
mode = "both"
reason = "unknown"

[[allow]]
namespace = "vmm"
operation = "getImageById"
mode = "sometimes"
reason = "bad mode"

[[allow]]
namespace = "vmm"
operation = "deleteImageById"
mode = "both"

[[allow]]
namespace = "vmm"
operation = "updateImageById"
mode = "both"
reason = "violations must be a list"
violations = "request.body"
"#,
    )
    .expect("a temporary allow-list");
    let list = AllowList::load(&path, &operations);
    assert_eq!(list.entries.len(), 3, "{:?}", list.problems);
    assert_eq!(list.problems.len(), 5, "{:?}", list.problems);
    for (problem, expected) in list.problems.iter().zip([
        "add its `tag`",
        "no such operation",
        "`mode` must be",
        "no `reason`",
        "must be a list",
    ]) {
        assert!(problem.contains(expected), "{problem}");
    }

    let create = index_of("vmm", "createImage");
    let list_groups = index_of("volumes", "listVolumeGroups");
    let get = index_of("vmm", "getImageById");
    let template = index_of("vmm", "createTemplate");
    let failed = vec![Reason::Other("it failed".to_owned())];
    let rejected = |location: &str| {
        vec![
            Reason::Client {
                status: Some(422),
                message: "422".to_owned(),
            },
            Reason::Rejected {
                status: 422,
                body: String::new(),
            },
            Reason::Violation {
                location: location.to_owned(),
                message: "no".to_owned(),
            },
        ]
    };
    let failures = BTreeMap::from([
        ((Mode::Static, create), failed.clone()),
        ((Mode::Dynamic, create), failed.clone()),
        ((Mode::Static, list_groups), Vec::new()),
        ((Mode::Dynamic, list_groups), failed.clone()),
        ((Mode::Static, get), Vec::new()),
        (
            (Mode::Static, template),
            rejected("request.body.templateVersionSpec.versionSource.extId"),
        ),
        (
            (Mode::Dynamic, template),
            rejected("request.body.templateName"),
        ),
    ]);
    let verdicts = verdicts(&failures, &list, |index| {
        ntnx_registry::OPERATIONS[index].id.to_owned()
    });
    assert_eq!(
        verdicts.allowed,
        [
            "[static] createImage",
            "[static] createTemplate",
            "[dynamic] listVolumeGroups"
        ]
    );
    assert_eq!(verdicts.unexpected.len(), 2, "{:?}", verdicts.unexpected);
    assert_eq!(verdicts.unexpected[0], "[dynamic] createImage: it failed");
    assert!(verdicts.unexpected[1].starts_with(
        "[dynamic] createTemplate (listed in tests/conformance-allowlist.toml, but for other"
    ));
    assert_eq!(verdicts.stale.len(), 1, "{:?}", verdicts.stale);
    assert!(verdicts.stale[0].starts_with("[static] listVolumeGroups: passes"));
    assert_eq!(verdicts.table["vmm"][&Mode::Static], (1, 3));
    assert_eq!(verdicts.table["volumes"][&Mode::Dynamic], (0, 1));
}

#[test]
fn a_missing_prism_fails_with_what_to_do() {
    let empty = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-tools-here");
    std::fs::create_dir_all(&empty).expect("an empty folder");
    let panic = std::panic::catch_unwind(|| prism_binary(&empty)).expect_err("no Prism there");
    let message = panic
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(message.contains(".ci/install-tools"), "{message}");
    assert!(message.contains(SKIP_VARIABLE), "{message}");
}

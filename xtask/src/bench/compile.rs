//! Part 2: debug build times of each generated crate alone (its dependencies built),
//! cold and after touching a file, against the crate progenitor generates from the same
//! spec.
//!
//! Both sides build in scratch workspaces below the bench folder, with this workspace's
//! profiles and their own target folders, so nothing in the work tree is touched: ours is
//! a copy of `runtime/` and `generated/<crate>/`, progenitor's holds its output. A run of a
//! crate is `cargo clean -p X` then a timed `cargo build -p X` (cold), then a comment
//! appended to `src/lib.rs`, a timed `cargo build -p X` (incremental), and the file
//! restored. Runs go round the crates, ours and progenitor's interleaved.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ntnx_generator::manifest::Manifest;

use super::report::{Section, Table, Target};
use super::scratch::{self, count_lines, Touched};
use super::stats::{paired_ratios, Load, Summary};
use super::{cargo_bin, output, progenitor, Bench};

/// Runs of each build in the full benchmark.
const RUNS: usize = 3;

/// The generated crate every spec crate depends on.
const SHARED: &str = "ntnx-shared";

/// One crate to time.
struct Subject {
    package: String,
    /// The spec's namespace (`None` for the shared crate).
    namespace: Option<String>,
    ours: bool,
    /// Its scratch workspace and that workspace's target folder.
    workspace: PathBuf,
    target: PathBuf,
    /// Its folder.
    dir: PathBuf,
    lines: (usize, usize),
    cold: Vec<f64>,
    incremental: Vec<f64>,
    /// For a peer generated from a patched copy of the spec: what was changed.
    patched: Option<String>,
}

pub fn run(bench: &Bench) -> Result<Section, String> {
    let manifest = Manifest::read(&bench.root.join("specs").join("manifest.toml"))
        .map_err(|e| e.to_string())?;
    let mut specs = manifest.specs.clone();
    if bench.smoke {
        // Only the smallest spec's crate.
        specs.sort_by_key(|s| std::fs::metadata(bench.specs.join(&s.file)).map_or(0, |m| m.len()));
        specs.truncate(1);
    }
    let dir = bench.work.join("compile");
    let profiles = scratch::profiles(&bench.root)?;

    // Ours: the spec crates and the shared crate.
    let mut members: Vec<String> = vec![SHARED.to_owned()];
    members.extend(specs.iter().map(|s| s.crate_name()));
    let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let ours_ws = scratch::ours(&bench.root, &dir.join("ours"), &member_refs)?;
    let ours_target = ours_target(bench);
    let mut subjects: Vec<Subject> = Vec::new();
    for spec in &specs {
        subjects.push(our_subject(
            &ours_ws,
            &spec.crate_name(),
            Some(&spec.namespace),
        ));
    }
    if !bench.smoke {
        subjects.push(our_subject(&ours_ws, SHARED, None));
    }

    // Progenitor's crates.
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut skipped = None;
    let bin = match progenitor::installed(&bench.root) {
        Some(bin) => Some(bin),
        None if bench.smoke => {
            let why = format!(
                "skipped: cargo-progenitor {} is not installed in .tools/progenitor \
                 (`cargo xtask bench` installs it)",
                progenitor::VERSION
            );
            println!("{why}");
            skipped = Some(why);
            None
        }
        None => Some(progenitor::install(&bench.root)?),
    };
    let prog_ws = dir.join("progenitor");
    if let Some(bin) = &bin {
        let mut names = Vec::new();
        for spec in &specs {
            let name = format!("{}-progenitor", spec.crate_name());
            let file = bench.specs.join(&spec.file);
            println!("bench: cargo progenitor -i {} -n {name}", file.display());
            let attempt = progenitor::generate_or_patch(bin, &file, &prog_ws, &name)?;
            if let Some(message) = attempt.failure {
                println!("bench: progenitor cannot generate {}: {message}", spec.file);
                failures.push((spec.namespace.clone(), message));
            }
            if let Some(crate_dir) = attempt.crate_dir {
                names.push(name.clone());
                subjects.push(Subject {
                    package: name,
                    namespace: Some(spec.namespace.clone()),
                    ours: false,
                    workspace: prog_ws.clone(),
                    target: prog_ws.join("target"),
                    lines: count_lines(&crate_dir.join("src")),
                    dir: crate_dir,
                    cold: Vec::new(),
                    incremental: Vec::new(),
                    patched: attempt.patched,
                });
            }
        }
        progenitor::workspace(&prog_ws, &names, profiles)?;
        if !names.is_empty() {
            progenitor::fetch(&prog_ws)?;
        }
    }

    // Dependencies first (not timed).
    let mut workspaces = vec![(ours_ws.clone(), ours_target.clone())];
    if subjects.iter().any(|s| !s.ours) {
        workspaces.push((prog_ws.clone(), prog_ws.join("target")));
    }
    for (workspace, target) in &workspaces {
        println!(
            "bench: building {} (dependencies, not timed)",
            workspace.display()
        );
        output(&mut cargo(workspace, target, &["build", "--workspace"]))?;
    }
    let runs = if bench.smoke { 1 } else { RUNS };
    let groups = pairs(&subjects);
    let load_before = Load::now();
    for run in 0..runs {
        // Each of our crates next to progenitor's for the same spec, the one going first
        // alternating from run to run, so that the two builds of a pair see the same load.
        for group in &groups {
            let mut group = group.clone();
            if run % 2 == 1 {
                group.reverse();
            }
            for index in group {
                let subject = &mut subjects[index];
                time_builds(subject)?;
                println!(
                    "bench: run {}/{runs} {:<28} cold {:>6.1} s  incremental {:>6.1} s",
                    run + 1,
                    subject.package,
                    subject.cold.last().copied().unwrap_or(f64::NAN),
                    subject.incremental.last().copied().unwrap_or(f64::NAN),
                );
            }
        }
    }
    let load = Load::since(load_before);
    Ok(section(bench, &subjects, &failures, skipped, runs, load))
}

/// The subjects in the order they are built in a run: each of our spec crates with
/// progenitor's crate of the same spec, then what has no peer.
fn pairs(subjects: &[Subject]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, ours) in subjects.iter().enumerate().filter(|(_, s)| s.ours) {
        let mut group = vec![i];
        group.extend(
            subjects
                .iter()
                .position(|s| !s.ours && s.namespace.is_some() && s.namespace == ours.namespace),
        );
        groups.push(group);
    }
    let paired: Vec<usize> = groups.iter().flatten().copied().collect();
    groups.extend(
        (0..subjects.len())
            .filter(|i| !paired.contains(i))
            .map(|i| vec![i]),
    );
    groups
}

/// The target folder of our scratch workspaces (this part's and the scaling part's), so
/// that the third-party dependencies are built once for all of them.
pub(super) fn ours_target(bench: &Bench) -> PathBuf {
    bench.work.join("compile").join("ours").join("target")
}

fn our_subject(workspace: &Path, package: &str, namespace: Option<&str>) -> Subject {
    let dir = workspace.join("generated").join(package);
    Subject {
        package: package.to_owned(),
        namespace: namespace.map(str::to_owned),
        ours: true,
        workspace: workspace.to_path_buf(),
        target: workspace.join("target"),
        lines: count_lines(&dir.join("src")),
        dir,
        cold: Vec::new(),
        incremental: Vec::new(),
        patched: None,
    }
}

/// `cargo ARGS` in `workspace` with target folder `target`, incremental compilation as
/// the profile says and no compiler wrapper.
pub(super) fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(cargo_bin());
    command
        .args(args)
        .arg("--quiet")
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_INCREMENTAL")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER");
    command
}

/// One cold and one incremental build of `subject`.
fn time_builds(subject: &mut Subject) -> Result<(), String> {
    let (ws, target, package) = (
        &subject.workspace,
        &subject.target,
        subject.package.as_str(),
    );
    output(&mut cargo(ws, target, &["clean", "-p", package]))?;
    subject
        .cold
        .push(timed(&mut cargo(ws, target, &["build", "-p", package]))?);
    let touched = Touched::append_comment(&subject.dir.join("src").join("lib.rs"))?;
    let incremental = timed(&mut cargo(ws, target, &["build", "-p", package]));
    drop(touched);
    subject.incremental.push(incremental?);
    Ok(())
}

/// Wall-clock seconds of `command`, which must succeed.
pub(super) fn timed(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    output(command)?;
    Ok(started.elapsed().as_secs_f64())
}

fn section(
    bench: &Bench,
    subjects: &[Subject],
    failures: &[(String, String)],
    skipped: Option<String>,
    runs: usize,
    load: Load,
) -> Section {
    let mut table = Table::new(&[
        "crate",
        "generated by",
        "lines (all / code)",
        "cold build (s)",
        "incremental (s)",
    ]);
    for subject in subjects {
        table.row(vec![
            format!("`{}`", subject.package),
            match (subject.ours, &subject.patched) {
                (true, _) => "ntnx-generator".to_owned(),
                (false, None) => "progenitor".to_owned(),
                (false, Some(patch)) => format!("progenitor, from a copy of the spec: {patch}"),
            },
            format!("{} / {}", subject.lines.0, subject.lines.1),
            show(&subject.cold),
            show(&subject.incremental),
        ]);
    }
    for (namespace, message) in failures {
        table.row(vec![
            format!("({namespace} spec)"),
            "progenitor".to_owned(),
            format!("generation from the published spec failed: `{message}`"),
            String::new(),
            String::new(),
        ]);
    }
    let mut ratios = Table::new(&[
        "spec",
        "cold: ours ÷ progenitor, per pair",
        "incremental: ours ÷ progenitor, per pair",
        "cold: (ours + `ntnx-shared`) ÷ progenitor, medians",
    ]);
    let shared_cold = subjects
        .iter()
        .find(|s| s.ours && s.namespace.is_none())
        .and_then(|s| Summary::of(&s.cold))
        .map(|s| s.median);
    let mut targets = Vec::new();
    for ours in subjects.iter().filter(|s| s.ours && s.namespace.is_some()) {
        let namespace = ours.namespace.as_deref().unwrap_or_default();
        let peer = subjects
            .iter()
            .find(|s| !s.ours && s.namespace.as_deref() == Some(namespace));
        let failure = failures.iter().find(|(n, _)| n == namespace);
        let (cold, incremental) = match peer {
            Some(peer) => (
                paired_ratios(&ours.cold, &peer.cold),
                paired_ratios(&ours.incremental, &peer.incremental),
            ),
            None => (None, None),
        };
        let with_shared = match (peer, shared_cold) {
            (Some(peer), Some(shared)) => Summary::of(&ours.cold)
                .zip(Summary::of(&peer.cold))
                .map(|(o, p)| (o.median + shared) / p.median),
            _ => None,
        };
        let label = match peer.and_then(|p| p.patched.as_ref()) {
            Some(_) => format!("{namespace} (progenitor's from the patched copy)"),
            None => namespace.to_owned(),
        };
        let why_not = match (failure, &skipped) {
            (Some(_), _) => "progenitor cannot generate it".to_owned(),
            (None, Some(_)) => "progenitor not installed".to_owned(),
            (None, None) => "not measured".to_owned(),
        };
        let fmt = |r: Option<Summary>| r.map_or_else(|| why_not.clone(), |r| r.show_ratio());
        ratios.row(vec![
            label,
            fmt(cold),
            fmt(incremental),
            with_shared.map_or_else(|| why_not.clone(), |r| format!("{r:.2}×")),
        ]);
        for (kind, r) in [("cold", cold), ("incremental", incremental)] {
            targets.push(Target {
                target: format!("`{}` {kind} build ≤ progenitor's", ours.package),
                measured: fmt(r),
                met: r.map(|r| r.median <= 1.0),
            });
        }
    }
    let mut notes = vec![
        format!(
            "Our spec crates depend on `{SHARED}` (the `common.v1` schemas and other shared \
             copies of all specs, one crate), prebuilt like every other dependency; \
             progenitor's crates hold their own copies of those types."
        ),
        "Our crates carry more than types and a client: lossless `$objectType`/`$reserved`/\
         unknown-field keeping, hand-written visitors, `oneOf` decoding by shape and \
         `$objectType`, and full documentation (most of the non-code lines)."
            .to_owned(),
        format!(
            "Scratch workspaces: `{}` (ours, a copy of `runtime/` and `generated/`) and \
             `{}` (progenitor's), each with its own target folder; this workspace's \
             `[profile]` settings; incremental compilation on (the dev default).",
            super::shown(&bench.work.join("compile").join("ours"), &bench.root),
            super::shown(&bench.work.join("compile").join("progenitor"), &bench.root),
        ),
    ];
    for subject in subjects {
        if let Some(patch) = &subject.patched {
            notes.push(format!(
                "Progenitor stops at the first repeated operationId of the published {} spec \
                 (operationIds repeat across its AHV and ESXi tags). So that the comparison \
                 still covers it, `{}` is generated from a copy in which the second and \
                 later uses of each repeated operationId get a `_2`, `_3`... suffix, nothing \
                 else changed: {patch}. Ours is generated from the published file.",
                subject.namespace.as_deref().unwrap_or_default(),
                subject.package,
            ));
        }
    }
    if let Some(why) = skipped {
        notes.push(format!("Progenitor: {why}."));
    }
    Section {
        title: "Compile time".to_owned(),
        text: vec![format!(
            "Debug builds (`cargo build -p X`, {} cores) of each crate alone with its \
             dependencies already built: cold is after `cargo clean -p X`, incremental after \
             appending a comment to `src/lib.rs` (restored afterwards). {runs} run(s) each, \
             each of our crates built next to progenitor's for the same spec (which goes \
             first alternates from run to run), ratios taken pair by pair; load average {} \
             over the part; \
             progenitor {} (`cargo progenitor -i <spec>.yaml`: it reads the YAML spec as \
             given, default positional interface and merged tags). Lines are of the `.rs` \
             files; code lines are neither blank nor only a comment.",
            std::thread::available_parallelism().map_or(1, usize::from),
            load.show(),
            progenitor::VERSION,
        )],
        tables: vec![table, ratios],
        notes,
        targets,
    }
}

fn show(samples: &[f64]) -> String {
    Summary::of(samples).map_or_else(String::new, |s| s.show(1))
}

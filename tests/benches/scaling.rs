//! Scaling: generating a family of N specs, for `cargo xtask bench`'s scaling part.
//!
//! `--only N --dir DIR`: builds a family of N specs in `DIR/specs/` (the pinned specs in
//! manifest order, then copies of them under new namespaces, `vmm` → `vmmx1`, until there
//! are N), generates it in memory a few times (timed) and writes the crates to
//! `DIR/generated/` for the compile timings. One family per process, so that the peak
//! memory (`VmHWM`) read at the end is this family's.
//!
//! A copy is a new namespace as far as the generator can tell: its paths
//! (`/vmmx1/v4.0/...`), schema names (`vmmx1.v4.0.ahv.config.Vm`), `$objectType`s and
//! declared fixes say `vmmx1`; what it copies from other namespaces (`common.v1.*`,
//! `prism.v4.*` task references) stays as published, as in the real family, where each
//! namespace carries copies of the schemas it shares.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{Args, Results};
use ntnx_generator::emit::EmitOptions;
use ntnx_generator::manifest::{self, Manifest, PinnedSpec};
use ntnx_workspace_tests::specs;

fn main() {
    let args = Args::parse();
    let count: usize = args
        .only
        .as_deref()
        .and_then(|n| n.parse().ok())
        .expect("--only N: the number of specs in the family");
    let dir = args.dir.clone().expect("--dir DIR: where the family goes");
    let root = specs::workspace_root();
    let pinned =
        Manifest::read(&root.join("specs").join("manifest.toml")).unwrap_or_else(|e| panic!("{e}"));
    let family = family(&pinned, &specs::spec_dirs(), count);
    let spec_dir = dir.join("specs");
    std::fs::create_dir_all(&spec_dir).expect("the specs folder");
    let mut spec_bytes = 0;
    let mut specs = Vec::new();
    for (spec, bytes) in family {
        spec_bytes += bytes.len();
        let path = spec_dir.join(&spec.file);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        specs.push(spec);
    }
    let manifest = Manifest {
        specs,
        published: Default::default(),
    };
    let options = EmitOptions::workspace();
    let generate = || {
        ntnx_generator::generate_pinned(&manifest, &spec_dir, &options)
            .unwrap_or_else(|e| panic!("a family of {count}: {e}"))
    };
    let generated = generate();
    // Every spec of the family became a crate of its own (a copy whose paths kept the old
    // namespace would have failed the manifest's namespace check above).
    assert_eq!(generated.specs.len(), count, "a family of {count} specs");
    // One timed generation after the first: `cargo xtask bench` takes its samples in
    // rounds over the families, one process each, so that load lands on all of them.
    let started = Instant::now();
    std::hint::black_box(generate());
    let samples = vec![started.elapsed().as_secs_f64()];
    // Files are written only where they changed, so that a later run of the same family
    // leaves the compile timings' builds as they were.
    let out = dir.join("generated");
    for file in &generated.files {
        let path = out.join(&file.path);
        if std::fs::read(&path).ok().as_deref() != Some(file.contents.as_bytes()) {
            std::fs::create_dir_all(path.parent().expect("a file in a crate")).expect("a folder");
            std::fs::write(&path, &file.contents).expect("a generated file");
        }
    }
    let mut results = Results::new("scaling", &args);
    results.add("generate", samples, count, spec_bytes);
    results.note("specs", count);
    results.note("spec_bytes", spec_bytes);
    results.note("peak_kib", peak_kib());
    results.note(
        "crates",
        manifest
            .specs
            .iter()
            .map(PinnedSpec::crate_name)
            .collect::<Vec<_>>(),
    );
    results.write(&args);
}

/// The first `count` specs of the family: the pinned ones, then renamed copies of them.
fn family(
    pinned: &Manifest,
    dirs: &ntnx_generator::locate::SpecDirs,
    count: usize,
) -> Vec<(PinnedSpec, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let original = &pinned.specs[i % pinned.specs.len()];
            let (_, bytes) = dirs.read_pinned(original).unwrap_or_else(|e| panic!("{e}"));
            match i / pinned.specs.len() {
                0 => (original.clone(), bytes),
                copy => renamed(original, &bytes, &format!("{}x{copy}", original.namespace)),
            }
        })
        .collect()
}

/// `spec` (with its file's `bytes`) moved to namespace `to`.
fn renamed(spec: &PinnedSpec, bytes: &[u8], to: &str) -> (PinnedSpec, Vec<u8>) {
    let text = std::str::from_utf8(bytes).expect("a spec is UTF-8");
    let from = &spec.namespace;
    let text = rename(text, from, to);
    let bytes = text.into_bytes();
    let mut copy = spec.clone();
    copy.namespace = to.to_owned();
    copy.file = format!("{to}-{}", Path::new(&spec.file).display());
    copy.sha256 = manifest::sha256_hex(&bytes);
    copy.crate_name = None;
    for fix in &mut copy.fixes {
        fix.pointer = rename(&fix.pointer, from, to);
    }
    (copy, bytes)
}

/// `text` with namespace `from` renamed `to` where it names the namespace: in paths
/// (`/vmm/v4.0/`) and dotted names (`vmm.v4.0.ahv.config.Vm`, `vmm.v4.ahv.config.Vm`), not
/// inside longer words.
fn rename(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 50);
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back().or(previous);
        let after = &rest[at + from.len()..];
        let starts_word = !before.is_some_and(|c| c.is_ascii_alphanumeric());
        let names_it = after.starts_with(".v4") || after.starts_with("/v4");
        out.push_str(&rest[..at]);
        out.push_str(if starts_word && names_it { to } else { from });
        previous = from.chars().next_back();
        rest = after;
    }
    out.push_str(rest);
    out
}

/// This process's peak resident memory in KiB (`VmHWM` of `/proc/self/status`).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

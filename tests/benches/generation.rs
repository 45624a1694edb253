//! Generation speed: regenerating every pinned spec in memory
//! (`ntnx_generator::generate_pinned`, nothing written) against only reading and parsing
//! them (`SpecDirs::read_pinned` + `ntnx_generator::load::parse`:
//! sha256 check, serde_yaml into openapiv3), in the same process, runs interleaved.
//!
//! `generate_pinned` works on up to one thread per core, so parse-only is measured both on
//! one thread and spread the same way (the specs shared out over up to one thread per
//! core, largest first).
//!
//! To show where the time goes, the stages of `generate_pinned` are also timed one by one
//! (each run on fresh inputs made outside the timer): resolve (spec → IR), layout (IR →
//! crates) and emit (IR → formatted files, one thread per crate), and, as a share of emit,
//! formatting alone: `syn::parse_file` + `prettyplease::unparse` of every emitted `.rs`
//! file on one thread (the generator parses its token streams with `syn::parse2`, which
//! skips the lexing that `parse_file` does; the row is an estimate of that share).

mod common;

use std::sync::Mutex;
use std::time::Instant;

use common::{load_average, Args, Results};
use ntnx_generator::emit::EmitOptions;
use ntnx_generator::locate::SpecDirs;
use ntnx_generator::manifest::{Manifest, PinnedSpec};
use ntnx_workspace_tests::specs;

/// Runs of each in the full benchmark (each run takes a fraction of a second).
const RUNS: usize = 7;

fn main() {
    let args = Args::parse();
    let root = specs::workspace_root();
    let dirs = specs::spec_dirs();
    let manifest =
        Manifest::read(&root.join("specs").join("manifest.toml")).unwrap_or_else(|e| panic!("{e}"));
    // The options `cargo xtask generate` uses for generated/.
    let options = EmitOptions::workspace();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(manifest.specs.len());
    let parse = || {
        manifest
            .specs
            .iter()
            .map(|p| parse_one(&dirs, p))
            .sum::<usize>()
    };
    let parse_threads = || {
        let mut pinned: Vec<&PinnedSpec> = manifest.specs.iter().collect();
        pinned.sort_by_key(|p| std::cmp::Reverse(spec_size(&dirs, &p.file)));
        let queue = Mutex::new(pinned.into_iter());
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut schemas = 0;
                        while let Some(pinned) = queue.lock().expect("the queue").next() {
                            schemas += parse_one(&dirs, pinned);
                        }
                        schemas
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("a parse thread panicked"))
                .sum::<usize>()
        })
    };
    let generate = || {
        ntnx_generator::generate_pinned_in(&manifest, &dirs, &options)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let loaded: Vec<_> = manifest
        .specs
        .iter()
        .map(|pinned| {
            let (path, bytes) = dirs.read_pinned(pinned).unwrap_or_else(|e| panic!("{e}"));
            let spec = ntnx_generator::load::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
            (spec, pinned.crate_name())
        })
        .collect();
    let resolve = || -> Vec<_> {
        loaded
            .iter()
            .map(|(spec, crate_name)| {
                ntnx_generator::resolve::resolve(spec, crate_name).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    };
    let layout = |apis| {
        ntnx_generator::layout::layout(apis, ntnx_generator::layout::DEFAULT_SHARED_CRATE)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let emit = |workspace: &_| {
        ntnx_generator::emit::emit(workspace, &options).unwrap_or_else(|e| panic!("{e}"))
    };
    // Warm-up (and the facts for the report).
    let schemas = parse();
    assert_eq!(parse_threads(), schemas);
    let generated = generate();
    let bytes: usize = generated.files.iter().map(|f| f.contents.len()).sum();
    let lines: usize = generated
        .files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    let runs = if args.smoke { 1 } else { RUNS };
    let rust_files: Vec<&str> = generated
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| f.contents.as_str())
        .collect();
    let format = || {
        rust_files
            .iter()
            .map(|text| {
                let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{e}"));
                prettyplease::unparse(&file).len()
            })
            .sum::<usize>()
    };
    let mut samples: [Vec<f64>; 7] = Default::default();
    let load_before = load_average();
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(parse());
        samples[0].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        std::hint::black_box(parse_threads());
        samples[1].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        std::hint::black_box(generate());
        samples[2].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let apis = resolve();
        samples[3].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let workspace = layout(apis);
        samples[4].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        std::hint::black_box(emit(&workspace));
        samples[5].push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        std::hint::black_box(format());
        samples[6].push(started.elapsed().as_secs_f64());
    }
    let spec_bytes: usize = manifest
        .specs
        .iter()
        .map(|pinned| spec_size(&dirs, &pinned.file))
        .sum();
    let specs = manifest.specs.len();
    let [parse_samples, parse_threads_samples, generate_samples, resolve_samples, layout_samples, emit_samples, format_samples] =
        samples;
    let mut results = Results::new("generation", &args);
    results.add("parse", parse_samples, specs, spec_bytes);
    results.add("parse-threads", parse_threads_samples, specs, spec_bytes);
    results.add("generate", generate_samples, specs, spec_bytes);
    results.add("resolve", resolve_samples, specs, spec_bytes);
    results.add("layout", layout_samples, specs, spec_bytes);
    results.add("emit", emit_samples, specs, spec_bytes);
    results.add("format", format_samples, specs, spec_bytes);
    results.compared(
        &[
            "parse",
            "parse-threads",
            "generate",
            "resolve",
            "layout",
            "emit",
            "format",
        ],
        (load_before, load_average()),
    );
    results.note("specs", specs);
    results.note("threads", threads);
    results.note("spec_bytes", spec_bytes);
    results.note("schemas", schemas);
    results.note("files", generated.files.len());
    results.note("generated_bytes", bytes);
    results.note("generated_lines", lines);
    results.write(&args);
}

/// Reads (checking its sha256) and parses one pinned spec; its number of schemas.
fn parse_one(dirs: &SpecDirs, pinned: &PinnedSpec) -> usize {
    let (path, bytes) = dirs.read_pinned(pinned).unwrap_or_else(|e| panic!("{e}"));
    let loaded = ntnx_generator::load::parse(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    loaded
        .document
        .components
        .as_ref()
        .map_or(0, |c| c.schemas.len())
}

/// Size in bytes of spec file `file` where `dirs` find it.
fn spec_size(dirs: &SpecDirs, file: &str) -> usize {
    dirs.find(file)
        .and_then(|path| std::fs::metadata(path).ok())
        .map_or(0, |m| m.len() as usize)
}

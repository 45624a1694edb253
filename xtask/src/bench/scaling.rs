//! Part 6: how generation and builds grow with the family. Families of N specs (the
//! pinned ones, then copies of them under new namespaces; `tests/benches/scaling.rs`
//! builds and generates them) are generated, one process each, in rounds over the
//! families; then each family's `ntnx-shared`, `ntnx-vmm-v4-0` and a program that uses
//! only vmm are built cold, again in rounds over the families, so that the ratios between
//! families are taken round by round.

use std::path::PathBuf;

use super::compile::{cargo, timed};
use super::report::{Section, Table, Target};
use super::scratch::{count_lines, sync_dir, write_if_changed, write_manifest};
use super::stats::{paired_ratios, rotated, Load, Summary};
use super::{output, Bench};

/// Family sizes of the full benchmark; the first is vmm alone.
const FAMILIES: [usize; 4] = [1, 5, 10, 20];

/// Family sizes of `--smoke`.
const SMOKE_FAMILIES: [usize; 2] = [1, 6];

/// Rounds over the families in the full benchmark.
const ROUNDS: usize = 3;

/// The shared crate and the namespace crate the downstream program uses.
const SHARED: &str = "ntnx-shared";
const NAMESPACE: &str = "ntnx-vmm-v4-0";
const PROGRAM: &str = "vmm-user";

/// A user of one namespace should pay at most this much more build time in the largest
/// family than with that namespace alone.
const UNUSED_TARGET: f64 = 1.10;

/// One family and what was measured of it.
struct Family {
    size: usize,
    dir: PathBuf,
    spec_bytes: f64,
    generate: Vec<f64>,
    peak_kib: f64,
    /// Cold builds: `ntnx-shared` alone; the namespace crate with `ntnx-shared` built;
    /// the program with everything of ours cold (what a user of vmm waits for).
    shared: Vec<f64>,
    namespace: Vec<f64>,
    program: Vec<f64>,
}

pub fn run(bench: &Bench) -> Result<Section, String> {
    let sizes: &[usize] = if bench.smoke {
        &SMOKE_FAMILIES
    } else {
        &FAMILIES
    };
    let rounds = if bench.smoke { 1 } else { ROUNDS };
    let mut families: Vec<Family> = sizes
        .iter()
        .map(|&size| Family {
            size,
            dir: bench.work.join("scaling").join(size.to_string()),
            spec_bytes: 0.0,
            generate: Vec::new(),
            peak_kib: 0.0,
            shared: Vec::new(),
            namespace: Vec::new(),
            program: Vec::new(),
        })
        .collect();
    let generation_load = generate(bench, &mut families, rounds)?;
    let target = super::compile::ours_target(bench);
    // `--smoke` builds the first family only: the code is the same for every family.
    let built = if bench.smoke { 1 } else { families.len() };
    for family in &families[..built] {
        workspace(bench, family)?;
        println!(
            "bench: building {} (dependencies, not timed)",
            family.dir.display()
        );
        // Each package alone too: built alone, `ntnx-shared` wants the runtime without a
        // TLS feature, a build of its own that must not land in the first timing.
        for package in [SHARED, NAMESPACE, PROGRAM] {
            output(&mut cargo(&family.dir, &target, &["build", "-p", package]))?;
        }
    }
    let build_load = build(&mut families[..built], &target, rounds)?;
    Ok(section(&families, generation_load, build_load))
}

/// Generates every family `rounds` times, one process per generation, the families in
/// turns.
fn generate(bench: &Bench, families: &mut [Family], rounds: usize) -> Result<Load, String> {
    let before = Load::now();
    for round in 0..rounds {
        for i in rotated(round, families.len()) {
            let family = &mut families[i];
            let results = bench.cargo_bench(
                "scaling",
                &[
                    "--only".to_owned(),
                    family.size.to_string(),
                    "--dir".to_owned(),
                    family.dir.display().to_string(),
                ],
            )?;
            family.generate.extend(&results.get("generate")?.samples);
            let number = |key: &str| results.note(key).parse::<f64>().unwrap_or(f64::NAN);
            family.peak_kib = family.peak_kib.max(number("peak_kib"));
            family.spec_bytes = number("spec_bytes");
        }
    }
    Ok(Load::since(before))
}

/// Makes a family's folder a workspace: the runtime, its generated `ntnx-shared` and
/// namespace crate, and the program.
fn workspace(bench: &Bench, family: &Family) -> Result<(), String> {
    sync_dir(&bench.root.join("runtime"), &family.dir.join("runtime"))?;
    let program = family.dir.join(PROGRAM);
    let manifest = format!(
        "# Written by `cargo xtask bench`: a program that uses one namespace.\n\
         [package]\nname = \"{PROGRAM}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\n\
         ntnx-vmm = {{ package = \"{NAMESPACE}\", path = \"../generated/{NAMESPACE}\" }}\n\
         ntnx-runtime = {{ path = \"../runtime\" }}\n\
         futures = \"0.3\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
    );
    write_if_changed(&program.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(
        &program.join("src").join("main.rs"),
        PROGRAM_MAIN.as_bytes(),
    )?;
    let members = [
        "runtime".to_owned(),
        format!("generated/{SHARED}"),
        format!("generated/{NAMESPACE}"),
        PROGRAM.to_owned(),
    ];
    write_manifest(&bench.root, &family.dir, &members)
}

/// The program: the vmm part of the README quickstart.
const PROGRAM_MAIN: &str = r#"//! Lists images, as the README quickstart does.
use futures::TryStreamExt;
use ntnx_runtime::Client;
use ntnx_vmm::VmmClient;

#[tokio::main]
async fn main() -> Result<(), ntnx_runtime::Error> {
    let client = Client::builder("pc.example.com")
        .basic_auth("admin", std::env::var("NTNX_PASSWORD").unwrap_or_default())
        .build()?;
    let vmm = VmmClient::new(client);
    let page = vmm
        .images()
        .list_images()
        .filter(|image| image.name().startswith("fileserver_"))
        .orderby(|image| image.name().asc())
        .limit(3)
        .send()
        .await?;
    println!("{} images in total", page.total_available_results().unwrap_or(0));
    let images: Vec<_> = vmm.images().list_images().items().try_collect().await?;
    println!("{} images listed", images.len());
    Ok(())
}
"#;

/// Cold builds of each family, `rounds` times, the families in turns.
fn build(families: &mut [Family], target: &std::path::Path, rounds: usize) -> Result<Load, String> {
    let before = Load::now();
    let ours = ["-p", SHARED, "-p", NAMESPACE, "-p", PROGRAM];
    for round in 0..rounds {
        for i in rotated(round, families.len()) {
            let family = &mut families[i];
            let ws = family.dir.clone();
            let clean = |ws: &std::path::Path| {
                let mut args = vec!["clean"];
                args.extend(ours);
                output(&mut cargo(ws, target, &args))
            };
            clean(&ws)?;
            family
                .shared
                .push(timed(&mut cargo(&ws, target, &["build", "-p", SHARED]))?);
            family
                .namespace
                .push(timed(&mut cargo(&ws, target, &["build", "-p", NAMESPACE]))?);
            clean(&ws)?;
            family
                .program
                .push(timed(&mut cargo(&ws, target, &["build", "-p", PROGRAM]))?);
            println!(
                "bench: round {}/{rounds} family of {:>2}: {SHARED} {:.1} s, {NAMESPACE} {:.1} s, \
                 {PROGRAM} (all cold) {:.1} s",
                round + 1,
                family.size,
                family.shared.last().copied().unwrap_or(f64::NAN),
                family.namespace.last().copied().unwrap_or(f64::NAN),
                family.program.last().copied().unwrap_or(f64::NAN),
            );
        }
    }
    Ok(Load::since(before))
}

fn section(families: &[Family], generation_load: Load, build_load: Load) -> Section {
    let base = &families[0];
    let mut table = Table::new(&[
        "specs",
        "YAML (MB)",
        "generation (s)",
        "per spec (s)",
        "peak memory (MiB)",
        "`ntnx-shared` lines",
        "`ntnx-shared` cold (s)",
        "`ntnx-vmm-v4-0` lines",
        "`ntnx-vmm-v4-0` cold (s)",
        "vmm program, all ours cold (s)",
        "program ÷ vmm alone, per round",
    ]);
    let show = |samples: &[f64], decimals| {
        Summary::of(samples).map_or_else(String::new, |s| s.show(decimals))
    };
    for family in families {
        let generated = family.dir.join("generated");
        let per_spec: Vec<f64> = family
            .generate
            .iter()
            .map(|s| s / family.size as f64)
            .collect();
        let over_base = paired_ratios(&family.program, &base.program)
            .map_or_else(String::new, |r| r.show_ratio());
        table.row(vec![
            family.size.to_string(),
            format!("{:.1}", family.spec_bytes / 1e6),
            show(&family.generate, 2),
            show(&per_spec, 3),
            format!("{:.0}", family.peak_kib / 1024.0),
            shared_lines(family).to_string(),
            show(&family.shared, 1),
            count_lines(&generated.join(NAMESPACE).join("src"))
                .0
                .to_string(),
            show(&family.namespace, 1),
            show(&family.program, 1),
            over_base,
        ]);
    }
    let largest = families.last().unwrap_or(base);
    let unused = paired_ratios(&largest.program, &base.program);
    let per_spec = |f: &Family| Summary::of(&f.generate).map(|s| s.median / f.size as f64);
    let growth = per_spec(largest)
        .zip(families.get(1).and_then(per_spec))
        .map(|(large, small)| large / small);
    Section {
        title: "Scaling with the family".to_owned(),
        text: vec![format!(
            "Families of N specs: the first N of the pinned specs in manifest order (so 1 is \
             vmm alone), then copies of them under new namespaces (`vmm` → `vmmx1`: paths, \
             schema names, `$objectType`s and declared fixes renamed; what a spec copies \
             from other namespaces, `common.v1.*` or prism's task references, left as \
             published), made by `tests/benches/scaling.rs`. Generation: \
             `generate_pinned` of the family in its own process (the second of two runs \
             timed; peak memory is the process's `VmHWM`), the families in turns, load \
             {}. Builds: debug, `cargo clean -p` of our crates then `cargo build -p` of \
             `ntnx-shared` alone, of `ntnx-vmm-v4-0` with `ntnx-shared` built, and of a \
             program using only vmm with all of ours cold (third-party dependencies \
             prebuilt), the families in turns, load {}.",
            generation_load.show(),
            build_load.show(),
        )],
        tables: vec![table],
        notes: vec![
            format!(
                "A schema goes to `ntnx-shared` when its namespace is not its spec's \
             (`common.v1.*`, the prism task references every spec copies) or several specs \
             carry it; a namespace's own schemas stay in its crate. So `ntnx-shared` grows \
             only by what a new spec copies from other namespaces that no spec copied \
             before: here from {} lines with vmm alone to {} with {} specs, which a user of \
             one namespace builds whether they use the rest or not.",
                shared_lines(base),
                shared_lines(largest),
                largest.size,
            ),
            "Generation per spec is highest for vmm alone: the crates of a family are \
            emitted in parallel, one thread per crate, and one crate keeps one core busy; \
            from the pinned five on, both cores are."
                .to_owned(),
        ],
        targets: vec![
            Target {
                target: format!(
                    "a vmm user's build with {} specs ≤ {UNUSED_TARGET:.2}× with vmm alone",
                    largest.size
                ),
                measured: unused.map_or_else(|| "not measured".to_owned(), |r| r.show_ratio()),
                met: unused.map(|r| r.median <= UNUSED_TARGET),
            },
            Target {
                target: "linear generation: time per spec no more than 1.25× from the \
                         pinned family to the largest"
                    .to_owned(),
                measured: growth.map_or_else(|| "not measured".to_owned(), |g| format!("{g:.2}×")),
                met: growth.map(|g| g <= 1.25),
            },
        ],
    }
}

/// Lines of a family's `ntnx-shared` sources.
fn shared_lines(family: &Family) -> usize {
    count_lines(&family.dir.join("generated").join(SHARED).join("src")).0
}

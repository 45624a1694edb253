//! Generator of the Nutanix v4 Rust SDK.
//!
//! One pipeline with named stages, one module each:
//!
//! 1. [`manifest`] and [`load`]: read the pinned spec files and parse them;
//! 2. [`resolve`]: turn each document into the [`ir`] (named types and operations,
//!    no Rust syntax);
//! 3. [`layout`]: place the types of all specs into crates, merging the shared copies;
//! 4. [`emit`]: write Rust from the IR with `quote!`, formatted by prettyplease.

pub mod emit;
pub mod error;
pub mod fix;
pub mod ir;
pub mod layout;
pub mod load;
pub mod locate;
pub mod manifest;
mod parallel;
pub mod release;
pub mod resolve;
pub mod version;

pub use error::{Error, ErrorKind, Result};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use emit::{EmitOptions, GeneratedFile};
use layout::MergeNote;

/// What a generation run produced.
#[derive(Debug)]
pub struct Generated {
    /// Every file, relative to the output directory.
    pub files: Vec<GeneratedFile>,
    /// One line of counts per spec.
    pub specs: Vec<SpecSummary>,
    /// Shared schemas whose copies differed and were merged.
    pub merges: Vec<MergeNote>,
    /// Each published crate's changes and version, against the previous generation.
    pub releases: Vec<release::CrateRelease>,
}

/// Counts for one spec.
#[derive(Clone, Debug)]
pub struct SpecSummary {
    /// Crate name.
    pub crate_name: String,
    /// Spec file.
    pub file: PathBuf,
    /// Component schemas in the spec.
    pub schemas: usize,
    /// Named types the spec produced (components plus named inline schemas).
    pub types: usize,
    /// Operations.
    pub operations: usize,
    /// Time to load and resolve it.
    pub elapsed: Duration,
    /// Declared fixes applied to the file, and mistakes accepted without one.
    pub corrections: Vec<ir::Correction>,
    /// The fields its operations' OData options document.
    pub queries: QuerySummary,
}

/// The fields the operations of a spec document for their OData options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuerySummary {
    /// Operations that document a field for any option.
    pub operations: usize,
    /// Documented `$filter` fields (over all operations).
    pub filter: usize,
    /// Documented `$orderby` fields.
    pub orderby: usize,
    /// Documented `$select` fields.
    pub select: usize,
    /// Documented `$expand` keys.
    pub expand: usize,
    /// Fields that name no field of the entity (offered untyped) and expansion keys that
    /// name no schema (decoded as raw JSON): `listVms $filter foo`.
    pub unresolved: Vec<String>,
}

impl QuerySummary {
    /// The summary of a resolved spec.
    pub fn of(api: &ir::Api) -> QuerySummary {
        let mut summary = QuerySummary::default();
        for operation in &api.operations {
            let queries = &operation.queries;
            let options = [
                ("$filter", &queries.filter, &mut summary.filter),
                ("$orderby", &queries.orderby, &mut summary.orderby),
                ("$select", &queries.select, &mut summary.select),
            ];
            let mut documents = false;
            for (name, fields, count) in options {
                let fields = fields.as_deref().unwrap_or_default();
                *count += fields.len();
                documents |= !fields.is_empty();
                for field in fields.iter().filter(|f| f.ty.is_none()) {
                    summary.unresolved.push(format!(
                        "{} {name} {}: names no field of the entity",
                        operation.id, field.path
                    ));
                }
            }
            let expand = queries.expand.as_deref().unwrap_or_default();
            summary.expand += expand.len();
            documents |= !expand.is_empty();
            for expansion in expand {
                if expansion.target == ir::ExpansionTarget::Raw {
                    summary.unresolved.push(format!(
                        "{} $expand {}: names no field and no schema (raw JSON)",
                        operation.id, expansion.key
                    ));
                }
            }
            summary.operations += usize::from(documents);
        }
        summary
    }
}

impl std::fmt::Display for QuerySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "query fields on {} operations: {} $filter, {} $orderby, {} $select, {} $expand; \
             {} unresolved",
            self.operations,
            self.filter,
            self.orderby,
            self.select,
            self.expand,
            self.unresolved.len()
        )
    }
}

/// Generates every crate of the manifest, reading the spec files from `specs_dir` and
/// checking their sha256 against the manifest.
pub fn generate_pinned(
    manifest: &manifest::Manifest,
    specs_dir: &Path,
    options: &EmitOptions,
) -> Result<Generated> {
    generate_pinned_in(manifest, &locate::SpecDirs::one(specs_dir), options)
}

/// Generates every crate of the manifest, reading each spec file from the first of `dirs`
/// that holds it and checking its sha256 against the manifest.
pub fn generate_pinned_in(
    manifest: &manifest::Manifest,
    dirs: &locate::SpecDirs,
    options: &EmitOptions,
) -> Result<Generated> {
    // Each spec is read, parsed and resolved on its own thread; results keep manifest order.
    let jobs: Vec<parallel::Job<'_, Result<(ir::Api, SpecSummary)>>> = manifest
        .specs
        .iter()
        .map(|pinned| {
            Box::new(move || {
                let started = Instant::now();
                let (path, bytes) = dirs.read_pinned(pinned)?;
                let loaded = load::parse_with_fixes(&path, &bytes, &pinned.fixes)?;
                if loaded.namespace != pinned.namespace || loaded.version != pinned.version {
                    return Err(Error::new(
                        ErrorKind::Manifest,
                        format!(
                            "the manifest pins {} as {} {}, but its paths are under /{}/{}/",
                            pinned.file,
                            pinned.namespace,
                            pinned.version,
                            loaded.namespace,
                            loaded.version
                        ),
                    )
                    .in_file(&path));
                }
                let api = resolve::resolve(&loaded, &pinned.crate_name())?;
                let summary = summary(&api, started.elapsed());
                Ok((api, summary))
            }) as parallel::Job<'_, _>
        })
        .collect();
    let mut apis = Vec::new();
    let mut specs = Vec::new();
    for result in parallel::run_all(jobs) {
        let (api, summary) = result?;
        apis.push(api);
        specs.push(summary);
    }
    finish(apis, specs, options)
}

/// Generates the crate of one spec file (and the shared crate for its shared schemas),
/// without a manifest: the namespace and version are read from the spec's paths.
pub fn generate_file(path: &Path, options: &EmitOptions) -> Result<Generated> {
    let started = Instant::now();
    let loaded = load::read(path)?;
    let crate_name = manifest::default_crate_name(&loaded.namespace, &loaded.version);
    let api = resolve::resolve(&loaded, &crate_name)?;
    let specs = vec![summary(&api, started.elapsed())];
    finish(vec![api], specs, options)
}

fn summary(api: &ir::Api, elapsed: Duration) -> SpecSummary {
    SpecSummary {
        crate_name: api.crate_name.clone(),
        file: api.file.clone(),
        schemas: api.schema_count,
        types: api.types.len(),
        operations: api.operations.len(),
        elapsed,
        corrections: api.corrections.clone(),
        queries: QuerySummary::of(api),
    }
}

fn finish(
    apis: Vec<ir::Api>,
    mut specs: Vec<SpecSummary>,
    options: &EmitOptions,
) -> Result<Generated> {
    let started = Instant::now();
    let workspace = layout::layout(apis, layout::DEFAULT_SHARED_CRATE)?;
    let mut files = emit::emit(&workspace, options)?;
    let releases = release_crates(&workspace, &mut files, options);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // Layout and emission are shared; spread their time evenly for the summary.
    let share = started.elapsed() / specs.len().max(1) as u32;
    for spec in &mut specs {
        spec.elapsed += share;
    }
    Ok(Generated {
        files,
        specs,
        merges: workspace.merges,
        releases,
    })
}

/// Versions and change logs of the published crates, against `options.previous`.
fn release_crates(
    workspace: &layout::Workspace,
    files: &mut Vec<GeneratedFile>,
    options: &EmitOptions,
) -> Vec<release::CrateRelease> {
    let mut crates: Vec<release::Versioned<'_>> = workspace
        .specs
        .iter()
        .map(|spec| release::Versioned {
            crate_name: &spec.name,
            api_version: Some(&spec.version),
            source: format!(
                "{} {}, info.version {}",
                spec.namespace, spec.version, spec.api_version
            ),
        })
        .collect();
    if !workspace.shared.types.is_empty() {
        crates.push(release::Versioned {
            crate_name: &workspace.shared.name,
            api_version: None,
            source: "the shared schemas of every spec".to_owned(),
        });
    }
    let previous = |path: &Path| -> Option<String> {
        let dir = options.previous.as_ref()?;
        std::fs::read_to_string(dir.join(path)).ok()
    };
    release::apply(files, &crates, &previous, options.published.as_ref())
}

/// A JSON pointer `#/a/b` from unescaped segments.
pub fn pointer(segments: &[&str]) -> String {
    pointer_join("#", segments)
}

/// `base` with unescaped `segments` appended.
pub fn pointer_join(base: &str, segments: &[&str]) -> String {
    let mut out = base.to_owned();
    for segment in segments {
        out.push('/');
        out.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    }
    out
}

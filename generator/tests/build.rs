//! The generated code compiles: every construct fixture is generated with `generate_file`
//! into a folder of its own, made a workspace the way `cargo xtask generate --spec` does, and
//! built with cargo; the two shared fixtures are also generated together, merged, and built.
//!
//! The builds share one target folder, `target-fixtures` at the workspace root, so that the
//! runtime and its dependencies are compiled once and reruns are quick.

use crate::common::{
    build, fixtures_dir, generate, manifest_for, options, scratch_dir, workspace_root,
    write_workspace, FIXTURES,
};
use ntnx_generator::Generated;

#[test]
fn generated_fixture_crates_build() {
    let root = scratch_dir("ntnx-generator-fixtures");
    let target = workspace_root().join("target-fixtures");

    let mut outputs: Vec<(String, Generated)> = FIXTURES
        .iter()
        .map(|name| (name.trim_end_matches(".yaml").to_owned(), generate(name)))
        .collect();
    let manifest = manifest_for(&[("alpha", "shared-alpha.yaml"), ("beta", "shared-beta.yaml")]);
    let merged = ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
        .expect("alpha and beta generate together");
    assert!(
        !merged.merges.is_empty(),
        "the merged build covers merged types"
    );
    outputs.push(("shared-merged".to_owned(), merged));

    let mut failures = Vec::new();
    for (name, generated) in outputs {
        let dir = root.join(&name);
        write_workspace(&dir, generated.files);
        if let Err(output) = build(&dir, &target, &["build"]) {
            failures.push(format!("== {name} ({})\n{output}", dir.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "generated crates do not build:\n{}",
        failures.join("\n")
    );
    // Kept when a build fails, for a look at the generated code.
    let _ = std::fs::remove_dir_all(&root);
}

//! Generating the same input twice gives byte-identical files, in the same order.

use crate::common::{fixtures_dir, generate, manifest_for, options, FIXTURES};
use ntnx_generator::Generated;

fn assert_identical(name: &str, first: &Generated, second: &Generated) {
    let paths = |g: &Generated| g.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(first), paths(second), "{name}: different files");
    for (a, b) in first.files.iter().zip(&second.files) {
        assert!(
            a.contents == b.contents,
            "{name}: {} differs between two runs",
            a.path.display()
        );
    }
    assert_eq!(first.merges, second.merges, "{name}: different merges");
}

#[test]
fn generating_a_fixture_twice_gives_identical_files() {
    for name in FIXTURES {
        // Each run builds its own hash maps with their own random order.
        let first = generate(name);
        let second = generate(name);
        assert!(!first.files.is_empty());
        assert_identical(name, &first, &second);
        // Files come sorted by path, each once.
        let paths: Vec<_> = first.files.iter().map(|f| &f.path).collect();
        assert!(paths.windows(2).all(|w| w[0] < w[1]), "{name}: {paths:?}");
    }
}

#[test]
fn generating_merged_specs_twice_gives_identical_files() {
    let manifest = manifest_for(&[("alpha", "shared-alpha.yaml"), ("beta", "shared-beta.yaml")]);
    let run = || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
            .expect("alpha and beta generate together")
    };
    let first = run();
    let second = run();
    assert!(!first.merges.is_empty());
    assert_identical("alpha + beta", &first, &second);
}

//! Mistakes in published files (`specs/fixtures/mistakes.yaml`): accepted with a warning
//! when they can mean one thing only, refused with their location otherwise, and read past
//! by a fix the manifest declares, each reported in the summary and the crate docs. The
//! fixture's early-access version (`v4.1.a1`) is checked on the way.

use crate::common::{file, fixture, fixtures_dir, generate_err, item, no_panic, options};
use ntnx_generator::manifest::{sha256_hex, Manifest};
use ntnx_generator::{ErrorKind, Generated};
use serde_json::Value;

const GAUGE: &str = "#/components/schemas/mistakes.v4.1.a1.config.Gauge";

/// A manifest pinning the fixture, with `fixes` (TOML `[[spec.fix]]` tables) under it.
fn manifest(fixes: &str) -> Manifest {
    let bytes = std::fs::read(fixture("mistakes.yaml")).unwrap();
    Manifest::parse(&format!(
        "[[spec]]\nnamespace = \"mistakes\"\nversion = \"v4.1.a1\"\nfile = \"mistakes.yaml\"\n\
         sha256 = \"{}\"\nurl = \"https://example.invalid/mistakes.yaml\"\n\n{fixes}",
        sha256_hex(&bytes)
    ))
    .expect("the manifest parses")
}

fn generate_with(fixes: &str) -> Result<Generated, ntnx_generator::Error> {
    no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest(fixes), &fixtures_dir(), &options())
    })
}

const STRNG_FIX: &str = r##"
[[spec.fix]]
pointer = "#/components/schemas/mistakes.v4.1.a1.config.Gauge/properties/label/type"
expect = "strng"
value = "string"
reason = "`strng` is a typo of `string`"
"##;

#[test]
fn an_unknown_type_without_a_fix_is_an_error_naming_its_pointer() {
    let error = generate_err("mistakes.yaml");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let text = error.to_string();
    assert!(
        text.contains(&format!("{GAUGE}/properties/label")),
        "{text}"
    );
    assert!(text.contains("unknown type `strng`"), "{text}");
    assert!(text.contains("[[spec.fix]]"), "{text}");
}

#[test]
fn a_declared_fix_is_applied_and_reported_with_the_accepted_mistakes() {
    let generated = generate_with(STRNG_FIX).expect("the fix lets it generate");
    let corrections = &generated.specs[0].corrections;
    let summary: Vec<(&str, Option<&Value>, bool)> = corrections
        .iter()
        .map(|c| (c.pointer.as_str(), c.now.as_ref(), c.declared))
        .collect();
    let (string, integer, boolean) = (
        Value::from("string"),
        Value::from("integer"),
        Value::from("boolean"),
    );
    assert_eq!(
        summary,
        [
            (
                format!("{GAUGE}/properties/label/type").as_str(),
                Some(&string),
                true
            ),
            (
                format!("{GAUGE}/properties/percent/type").as_str(),
                Some(&integer),
                false
            ),
            (
                format!("{GAUGE}/properties/enabled/type").as_str(),
                Some(&boolean),
                false
            ),
        ]
    );
    let config = file(&generated, "ntnx-mistakes-v4-1/src/config.rs");
    let gauge = item(config, "pub struct Gauge {");
    for field in [
        "pub percent: Option<i64>,",
        "pub enabled: Option<bool>,",
        "pub label: Option<String>,",
    ] {
        assert!(gauge.contains(field), "{field} in {gauge}");
    }
    // The crate docs list every correction; accepted ones say so.
    let lib = file(&generated, "ntnx-mistakes-v4-1/src/lib.rs");
    assert!(
        lib.contains("//! # Corrections of the published file"),
        "{lib}"
    );
    assert!(lib.contains("`strng` is a typo of `string`"), "{lib}");
    assert_eq!(
        lib.matches("accepted without a declared fix").count(),
        2,
        "{lib}"
    );
}

#[test]
fn a_fix_that_no_longer_matches_the_file_is_an_error() {
    let stale = STRNG_FIX.replace("expect = \"strng\"", "expect = \"text\"");
    let error = generate_with(&stale).expect_err("the file has strng, not text");
    assert_eq!(error.kind(), ErrorKind::Manifest);
    let text = error.to_string();
    assert!(text.contains("mistakes.yaml"), "{text}");
    assert!(text.contains("remove this fix"), "{text}");
    let missing = STRNG_FIX.replace("/properties/label/", "/properties/gone/");
    let error = generate_with(&missing).expect_err("nothing is there");
    assert!(
        error.to_string().contains("nothing at the pointer"),
        "{error}"
    );
}

#[test]
fn an_early_access_version_names_modules_without_it_and_is_a_pre_release() {
    let generated = generate_with(STRNG_FIX).unwrap();
    let config = file(&generated, "ntnx-mistakes-v4-1/src/config.rs");
    assert!(config.contains("const SCHEMA: &'static str = \"mistakes.v4.1.a1.config.Gauge\";"));
    assert!(
        config.contains("\"mistakes.v4.config.Gauge\""),
        "the wire name drops revision and type"
    );
    let cargo = file(&generated, "ntnx-mistakes-v4-1/Cargo.toml");
    assert!(cargo.contains("version = \"1.0.0-alpha.1\""), "{cargo}");
    let lib = file(&generated, "ntnx-mistakes-v4-1/src/lib.rs");
    assert!(lib.contains("early-access version of the API"), "{lib}");
    let api = file(&generated, "ntnx-mistakes-v4-1/src/api/gauges.rs");
    assert!(
        api.contains("path: \"/mistakes/v4.1.a1/config/gauges/{extId}\""),
        "{api}"
    );
}

//! Bad input on `specs/fixtures/errors/*.yaml` and `specs/fixtures/manifests/*.toml`: every
//! failure is an `Error` of the right kind that says where (file, line and column or JSON
//! pointer), never a panic.

use std::path::{Path, PathBuf};

use crate::common::{fixture, fixtures_dir, generate_err, manifest_for, no_panic, options};
use ntnx_generator::manifest::Manifest;
use ntnx_generator::{Error, ErrorKind};

/// Checks kind, file and JSON pointer, and that the message shows both.
fn assert_at(error: &Error, kind: ErrorKind, file: &str, pointer: &str) {
    assert_eq!(error.kind(), kind, "{error}");
    let path = fixture(file);
    assert_eq!(
        error.location().file.as_deref(),
        Some(path.as_path()),
        "{error}"
    );
    assert_eq!(
        error.location().pointer.as_deref(),
        Some(pointer),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{} at {pointer}: ", path.display())),
        "{text}"
    );
}

/// Checks kind, file and line, and that the message shows both.
fn assert_at_line(error: &Error, kind: ErrorKind, file: &Path, line: usize) {
    assert_eq!(error.kind(), kind, "{error}");
    assert_eq!(error.location().file.as_deref(), Some(file), "{error}");
    let (actual, column) = error.location().line_column.expect("a line and column");
    assert_eq!(actual, line, "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}:{line}:{column}: ", file.display())),
        "{text}"
    );
}

fn read_manifest(name: &str) -> Result<Manifest, Error> {
    let path = fixtures_dir().join("manifests").join(name);
    no_panic(name, || Manifest::read(&path))
}

fn manifest_path(name: &str) -> PathBuf {
    fixtures_dir().join("manifests").join(name)
}

#[test]
fn a_missing_spec_file_is_an_io_error_naming_it() {
    let error = generate_err("errors/does-not-exist.yaml");
    assert_eq!(error.kind(), ErrorKind::Io);
    let path = fixture("errors/does-not-exist.yaml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    assert!(error.to_string().starts_with(&path.display().to_string()));

    let manifest = read_manifest("missing-file.toml").expect("the manifest itself is fine");
    let error = no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
    })
    .expect_err("the pinned file is missing");
    assert_eq!(error.kind(), ErrorKind::Io);
    let path = fixture("does-not-exist.yaml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    assert!(error.to_string().contains("NTNX_SPECS_DIR"), "{error}");
}

#[test]
fn a_file_whose_sha256_differs_from_its_pin_is_refused() {
    let manifest = read_manifest("wrong-sha.toml").expect("the manifest itself is fine");
    let error = no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
    })
    .expect_err("the hash differs");
    assert_eq!(error.kind(), ErrorKind::HashMismatch);
    let path = fixture("naming.yaml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    let actual = ntnx_generator::manifest::sha256_hex(&std::fs::read(&path).expect("naming.yaml"));
    let text = error.to_string();
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    assert!(text.contains(&actual), "{text}");
    assert!(text.contains(&"0".repeat(64)), "{text}");
}

#[test]
fn a_pin_whose_namespace_differs_from_the_paths_is_refused() {
    let manifest = manifest_for(&[("elsewhere", "naming.yaml")]);
    let error = no_panic("generate_pinned", || {
        ntnx_generator::generate_pinned(&manifest, &fixtures_dir(), &options())
    })
    .expect_err("the namespace differs");
    assert_eq!(error.kind(), ErrorKind::Manifest);
    let path = fixture("naming.yaml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    assert!(error.to_string().contains("/fixture/v1.0/"), "{error}");
}

#[test]
fn yaml_syntax_errors_give_line_and_column() {
    let error = generate_err("errors/yaml-syntax.yaml");
    // Line 8 is `    get: description: broken`; column 21 is its second colon.
    assert_at_line(
        &error,
        ErrorKind::Parse,
        &fixture("errors/yaml-syntax.yaml"),
        8,
    );
    assert_eq!(error.location().line_column, Some((8, 21)));
}

#[test]
fn a_repeated_key_is_an_error_at_its_line() {
    // openapiv3 panics on this one when reading YAML; the loader catches that and reads
    // the document again in a way that names the repeated key and the line where the
    // mapping holding it starts.
    let error = generate_err("errors/repeated-key.yaml");
    assert_at_line(
        &error,
        ErrorKind::Parse,
        &fixture("errors/repeated-key.yaml"),
        13,
    );
    let text = error.to_string();
    assert!(
        text.contains("duplicate entry with key \"description\""),
        "{text}"
    );
    assert!(text.contains("parameters[0]"), "{text}");
}

#[test]
fn documents_that_are_not_openapi_3_0_are_refused() {
    // Valid YAML, but no `openapi` key: the error points at the document's first line.
    let error = generate_err("errors/not-openapi.yaml");
    assert_at_line(
        &error,
        ErrorKind::Parse,
        &fixture("errors/not-openapi.yaml"),
        2,
    );
    assert!(error.message().contains("openapi"), "{error}");

    // Swagger 2.0 has no `openapi` key either, and is named for what it is.
    let error = generate_err("errors/swagger-2.0.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/swagger-2.0.yaml",
        "#/swagger",
    );
    assert!(error.message().contains("Swagger 2.0"), "{error}");

    let error = generate_err("errors/openapi-3.1.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/openapi-3.1.yaml",
        "#/openapi",
    );
    assert!(error.message().contains("3.1.0"), "{error}");
}

#[test]
fn paths_must_name_one_namespace_and_version() {
    let error = generate_err("errors/no-namespace-paths.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/no-namespace-paths.yaml",
        "#/paths",
    );
    let error = generate_err("errors/mixed-namespaces.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/mixed-namespaces.yaml",
        "#/paths/~1other~1v1.0~1config~1things",
    );
    assert!(error.message().contains("fixture/v1.0"), "{error}");
    assert!(error.message().contains("other/v1.0"), "{error}");
}

#[test]
fn dangling_refs_name_the_referencing_schema() {
    let error = generate_err("errors/dangling-ref.yaml");
    assert_at(
        &error,
        ErrorKind::DanglingRef,
        "errors/dangling-ref.yaml",
        "#/components/schemas/fixture.v1.0.config.Thing/properties/part",
    );
    assert!(
        error
            .message()
            .contains("#/components/schemas/fixture.v1.0.config.Missing"),
        "{error}"
    );
    let error = generate_err("errors/dangling-ref-in-operation.yaml");
    assert_at(
        &error,
        ErrorKind::DanglingRef,
        "errors/dangling-ref-in-operation.yaml",
        "#/paths/~1fixture~1v1.0~1config~1things/get/responses/200/content/application~1json/schema",
    );
}

#[test]
fn refs_into_other_files_are_unsupported() {
    let error = generate_err("errors/non-local-ref.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/non-local-ref.yaml",
        "#/components/schemas/fixture.v1.0.config.Thing/properties/part",
    );
    assert!(error.message().contains("other.yaml#"), "{error}");
}

#[test]
fn not_schemas_are_unsupported_wherever_they_are() {
    let error = generate_err("errors/not-schema.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/not-schema.yaml",
        "#/components/schemas/fixture.v1.0.config.NotAString",
    );
    assert!(error.message().contains("`not`"), "{error}");
    let error = generate_err("errors/not-property.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/not-property.yaml",
        "#/components/schemas/fixture.v1.0.config.Thing/properties/value",
    );
}

#[test]
fn discriminators_other_than_object_type_are_unsupported() {
    let error = generate_err("errors/discriminator.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/discriminator.yaml",
        "#/components/schemas/fixture.v1.0.config.Pet",
    );
    assert!(error.message().contains("`kind`"), "{error}");
}

#[test]
fn one_of_with_all_of_is_unsupported() {
    let error = generate_err("errors/oneof-with-allof.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/oneof-with-allof.yaml",
        "#/components/schemas/fixture.v1.0.config.Pet",
    );
    assert!(error.message().contains("allOf"), "{error}");
}

#[test]
fn all_of_cycles_are_reported_not_followed_forever() {
    let error = generate_err("errors/allof-cycle.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/allof-cycle.yaml",
        "#/components/schemas/fixture.v1.0.config.Egg/allOf/0",
    );
    assert!(error.message().contains("cycle"), "{error}");
}

#[test]
fn unsupported_parameters_are_reported_at_their_operation() {
    let error = generate_err("errors/cookie-parameter.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/cookie-parameter.yaml",
        "#/paths/~1fixture~1v1.0~1config~1things/get",
    );
    assert!(error.message().contains("session"), "{error}");
}

#[test]
fn form_urlencoded_bodies_are_refused_at_their_operation() {
    let error = generate_err("errors/form-body.yaml");
    assert_at(
        &error,
        ErrorKind::Unsupported,
        "errors/form-body.yaml",
        "#/paths/~1fixture~1v1.0~1config~1things/post",
    );
    assert!(error.message().contains("x-www-form-urlencoded"), "{error}");
}

#[test]
fn malformed_manifests_say_where() {
    // Bad TOML: line and column, and the manifest file.
    let error = read_manifest("bad-syntax.toml").expect_err("not TOML");
    assert_at_line(
        &error,
        ErrorKind::Manifest,
        &manifest_path("bad-syntax.toml"),
        5,
    );
    let error = read_manifest("unknown-key.toml").expect_err("an unknown key");
    assert_at_line(
        &error,
        ErrorKind::Manifest,
        &manifest_path("unknown-key.toml"),
        7,
    );
    assert!(error.message().contains("link"), "{error}");

    // Without a file, the parser still gives the line.
    let text = std::fs::read_to_string(manifest_path("bad-syntax.toml")).expect("fixture");
    let error = no_panic("parse", || Manifest::parse(&text)).expect_err("not TOML");
    assert_eq!(error.kind(), ErrorKind::Manifest);
    assert_eq!(error.location().line_column.map(|(line, _)| line), Some(5));

    // Checks after parsing: the manifest file and the offending entry.
    let error = read_manifest("duplicate-crates.toml").expect_err("one crate twice");
    assert_eq!(error.kind(), ErrorKind::Manifest);
    let path = manifest_path("duplicate-crates.toml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    assert!(error.to_string().starts_with(&path.display().to_string()));
    assert!(error.message().contains("`ntnx-fixture-v1-0`"), "{error}");

    let error = read_manifest("bad-sha.toml").expect_err("not a hash");
    assert_eq!(error.kind(), ErrorKind::Manifest);
    let path = manifest_path("bad-sha.toml");
    assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    assert!(error.message().contains("naming.yaml"), "{error}");

    let error = read_manifest("no-such-manifest.toml").expect_err("missing");
    assert_eq!(error.kind(), ErrorKind::Io);
    assert_eq!(
        error.location().file.as_deref(),
        Some(manifest_path("no-such-manifest.toml").as_path())
    );
}

#[test]
fn garbage_input_does_not_panic() {
    // Bytes that are not even text, and an empty document.
    for bytes in [
        &b"\xff\xfe\x00garbage"[..],
        b"",
        b"openapi: [",
        b"- 1\n- 2\n",
    ] {
        let path = PathBuf::from("garbage.yaml");
        let result = no_panic("parse", || ntnx_generator::load::parse(&path, bytes));
        let error = result.expect_err("not a spec");
        assert_eq!(error.kind(), ErrorKind::Parse, "{error}");
        assert_eq!(error.location().file.as_deref(), Some(path.as_path()));
    }
}

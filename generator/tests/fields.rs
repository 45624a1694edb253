//! Required, optional, nullable, read-only, write-only, secret and default fields, and
//! `x-required-by-operation`, on `specs/fixtures/fields.yaml`.

use crate::common::{contains_code, file, generate, item, member_docs, resolve, CONFIG};
use ntnx_generator::ir::{Api, Field, TypeKind};
use serde_json::json;

fn fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    let def = api
        .types
        .values()
        .find(|d| d.key.schema.name == name && d.key.inline.is_empty())
        .unwrap_or_else(|| panic!("no type {name}"));
    match &def.kind {
        TypeKind::Struct(s) => &s.fields,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn the_ir_keeps_every_presence_flag() {
    let api = resolve("fields.yaml");
    let account = fields(&api, "Account");
    let flags = |name: &str| {
        let f = field(account, name);
        (f.required, f.nullable, f.read_only, f.write_only, f.secret)
    };
    // (required, nullable, read_only, write_only, secret)
    assert_eq!(flags("name"), (true, false, false, false, false));
    assert_eq!(flags("nickname"), (false, false, false, false, false));
    assert_eq!(flags("expiry"), (false, true, false, false, false));
    assert_eq!(flags("closedAt"), (true, true, false, false, false));
    assert_eq!(flags("extId"), (true, false, true, false, false));
    assert_eq!(flags("createdBy"), (false, false, true, false, false));
    assert_eq!(flags("password"), (true, false, false, false, true));
    assert_eq!(flags("token"), (false, false, false, true, true));
    // Write-only but not a string: not a secret.
    assert_eq!(flags("pin"), (false, false, false, true, false));

    assert_eq!(field(account, "retries").default, Some(json!(3)));
    assert_eq!(field(account, "greeting").default, Some(json!("hello")));
    assert_eq!(field(account, "aliases").default, Some(json!([])));
    assert_eq!(field(account, "name").default, None);

    assert_eq!(field(account, "region").required_by, ["create"]);
    assert_eq!(field(account, "owner").required_by, ["create", "update"]);
    assert!(field(account, "name").required_by.is_empty());
    // x-required-by-operation documents; it does not make a field required.
    assert!(!field(account, "owner").required);
}

#[test]
fn presence_decides_the_field_type() {
    let generated = generate("fields.yaml");
    let config = file(&generated, CONFIG);
    let account = item(config, "pub struct Account {");
    for line in [
        "pub name: String,",
        "pub nickname: Option<String>,",
        "pub expiry: ntnx_runtime::Nullable<String>,",
        "pub closed_at: ntnx_runtime::Nullable<ntnx_runtime::DateTime>,",
        // Read-only fields are optional, even when required: clients never set them.
        "pub ext_id: Option<String>,",
        "pub created_by: Option<String>,",
        "pub password: ntnx_runtime::Secret,",
        "pub token: Option<ntnx_runtime::Secret>,",
        "pub pin: Option<i64>,",
        "pub quota: ntnx_runtime::Nullable<i64>,",
        "pub tier: Option<Tier>,",
        "pub level: Option<AccountLevel>,",
    ] {
        assert!(account.contains(line), "missing `{line}` in\n{account}");
    }
    let docs = |field: &str| member_docs(account, field);
    assert!(docs("pub ext_id:").contains("Read-only"));
    assert!(docs("pub ext_id:").contains("The server always returns it."));
    assert!(!docs("pub created_by:").contains("always returns"));
    assert!(docs("pub token:").contains("Write-only"));
    assert!(docs("pub token:").contains("Secret: never shown by `Debug`."));
    assert!(docs("pub expiry:").contains("Nullable"));
}

#[test]
fn x_required_by_operation_is_documented() {
    let generated = generate("fields.yaml");
    let account = item(file(&generated, CONFIG), "pub struct Account {");
    assert!(
        member_docs(account, "pub region:").contains("Required by the `create` operation."),
        "{account}"
    );
    assert!(
        member_docs(account, "pub owner:")
            .contains("Required by the `create`, `update` operations."),
        "{account}"
    );
}

#[test]
fn new_takes_required_fields_and_applies_defaults() {
    let generated = generate("fields.yaml");
    let config = file(&generated, CONFIG);
    let constructor = item(config, "impl Account {");
    assert!(
        contains_code(
            constructor,
            "pub fn new(name: impl Into<String>, \
             closed_at: ntnx_runtime::Nullable<ntnx_runtime::DateTime>, \
             password: impl Into<ntnx_runtime::Secret>) -> Self"
        ),
        "{constructor}"
    );
    for init in [
        "name,",
        // A required nullable field is an argument: a built value always has it.
        "closed_at,",
        "password,",
        "nickname: None,",
        "expiry: ntnx_runtime::Nullable::Absent,",
        "retries: Some(3i64),",
        "ratio: Some(0.5f32),",
        "enabled: Some(true),",
        "greeting: Some(String::from(\"hello\")),",
        "tier: None,",
        "level: Some(AccountLevel::High),",
        // A default the enum does not list is kept as an unrecognized value.
        "legacy_level: Some(AccountLegacyLevel::Unrecognized(String::from(\"ANCIENT\"))",
        "quota: ntnx_runtime::Nullable::Value(10i64),",
        "aliases: Some(Vec::new()),",
        "extras: ntnx_runtime::Extras::new(),",
    ] {
        assert!(
            contains_code(constructor, init),
            "missing `{init}` in\n{constructor}"
        );
    }
    // Every default is documented.
    let account = item(config, "pub struct Account {");
    assert!(member_docs(account, "pub retries:").contains("Default: `3`."));
    assert!(member_docs(account, "pub greeting:").contains("Default: `\"hello\"`."));
}

#[test]
fn defaults_are_never_applied_on_decode() {
    let generated = generate("fields.yaml");
    let config = file(&generated, CONFIG);
    let decode = item(config, "impl ntnx_runtime::Model for Account {");
    for default in [
        "3i64",
        "0.5f32",
        "Some(true)",
        "\"hello\"",
        "AccountLevel::High",
        "10i64",
    ] {
        assert!(
            !decode.contains(default),
            "decoding applies the default `{default}`:\n{decode}"
        );
    }
    assert!(contains_code(decode, "retries: field_retries,"), "{decode}");
    assert!(
        contains_code(
            decode,
            "name: ntnx_runtime::model::required(field_name, Self::SCHEMA, \"name\")?,"
        ),
        "{decode}"
    );
}

#[test]
fn structs_without_required_fields_implement_default() {
    let generated = generate("fields.yaml");
    let config = file(&generated, CONFIG);
    // With spec defaults: a hand-written `Default` applying them.
    assert!(config.contains(
        "#[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\npub struct Preferences {"
    ));
    let default = item(config, "impl Default for Preferences {");
    for init in [
        "theme: Some(String::from(\"dark\")),",
        "font_size: Some(12i32),",
        "tier: None,",
    ] {
        assert!(
            contains_code(default, init),
            "missing `{init}` in\n{default}"
        );
    }
    assert!(!config.contains("impl Preferences {"));
    // Without: derived.
    assert!(config.contains(
        "#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct Note {"
    ));
    assert!(!config.contains("impl Default for Note"));
    assert!(!config.contains("impl Note {"));
}

#[test]
fn password_fields_are_secrets() {
    let generated = generate("fields.yaml");
    let config = file(&generated, CONFIG);
    let login = item(config, "pub struct Login {");
    assert!(
        login.contains("pub secret: ntnx_runtime::Secret,"),
        "{login}"
    );
    assert!(
        login.contains("pub backup_secret: ntnx_runtime::Nullable<ntnx_runtime::Secret>,"),
        "{login}"
    );
    // A required field's default does not make it optional in `new`.
    let constructor = item(config, "impl Login {");
    assert!(
        contains_code(
            constructor,
            "pub fn new(user: impl Into<String>, secret: impl Into<ntnx_runtime::Secret>) -> Self"
        ),
        "{constructor}"
    );
    // `format: password` on a non-string keeps its type, and is not documented as hidden.
    assert!(login.contains("pub pin_code: Option<i64>,"), "{login}");
    assert!(!member_docs(login, "pub pin_code:").contains("Secret"));
}

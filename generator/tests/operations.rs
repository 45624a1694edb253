//! Operations on `specs/fixtures/operations.yaml`: parameters, bodies, envelopes, status
//! ranges, repeated and missing operationIds.

use crate::common::{contains_code, file, generate, item, resolve};
use ntnx_generator::ir::{
    Api, Body, Constraint, Content, Method, Operation, ParameterLocation, Scalar, StatusSpec,
    TypeKey, TypeRef,
};
use serde_json::json;

fn component(api: &Api, name: &str) -> TypeRef {
    TypeRef::Named(
        api.types
            .keys()
            .find(|k| k.schema.name == name && k.inline.is_empty())
            .unwrap_or_else(|| panic!("no component {name}"))
            .clone(),
    )
}

fn operations<'a>(api: &'a Api, id: &str) -> Vec<&'a Operation> {
    api.operations.iter().filter(|o| o.id == id).collect()
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    match operations(api, id).as_slice() {
        [only] => only,
        other => panic!("{} operations {id}", other.len()),
    }
}

fn envelope(data: TypeRef, metadata: Option<TypeRef>) -> Vec<Content> {
    vec![Content {
        media_type: "application/json".to_owned(),
        body: Body::Envelope { data, metadata },
    }]
}

#[test]
fn every_operation_survives_in_spec_order() {
    let api = resolve("operations.yaml");
    let listed: Vec<(&str, Method, &str)> = api
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.method, o.tag.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("listWidgets", Method::Get, "Widgets"),
            ("createWidget", Method::Post, "Widgets"),
            ("getWidgetById", Method::Get, "Widgets"),
            ("updateWidgetById", Method::Put, "Widgets"),
            (
                "delete_fixture_v1_0_config_widgets_extId",
                Method::Delete,
                "Widgets"
            ),
            ("downloadIcon", Method::Get, "Widgets"),
            ("uploadIcon", Method::Put, "Widgets"),
            ("listWidgetStats", Method::Get, "Stats"),
            ("listWidgetStats", Method::Get, "LegacyStats"),
            // No tag: grouped under `Default`.
            ("getSummary", Method::Get, "Default"),
        ]
    );
    let tags: Vec<&str> = api.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["Widgets", "Stats", "LegacyStats"]);
}

#[test]
fn query_parameters_keep_types_defaults_and_constraints() {
    let api = resolve("operations.yaml");
    let list = operation(&api, "listWidgets");
    let params: Vec<(&str, ParameterLocation, bool)> = list
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        params,
        [
            ("$page", ParameterLocation::Query, false),
            ("$limit", ParameterLocation::Query, false),
            ("$filter", ParameterLocation::Query, false),
            ("sort", ParameterLocation::Query, false),
            ("self", ParameterLocation::Query, false),
            ("type", ParameterLocation::Query, false),
        ]
    );
    let limit = &list.parameters[1];
    assert_eq!(limit.ty, TypeRef::Scalar(Scalar::Int32));
    assert_eq!(limit.default, Some(json!(50)));
    assert!(limit.docs.constraints.contains(&Constraint::Maximum {
        value: 100.into(),
        exclusive: false
    }));
    // An inline enum parameter is a named type keyed by the operation.
    let sort = &list.parameters[3];
    let TypeRef::Named(sort_key) = &sort.ty else {
        panic!("sort is a named enum: {:?}", sort.ty);
    };
    assert_eq!(sort_key.schema.name, "listWidgets");
    assert_eq!(sort_key.inline, ["param sort"]);
    assert_eq!(sort.docs.description.as_deref(), Some("Sort order."));
    assert_eq!(list.summary.as_deref(), Some("List widgets"));
    assert_eq!(
        list.docs.description.as_deref(),
        Some("Lists widgets, a page at a time.")
    );
    assert_eq!(list.permissions, ["Widget Admin", "Widget Viewer"]);
    let limits: Vec<String> = list.rate_limits.iter().map(ToString::to_string).collect();
    assert_eq!(limits, ["10 per seconds (small)"]);
    assert_eq!(list.rate_limits[0].unit_seconds(), Some(1));

    let generated = generate("operations.yaml");
    let widgets = file(&generated, "ntnx-fixture-v1-0/src/api/widgets.rs");
    let builder = item(widgets, "impl ListWidgetsRequest {");
    for setter in [
        "pub fn page(mut self, value: i32) -> Self",
        "pub fn limit(mut self, value: i32) -> Self",
        // `$filter` documents no field here: only the raw setter.
        "pub fn filter_raw(mut self, value: impl std::fmt::Display) -> Self",
        "pub fn sort(mut self, value: crate::ListWidgetsParamSort) -> Self",
        // Keyword names: `self` cannot be a raw identifier, so it gets a `_`; `type` can.
        "pub fn self_(mut self, value: impl Into<String>) -> Self",
        "pub fn r#type(mut self, value: impl Into<String>) -> Self",
    ] {
        assert!(
            contains_code(builder, setter),
            "missing `{setter}` in\n{builder}"
        );
    }
    assert!(
        builder.contains("pub fn items("),
        "list operations are pageable"
    );
}

#[test]
fn path_and_header_parameters() {
    let api = resolve("operations.yaml");
    // The operation's own declaration replaces the path-level one of the same name.
    let get = operation(&api, "getWidgetById");
    assert_eq!(get.parameters.len(), 1);
    assert_eq!(get.parameters[0].location, ParameterLocation::Path);
    assert!(get.parameters[0].required);
    assert_eq!(get.parameters[0].ty, TypeRef::Scalar(Scalar::Uuid));
    assert_eq!(
        get.parameters[0].docs.description.as_deref(),
        Some("The operation's own declaration replaces the path-level one.")
    );
    // Path-level parameters apply to operations that do not redeclare them.
    let update = operation(&api, "updateWidgetById");
    let params: Vec<(&str, ParameterLocation, bool)> = update
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        params,
        [
            ("extId", ParameterLocation::Path, true),
            ("If-Match", ParameterLocation::Header, true),
            ("NTNX-Request-Id", ParameterLocation::Header, true),
            ("X-Trace", ParameterLocation::Header, false),
        ]
    );
    assert_eq!(update.parameters[0].ty, TypeRef::Scalar(Scalar::String));

    let generated = generate("operations.yaml");
    let widgets = file(&generated, "ntnx-fixture-v1-0/src/api/widgets.rs");
    assert!(contains_code(
        widgets,
        "pub fn get_widget_by_id(&self, ext_id: ntnx_runtime::Uuid) -> GetWidgetByIdRequest"
    ));
    // If-Match and NTNX-Request-Id are handled by the runtime; other headers are setters.
    assert!(contains_code(
        widgets,
        "pub fn update_widget_by_id(&self, ext_id: impl Into<String>, body: crate::config::Widget) \
         -> UpdateWidgetByIdRequest"
    ));
    let builder = item(widgets, "impl UpdateWidgetByIdRequest {");
    assert!(contains_code(
        builder,
        "pub fn x_trace(mut self, value: impl Into<String>) -> Self"
    ));
}

#[test]
fn inline_data_and_metadata_responses_are_envelopes_and_ranges_are_kept() {
    let api = resolve("operations.yaml");
    let widget = component(&api, "Widget");
    let metadata = component(&api, "Metadata");
    let error = component(&api, "ErrorResponse");
    let list = operation(&api, "listWidgets");
    let statuses: Vec<StatusSpec> = list.responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            StatusSpec::Code(200),
            StatusSpec::Range(4),
            StatusSpec::Range(5)
        ]
    );
    // `$objectType` beside data and metadata does not stop an envelope.
    assert_eq!(
        list.responses[0].content,
        envelope(
            TypeRef::Array(Box::new(widget.clone())),
            Some(metadata.clone())
        )
    );
    for response in &list.responses[1..] {
        assert_eq!(
            response.content,
            envelope(error.clone(), Some(metadata.clone()))
        );
    }
    // Data without metadata is an envelope too.
    let stats = operations(&api, "listWidgetStats");
    assert!(matches!(
        stats[0].responses[0].content[0].body,
        Body::Envelope { metadata: None, .. }
    ));
    // Other properties beside data: not an envelope, an inline object.
    let summary = operation(&api, "getSummary");
    let TypeRef::Named(summary_key) = (match &summary.responses[0].content[0].body {
        Body::Json(ty) => ty.clone(),
        other => panic!("getSummary returns JSON: {other:?}"),
    }) else {
        panic!("an inline object is a named type");
    };
    assert_eq!(summary_key.inline, ["response200"]);
    assert_eq!(summary.responses[1].status, StatusSpec::Default);
    assert!(summary.responses[1].content.is_empty());
}

#[test]
fn request_bodies() {
    let api = resolve("operations.yaml");
    let create = operation(&api, "createWidget");
    let body = create
        .request_body
        .as_ref()
        .expect("createWidget has a body");
    assert!(body.required);
    assert_eq!(body.description.as_deref(), Some("The widget to create."));
    assert_eq!(
        body.content,
        [Content {
            media_type: "application/json".to_owned(),
            body: Body::Json(component(&api, "Widget")),
        }]
    );
    // Request bodies are never envelopes; a binary body is bytes.
    let upload = operation(&api, "uploadIcon");
    let body = upload.request_body.as_ref().expect("uploadIcon has a body");
    assert!(!body.required);
    assert_eq!(body.content[0].body, Body::Binary);
    let download = operation(&api, "downloadIcon");
    assert_eq!(download.responses[0].content[0].body, Body::Binary);

    let generated = generate("operations.yaml");
    let widgets = file(&generated, "ntnx-fixture-v1-0/src/api/widgets.rs");
    assert!(contains_code(
        widgets,
        "pub fn create_widget(&self, body: crate::config::Widget) -> CreateWidgetRequest"
    ));
    // An optional body is a setter.
    let upload = item(widgets, "impl UploadIconRequest {");
    assert!(contains_code(
        upload,
        "pub fn body(mut self, value: ntnx_runtime::bytes::Bytes) -> Self"
    ));
}

#[test]
fn repeated_operation_ids_under_different_tags_keep_their_own_types() {
    let api = resolve("operations.yaml");
    let stats = operations(&api, "listWidgetStats");
    assert_eq!(stats.len(), 2);
    let data_key = |operation: &Operation| -> TypeKey {
        match &operation.responses[0].content[0].body {
            Body::Envelope {
                data: TypeRef::Named(key),
                ..
            } => key.clone(),
            other => panic!("an envelope of an inline object: {other:?}"),
        }
    };
    let first = data_key(stats[0]);
    let second = data_key(stats[1]);
    assert_ne!(first, second, "each operation has its own inline data type");
    assert_eq!(first.inline, ["response200", "data"]);
    assert_eq!(second.inline, ["LegacyStats", "response200", "data"]);
    let field_names = |key: &TypeKey| -> Vec<String> {
        match &api.types[key].kind {
            ntnx_generator::ir::TypeKind::Struct(s) => {
                s.fields.iter().map(|f| f.name.clone()).collect()
            }
            other => panic!("a struct: {other:?}"),
        }
    };
    assert_eq!(field_names(&first), ["count"]);
    assert_eq!(field_names(&second), ["total"]);

    let generated = generate("operations.yaml");
    let lib = file(&generated, "ntnx-fixture-v1-0/src/lib.rs");
    assert!(item(lib, "pub struct ListWidgetStatsResponse200Data {")
        .contains("pub count: Option<i64>,"));
    assert!(item(
        lib,
        "pub struct ListWidgetStatsLegacyStatsResponse200Data {"
    )
    .contains("pub total: Option<String>,"));
    // Both methods keep the operationId's name, in their tag's module.
    let stats = file(&generated, "ntnx-fixture-v1-0/src/api/stats.rs");
    let legacy = file(&generated, "ntnx-fixture-v1-0/src/api/legacy_stats.rs");
    for module in [stats, legacy] {
        assert!(contains_code(
            module,
            "pub fn list_widget_stats(&self) -> ListWidgetStatsRequest"
        ));
    }
    assert!(stats.contains("crate::ListWidgetStatsResponse200Data"));
    assert!(legacy.contains("crate::ListWidgetStatsLegacyStatsResponse200Data"));
}

#[test]
fn a_missing_operation_id_is_synthesized_from_method_and_path() {
    let api = resolve("operations.yaml");
    let delete = operation(&api, "delete_fixture_v1_0_config_widgets_extId");
    assert_eq!(delete.method, Method::Delete);
    assert_eq!(delete.path, "/fixture/v1.0/config/widgets/{extId}");
    assert_eq!(delete.responses[0].status, StatusSpec::Code(204));
    let generated = generate("operations.yaml");
    let widgets = file(&generated, "ntnx-fixture-v1-0/src/api/widgets.rs");
    assert!(contains_code(
        widgets,
        "pub fn delete_fixture_v1_0_config_widgets_ext_id(&self, ext_id: impl Into<String>)"
    ));
    // Operations without a tag get a `default` module.
    let default = file(&generated, "ntnx-fixture-v1-0/src/api/default.rs");
    assert!(contains_code(
        default,
        "pub fn get_summary(&self) -> GetSummaryRequest"
    ));
}

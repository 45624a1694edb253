//! Plans of the typed clients, made once per spec (in [`super::emit`]) and read by three
//! emitters: the clients themselves, the registry's operation dispatch and the inventory, so
//! all of them name and call an operation the same way.
//!
//! A plan decides the Rust names (tag module, `…Api` type, method, request builder), which
//! parameters are method arguments (path parameters, required query and header parameters)
//! and which are setters, what the body is and what `send()` returns.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::names::{snake_ident, unique, unique_snake};
use super::queries::{plan_queries, QueryPlan};
use super::types::{JsonShape, TypeSpace};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{
    Body, Constraint, Content, Method, Operation, Parameter, ParameterLocation, ResponseHeader,
    Scalar, StatusSpec, TypeKind, TypeRef,
};
use crate::layout::SpecCrate;

/// The module holding the clients.
pub const API_MODULE: &str = "api";

/// Query parameters that take OData expressions (or any displayable builder).
const EXPRESSION_PARAMETERS: [&str; 5] = ["$filter", "$orderby", "$select", "$expand", "$apply"];

/// Builder fields the generator uses itself; parameters get other names.
const RESERVED_FIELDS: [&str; 10] = [
    "client",
    "output",
    "with_output",
    "body",
    "request_id",
    "if_match",
    "if_match_from",
    "options",
    "deadline",
    "retry_budget",
];

/// The operations of one tag.
pub struct TagPlan<'o> {
    /// Tag name.
    pub tag: &'o str,
    /// Tag description.
    pub description: Option<&'o str>,
    /// Module ident (also the accessor method on the namespace client).
    pub module: String,
    /// Name of the `…Api` type.
    pub api: String,
    /// Its operations, in spec order.
    pub operations: Vec<OperationPlan<'o>>,
}

/// One operation.
pub struct OperationPlan<'o> {
    /// The operation.
    pub operation: &'o Operation,
    /// Method ident on the `…Api` type.
    pub method: String,
    /// Request builder type name.
    pub builder: String,
    /// Parameters other than `If-Match` and `NTNX-Request-Id`.
    pub params: Vec<ParamPlan<'o>>,
    /// Sends `If-Match` (from the body's ETag or a setter).
    pub takes_if_match: bool,
    /// Sends `NTNX-Request-Id` (created by the runtime or given by a setter).
    pub takes_request_id: bool,
    /// The request body.
    pub body: Option<BodyPlan<'o>>,
    /// What `send()` decodes.
    pub response: ResponseKind<'o>,
    /// Item type, when the operation has `$page` and `$limit` and returns a list.
    pub paged_item: Option<&'o TypeRef>,
    /// A binary media type the success response also offers besides JSON: `download()`
    /// asks for it and streams the body.
    pub download: Option<&'o str>,
    /// Headers the success response declares (documented; read with `header()`).
    pub response_headers: Vec<&'o ResponseHeader>,
    /// The typed `$filter`, `$orderby`, `$select` and `$expand`, if it takes any.
    pub queries: Option<QueryPlan<'o>>,
}

/// A parameter.
pub struct ParamPlan<'o> {
    /// The parameter.
    pub parameter: &'o Parameter,
    /// Field and setter ident.
    pub field: String,
    /// Argument of the method (required) or setter (optional).
    pub required: bool,
    /// How an argument becomes the stored value.
    pub convert: Convert,
}

/// How an argument becomes a stored parameter value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    /// Taken as `impl Into<String>`.
    Into,
    /// Taken as `impl Display` (OData expressions, or plain strings).
    Display,
    /// Taken as its own type.
    Same,
}

/// A request body.
pub struct BodyPlan<'o> {
    /// Must be given (a method argument rather than a setter).
    pub required: bool,
    /// How it is sent.
    pub kind: BodyKind<'o>,
    /// Its media type.
    pub media_type: &'o str,
}

/// How a body is sent.
pub enum BodyKind<'o> {
    /// JSON of this type.
    Json(&'o TypeRef),
    /// `ntnx_runtime::Multipart` parts; the parts the schema declares, when it is an object.
    Multipart(Option<Vec<PartPlan>>),
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
}

/// A part of a `multipart/form-data` body, as its schema declares it.
pub struct PartPlan {
    /// The part's name.
    pub name: String,
    /// Listed in `required`.
    pub required: bool,
    /// `type: string, format: binary` (a file), else text.
    pub binary: bool,
}

impl BodyPlan<'_> {
    /// The body is a generated struct, which carries an ETag.
    pub fn is_model(&self, space: &TypeSpace<'_>) -> bool {
        matches!(self.kind, BodyKind::Json(ty) if space.struct_key(ty).is_some())
    }
}

/// What `send()` decodes.
pub enum ResponseKind<'o> {
    /// The `{data, metadata}` envelope.
    Envelope {
        /// Type of `data`.
        data: &'o TypeRef,
        /// Type of `metadata`, if declared.
        metadata: Option<&'o TypeRef>,
    },
    /// A JSON body of this type.
    Json(&'o TypeRef),
    /// A text body (`text/plain`, `text/xml`...) of this media type, read whole as a `String`.
    Text(&'o str),
    /// A streamed body of this media type (`application/octet-stream`...).
    Stream(&'o str),
    /// No body (`204`, or a success that declares none).
    Empty,
}

/// Name of the namespace client type: `VmmClient`.
pub fn client_name(spec: &SpecCrate) -> String {
    format!("{}Client", spec.namespace.to_upper_camel_case())
}

/// Plans every operation of `spec`, grouped by tag (tags sorted by name).
pub fn plan<'o>(space: &TypeSpace<'_>, spec: &'o SpecCrate) -> Result<Vec<TagPlan<'o>>> {
    let mut by_tag: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in &spec.operations {
        by_tag.entry(&operation.tag).or_default().push(operation);
    }
    let mut modules = BTreeSet::new();
    let mut tags = Vec::new();
    for (tag, operations) in by_tag {
        let module = unique(module_ident(tag), &mut modules);
        let api = type_name(&format!("{}Api", tag.to_upper_camel_case()));
        let mut methods = BTreeSet::new();
        let mut builders = BTreeSet::from([api.clone()]);
        let mut plans = Vec::new();
        for operation in operations {
            let method = unique(method_ident(&operation.id), &mut methods);
            let builder = unique(
                type_name(&format!("{}Request", operation.id.to_upper_camel_case())),
                &mut builders,
            );
            let mut plan = plan_operation(space, operation, method, builder).map_err(|e| {
                e.at(&operation.origin.pointer)
                    .in_file(&operation.origin.file)
            })?;
            plan.queries = plan_queries(space, operation, &plan.builder, &mut builders);
            plans.push(plan);
        }
        tags.push(TagPlan {
            tag,
            description: spec
                .tags
                .iter()
                .find(|t| t.name == tag)
                .and_then(|t| t.description.as_deref()),
            module,
            api,
            operations: plans,
        });
    }
    Ok(tags)
}

fn plan_operation<'o>(
    space: &TypeSpace<'_>,
    operation: &'o Operation,
    method: String,
    builder: String,
) -> Result<OperationPlan<'o>> {
    let mut taken: BTreeSet<String> = RESERVED_FIELDS.iter().map(|s| (*s).to_owned()).collect();
    let mut params = Vec::new();
    let mut takes_if_match = false;
    let mut takes_request_id = !matches!(
        operation.method,
        Method::Get | Method::Head | Method::Options
    );
    for parameter in &operation.parameters {
        match parameter.location {
            ParameterLocation::Header if parameter.name.eq_ignore_ascii_case("If-Match") => {
                takes_if_match = true;
            }
            ParameterLocation::Header if parameter.name.eq_ignore_ascii_case("NTNX-Request-Id") => {
                takes_request_id = true;
            }
            ParameterLocation::Cookie => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!("cookie parameter `{}` is not supported", parameter.name),
                ));
            }
            _ => params.push(plan_parameter(space, parameter, &mut taken)?),
        }
    }
    let body = operation
        .request_body
        .as_ref()
        .map(|body| plan_body(space, body.required, &body.content))
        .transpose()?;
    let (response, download) = plan_response(operation);
    let response_headers = operation
        .success_response()
        .map(|r| r.headers.iter().collect())
        .unwrap_or_default();
    let paged_item = match response {
        ResponseKind::Envelope {
            data: TypeRef::Array(item),
            ..
        } if has_query(operation, "$page") && has_query(operation, "$limit") => Some(item.as_ref()),
        _ => None,
    };
    Ok(OperationPlan {
        operation,
        method,
        builder,
        params,
        takes_if_match,
        takes_request_id,
        body,
        response,
        paged_item,
        download,
        response_headers,
        queries: None,
    })
}

fn plan_parameter<'o>(
    space: &TypeSpace<'_>,
    parameter: &'o Parameter,
    taken: &mut BTreeSet<String>,
) -> Result<ParamPlan<'o>> {
    let field = unique_snake(snake_ident(&parameter.name, "param_"), taken);
    let element = match &parameter.ty {
        TypeRef::Array(inner) => inner.as_ref(),
        other => other,
    };
    let displayable = match element {
        TypeRef::Scalar(_) => true,
        TypeRef::Named(key) => matches!(
            &space.def(key).kind,
            TypeKind::Enum(_) | TypeKind::Alias(TypeRef::Scalar(_))
        ),
        _ => false,
    };
    if !displayable {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "parameter `{}` has a structured type; only scalars, enums and arrays of them \
                 are supported",
                parameter.name
            ),
        ));
    }
    let plain_string = parameter.ty == TypeRef::Scalar(Scalar::String);
    let convert = if plain_string && EXPRESSION_PARAMETERS.contains(&parameter.name.as_str()) {
        Convert::Display
    } else if plain_string && space.shape(&parameter.ty) == JsonShape::String {
        Convert::Into
    } else {
        Convert::Same
    };
    Ok(ParamPlan {
        parameter,
        field,
        required: parameter.required,
        convert,
    })
}

fn plan_body<'o>(
    space: &TypeSpace<'_>,
    required: bool,
    content: &'o [Content],
) -> Result<BodyPlan<'o>> {
    let chosen = content
        .iter()
        .find(|c| matches!(c.body, Body::Json(_)))
        .or_else(|| content.first())
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, "a request body with no media type"))?;
    let kind = match &chosen.body {
        Body::Json(ty) | Body::Envelope { data: ty, .. } => BodyKind::Json(ty),
        Body::Multipart(ty) => BodyKind::Multipart(multipart_parts(space, ty)),
        Body::Binary => BodyKind::Bytes,
        Body::Text => BodyKind::Text,
        Body::Form(_) => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "application/x-www-form-urlencoded request bodies are not supported",
            ));
        }
    };
    Ok(BodyPlan {
        required,
        kind,
        media_type: &chosen.media_type,
    })
}

/// The parts a `multipart/form-data` schema declares, when it is an object.
fn multipart_parts(space: &TypeSpace<'_>, ty: &TypeRef) -> Option<Vec<PartPlan>> {
    let key = space.struct_key(ty)?;
    let TypeKind::Struct(object) = &space.def(key).kind else {
        return None;
    };
    let is_binary = |ty: &TypeRef| match ty {
        TypeRef::Scalar(Scalar::Binary) => true,
        TypeRef::Array(inner) => **inner == TypeRef::Scalar(Scalar::Binary),
        _ => false,
    };
    Some(
        object
            .fields
            .iter()
            .map(|field| PartPlan {
                name: field.name.clone(),
                required: field.required,
                binary: is_binary(&field.ty),
            })
            .collect(),
    )
}

/// What `send()` decodes from the [success response](Operation::success_response): JSON preferred over
/// other media types; nothing for `204` and `205`, whatever they declare. Also returns a
/// binary media type the response offers besides JSON.
fn plan_response(operation: &Operation) -> (ResponseKind<'_>, Option<&str>) {
    let Some(response) = operation.success_response() else {
        return (ResponseKind::Empty, None);
    };
    if matches!(response.status, StatusSpec::Code(204 | 205)) {
        return (ResponseKind::Empty, None);
    }
    let json = response
        .content
        .iter()
        .find(|c| matches!(c.body, Body::Envelope { .. } | Body::Json(_)));
    let binary = response
        .content
        .iter()
        .find(|c| matches!(c.body, Body::Binary))
        .map(|c| c.media_type.as_str());
    let kind = match json.or_else(|| response.content.first()) {
        None => ResponseKind::Empty,
        Some(content) => match &content.body {
            Body::Envelope { data, metadata } => ResponseKind::Envelope {
                data,
                metadata: metadata.as_ref(),
            },
            Body::Json(ty) => ResponseKind::Json(ty),
            Body::Text => ResponseKind::Text(&content.media_type),
            Body::Binary | Body::Multipart(_) | Body::Form(_) => {
                ResponseKind::Stream(&content.media_type)
            }
        },
    };
    (kind, json.and(binary))
}

/// The `metadata` type every envelope response of `spec` uses, if they all use one.
pub fn common_metadata(spec: &SpecCrate) -> Option<&TypeRef> {
    let mut found: Option<&TypeRef> = None;
    let bodies = spec
        .operations
        .iter()
        .flat_map(|o| &o.responses)
        .flat_map(|r| &r.content);
    for content in bodies {
        if let Body::Envelope {
            metadata: Some(metadata),
            ..
        } = &content.body
        {
            match found {
                None => found = Some(metadata),
                Some(seen) if seen == metadata => {}
                Some(_) => return None,
            }
        }
    }
    found
}

fn has_query(operation: &Operation, name: &str) -> bool {
    operation
        .parameters
        .iter()
        .any(|p| p.location == ParameterLocation::Query && p.name == name)
}

/// The page size used when walking every page: the API's maximum `$limit`, else its
/// default, else 50.
pub fn page_limit(operation: &Operation) -> i32 {
    let limit = operation
        .parameters
        .iter()
        .find(|p| p.location == ParameterLocation::Query && p.name == "$limit");
    let maximum = limit.and_then(|p| {
        p.docs.constraints.iter().find_map(|c| match c {
            Constraint::Maximum { value, .. } => value.as_i64(),
            _ => None,
        })
    });
    let default = limit
        .and_then(|p| p.default.as_ref())
        .and_then(|d| d.as_i64());
    let value = maximum.or(default).unwrap_or(50);
    i32::try_from(value.clamp(1, i64::from(i32::MAX))).unwrap_or(50)
}

/// `name`, with `T` in front if it would start with a digit (as schema type names get).
fn type_name(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else {
        name.to_owned()
    }
}

/// A tag's module ident: `t` in front of a leading digit (`2024Looks` → `t2024looks`),
/// `default` for an empty tag. Keywords become raw idents in `names::ident`.
fn module_ident(tag: &str) -> String {
    if tag.to_snake_case().is_empty() {
        return "default".to_owned();
    }
    snake_ident(tag, "t")
}

fn method_ident(operation_id: &str) -> String {
    snake_ident(operation_id, "op_")
}

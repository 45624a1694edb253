//! Paths and operations to IR operations.
//!
//! Inline schemas of an operation (an enum parameter, an inline response object) become
//! types named after its operationId. An operationId can repeat under another tag (vmm's
//! `listVmStats` under `Stats` and `EsxiStats`); each later operation with it gets its tag
//! appended to the name, so that every operation keeps its own inline types.

use std::collections::BTreeSet;

use openapiv3::{
    MediaType, Parameter as OaParameter, ParameterSchemaOrContent, PathItem, ReferenceOr,
    StatusCode,
};
use serde_json::Value;

use super::schema::{docs_of, unsupported};
use super::view::View;
use super::{nested, Resolver};
use crate::error::Result;
use crate::ir::{
    Body, Content, Docs, Method, Operation, Parameter, ParameterLocation, RateLimit, RequestBody,
    Response, ResponseHeader, StatusSpec, TypeKey, TypeRef,
};
use crate::{pointer, pointer_join};

impl<'a> Resolver<'a> {
    pub(super) fn operations(&mut self) -> Result<Vec<Operation>> {
        let mut operations = Vec::new();
        // Keys of the operations so far: inline types of an operation are named after its
        // key, so each operation needs its own even when operationIds repeat.
        let mut keys = BTreeSet::new();
        for (path, item) in &self.spec.document.paths.paths {
            let item_pointer = pointer(&["paths", path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(unsupported(
                        &item_pointer,
                        "path items given by $ref are not supported",
                    ));
                }
            };
            for (method, operation) in methods(item) {
                if let Some(operation) = operation {
                    let op_pointer =
                        pointer_join(&item_pointer, &[&method.as_str().to_lowercase()]);
                    operations.push(self.operation(
                        path,
                        method,
                        operation,
                        item,
                        &item_pointer,
                        &op_pointer,
                        &mut keys,
                    )?);
                }
            }
        }
        Ok(operations)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: Method,
        operation: &openapiv3::Operation,
        item: &PathItem,
        item_pointer: &str,
        pointer: &str,
        keys: &mut BTreeSet<TypeKey>,
    ) -> Result<Operation> {
        let id = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| synthesized_id(method, path));
        let tag = operation
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "Default".to_owned());
        let key = unique_key(self.operation_key(&id), &tag, keys);
        let parameters = self.parameters(item, item_pointer, operation, pointer, &key)?;
        let request_body = self.request_body(operation, pointer, &key)?;
        let responses = self.responses(operation, pointer, &key)?;
        Ok(Operation {
            id,
            method,
            path: path.to_owned(),
            tag,
            summary: operation.summary.clone(),
            docs: Docs {
                title: None,
                description: operation.description.clone(),
                constraints: Vec::new(),
                deprecated: operation.deprecated,
            },
            parameters,
            request_body,
            responses,
            permissions: permissions(operation.extensions.get("x-permissions")),
            rate_limits: rate_limits(operation.extensions.get("x-rate-limit")),
            queries: crate::ir::Queries::default(),
            origin: self.origin(pointer),
        })
    }

    /// The operation's parameters: the path item's, unless the operation redefines one
    /// (same name and location), then the operation's own.
    fn parameters(
        &mut self,
        item: &PathItem,
        item_pointer: &str,
        operation: &openapiv3::Operation,
        pointer: &str,
        key: &TypeKey,
    ) -> Result<Vec<Parameter>> {
        let mut parameters: Vec<Parameter> = Vec::new();
        let levels = [
            (
                &item.parameters,
                pointer_join(item_pointer, &["parameters"]),
            ),
            (
                &operation.parameters,
                pointer_join(pointer, &["parameters"]),
            ),
        ];
        for (list, list_pointer) in levels {
            for (i, parameter) in list.iter().enumerate() {
                let at = pointer_join(&list_pointer, &[&i.to_string()]);
                let parameter = self.parameter(parameter, key, &at)?;
                parameters
                    .retain(|p| !(p.name == parameter.name && p.location == parameter.location));
                parameters.push(parameter);
            }
        }
        Ok(parameters)
    }

    /// The operation's request body, inline or from `components/requestBodies`.
    fn request_body(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &str,
        key: &TypeKey,
    ) -> Result<Option<RequestBody>> {
        let Some(body) = &operation.request_body else {
            return Ok(None);
        };
        let at = pointer_join(pointer, &["requestBody"]);
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => {
                self.component_item(reference, "requestBodies", |c| &c.request_bodies, &at)?
            }
        };
        Ok(Some(RequestBody {
            required: body.required,
            description: body.description.clone(),
            content: self.contents(&body.content, &nested(key, "requestBody"), &at, false)?,
        }))
    }

    /// The operation's responses, by status code, range, then `default`.
    fn responses(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &str,
        key: &TypeKey,
    ) -> Result<Vec<Response>> {
        let declared = operation
            .responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => StatusSpec::Code(*code),
                    StatusCode::Range(range) => StatusSpec::Range(*range),
                };
                (status, response)
            })
            .chain(
                operation
                    .responses
                    .default
                    .iter()
                    .map(|r| (StatusSpec::Default, r)),
            );
        let mut responses = Vec::new();
        for (status, response) in declared {
            let label = match status {
                StatusSpec::Code(code) => code.to_string(),
                StatusSpec::Range(range) => format!("{range}XX"),
                StatusSpec::Default => "default".to_owned(),
            };
            let at = pointer_join(pointer, &["responses", &label]);
            let response = match response {
                ReferenceOr::Item(response) => response,
                ReferenceOr::Reference { reference } => {
                    self.component_item(reference, "responses", |c| &c.responses, &at)?
                }
            };
            let hint = nested(key, &format!("response{label}"));
            let content = self.contents(&response.content, &hint, &at, true)?;
            let headers = self.response_headers(response, &at, &hint)?;
            responses.push(Response {
                status,
                description: response.description.clone(),
                content,
                headers,
            });
        }
        Ok(responses)
    }

    /// The headers of the response at `at`, typed by their schema (a header given by
    /// `content` is text).
    fn response_headers(
        &mut self,
        response: &openapiv3::Response,
        at: &str,
        hint: &TypeKey,
    ) -> Result<Vec<ResponseHeader>> {
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let header_at = pointer_join(at, &["headers", name]);
            let header = match header {
                ReferenceOr::Item(header) => header,
                ReferenceOr::Reference { reference } => {
                    self.component_item(reference, "headers", |c| &c.headers, &header_at)?
                }
            };
            let (ty, docs) = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => self.typed(
                    schema,
                    nested(hint, name),
                    &pointer_join(&header_at, &["schema"]),
                )?,
                ParameterSchemaOrContent::Content(_) => {
                    (TypeRef::Scalar(crate::ir::Scalar::String), Docs::default())
                }
            };
            headers.push(ResponseHeader {
                name: name.clone(),
                ty,
                docs: Docs {
                    description: header.description.clone().or(docs.description),
                    ..docs
                },
            });
        }
        Ok(headers)
    }

    fn parameter(
        &mut self,
        parameter: &ReferenceOr<OaParameter>,
        key: &crate::ir::TypeKey,
        at: &str,
    ) -> Result<Parameter> {
        let parameter = match parameter {
            ReferenceOr::Item(parameter) => parameter,
            ReferenceOr::Reference { reference } => {
                self.component_item(reference, "parameters", |c| &c.parameters, at)?
            }
        };
        let (location, data) = match parameter {
            OaParameter::Path { parameter_data, .. } => (ParameterLocation::Path, parameter_data),
            OaParameter::Query { parameter_data, .. } => (ParameterLocation::Query, parameter_data),
            OaParameter::Header { parameter_data, .. } => {
                (ParameterLocation::Header, parameter_data)
            }
            OaParameter::Cookie { parameter_data, .. } => {
                (ParameterLocation::Cookie, parameter_data)
            }
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(unsupported(
                at,
                "parameters described by `content` are not supported",
            ));
        };
        let (ty, mut docs) = self.typed(
            schema,
            nested(key, &format!("param {}", data.name)),
            &pointer_join(at, &["schema"]),
        )?;
        if data.description.is_some() {
            docs.description = data.description.clone();
        }
        docs.deprecated |= data.deprecated.unwrap_or(false);
        let default = match schema {
            ReferenceOr::Item(schema) => schema.schema_data.default.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        Ok(Parameter {
            name: data.name.clone(),
            location,
            required: data.required || location == ParameterLocation::Path,
            ty,
            default,
            explode: data.explode.unwrap_or(location == ParameterLocation::Query),
            docs,
        })
    }

    /// Type and docs of a parameter's or header's schema.
    fn typed(
        &mut self,
        schema: &ReferenceOr<openapiv3::Schema>,
        hint: crate::ir::TypeKey,
        at: &str,
    ) -> Result<(TypeRef, Docs)> {
        let docs = match schema {
            ReferenceOr::Item(schema) => docs_of(&View::of(schema)),
            ReferenceOr::Reference { .. } => Docs::default(),
        };
        Ok((self.type_of(schema, hint, at)?, docs))
    }

    /// Bodies by media type. Responses recognise the `{data, metadata}` envelope.
    fn contents(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        hint: &crate::ir::TypeKey,
        at: &str,
        is_response: bool,
    ) -> Result<Vec<Content>> {
        let mut out = Vec::new();
        for (media_type, media) in content {
            let media_at = pointer_join(at, &["content", media_type]);
            let schema_at = pointer_join(&media_at, &["schema"]);
            let essence = media_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let body = if essence == "application/json" || essence.ends_with("+json") {
                match &media.schema {
                    None => Body::Json(TypeRef::Any),
                    Some(schema) => match envelope(schema).filter(|_| is_response) {
                        Some((data, metadata)) => Body::Envelope {
                            data: self.type_of(
                                data,
                                nested(hint, "data"),
                                &pointer_join(&schema_at, &["properties", "data"]),
                            )?,
                            metadata: match metadata {
                                Some(metadata) => Some(self.type_of(
                                    metadata,
                                    nested(hint, "metadata"),
                                    &pointer_join(&schema_at, &["properties", "metadata"]),
                                )?),
                                None => None,
                            },
                        },
                        None => Body::Json(self.type_of(schema, hint.clone(), &schema_at)?),
                    },
                }
            } else if essence == "multipart/form-data"
                || essence == "application/x-www-form-urlencoded"
            {
                let Some(schema) = &media.schema else {
                    return Err(unsupported(&media_at, "a form body needs a schema"));
                };
                let ty = self.type_of(schema, hint.clone(), &schema_at)?;
                if essence == "multipart/form-data" {
                    Body::Multipart(ty)
                } else {
                    Body::Form(ty)
                }
            } else if essence.starts_with("text/") {
                Body::Text
            } else {
                Body::Binary
            };
            out.push(Content {
                media_type: media_type.clone(),
                body,
            });
        }
        Ok(out)
    }

    /// An item of `components.<section>` named by a `$ref`.
    fn component_item<'c, T>(
        &self,
        reference: &str,
        section: &str,
        pick: impl Fn(&'c openapiv3::Components) -> &'c indexmap::IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Result<&'c T>
    where
        'a: 'c,
    {
        let prefix = format!("#/components/{section}/");
        let found = reference.strip_prefix(&prefix).and_then(|name| {
            let name = name.replace("~1", "/").replace("~0", "~");
            self.spec
                .document
                .components
                .as_ref()
                .and_then(|c| pick(c).get(&name))
        });
        match found {
            Some(ReferenceOr::Item(item)) => Ok(item),
            Some(ReferenceOr::Reference { .. }) => Err(unsupported(
                at,
                &format!("$ref `{reference}` leads to another $ref; chains are not supported"),
            )),
            None => Err(crate::error::Error::new(
                crate::error::ErrorKind::DanglingRef,
                format!("$ref `{reference}` points at nothing in #/components/{section}"),
            )
            .at(at)),
        }
    }
}

/// A property schema as `openapiv3` holds it.
type PropertySchema = ReferenceOr<Box<openapiv3::Schema>>;

/// The `data` and `metadata` schemas of an inline `{data, metadata}` response envelope.
fn envelope(
    schema: &ReferenceOr<openapiv3::Schema>,
) -> Option<(&PropertySchema, Option<&PropertySchema>)> {
    let ReferenceOr::Item(schema) = schema else {
        return None;
    };
    let view = View::of(schema);
    if !view.all_of.is_empty() || !view.one_of.is_empty() || !view.any_of.is_empty() {
        return None;
    }
    let properties = view.properties?;
    let data = properties.get("data")?;
    let known = ["data", "metadata", "$objectType", "$reserved"];
    if !properties.keys().all(|k| known.contains(&k.as_str())) {
        return None;
    }
    Some((data, properties.get("metadata")))
}

fn methods(item: &PathItem) -> [(Method, Option<&openapiv3::Operation>); 8] {
    [
        (Method::Get, item.get.as_ref()),
        (Method::Put, item.put.as_ref()),
        (Method::Post, item.post.as_ref()),
        (Method::Delete, item.delete.as_ref()),
        (Method::Patch, item.patch.as_ref()),
        (Method::Head, item.head.as_ref()),
        (Method::Options, item.options.as_ref()),
        (Method::Trace, item.trace.as_ref()),
    ]
}

/// `key`, or, when an earlier operation has the same operationId, `key` with the tag (and
/// if need be a number) appended to its inline path: `listStats` under tag `EsxiStats`
/// names its inline types `ListStatsEsxiStats...`.
fn unique_key(key: TypeKey, tag: &str, taken: &mut BTreeSet<TypeKey>) -> TypeKey {
    let mut candidate = key.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        candidate = match n {
            1 => nested(&key, tag),
            _ => nested(&key, &format!("{tag} {n}")),
        };
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// `get /vmm/v4.0/content/images/{extId}` -> `get_vmm_v4_0_content_images_extId`.
fn synthesized_id(method: Method, path: &str) -> String {
    let mut id = method.as_str().to_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        // A template `{extId}` is the parameter's name; other punctuation becomes `_`.
        let segment = segment.trim_start_matches('{').trim_end_matches('}');
        id.push('_');
        id.extend(
            segment
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id
}

/// `x-permissions.roleList` as text.
fn permissions(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(|v| v.get("roleList"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `x-rate-limit`'s entries; an entry without a count is left out (the docs show what is
/// kept).
fn rate_limits(value: Option<&Value>) -> Vec<RateLimit> {
    let text = |entry: &Value, name: &str| {
        entry
            .get(name)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default()
    };
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            Some(RateLimit {
                count: entry.get("count")?.as_u64()?,
                unit: text(entry, "timeUnit"),
                size: text(entry, "type"),
            })
        })
        .collect()
}

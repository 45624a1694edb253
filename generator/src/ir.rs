//! The intermediate representation: named types and operations, as the spec means them.
//!
//! The resolve stage builds it from an OpenAPI document; the layout stage places its types
//! into crates; the emitters read only this. Nothing here knows Rust syntax: names are the
//! spec's own (dotted schema names, camelCase property names, wire enum values).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

/// A dotted, versioned schema name: `vmm.v4.0.ahv.config.Vm`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaName {
    /// `vmm`
    pub namespace: String,
    /// `v4.0` as written; shared types placed by the layout keep only the major (`v4`).
    pub version: String,
    /// Package segments between the version and the type name: `["ahv", "config"]`.
    pub modules: Vec<String>,
    /// `Vm`
    pub name: String,
}

impl SchemaName {
    /// The version without its minor part: `v4.0` -> `v4`.
    pub fn major_version(&self) -> &str {
        self.version.split('.').next().unwrap_or(&self.version)
    }

    /// The model revision in the official SDKs' form: `v4.r0` for `v4.0` (and for `v4.0.b2`:
    /// the release type is not part of it).
    pub fn revision(&self) -> String {
        match crate::version::ApiVersion::parse(&self.version) {
            Some(version) => format!("v{}.r{}", version.major, version.revision.unwrap_or(0)),
            None => self.version.clone(),
        }
    }

    /// The name the server writes in `$objectType`: the dotted name without the minor
    /// version (`vmm.v4.content.Image` for `vmm.v4.0.content.Image`).
    pub fn wire_name(&self) -> String {
        let mut parts = vec![self.namespace.as_str(), self.major_version()];
        parts.extend(self.modules.iter().map(String::as_str));
        parts.push(&self.name);
        parts.join(".")
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.namespace, self.version)?;
        for module in &self.modules {
            write!(f, ".{module}")?;
        }
        write!(f, ".{}", self.name)
    }
}

/// Which crate a type belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// The crate generated from the spec with this crate name.
    Spec(String),
    /// The crate holding every schema shared between specs.
    Shared,
}

/// Identity of a named type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey {
    /// The crate it lives in.
    pub owner: Owner,
    /// The component schema it is, or is nested in.
    pub schema: SchemaName,
    /// For a schema nested inline in a component (a property's `oneOf`, say): the
    /// property names and roles leading to it, e.g. `["checksum"]`. Empty for components.
    pub inline: Vec<String>,
}

impl TypeKey {
    /// Inline path segment of an entity's projection type (`Vm` → `VmProjection`).
    pub const PROJECTION: &'static str = "$projection";

    /// Inline path segment of an entity's expansion type (`Cluster` → `ClusterExpansion`).
    pub const EXPANSION: &'static str = "$expansion";

    /// The key of a type nested in this one's schema at `part`.
    pub fn nested(&self, part: &str) -> TypeKey {
        let mut key = self.clone();
        key.inline.push(part.to_owned());
        key
    }

    /// The projection of this entity.
    pub fn projection(&self) -> TypeKey {
        self.nested(Self::PROJECTION)
    }

    /// The expansion of this entity.
    pub fn expansion(&self) -> TypeKey {
        self.nested(Self::EXPANSION)
    }

    /// The entity a projection or expansion belongs to.
    pub fn entity(&self) -> TypeKey {
        let mut key = self.clone();
        key.inline.pop();
        key
    }
}

impl fmt::Display for TypeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.schema)?;
        for part in &self.inline {
            write!(f, "/{part}")?;
        }
        Ok(())
    }
}

/// A reference to a type, as used by fields, variants and parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// A named type of the IR.
    Named(TypeKey),
    /// A scalar.
    Scalar(Scalar),
    /// `type: array`.
    Array(Box<TypeRef>),
    /// `type: object` with `additionalProperties: {schema}`: string keys to values.
    Map(Box<TypeRef>),
    /// A free-form object (`type: object` with no properties).
    AnyObject,
    /// No constraint at all: any JSON value.
    Any,
}

/// Scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `type: string`, any format without a better type.
    String,
    /// `type: string, format: date-time` (RFC 3339).
    DateTime,
    /// `type: string, format: date`.
    Date,
    /// `type: string, format: uuid`.
    Uuid,
    /// `type: string, format: byte` (base64 text).
    Base64,
    /// `type: string, format: binary` (raw bytes in a non-JSON body).
    Binary,
    /// `type: integer, format: int32`.
    Int32,
    /// `type: integer`, `format: int64` or none.
    Int64,
    /// `type: number, format: float`.
    Float32,
    /// `type: number`, `format: double` or none.
    Float64,
    /// `type: boolean`.
    Boolean,
}

/// Human documentation and constraints of a schema, field or parameter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Docs {
    /// `title`
    pub title: Option<String>,
    /// `description`
    pub description: Option<String>,
    /// Validation keywords, listed in the docs (never enforced on decode).
    pub constraints: Vec<Constraint>,
    /// `deprecated: true`
    pub deprecated: bool,
}

/// One validation keyword.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// `minLength`
    MinLength(u64),
    /// `maxLength`
    MaxLength(u64),
    /// `pattern`
    Pattern(String),
    /// `minimum` (and `exclusiveMinimum`)
    Minimum {
        value: serde_json::Number,
        exclusive: bool,
    },
    /// `maximum` (and `exclusiveMaximum`)
    Maximum {
        value: serde_json::Number,
        exclusive: bool,
    },
    /// `minItems`
    MinItems(u64),
    /// `maxItems`
    MaxItems(u64),
    /// `uniqueItems: true`
    UniqueItems,
    /// `enum` on a non-string type: the allowed values.
    OneOfValues(Vec<Value>),
}

/// Where a definition came from, for error messages and docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer of the schema in that file.
    pub pointer: String,
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Its identity.
    pub key: TypeKey,
    /// Where it is defined.
    pub origin: Origin,
    /// Its documentation.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
}

impl TypeDef {
    /// Same meaning, wherever it was defined (used to merge copies of shared schemas).
    /// What operations need of a type (its [`QueryRole`]) is not part of its shape.
    pub fn same_shape(&self, other: &TypeDef) -> bool {
        let same_kind = match (&self.kind, &other.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                a.wire_name == b.wire_name && a.revision == b.revision && a.fields == b.fields
            }
            (a, b) => a == b,
        };
        self.docs == other.docs && same_kind
    }
}

/// The kinds of named types.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with declared properties (`allOf` flattened into it).
    Struct(Struct),
    /// A string enumeration.
    Enum(Enum),
    /// A `oneOf` (or `anyOf`): one of several types.
    Union(Union),
    /// Another name for a type (a component that is an array, a map or a scalar).
    Alias(TypeRef),
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// `$objectType` the server writes for it; `None` for inline objects.
    pub wire_name: Option<String>,
    /// The model revision the official SDKs send in `$reserved.$fv` (`v4.r0` for a
    /// `vmm.v4.0` schema); `None` for inline objects.
    pub revision: Option<String>,
    /// Declared properties, in spec order (bases of an `allOf` first).
    pub fields: Vec<Field>,
    /// What the struct is to `$select` and `$expand` (see [`crate::resolve`]'s query pass).
    pub query: QueryRole,
}

/// What a struct is to the OData options `$select` and `$expand`. The types it names are
/// nested in the entity's schema: [`TypeKey::projection`] and [`TypeKey::expansion`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueryRole {
    /// A schema like any other.
    #[default]
    Plain,
    /// An entity that operations return with `$select` or `$expand`.
    Entity {
        /// It has a projection: an operation takes `$select`.
        projection: bool,
        /// It has an expansion: an operation's `$expand` adds entities it has no field for.
        expansion: bool,
    },
    /// The `$select` projection of an entity: the entity's fields, none required.
    Projection {
        /// The entity has an expansion.
        expansion: bool,
    },
    /// The related entities `$expand` adds to an entity: one optional field per key.
    Expansion,
}

/// A declared property.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`: absent, `null` and a value are three different things.
    pub nullable: bool,
    /// `readOnly: true`: set by the server, never needed when building a value.
    pub read_only: bool,
    /// `writeOnly: true`: sent by clients, never returned.
    pub write_only: bool,
    /// A password or write-only secret that must never show in `Debug` output.
    pub secret: bool,
    /// `default`, used by constructors and documented; never injected on decode.
    pub default: Option<Value>,
    /// Operations that require it (`x-required-by-operation`), e.g. `create`.
    pub required_by: Vec<String>,
    /// Its documentation.
    pub docs: Docs,
}

/// A string enumeration.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// The values in spec order.
    pub values: Vec<EnumValue>,
}

/// One enum value.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// As on the wire, e.g. `DISK_IMAGE` or `$UNKNOWN`.
    pub value: String,
    /// From `x-enumDescriptions`.
    pub description: Option<String>,
}

/// One of several types.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The alternatives in spec order.
    pub variants: Vec<TypeRef>,
    /// The schema declares an `$objectType` property: object alternatives are told apart
    /// by it (and by shape when a payload lacks it).
    pub tagged_by_object_type: bool,
}

/// HTTP methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// An HTTP header.
    Header,
    /// A cookie.
    Cookie,
}

/// An operation parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Name as on the wire (`$filter`, `extId`, `If-Match`).
    pub name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Must be given.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Spec default (documented; the server applies it when the parameter is absent).
    pub default: Option<Value>,
    /// `explode` for arrays in the query.
    pub explode: bool,
    /// Its documentation.
    pub docs: Docs,
}

/// A body as one media type carries it.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// JSON of this type.
    Json(TypeRef),
    /// The standard `{ "data": ..., "metadata": ... }` response envelope.
    Envelope {
        /// Type of `data`.
        data: TypeRef,
        /// Type of `metadata`, when declared.
        metadata: Option<TypeRef>,
    },
    /// `multipart/form-data` with these parts (an object type).
    Multipart(TypeRef),
    /// `application/x-www-form-urlencoded` with these fields (an object type).
    Form(TypeRef),
    /// Raw bytes (`application/octet-stream` and the like), streamed.
    Binary,
    /// Plain text.
    Text,
}

/// A request or response body under one media type.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    /// `application/json`, `application/octet-stream`...
    pub media_type: String,
    /// What it carries.
    pub body: Body,
}

/// An operation's request body.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// `required: true`.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
    /// One entry per media type, in spec order.
    pub content: Vec<Content>,
}

/// Which statuses a response covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusSpec {
    /// One status, e.g. 200.
    Code(u16),
    /// A range: `4XX` is `Range(4)`.
    Range(u16),
    /// `default`.
    Default,
}

/// A declared response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// Which statuses it covers.
    pub status: StatusSpec,
    /// Its description.
    pub description: String,
    /// Bodies by media type.
    pub content: Vec<Content>,
    /// Declared response headers.
    pub headers: Vec<ResponseHeader>,
}

/// A declared response header.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseHeader {
    /// Header name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Its documentation.
    pub docs: Docs,
}

/// One operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId` (unique within a tag, not always within a spec).
    pub id: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as in the spec: `/vmm/v4.0/content/images/{extId}`.
    pub path: String,
    /// The tag that groups it (the first of its tags).
    pub tag: String,
    /// `summary`
    pub summary: Option<String>,
    /// `description` and `deprecated`.
    pub docs: Docs,
    /// Path, query, header and cookie parameters, in spec order.
    pub parameters: Vec<Parameter>,
    /// The request body.
    pub request_body: Option<RequestBody>,
    /// Declared responses.
    pub responses: Vec<Response>,
    /// `x-permissions`: the roles or operations the caller needs, as text.
    pub permissions: Vec<String>,
    /// `x-rate-limit`: requests per time unit for each Prism Central size.
    pub rate_limits: Vec<RateLimit>,
    /// The fields its `$filter`, `$orderby`, `$select` and `$expand` accept.
    pub queries: Queries,
    /// Pointer of the operation in its spec.
    pub origin: Origin,
}

impl Operation {
    /// The success response: the first 2xx, else the first 3xx (redirects are followed),
    /// else `default`.
    pub fn success_response(&self) -> Option<&Response> {
        let in_range = |range: std::ops::RangeInclusive<u16>| {
            self.responses.iter().find(|r| match r.status {
                StatusSpec::Code(code) => range.contains(&code),
                StatusSpec::Range(hundreds) => range.contains(&(hundreds * 100)),
                StatusSpec::Default => false,
            })
        };
        in_range(200..=299)
            .or_else(|| in_range(300..=399))
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.status == StatusSpec::Default)
            })
    }
}

/// The OData query options of an operation, with the fields their descriptions list
/// (`- cluster/extId` lines) resolved against the entity the operation returns.
///
/// `None`: the operation does not take the option; an empty list: it takes it, and its
/// description lists no field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Queries {
    /// The entity the options apply to: the envelope's `data` struct, or a list's item.
    pub entity: Option<TypeKey>,
    /// `$filter` fields.
    pub filter: Option<Vec<QueryField>>,
    /// `$orderby` fields.
    pub orderby: Option<Vec<QueryField>>,
    /// `$select` fields.
    pub select: Option<Vec<QueryField>>,
    /// `$expand` keys.
    pub expand: Option<Vec<Expansion>>,
}

impl Queries {
    /// Whether the operation takes any of the four options.
    pub fn any(&self) -> bool {
        self.filter.is_some()
            || self.orderby.is_some()
            || self.select.is_some()
            || self.expand.is_some()
    }
}

/// A documented query field.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryField {
    /// The path as documented, segments separated by `/`: `cluster/extId`.
    pub path: String,
    /// The type of the entity field it names; `None` when it names none (reported, and
    /// still offered, untyped).
    pub ty: Option<TypeRef>,
}

/// A documented `$expand` key.
#[derive(Clone, Debug, PartialEq)]
pub struct Expansion {
    /// The key: `cluster`.
    pub key: String,
    /// What the expanded value is.
    pub target: ExpansionTarget,
}

/// What an `$expand` key adds to the entity.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpansionTarget {
    /// A field the entity declares, filled in by the expansion.
    Field(TypeRef),
    /// An entity the entity has no field for, of a schema of the namespace the key names.
    Schema(TypeKey),
    /// An entity no schema is named for: raw JSON (reported).
    Raw,
}

/// One `x-rate-limit` entry, as the spec writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per time unit.
    pub count: u64,
    /// The time unit: `seconds`, `minutes`...
    pub unit: String,
    /// The Prism Central size: `xsmall`, `Small`, `Large`, `XLarge`.
    pub size: String,
}

impl RateLimit {
    /// The time unit in seconds, when it is one the family uses.
    pub fn unit_seconds(&self) -> Option<u64> {
        match self.unit.to_ascii_lowercase().trim_end_matches('s') {
            "second" => Some(1),
            "minute" => Some(60),
            "hour" => Some(3600),
            _ => None,
        }
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} per {} ({})", self.count, self.unit, self.size)
    }
}

/// A tag: the group an operation belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// Name, e.g. `Images`.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
}

/// A correction of a published spec file: a fix the manifest declares, or a known,
/// unambiguous mistake the generator accepts with a warning (see [`crate::fix`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// JSON pointer of the corrected value.
    pub pointer: String,
    /// What the file has there (`None`: nothing).
    pub was: Option<Value>,
    /// What the generator read instead (`None`: nothing).
    pub now: Option<Value>,
    /// Why.
    pub reason: String,
    /// Declared in the manifest; `false` for a mistake accepted without a declaration.
    pub declared: bool,
}

impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map_or("nothing".to_owned(), Value::to_string);
        write!(
            f,
            "{}: {} read as {} ({}",
            self.pointer,
            show(&self.was),
            show(&self.now),
            self.reason
        )?;
        if !self.declared {
            f.write_str("; accepted without a declared fix")?;
        }
        f.write_str(")")
    }
}

/// One resolved spec.
#[derive(Clone, Debug)]
pub struct Api {
    /// Crate this spec generates, e.g. `ntnx-vmm`.
    pub crate_name: String,
    /// Namespace, e.g. `vmm`.
    pub namespace: String,
    /// Version, e.g. `v4.0`.
    pub version: String,
    /// `info.title`
    pub title: String,
    /// `info.description`
    pub description: Option<String>,
    /// `info.version`
    pub api_version: String,
    /// The spec file.
    pub file: PathBuf,
    /// Number of component schemas.
    pub schema_count: usize,
    /// Each component schema's name as written in the spec, with its type's key.
    pub components: Vec<(String, TypeKey)>,
    /// Every named type: components and the inline schemas that need a name.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Declared tags, in spec order (operations may use undeclared ones too).
    pub tags: Vec<Tag>,
    /// Corrections of the published file: declared fixes, then mistakes accepted with a
    /// warning.
    pub corrections: Vec<Correction>,
}

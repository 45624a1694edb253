//! Typed query options: per operation, the field sets its `$filter`, `$orderby`, `$select`
//! and `$expand` setters hand to the caller's closure, and the setters themselves.
//!
//! For `listVms` the builder gets `filter(|vm| ...)` with `vm: ListVmsFilter`, a unit
//! struct with one method per documented filter field (`vm.power_state()`), each returning
//! the `ntnx_runtime::odata` handle that fits the field's type; likewise `ListVmsOrderBy`,
//! `ListVmsSelect` and `ListVmsExpand`. Each option also keeps a `*_raw` setter taking OData
//! text, for what the spec does not document.
//!
//! When `$select` or `$expand` change what comes back, the builder is generic over the
//! entity type it decodes (`ListVmsRequest<T = Vm>`): `select` turns it into a builder of
//! the entity's projection, `expand` into one of `ntnx_runtime::query::Expanded` entities.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::code;
use super::names::{enum_variant_names, ident, snake_ident, unique_snake};
use super::types::{Scope, TypeSpace};
use crate::ir::{Body, Operation, QueryField, QueryRole, Scalar, TypeKey, TypeKind, TypeRef};

/// The four options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryOption {
    /// `$filter`
    Filter,
    /// `$orderby`
    OrderBy,
    /// `$select`
    Select,
    /// `$expand`
    Expand,
}

impl QueryOption {
    /// The option a query parameter named `name` is.
    pub fn of_parameter(name: &str) -> Option<QueryOption> {
        match name {
            "$filter" => Some(QueryOption::Filter),
            "$orderby" => Some(QueryOption::OrderBy),
            "$select" => Some(QueryOption::Select),
            "$expand" => Some(QueryOption::Expand),
            _ => None,
        }
    }

    /// The parameter name.
    pub fn parameter(self) -> &'static str {
        match self {
            QueryOption::Filter => "$filter",
            QueryOption::OrderBy => "$orderby",
            QueryOption::Select => "$select",
            QueryOption::Expand => "$expand",
        }
    }

    /// What the docs call its fields.
    fn adjective(self) -> &'static str {
        match self {
            QueryOption::Filter => "Filterable",
            QueryOption::OrderBy => "Sortable",
            QueryOption::Select => "Selectable",
            QueryOption::Expand => "Expandable",
        }
    }

    /// The field set's name after the builder's stem (`ListVms` + `Filter`).
    fn suffix(self) -> &'static str {
        match self {
            QueryOption::Filter => "Filter",
            QueryOption::OrderBy => "OrderBy",
            QueryOption::Select => "Select",
            QueryOption::Expand => "Expand",
        }
    }
}

/// The typed options of one operation.
pub struct QueryPlan<'o> {
    /// The entity type the builder is generic over, when `$select` or `$expand` change what
    /// `send()` decodes.
    pub output: Option<OutputPlan<'o>>,
    /// One field set per option that documents fields.
    pub sets: Vec<FieldSet<'o>>,
}

/// What the builder's type parameter stands for.
pub struct OutputPlan<'o> {
    /// The entity (its default).
    pub entity: &'o TypeKey,
    /// `data` is a list of entities, not one.
    pub list: bool,
    /// `select` turns the builder into one of this projection's.
    pub projection: bool,
    /// `expand` turns the builder into one of `Expanded` entities.
    pub expansion: bool,
}

/// The documented fields of one option.
pub struct FieldSet<'o> {
    /// Which option.
    pub option: QueryOption,
    /// Type name of the unit struct (`ListVmsFilter`).
    pub type_name: String,
    /// One method per field.
    pub accessors: Vec<Accessor<'o>>,
}

/// A field set's method for one documented field.
pub struct Accessor<'o> {
    /// Method ident (`cluster_ext_id`).
    pub method: String,
    /// The documented path (`cluster/extId`).
    pub path: &'o str,
    /// The field's type; `None` when it names no field (an untyped handle).
    pub ty: Option<&'o TypeRef>,
}

/// Plans the typed options of `operation`, whose builder is `builder`; `taken` holds the
/// type names already used in the tag module.
pub fn plan_queries<'o>(
    space: &TypeSpace<'_>,
    operation: &'o Operation,
    builder: &str,
    taken: &mut BTreeSet<String>,
) -> Option<QueryPlan<'o>> {
    let queries = &operation.queries;
    if !queries.any() {
        return None;
    }
    let stem = builder.strip_suffix("Request").unwrap_or(builder);
    let mut sets = Vec::new();
    let fields = [
        (QueryOption::Filter, &queries.filter),
        (QueryOption::OrderBy, &queries.orderby),
        (QueryOption::Select, &queries.select),
    ];
    for (option, fields) in fields {
        let Some(fields) = fields.as_ref().filter(|f| !f.is_empty()) else {
            continue;
        };
        sets.push(field_set(
            option,
            stem,
            fields.iter().map(accessor_of),
            taken,
        ));
    }
    if let Some(expand) = queries.expand.as_ref().filter(|e| !e.is_empty()) {
        let keys = expand.iter().map(|e| (e.key.as_str(), None));
        sets.push(field_set(QueryOption::Expand, stem, keys, taken));
    }
    Some(QueryPlan {
        output: output_plan(space, operation),
        sets,
    })
}

fn accessor_of(field: &QueryField) -> (&str, Option<&TypeRef>) {
    (field.path.as_str(), field.ty.as_ref())
}

fn field_set<'o>(
    option: QueryOption,
    stem: &str,
    fields: impl Iterator<Item = (&'o str, Option<&'o TypeRef>)>,
    taken: &mut BTreeSet<String>,
) -> FieldSet<'o> {
    let mut methods = BTreeSet::new();
    let accessors = fields
        .map(|(path, ty)| Accessor {
            method: unique_snake(snake_ident(&path.replace('/', "_"), "field_"), &mut methods),
            path,
            ty,
        })
        .collect();
    FieldSet {
        option,
        type_name: super::names::unique(format!("{stem}{}", option.suffix()), taken),
        accessors,
    }
}

/// The builder's type parameter, when the operation returns its entity in an envelope and
/// `$select` or `$expand` change the type.
fn output_plan<'o>(space: &TypeSpace<'_>, operation: &'o Operation) -> Option<OutputPlan<'o>> {
    let entity = operation.queries.entity.as_ref()?;
    let TypeKind::Struct(entity_struct) = &space.def(entity).kind else {
        return None;
    };
    let QueryRole::Entity {
        projection,
        expansion,
    } = &entity_struct.query
    else {
        return None;
    };
    let data = operation
        .success_response()?
        .content
        .iter()
        .find_map(|c| match &c.body {
            Body::Envelope { data, .. } => Some(data),
            _ => None,
        })?;
    let list = match data {
        TypeRef::Named(key) if key == entity => false,
        TypeRef::Array(item) if **item == TypeRef::Named(entity.clone()) => true,
        _ => return None,
    };
    let projection = *projection && operation.queries.select.is_some();
    let expansion = *expansion && operation.queries.expand.is_some();
    (projection || expansion).then_some(OutputPlan {
        entity,
        list,
        projection,
        expansion,
    })
}

/// The field set structs of an operation.
pub fn field_set_items(space: &TypeSpace<'_>, plan: &QueryPlan<'_>, scope: &Scope) -> TokenStream {
    let sets = plan.sets.iter().map(|set| {
        let name = ident(&set.type_name);
        let methods = set
            .accessors
            .iter()
            .map(|a| accessor(space, set.option, a, scope));
        let doc = format!(
            " The fields the operation documents for `{}`: what the closure of its builder's \
             `{}()` gets.",
            set.option.parameter(),
            setter_name(set.option)
        );
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, Default)]
            pub struct #name;

            impl #name {
                #(#methods)*
            }
        }
    });
    quote! { #(#sets)* }
}

/// The typed setter's name of `option` (the raw one has `_raw` appended).
pub fn setter_name(option: QueryOption) -> &'static str {
    match option {
        QueryOption::Filter => "filter",
        QueryOption::OrderBy => "orderby",
        QueryOption::Select => "select",
        QueryOption::Expand => "expand",
    }
}

fn accessor(
    space: &TypeSpace<'_>,
    option: QueryOption,
    accessor: &Accessor<'_>,
    scope: &Scope,
) -> TokenStream {
    let method = ident(&accessor.method);
    let path = accessor.path;
    let (ty, value, what) = match option {
        QueryOption::Filter => {
            let handle = filter_handle(space, accessor.ty, path, scope);
            (handle.ty, handle.value, handle.what)
        }
        QueryOption::OrderBy => (
            quote!(ntnx_runtime::odata::OrderField),
            quote!(ntnx_runtime::odata::OrderField::new(#path)),
            "sort key".to_owned(),
        ),
        QueryOption::Select => (
            quote!(ntnx_runtime::odata::SelectField),
            quote!(ntnx_runtime::odata::SelectField::new(#path)),
            "selectable field".to_owned(),
        ),
        QueryOption::Expand => (
            quote!(ntnx_runtime::odata::ExpandField),
            quote!(ntnx_runtime::odata::ExpandField::new(#path)),
            "expansion".to_owned(),
        ),
    };
    let doc = format!(" `{path}`: {what}.");
    quote! {
        #[doc = #doc]
        pub fn #method(self) -> #ty {
            #value
        }
    }
}

/// A filter handle: its type, the expression building it, and what the docs call it.
struct Handle {
    ty: TokenStream,
    value: TokenStream,
    what: String,
}

/// The handle of a filter field at `path` of type `ty`.
fn filter_handle(space: &TypeSpace<'_>, ty: Option<&TypeRef>, path: &str, scope: &Scope) -> Handle {
    let raw = || Handle {
        ty: quote!(ntnx_runtime::odata::Field),
        value: quote!(ntnx_runtime::odata::Field::new(#path)),
        what: "untyped (the spec gives it no type this SDK can check)".to_owned(),
    };
    let simple = |name: &str, what: &str| {
        let name = ident(name);
        Handle {
            ty: quote!(ntnx_runtime::odata::#name),
            value: quote!(ntnx_runtime::odata::#name::new(#path)),
            what: what.to_owned(),
        }
    };
    let number = |rust: &str, what: &str| {
        let rust = ident(rust);
        Handle {
            ty: quote!(ntnx_runtime::odata::NumberField<#rust>),
            value: quote!(ntnx_runtime::odata::NumberField::new(#path)),
            what: what.to_owned(),
        }
    };
    let Some(ty) = ty else {
        return Handle {
            what: "a field the spec lists but the entity does not declare (untyped)".to_owned(),
            ..raw()
        };
    };
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uuid) => simple("StringField", "a string"),
        TypeRef::Scalar(Scalar::DateTime) => simple("DateTimeField", "a date-time"),
        TypeRef::Scalar(Scalar::Int32) => number("i32", "a 32-bit integer"),
        TypeRef::Scalar(Scalar::Int64) => number("i64", "a 64-bit integer"),
        TypeRef::Scalar(Scalar::Float32) => number("f32", "a number"),
        TypeRef::Scalar(Scalar::Float64) => number("f64", "a number"),
        TypeRef::Scalar(Scalar::Boolean) => simple("BoolField", "a boolean"),
        TypeRef::Named(key) => match &space.def(key).kind {
            TypeKind::Enum(_) => {
                let enum_type = space.rust_type(ty, scope);
                let odata = odata_type_name(key);
                Handle {
                    ty: quote!(ntnx_runtime::odata::EnumField<#enum_type>),
                    value: quote!(ntnx_runtime::odata::EnumField::new(#path, #odata)),
                    what: format!("an enum, written as {}", code(&format!("{odata}'VALUE'"))),
                }
            }
            TypeKind::Alias(target) => filter_handle(space, Some(target), path, scope),
            TypeKind::Struct(_) | TypeKind::Union(_) => raw(),
        },
        TypeRef::Array(item) => collection_handle(space, item, path, scope),
        TypeRef::Scalar(_) | TypeRef::Map(_) | TypeRef::AnyObject | TypeRef::Any => raw(),
    }
}

/// The handle of a collection: `any` over elements whose handle is built on the lambda
/// variable (the first letter of the field's name).
fn collection_handle(space: &TypeSpace<'_>, item: &TypeRef, path: &str, scope: &Scope) -> Handle {
    let last = path.rsplit('/').next().unwrap_or(path);
    let variable = last
        .chars()
        .next()
        .filter(char::is_ascii_alphabetic)
        .map_or_else(|| "x".to_owned(), |c| c.to_ascii_lowercase().to_string());
    let element = match item {
        TypeRef::Array(_) => None,
        item => Some(filter_handle(space, Some(item), &variable, scope)),
    }
    .filter(|h| !h.what.starts_with("untyped"));
    let (element_ty, element_value, element_what) = match element {
        Some(handle) => (handle.ty, handle.value, handle.what),
        None => (
            quote!(ntnx_runtime::odata::Field),
            quote!(ntnx_runtime::odata::Field::new(#variable)),
            "an object (its properties by `path`)".to_owned(),
        ),
    };
    Handle {
        ty: quote!(ntnx_runtime::odata::CollectionField<#element_ty>),
        value: quote!(ntnx_runtime::odata::CollectionField::new(#path, #variable, #element_value)),
        what: format!("a collection (`any`), each element {element_what}"),
    }
}

/// The OData name of an enum type: namespace, packages and name, each capitalised
/// (`vmm.v4.0.ahv.config.PowerState` is `Vmm.Ahv.Config.PowerState`).
fn odata_type_name(key: &TypeKey) -> String {
    let schema = &key.schema;
    let mut parts = vec![schema.namespace.to_upper_camel_case()];
    parts.extend(schema.modules.iter().map(|m| capitalised(m)));
    let mut name = schema.name.clone();
    for part in &key.inline {
        name.push_str(&part.to_upper_camel_case());
    }
    parts.push(name);
    parts.join(".")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// Lines for the operation's docs: the fields of each option.
pub fn docs_lines(plan: &QueryPlan<'_>) -> Vec<String> {
    plan.sets
        .iter()
        .map(|set| {
            let paths: Vec<String> = set.accessors.iter().map(|a| code(a.path)).collect();
            format!(
                "{} fields ([`{}`]): {}.",
                set.option.adjective(),
                set.type_name,
                paths.join(", ")
            )
        })
        .collect()
}

/// The typed and raw setters of `option` for a builder whose field is `field`, whose
/// output changes (`select`/`expand`) as `plan` says.
pub fn setters(
    plan: &QueryPlan<'_>,
    option: QueryOption,
    field: &Ident,
    builder: &Ident,
) -> TokenStream {
    let output = output_change(plan, option, builder);
    let raw_setter = raw_setter(option, field, &output);
    match plan.sets.iter().find(|s| s.option == option) {
        Some(set) => {
            let typed_setter = typed_setter(set, option, &output);
            quote! {
                #typed_setter

                #raw_setter
            }
        }
        None => raw_setter,
    }
}

/// What a setter of `option` returns, and says about it, when it changes the builder's
/// output (`select` to the projection, `expand` to expanded entities).
struct OutputChange {
    returns: TokenStream,
    bound: TokenStream,
    finish: TokenStream,
    /// A sentence for the docs (empty when the output stays).
    note: &'static str,
}

fn output_change(plan: &QueryPlan<'_>, option: QueryOption, builder: &Ident) -> OutputChange {
    let change = |returns, bound, note| OutputChange {
        returns,
        bound,
        finish: quote!(self.with_output()),
        note,
    };
    match (option, &plan.output) {
        (QueryOption::Select, Some(output)) if output.projection => change(
            quote!(#builder<T::Projection>),
            quote!(where T: ntnx_runtime::query::HasProjection),
            " The answer decodes into the entity's projection, whose fields are all optional: \
             the server returns only those selected.",
        ),
        (QueryOption::Expand, Some(output)) if output.expansion => change(
            quote!(#builder<T::Expanded>),
            quote!(where T: ntnx_runtime::query::HasExpansion),
            " The answer decodes into `ntnx_runtime::query::Expanded` entities, which carry \
             the related entities the server adds.",
        ),
        _ => OutputChange {
            returns: quote!(Self),
            bound: quote!(),
            finish: quote!(self),
            note: "",
        },
    }
}

/// `<option>_raw(value)`: the option as OData text.
fn raw_setter(option: QueryOption, field: &Ident, output: &OutputChange) -> TokenStream {
    let raw = ident(&format!("{}_raw", setter_name(option)));
    let OutputChange {
        returns,
        bound,
        finish,
        note,
    } = output;
    let doc = format!(
        " `{}` as OData text (an `ntnx_runtime::odata` builder, or a string), for what the \
         spec does not document.{note}",
        option.parameter()
    );
    quote! {
        #[doc = #doc]
        pub fn #raw(mut self, value: impl std::fmt::Display) -> #returns #bound {
            self.#field = Some(value.to_string());
            #finish
        }
    }
}

/// `<option>(|fields| ...)`: the option built from the field set `set`, through the raw
/// setter.
fn typed_setter(set: &FieldSet<'_>, option: QueryOption, output: &OutputChange) -> TokenStream {
    let raw = ident(&format!("{}_raw", setter_name(option)));
    let fields = ident(&set.type_name);
    let target = match option {
        QueryOption::Filter => quote!(ntnx_runtime::odata::Filter),
        QueryOption::OrderBy => quote!(ntnx_runtime::odata::OrderBy),
        QueryOption::Select => quote!(ntnx_runtime::odata::Select),
        QueryOption::Expand => quote!(ntnx_runtime::odata::Expand),
    };
    let (generic, argument, body) = if option == QueryOption::Filter {
        (
            quote!(),
            quote!(build: impl FnOnce(#fields) -> #target),
            quote!(self.#raw(build(#fields))),
        )
    } else {
        (
            quote!(<K: Into<#target>>),
            quote!(build: impl FnOnce(#fields) -> K),
            quote! {
                let value: #target = build(#fields).into();
                self.#raw(value)
            },
        )
    };
    let doc = format!(
        " `{}` from the documented fields: `build` gets [`{}`] and returns {}.{}",
        option.parameter(),
        set.type_name,
        match option {
            QueryOption::Filter => "the filter expression",
            QueryOption::OrderBy => "one sort key or several (an array)",
            QueryOption::Select => "one field or several (an array)",
            QueryOption::Expand => "one expansion or several (an array)",
        },
        output.note
    );
    let typed = ident(setter_name(option));
    let OutputChange { returns, bound, .. } = output;
    quote! {
        #[doc = #doc]
        pub fn #typed #generic(self, #argument) -> #returns #bound {
            #body
        }
    }
}

/// A sample value for each documented filter field's handle, for the registry's calls with
/// typed queries: an expression of type `Filter` using `handle` (an expression of the
/// handle's type).
pub fn sample_filter(
    space: &TypeSpace<'_>,
    ty: Option<&TypeRef>,
    handle: TokenStream,
    scope: &Scope,
) -> TokenStream {
    let Some(ty) = ty else {
        return quote!(#handle.ne(ntnx_runtime::odata::Literal::Null));
    };
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uuid) => quote!(#handle.startswith("a")),
        TypeRef::Scalar(Scalar::DateTime) => quote! {
            #handle.gt(ntnx_runtime::DateTime::parse("2024-05-01T10:00:00Z").expect("a valid date-time"))
        },
        TypeRef::Scalar(Scalar::Int32 | Scalar::Int64) => quote!(#handle.ge(1)),
        TypeRef::Scalar(Scalar::Float32 | Scalar::Float64) => quote!(#handle.ge(1.5)),
        TypeRef::Scalar(Scalar::Boolean) => quote!(#handle.eq(true)),
        TypeRef::Named(key) => match &space.def(key).kind {
            TypeKind::Enum(e) => {
                let enum_type = space.rust_type(ty, scope);
                let names = enum_variant_names(e.values.iter().map(|v| v.value.as_str()));
                match names.first() {
                    Some(first) => {
                        let variant = ident(first);
                        quote!(#handle.eq(#enum_type::#variant))
                    }
                    None => quote!(#handle.is_in(Vec::<#enum_type>::new())),
                }
            }
            TypeKind::Alias(target) => sample_filter(space, Some(target), handle, scope),
            TypeKind::Struct(_) | TypeKind::Union(_) => {
                quote!(#handle.ne(ntnx_runtime::odata::Literal::Null))
            }
        },
        TypeRef::Array(item) => {
            let element = match item.as_ref() {
                TypeRef::Array(_) => None,
                item => Some(item),
            };
            let body = sample_filter(space, element, quote!(element), scope);
            quote!(#handle.any(|element| #body))
        }
        TypeRef::Scalar(_) | TypeRef::Map(_) | TypeRef::AnyObject | TypeRef::Any => {
            quote!(#handle.ne(ntnx_runtime::odata::Literal::Null))
        }
    }
}

//! A flat view of one `openapiv3` schema, whatever variant the parser chose for it.
//!
//! `openapiv3` splits schemas into `Type`, `OneOf`, `AllOf`... and falls back to
//! `AnySchema` when keywords mix (a `oneOf` with `properties`, say). The resolver asks the
//! same questions of all of them, so it reads this view instead.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::{Number, Value};

use crate::ir::Constraint;

/// Properties in spec order, as `openapiv3` stores them.
pub(crate) type PropertyMap = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// Every keyword of a schema the resolver looks at.
pub(crate) struct View<'s> {
    pub data: &'s SchemaData,
    pub typ: Option<&'s str>,
    pub format: Option<&'s str>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'s PropertyMap>,
    pub required: &'s [String],
    pub additional_properties: Option<&'s AdditionalProperties>,
    pub items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub one_of: &'s [ReferenceOr<Schema>],
    pub any_of: &'s [ReferenceOr<Schema>],
    pub all_of: &'s [ReferenceOr<Schema>],
    pub has_not: bool,
    pub constraints: Vec<Constraint>,
}

/// What a schema is, as far as naming and type choice go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A string enumeration: a named enum.
    Enum,
    /// Properties or `allOf`: a named struct.
    Object,
    /// `oneOf` / `anyOf`: a named union.
    Union,
    /// Anything else maps to a scalar, array, map or `Any` without a name.
    Plain,
}

impl<'s> View<'s> {
    pub fn of(schema: &'s Schema) -> View<'s> {
        let mut view = View {
            data: &schema.schema_data,
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional_properties: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            has_not: false,
            constraints: Vec::new(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string");
                view.format = format_name(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                view.enumeration = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
                view.push_lengths(s.min_length, s.max_length);
                if let Some(p) = &s.pattern {
                    view.constraints.push(Constraint::Pattern(p.clone()));
                }
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number");
                view.format = format_name(&n.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
                view.enumeration = n
                    .enumeration
                    .iter()
                    .map(|v| {
                        v.and_then(Number::from_f64)
                            .map_or(Value::Null, Value::Number)
                    })
                    .collect();
                view.push_bounds(
                    n.minimum.and_then(Number::from_f64),
                    n.exclusive_minimum,
                    n.maximum.and_then(Number::from_f64),
                    n.exclusive_maximum,
                );
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer");
                view.format = format_name(&i.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                view.enumeration = i
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, |n| Value::Number(n.into())))
                    .collect();
                view.push_bounds(
                    i.minimum.map(Number::from),
                    i.exclusive_minimum,
                    i.maximum.map(Number::from),
                    i.exclusive_maximum,
                );
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.typ = Some("boolean");
                view.enumeration = b
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object");
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional_properties = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array");
                view.items = a.items.as_ref();
                view.push_items(a.min_items, a.max_items, a.unique_items);
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(a) => {
                view.typ = a.typ.as_deref();
                view.format = a.format.as_deref();
                view.enumeration = a.enumeration.clone();
                view.properties = (!a.properties.is_empty()).then_some(&a.properties);
                view.required = &a.required;
                view.additional_properties = a.additional_properties.as_ref();
                view.items = a.items.as_ref();
                view.one_of = &a.one_of;
                view.any_of = &a.any_of;
                view.all_of = &a.all_of;
                view.has_not = a.not.is_some();
                view.push_lengths(a.min_length, a.max_length);
                if let Some(p) = &a.pattern {
                    view.constraints.push(Constraint::Pattern(p.clone()));
                }
                view.push_bounds(
                    a.minimum.and_then(Number::from_f64),
                    a.exclusive_minimum.unwrap_or(false),
                    a.maximum.and_then(Number::from_f64),
                    a.exclusive_maximum.unwrap_or(false),
                );
                view.push_items(a.min_items, a.max_items, a.unique_items.unwrap_or(false));
            }
        }
        view
    }

    /// Classifies the schema.
    pub fn shape(&self) -> Shape {
        if !self.one_of.is_empty() || !self.any_of.is_empty() {
            Shape::Union
        } else if !self.all_of.is_empty() || self.properties.is_some_and(|p| !p.is_empty()) {
            Shape::Object
        } else if self.typ == Some("string")
            && !self.enumeration.is_empty()
            && self
                .enumeration
                .iter()
                .all(|v| v.is_string() || v.is_null())
        {
            Shape::Enum
        } else if self.typ == Some("object")
            && matches!(
                self.additional_properties,
                Some(AdditionalProperties::Any(false))
            )
        {
            // An object that allows no properties at all: an empty struct, still named.
            Shape::Object
        } else {
            Shape::Plain
        }
    }

    fn push_lengths(&mut self, min: Option<usize>, max: Option<usize>) {
        if let Some(n) = min.filter(|n| *n > 0) {
            self.constraints.push(Constraint::MinLength(n as u64));
        }
        if let Some(n) = max {
            self.constraints.push(Constraint::MaxLength(n as u64));
        }
    }

    fn push_bounds(
        &mut self,
        minimum: Option<Number>,
        exclusive_minimum: bool,
        maximum: Option<Number>,
        exclusive_maximum: bool,
    ) {
        if let Some(value) = minimum {
            self.constraints.push(Constraint::Minimum {
                value,
                exclusive: exclusive_minimum,
            });
        }
        if let Some(value) = maximum {
            self.constraints.push(Constraint::Maximum {
                value,
                exclusive: exclusive_maximum,
            });
        }
    }

    fn push_items(&mut self, min: Option<usize>, max: Option<usize>, unique: bool) {
        if let Some(n) = min.filter(|n| *n > 0) {
            self.constraints.push(Constraint::MinItems(n as u64));
        }
        if let Some(n) = max {
            self.constraints.push(Constraint::MaxItems(n as u64));
        }
        if unique {
            self.constraints.push(Constraint::UniqueItems);
        }
    }
}

fn format_name<T>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(known(f)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.as_str()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

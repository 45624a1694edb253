//! Typed handles of the fields an operation documents for its query options.
//!
//! The generated field sets of each operation (`ListVmsFilter`, `ListVmsOrderBy`,
//! `ListVmsSelect`, `ListVolumeGroupsExpand`) hand these out, one per documented field, so
//! that only the operators that fit a field's type exist: the string functions on strings,
//! comparisons on numbers, date-times and strings, equality on enums and booleans, `in` on
//! scalars and `any` on collections (the API supports no other lambda operator). What
//! they render is the API's OData, as `Display` of the expression shows.
//!
//! ```
//! use ntnx_runtime::odata::{EnumField, NumberField, StringField};
//!
//! # #[derive(Clone, Copy)] enum PowerState { On }
//! # impl std::fmt::Display for PowerState {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("ON") }
//! # }
//! let power_state = EnumField::<PowerState>::new("powerState", "Vmm.Ahv.Config.PowerState");
//! let memory = NumberField::<i64>::new("memorySizeBytes");
//! let filter = power_state.eq(PowerState::On).and(memory.gt(4 << 30));
//! assert_eq!(
//!     filter.to_string(),
//!     "powerState eq Vmm.Ahv.Config.PowerState'ON' and memorySizeBytes gt 4294967296"
//! );
//! assert_eq!(
//!     StringField::new("name").tolower().startswith("web").to_string(),
//!     "startswith(tolower(name), 'web')"
//! );
//! ```

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

use super::{Direction, Field, Filter, Literal, OrderBy, Select};
use crate::DateTime;

/// A string property: comparisons with text, `in`, and the string functions.
#[derive(Clone, Debug)]
pub struct StringField(Field);

impl StringField {
    /// The string property at `path` (`cluster/extId`).
    pub fn new(path: &str) -> StringField {
        StringField(Field::new(path))
    }

    /// `self eq 'value'`.
    pub fn eq(self, value: impl AsRef<str>) -> Filter {
        self.0.eq(value.as_ref())
    }

    /// `self ne 'value'`.
    pub fn ne(self, value: impl AsRef<str>) -> Filter {
        self.0.ne(value.as_ref())
    }

    /// `self gt 'value'`.
    pub fn gt(self, value: impl AsRef<str>) -> Filter {
        self.0.gt(value.as_ref())
    }

    /// `self ge 'value'`.
    pub fn ge(self, value: impl AsRef<str>) -> Filter {
        self.0.ge(value.as_ref())
    }

    /// `self lt 'value'`.
    pub fn lt(self, value: impl AsRef<str>) -> Filter {
        self.0.lt(value.as_ref())
    }

    /// `self le 'value'`.
    pub fn le(self, value: impl AsRef<str>) -> Filter {
        self.0.le(value.as_ref())
    }

    /// `self in ('a','b')`.
    pub fn is_in<S: AsRef<str>>(self, values: impl IntoIterator<Item = S>) -> Filter {
        self.0
            .is_in(values.into_iter().map(|v| Literal::from(v.as_ref())))
    }

    /// `contains(self, 'value')`.
    pub fn contains(self, value: impl AsRef<str>) -> Filter {
        self.0.contains(value.as_ref())
    }

    /// `startswith(self, 'value')`.
    pub fn startswith(self, value: impl AsRef<str>) -> Filter {
        self.0.startswith(value.as_ref())
    }

    /// `endswith(self, 'value')`.
    pub fn endswith(self, value: impl AsRef<str>) -> Filter {
        self.0.endswith(value.as_ref())
    }

    /// `tolower(self)`, to compare without case.
    pub fn tolower(self) -> StringField {
        StringField(self.0.tolower())
    }

    /// `toupper(self)`.
    pub fn toupper(self) -> StringField {
        StringField(self.0.toupper())
    }
}

/// A number property of Rust type `N` (`i32`, `i64`, `f32` or `f64`, as the spec
/// declares it): comparisons and `in`.
#[derive(Clone, Debug)]
pub struct NumberField<N> {
    field: Field,
    number: PhantomData<fn(N)>,
}

impl<N: Into<Literal>> NumberField<N> {
    /// The number property at `path`.
    pub fn new(path: &str) -> NumberField<N> {
        NumberField {
            field: Field::new(path),
            number: PhantomData,
        }
    }

    /// `self eq value`.
    pub fn eq(self, value: N) -> Filter {
        self.field.eq(value)
    }

    /// `self ne value`.
    pub fn ne(self, value: N) -> Filter {
        self.field.ne(value)
    }

    /// `self gt value`.
    pub fn gt(self, value: N) -> Filter {
        self.field.gt(value)
    }

    /// `self ge value`.
    pub fn ge(self, value: N) -> Filter {
        self.field.ge(value)
    }

    /// `self lt value`.
    pub fn lt(self, value: N) -> Filter {
        self.field.lt(value)
    }

    /// `self le value`.
    pub fn le(self, value: N) -> Filter {
        self.field.le(value)
    }

    /// `self in (1,2)`.
    pub fn is_in(self, values: impl IntoIterator<Item = N>) -> Filter {
        self.field.is_in(values)
    }
}

/// A boolean property: `eq` and `ne`.
#[derive(Clone, Debug)]
pub struct BoolField(Field);

impl BoolField {
    /// The boolean property at `path`.
    pub fn new(path: &str) -> BoolField {
        BoolField(Field::new(path))
    }

    /// `self eq value`.
    pub fn eq(self, value: bool) -> Filter {
        self.0.eq(value)
    }

    /// `self ne value`.
    pub fn ne(self, value: bool) -> Filter {
        self.0.ne(value)
    }
}

/// A date-time property: comparisons with a [`DateTime`] (written unquoted, as OData
/// expects).
#[derive(Clone, Debug)]
pub struct DateTimeField(Field);

impl DateTimeField {
    /// The date-time property at `path`.
    pub fn new(path: &str) -> DateTimeField {
        DateTimeField(Field::new(path))
    }

    /// `self eq value`.
    pub fn eq(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.eq(value.borrow())
    }

    /// `self ne value`.
    pub fn ne(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.ne(value.borrow())
    }

    /// `self gt value`: later than `value`.
    pub fn gt(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.gt(value.borrow())
    }

    /// `self ge value`.
    pub fn ge(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.ge(value.borrow())
    }

    /// `self lt value`: earlier than `value`.
    pub fn lt(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.lt(value.borrow())
    }

    /// `self le value`.
    pub fn le(self, value: impl Borrow<DateTime>) -> Filter {
        self.0.le(value.borrow())
    }
}

/// An enum property whose values are the generated enum `E`: `eq`, `ne` and `in`, with
/// values written as OData enum literals (`Vmm.Ahv.Config.PowerState'ON'`).
#[derive(Clone, Debug)]
pub struct EnumField<E> {
    field: Field,
    type_name: &'static str,
    value: PhantomData<fn(E)>,
}

impl<E: fmt::Display> EnumField<E> {
    /// The enum property at `path`, whose OData type is `type_name`
    /// (`Vmm.Ahv.Config.PowerState`).
    pub fn new(path: &str, type_name: &'static str) -> EnumField<E> {
        EnumField {
            field: Field::new(path),
            type_name,
            value: PhantomData,
        }
    }

    fn literal(&self, value: &E) -> Literal {
        Literal::enum_value(self.type_name, value.to_string())
    }

    /// `self eq Type'VALUE'`.
    pub fn eq(self, value: E) -> Filter {
        let literal = self.literal(&value);
        self.field.eq(literal)
    }

    /// `self ne Type'VALUE'`.
    pub fn ne(self, value: E) -> Filter {
        let literal = self.literal(&value);
        self.field.ne(literal)
    }

    /// `self in (Type'A',Type'B')`.
    pub fn is_in(self, values: impl IntoIterator<Item = E>) -> Filter {
        let literals: Vec<Literal> = values.into_iter().map(|v| self.literal(&v)).collect();
        self.field.is_in(literals)
    }
}

/// A collection property whose elements are handled by `E` (a [`StringField`],
/// [`EnumField`]... of the lambda variable, or a raw [`Field`] for elements that are
/// objects): `any`.
#[derive(Clone, Debug)]
pub struct CollectionField<E> {
    field: Field,
    variable: &'static str,
    element: E,
}

impl<E> CollectionField<E> {
    /// The collection at `path`, whose lambda variable is `variable` and whose element
    /// handle `element` is built on that variable.
    pub fn new(path: &str, variable: &'static str, element: E) -> CollectionField<E> {
        CollectionField {
            field: Field::new(path),
            variable,
            element,
        }
    }

    /// `self/any(x: body)`: some element matches `body`, which gets the element's handle.
    pub fn any(self, body: impl FnOnce(E) -> Filter) -> Filter {
        let body = body(self.element);
        Filter::primary(format!(
            "{}/any({}: {})",
            self.field, self.variable, body.text
        ))
    }
}

/// A field `$orderby` accepts.
#[derive(Clone, Debug)]
pub struct OrderField(String);

impl OrderField {
    /// The sortable property at `path`.
    pub fn new(path: &str) -> OrderField {
        OrderField(path.to_owned())
    }

    /// `self asc`.
    pub fn asc(self) -> OrderKey {
        OrderKey(self.0, Direction::Asc)
    }

    /// `self desc`.
    pub fn desc(self) -> OrderKey {
        OrderKey(self.0, Direction::Desc)
    }
}

/// A sort key: a field and a direction. One key, an array or a `Vec` of them convert into
/// an [`OrderBy`] (most significant first).
#[derive(Clone, Debug)]
pub struct OrderKey(String, Direction);

impl From<OrderKey> for OrderBy {
    fn from(key: OrderKey) -> OrderBy {
        OrderBy(vec![(key.0, key.1)])
    }
}

impl<const N: usize> From<[OrderKey; N]> for OrderBy {
    fn from(keys: [OrderKey; N]) -> OrderBy {
        OrderBy(keys.into_iter().map(|k| (k.0, k.1)).collect())
    }
}

impl From<Vec<OrderKey>> for OrderBy {
    fn from(keys: Vec<OrderKey>) -> OrderBy {
        OrderBy(keys.into_iter().map(|k| (k.0, k.1)).collect())
    }
}

/// A field `$select` accepts. One, an array or a `Vec` of them convert into a [`Select`].
#[derive(Clone, Debug)]
pub struct SelectField(String);

impl SelectField {
    /// The selectable property at `path`.
    pub fn new(path: &str) -> SelectField {
        SelectField(path.to_owned())
    }
}

impl From<SelectField> for Select {
    fn from(field: SelectField) -> Select {
        Select(vec![field.0])
    }
}

impl<const N: usize> From<[SelectField; N]> for Select {
    fn from(fields: [SelectField; N]) -> Select {
        Select(fields.into_iter().map(|f| f.0).collect())
    }
}

impl From<Vec<SelectField>> for Select {
    fn from(fields: Vec<SelectField>) -> Select {
        Select(fields.into_iter().map(|f| f.0).collect())
    }
}

/// An `$expand` key, with the options applied to the expanded entities (written in
/// parentheses after the key, separated by `;`: `cluster($select=name)`).
#[derive(Clone, Debug)]
pub struct ExpandField {
    key: String,
    options: Vec<String>,
}

impl ExpandField {
    /// The expansion `key`.
    pub fn new(key: &str) -> ExpandField {
        ExpandField {
            key: key.to_owned(),
            options: Vec::new(),
        }
    }

    fn option(mut self, name: &str, value: impl fmt::Display) -> ExpandField {
        self.options.push(format!("{name}={value}"));
        self
    }

    /// `$filter` of the expanded entities, as OData text.
    pub fn filter_raw(self, filter: impl fmt::Display) -> ExpandField {
        self.option("$filter", filter)
    }

    /// `$select` of the expanded entities, as OData text.
    pub fn select_raw(self, select: impl fmt::Display) -> ExpandField {
        self.option("$select", select)
    }

    /// `$orderby` of the expanded entities, as OData text.
    pub fn orderby_raw(self, orderby: impl fmt::Display) -> ExpandField {
        self.option("$orderby", orderby)
    }
}

impl fmt::Display for ExpandField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)?;
        if !self.options.is_empty() {
            write!(f, "({})", self.options.join(";"))?;
        }
        Ok(())
    }
}

/// An `$expand` value: the keys to expand. One [`ExpandField`], an array or a `Vec` of them
/// convert into it.
#[derive(Clone, Debug, Default)]
pub struct Expand(Vec<ExpandField>);

impl fmt::Display for Expand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, field) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{field}")?;
        }
        Ok(())
    }
}

impl From<ExpandField> for Expand {
    fn from(field: ExpandField) -> Expand {
        Expand(vec![field])
    }
}

impl<const N: usize> From<[ExpandField; N]> for Expand {
    fn from(fields: [ExpandField; N]) -> Expand {
        Expand(fields.into())
    }
}

impl From<Vec<ExpandField>> for Expand {
    fn from(fields: Vec<ExpandField>) -> Expand {
        Expand(fields)
    }
}

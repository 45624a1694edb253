//! OData query options: `$filter`, `$orderby`, `$select` and `$expand`.
//!
//! Generated request builders take them typed, per operation (`.filter(|vm| ...)`, with
//! the handles of [`fields`] for exactly the fields the operation documents); this module's
//! untyped builders ([`field`], [`OrderBy`], [`Select`]) write the same text for any
//! property, for the `*_raw` setters.
//!
//! ```
//! use ntnx_runtime::odata::{field, OrderBy, Select};
//!
//! let filter = field("name").startswith("fileserver_")
//!     .and(field("sizeBytes").gt(1_u64 << 30))
//!     .or(field("categories").any("c", |c| c.eq("env/prod")));
//! assert_eq!(
//!     filter.to_string(),
//!     "startswith(name, 'fileserver_') and sizeBytes gt 1073741824 \
//!      or categories/any(c: c eq 'env/prod')"
//! );
//! assert_eq!(OrderBy::new().asc("name").desc("createTime").to_string(), "name asc,createTime desc");
//! assert_eq!(Select::new().field("name").field("extId").to_string(), "name,extId");
//! ```
//!
//! Every option renders with `Display`, so the `*_raw` setters (which take
//! `impl Display`) accept both these types and raw text; a raw string also converts into a
//! [`Filter`].

pub mod fields;

use std::fmt;

use uuid::Uuid;

use crate::DateTime;

pub use fields::{
    BoolField, CollectionField, DateTimeField, EnumField, Expand, ExpandField, NumberField,
    OrderField, OrderKey, SelectField, StringField,
};

/// A literal value in a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A floating-point number (`NaN`, `INF` and `-INF` for the special values).
    Float(f64),
    /// A string, written `'...'` with `'` doubled.
    String(String),
    /// A date-time, written unquoted as OData expects (`2024-05-01T10:00:00Z`).
    DateTime(String),
    /// An enum value, written `Namespace.Type'VALUE'` (e.g.
    /// `Vmm.Ahv.Config.PowerState'ON'`).
    Enum {
        /// The qualified type name.
        type_name: String,
        /// The value.
        value: String,
    },
    /// Text written as is.
    Raw(String),
}

impl Literal {
    /// An enum literal `type_name'value'`.
    pub fn enum_value(type_name: impl Into<String>, value: impl Into<String>) -> Literal {
        Literal::Enum {
            type_name: type_name.into(),
            value: value.into(),
        }
    }
}

/// Writes `'text'` with every `'` doubled.
fn quote(text: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "'{}'", text.replace('\'', "''"))
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(value) => write!(f, "{value}"),
            Literal::Int(value) => write!(f, "{value}"),
            Literal::UInt(value) => write!(f, "{value}"),
            Literal::Float(value) if value.is_nan() => f.write_str("NaN"),
            Literal::Float(value) if value.is_infinite() => {
                f.write_str(if *value > 0.0 { "INF" } else { "-INF" })
            }
            Literal::Float(value) => write!(f, "{value:?}"),
            Literal::String(text) => quote(text, f),
            Literal::DateTime(text) | Literal::Raw(text) => f.write_str(text),
            Literal::Enum { type_name, value } => {
                f.write_str(type_name)?;
                quote(value, f)
            }
        }
    }
}

macro_rules! literal_from {
    ($variant:ident as $target:ty: $($source:ty),*) => {
        $(impl From<$source> for Literal {
            fn from(value: $source) -> Self {
                Literal::$variant(<$target>::from(value))
            }
        })*
    };
}

literal_from!(Int as i64: i8, i16, i32, i64);
literal_from!(UInt as u64: u8, u16, u32, u64);
literal_from!(Float as f64: f32, f64);
literal_from!(Bool as bool: bool);
literal_from!(String as String: &str, String, &String);

impl From<&DateTime> for Literal {
    fn from(value: &DateTime) -> Self {
        Literal::DateTime(value.as_str().to_owned())
    }
}

impl From<DateTime> for Literal {
    fn from(value: DateTime) -> Self {
        Literal::from(&value)
    }
}

/// A UUID becomes a quoted string: v4 `extId`s are string properties.
impl From<Uuid> for Literal {
    fn from(value: Uuid) -> Self {
        Literal::String(value.to_string())
    }
}

/// `None` becomes `null`.
impl<T: Into<Literal>> From<Option<T>> for Literal {
    fn from(value: Option<T>) -> Self {
        value.map_or(Literal::Null, Into::into)
    }
}

/// How tightly an expression binds, to know when to add parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    /// `or`, and raw text (whose structure is unknown).
    Or,
    /// `and`.
    And,
    /// Comparisons, function calls, lambdas, `not`.
    Primary,
}

/// A property (`name`, `cluster/extId`), a lambda variable, or a function of one
/// (`tolower(name)`): the left side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field(String);

/// The property at `path` (segments separated by `/`).
pub fn field(path: impl Into<String>) -> Field {
    Field(path.into())
}

/// A `$filter` expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    text: String,
    precedence: Precedence,
}

impl Field {
    /// The property at `path`.
    pub fn new(path: impl Into<String>) -> Field {
        Field(path.into())
    }

    /// A nested property: `self/segment`.
    pub fn path(self, segment: &str) -> Field {
        Field(format!("{}/{segment}", self.0))
    }

    /// `tolower(self)`.
    pub fn tolower(self) -> Field {
        Field(format!("tolower({})", self.0))
    }

    /// `toupper(self)`.
    pub fn toupper(self) -> Field {
        Field(format!("toupper({})", self.0))
    }

    fn compare(self, op: &str, value: impl Into<Literal>) -> Filter {
        Filter::primary(format!("{} {op} {}", self.0, value.into()))
    }

    /// `self eq value`.
    pub fn eq(self, value: impl Into<Literal>) -> Filter {
        self.compare("eq", value)
    }

    /// `self ne value`.
    pub fn ne(self, value: impl Into<Literal>) -> Filter {
        self.compare("ne", value)
    }

    /// `self gt value`.
    pub fn gt(self, value: impl Into<Literal>) -> Filter {
        self.compare("gt", value)
    }

    /// `self ge value`.
    pub fn ge(self, value: impl Into<Literal>) -> Filter {
        self.compare("ge", value)
    }

    /// `self lt value`.
    pub fn lt(self, value: impl Into<Literal>) -> Filter {
        self.compare("lt", value)
    }

    /// `self le value`.
    pub fn le(self, value: impl Into<Literal>) -> Filter {
        self.compare("le", value)
    }

    /// `self in ('a','b')`.
    pub fn is_in<V: Into<Literal>>(self, values: impl IntoIterator<Item = V>) -> Filter {
        let list: Vec<String> = values.into_iter().map(|v| v.into().to_string()).collect();
        Filter::primary(format!("{} in ({})", self.0, list.join(",")))
    }

    fn function(self, name: &str, value: impl Into<Literal>) -> Filter {
        Filter::primary(format!("{name}({}, {})", self.0, value.into()))
    }

    /// `contains(self, value)`.
    pub fn contains(self, value: impl Into<Literal>) -> Filter {
        self.function("contains", value)
    }

    /// `startswith(self, value)`.
    pub fn startswith(self, value: impl Into<Literal>) -> Filter {
        self.function("startswith", value)
    }

    /// `endswith(self, value)`.
    pub fn endswith(self, value: impl Into<Literal>) -> Filter {
        self.function("endswith", value)
    }

    /// `self/any(variable: body)`: some element of the collection matches. `body` gets
    /// the variable as a [`Field`] (use [`path`](Field::path) for its properties). The API
    /// supports no other lambda operator (no `all`).
    pub fn any(self, variable: &str, body: impl FnOnce(Field) -> Filter) -> Filter {
        let body = body(Field(variable.to_owned()));
        Filter::primary(format!("{}/any({variable}: {})", self.0, body.text))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Field> for String {
    fn from(field: Field) -> String {
        field.0
    }
}

impl Filter {
    fn primary(text: String) -> Filter {
        Filter {
            text,
            precedence: Precedence::Primary,
        }
    }

    /// Raw filter text, used as is (and parenthesized when combined).
    pub fn raw(text: impl Into<String>) -> Filter {
        Filter {
            text: text.into(),
            precedence: Precedence::Or,
        }
    }

    /// The text, wrapped in parentheses if it binds looser than `needed`.
    fn operand(&self, needed: Precedence) -> String {
        if self.precedence < needed {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    /// `self and other`.
    pub fn and(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        Filter {
            text: format!(
                "{} and {}",
                self.operand(Precedence::And),
                other.operand(Precedence::And)
            ),
            precedence: Precedence::And,
        }
    }

    /// `self or other`.
    pub fn or(self, other: impl Into<Filter>) -> Filter {
        let other = other.into();
        Filter {
            text: format!("{} or {}", self.text, other.text),
            precedence: Precedence::Or,
        }
    }

    /// `not self` (parenthesized unless it is a function call).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        if self.is_single_call() {
            Filter::primary(format!("not {}", self.text))
        } else {
            Filter::primary(format!("not ({})", self.text))
        }
    }

    /// Whether the text is one function call `name(...)` and nothing else.
    fn is_single_call(&self) -> bool {
        let Some(open) = self.text.find('(') else {
            return false;
        };
        if !self.text[..open].chars().all(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        let mut depth = 0i32;
        let mut in_string = false;
        for (i, c) in self.text.char_indices().skip(open) {
            match c {
                '\'' => in_string = !in_string,
                '(' if !in_string => depth += 1,
                ')' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        return i == self.text.len() - 1;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `not filter`.
pub fn not(filter: Filter) -> Filter {
    filter.not()
}

impl std::ops::Not for Filter {
    type Output = Filter;

    fn not(self) -> Filter {
        Filter::not(self)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<&str> for Filter {
    fn from(text: &str) -> Filter {
        Filter::raw(text)
    }
}

impl From<String> for Filter {
    fn from(text: String) -> Filter {
        Filter::raw(text)
    }
}

impl From<Filter> for String {
    fn from(filter: Filter) -> String {
        filter.text
    }
}

/// Sort direction of an `$orderby` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// An `$orderby` value: keys with directions, most significant first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderBy(Vec<(String, Direction)>);

impl OrderBy {
    /// No keys yet.
    pub fn new() -> OrderBy {
        OrderBy::default()
    }

    /// Adds `field asc`.
    pub fn asc(mut self, field: impl Into<String>) -> OrderBy {
        self.0.push((field.into(), Direction::Asc));
        self
    }

    /// Adds `field desc`.
    pub fn desc(mut self, field: impl Into<String>) -> OrderBy {
        self.0.push((field.into(), Direction::Desc));
        self
    }
}

impl fmt::Display for OrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (field, direction)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let direction = match direction {
                Direction::Asc => "asc",
                Direction::Desc => "desc",
            };
            write!(f, "{field} {direction}")?;
        }
        Ok(())
    }
}

impl From<OrderBy> for String {
    fn from(order: OrderBy) -> String {
        order.to_string()
    }
}

/// A `$select` value: the properties to return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Select(Vec<String>);

impl Select {
    /// No properties yet.
    pub fn new() -> Select {
        Select::default()
    }

    /// Adds a property.
    pub fn field(mut self, field: impl Into<String>) -> Select {
        self.0.push(field.into());
        self
    }

    /// A selection of these properties.
    pub fn fields<S: Into<String>>(fields: impl IntoIterator<Item = S>) -> Select {
        Select(fields.into_iter().map(Into::into).collect())
    }
}

impl fmt::Display for Select {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl From<Select> for String {
    fn from(select: Select) -> String {
        select.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_and_literals() {
        assert_eq!(field("name").eq("it's").to_string(), "name eq 'it''s'");
        assert_eq!(field("a").ne(Literal::Null).to_string(), "a ne null");
        assert_eq!(field("a").ge(1.5).to_string(), "a ge 1.5");
        assert_eq!(field("a").le(-3).to_string(), "a le -3");
        assert_eq!(field("a").lt(true).to_string(), "a lt true");
        assert_eq!(field("a").eq(None::<i32>).to_string(), "a eq null");
        let t = DateTime::parse("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(
            field("createTime").gt(&t).to_string(),
            "createTime gt 2024-05-01T10:00:00Z"
        );
        assert_eq!(
            field("powerState")
                .eq(Literal::enum_value("Vmm.Ahv.Config.PowerState", "ON"))
                .to_string(),
            "powerState eq Vmm.Ahv.Config.PowerState'ON'"
        );
        assert_eq!(
            field("extId").is_in(["a", "b'c"]).to_string(),
            "extId in ('a','b''c')"
        );
    }

    #[test]
    fn functions_and_lambdas() {
        assert_eq!(
            field("name").startswith("fileserver_").to_string(),
            "startswith(name, 'fileserver_')"
        );
        assert_eq!(
            field("name").tolower().contains("web").to_string(),
            "contains(tolower(name), 'web')"
        );
        assert_eq!(
            field("name").toupper().endswith("X").to_string(),
            "endswith(toupper(name), 'X')"
        );
        assert_eq!(
            field("categories").any("c", |c| c.eq("x")).to_string(),
            "categories/any(c: c eq 'x')"
        );
        assert_eq!(
            field("disks")
                .any("d", |d| d.path("sizeBytes").gt(0))
                .to_string(),
            "disks/any(d: d/sizeBytes gt 0)"
        );
    }

    #[test]
    fn precedence_parentheses() {
        let a = field("a").eq(1);
        let b = field("b").eq(2);
        let c = field("c").eq(3);
        assert_eq!(
            a.clone().or(b.clone()).and(c.clone()).to_string(),
            "(a eq 1 or b eq 2) and c eq 3"
        );
        assert_eq!(
            a.clone().and(b.clone()).or(c.clone()).to_string(),
            "a eq 1 and b eq 2 or c eq 3"
        );
        assert_eq!(
            a.clone().and("x eq 1 or y eq 2").to_string(),
            "a eq 1 and (x eq 1 or y eq 2)"
        );
        assert_eq!(not(a.clone()).to_string(), "not (a eq 1)");
        assert_eq!(
            (!field("name").startswith("x")).to_string(),
            "not startswith(name, 'x')"
        );
        assert_eq!(
            not(a.or(b)).and(c).to_string(),
            "not (a eq 1 or b eq 2) and c eq 3"
        );
        let raw: String = Filter::from("name eq 'a'").into();
        assert_eq!(raw, "name eq 'a'");
    }

    #[test]
    fn orderby_and_select() {
        assert_eq!(
            OrderBy::new().desc("sizeBytes").to_string(),
            "sizeBytes desc"
        );
        assert_eq!(Select::fields(["name", "extId"]).to_string(), "name,extId");
        let text: String = OrderBy::new().asc("name").asc("extId").into();
        assert_eq!(text, "name asc,extId asc");
    }
}

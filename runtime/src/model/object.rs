use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};

use super::Extras;

/// A generated struct: a schema with declared properties.
pub trait Model: Sized {
    /// The schema's name as in the spec, e.g. `vmm.v4.0.content.Image`; for inline
    /// objects the path that leads to them.
    const SCHEMA: &'static str;

    /// The `$objectType` the server writes for it (`vmm.v4.content.Image`); `None` for
    /// inline objects, which have none.
    const OBJECT_TYPE: Option<&'static str>;

    /// The model revision the official SDKs send as `$reserved.$fv` for a value built in
    /// code (`v4.r0` for a `vmm.v4.0` schema); `None` for inline objects.
    const REVISION: Option<&'static str>;

    /// `$objectType`, `$reserved` and undeclared keys.
    fn extras(&self) -> &Extras;

    /// `$objectType`, `$reserved` and undeclared keys, for editing.
    fn extras_mut(&mut self) -> &mut Extras;

    /// The `$objectType` that encoding this value writes.
    fn object_type(&self) -> Option<&str> {
        self.extras().written_object_type(Self::OBJECT_TYPE)
    }

    /// The ETag kept with this value, if a response carried one.
    fn etag(&self) -> Option<&str> {
        self.extras().etag()
    }

    /// Decodes the value from the entries of a JSON object.
    #[doc(hidden)]
    fn decode_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The serde visitor of every generated struct.
#[doc(hidden)]
pub struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<T> ObjectVisitor<T> {
    /// A visitor for `T`.
    pub fn new() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<T> Default for ObjectVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Model> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::SCHEMA)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::decode_map(map)
    }
}

/// The value of a required field, or an error naming the type and the field.
#[doc(hidden)]
pub fn required<T, E: de::Error>(value: Option<T>, schema: &str, field: &str) -> Result<T, E> {
    value.ok_or_else(|| E::custom(format_args!("missing field `{field}` of {schema}")))
}

/// Decodes a generated string enum, allocating only for values it does not know.
#[doc(hidden)]
pub fn decode_enum<'de, D, E>(deserializer: D) -> Result<E, D::Error>
where
    D: serde::Deserializer<'de>,
    E: for<'a> From<&'a str>,
{
    let value: super::Key<'de> = serde::Deserialize::deserialize(deserializer)?;
    Ok(E::from(value.as_str()))
}

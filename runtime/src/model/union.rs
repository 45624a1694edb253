//! Decoding of `oneOf` unions.
//!
//! A generated union lists its variants in a table ([`Union::VARIANTS`]); the rules that
//! pick one live here, once:
//!
//! 1. An object with `$objectType` goes to the variant with that wire name. A name no
//!    variant has (a type newer than this SDK) keeps the object as raw JSON.
//! 2. Otherwise the candidates are the variants whose JSON shape matches the value's
//!    (object, array, string, integer, number, boolean).
//!    - One candidate: it decodes the value.
//!    - Several object candidates: the one the object fits strictly (decodes, with no
//!      undeclared key) wins; if none or several fit strictly, the one it fits loosely
//!      (decodes, and has at least one key the variant declares), if it is alone. A variant
//!      that accepts the object only because it requires nothing and shares no key with it
//!      does not count.
//!    - Several array or scalar candidates: the first that decodes, in spec order.
//! 3. A value nothing fits is kept as raw JSON in the union's `Unrecognized` variant and
//!    encoded back unchanged. Well-formed payloads therefore never fail to decode here.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::text::Text;
use super::{Key, Model};

/// JSON shape a variant accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// An integer (a JSON number without fraction).
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any value (a nested union or an unconstrained schema).
    Any,
}

impl Shape {
    fn accepts(self, value: &Buffered) -> bool {
        let value = match value {
            Buffered::Object(_) => return matches!(self, Shape::Object | Shape::Any),
            Buffered::Value(value) => value,
        };
        match (self, value) {
            (Shape::Any, _) => true,
            (Shape::Object, Value::Object(_)) => true,
            (Shape::Array, Value::Array(_)) => true,
            (Shape::String, Value::String(_)) => true,
            (Shape::Boolean, Value::Bool(_)) => true,
            (Shape::Number, Value::Number(_)) => true,
            (Shape::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            _ => false,
        }
    }
}

/// The value a union picks a variant for, held until one takes it.
///
/// An object's entries are kept as raw JSON text, so that only the variant that takes it
/// decodes them (nested objects are never built as [`Value`] trees); anything else is a
/// [`Value`] (scalars, and arrays of unions with several array variants).
#[derive(Debug)]
pub enum Buffered {
    /// An object: its keys, each with its value's JSON text.
    Object(RawObject),
    /// Any other value.
    Value(Value),
}

impl Buffered {
    fn is_object(&self) -> bool {
        matches!(
            self,
            Buffered::Object(_) | Buffered::Value(Value::Object(_))
        )
    }

    /// The `$objectType` of an object, if it has a string one.
    fn object_type(&self) -> Option<String> {
        match self {
            Buffered::Object(object) => {
                let raw = object.get("$objectType")?;
                serde_json::from_str::<String>(raw.get()).ok()
            }
            Buffered::Value(Value::Object(object)) => {
                object.get("$objectType")?.as_str().map(str::to_owned)
            }
            Buffered::Value(_) => None,
        }
    }

    /// The number of keys besides `$objectType` and `$reserved` (0 for a non-object).
    fn declared_keys(&self) -> usize {
        let counted = |key: &str| !matches!(key, "$objectType" | "$reserved");
        match self {
            Buffered::Object(object) => object.0.iter().filter(|(k, _)| counted(k)).count(),
            Buffered::Value(Value::Object(object)) => object.keys().filter(|k| counted(k)).count(),
            Buffered::Value(_) => 0,
        }
    }

    /// Decodes `T` from the value.
    fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self {
            Buffered::Object(object) => T::deserialize(RawObjectDeserializer(object)),
            Buffered::Value(value) => T::deserialize(value),
        }
    }

    /// The value as JSON, for a union's `Unrecognized` variant.
    fn into_value(self) -> Result<Value, serde_json::Error> {
        match self {
            Buffered::Value(value) => Ok(value),
            Buffered::Object(object) => {
                let mut map = Map::new();
                for (key, raw) in object.0 {
                    map.insert(key, serde_json::from_str(raw.get())?);
                }
                Ok(Value::Object(map))
            }
        }
    }
}

/// An object's entries, each value as raw JSON text.
#[derive(Debug)]
pub struct RawObject(Vec<(String, Box<RawValue>)>);

impl RawObject {
    fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }
}

/// A [`RawObject`] as a serde deserializer (a map), its values parsed as they are asked for.
struct RawObjectDeserializer<'a>(&'a RawObject);

impl<'de> Deserializer<'de> for RawObjectDeserializer<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(RawObjectAccess {
            entries: self.0 .0.iter(),
            value: None,
        })
    }

    /// An object is never `null`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// The entries of a [`RawObject`], as a serde map.
struct RawObjectAccess<'a> {
    entries: std::slice::Iter<'a, (String, Box<RawValue>)>,
    value: Option<&'a RawValue>,
}

impl<'a> MapAccess<'a> for RawObjectAccess<'a> {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value asked for before its key"))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// How well a decoded value fits its variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Every key is declared by the variant.
    Strict,
    /// It decodes, and some keys are declared by the variant, others are not.
    Loose,
    /// It decodes only because the variant requires nothing: none of its keys are
    /// declared by the variant.
    Vacuous,
}

/// How a variant decodes: the value (or an error) and how well it fit.
pub type DecodeFn<T> = fn(&Buffered) -> Result<(T, Fit), serde_json::Error>;

/// One alternative of a union.
pub struct Variant<T> {
    /// JSON shape it accepts.
    pub shape: Shape,
    /// `$objectType` it answers to, for generated structs.
    pub object_type: Option<&'static str>,
    /// Decodes a value into the union.
    pub decode: DecodeFn<T>,
}

/// A generated `oneOf` union.
pub trait Union: Sized + 'static {
    /// What the union is, for error messages.
    const SCHEMA: &'static str;

    /// The variants in spec order.
    const VARIANTS: &'static [Variant<Self>];

    /// Keeps a value no variant fits.
    fn unrecognized(value: Value) -> Self;

    /// Decodes the rest of an object whose first key was `$objectType` `name`, when a
    /// struct variant answers to that name: its entries go straight to that struct,
    /// unbuffered. Gives the map back, untouched, otherwise. Generated for unions with struct
    /// variants.
    fn decode_tagged<'de, A: MapAccess<'de>>(
        name: &str,
        map: A,
    ) -> Result<Result<Self, A>, A::Error> {
        let _ = name;
        Ok(Err(map))
    }

    /// Decodes an array without buffering it. Generated for unions with exactly one array
    /// variant (the `data` of list responses), which then need not go through a
    /// [`Value`].
    fn decode_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let value: Value =
            de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        from_buffered(Buffered::Value(value)).map_err(de::Error::custom)
    }
}

/// Decodes `value` by the rules of this module.
pub fn from_value<T: Union>(value: Value) -> Result<T, serde_json::Error> {
    from_buffered(Buffered::Value(value))
}

fn from_buffered<T: Union>(value: Buffered) -> Result<T, serde_json::Error> {
    let Some(name) = value.object_type() else {
        return by_shape(value);
    };
    let tagged = T::VARIANTS
        .iter()
        .find(|v| v.shape == Shape::Object && v.object_type == Some(name.as_str()));
    match tagged {
        Some(variant) => (variant.decode)(&value)
            .map(|(decoded, _)| decoded)
            .map_err(|e| variant_error::<T>(&name, e)),
        None if T::VARIANTS.iter().any(|v| v.object_type.is_some()) => {
            Ok(T::unrecognized(value.into_value()?))
        }
        // No variant is a named struct (maps, free-form objects): decide by shape.
        None => by_shape(value),
    }
}

fn by_shape<T: Union>(value: Buffered) -> Result<T, serde_json::Error> {
    let candidates: Vec<&Variant<T>> = T::VARIANTS
        .iter()
        .filter(|v| v.shape.accepts(&value))
        .collect();
    let decoded = match candidates.as_slice() {
        [] => None,
        [only] => (only.decode)(&value).ok().map(|(decoded, _)| decoded),
        several if value.is_object() => {
            let mut strict = Vec::new();
            let mut loose = Vec::new();
            for variant in several {
                match (variant.decode)(&value) {
                    Ok((decoded, Fit::Strict)) => strict.push(decoded),
                    Ok((decoded, Fit::Loose)) => loose.push(decoded),
                    Ok((_, Fit::Vacuous)) | Err(_) => {}
                }
            }
            match (strict.len(), loose.len()) {
                (1, _) => Some(strict.remove(0)),
                (0, 1) => Some(loose.remove(0)),
                _ => None,
            }
        }
        several => several
            .iter()
            .find_map(|variant| (variant.decode)(&value).ok().map(|(decoded, _)| decoded)),
    };
    match decoded {
        Some(decoded) => Ok(decoded),
        None => Ok(T::unrecognized(value.into_value()?)),
    }
}

fn variant_error<T: Union>(name: &str, error: serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!(
        "{} with $objectType {name}: {error}",
        T::SCHEMA
    ))
}

/// Decodes the rest of an object into struct variant `M`, whose `$objectType` (its own)
/// came first and was read already (see [`Union::decode_tagged`]).
pub fn tagged<'de, M: Model, A: MapAccess<'de>>(map: A) -> Result<M, A::Error> {
    let mut decoded = M::decode_map(map)?;
    decoded.extras_mut().decoded_own_object_type();
    Ok(decoded)
}

/// Decodes a generated struct variant, reporting how well it fit.
pub fn decode_model<M: Model + DeserializeOwned>(
    value: &Buffered,
) -> Result<(M, Fit), serde_json::Error> {
    let keys = value.declared_keys();
    let decoded: M = value.decode()?;
    let unknown = decoded.extras().unknown().len();
    let fit = if unknown == 0 {
        Fit::Strict
    } else if unknown < keys {
        Fit::Loose
    } else {
        Fit::Vacuous
    };
    Ok((decoded, fit))
}

/// Decodes any other variant (scalars, arrays, maps, enums, nested unions).
pub fn decode_plain<V: DeserializeOwned>(value: &Buffered) -> Result<(V, Fit), serde_json::Error> {
    value.decode().map(|decoded| (decoded, Fit::Strict))
}

/// Decodes a generated union (the body of its `Deserialize` impl).
pub fn deserialize<'de, T: Union, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(UnionVisitor(PhantomData))
}

struct UnionVisitor<T>(PhantomData<fn() -> T>);

impl<T: Union> UnionVisitor<T> {
    fn finish<E: de::Error>(value: Value) -> Result<T, E> {
        from_buffered(Buffered::Value(value)).map_err(E::custom)
    }
}

impl<'de, T: Union> Visitor<'de> for UnionVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON value ({})", T::SCHEMA)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Self::finish(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::finish(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::finish(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Self::finish(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::finish(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Self::finish(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Self::finish(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Self::finish(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::decode_seq(seq)
    }

    /// An object whose first key is a known `$objectType` goes straight to its variant;
    /// any other keeps each entry's value as raw JSON text until a variant takes it.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
        if let Some(first) = map.next_key::<Key<'de>>()? {
            let value: Box<RawValue> = if first.as_str() == "$objectType" {
                match map.next_value::<Text<'de>>()? {
                    Text::Str(name) => match T::decode_tagged(&name, map)? {
                        Ok(decoded) => return Ok(decoded),
                        Err(returned) => {
                            map = returned;
                            serde_json::value::to_raw_value(&name).map_err(de::Error::custom)?
                        }
                    },
                    Text::Other(other) => {
                        serde_json::value::to_raw_value(&other).map_err(de::Error::custom)?
                    }
                }
            } else {
                map.next_value()?
            };
            entries.push((first.into_string(), value));
        }
        while let Some(key) = map.next_key::<String>()? {
            let value: Box<RawValue> = map.next_value()?;
            entries.push((key, value));
        }
        from_buffered(Buffered::Object(RawObject(entries))).map_err(de::Error::custom)
    }
}

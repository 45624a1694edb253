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
use serde_json::{Map, Value};

use super::Model;

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
    fn accepts(self, value: &Value) -> bool {
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
pub type DecodeFn<T> = fn(Value) -> Result<(T, Fit), serde_json::Error>;

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

    /// Decodes an array without buffering it. Generated for unions with exactly one array
    /// variant (the `data` of list responses), which then need not go through a
    /// [`Value`].
    fn decode_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let value: Value =
            de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        from_value(value).map_err(de::Error::custom)
    }
}

/// Decodes `value` by the rules of this module.
pub fn from_value<T: Union>(value: Value) -> Result<T, serde_json::Error> {
    let object_type = match &value {
        Value::Object(object) => object.get("$objectType").and_then(Value::as_str),
        _ => None,
    };
    let Some(name) = object_type.map(str::to_owned) else {
        return by_shape(value);
    };
    let tagged = T::VARIANTS
        .iter()
        .find(|v| v.shape == Shape::Object && v.object_type == Some(name.as_str()));
    match tagged {
        Some(variant) => (variant.decode)(value)
            .map(|(decoded, _)| decoded)
            .map_err(|e| variant_error::<T>(&name, e)),
        None if T::VARIANTS.iter().any(|v| v.object_type.is_some()) => Ok(T::unrecognized(value)),
        // No variant is a named struct (maps, free-form objects): decide by shape.
        None => by_shape(value),
    }
}

fn by_shape<T: Union>(value: Value) -> Result<T, serde_json::Error> {
    let candidates: Vec<&Variant<T>> = T::VARIANTS
        .iter()
        .filter(|v| v.shape.accepts(&value))
        .collect();
    match candidates.as_slice() {
        [] => Ok(T::unrecognized(value)),
        [only] => match (only.decode)(value.clone()) {
            Ok((decoded, _)) => Ok(decoded),
            Err(_) => Ok(T::unrecognized(value)),
        },
        several if value.is_object() => {
            let mut strict = Vec::new();
            let mut loose = Vec::new();
            for variant in several {
                match (variant.decode)(value.clone()) {
                    Ok((decoded, Fit::Strict)) => strict.push(decoded),
                    Ok((decoded, Fit::Loose)) => loose.push(decoded),
                    Ok((_, Fit::Vacuous)) | Err(_) => {}
                }
            }
            Ok(match (strict.len(), loose.len()) {
                (1, _) => strict.remove(0),
                (0, 1) => loose.remove(0),
                _ => T::unrecognized(value),
            })
        }
        several => {
            for variant in several {
                if let Ok((decoded, _)) = (variant.decode)(value.clone()) {
                    return Ok(decoded);
                }
            }
            Ok(T::unrecognized(value))
        }
    }
}

fn variant_error<T: Union>(name: &str, error: serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!(
        "{} with $objectType {name}: {error}",
        T::SCHEMA
    ))
}

/// Decodes a generated struct variant, reporting how well it fit.
pub fn decode_model<M: Model + DeserializeOwned>(
    value: Value,
) -> Result<(M, Fit), serde_json::Error> {
    let keys = match &value {
        Value::Object(object) => object
            .keys()
            .filter(|k| !matches!(k.as_str(), "$objectType" | "$reserved"))
            .count(),
        _ => 0,
    };
    let decoded: M = serde_json::from_value(value)?;
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
pub fn decode_plain<V: DeserializeOwned>(value: Value) -> Result<(V, Fit), serde_json::Error> {
    serde_json::from_value(value).map(|decoded| (decoded, Fit::Strict))
}

/// Decodes a generated union (the body of its `Deserialize` impl).
pub fn deserialize<'de, T: Union, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(UnionVisitor(PhantomData))
}

struct UnionVisitor<T>(PhantomData<fn() -> T>);

impl<T: Union> UnionVisitor<T> {
    fn finish<E: de::Error>(value: Value) -> Result<T, E> {
        from_value(value).map_err(E::custom)
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

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let object: Map<String, Value> =
            de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Self::finish(Value::Object(object))
    }
}

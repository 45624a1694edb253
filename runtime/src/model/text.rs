//! Values of the keys every object may carry (`$objectType`, `$reserved`), read without
//! allocating in the usual case: a string borrowed from the input, a `$reserved` that is
//! just the model revision. Anything unexpected is read as a [`Value`], to be kept.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Key;

/// A string (borrowed when the input allows), or any other value.
pub(crate) enum Text<'de> {
    Str(Cow<'de, str>),
    Other(Value),
}

/// A `$reserved` value: exactly `{"$fv": "..."}`, another object, or not an object.
pub(crate) enum ReservedText<'de> {
    RevisionOnly(Cow<'de, str>),
    Object(Map<String, Value>),
    Other(Value),
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

impl<'de> Deserialize<'de> for ReservedText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReservedVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Text<'de>, E> {
        Ok(Text::Other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Text::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'de>, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Text::Other)
    }
}

struct ReservedVisitor;

impl ReservedVisitor {
    fn other<'de, E>(text: Result<Text<'de>, E>) -> Result<ReservedText<'de>, E> {
        text.map(|text| match text {
            Text::Str(s) => ReservedText::Other(Value::String(s.into_owned())),
            Text::Other(value) => ReservedText::Other(value),
        })
    }
}

impl<'de> Visitor<'de> for ReservedVisitor {
    type Value = ReservedText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    /// `{"$fv": "..."}` alone is the usual case; anything else becomes a map.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReservedText<'de>, A::Error> {
        let mut object = Map::new();
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return Ok(ReservedText::Object(object));
        };
        let first_value = if first.as_str() == "$fv" {
            match map.next_value::<Text<'de>>()? {
                Text::Str(revision) => match map.next_key::<String>()? {
                    None => return Ok(ReservedText::RevisionOnly(revision)),
                    Some(second) => {
                        object.insert("$fv".to_owned(), Value::String(revision.into_owned()));
                        let value = map.next_value()?;
                        object.insert(second, value);
                        None
                    }
                },
                Text::Other(value) => Some(value),
            }
        } else {
            Some(map.next_value()?)
        };
        if let Some(value) = first_value {
            object.insert(first.into_string(), value);
        }
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            object.insert(key, value);
        }
        Ok(ReservedText::Object(object))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_borrowed_str(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_str(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_i64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_f64(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_unit())
    }

    fn visit_none<E: de::Error>(self) -> Result<ReservedText<'de>, E> {
        Self::other(TextVisitor.visit_none())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ReservedText<'de>, A::Error> {
        Self::other(TextVisitor.visit_seq(seq))
    }
}

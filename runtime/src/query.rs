//! What `$select` and `$expand` do to the type a call returns.
//!
//! A request builder of an operation that takes `$select` or `$expand` is generic over the
//! entity type its answer decodes into, `Vm` by default. `.select(...)` turns it into a
//! builder of the entity's projection ([`HasProjection`]: every field optional, since the
//! server returns only those selected); `.expand(...)` into a builder of
//! [`Expanded`] entities, which carry the related entities the server adds inline.

use std::ops::{Deref, DerefMut};

use serde::de::{self, DeserializeOwned, MapAccess};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Extras, Model, ObjectVisitor};

/// An entity type with a `$select` projection.
pub trait HasProjection {
    /// The projection: the entity's fields, none required. A projection is its own.
    type Projection;
}

/// An entity type that `$expand` adds related entities to.
pub trait HasExpansion {
    /// The entity together with what the expansion adds ([`Expanded`]).
    type Expanded;
}

/// The related entities `$expand` adds to an entity, one optional field per key.
pub trait Expansion: Serialize + DeserializeOwned {
    /// The keys, as on the wire.
    const KEYS: &'static [&'static str];
}

/// An entity with the related entities an `$expand` added to it. Dereferences to the
/// entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expanded<T, X> {
    /// The entity (or its projection).
    pub entity: T,
    /// The expanded related entities.
    pub expansion: X,
}

impl<T, X> Deref for Expanded<T, X> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.entity
    }
}

impl<T, X> DerefMut for Expanded<T, X> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.entity
    }
}

impl<T: HasProjection, X> HasProjection for Expanded<T, X> {
    type Projection = Expanded<T::Projection, X>;
}

impl<T, X> HasExpansion for Expanded<T, X> {
    type Expanded = Self;
}

impl<T: Model, X: Expansion> Model for Expanded<T, X> {
    const SCHEMA: &'static str = T::SCHEMA;
    const OBJECT_TYPE: Option<&'static str> = T::OBJECT_TYPE;
    const REVISION: Option<&'static str> = T::REVISION;

    fn extras(&self) -> &Extras {
        self.entity.extras()
    }

    fn extras_mut(&mut self) -> &mut Extras {
        self.entity.extras_mut()
    }

    /// The entity decodes as usual, keeping the keys it does not declare; the expansion
    /// takes its keys from those.
    fn decode_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let mut entity = T::decode_map(map)?;
        let unknown = entity.extras_mut().unknown_mut();
        let mut taken = Map::new();
        for key in X::KEYS {
            if let Some(value) = unknown.remove(*key) {
                taken.insert((*key).to_owned(), value);
            }
        }
        let expansion = X::deserialize(Value::Object(taken)).map_err(|e| {
            de::Error::custom(format_args!("expanded entities of {}: {e}", T::SCHEMA))
        })?;
        Ok(Expanded { entity, expansion })
    }
}

impl<T: Serialize, X: Serialize> Serialize for Expanded<T, X> {
    /// The entity's object with the expansion's keys added.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let mut value = serde_json::to_value(&self.entity).map_err(S::Error::custom)?;
        let expansion = serde_json::to_value(&self.expansion).map_err(S::Error::custom)?;
        if let (Value::Object(entity), Value::Object(added)) = (&mut value, expansion) {
            entity.extend(added);
        }
        value.serialize(serializer)
    }
}

impl<'de, T: Model, X: Expansion> Deserialize<'de> for Expanded<T, X> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor::<Self>::new())
    }
}

use serde::de::MapAccess;
use serde::ser::SerializeMap;
use serde_json::{Map, Value};

use super::text::{ReservedText, Text};
use super::Key;

/// What a struct keeps beyond its declared fields: `$objectType`, `$reserved` and every
/// key the schema does not declare (`$unknownFields`, `$dataItemDiscriminator`, fields a
/// newer server added).
///
/// Decoding fills it; encoding writes it back unchanged, so decode-then-encode gives the
/// same JSON value. A value built in code writes what the official SDKs write for every
/// object they encode: `$reserved` with the model's revision (`{"$fv": "v4.r0"}`), its own
/// `$objectType` (as the servers expect for polymorphic fields) and `$unknownFields: {}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Extras {
    object_type: ObjectTypeMark,
    reserved: Reserved,
    unknown: Map<String, Value>,
    /// Declared optional fields that arrived as `null` (the schemas do not allow it, some
    /// servers send it anyway); written back as `null` while the field stays empty.
    nulls: Vec<String>,
    /// Built in code rather than decoded from a payload.
    built: bool,
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            object_type: ObjectTypeMark::Own,
            reserved: Reserved::Absent,
            unknown: Map::new(),
            nulls: Vec::new(),
            built: true,
        }
    }
}

/// Which `$objectType` to write.
#[derive(Clone, Debug, Default, PartialEq)]
enum ObjectTypeMark {
    /// The type's own wire name (values built in code, or decoded with that name).
    #[default]
    Own,
    /// None: the decoded payload had no `$objectType`.
    Absent,
    /// Another name, as decoded.
    Other(String),
}

/// What `$reserved` holds. Most payloads carry exactly the model revision the official
/// SDKs write (`{"$fv": "v4.r0"}`), kept as a mark rather than a map.
#[derive(Clone, Debug)]
enum Reserved {
    /// No `$reserved`.
    Absent,
    /// Exactly `{"$fv": revision}`, the revision of the type it was decoded as.
    Revision(&'static str),
    /// Anything else (an ETag, other keys), as decoded or edited.
    Map(Map<String, Value>),
}

impl Reserved {
    fn to_map(&self) -> Option<Map<String, Value>> {
        match self {
            Reserved::Absent => None,
            Reserved::Revision(revision) => Some(revision_map(revision)),
            Reserved::Map(map) => Some(map.clone()),
        }
    }
}

/// Equal when they hold the same `$reserved` object, however it is kept.
impl PartialEq for Reserved {
    fn eq(&self, other: &Reserved) -> bool {
        match (self, other) {
            (Reserved::Absent, Reserved::Absent) => true,
            (Reserved::Revision(a), Reserved::Revision(b)) => a == b,
            (Reserved::Map(a), Reserved::Map(b)) => a == b,
            (a, b) => a.to_map() == b.to_map(),
        }
    }
}

/// `{"$fv": revision}`.
fn revision_map(revision: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(REVISION_KEY.to_owned(), Value::String(revision.to_owned()));
    map
}

/// Key under `$reserved` of the model revision.
const REVISION_KEY: &str = "$fv";

/// `{"$fv": revision}` written without building a map.
struct RevisionOnly<'a>(&'a str);

impl serde::Serialize for RevisionOnly<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(REVISION_KEY, self.0)?;
        map.end()
    }
}

/// Key under `$reserved` where the official SDKs keep an entity's ETag.
const ETAG_KEY: &str = "ETag";

impl Extras {
    /// Empty extras for a value built in code: it will write its own `$objectType`.
    pub fn new() -> Self {
        Extras::default()
    }

    /// Empty extras for a value being decoded: `$objectType` is written only if the
    /// payload had one (unless the JSON was written in code, see
    /// [`from_built_json`](super::from_built_json)).
    #[doc(hidden)]
    pub fn decoding() -> Self {
        let built = super::built::building();
        let object_type = if built {
            ObjectTypeMark::Own
        } else {
            ObjectTypeMark::Absent
        };
        Extras {
            object_type,
            built,
            ..Extras::default()
        }
    }

    /// The `$objectType` that encoding writes, given the type's own wire name.
    pub fn written_object_type<'a>(&'a self, own: Option<&'a str>) -> Option<&'a str> {
        match &self.object_type {
            ObjectTypeMark::Own => own,
            ObjectTypeMark::Absent => None,
            ObjectTypeMark::Other(name) => Some(name),
        }
    }

    /// Writes `name` as `$objectType` instead of the type's own wire name.
    pub fn set_object_type(&mut self, name: impl Into<String>) {
        self.object_type = ObjectTypeMark::Other(name.into());
    }

    /// Records that the payload's `$objectType` was the type's own (read before the type
    /// decoded the rest, see `union::tagged`).
    #[doc(hidden)]
    pub fn decoded_own_object_type(&mut self) {
        self.object_type = ObjectTypeMark::Own;
    }

    /// Writes no `$objectType` at all.
    pub fn omit_object_type(&mut self) {
        self.object_type = ObjectTypeMark::Absent;
    }

    /// The `$reserved` object, if there is one.
    pub fn reserved(&self) -> Option<Map<String, Value>> {
        self.reserved.to_map()
    }

    /// The `$reserved` object, created empty if there is none.
    pub fn reserved_mut(&mut self) -> &mut Map<String, Value> {
        if !matches!(self.reserved, Reserved::Map(_)) {
            self.reserved = Reserved::Map(self.reserved.to_map().unwrap_or_default());
        }
        match &mut self.reserved {
            Reserved::Map(map) => map,
            Reserved::Absent | Reserved::Revision(_) => unreachable!("made a map above"),
        }
    }

    /// The entity's ETag, kept under `$reserved` as the official SDKs do.
    pub fn etag(&self) -> Option<&str> {
        match &self.reserved {
            Reserved::Map(map) => map.get(ETAG_KEY)?.as_str(),
            Reserved::Absent | Reserved::Revision(_) => None,
        }
    }

    /// Records the ETag a response carried, so an update can send `If-Match`.
    pub fn set_etag(&mut self, etag: impl Into<String>) {
        self.reserved_mut()
            .insert(ETAG_KEY.to_owned(), Value::String(etag.into()));
    }

    /// Keys the schema does not declare, with their values.
    pub fn unknown(&self) -> &Map<String, Value> {
        &self.unknown
    }

    /// Keys the schema does not declare, for editing.
    pub fn unknown_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.unknown
    }

    /// Whether the declared optional field `key` arrived as `null`.
    pub fn was_null(&self, key: &str) -> bool {
        self.nulls.iter().any(|k| k == key)
    }

    /// Decodes the value of a declared optional field, remembering an explicit `null`.
    #[doc(hidden)]
    pub fn decode_optional<'de, T, A>(
        &mut self,
        map: &mut A,
        key: &str,
    ) -> Result<Option<T>, A::Error>
    where
        T: serde::Deserialize<'de>,
        A: MapAccess<'de>,
    {
        let value: Option<T> = map.next_value()?;
        if value.is_none() && !self.was_null(key) {
            self.nulls.push(key.to_owned());
        }
        Ok(value)
    }

    /// Writes a declared optional field: its value, or `null` if it arrived as `null` and
    /// is still empty, or nothing.
    #[doc(hidden)]
    pub fn serialize_optional<M: SerializeMap, T: serde::Serialize>(
        &self,
        map: &mut M,
        key: &str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(key, value),
            None if self.was_null(key) => map.serialize_entry(key, &()),
            None => Ok(()),
        }
    }

    /// Decodes the value of an undeclared key, for a type whose `$objectType` is `own` and
    /// whose model revision is `revision`.
    #[doc(hidden)]
    pub fn decode_entry<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
        own: Option<&str>,
        revision: Option<&'static str>,
    ) -> Result<(), A::Error> {
        match key.as_str() {
            "$objectType" => match map.next_value::<Text<'de>>()? {
                Text::Str(name) => {
                    self.object_type = if Some(&*name) == own {
                        ObjectTypeMark::Own
                    } else {
                        ObjectTypeMark::Other(name.into_owned())
                    };
                }
                // Not a string: kept as an unknown key so it is written back as is.
                Text::Other(other) => {
                    self.unknown.insert(key.into_string(), other);
                }
            },
            "$reserved" => match map.next_value::<ReservedText<'de>>()? {
                ReservedText::RevisionOnly(found) if Some(&*found) == revision => {
                    self.reserved = Reserved::Revision(revision.unwrap_or_default());
                }
                ReservedText::RevisionOnly(found) => {
                    self.reserved = Reserved::Map(revision_map(&found));
                }
                ReservedText::Object(object) => self.reserved = Reserved::Map(object),
                ReservedText::Other(other) => {
                    self.unknown.insert(key.into_string(), other);
                }
            },
            _ => {
                let value = map.next_value()?;
                self.unknown.insert(key.into_string(), value);
            }
        }
        Ok(())
    }

    /// Writes the undeclared keys, `$reserved`, `$objectType` and, for a value built in
    /// code, what the official SDKs add (see the type's docs), for the model `T`.
    #[doc(hidden)]
    pub fn serialize_entries<T: super::Model, M: SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        self.write_entries(map, T::OBJECT_TYPE, T::REVISION)
    }

    fn write_entries<M: SerializeMap>(
        &self,
        map: &mut M,
        own: Option<&str>,
        revision: Option<&str>,
    ) -> Result<(), M::Error> {
        for (key, value) in &self.unknown {
            map.serialize_entry(key, value)?;
        }
        match (&self.reserved, revision) {
            (Reserved::Map(reserved), _) => map.serialize_entry("$reserved", reserved)?,
            (Reserved::Revision(decoded), _) => {
                map.serialize_entry("$reserved", &RevisionOnly(decoded))?;
            }
            (Reserved::Absent, Some(revision)) if self.built => {
                map.serialize_entry("$reserved", &RevisionOnly(revision))?;
            }
            (Reserved::Absent, _) => {}
        }
        if let Some(name) = self.written_object_type(own) {
            map.serialize_entry("$objectType", name)?;
        }
        if self.built && own.is_some() && !self.unknown.contains_key(UNKNOWN_FIELDS_KEY) {
            map.serialize_entry(UNKNOWN_FIELDS_KEY, &Map::new())?;
        }
        Ok(())
    }
}

/// Where the official SDKs put the fields their models do not declare.
const UNKNOWN_FIELDS_KEY: &str = "$unknownFields";

/// Encodes the entries as a map, so a hand-written type can keep its extras with
/// `#[serde(flatten)]`.
impl serde::Serialize for Extras {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        self.write_entries(&mut map, None, None)?;
        map.end()
    }
}

/// Decodes every entry of a map as an extra; with `#[serde(flatten)]` that is every key
/// the hand-written type does not declare. A `$objectType` read here is written back as
/// is.
impl<'de> serde::Deserialize<'de> for Extras {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExtrasVisitor;

        impl<'de> serde::de::Visitor<'de> for ExtrasVisitor {
            type Value = Extras;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extras, A::Error> {
                let mut extras = Extras::decoding();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    extras.decode_entry(key, &mut map, None, None)?;
                }
                Ok(extras)
            }
        }

        deserializer.deserialize_map(ExtrasVisitor)
    }
}

#[cfg(test)]
mod serde_tests {
    use super::Extras;
    use serde_json::json;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Holder {
        name: String,
        #[serde(flatten)]
        extras: Extras,
    }

    #[test]
    fn flattened_extras_round_trip() {
        let value = json!({
            "name": "a",
            "$objectType": "x.v4.y.Z",
            "$reserved": {"$fv": "v4.r0", "ETag": "abc"},
            "later": [1, 2]
        });
        let holder: Holder = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(holder.extras.etag(), Some("abc"));
        assert_eq!(holder.extras.unknown().len(), 1);
        assert_eq!(serde_json::to_value(&holder).unwrap(), value);
    }

    #[test]
    fn absent_object_type_stays_absent() {
        let value = json!({"name": "a"});
        let holder: Holder = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&holder).unwrap(), value);
    }
}

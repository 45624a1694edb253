//! Schemas to named types and type references.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::view::{Shape, View};
use super::{nested, Resolver};
use crate::error::{Error, ErrorKind, Result};
use crate::ir::{
    Docs, Enum, EnumValue, Field, Scalar, Struct, TypeDef, TypeKey, TypeKind, TypeRef, Union,
};
use crate::pointer_join;

/// Properties the runtime keeps for every object whatever the schema says: they are
/// never struct fields, so they are written exactly once.
pub(crate) const RUNTIME_KEYS: [&str; 3] = ["$objectType", "$reserved", "$unknownFields"];

/// Misspelt `type`s that mean one thing only, accepted with a warning (listed in the
/// summary and the crate docs) even without a declared fix, so that a release is not
/// blocked by them: `int` and `long` are `integer`, `bool` is `boolean`. Any other unknown
/// type is an error until the manifest declares a fix for it.
pub(crate) const TYPE_ALIASES: [(&str, &str); 3] =
    [("int", "integer"), ("long", "integer"), ("bool", "boolean")];

/// A property gathered while flattening an object and its `allOf` bases.
struct Property<'s> {
    name: &'s str,
    schema: &'s ReferenceOr<Box<Schema>>,
    pointer: String,
    /// The type that declares it: nested names are derived from this, so that a base's
    /// inline types are defined once, not once per derived type.
    declared_in: TypeKey,
}

/// Everything an object and its bases declare.
#[derive(Default)]
struct Flattened<'s> {
    properties: Vec<Property<'s>>,
    required: BTreeSet<String>,
    required_by: BTreeMap<String, Vec<String>>,
    /// Docs of the first inline `allOf` part that has any, for objects with none of their own.
    part_docs: Option<Docs>,
}

impl<'a> Resolver<'a> {
    /// Defines component `name`.
    pub(super) fn component(&mut self, name: &str, schema: &ReferenceOr<Schema>) -> Result<()> {
        let pointer = Self::component_pointer(name);
        let key = self.component_key(name);
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.reference(reference, &pointer)?;
                self.insert(key, &pointer, Docs::default(), TypeKind::Alias(target));
                Ok(())
            }
            ReferenceOr::Item(schema) => self.define(key, schema, &pointer, true),
        }
    }

    /// The type a `$ref` names.
    pub(super) fn reference(&self, reference: &str, at: &str) -> Result<TypeRef> {
        let name = self.component_name(reference, at)?;
        Ok(TypeRef::Named(self.component_key(&name)))
    }

    /// The type of a schema that may be a `$ref`; inline schemas needing a name get `hint`.
    pub(super) fn type_of<S: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: TypeKey,
        pointer: &str,
    ) -> Result<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.inline(schema.borrow(), hint, pointer),
        }
    }

    /// The type of an inline schema.
    fn inline(&mut self, schema: &Schema, hint: TypeKey, pointer: &str) -> Result<TypeRef> {
        let view = View::of(schema);
        if view.has_not {
            // Wherever it appears: read as its other keywords alone, a `not` would be skipped.
            return Err(unsupported(pointer, "`not` schemas are not supported"));
        }
        match view.shape() {
            Shape::Plain => self.plain(&hint, &view, pointer),
            Shape::Object if is_bare_all_of(&view) => {
                // `allOf: [$ref]` with only docs around it: the referenced type itself.
                let ReferenceOr::Reference { reference } = &view.all_of[0] else {
                    unreachable!("is_bare_all_of checked the single $ref");
                };
                self.reference(reference, &pointer_join(pointer, &["allOf", "0"]))
            }
            _ => {
                self.define(hint.clone(), schema, pointer, false)?;
                Ok(TypeRef::Named(hint))
            }
        }
    }

    /// Defines `schema` as the named type `key`.
    fn define(
        &mut self,
        key: TypeKey,
        schema: &Schema,
        pointer: &str,
        is_component: bool,
    ) -> Result<()> {
        if self.types.contains_key(&key) {
            return Ok(());
        }
        let view = View::of(schema);
        if view.has_not {
            return Err(unsupported(pointer, "`not` schemas are not supported"));
        }
        let mut docs = docs_of(&view);
        let kind = match view.shape() {
            Shape::Enum => TypeKind::Enum(enumeration(&view)),
            Shape::Union => TypeKind::Union(self.union(&key, &view, pointer)?),
            Shape::Plain => TypeKind::Alias(self.plain(&key, &view, pointer)?),
            Shape::Object => {
                let mut flat = Flattened::default();
                self.flatten(schema, pointer, &key, &mut Vec::new(), &mut flat)?;
                if docs.title.is_none() && docs.description.is_none() {
                    if let Some(part_docs) = flat.part_docs.take() {
                        docs.title = part_docs.title;
                        docs.description = part_docs.description;
                    }
                }
                let wire_name = is_component.then(|| key.schema.wire_name());
                let mut object = self.fields(wire_name, flat)?;
                object.revision = is_component.then(|| key.schema.revision());
                TypeKind::Struct(object)
            }
        };
        self.insert(key, pointer, docs, kind);
        Ok(())
    }

    pub(super) fn insert(&mut self, key: TypeKey, pointer: &str, docs: Docs, kind: TypeKind) {
        let origin = self.origin(pointer);
        self.types.insert(
            key.clone(),
            TypeDef {
                key,
                origin,
                docs,
                kind,
            },
        );
    }

    /// A schema without a name of its own: scalar, array, map or anything.
    fn plain(&mut self, key: &TypeKey, view: &View<'_>, pointer: &str) -> Result<TypeRef> {
        let typ = match view.typ {
            Some(typ) => Some(self.known_type(typ, pointer)?),
            None => None,
        };
        let array_items = |this: &mut Self| -> Result<TypeRef> {
            match view.items {
                Some(items) => Ok(TypeRef::Array(Box::new(this.type_of(
                    items,
                    nested(key, "item"),
                    &pointer_join(pointer, &["items"]),
                )?))),
                None => Ok(TypeRef::Array(Box::new(TypeRef::Any))),
            }
        };
        Ok(match typ {
            Some("string") => TypeRef::Scalar(match view.format {
                Some("date-time") => Scalar::DateTime,
                Some("date") => Scalar::Date,
                Some("uuid") => Scalar::Uuid,
                Some("byte") => Scalar::Base64,
                Some("binary") => Scalar::Binary,
                _ => Scalar::String,
            }),
            Some("integer") => TypeRef::Scalar(match view.format {
                Some("int32") => Scalar::Int32,
                _ => Scalar::Int64,
            }),
            Some("number") => TypeRef::Scalar(match view.format {
                Some("float") => Scalar::Float32,
                _ => Scalar::Float64,
            }),
            Some("boolean") => TypeRef::Scalar(Scalar::Boolean),
            Some("array") => array_items(self)?,
            Some("object") => self.map_or_object(key, view, pointer)?,
            None if view.items.is_some() => array_items(self)?,
            None if view.additional_properties.is_some() => {
                self.map_or_object(key, view, pointer)?
            }
            None => TypeRef::Any,
            Some(other) => unreachable!("known_type returned `{other}`"),
        })
    }

    /// `typ` if OpenAPI defines it, its meaning if it is one of [`TYPE_ALIASES`] (recorded
    /// as an accepted correction), else an error asking for a declared fix.
    fn known_type(&mut self, typ: &str, pointer: &str) -> Result<&'static str> {
        const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "array", "object"];
        if let Some(known) = TYPES.iter().find(|t| **t == typ) {
            return Ok(*known);
        }
        let Some((_, meant)) = TYPE_ALIASES.iter().find(|(alias, _)| *alias == typ) else {
            return Err(unsupported(
                pointer,
                &format!(
                    "unknown type `{typ}`; if the published file is wrong here, declare a \
                     `[[spec.fix]]` for `{pointer}/type` in specs/manifest.toml"
                ),
            ));
        };
        self.accepted.push(crate::ir::Correction {
            pointer: crate::pointer_join(pointer, &["type"]),
            was: Some(Value::from(typ)),
            now: Some(Value::from(*meant)),
            reason: format!("`{typ}` is not an OpenAPI type; it can only mean `{meant}`"),
            declared: false,
        });
        Ok(meant)
    }

    fn map_or_object(&mut self, key: &TypeKey, view: &View<'_>, pointer: &str) -> Result<TypeRef> {
        Ok(match view.additional_properties {
            Some(AdditionalProperties::Schema(values)) => TypeRef::Map(Box::new(self.type_of(
                values.as_ref(),
                nested(key, "value"),
                &pointer_join(pointer, &["additionalProperties"]),
            )?)),
            _ => TypeRef::AnyObject,
        })
    }

    /// Gathers the properties of `schema` and of every `allOf` part, bases first.
    fn flatten<'s>(
        &self,
        schema: &'s Schema,
        pointer: &str,
        declared_in: &TypeKey,
        visiting: &mut Vec<String>,
        out: &mut Flattened<'s>,
    ) -> Result<()>
    where
        'a: 's,
    {
        let view = View::of(schema);
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            return Err(unsupported(
                pointer,
                "`oneOf`/`anyOf` inside an object with properties or `allOf` is not supported",
            ));
        }
        if view.has_not {
            return Err(unsupported(pointer, "`not` schemas are not supported"));
        }
        if let Some(AdditionalProperties::Schema(_)) = view.additional_properties {
            return Err(unsupported(
                pointer,
                "an object with both properties and a typed `additionalProperties` is not supported",
            ));
        }
        for (i, part) in view.all_of.iter().enumerate() {
            let part_pointer = pointer_join(pointer, &["allOf", &i.to_string()]);
            match part {
                ReferenceOr::Reference { reference } => {
                    let name = self.component_name(reference, &part_pointer)?;
                    if visiting.contains(&name) {
                        return Err(unsupported(
                            &part_pointer,
                            &format!("`allOf` cycle through {name}"),
                        ));
                    }
                    let base_pointer = Self::component_pointer(&name);
                    let base = match &self.schemas[&name] {
                        ReferenceOr::Item(base) => base,
                        ReferenceOr::Reference { .. } => {
                            return Err(unsupported(
                                &base_pointer,
                                "an `allOf` member that is itself only a $ref is not supported",
                            ));
                        }
                    };
                    let base_view = View::of(base);
                    let object_like = base_view.typ.is_none_or(|t| t == "object");
                    if matches!(base_view.shape(), Shape::Enum | Shape::Union) || !object_like {
                        return Err(unsupported(
                            &part_pointer,
                            &format!("`allOf` member {name} is not an object"),
                        ));
                    }
                    visiting.push(name.clone());
                    let base_key = self.component_key(&name);
                    self.flatten(base, &base_pointer, &base_key, visiting, out)?;
                    visiting.pop();
                }
                ReferenceOr::Item(part) => {
                    let part_view = View::of(part);
                    if out.part_docs.is_none()
                        && (part_view.data.title.is_some() || part_view.data.description.is_some())
                    {
                        out.part_docs = Some(docs_of(&part_view));
                    }
                    self.flatten(part, &part_pointer, declared_in, visiting, out)?;
                }
            }
        }
        if let Some(properties) = view.properties {
            for (name, property) in properties {
                let property = Property {
                    name,
                    schema: property,
                    pointer: pointer_join(pointer, &["properties", name]),
                    declared_in: declared_in.clone(),
                };
                // A later declaration of the same name replaces the earlier one in place.
                match out.properties.iter_mut().find(|p| p.name == name.as_str()) {
                    Some(existing) => *existing = property,
                    None => out.properties.push(property),
                }
            }
        }
        out.required.extend(view.required.iter().cloned());
        if let Some(Value::Object(by_operation)) =
            view.data.extensions.get("x-required-by-operation")
        {
            for (operation, names) in by_operation {
                for name in names
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    out.required_by
                        .entry(name.to_owned())
                        .or_default()
                        .push(operation.clone());
                }
            }
        }
        Ok(())
    }

    /// Turns gathered properties into fields.
    fn fields(&mut self, wire_name: Option<String>, flat: Flattened<'_>) -> Result<Struct> {
        let mut fields = Vec::new();
        for property in flat.properties {
            if RUNTIME_KEYS.contains(&property.name) {
                continue;
            }
            let hint = nested(&property.declared_in, property.name);
            let ty = self.type_of(property.schema, hint, &property.pointer)?;
            let mut field = Field {
                name: property.name.to_owned(),
                required: flat.required.contains(property.name),
                ty,
                nullable: false,
                read_only: false,
                write_only: false,
                secret: false,
                default: None,
                required_by: flat
                    .required_by
                    .get(property.name)
                    .cloned()
                    .unwrap_or_default(),
                docs: Docs::default(),
            };
            if let ReferenceOr::Item(schema) = property.schema {
                let view = View::of(schema);
                let data = view.data;
                field.nullable = data.nullable;
                field.read_only = data.read_only;
                field.write_only = data.write_only;
                field.default = data.default.clone();
                field.secret = view.format == Some("password")
                    || (field.ty == TypeRef::Scalar(Scalar::String)
                        && is_secret_name(property.name));
                field.docs = docs_of(&view);
            }
            fields.push(field);
        }
        Ok(Struct {
            wire_name,
            revision: None,
            fields,
            query: crate::ir::QueryRole::Plain,
        })
    }

    fn union(&mut self, key: &TypeKey, view: &View<'_>, pointer: &str) -> Result<Union> {
        let (members, keyword) = match (view.one_of.is_empty(), view.any_of.is_empty()) {
            (false, true) => (view.one_of, "oneOf"),
            (true, false) => (view.any_of, "anyOf"),
            _ => {
                return Err(unsupported(
                    pointer,
                    "`oneOf` together with `anyOf` is not supported",
                ))
            }
        };
        if !view.all_of.is_empty() {
            return Err(unsupported(
                pointer,
                "`oneOf` together with `allOf` is not supported",
            ));
        }
        let declared: Vec<&String> = view
            .properties
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        if let Some(other) = declared.iter().find(|name| name.as_str() != "$objectType") {
            return Err(unsupported(
                pointer,
                &format!(
                    "`{keyword}` with a declared property `{other}` besides `$objectType` is not supported"
                ),
            ));
        }
        let mut tagged = !declared.is_empty();
        if let Some(discriminator) = &view.data.discriminator {
            if discriminator.property_name != "$objectType" {
                return Err(unsupported(
                    pointer,
                    &format!(
                        "discriminator on `{}`: only `$objectType` discriminates unions in this family",
                        discriminator.property_name
                    ),
                ));
            }
            tagged = true;
        }
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_pointer = pointer_join(pointer, &[keyword, &i.to_string()]);
            let ty = self.type_of(
                member,
                nested(key, &format!("variant{}", i + 1)),
                &member_pointer,
            )?;
            if variants.contains(&ty) {
                // The same alternative twice cannot be told apart; one variant holds both.
                continue;
            }
            variants.push(ty);
        }
        Ok(Union {
            variants,
            tagged_by_object_type: tagged,
        })
    }
}

/// Whether a string property's name says it holds a secret, as some do without
/// `format: password` (`UrlBasicAuth.password`, `SnmpUser.privKey`, `secretAccessKey`):
/// its last word is `password`, `passphrase`, `secret` or `token`, any word is `secret`, or
/// it ends in `api`/`auth`/`priv`/`private` + `key`. `writeOnly` alone does not make a
/// secret (`targetPrefix` is write-only and not one).
pub(crate) fn is_secret_name(property: &str) -> bool {
    let snake = heck::ToSnakeCase::to_snake_case(property);
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let last_two = match words.as_slice() {
        [.., before, last] => (Some(*before), words.last().copied().unwrap_or(last)),
        [last] => (None, *last),
        [] => return false,
    };
    matches!(last_two.1, "password" | "passphrase" | "secret" | "token")
        || words.contains(&"secret")
        || (last_two.1 == "key" && matches!(last_two.0, Some("api" | "auth" | "priv" | "private")))
}

/// `allOf` with a single `$ref` and no other structure.
fn is_bare_all_of(view: &View<'_>) -> bool {
    view.all_of.len() == 1
        && matches!(view.all_of[0], ReferenceOr::Reference { .. })
        && view.properties.is_none_or(|p| p.is_empty())
        && view.required.is_empty()
}

/// The string values of an enum, each once (a value listed twice would make a variant no
/// payload can decode to), in spec order; `null` is not a value but `nullable`'s business.
fn enumeration(view: &View<'_>) -> Enum {
    let descriptions = view.data.extensions.get("x-enumDescriptions");
    let mut seen = BTreeSet::new();
    Enum {
        values: view
            .enumeration
            .iter()
            .filter_map(Value::as_str)
            .filter(|value| seen.insert(*value))
            .map(|value| EnumValue {
                value: value.to_owned(),
                description: descriptions
                    .and_then(|d| d.get(value))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
            .collect(),
    }
}

/// Docs of a schema: title, description and its constraints.
pub(super) fn docs_of(view: &View<'_>) -> Docs {
    let mut constraints = view.constraints.clone();
    if view.shape() == Shape::Plain && !view.enumeration.is_empty() {
        constraints.push(crate::ir::Constraint::OneOfValues(view.enumeration.clone()));
    }
    Docs {
        title: view.data.title.clone(),
        description: view.data.description.clone(),
        constraints,
        deprecated: view.data.deprecated,
    }
}

pub(super) fn unsupported(pointer: &str, message: &str) -> Error {
    Error::new(ErrorKind::Unsupported, message).at(pointer)
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names() {
        for secret in [
            "password",
            "clientSecret",
            "targetSecret",
            "secretAccessKey",
            "authKey",
            "privKey",
            "apiKey",
            "accessToken",
            "adminPassword",
        ] {
            assert!(is_secret_name(secret), "{secret}");
        }
        for plain in [
            "key",
            "publicKey",
            "accessKeyName",
            "targetPrefix",
            "isPasswordProtected",
            "keyValuePairs",
            "tokenCount",
        ] {
            assert!(!is_secret_name(plain), "{plain}");
        }
    }
}

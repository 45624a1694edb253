//! `oneOf` and `anyOf` on `specs/fixtures/unions.yaml`: unions tagged by `$objectType`,
//! response-shaped unions (array of X or an error), unions mixing scalars, arrays and objects.

use crate::common::{contains_code, def, file, generate, item, item_docs, resolve, CONFIG};
use ntnx_generator::ir::{Api, Scalar, TypeKey, TypeKind, TypeRef, Union};

fn union<'a>(api: &'a Api, name: &str, inline: &[&str]) -> &'a Union {
    match &def(api, name, inline).kind {
        TypeKind::Union(u) => u,
        other => panic!("{name} {inline:?} is not a union: {other:?}"),
    }
}

fn named(api: &Api, name: &str) -> TypeRef {
    TypeRef::Named(def(api, name, &[]).key.clone())
}

fn key(api: &Api, name: &str) -> TypeKey {
    def(api, name, &[]).key.clone()
}

#[test]
fn object_type_unions_are_tagged_with_boxed_struct_variants() {
    let api = resolve("unions.yaml");
    let pet = union(&api, "Pet", &[]);
    assert!(pet.tagged_by_object_type);
    assert_eq!(pet.variants, [named(&api, "Cat"), named(&api, "Dog")]);
    // Inline, with `required: [$objectType]`; a variant listed twice is one variant.
    let owner_pet = union(&api, "Owner", &["pet"]);
    assert!(owner_pet.tagged_by_object_type);
    assert_eq!(owner_pet.variants, [named(&api, "Cat"), named(&api, "Dog")]);

    let generated = generate("unions.yaml");
    let config = file(&generated, CONFIG);
    let pet = item(config, "pub enum Pet {");
    assert!(pet.contains("    Cat(Box<Cat>),"), "{pet}");
    assert!(pet.contains("    Dog(Box<Dog>),"), "{pet}");
    assert!(
        pet.contains("    Unrecognized(serde_json::Value),"),
        "{pet}"
    );
    assert!(item_docs(config, "pub enum Pet {")
        .contains("The variant is chosen by `$objectType`, or by shape when a payload has none."));
    let table = item(config, "impl ntnx_runtime::model::union::Union for Pet {");
    assert!(
        contains_code(
            table,
            "shape: ntnx_runtime::model::union::Shape::Object, \
             object_type: Some(\"fixture.v1.config.Cat\"),"
        ),
        "{table}"
    );
    assert!(
        contains_code(
            table,
            "ntnx_runtime::model::union::decode_model::<Cat>(value) \
             .map(|(decoded, fit)| (Self::Cat(Box::new(decoded)), fit))"
        ),
        "{table}"
    );
    let from = item(config, "impl From<Cat> for Pet {");
    assert!(from.contains("Self::Cat(Box::new(value))"), "{from}");
    assert!(config.contains("impl From<Dog> for Pet {"));
    assert!(config.contains("pub enum OwnerPet {"));
    assert_eq!(
        item(config, "pub enum OwnerPet {").matches("Cat(").count(),
        1
    );
}

#[test]
fn envelope_shaped_unions_hold_a_list_or_an_error() {
    let api = resolve("unions.yaml");
    let data = union(&api, "ListPetsApiResponse", &["data"]);
    assert!(!data.tagged_by_object_type);
    assert_eq!(
        data.variants,
        [
            TypeRef::Array(Box::new(named(&api, "Pet"))),
            TypeRef::Named(key(&api, "ErrorResponse")),
        ]
    );

    let generated = generate("unions.yaml");
    let config = file(&generated, CONFIG);
    let data = item(config, "pub enum ListPetsApiResponseData {");
    assert!(data.contains("    PetList(Vec<Pet>),"), "{data}");
    assert!(
        data.contains("    ErrorResponse(Box<crate::error::ErrorResponse>),"),
        "{data}"
    );
    let table = item(
        config,
        "impl ntnx_runtime::model::union::Union for ListPetsApiResponseData {",
    );
    // The only array variant decodes sequences directly.
    assert!(table.contains("fn decode_seq<'de"), "{table}");
    assert!(table.contains(".map(Self::PetList)"), "{table}");
    assert!(config.contains("impl From<Vec<Pet>> for ListPetsApiResponseData {"));
    assert!(config.contains("impl From<crate::error::ErrorResponse> for ListPetsApiResponseData {"));
}

#[test]
fn mixed_scalar_array_and_object_unions_are_chosen_by_shape() {
    let api = resolve("unions.yaml");
    let value = union(&api, "Setting", &["value"]);
    assert!(!value.tagged_by_object_type);
    let string = || Box::new(TypeRef::Scalar(Scalar::String));
    assert_eq!(
        value.variants,
        [
            TypeRef::Scalar(Scalar::String),
            TypeRef::Scalar(Scalar::Int64),
            TypeRef::Scalar(Scalar::Boolean),
            TypeRef::Array(string()),
            TypeRef::Map(string()),
            TypeRef::Array(Box::new(named(&api, "Cat"))),
            TypeRef::Array(Box::new(TypeRef::Scalar(Scalar::Int64))),
        ]
    );

    let generated = generate("unions.yaml");
    let config = file(&generated, CONFIG);
    let value = item(config, "pub enum SettingValue {");
    let variants = [
        ("String(String),", "String"),
        ("Integer(i64),", "Integer"),
        ("Boolean(bool),", "Boolean"),
        ("StringList(Vec<String>),", "Array"),
        (
            "StringMap(std::collections::BTreeMap<String, String>),",
            "Object",
        ),
        ("CatList(Vec<Cat>),", "Array"),
        ("IntegerList(Vec<i64>),", "Array"),
    ];
    let table = item(
        config,
        "impl ntnx_runtime::model::union::Union for SettingValue {",
    );
    let shapes: Vec<&str> = table
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("shape: ntnx_runtime::model::union::Shape::")
        })
        .map(|s| s.trim_end_matches(','))
        .collect();
    assert_eq!(
        shapes,
        variants.iter().map(|(_, shape)| *shape).collect::<Vec<_>>()
    );
    for (variant, _) in variants {
        assert!(value.contains(variant), "missing `{variant}` in\n{value}");
    }
    assert!(table.contains("object_type: None,"));
    assert!(!table.contains("object_type: Some"), "{table}");
    // Several array variants: sequences go through the shape rules, not one variant.
    assert!(!table.contains("fn decode_seq"), "{table}");
    for payload in [
        "String",
        "i64",
        "bool",
        "Vec<String>",
        "std::collections::BTreeMap<String, String>",
        "Vec<Cat>",
        "Vec<i64>",
    ] {
        let from = format!("impl From<{payload}> for SettingValue {{");
        assert!(config.contains(&from), "missing `{from}`");
    }
    assert!(item_docs(config, "pub enum SettingValue {")
        .contains("The variant is chosen by the shape of the JSON value."));
}

#[test]
fn any_of_is_a_union_too() {
    let api = resolve("unions.yaml");
    let contact = union(&api, "Contact", &[]);
    assert!(!contact.tagged_by_object_type);
    assert_eq!(
        contact.variants,
        [named(&api, "Email"), named(&api, "Phone")]
    );
    let generated = generate("unions.yaml");
    let config = file(&generated, CONFIG);
    let contact = item(config, "pub enum Contact {");
    assert!(contact.contains("    Email(Box<Email>),"), "{contact}");
    assert!(contact.contains("    Phone(Box<Phone>),"), "{contact}");
    assert!(item_docs(config, "pub enum Contact {").starts_with("Either of two shapes, untagged."));
}

#[test]
fn variants_with_the_same_rust_type_get_no_from_impl() {
    let api = resolve("unions.yaml");
    assert_eq!(
        union(&api, "When", &[]).variants,
        [
            TypeRef::Scalar(Scalar::Date),
            TypeRef::Scalar(Scalar::String)
        ]
    );
    let generated = generate("unions.yaml");
    let config = file(&generated, CONFIG);
    let when = item(config, "pub enum When {");
    assert!(when.contains("    Date(String),"), "{when}");
    assert!(when.contains("    String(String),"), "{when}");
    // `From<String>` could not tell them apart.
    assert!(!config.contains("for When {\n    fn from"), "{config}");
    assert!(!config.contains("impl From<String> for When"));
}

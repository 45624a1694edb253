//! Schemas that contain themselves, on `specs/fixtures/recursive.yaml`: a field held directly
//! that can contain its own struct is boxed; fields behind a `Vec`, a map or a boxed union
//! variant are not.

use crate::common::{contains_code, file, generate, item, resolve};
use ntnx_generator::ir::{TypeKind, TypeRef};

const TREE: &str = "ntnx-fixture-v1-0/src/tree.rs";

#[test]
fn the_ir_refers_to_the_type_itself() {
    let api = resolve("recursive.yaml");
    let node = api
        .types
        .values()
        .find(|d| d.key.schema.name == "Node" && d.key.inline.is_empty())
        .expect("Node");
    let TypeKind::Struct(fields) = &node.kind else {
        panic!("Node is a struct");
    };
    let itself = TypeRef::Named(node.key.clone());
    assert_eq!(fields.fields[1].ty, itself);
    assert_eq!(
        fields.fields[2].ty,
        TypeRef::Array(Box::new(itself.clone()))
    );
    assert_eq!(fields.fields[3].ty, TypeRef::Map(Box::new(itself.clone())));
    assert_eq!(fields.fields[4].ty, itself);
}

#[test]
fn direct_self_references_are_boxed() {
    let generated = generate("recursive.yaml");
    let tree = file(&generated, TREE);
    let node = item(tree, "pub struct Node {");
    for line in [
        "pub parent: Option<Box<Node>>,",
        // Behind a Vec or a map: no box needed.
        "pub children: Option<Vec<Node>>,",
        "pub by_name: Option<std::collections::BTreeMap<String, Node>>,",
        "pub sibling: ntnx_runtime::Nullable<Box<Node>>,",
        // Through an alias of the type itself.
        "pub alias: Option<Box<NodeAlias>>,",
        // A union's struct variants are boxed already.
        "pub choice: Option<NodeChoice>,",
    ] {
        assert!(node.contains(line), "missing `{line}` in\n{node}");
    }
    assert!(tree.contains("pub type NodeAlias = Node;"));
    assert!(item(tree, "pub enum NodeChoice {").contains("    Node(Box<Node>),"));
}

#[test]
fn mutual_recursion_boxes_both_sides() {
    let generated = generate("recursive.yaml");
    let tree = file(&generated, TREE);
    assert!(item(tree, "pub struct Ping {").contains("pub pong: Option<Box<Pong>>,"));
    assert!(item(tree, "pub struct Pong {").contains("pub ping: Option<Box<Ping>>,"));
}

#[test]
fn a_required_boxed_field_is_taken_unboxed_by_new() {
    let generated = generate("recursive.yaml");
    let tree = file(&generated, TREE);
    assert!(item(tree, "pub struct Chain {").contains("pub next: Box<Chain>,"));
    let constructor = item(tree, "impl Chain {");
    assert!(
        contains_code(constructor, "pub fn new(next: Chain) -> Self"),
        "{constructor}"
    );
    assert!(
        contains_code(constructor, "next: Box::new(next),"),
        "{constructor}"
    );
    assert!(
        contains_code(constructor, "label: Some(String::from(\"link\")),"),
        "{constructor}"
    );
}

//! Doc comments on `specs/fixtures/docs.yaml`: titles, descriptions, constraints, and text
//! that rustdoc would misread (brackets, bare URLs, tags, indented lines, fences, headings).

use crate::common::{file, generate, item, item_docs, member_docs, resolve, CONFIG};
use ntnx_generator::ir::{Constraint, TypeKind};

#[test]
fn descriptions_are_made_safe_for_rustdoc_line_by_line() {
    let generated = generate("docs.yaml");
    let config = file(&generated, CONFIG);
    let expected = [
        "Memo title",
        "",
        "A memo whose text has \\[square brackets\\], a bare URL <https://example.com/memos/help>.",
        "and an HTML-like \\<memo-tag\\> in it.",
        "This line is indented like a code block.",
        "\\# Not a heading",
        "\\`\\`\\`",
        "not a fence",
        "\\`\\`\\`",
        "\\~\\~\\~",
        "not a tilde fence either",
        "\\~\\~\\~",
        "A [proper link](https://example.com/docs) stays a link.",
        "\\---",
        "",
        "Schema `fixture.v1.0.config.Memo`; `$objectType` `fixture.v1.config.Memo`.",
    ];
    assert_eq!(item_docs(config, "pub struct Memo {"), expected.join("\n"));
    // No doc line is indented (rustdoc would compile it as a doctest).
    for line in config.lines().filter(|l| l.trim_start().starts_with("///")) {
        let text = line.trim_start().trim_start_matches("///");
        assert!(
            !text.starts_with("  "),
            "indented doc line, a code block to rustdoc: {line}"
        );
    }
}

#[test]
fn constraints_are_listed_after_the_description() {
    let api = resolve("docs.yaml");
    let memo = api.types.values().next().expect("Memo");
    let TypeKind::Struct(memo) = &memo.kind else {
        panic!("Memo is a struct");
    };
    assert_eq!(
        memo.fields[0].docs.constraints,
        [
            Constraint::MinLength(2),
            Constraint::MaxLength(8),
            Constraint::Pattern("^[A-Z]+`?$".to_owned())
        ]
    );
    assert!(memo.fields[4].docs.deprecated);

    let generated = generate("docs.yaml");
    let memo = item(file(&generated, CONFIG), "pub struct Memo {");
    let docs = |field: &str| member_docs(memo, field);
    // A pattern with a backtick gets a longer code span.
    assert_eq!(
        docs("pub code:"),
        "A short code.\n\nConstraints: 2 to 8 characters; pattern ``^[A-Z]+`?$``."
    );
    assert_eq!(docs("pub count:"), "Constraints: ≥ 0; ≤ 100.");
    assert_eq!(docs("pub ratio:"), "Constraints: > 0.0; < 1.0.");
    assert_eq!(
        docs("pub tags:"),
        "Constraints: 1 to 5 items; items are unique."
    );
    assert_eq!(
        docs("pub old:"),
        "Do not use \\| any more.\n\n**Deprecated.**"
    );
    assert_eq!(docs("pub text:"), "The text\n\nBody of the memo.");
}

#[test]
fn sanitize_is_public_and_idempotent_on_safe_text() {
    let safe = "Plain text, with `code` and a [link](https://example.com).";
    assert_eq!(ntnx_generator::emit::sanitize_docs(safe), safe);
    assert_eq!(
        ntnx_generator::emit::sanitize_docs("  a\r\n\r\n\r\n  b  \n\n"),
        "a\n\nb"
    );
}

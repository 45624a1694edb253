//! Doc comments from spec text.
//!
//! Spec descriptions are loose Markdown. Rustdoc would read some of it as something else:
//! `[x]` as an intra-doc link, indented lines as Rust code blocks (compiled as doctests), bare
//! URLs and `<...>` as warnings. The text is made safe line by line, so `cargo doc` stays
//! warning-free and the docs read as the spec meant them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Constraint, Docs};

/// A doc comment being assembled, one paragraph at a time.
#[derive(Default)]
pub struct DocBuilder {
    paragraphs: Vec<String>,
}

impl DocBuilder {
    /// An empty comment.
    pub fn new() -> Self {
        DocBuilder::default()
    }

    /// Adds spec text (made safe).
    pub fn text(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            let safe = sanitize(text);
            if !safe.is_empty() && !self.paragraphs.contains(&safe) {
                self.paragraphs.push(safe);
            }
        }
        self
    }

    /// Adds a paragraph the generator wrote itself (already valid Markdown).
    pub fn note(&mut self, note: impl Into<String>) -> &mut Self {
        self.paragraphs.push(note.into());
        self
    }

    /// Adds title, description, deprecation and constraints.
    pub fn docs(&mut self, docs: &Docs) -> &mut Self {
        self.text(docs.title.as_deref());
        self.text(docs.description.as_deref());
        if docs.deprecated {
            self.note("**Deprecated.**");
        }
        let constraints = constraints(&docs.constraints);
        if !constraints.is_empty() {
            self.note(format!("Constraints: {}.", constraints.join("; ")));
        }
        self
    }

    /// The comment's text.
    pub fn plain(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// `#[doc = "..."]` attributes, or `fallback` if nothing was added.
    pub fn attrs_or(&self, fallback: &str) -> TokenStream {
        if self.paragraphs.is_empty() {
            return doc_lines(fallback);
        }
        doc_lines(&self.paragraphs.join("\n\n"))
    }
}

/// `#[doc = " line"]` for each line of `text`.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Markdown inline code for arbitrary text (a pattern, a value).
pub fn code(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn constraints(list: &[Constraint]) -> Vec<String> {
    let mut out = Vec::new();
    let mut lengths = (None, None);
    let mut items = (None, None);
    for constraint in list {
        match constraint {
            Constraint::MinLength(n) => lengths.0 = Some(*n),
            Constraint::MaxLength(n) => lengths.1 = Some(*n),
            Constraint::MinItems(n) => items.0 = Some(*n),
            Constraint::MaxItems(n) => items.1 = Some(*n),
            Constraint::Pattern(p) => out.push(format!("pattern {}", code(p))),
            Constraint::Minimum { value, exclusive } => {
                out.push(format!("{} {value}", if *exclusive { ">" } else { "≥" }));
            }
            Constraint::Maximum { value, exclusive } => {
                out.push(format!("{} {value}", if *exclusive { "<" } else { "≤" }));
            }
            Constraint::UniqueItems => out.push("items are unique".to_owned()),
            Constraint::OneOfValues(values) => out.push(format!(
                "one of {}",
                values
                    .iter()
                    .map(|v| code(&v.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    let range = |what: &str, (min, max): (Option<u64>, Option<u64>)| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max} {what}")),
        (Some(min), None) => Some(format!("at least {min} {what}")),
        (None, Some(max)) => Some(format!("at most {max} {what}")),
        (None, None) => None,
    };
    let mut sized: Vec<String> = [range("characters", lengths), range("items", items)]
        .into_iter()
        .flatten()
        .collect();
    sized.append(&mut out);
    sized
}

/// Makes spec text safe for rustdoc (see the module docs).
pub fn sanitize(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    // The indent of the list item the previous lines continue, if any.
    let mut item_indent: Option<usize> = None;
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim();
        let mut safe = escape_inline(line);
        match (list_marker_width(&safe), item_indent) {
            (Some(width), _) => item_indent = Some(width),
            // A line after a list item continues it: indent it under the item's text, or
            // Markdown would join it lazily (and clippy's `doc_lazy_continuation` objects).
            (None, Some(width)) if !safe.is_empty() => safe.insert_str(0, &" ".repeat(width)),
            (None, _) => item_indent = None,
        }
        // A line of only `-`, `=` or `*` would turn the line above into a heading or rule.
        if !safe.is_empty() && safe.chars().all(|c| matches!(c, '-' | '=' | '*' | ' ')) {
            safe = format!("\\{safe}");
        }
        if safe.starts_with('#') || safe.starts_with('>') {
            safe.insert(0, '\\');
        }
        lines.push(safe);
    }
    // Collapse runs of blank lines and trim the ends.
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The width of the marker of a Markdown list item (`- `, `* `, `+ `, `1. `, `12) `) that
/// starts `line`.
fn list_marker_width(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// Escapes brackets that are not Markdown links, angle brackets and code fences (of
/// backticks or tildes), and wraps bare URLs in `<...>`.
fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A Markdown link `[text](url)`: keep as is.
        if c == '[' {
            if let Some(end) = link_end(&chars, i) {
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
        }
        if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") {
            let end = url_end(&chars, i);
            out.push('<');
            out.extend(&chars[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        match c {
            '[' | ']' | '<' | '>' | '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '`' if starts_with(&chars, i, "```") => {
                out.push_str("\\`\\`\\`");
                i += 3;
                continue;
            }
            // `~~~` opens a code block as well as three backticks do.
            '~' if starts_with(&chars, i, "~~~") => {
                out.push_str("\\~\\~\\~");
                i += 3;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// End (exclusive) of a URL starting at `at`.
fn url_end(chars: &[char], at: usize) -> usize {
    let mut end = at;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '<' | '>' | '"' | '`')
    {
        end += 1;
    }
    // Trailing punctuation belongs to the sentence.
    while end > at && matches!(chars[end - 1], '.' | ',' | ';' | ':' | ')' | '\'') {
        end -= 1;
    }
    end
}

/// End (exclusive) of a `[text](http...)` link starting at `at`.
fn link_end(chars: &[char], at: usize) -> Option<usize> {
    let close = (at + 1..chars.len()).find(|&k| chars[k] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    if !(starts_with(chars, close + 2, "http://") || starts_with(chars, close + 2, "https://")) {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&k| chars[k] == ')')?;
    if chars[at + 1..close]
        .iter()
        .any(|c| matches!(c, '[' | ']' | '`'))
    {
        return None;
    }
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn keeps_links_and_escapes_the_rest() {
        assert_eq!(
            sanitize("See [OData V4.01](https://docs.oasis-open.org/x.html) URL [a] <b>"),
            "See [OData V4.01](https://docs.oasis-open.org/x.html) URL \\[a\\] \\<b\\>"
        );
        assert_eq!(sanitize("go to https://a.b/c."), "go to <https://a.b/c>.");
    }

    #[test]
    fn list_items_keep_their_continuation_lines() {
        assert_eq!(
            sanitize("Intro.\n1. First item\nstill the first.\n2. Second\n\nAfter."),
            "Intro.\n1. First item\n   still the first.\n2. Second\n\nAfter."
        );
        assert_eq!(sanitize("- a\nb\n- c"), "- a\n  b\n- c");
        assert_eq!(sanitize("2024. was a year"), "2024. was a year");
    }

    #[test]
    fn no_code_blocks_or_headings() {
        assert_eq!(
            sanitize("a\n    indented\n-\n# x"),
            "a\nindented\n\\-\n\\# x"
        );
    }

    #[test]
    fn no_fenced_code_blocks() {
        assert_eq!(sanitize("```\nx\n```"), "\\`\\`\\`\nx\n\\`\\`\\`");
        assert_eq!(sanitize("~~~\nx\n~~~~"), "\\~\\~\\~\nx\n\\~\\~\\~~");
    }
}

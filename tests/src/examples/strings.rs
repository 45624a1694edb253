//! Strings that fit a schema's `pattern`, `minLength` and `maxLength`.
//!
//! A few examples in the specs break their own schema (`name: "Test Cluster Profile"` under
//! `pattern: ^[A-Za-z0-9._-]+$`), and strings without an example get a fallback that knows
//! nothing of the pattern. [`fit`] keeps a string that fits and otherwise builds one from the
//! pattern: the shortest walk through the regular expression (first alternative, a
//! readable character of each class, each repetition `n` times for growing `n`), checked
//! against the compiled pattern and the length bounds.
//!
//! Patterns are ECMA-262 regular expressions; the few Rust's `regex` cannot compile
//! (look-around, back-references) are not checked, and the string is kept.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::Value;

/// Characters preferred when a character class allows them, in order.
const PREFERRED: [char; 7] = ['a', 'A', '1', '0', '_', '-', '.'];

/// Repetition counts tried, in order (each clamped into the repetition's bounds).
const FILLS: [u32; 7] = [0, 1, 2, 4, 8, 16, 64];

/// `text` if it fits the string constraints of `node`, else a string built to fit them;
/// `text` if nothing is found.
pub(crate) fn fit(node: &Value, text: String) -> String {
    let min = node.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = node
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|n| n as usize);
    let pattern = node.get("pattern").and_then(Value::as_str);
    let compiled = pattern.and_then(compiled);
    let fits = |candidate: &str| {
        let length = candidate.chars().count();
        length >= min
            && max.is_none_or(|max| length <= max)
            && compiled
                .as_ref()
                .is_none_or(|regex| regex.is_match(candidate))
    };
    if fits(&text) {
        return text;
    }
    let candidates: Vec<String> = match (pattern, &compiled) {
        (Some(pattern), Some(_)) => match regex_syntax::parse(pattern) {
            Ok(hir) => FILLS.iter().filter_map(|&fill| walk(&hir, fill)).collect(),
            Err(_) => Vec::new(),
        },
        (Some(_), None) => return text,
        (None, _) => {
            let mut padded: String = text.chars().take(max.unwrap_or(usize::MAX)).collect();
            while padded.chars().count() < min {
                padded.push('x');
            }
            vec![padded]
        }
    };
    candidates
        .into_iter()
        .find(|candidate| fits(candidate))
        .unwrap_or(text)
}

/// The pattern compiled (anchoring as ECMA `test` does: anywhere in the string), cached;
/// `None` if Rust's `regex` cannot compile it.
fn compiled(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(pattern.to_owned())
        .or_insert_with(|| Regex::new(pattern).ok())
        .clone()
}

/// A string the expression matches, taking each repetition `fill` times (within its
/// bounds); `None` for a class with no character.
fn walk(hir: &Hir, fill: u32) -> Option<String> {
    let mut out = String::new();
    write(hir, fill, &mut out).then_some(out)
}

fn write(hir: &Hir, fill: u32, out: &mut String) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match pick(class) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Repetition(repetition) => {
            let count = fill
                .max(repetition.min)
                .min(repetition.max.unwrap_or(u32::MAX));
            (0..count).all(|_| write(&repetition.sub, fill, out))
        }
        HirKind::Capture(capture) => write(&capture.sub, fill, out),
        HirKind::Concat(parts) => parts.iter().all(|part| write(part, fill, out)),
        HirKind::Alternation(alternatives) => alternatives
            .first()
            .is_some_and(|first| write(first, fill, out)),
    }
}

/// A readable character of the class: a preferred one, else the first printable one.
fn pick(class: &Class) -> Option<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(class) => class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        Class::Bytes(class) => class
            .ranges()
            .iter()
            .filter(|r| r.start().is_ascii())
            .map(|r| (char::from(r.start()), char::from(r.end().min(0x7f))))
            .collect(),
    };
    let contains = |c: char| ranges.iter().any(|&(start, end)| start <= c && c <= end);
    PREFERRED.into_iter().find(|&c| contains(c)).or_else(|| {
        ranges.iter().find_map(|&(start, end)| {
            let first = start.max(' ');
            (first <= end).then_some(first)
        })
    })
}

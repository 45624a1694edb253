//! Stage 5: what a regeneration changed, how badly, and the next version of each crate.
//!
//! The generated crates are compared with the previous generation (the committed
//! `generated/`): each change of the API, read from the two inventories, is *breaking*
//! (a type, field, variant, value, operation or cargo feature removed or renamed, a type
//! changed, a field that becomes required, a new required parameter, a feature that no
//! longer enables all it did), *additive* (a type, optional field, enum value, union variant,
//! operation, tag, optional parameter or feature added, a feature that enables more) or,
//! when the API is the same but the crate's files are not, *docs only*. The generated API is
//! shaped so that additive changes are additive in Rust too: structs, enums and unions are
//! `#[non_exhaustive]`, optional parameters are builder setters.
//!
//! Versions follow from that, per crate (one crate per API revision, see
//! [`crate::manifest::default_crate_name`], so a crate's version is about its Rust API
//! only):
//! - a crate's first generation is `1.0.0`, or `1.0.0-beta.N` / `1.0.0-alpha.N` for a
//!   release candidate `bN` / early access `aN`;
//! - after that, a breaking change bumps the major version, an additive one the minor, a
//!   docs-only one the patch; nothing changed, nothing bumps;
//! - a pre-release that changes without a new release type number gets a counter
//!   (`1.0.0-beta.2` → `1.0.0-beta.2.1`), a new number replaces it (`1.0.0-beta.3`), and the
//!   GA file releases it (`1.0.0`).
//!
//! Versions move on from the last *published* version (the manifest's `[published]`), so
//! that regenerating twice between two publications does not skip versions: a crate never
//! published stays at its first version, and one whose previous generation is not published
//! gets the larger of that generation's version and the bump from the published one, with
//! the changes since the publication in one change log section.
//!
//! Each crate gets a `CHANGELOG.md`: the previous one with a section for the new version on
//! top when something changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use semver::{Prerelease, Version};

use crate::emit::inventory::{parse, INVENTORY_FILE};
use crate::emit::GeneratedFile;
use crate::version::{ApiVersion, Stage};

/// How much a change matters to the code that uses a crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The crate's files changed, its API did not (docs, generated internals).
    DocsOnly,
    /// New API; code written against the previous version still compiles.
    Additive,
    /// Code written against the previous version may no longer compile.
    Breaking,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::DocsOnly => "docs only",
            Severity::Additive => "additive",
            Severity::Breaking => "breaking",
        })
    }
}

/// One change of a crate's API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// How much it matters.
    pub severity: Severity,
    /// What changed, for a person.
    pub text: String,
}

/// What a regeneration does to one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateRelease {
    /// The crate.
    pub crate_name: String,
    /// Its version in the previous generation, if there was one.
    pub previous: Option<String>,
    /// Whether that previous version was published (the new version moves on from it);
    /// else the new one moves on from the last published version, if any.
    pub previous_published: bool,
    /// Its version now.
    pub version: String,
    /// The worst change, `None` when nothing changed.
    pub severity: Option<Severity>,
    /// Every change, breaking first.
    pub changes: Vec<Change>,
}

/// A crate to version: its name and the API version it is generated from (`None` for the
/// shared crate, which is always GA).
pub struct Versioned<'a> {
    /// Crate name.
    pub crate_name: &'a str,
    /// The API version of its spec.
    pub api_version: Option<&'a str>,
    /// A line for its change log's section headings (`vmm v4.0, info.version 4.0`).
    pub source: String,
}

/// Classifies the changes of every crate of `crates` against the previous generation (read
/// with `previous`, by path relative to the output), sets each crate's version in its
/// `Cargo.toml` and in the requirements of the crates depending on it, and writes its
/// `CHANGELOG.md`.
pub fn apply(
    files: &mut Vec<GeneratedFile>,
    crates: &[Versioned<'_>],
    previous: &dyn Fn(&Path) -> Option<String>,
    published: Option<&BTreeMap<String, String>>,
) -> Vec<CrateRelease> {
    let old_inventory = previous(Path::new(INVENTORY_FILE)).unwrap_or_default();
    let new_inventory = files
        .iter()
        .find(|f| f.path == Path::new(INVENTORY_FILE))
        .map(|f| f.contents.clone())
        .unwrap_or_default();
    let releases: Vec<CrateRelease> = crates
        .iter()
        .map(|krate| {
            let last_published = |previous_version: Option<&String>| match published {
                None => previous_version.cloned(),
                Some(versions) => versions.get(krate.crate_name).cloned(),
            };
            release_of(
                files,
                krate,
                &old_inventory,
                &new_inventory,
                previous,
                &last_published,
            )
        })
        .collect();
    for release in &releases {
        set_version(files, release);
        let source = &crates
            .iter()
            .find(|c| c.crate_name == release.crate_name)
            .expect("a release of a listed crate")
            .source;
        let old_log = previous(&changelog_path(&release.crate_name));
        let last_published = match published {
            None => release.previous.as_deref(),
            Some(versions) => versions.get(&release.crate_name).map(String::as_str),
        };
        let log = changelog(release, source, last_published, old_log.as_deref());
        upsert(files, changelog_path(&release.crate_name), log);
    }
    releases
}

fn release_of(
    files: &[GeneratedFile],
    krate: &Versioned<'_>,
    old_inventory: &str,
    new_inventory: &str,
    previous: &dyn Fn(&Path) -> Option<String>,
    last_published: &dyn Fn(Option<&String>) -> Option<String>,
) -> CrateRelease {
    let previous_version = previous(&Path::new(krate.crate_name).join("Cargo.toml"))
        .and_then(|toml| package_version(&toml));
    let published = last_published(previous_version.as_ref());
    let ident = krate.crate_name.replace('-', "_");
    let mut changes = if previous_version.is_some() {
        classify(old_inventory, new_inventory, &ident)
    } else {
        Vec::new()
    };
    if previous_version.is_some()
        && changes.is_empty()
        && files_differ(files, krate.crate_name, previous)
    {
        changes.push(Change {
            severity: Severity::DocsOnly,
            text: "documentation or generated code changed; the API did not".to_owned(),
        });
    }
    changes.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.text.cmp(&b.text)));
    let severity = changes.iter().map(|c| c.severity).max();
    let stage = krate
        .api_version
        .and_then(ApiVersion::parse)
        .map_or(Stage::Ga, |v| v.stage);
    let previous_published = published.is_some() && published == previous_version;
    let version = if previous_published {
        next_version(previous_version.as_deref(), stage, severity)
    } else {
        // Not published since the previous generation: move on from the last publication,
        // never back.
        let from_published = next_version(published.as_deref(), stage, severity);
        match (&previous_version, published.is_some()) {
            (Some(previous), true) => later_version(previous, &from_published),
            _ => from_published,
        }
    };
    CrateRelease {
        crate_name: krate.crate_name.to_owned(),
        previous: previous_version,
        previous_published,
        version,
        severity,
        changes,
    }
}

/// Whether any file of crate `name` differs from the previous generation's, its version,
/// change log and README aside.
fn files_differ(
    files: &[GeneratedFile],
    name: &str,
    previous: &dyn Fn(&Path) -> Option<String>,
) -> bool {
    let versioned = [Path::new(name).join("Cargo.toml"), changelog_path(name)];
    files
        .iter()
        .filter(|f| f.path.starts_with(name) && !versioned.contains(&f.path))
        .any(|f| previous(&f.path).as_deref() != Some(f.contents.as_str()))
}

/// The changes of crate `ident`'s entries between two inventories.
pub fn classify(old: &str, new: &str, ident: &str) -> Vec<Change> {
    let of_crate = |text: &str| -> BTreeMap<String, (String, Vec<String>)> {
        parse(text)
            .into_iter()
            .filter(|(heading, _)| entry_crate(heading) == Some(ident))
            .map(|(heading, members)| {
                let key = heading.split(" (").next().unwrap_or(heading).to_owned();
                let members = members.into_iter().map(str::to_owned).collect();
                (key, (heading.to_owned(), members))
            })
            .collect()
    };
    let (old, new) = (of_crate(old), of_crate(new));
    let mut changes = Vec::new();
    for (key, (heading, members)) in &new {
        match old.get(key) {
            None => changes.push(Change {
                severity: Severity::Additive,
                text: format!("added {heading}"),
            }),
            Some((_, before)) => changes.extend(member_changes(key, before, members)),
        }
    }
    for (key, (heading, _)) in &old {
        if !new.contains_key(key) {
            changes.push(Change {
                severity: Severity::Breaking,
                text: format!("removed {heading}"),
            });
        }
    }
    changes
}

/// The crate ident an inventory heading (`struct ntnx_vmm_v4_0::content::Image (...)`,
/// `operation ntnx_vmm_v4_0::VmmClient.images()...`) belongs to.
fn entry_crate(heading: &str) -> Option<&str> {
    let path = heading.split_whitespace().nth(1)?;
    path.split(['.', ':']).next()
}

/// The changes between the members of entry `key` (`kind path`).
fn member_changes(key: &str, old: &[String], new: &[String]) -> Vec<Change> {
    let kind = key.split_whitespace().next().unwrap_or("");
    let keyed = |members: &[String]| -> BTreeMap<String, String> {
        members
            .iter()
            .map(|m| (member_key(kind, m), m.clone()))
            .collect()
    };
    let (old, new) = (keyed(old), keyed(new));
    let mut changes = Vec::new();
    for (member, line) in &new {
        match old.get(member) {
            None => changes.push(Change {
                severity: added_member_severity(kind, line),
                text: format!("{key}: added `{line}`"),
            }),
            Some(before) if before != line => changes.push(Change {
                severity: changed_member_severity(kind, before, line),
                text: format!("{key}: `{before}` became `{line}`"),
            }),
            Some(_) => {}
        }
    }
    for (member, line) in &old {
        if !new.contains_key(member) {
            changes.push(Change {
                severity: Severity::Breaking,
                text: format!("{key}: removed `{line}`"),
            });
        }
    }
    changes
}

/// What identifies a member line of an entry of `kind` across generations.
fn member_key(kind: &str, line: &str) -> String {
    match kind {
        // `name?: type`, `Variant = VALUE`
        "struct" => line
            .split(':')
            .next()
            .unwrap_or(line)
            .trim_end_matches(['?', '~'])
            .to_owned(),
        // `Variant = VALUE`, `feature name = [...]`
        "enum" | "crate" => line.split(" = ").next().unwrap_or(line).to_owned(),
        // `arg name: type`, `set name: type`, `returns ...`, the request line.
        "operation" => match line.split_once(':') {
            Some((head, _)) if head.starts_with("arg ") || head.starts_with("set ") => {
                head.split_whitespace().nth(1).unwrap_or(head).to_owned()
            }
            // `filter name: type`, `orderby name`, `select name`, `expand key`
            _ if is_query_field(line) => line.split(':').next().unwrap_or(line).to_owned(),
            _ if line.starts_with("returns ") => "returns".to_owned(),
            _ => "request".to_owned(),
        },
        _ => line.to_owned(),
    }
}

/// Whether an operation's member line is a field of a typed query option.
fn is_query_field(line: &str) -> bool {
    ["filter ", "orderby ", "select ", "expand "]
        .iter()
        .any(|prefix| line.starts_with(prefix))
}

/// How much adding `line` to an entry of `kind` matters.
fn added_member_severity(kind: &str, line: &str) -> Severity {
    let optional = match kind {
        "struct" => {
            let name = line.split(':').next().unwrap_or("");
            (name.ends_with('?') || name.ends_with('~')) && !line.ends_with("(in new)")
        }
        "operation" => line.starts_with("set ") || is_query_field(line),
        // A new cargo feature is off unless enabled.
        "enum" | "union" | "crate" => true,
        _ => false,
    };
    if optional {
        Severity::Additive
    } else {
        Severity::Breaking
    }
}

/// How much changing member line `before` of an entry of `kind` into `after` matters: a
/// cargo feature that enables all it did and more is additive (what enabled it still
/// builds), any other change breaking.
fn changed_member_severity(kind: &str, before: &str, after: &str) -> Severity {
    let enabled = |line: &str| -> Option<BTreeSet<String>> {
        let (_, list) = line.strip_prefix("feature ")?.split_once(" = ")?;
        let list: Vec<String> = serde_json::from_str(list).ok()?;
        Some(list.into_iter().collect())
    };
    match (kind, enabled(before), enabled(after)) {
        ("crate", Some(before), Some(after)) if after.is_superset(&before) => Severity::Additive,
        _ => Severity::Breaking,
    }
}

/// The version after `previous` (see the module docs).
pub fn next_version(previous: Option<&str>, stage: Stage, severity: Option<Severity>) -> String {
    let pre = |stage: Stage| -> Option<(&'static str, u32)> {
        match stage {
            Stage::Ga => None,
            Stage::ReleaseCandidate(n) => Some(("beta", n)),
            Stage::EarlyAccess(n) => Some(("alpha", n)),
        }
    };
    let Some(previous) = previous.and_then(|v| Version::parse(v).ok()) else {
        let mut first = Version::new(1, 0, 0);
        if let Some((kind, n)) = pre(stage) {
            first.pre = Prerelease::new(&format!("{kind}.{n}")).expect("a valid pre-release");
        }
        return first.to_string();
    };
    let mut next = previous.clone();
    match (pre(stage), previous.pre.is_empty()) {
        // The GA file releases the pre-release.
        (None, false) => next.pre = Prerelease::EMPTY,
        (None, true) => match severity {
            None => {}
            Some(Severity::DocsOnly) => next.patch += 1,
            Some(Severity::Additive) => {
                next.minor += 1;
                next.patch = 0;
            }
            Some(Severity::Breaking) => {
                next = Version::new(previous.major + 1, 0, 0);
            }
        },
        (Some((kind, n)), _) => {
            let base = format!("{kind}.{n}");
            let current = previous.pre.as_str();
            let text = if current == base || current.starts_with(&format!("{base}.")) {
                match (severity, current.strip_prefix(&format!("{base}."))) {
                    (None, _) => current.to_owned(),
                    (Some(_), None) => format!("{base}.1"),
                    (Some(_), Some(counter)) => {
                        format!("{base}.{}", counter.parse::<u64>().unwrap_or(0) + 1)
                    }
                }
            } else {
                base
            };
            next.pre = Prerelease::new(&text).expect("a valid pre-release");
        }
    }
    next.to_string()
}

/// The later of two versions (`b` when `a` does not parse).
fn later_version(a: &str, b: &str) -> String {
    match (Version::parse(a), Version::parse(b)) {
        (Ok(va), Ok(vb)) if va > vb => a.to_owned(),
        _ => b.to_owned(),
    }
}

/// `version = "..."` of a `Cargo.toml`'s `[package]`.
fn package_version(toml: &str) -> Option<String> {
    let start = toml.find("[package]")?;
    let package = toml[start..].split("\n[").next()?;
    package.lines().find_map(|line| {
        let value = line.strip_prefix("version = ")?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// Sets `release`'s version in its `Cargo.toml`, and the requirement on it in the other
/// generated crates' (`name = { path = "...", version = "..." }`).
fn set_version(files: &mut [GeneratedFile], release: &CrateRelease) {
    let own = Path::new(&release.crate_name).join("Cargo.toml");
    let requirement = requirement_of(&release.version);
    for file in files.iter_mut().filter(|f| f.path.ends_with("Cargo.toml")) {
        let mut out = String::with_capacity(file.contents.len());
        let mut in_package = false;
        for line in file.contents.lines() {
            if line.starts_with('[') {
                in_package = line == "[package]";
            }
            let prefix = format!("{} = {{ path = ", release.crate_name);
            let text = if file.path == own && in_package && line.starts_with("version = ") {
                format!("version = \"{}\"", release.version)
            } else if line.starts_with(&prefix) && line.contains("version = \"") {
                let (head, _) = line.split_once("version = \"").expect("checked above");
                format!("{head}version = \"{requirement}\" }}")
            } else {
                line.to_owned()
            };
            out.push_str(&text);
            out.push('\n');
        }
        file.contents = out;
    }
}

/// The requirement other crates put on `version`: its major (`1`), its major and minor for
/// a `0.x` version, the exact version for a pre-release.
fn requirement_of(version: &str) -> String {
    match Version::parse(version) {
        Ok(v) if !v.pre.is_empty() => format!("={v}"),
        Ok(v) if v.major == 0 => format!("0.{}", v.minor),
        Ok(v) => v.major.to_string(),
        Err(_) => version.to_owned(),
    }
}

fn changelog_path(crate_name: &str) -> PathBuf {
    Path::new(crate_name).join("CHANGELOG.md")
}

/// The change log after `release`: the previous one, with a section for the new version
/// on top when something changed (a first generation gets its first section). Changes since
/// an unpublished previous generation join its section; a crate never published has only
/// its first section.
fn changelog(
    release: &CrateRelease,
    source: &str,
    published: Option<&str>,
    previous: Option<&str>,
) -> String {
    let header = format!(
        "<!-- @generated by ntnx-generator; do not edit. -->\n\
         # Changes of {}\n\n\
         One section per version, newest first, written by `cargo xtask generate` from the \
         API changes it found (see the workspace README on versions).\n",
        release.crate_name
    );
    let first = || format!("## {} (first generation, {source})\n", release.version);
    let mut older = previous
        .and_then(|text| text.find("\n## ").map(|i| &text[i + 1..]))
        .unwrap_or("");
    let mut changes: Vec<String> = release
        .changes
        .iter()
        .map(|c| format!("- {}: {}\n", c.severity, c.text))
        .collect();
    let mut from = release.previous.clone();
    if release.previous.is_some() && !release.previous_published {
        let Some(published) = published else {
            return format!("{header}\n{}", first());
        };
        // The unpublished section gives way to one for this version, keeping its changes.
        let (top, rest) = split_top_section(older);
        for line in top.lines().filter(|l| l.starts_with("- ")) {
            let line = format!("{line}\n");
            if !changes.contains(&line) {
                changes.push(line);
            }
        }
        older = rest;
        from = Some(published.to_owned());
    }
    let severity = changes
        .iter()
        .filter_map(|line| severity_of_line(line))
        .max();
    let section = match (&from, severity) {
        (Some(_), None) if !older.is_empty() => return format!("{header}\n{older}"),
        (None, _) | (Some(_), None) => first(),
        (Some(from), Some(severity)) => {
            let mut text = format!(
                "## {} ({severity}, from {from}; {source})\n\n",
                release.version
            );
            changes.sort_by_key(|line| std::cmp::Reverse(severity_of_line(line)));
            text.extend(changes);
            text
        }
    };
    if older.is_empty() {
        format!("{header}\n{section}")
    } else {
        format!("{header}\n{section}\n{older}")
    }
}

/// The first `## ` section of `sections` and what follows it.
fn split_top_section(sections: &str) -> (&str, &str) {
    match sections.get(3..).and_then(|rest| rest.find("\n## ")) {
        Some(i) => (&sections[..i + 4], &sections[i + 4..]),
        None => (sections, ""),
    }
}

/// The severity a change log line `- additive: ...` names.
fn severity_of_line(line: &str) -> Option<Severity> {
    let rest = line.strip_prefix("- ")?;
    [Severity::Breaking, Severity::Additive, Severity::DocsOnly]
        .into_iter()
        .find(|s| rest.starts_with(&format!("{s}: ")))
}

/// Replaces the file at `path`, or adds it.
fn upsert(files: &mut Vec<GeneratedFile>, path: PathBuf, contents: String) {
    match files.iter_mut().find(|f| f.path == path) {
        Some(file) => file.contents = contents,
        None => files.push(GeneratedFile { path, contents }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "- struct ntnx_x::A (x.v1.A)\n  - a: String\n";
    const ADDED: &str =
        "- struct ntnx_x::A (x.v1.A)\n  - a: String\n\n- struct ntnx_x::B (x.v1.B)\n";
    const REMOVED: &str = "- struct ntnx_x::B (x.v1.B)\n";

    /// Releases crate `ntnx-x` with inventory `new` after a generation at `previous_version`
    /// with inventory `old` and change log `log`, given the published versions.
    fn release(
        new: &str,
        old: &str,
        previous_version: &str,
        log: Option<&str>,
        published: Option<&BTreeMap<String, String>>,
    ) -> (CrateRelease, String) {
        let toml = |v: &str| format!("[package]\nname = \"ntnx-x\"\nversion = \"{v}\"\n");
        let mut files = vec![
            GeneratedFile {
                path: PathBuf::from(INVENTORY_FILE),
                contents: new.to_owned(),
            },
            GeneratedFile {
                path: PathBuf::from("ntnx-x/Cargo.toml"),
                contents: toml("1.0.0"),
            },
        ];
        let previous = |path: &Path| -> Option<String> {
            match path.to_str()? {
                INVENTORY_FILE => Some(old.to_owned()),
                "ntnx-x/Cargo.toml" => Some(toml(previous_version)),
                "ntnx-x/CHANGELOG.md" => log.map(str::to_owned),
                _ => None,
            }
        };
        let crates = [Versioned {
            crate_name: "ntnx-x",
            api_version: Some("v1.0"),
            source: "x v1.0".to_owned(),
        }];
        let mut releases = apply(&mut files, &crates, &previous, published);
        let log = files
            .iter()
            .find(|f| f.path == Path::new("ntnx-x/CHANGELOG.md"))
            .map(|f| f.contents.clone())
            .unwrap();
        (releases.remove(0), log)
    }

    #[test]
    fn query_fields_are_api() {
        let op = "- operation ntnx_x::XClient.vms().list_vms()\n  - GET /x (listVms)\n";
        let old = format!("{op}  - filter name: string\n  - orderby name\n");
        let classified = |new: &str| -> Vec<(Severity, String)> {
            classify(&old, &format!("{op}{new}"), "ntnx_x")
                .into_iter()
                .map(|c| (c.severity, c.text))
                .collect()
        };
        let added = classified("  - filter name: string\n  - filter age: i64\n  - orderby name\n");
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].0, Severity::Additive, "{added:?}");
        let removed = classified("  - filter name: string\n");
        assert_eq!(removed[0].0, Severity::Breaking, "{removed:?}");
        assert!(
            removed[0].1.contains("removed `orderby name`"),
            "{removed:?}"
        );
        let retyped = classified("  - filter name: i64\n  - orderby name\n");
        assert_eq!(retyped[0].0, Severity::Breaking, "{retyped:?}");
    }

    #[test]
    fn cargo_features_are_api() {
        let krate = "- crate ntnx_x\n";
        let old = format!("{krate}  - feature default = [\"a\"]\n  - feature a = []\n");
        let classified = |new: &str| -> Vec<(Severity, String)> {
            classify(&old, &format!("{krate}{new}"), "ntnx_x")
                .into_iter()
                .map(|c| (c.severity, c.text))
                .collect()
        };
        let added =
            classified("  - feature default = [\"a\"]\n  - feature a = []\n  - feature b = []\n");
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].0, Severity::Additive, "{added:?}");
        let removed = classified("  - feature default = [\"a\"]\n");
        assert_eq!(removed[0].0, Severity::Breaking, "{removed:?}");
        assert!(
            removed[0].1.contains("removed `feature a = []`"),
            "{removed:?}"
        );
        let new_default = classified("  - feature default = []\n  - feature a = []\n");
        assert_eq!(new_default[0].0, Severity::Breaking, "{new_default:?}");
        // A feature that enables more than it did is additive, as cargo-semver-checks has it.
        let grown = classified("  - feature default = [\"a\", \"b\"]\n  - feature a = []\n");
        assert_eq!(grown[0].0, Severity::Additive, "{grown:?}");
        let swapped = classified("  - feature default = [\"b\"]\n  - feature a = []\n");
        assert_eq!(swapped[0].0, Severity::Breaking, "{swapped:?}");
    }

    #[test]
    fn a_crate_never_published_keeps_its_first_version() {
        let none = BTreeMap::new();
        let (release, log) = release(ADDED, OLD, "1.0.0", None, Some(&none));
        assert_eq!(release.version, "1.0.0");
        assert_eq!(release.severity, Some(Severity::Additive));
        assert!(!release.previous_published);
        assert!(log.contains("## 1.0.0 (first generation, x v1.0)"), "{log}");
        assert_eq!(log.matches("\n## ").count(), 1, "{log}");
    }

    #[test]
    fn versions_move_on_from_the_published_one() {
        let published = BTreeMap::from([("ntnx-x".to_owned(), "1.0.0".to_owned())]);
        let (first, log) = release(ADDED, OLD, "1.0.0", None, Some(&published));
        assert_eq!(first.version, "1.1.0");
        assert!(first.previous_published);
        assert!(
            log.contains("## 1.1.0 (additive, from 1.0.0; x v1.0)"),
            "{log}"
        );
        // Regenerating before 1.1.0 is published: still 1.1.0, both changes in its section.
        let (again, log) = release(REMOVED, ADDED, "1.1.0", Some(&log), Some(&published));
        assert_eq!(again.version, "2.0.0", "a breaking change since 1.0.0");
        assert!(!again.previous_published);
        assert!(
            log.contains("## 2.0.0 (breaking, from 1.0.0; x v1.0)"),
            "{log}"
        );
        assert!(log.contains("- additive: added struct ntnx_x::B"), "{log}");
        assert!(
            log.contains("- breaking: removed struct ntnx_x::A"),
            "{log}"
        );
        assert!(!log.contains("## 1.1.0"), "{log}");
        let (same, _) = release(ADDED, OLD, "1.1.0", Some(&log), Some(&published));
        assert_eq!(
            same.version, "1.1.0",
            "an additive change since 1.0.0 stays 1.1.0"
        );
    }

    #[test]
    fn versions_follow_the_worst_change() {
        let ga = Stage::Ga;
        assert_eq!(next_version(None, ga, None), "1.0.0");
        assert_eq!(next_version(Some("1.2.3"), ga, None), "1.2.3");
        assert_eq!(
            next_version(Some("1.2.3"), ga, Some(Severity::DocsOnly)),
            "1.2.4"
        );
        assert_eq!(
            next_version(Some("1.2.3"), ga, Some(Severity::Additive)),
            "1.3.0"
        );
        assert_eq!(
            next_version(Some("1.2.3"), ga, Some(Severity::Breaking)),
            "2.0.0"
        );
    }

    #[test]
    fn pre_releases_count_until_the_ga_file_releases_them() {
        let rc = |n| Stage::ReleaseCandidate(n);
        assert_eq!(next_version(None, rc(2), None), "1.0.0-beta.2");
        assert_eq!(
            next_version(None, Stage::EarlyAccess(3), None),
            "1.0.0-alpha.3"
        );
        assert_eq!(
            next_version(Some("1.0.0-beta.2"), rc(2), None),
            "1.0.0-beta.2"
        );
        assert_eq!(
            next_version(Some("1.0.0-beta.2"), rc(2), Some(Severity::Breaking)),
            "1.0.0-beta.2.1"
        );
        assert_eq!(
            next_version(Some("1.0.0-beta.2.1"), rc(2), Some(Severity::Additive)),
            "1.0.0-beta.2.2"
        );
        assert_eq!(
            next_version(Some("1.0.0-beta.2.2"), rc(3), Some(Severity::Additive)),
            "1.0.0-beta.3"
        );
        assert_eq!(
            next_version(Some("1.0.0-alpha.3"), rc(1), None),
            "1.0.0-beta.1"
        );
        assert_eq!(
            next_version(Some("1.0.0-beta.3"), Stage::Ga, Some(Severity::Breaking)),
            "1.0.0"
        );
    }

    #[test]
    fn changes_are_classified_by_what_code_may_rely_on() {
        let old = "- struct k::m::A (s.A)\n  - f: string\n  - g?: i32\n  - n~: string\n\
                   - enum k::m::E (s.E)\n  - X = X\n  - Y = Y\n\
                   - union k::m::U (s.U)\n  - k::m::A\n\
                   - operation k::Client.t().get()\n  - GET /p (get)\n  - arg id: string\n  - set limit: i32\n  - returns k::m::A\n\
                   - struct other::B (o.B)\n  - f: string\n";
        let new = "- struct k::m::A (s.A)\n  - f: i64\n  - h?: bool\n  - r: string\n  - n~: string\n  - q~: string (in new)\n\
                   - enum k::m::E (s.E)\n  - X = X\n  - Z = Z\n\
                   - union k::m::U (s.U)\n  - k::m::A\n  - k::m::C\n\
                   - operation k::Client.t().get()\n  - GET /p (get)\n  - arg id: string\n  - arg other: string\n  - set limit: i32\n  - set page: i32\n  - returns k::m::A\n\
                   - operation k::Client.t().put()\n  - PUT /p (put)\n  - returns nothing\n";
        let changes = classify(old, new, "k");
        let of = |severity| -> Vec<&str> {
            changes
                .iter()
                .filter(|c| c.severity == severity)
                .map(|c| c.text.as_str())
                .collect()
        };
        let mut breaking = of(Severity::Breaking);
        breaking.sort();
        assert_eq!(
            breaking,
            [
                "enum k::m::E: removed `Y = Y`",
                "operation k::Client.t().get(): added `arg other: string`",
                "struct k::m::A: `f: string` became `f: i64`",
                "struct k::m::A: added `q~: string (in new)`",
                "struct k::m::A: added `r: string`",
                "struct k::m::A: removed `g?: i32`",
            ]
        );
        let mut additive = of(Severity::Additive);
        additive.sort();
        assert_eq!(
            additive,
            [
                "added operation k::Client.t().put()",
                "enum k::m::E: added `Z = Z`",
                "operation k::Client.t().get(): added `set page: i32`",
                "struct k::m::A: added `h?: bool`",
                "union k::m::U: added `k::m::C`",
            ]
        );
        // Another crate's entries are not this crate's changes.
        assert!(changes.iter().all(|c| !c.text.contains("other::B")));
        assert!(classify(old, old, "k").is_empty());
    }

    #[test]
    fn the_package_version_is_read_from_its_table() {
        let toml = "# comment\n[package]\nname = \"a\"\nversion = \"1.2.3\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(toml).as_deref(), Some("1.2.3"));
    }

    #[test]
    fn requirements_match_the_version_kind() {
        assert_eq!(requirement_of("1.4.2"), "1");
        assert_eq!(requirement_of("0.3.1"), "0.3");
        assert_eq!(requirement_of("1.0.0-beta.2"), "=1.0.0-beta.2");
    }
}

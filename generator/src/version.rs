//! The Nutanix v4 version scheme: `v<major>.<revision>[.<type><n>]`.
//!
//! GA versions have no type (`v4.0`, `v4.1`); release candidates carry `b<n>` (`v4.1.b2`)
//! and early-access versions `a<n>` (`v4.0.a3`). A version appears in paths
//! (`/iam/v4.1.b2/authn/users`) and in schema names (`iam.v4.1.b2.authn.User`); on the
//! wire, `$objectType` keeps only the major version (`iam.v4.authn.User`).

use std::fmt;

/// A parsed API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// `4` in `v4.1.b2`.
    pub major: u32,
    /// `1` in `v4.1.b2`; `None` for a bare `v4`.
    pub revision: Option<u32>,
    /// GA, release candidate or early access.
    pub stage: Stage,
}

/// How finished a version is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Early access, `a<n>`: may change or disappear.
    EarlyAccess(u32),
    /// Release candidate, `b<n>`: may still change before GA.
    ReleaseCandidate(u32),
    /// Generally available: no type suffix.
    Ga,
}

impl ApiVersion {
    /// Parses `v4`, `v4.0`, `v4.1.b2` or `v4.0.a3`; anything else is `None`.
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let mut parts = text.strip_prefix('v')?.split('.');
        let major = number(parts.next()?)?;
        let revision = match parts.next() {
            None => None,
            Some(part) => Some(number(part)?),
        };
        let stage = match parts.next() {
            None => Stage::Ga,
            Some(_) if revision.is_none() => return None,
            Some(part) => Stage::parse(part)?,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(ApiVersion {
            major,
            revision,
            stage,
        })
    }

    /// Reads a version from the dotted segments of a schema name starting at `start`
    /// (`["iam", "v4", "1", "b2", "authn", "User"]` at 1): the version and the number of
    /// segments it spans. A type segment is only taken after a revision.
    pub fn from_segments(segments: &[&str], start: usize) -> Option<(ApiVersion, usize)> {
        let major = number(segments.get(start)?.strip_prefix('v')?)?;
        let mut version = ApiVersion {
            major,
            revision: None,
            stage: Stage::Ga,
        };
        let mut used = 1;
        if let Some(revision) = segments.get(start + 1).and_then(|s| number(s)) {
            version.revision = Some(revision);
            used = 2;
            if let Some(stage) = segments.get(start + 2).and_then(|s| Stage::parse(s)) {
                version.stage = stage;
                used = 3;
            }
        }
        Some((version, used))
    }

    /// `v4`: the part `$objectType` and the shared crate's modules keep.
    pub fn major_segment(&self) -> String {
        format!("v{}", self.major)
    }

    /// The Cargo version of a crate generated from this API version: `4.1.0`, or with a
    /// pre-release tag, `4.1.0-beta.2` (RC `v4.1.b2`) and `4.0.0-alpha.3` (EA `v4.0.a3`).
    pub fn crate_version(&self) -> String {
        let base = format!("{}.{}.0", self.major, self.revision.unwrap_or(0));
        match self.stage {
            Stage::Ga => base,
            Stage::ReleaseCandidate(n) => format!("{base}-beta.{n}"),
            Stage::EarlyAccess(n) => format!("{base}-alpha.{n}"),
        }
    }

    /// A sentence for crate docs when the version is not GA.
    pub fn stage_note(&self) -> Option<String> {
        match self.stage {
            Stage::Ga => None,
            Stage::ReleaseCandidate(_) => Some(format!(
                "`{self}` is a release candidate of the API: it may still change before it \
                 becomes generally available, and this crate's version carries a pre-release tag."
            )),
            Stage::EarlyAccess(_) => Some(format!(
                "`{self}` is an early-access version of the API: it may change or be withdrawn, \
                 and this crate's version carries a pre-release tag."
            )),
        }
    }
}

impl Stage {
    fn parse(part: &str) -> Option<Stage> {
        if let Some(n) = part.strip_prefix('b') {
            return number(n).map(Stage::ReleaseCandidate);
        }
        part.strip_prefix('a')
            .and_then(number)
            .map(Stage::EarlyAccess)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.major)?;
        if let Some(revision) = self.revision {
            write!(f, ".{revision}")?;
        }
        match self.stage {
            Stage::Ga => Ok(()),
            Stage::ReleaseCandidate(n) => write!(f, ".b{n}"),
            Stage::EarlyAccess(n) => write!(f, ".a{n}"),
        }
    }
}

/// A non-empty run of ASCII digits.
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_family_scheme() {
        for (text, crate_version) in [
            ("v4.0", "4.0.0"),
            ("v4.1", "4.1.0"),
            ("v4.1.b2", "4.1.0-beta.2"),
            ("v4.0.a3", "4.0.0-alpha.3"),
            ("v1", "1.0.0"),
        ] {
            let version = ApiVersion::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(version.to_string(), text);
            assert_eq!(version.crate_version(), crate_version);
            assert_eq!(version.major_segment(), text[..2]);
        }
        for bad in [
            "4.0",
            "v",
            "v4.",
            "v4.x",
            "v4.b2",
            "v4.0.c1",
            "v4.0.b",
            "v4.0.b2.1",
        ] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
        assert!(ApiVersion::parse("v4.1.b2").unwrap().stage_note().is_some());
        assert!(ApiVersion::parse("v4.1").unwrap().stage_note().is_none());
    }

    #[test]
    fn reads_versions_inside_schema_names() {
        let names = ["iam", "v4", "1", "b2", "authn", "User"];
        let (version, used) = ApiVersion::from_segments(&names, 1).unwrap();
        assert_eq!((version.to_string().as_str(), used), ("v4.1.b2", 3));
        let names = ["vmm", "v4", "0", "a1", "Thing"];
        // `a1` right before the type name is still the version's type.
        assert_eq!(ApiVersion::from_segments(&names, 1).unwrap().1, 3);
        let names = ["common", "v1", "0", "config", "Flag"];
        assert_eq!(ApiVersion::from_segments(&names, 1).unwrap().1, 2);
        assert_eq!(ApiVersion::from_segments(&["x", "vv"], 1), None);
    }
}

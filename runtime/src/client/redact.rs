//! Keeps credentials out of `Debug` output and logs.

use std::fmt;

use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;

/// Headers whose values are credentials or session tokens.
const SENSITIVE: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-ntnx-api-key",
];

/// Whether a header's value must never be shown.
pub(crate) fn is_sensitive(name: &HeaderName) -> bool {
    SENSITIVE.contains(&name.as_str())
}

/// Formats headers with the values of credentials replaced by `***`.
pub(crate) struct Headers<'a>(pub(crate) Vec<(&'a HeaderName, &'a HeaderValue)>);

impl<'a> Headers<'a> {
    /// The headers of a map.
    pub(crate) fn of(map: &'a HeaderMap) -> Headers<'a> {
        Headers(map.iter().collect())
    }
}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.0 {
            if is_sensitive(name) || value.is_sensitive() {
                map.entry(name, &"***");
            } else {
                map.entry(name, &String::from_utf8_lossy(value.as_bytes()));
            }
        }
        map.finish()
    }
}

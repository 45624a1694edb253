//! Credentials and the session cookie that replaces them after the first answer.

use std::fmt;
use std::sync::Mutex;

use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, SET_COOKIE};

use crate::Secret;

/// Header that carries an API key.
pub const API_KEY_HEADER: &str = "X-ntnx-api-key";

/// How a client proves who it is. `Debug` never shows the password or key.
#[derive(Clone, Default)]
pub enum Credentials {
    /// No credentials (a proxy or test server that needs none).
    #[default]
    None,
    /// HTTP basic authentication. Replaced by the session cookie once the server sets one.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// An API key, sent as `X-ntnx-api-key` on every request.
    ApiKey(Secret),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"***")
                .finish(),
            Credentials::ApiKey(_) => f.write_str("ApiKey(***)"),
        }
    }
}

impl Credentials {
    /// Adds the credentials' headers; basic authentication only when `with_basic`.
    pub(crate) fn apply(&self, headers: &mut HeaderMap, with_basic: bool) {
        match self {
            Credentials::None => {}
            Credentials::Basic { username, password } => {
                if with_basic {
                    let token = base64(format!("{username}:{}", password.expose()).as_bytes());
                    if let Ok(mut value) = HeaderValue::try_from(format!("Basic {token}")) {
                        value.set_sensitive(true);
                        headers.insert(AUTHORIZATION, value);
                    }
                }
            }
            Credentials::ApiKey(key) => {
                if let Ok(mut value) = HeaderValue::try_from(key.expose()) {
                    value.set_sensitive(true);
                    headers.insert(HeaderName::from_static("x-ntnx-api-key"), value);
                }
            }
        }
    }

    /// Checks that the credentials can be sent as header values.
    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Credentials::ApiKey(key) if HeaderValue::try_from(key.expose()).is_err() => {
                Err("the API key contains characters a header cannot carry".to_owned())
            }
            Credentials::Basic { username, .. } if username.contains(':') => {
                Err("a basic-auth user name cannot contain `:`".to_owned())
            }
            _ => Ok(()),
        }
    }
}

/// Cookies the server set (`name=value` only: one client talks to one server), sent
/// back on every request instead of the basic credentials.
#[derive(Default)]
pub(crate) struct SessionCookies {
    cookies: Mutex<Vec<(String, String)>>,
}

impl SessionCookies {
    /// The `Cookie` header value, if any cookie is held.
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        let cookies = self.cookies.lock().ok()?;
        if cookies.is_empty() {
            return None;
        }
        let text = cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut value = HeaderValue::try_from(text).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Adds the cookie header to `headers` when a cookie is held; returns what it sent.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) -> Option<HeaderValue> {
        let value = self.header()?;
        headers.insert(COOKIE, value.clone());
        Some(value)
    }

    /// Stores the cookies a response sets; an empty value or `Max-Age=0` removes one.
    pub(crate) fn store(&self, headers: &HeaderMap) {
        let Ok(mut cookies) = self.cookies.lock() else {
            return;
        };
        for value in headers.get_all(SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut attributes = text.split(';');
            let Some((name, value)) = attributes.next().and_then(|pair| pair.split_once('='))
            else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim().trim_matches('"'));
            if name.is_empty() {
                continue;
            }
            let expired = attributes.any(|attribute| {
                let attribute = attribute.trim().to_ascii_lowercase();
                attribute == "max-age=0" || attribute.starts_with("max-age=-")
            });
            cookies.retain(|(held, _)| held != name);
            if !expired && !value.is_empty() {
                cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// Drops the cookies if they are still those that were `sent` (a concurrent call
    /// may have stored a fresh session meanwhile).
    pub(crate) fn clear_if_sent(&self, sent: &HeaderValue) {
        if self.header().as_ref() == Some(sent) {
            self.clear();
        }
    }

    /// Drops every cookie.
    pub(crate) fn clear(&self) {
        if let Ok(mut cookies) = self.cookies.lock() {
            cookies.clear();
        }
    }

    /// Whether a cookie is held.
    pub(crate) fn is_held(&self) -> bool {
        self.cookies.lock().map(|c| !c.is_empty()).unwrap_or(false)
    }
}

/// Standard base64 with padding (RFC 4648), for the basic-auth token.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
            ("admin:Nutanix/4u", "YWRtaW46TnV0YW5peC80dQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn cookie_store_set_replace_expire() {
        let jar = SessionCookies::default();
        let mut headers = HeaderMap::new();
        headers.append(
            SET_COOKIE,
            "NTNX_IGW_SESSION=abc; Path=/; Secure; HttpOnly"
                .parse()
                .unwrap(),
        );
        headers.append(SET_COOKIE, "other=1".parse().unwrap());
        jar.store(&headers);
        assert_eq!(jar.header().unwrap(), "NTNX_IGW_SESSION=abc; other=1");
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, "other=; Max-Age=0".parse().unwrap());
        headers.append(SET_COOKIE, "NTNX_IGW_SESSION=def".parse().unwrap());
        jar.store(&headers);
        assert_eq!(jar.header().unwrap(), "NTNX_IGW_SESSION=def");
        jar.clear();
        assert!(!jar.is_held());
    }

    #[test]
    fn debug_hides_secrets() {
        let basic = Credentials::Basic {
            username: "admin".into(),
            password: Secret::new("pa55word"),
        };
        let key = Credentials::ApiKey(Secret::new("k3y"));
        let text = format!("{basic:?} {key:?}");
        assert!(
            !text.contains("pa55word") && !text.contains("k3y"),
            "{text}"
        );
    }
}

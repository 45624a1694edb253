//! What to do with a redirect. The client follows none automatically (reqwest's policy is
//! off): it decides here, so that credentials never travel to another host and a write is
//! never silently turned into a `GET`.
//!
//! - To the configured origin (scheme, host and port of the API root): followed, up to
//!   [`MAX_HOPS`] times, with the client's credentials; `307`/`308` keep the method and
//!   body; `301`/`302`/`303` are followed only by `GET` and `HEAD` (a `POST` answered with
//!   them is an error, not a `GET` to the new place).
//! - To another origin: followed only by a `GET` whose answer carries `X-Redirect-Token`
//!   (how Prism Central hands out an image download on another node), with that token as
//!   the only credential, sent as the `Cookie` as the official SDKs send it (they also send
//!   the basic credentials there; this client does not); any other is an error naming both
//!   places.

use http::{HeaderMap, Method, StatusCode};
use reqwest::Url;

/// Redirects followed per attempt at the most.
pub const MAX_HOPS: usize = 5;

/// The header carrying a cross-host download's credential.
pub const REDIRECT_TOKEN_HEADER: &str = "X-Redirect-Token";

/// The decision about one redirect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Redirect {
    /// Send again to `url` with the client's credentials; `keep_body` for 307/308.
    SameOrigin {
        url: Url,
        method: Method,
        keep_body: bool,
    },
    /// `GET` `url` on another origin with only the redirect token.
    Foreign { url: Url, token: String },
    /// Not followed, for this reason.
    Refused(String),
}

/// Whether `status` is a redirect the client considers (it needs a `Location`).
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The decision for an answer `status` with `headers` to `method` `from`; `origin` is the
/// API root's.
pub(crate) fn decide(
    status: StatusCode,
    headers: &HeaderMap,
    method: &Method,
    from: &Url,
    origin: &Url,
) -> Redirect {
    let Some(location) = headers
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Redirect::Refused(format!("a {status} without a Location"));
    };
    let Ok(url) = from.join(location) else {
        return Redirect::Refused(format!("a {status} to `{location}`, which is not a URL"));
    };
    let same_origin = url.origin() == origin.origin();
    let keeps_method = matches!(status.as_u16(), 307 | 308);
    let reads = matches!(*method, Method::GET | Method::HEAD);
    if !keeps_method && !reads {
        return Redirect::Refused(format!(
            "a {status} of a {method} to {url}; following it would turn the write into a GET, \
             which the SDK never does silently"
        ));
    }
    if same_origin {
        return Redirect::SameOrigin {
            url,
            method: method.clone(),
            keep_body: keeps_method,
        };
    }
    let token = headers
        .get(REDIRECT_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty());
    match (token, *method == Method::GET) {
        (Some(token), true) => Redirect::Foreign {
            url,
            token: token.to_owned(),
        },
        _ => Redirect::Refused(format!(
            "a {status} to {url}, another origin than {}; credentials go only to the \
             configured origin, so the SDK does not follow it",
            origin.origin().ascii_serialization()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn decide_for(status: u16, method: Method, location: &str, token: bool) -> Redirect {
        let origin = Url::parse("https://10.0.0.5:9440/api").unwrap();
        let from = origin.join("/api/vmm/v4.0/content/images/1/file").unwrap();
        let mut pairs = vec![("location", location)];
        if token {
            pairs.push(("x-redirect-token", "tok"));
        }
        decide(
            StatusCode::from_u16(status).unwrap(),
            &headers(&pairs),
            &method,
            &from,
            &origin,
        )
    }

    #[test]
    fn same_origin_redirects_are_followed_keeping_writes_writes() {
        assert_eq!(
            decide_for(302, Method::GET, "/api/other", false),
            Redirect::SameOrigin {
                url: Url::parse("https://10.0.0.5:9440/api/other").unwrap(),
                method: Method::GET,
                keep_body: false,
            }
        );
        assert!(matches!(
            decide_for(307, Method::POST, "/api/other", false),
            Redirect::SameOrigin {
                keep_body: true,
                method: Method::POST,
                ..
            }
        ));
        for status in [301, 302, 303] {
            let Redirect::Refused(reason) = decide_for(status, Method::POST, "/api/other", false)
            else {
                panic!("a {status} of a POST is not followed");
            };
            assert!(reason.contains("never does silently"), "{reason}");
        }
    }

    #[test]
    fn other_origins_only_with_a_redirect_token_and_for_a_get() {
        assert_eq!(
            decide_for(302, Method::GET, "https://10.0.0.6:9440/file", true),
            Redirect::Foreign {
                url: Url::parse("https://10.0.0.6:9440/file").unwrap(),
                token: "tok".to_owned(),
            }
        );
        // Another port is another origin too.
        for (method, location, token) in [
            (Method::GET, "https://10.0.0.6:9440/file", false),
            (Method::GET, "https://10.0.0.5:9441/file", false),
            (Method::PUT, "https://10.0.0.6:9440/file", true),
        ] {
            let decision = decide_for(307, method, location, token);
            assert!(matches!(decision, Redirect::Refused(_)), "{decision:?}");
        }
        assert!(matches!(
            decide(
                StatusCode::FOUND,
                &HeaderMap::new(),
                &Method::GET,
                &Url::parse("https://a/x").unwrap(),
                &Url::parse("https://a/").unwrap()
            ),
            Redirect::Refused(_)
        ));
    }
}

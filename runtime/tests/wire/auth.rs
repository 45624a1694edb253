//! Credentials on the wire: basic auth, API key, and the session cookie flow.

use std::sync::Mutex;

use ntnx_runtime::client::Request;
use ntnx_runtime::{Client, ErrorKind};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::common::*;

/// `admin:Nutanix.4u` in base64.
const BASIC: &str = "Basic YWRtaW46TnV0YW5peC40dQ==";

fn get_image() -> Request {
    Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID)
}

/// A gateway that accepts basic credentials, answers with a session cookie, accepts the
/// current session cookie, and refuses any other.
struct Gateway {
    session: Mutex<u32>,
}

impl Respond for Gateway {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut session = self.session.lock().unwrap();
        let current = format!("NTNX_IGW_SESSION=session-{}", *session);
        let ok = ResponseTemplate::new(200).set_body_json(envelope(image_json("ubuntu")));
        match (header(request, "cookie"), header(request, "authorization")) {
            (Some(cookie), _) if cookie == current => ok,
            (Some(_), _) => ResponseTemplate::new(401),
            (None, Some(BASIC)) => {
                *session += 1;
                ok.insert_header(
                    "set-cookie",
                    format!(
                        "NTNX_IGW_SESSION=session-{}; Path=/; Secure; HttpOnly",
                        *session
                    ),
                )
            }
            (None, _) => ResponseTemplate::new(401),
        }
    }
}

#[tokio::test]
async fn basic_auth_then_session_cookie_then_reauth_once() {
    let server = MockServer::start().await;
    let gateway = Gateway {
        session: Mutex::new(0),
    };
    Mock::given(method("GET"))
        .respond_with(gateway)
        .mount(&server)
        .await;
    let client = builder(&server)
        .basic_auth("admin", "Nutanix.4u")
        .build()
        .unwrap();

    // 1: credentials; the answer sets session-1.
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    assert!(client.has_session());
    // 2: the cookie, no credentials.
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    // The gateway forgets session-1 (simulated by a clone of the client whose cookie
    // is stale after another client got session-2).
    let other = builder(&server)
        .basic_auth("admin", "Nutanix.4u")
        .build()
        .unwrap();
    other
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    // 3: the stale cookie is refused; the client drops it and sends the credentials once.
    let response = client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // 4: the new cookie.
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();

    let requests = received(&server).await;
    let seen: Vec<(Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| (header(r, "cookie"), header(r, "authorization")))
        .collect();
    assert_eq!(
        seen,
        vec![
            (None, Some(BASIC)),
            (Some("NTNX_IGW_SESSION=session-1"), None),
            (None, Some(BASIC)), // the other client
            (Some("NTNX_IGW_SESSION=session-1"), None),
            (None, Some(BASIC)),
            (Some("NTNX_IGW_SESSION=session-3"), None),
        ]
    );
}

#[tokio::test]
async fn wrong_password_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server)
        .basic_auth("admin", "wrong")
        .build()
        .unwrap();
    let error = client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn refused_session_is_reauthenticated_only_once() {
    let server = MockServer::start().await;
    // Sets a cookie on success but then refuses everything.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("a")))
                .insert_header("set-cookie", "NTNX_IGW_SESSION=s1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server)
        .basic_auth("admin", "Nutanix.4u")
        .build()
        .unwrap();
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    let error = client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "first call, cookie try, one re-auth");
    assert_eq!(header(&requests[1], "cookie"), Some("NTNX_IGW_SESSION=s1"));
    assert_eq!(header(&requests[2], "cookie"), None);
    assert_eq!(header(&requests[2], "authorization"), Some(BASIC));
}

#[tokio::test]
async fn api_key_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/vmm/v4.0/content/images/{IMAGE_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(image_json("a"))))
        .mount(&server)
        .await;
    let client = builder(&server).api_key("k-3f9a7c").build().unwrap();
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    for request in received(&server).await {
        assert_eq!(header(&request, "x-ntnx-api-key"), Some("k-3f9a7c"));
        assert_eq!(header(&request, "authorization"), None);
    }
}

#[tokio::test]
async fn session_cookies_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(image_json("a")))
                .insert_header("set-cookie", "NTNX_IGW_SESSION=s1"),
        )
        .mount(&server)
        .await;
    let client: Client = builder(&server)
        .basic_auth("admin", "Nutanix.4u")
        .session_cookies(false)
        .build()
        .unwrap();
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    client
        .send_envelope::<Image, Value>(get_image())
        .await
        .unwrap();
    for request in received(&server).await {
        assert_eq!(header(&request, "authorization"), Some(BASIC));
        assert_eq!(header(&request, "cookie"), None);
    }
}

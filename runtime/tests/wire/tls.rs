//! TLS: verification is on by default; extra CA certificates, the explicit opt-out, and
//! client certificates (mutual TLS).
//!
//! `tls/` holds a test CA and a server certificate for `127.0.0.1` it signed, and a client
//! CA with a client certificate and key it signed, made for these tests only (the keys are
//! trusted nowhere else; the CAs' own keys were thrown away).

use std::sync::Arc;

use ntnx_runtime::client::Request;
use ntnx_runtime::{Client, ErrorKind};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::common::*;

const CA: &str = include_str!("tls/ca.pem");
const CERT: &str = include_str!("tls/server.pem");
const KEY: &str = include_str!("tls/server.key");
const CLIENT_CA: &str = include_str!("tls/client-ca.pem");
const CLIENT_CERT: &str = include_str!("tls/client.pem");
const CLIENT_KEY: &str = include_str!("tls/client.key");

/// An HTTPS server on 127.0.0.1 that answers every request with one image envelope.
async fn https_server() -> u16 {
    serve(false).await
}

/// An HTTPS server on 127.0.0.1 that refuses clients without a certificate signed by the
/// test client CA, and answers others with an image named after their certificate's
/// subject.
async fn mutual_tls_server() -> u16 {
    serve(true).await
}

async fn serve(client_auth: bool) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let certs = CertificateDer::pem_slice_iter(CERT.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if client_auth {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(CLIENT_CA.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = builder.with_single_cert(certs, key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                // The name tells the test whether a client certificate came with the request.
                let name = match tls.get_ref().1.peer_certificates() {
                    Some(chain) => format!("client-certificate-{}-bytes", chain[0].len()),
                    None => "over-tls".to_owned(),
                };
                let body = format!(r#"{{"data":{{"name":"{name}"}},"metadata":{{}}}}"#);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn get() -> Request {
    Request::new(&GET_IMAGE).path_param("extId", IMAGE_ID)
}

fn https_client(port: u16) -> ntnx_runtime::client::ClientBuilder {
    Client::builder("127.0.0.1")
        .port(port)
        .proxy_from_env(false)
        .max_attempts(1)
}

/// A client of the server on `port` that trusts the test CA.
fn trusting_client(port: u16) -> Client {
    https_client(port)
        .add_root_certificate_pem(CA)
        .build()
        .unwrap()
}

/// The name of the image the server answers with.
async fn image_over_tls(client: &Client) -> String {
    let image = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap()
        .into_data()
        .unwrap();
    image.name
}

#[tokio::test]
async fn unknown_issuer_is_refused_by_default() {
    let port = https_server().await;
    let client = https_client(port).build().unwrap();
    assert_eq!(client.api_root(), format!("https://127.0.0.1:{port}/api"));
    let error = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert!(
        !error.is_retryable(),
        "a certificate problem does not go away"
    );
}

#[tokio::test]
async fn extra_ca_certificate_is_trusted() {
    let port = https_server().await;
    let client = trusting_client(port);
    assert_eq!(image_over_tls(&client).await, "over-tls");
}

#[tokio::test]
async fn invalid_certificates_only_when_asked() {
    let port = https_server().await;
    let client = https_client(port)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let response = client.send_envelope::<Image, Value>(get()).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn client_certificate_is_presented_when_given() {
    let port = mutual_tls_server().await;
    let identity = format!("{CLIENT_CERT}{CLIENT_KEY}");
    let client = https_client(port)
        .add_root_certificate_pem(CA)
        .client_identity_pem(identity.as_str())
        .build()
        .unwrap();
    let name = image_over_tls(&client).await;
    let der_len = CertificateDer::from_pem_slice(CLIENT_CERT.as_bytes())
        .unwrap()
        .len();
    assert_eq!(name, format!("client-certificate-{der_len}-bytes"));

    // Without one, the server ends the handshake: a transport error that says so, and
    // one that retrying cannot fix.
    let client = https_client(port)
        .add_root_certificate_pem(CA)
        .build()
        .unwrap();
    let error = client
        .send_envelope::<Image, Value>(get())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("Certificate"), "{error}");
    assert!(!error.is_retryable(), "{error}");
}

#[test]
fn client_identity_is_checked_and_never_shown() {
    let identity = format!("{CLIENT_CERT}{CLIENT_KEY}");
    let builder = Client::builder("127.0.0.1").client_identity_pem(identity.as_str());
    let shown = format!("{builder:?}");
    assert!(shown.contains("client_identity"), "{shown}");
    let key_body = CLIENT_KEY.lines().nth(1).unwrap();
    assert!(!shown.contains(key_body), "{shown}");
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(key_body));

    // A certificate without its key is refused before any request.
    let error = Client::builder("127.0.0.1")
        .client_identity_pem(CLIENT_CERT)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("private key"), "{error}");
}

#[test]
fn bad_pem_is_a_config_error() {
    let error = Client::builder("127.0.0.1")
        .add_root_certificate_pem(
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    let error = Client::builder("127.0.0.1")
        .add_root_certificate_pem("no pem here")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
}

#[test]
fn client_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
    check::<Client>();
}

/// The names of a provider's key-exchange groups, which tell ring's from aws-lc-rs's.
#[cfg(feature = "tls-ring")]
fn kx_groups(provider: &rustls::crypto::CryptoProvider) -> Vec<rustls::NamedGroup> {
    provider
        .kx_groups
        .iter()
        .map(|group| group.name())
        .collect()
}

/// With feature `tls-ring` alone (`cargo xtask test` runs this file so), building a client
/// installs ring as the provider, and TLS works on it.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
#[tokio::test]
async fn tls_ring_installs_ring() {
    let port = https_server().await;
    let client = trusting_client(port);
    let installed = rustls::crypto::CryptoProvider::get_default().expect("a provider");
    assert_eq!(
        kx_groups(installed),
        kx_groups(&rustls::crypto::ring::default_provider())
    );
    assert_eq!(image_over_tls(&client).await, "over-tls");
}

/// With the default feature the provider is aws-lc-rs, as reqwest's own default.
#[cfg(feature = "tls-aws-lc")]
#[tokio::test]
async fn tls_aws_lc_is_the_default() {
    let port = https_server().await;
    let client = trusting_client(port);
    // reqwest uses aws-lc-rs when nothing is installed; nothing of ours installs another.
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    assert_eq!(image_over_tls(&client).await, "over-tls");
}

/// With no TLS feature and no provider installed, building a client says what to do
/// instead of reqwest's panic (`cargo xtask test` runs this test so).
#[cfg(not(any(feature = "tls-aws-lc", feature = "tls-ring")))]
#[test]
fn no_provider_is_a_clear_error() {
    let error = https_client(9440).build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    for needed in ["tls-aws-lc", "tls-ring", "CryptoProvider"] {
        assert!(error.to_string().contains(needed), "{error}");
    }
}

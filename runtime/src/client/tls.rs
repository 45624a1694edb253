//! The rustls crypto provider a client's TLS runs on, chosen by the crate's features:
//! `tls-aws-lc` (the default: reqwest's own provider), `tls-ring` (installed here as the
//! process default), or neither (the program installs one before building a client).

use crate::Error;

/// Makes sure rustls has a crypto provider before reqwest builds a client, which would
/// otherwise panic without one.
pub(crate) fn ensure_provider() -> Result<(), Error> {
    if rustls::crypto::CryptoProvider::get_default().is_some() {
        return Ok(());
    }
    feature_provider()
}

/// With `tls-aws-lc`, reqwest falls back to aws-lc-rs itself.
#[cfg(feature = "tls-aws-lc")]
fn feature_provider() -> Result<(), Error> {
    Ok(())
}

/// With `tls-ring` alone, ring becomes the process default; if another thread installed a
/// provider in the meantime, that one stays, which is as good.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
fn feature_provider() -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(())
}

#[cfg(not(any(feature = "tls-aws-lc", feature = "tls-ring")))]
fn feature_provider() -> Result<(), Error> {
    Err(Error::config(
        "no TLS crypto provider: enable feature `tls-aws-lc` (the default) or `tls-ring` of \
         the ntnx crates, or install a rustls CryptoProvider \
         (`rustls::crypto::CryptoProvider::install_default`) before building a client",
    ))
}

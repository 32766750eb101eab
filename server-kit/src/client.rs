//! The one way this workspace builds an HTTP client.
//!
//! reqwest is built with `rustls-no-provider`: TLS runs on rustls with ring, the crypto the
//! servers already link, instead of reqwest's default aws-lc-rs (a C library that took minutes of
//! every cold build). Without a process-wide provider reqwest panics when a client is built, so
//! every client in the workspace, tests included, starts from [`http_client`].

use std::sync::Once;

/// A reqwest client builder whose TLS uses rustls with ring.
///
/// Installs ring as the process's rustls crypto provider the first time it is called; a provider
/// installed earlier by someone else is left in place.
pub fn http_client() -> reqwest::ClientBuilder {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means a provider is already installed, which is all reqwest needs.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

/// The certificate authorities in a PEM file (`--ca-file`), for
/// `ClientBuilder::tls_certs_merge`; the error names the file.
pub fn read_ca_file(path: &std::path::Path) -> anyhow::Result<Vec<reqwest::Certificate>> {
    use anyhow::Context as _;
    let pem = std::fs::read(path)
        .with_context(|| format!("cannot read the CA file {}", path.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .with_context(|| format!("invalid CA file {}", path.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "the CA file {} holds no CERTIFICATE",
        path.display()
    );
    Ok(certs)
}

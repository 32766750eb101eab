//! HTTPS serving and the local certificate authority, through real TLS connections.

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{Router, routing::get};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
use server_kit::tls::{
    CA_CERT_FILE, CA_KEY_FILE, HANDSHAKE_TIMEOUT, LocalCa, ServerCert, Tls, TlsVars,
};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

const VARS: TlsVars = TlsVars {
    cert: "T_TLS_CERT",
    key: "T_TLS_KEY",
    switch: "T_TLS",
};

/// A fresh directory of this test's own.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("server-kit-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn serve(tls: Tls) -> server_kit::Running {
    let listener = server_kit::bind("127.0.0.1:0").await.unwrap();
    let router = Router::new().route("/", get(|| async { "hello over tls" }));
    server_kit::Running::spawn_with(listener, router, None, Some(tls)).unwrap()
}

/// A client that trusts only the certificates in `ca_file`.
fn connector(ca_file: &std::path::Path) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// `GET /` over TLS to `addr` as `name`: the whole answer, or the handshake's error.
async fn get_over_tls(
    ca_file: &std::path::Path,
    addr: std::net::SocketAddr,
    name: &str,
) -> std::io::Result<String> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let mut tls = connector(ca_file).connect(name, tcp).await?;
    tls.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await?;
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await?;
    Ok(answer)
}

#[tokio::test]
async fn a_leaf_from_the_local_ca_serves_https_for_the_public_host_and_loopback_names() {
    let dir = temp_dir("names");
    let ca = LocalCa::open(&dir).unwrap();
    let hosts = server_kit::tls::leaf_hosts("https://okta.test:9443");
    assert_eq!(hosts, ["okta.test", "localhost", "127.0.0.1", "::1"]);
    let server = serve(ca.issue(&hosts).unwrap()).await;
    for name in ["okta.test", "localhost", "127.0.0.1"] {
        let answer = get_over_tls(&ca.cert_file(), server.local_addr(), name)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.ends_with("hello over tls"), "{answer}");
    }
    let other = get_over_tls(&ca.cert_file(), server.local_addr(), "konnect.test").await;
    let err = other.expect_err("a name the certificate does not cover is refused");
    assert!(err.to_string().contains("certificate"), "{err}");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_refuses_the_server() {
    let (dir, stranger) = (temp_dir("trusted"), temp_dir("stranger"));
    let ca = LocalCa::open(&dir).unwrap();
    let other_ca = LocalCa::open(&stranger).unwrap();
    let server = serve(ca.issue(&["localhost".to_owned()]).unwrap()).await;
    let err = get_over_tls(&other_ca.cert_file(), server.local_addr(), "localhost")
        .await
        .expect_err("another authority's client refuses");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&stranger).unwrap();
}

#[tokio::test]
async fn the_ca_is_made_once_and_reused() {
    let dir = temp_dir("reuse");
    let first = LocalCa::open(&dir).unwrap();
    let (cert, key) = (
        std::fs::read(dir.join(CA_CERT_FILE)).unwrap(),
        std::fs::read(dir.join(CA_KEY_FILE)).unwrap(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join(CA_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the CA key is its owner's alone: {mode:o}");
    }
    let again = LocalCa::open(&dir).unwrap();
    assert_eq!(std::fs::read(dir.join(CA_CERT_FILE)).unwrap(), cert);
    assert_eq!(std::fs::read(dir.join(CA_KEY_FILE)).unwrap(), key);
    // A leaf issued after reopening is trusted through the ca.pem of the first run.
    let server = serve(again.issue(&["localhost".to_owned()]).unwrap()).await;
    let answer = get_over_tls(&first.cert_file(), server.local_addr(), "localhost")
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_ca_is_an_error_that_says_what_to_delete_and_is_left_as_it_is() {
    let dir = temp_dir("damaged");
    LocalCa::open(&dir).unwrap();
    let key_file = dir.join(CA_KEY_FILE);
    let good_key = std::fs::read_to_string(&key_file).unwrap();
    let check = |what: &str| {
        let before = (
            std::fs::read(dir.join(CA_CERT_FILE)).ok(),
            std::fs::read(&key_file).ok(),
        );
        let err = LocalCa::open(&dir).expect_err(what).to_string();
        assert!(err.contains("is damaged"), "{what}: {err}");
        assert!(
            err.contains(&format!("delete {}", dir.display())),
            "{what}: {err}"
        );
        let after = (
            std::fs::read(dir.join(CA_CERT_FILE)).ok(),
            std::fs::read(&key_file).ok(),
        );
        assert_eq!(before, after, "{what}: nothing is overwritten");
    };
    std::fs::write(&key_file, "not a key").unwrap();
    check("a key file that is not PEM");
    std::fs::write(&key_file, good_key.replace("MII", "AAA")).unwrap();
    check("a key file whose blocks do not decode");
    std::fs::write(&key_file, &good_key).unwrap();
    std::fs::write(dir.join(CA_CERT_FILE), "another certificate").unwrap();
    check("a ca.pem that is not the key file's certificate");
    std::fs::remove_file(&key_file).unwrap();
    check("a ca.pem without its key");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn plain_http_on_the_https_port_is_told_to_use_https() {
    let dir = temp_dir("plain");
    let ca = LocalCa::open(&dir).unwrap();
    let server = serve(ca.issue(&["localhost".to_owned()]).unwrap()).await;
    let mut tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_string(&mut answer))
        .await
        .expect("answered at once, not left hanging")
        .unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("Connection: close"), "{answer}");
    assert!(answer.ends_with("use an https:// URL.\n"), "{answer}");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_peer_that_stalls_in_the_handshake_is_dropped_after_the_timeout() {
    let dir = temp_dir("stall");
    let ca = LocalCa::open(&dir).unwrap();
    let server = serve(ca.issue(&["localhost".to_owned()]).unwrap()).await;
    let mut tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    // The first byte of a TLS handshake record, then nothing.
    tcp.write_all(&[0x16]).await.unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(HANDSHAKE_TIMEOUT * 2, tcp.read_to_end(&mut rest))
        .await
        .expect("the server closes the connection");
    assert!(read.is_ok_and(|n| n == 0), "closed without an answer");
    let waited = started.elapsed();
    assert!(
        waited >= HANDSHAKE_TIMEOUT - Duration::from_millis(500),
        "not before the timeout: {waited:?}"
    );
    // The server still serves others.
    let answer = get_over_tls(&ca.cert_file(), server.local_addr(), "localhost")
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_certificate_and_key_from_pem_files_serve_https() {
    let dir = temp_dir("files");
    let ca = LocalCa::open(&dir).unwrap();
    let (cert, key) = ca.issue_pem(&["localhost".to_owned()]).unwrap();
    let (cert_file, key_file) = (dir.join("leaf.pem"), dir.join("leaf-key.pem"));
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let chosen = ServerCert::from_flags(Some(&cert_file), Some(&key_file), false, &VARS)
        .unwrap()
        .expect("TLS asked for");
    let server = serve(chosen.for_url("https://localhost:1").unwrap()).await;
    let answer = get_over_tls(&ca.cert_file(), server.local_addr(), "localhost")
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    server.shutdown().await;

    let err = |cert: Option<&std::path::Path>, key: Option<&std::path::Path>, local: bool| {
        ServerCert::from_flags(cert, key, local, &VARS)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        err(Some(&cert_file), None, false),
        "--tls-cert (T_TLS_CERT): a certificate needs its private key: give --tls-key (T_TLS_KEY)"
    );
    assert_eq!(
        err(None, Some(&key_file), false),
        "--tls-key (T_TLS_KEY): a private key needs its certificate: give --tls-cert (T_TLS_CERT)"
    );
    assert_eq!(
        err(Some(&cert_file), Some(&key_file), true),
        "--tls (T_TLS): makes a certificate from the local authority, but certificate files \
         are given too: leave out the switch, or the files --tls-cert (T_TLS_CERT)"
    );
    let bad = err(Some(&key_file), Some(&key_file), false);
    assert!(bad.contains("leaf-key.pem holds no CERTIFICATE"), "{bad}");
    assert!(
        ServerCert::from_flags(None, None, false, &VARS)
            .unwrap()
            .is_none()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

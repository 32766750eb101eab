//! `--ca-file`: the relying party reaches an https provider whose certificate authority is not
//! the system's only when it is given that authority, and the system's roots stay trusted
//! beside it; `--tls-cert`/`--tls-key` serve the stub itself over https.

use std::time::Duration;

use konnect_stub::oidc_client::RelyingParty;
use server_kit::control::{Clock, Control};

#[tokio::test]
async fn the_relying_party_trusts_an_https_provider_through_the_ca_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let ca = server_kit::tls::LocalCa::open(&dir.path().join("ca")).unwrap();
    let (cert, key) = ca.issue_pem(&["127.0.0.1".to_owned()]).unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let mut config = mock_okta::Config::for_tests();
    config.tls_cert = Some(cert_file.clone());
    config.tls_key = Some(key_file.clone());
    let okta = mock_okta::MockOkta::start(config).await.unwrap();
    let issuer = okta.issuer();
    assert!(issuer.starts_with("https://127.0.0.1:"), "{issuer}");

    let rp = |ca_file: Option<&std::path::Path>| {
        RelyingParty::new(
            Duration::from_secs(5),
            ca_file,
            Control::new(Clock::default()),
        )
        .unwrap()
    };
    let meta = rp(Some(&ca.cert_file())).discover(&issuer).await.unwrap();
    assert_eq!(meta.issuer, issuer);
    let refused = rp(None).discover(&issuer).await;
    assert!(
        refused.is_err(),
        "the system's roots alone do not trust the local CA"
    );

    // A CA file that holds no certificate is refused at start, naming the file.
    let err = konnect_stub::KonnectStub::start(konnect_stub::Config {
        ca_file: Some(key_file.clone()),
        ..konnect_stub::Config::for_tests()
    })
    .await
    .err()
    .expect("refused");
    assert!(format!("{err:#}").contains("key.pem"), "{err:#}");

    // The stub itself over https with the same certificate.
    let stub = konnect_stub::KonnectStub::start(konnect_stub::Config {
        tls_cert: Some(cert_file),
        tls_key: Some(key_file),
        ..konnect_stub::Config::for_tests()
    })
    .await
    .unwrap();
    assert!(
        stub.base_url().starts_with("https://127.0.0.1:"),
        "{}",
        stub.base_url()
    );
    let trusting = server_kit::http_client()
        .tls_certs_merge(server_kit::read_ca_file(&ca.cert_file()).unwrap())
        .build()
        .unwrap();
    let login = trusting
        .get(format!("{}/login", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    stub.shutdown().await;
    okta.shutdown().await;
}

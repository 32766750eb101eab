//! The binary's command-line contract: bad input is one clear line and a non-zero exit.

use std::process::Command;

use crate::support::ReplyExt as _;

/// Runs the binary with `env` set and no other `MOCK_OKTA_*` variable: its exit code and stderr.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mock-okta"));
    for (name, _) in std::env::vars() {
        if name.starts_with("MOCK_OKTA_") {
            command.env_remove(name);
        }
    }
    let out = command
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run mock-okta");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    run_with_env(args, &[])
}

#[test]
fn a_bad_seed_file_is_one_clear_line_and_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        "{\"users\": [{\"profile\": {\"login\": \"not-an-email\"}}]}",
    )
    .unwrap();
    let (code, err) = run(&["--listen", "127.0.0.1:0", "--seed", seed.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("seed.json") && err.contains("users[0]"),
        "{err}"
    );
    let (code, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "/nonexistent/seed.json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("cannot read seed file /nonexistent/seed.json"),
        "{err}"
    );
}

#[test]
fn a_port_in_use_and_a_bad_key_are_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, err) = run(&["--listen", &addr]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("cannot listen on {addr}"))
            && err.contains("--listen")
            && err.contains("MOCK_OKTA_LISTEN"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(&key, "garbage").unwrap();
    let (code, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--signing-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("invalid signing key"), "{err}");
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_2() {
    let (code, err) = run(&["--no-such-flag"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("mock-okta: ") && err.contains("--no-such-flag"),
        "{err}"
    );
}

#[test]
fn a_bad_variable_is_one_line_naming_it_and_exit_2() {
    for (name, value) in [
        ("MOCK_OKTA_SIMPLIFIED_TARGET", "somewhere"),
        ("MOCK_OKTA_LOCKOUT_ATTEMPTS", "many"),
    ] {
        let (code, err) = run_with_env(&["--listen", "127.0.0.1:0"], &[(name, value)]);
        assert_eq!(code, Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(name), "{err}");
    }
}

#[test]
fn a_certificate_without_its_key_is_a_flag_problem_naming_both_and_exit_2() {
    let (code, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        "/nonexistent/cert.pem",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        "mock-okta: --tls-cert (MOCK_OKTA_TLS_CERT): a certificate needs its private key: give \
         --tls-key (MOCK_OKTA_TLS_KEY)"
    );
}

/// `MockOkta::serve` takes a listener the caller bound: it answers there, under the public
/// URL the caller chose (a tool that must know the port before the org URL), and a bad seed
/// is still refused before anything is served.
#[tokio::test]
async fn serve_uses_the_callers_listener_and_public_url() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = mock_okta::Config::for_tests();
    config.signing_key = Some(crate::support::signing_key_file().to_path_buf());
    config.listen = "203.0.113.1:1".to_owned(); // not used by serve
    config.public_url = Some(format!("http://okta.localhost:{port}/"));
    let okta = mock_okta::MockOkta::serve(listener, config).await.unwrap();
    assert_eq!(okta.local_addr().port(), port);
    assert_eq!(okta.base_url(), format!("http://okta.localhost:{port}"));
    let doc = crate::support::browser()
        .get(format!(
            "http://127.0.0.1:{port}/oauth2/default/.well-known/openid-configuration"
        ))
        .reply()
        .await
        .json;
    assert_eq!(
        doc["issuer"],
        format!("http://okta.localhost:{port}/oauth2/default")
    );
    okta.shutdown().await;

    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, "{\"users\": 5}").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = mock_okta::Config::for_tests();
    config.seed = Some(seed);
    let err = mock_okta::MockOkta::serve(listener, config)
        .await
        .err()
        .expect("a bad seed is refused");
    assert!(format!("{err:#}").contains("seed"), "{err:#}");
}

/// `--tls-cert`/`--tls-key`: the org is served over https with that certificate, the org URL
/// and issuer default to https://, and a client that trusts the certificate's authority reads
/// discovery; a client that does not is refused.
#[tokio::test]
async fn a_certificate_from_pem_files_serves_the_org_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca = server_kit::tls::LocalCa::open(&dir.path().join("ca")).unwrap();
    let (cert, key) = ca.issue_pem(&["127.0.0.1".to_owned()]).unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert).unwrap();
    std::fs::write(&key_file, key).unwrap();
    let mut config = mock_okta::Config::for_tests();
    config.signing_key = Some(crate::support::signing_key_file().to_path_buf());
    config.tls_cert = Some(cert_file);
    config.tls_key = Some(key_file);
    let okta = mock_okta::MockOkta::start(config).await.unwrap();
    let port = okta.local_addr().port();
    assert_eq!(okta.base_url(), format!("https://127.0.0.1:{port}"));
    let discovery = format!(
        "{}/oauth2/default/.well-known/openid-configuration",
        okta.base_url()
    );
    let trusting = server_kit::http_client()
        .tls_certs_merge(server_kit::read_ca_file(&ca.cert_file()).unwrap())
        .build()
        .unwrap();
    let doc: serde_json::Value = trusting
        .get(&discovery)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["issuer"],
        format!("https://127.0.0.1:{port}/oauth2/default")
    );
    let stranger = server_kit::http_client().build().unwrap();
    let err = stranger
        .get(&discovery)
        .send()
        .await
        .expect_err("untrusted");
    assert!(format!("{err:?}").contains("UnknownIssuer"), "{err:?}");
    okta.shutdown().await;
}

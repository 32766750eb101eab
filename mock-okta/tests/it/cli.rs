//! The binary's command-line contract: bad input is one clear line and a non-zero exit.

use std::process::Command;

use crate::support::ReplyExt as _;

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mock-okta"))
        .args(args)
        .env_remove("MOCK_OKTA_LISTEN")
        .output()
        .expect("run mock-okta");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    )
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
    let (ok, err) = run(&["--listen", "127.0.0.1:0", "--seed", seed.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("seed.json") && err.contains("users[0]"),
        "{err}"
    );
    let (ok, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "/nonexistent/seed.json",
    ]);
    assert!(!ok);
    assert!(
        err.contains("cannot read seed file /nonexistent/seed.json"),
        "{err}"
    );
}

#[test]
fn a_port_in_use_and_a_bad_key_are_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (ok, err) = run(&["--listen", &addr]);
    assert!(!ok);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(&key, "garbage").unwrap();
    let (ok, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--signing-key",
        key.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("invalid signing key"), "{err}");
}

#[test]
fn an_unknown_flag_fails() {
    let (ok, err) = run(&["--no-such-flag"]);
    assert!(!ok);
    assert!(err.contains("--no-such-flag"), "{err}");
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

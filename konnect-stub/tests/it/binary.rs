//! The command-line contract: ready when GET /login answers 200; a bad flag or seed file is
//! one clear line and a non-zero exit.

use std::{
    io::{BufRead as _, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

use crate::helpers::json_ok;

const BIN: &str = env!("CARGO_BIN_EXE_konnect-stub");

#[test]
fn a_bad_flag_is_one_line_and_exit_2() {
    for args in [
        &["--tier", "gold"][..],
        &["--member", "not-an-email"],
        &["--admin-token", "secret"],
        &["--no-such-flag"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("konnect-stub: "), "{stderr}");
    }
}

#[test]
fn a_bad_seed_file_is_one_line_and_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"organizations":[{"name":"X","users":[{"email":"m@x.test"}]}]}"#,
    )
    .unwrap();
    for path in [seed.clone(), dir.path().join("missing.json")] {
        let out = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--seed"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("seed"), "{stderr}");
    }
}

#[tokio::test]
async fn the_binary_serves_the_login_page() {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .env("KONNECT_STUB_ORG_NAME", "Env Org")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        // Keep reading: a closed pipe would end the binary at its next line of output.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        line
    });
    let line = tokio::time::timeout(Duration::from_secs(30), first)
        .await
        .expect("the binary printed its URL")
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("konnect-stub: ")
        .unwrap()
        .to_owned();
    assert!(url.ends_with("/login"), "{url}");
    let page = server_kit::http_client()
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let http = server_kit::http_client().build().unwrap();
    let org: serde_json::Value = json_ok(
        http.get(url.replace("/login", "/v2/organizations/me"))
            .bearer_auth("kpat_x"),
    )
    .await;
    assert_eq!(org["name"], "Env Org");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Runs the binary with one environment variable set (and no other `KONNECT_STUB_*`): its
/// exit code and its stderr.
fn run_with_env(args: &[&str], var: (&str, &str)) -> (Option<i32>, String) {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars() {
        if name.starts_with("KONNECT_STUB_") {
            command.env_remove(name);
        }
    }
    let out = command.args(args).env(var.0, var.1).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_bad_variable_is_one_line_naming_it_and_exit_2() {
    let (code, stderr) = run_with_env(&["--listen", "127.0.0.1:0"], ("KONNECT_STUB_TIER", "gold"));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("konnect-stub: ") && stderr.contains("KONNECT_STUB_TIER"),
        "{stderr}"
    );
}

#[test]
fn a_port_in_use_is_one_line_naming_the_flag_and_variable_and_exit_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stderr) = run_with_env(&[], ("KONNECT_STUB_LISTEN", &addr));
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}"))
            && stderr.contains("--listen")
            && stderr.contains("KONNECT_STUB_LISTEN"),
        "{stderr}"
    );
}

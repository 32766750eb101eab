//! `cargo run`'s command-line contract, on the built binary: an unknown flag or a bad variable
//! is one line and exit 2, a port in use is one line naming the flag and variable that move
//! it and exit 1. (mock-okta's and konnect-stub's own binaries have the same tests in their
//! crates.)

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// Runs the harness with `env` set and no other `MOCK_OKTA_*`, `KONNECT_STUB_*` or `HARNESS_*`
/// variable: its exit code and stderr. A harness that starts instead of failing is killed
/// after 30 s and the test fails.
fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_harness"));
    for (name, _) in std::env::vars() {
        if ["MOCK_OKTA_", "KONNECT_STUB_", "HARNESS_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            command.env_remove(name);
        }
    }
    let mut child = command
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run harness");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("harness {args:?} {env:?} started instead of failing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

/// Both servers on free ports, so a failing run never meets a stack already running.
const FREE_PORTS: [&str; 4] = [
    "--okta-listen",
    "127.0.0.1:0",
    "--konnect-listen",
    "127.0.0.1:0",
];

fn assert_one_line(stderr: &str) {
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("harness: "), "{stderr}");
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_2() {
    let mut args = FREE_PORTS.to_vec();
    args.push("--no-such-flag");
    let (code, stderr) = run(&args, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_one_line(&stderr);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
}

#[test]
fn a_bad_variable_is_one_line_naming_it_and_exit_2() {
    for var in [
        ("HARNESS_CONFIGURE_OKTA", "yes"),
        ("KONNECT_STUB_TIER", "gold"),
        ("MOCK_OKTA_SIMPLIFIED_TARGET", "somewhere"),
    ] {
        let (code, stderr) = run(&FREE_PORTS, &[var]);
        assert_eq!(code, Some(2), "{var:?}: {stderr}");
        assert_one_line(&stderr);
        assert!(stderr.contains(var.0), "{stderr}");
    }
}

#[test]
fn a_port_in_use_is_one_line_naming_the_flag_and_variable_and_exit_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    for (flag, var, other) in [
        ("--okta-listen", "MOCK_OKTA_LISTEN", "--konnect-listen"),
        ("--konnect-listen", "KONNECT_STUB_LISTEN", "--okta-listen"),
    ] {
        let (code, stderr) = run(&[flag, &addr, other, "127.0.0.1:0"], &[]);
        assert_eq!(code, Some(1), "{flag}: {stderr}");
        assert_one_line(&stderr);
        assert!(
            stderr.contains(&format!("cannot listen on {addr}"))
                && stderr.contains(flag)
                && stderr.contains(var),
            "{stderr}"
        );
    }
}

#[test]
fn tls_flag_problems_are_one_line_and_exit_2_and_a_damaged_ca_exit_1() {
    let (code, stderr) = run(&FREE_PORTS, &[("HARNESS_TLS", "maybe")]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_one_line(&stderr);
    assert!(stderr.contains("HARNESS_TLS"), "{stderr}");

    let mut args = FREE_PORTS.to_vec();
    args.extend(["--okta-tls-cert", "/nonexistent/cert.pem"]);
    let (code, stderr) = run(&args, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_one_line(&stderr);
    assert!(
        stderr.contains(
            "--okta-tls-cert (MOCK_OKTA_TLS_CERT): a certificate needs its private key: give \
             --okta-tls-key (MOCK_OKTA_TLS_KEY)"
        ),
        "{stderr}"
    );

    // A damaged local CA stops the start, says what to delete, and is left as it is.
    let dir = std::env::temp_dir().join(format!("harness-cli-damaged-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ca-key.pem"), "not a key").unwrap();
    let mut args = FREE_PORTS.to_vec();
    args.push("--tls");
    let (code, stderr) = run(&args, &[("HARNESS_CA_DIR", dir.to_str().unwrap())]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_one_line(&stderr);
    assert!(
        stderr.contains("is damaged") && stderr.contains(&format!("delete {}", dir.display())),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("ca-key.pem")).unwrap(),
        "not a key"
    );
    assert!(!dir.join("ca.pem").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

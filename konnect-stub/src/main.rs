//! `konnect-stub`: parse the configuration, set up tracing, serve until Ctrl-C.

use std::process::ExitCode;

use clap::Parser as _;
use konnect_stub::{Config, KonnectStub};

fn main() -> ExitCode {
    let config = match Config::try_parse() {
        Ok(config) => config,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One clear line, not clap's usage block.
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("konnect-stub: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("konnect-stub: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let stub = match KonnectStub::start(config.clone()).await {
            Ok(stub) => stub,
            Err(e) => {
                eprintln!("konnect-stub: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        println!("konnect-stub: {}/login", stub.base_url());
        println!(
            "  Organization Admin: {} / {}",
            config.admin_email, config.admin_password
        );
        for m in &config.members {
            println!("  Member:             {} / {}", m.email, m.password);
        }
        match &config.admin_token {
            Some(t) => println!("  Admin token:        {t}"),
            None => println!("  Admin token:        any kpat_… value"),
        }
        println!("  Redirect URI for the IdP: {}", stub.redirect_uri());
        let _ = tokio::signal::ctrl_c().await;
        stub.shutdown().await;
        ExitCode::SUCCESS
    })
}

//! mock-okta's binary: parse the configuration, set up logging, serve.

use clap::Parser as _;
use mock_okta::{Config, MockOkta};

#[tokio::main]
async fn main() {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "mock_okta=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match MockOkta::start(config).await {
        Ok(okta) => {
            tracing::info!(org = okta.base_url(), issuer = %okta.issuer(), "mock-okta is ready");
            println!("mock-okta org URL: {}", okta.base_url());
            tokio::select! {
                () = shutdown_signal() => okta.shutdown().await,
            }
        }
        Err(err) => {
            eprintln!("mock-okta: {err:#}");
            std::process::exit(1);
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

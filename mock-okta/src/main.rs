//! mock-okta's binary: parse the configuration, set up logging, serve.

use clap::Parser as _;
use mock_okta::{Config, MockOkta};

/// One thread answers HTTP: requests are short, and a second thread on a small machine
/// mostly adds cross-thread wake-ups and takes CPU from the clients under test. The slow work
/// (RSA signing) runs on tokio's blocking pool, one thread per core.
fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(cores)
        .build();
    match runtime {
        Ok(rt) => rt.block_on(run()),
        Err(err) => {
            eprintln!("mock-okta: cannot start the runtime: {err}");
            std::process::exit(1);
        }
    }
}

async fn run() {
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

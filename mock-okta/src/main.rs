//! mock-okta's binary: parse the configuration, set up logging, serve.

use mock_okta::{Config, MockOkta};

/// mimalloc: the servers allocate and free many small buffers per request, and glibc's
/// malloc was about a tenth of mock-okta's HTTP thread under the login bench.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One thread answers HTTP: requests are short, and a second thread on a small machine
/// mostly adds cross-thread wake-ups and takes CPU from the clients under test. The slow work
/// (RSA signing) runs on tokio's blocking pool, one thread per core.
fn main() -> std::process::ExitCode {
    let config = match server_kit::cli::parse::<Config>("mock-okta") {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(problem) = config.check_flags() {
        eprintln!("mock-okta: {problem}");
        return std::process::ExitCode::from(2);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(cores)
        .build();
    match runtime {
        Ok(rt) => rt.block_on(run(config)),
        Err(err) => {
            eprintln!("mock-okta: cannot start the runtime: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> std::process::ExitCode {
    server_kit::cli::init_logging("mock_okta=info");
    match MockOkta::start(config.clone()).await {
        Ok(okta) => {
            tracing::info!(org = okta.base_url(), issuer = %okta.issuer(), "mock-okta is ready");
            println!("mock-okta org URL: {}", okta.base_url());
            println!("mock-okta listening on {}", okta.local_addr());
            match &config.seed {
                Some(path) => println!(
                    "mock-okta seeded org: {} (from {}; a seed file replaces the default org)",
                    okta.directory().summary(),
                    path.display()
                ),
                None => println!(
                    "mock-okta seeded org: {} (the default org)",
                    okta.directory().summary()
                ),
            }
            tokio::select! {
                () = shutdown_signal() => okta.shutdown().await,
            }
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "mock-okta: {err:#}{}",
                server_kit::cli::port_hint(&err, "--listen", "MOCK_OKTA_LISTEN")
            );
            std::process::ExitCode::FAILURE
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

//! `konnect-stub`: parse the configuration, set up logging, serve until Ctrl-C. The command
//! line keeps `server_kit::cli`'s contract: a flag or variable problem is one line and exit
//! status 2, a problem at run time (seed file, port in use) one line and exit status 1.

use std::process::ExitCode;

use konnect_stub::{Config, KonnectStub};

/// mimalloc: the servers allocate and free many small buffers per request, and glibc's
/// malloc was about a tenth of mock-okta's HTTP thread under the login bench.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = match server_kit::cli::parse::<Config>("konnect-stub") {
        Ok(config) => config,
        Err(code) => return code,
    };
    if let Err(problem) = config.check_flags() {
        eprintln!("konnect-stub: {problem}");
        return ExitCode::from(2);
    }
    server_kit::cli::init_logging("info");
    // One thread answers HTTP, as in mock-okta: requests are short (the slowest part of a
    // login here is the ID token's signature check, about 0.03 ms), and a second worker on a
    // small machine mostly adds cross-thread wake-ups and takes CPU from the provider and the
    // clients under test.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
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
                eprintln!(
                    "konnect-stub: {e:#}{}",
                    server_kit::cli::port_hint(&e, "--listen", "KONNECT_STUB_LISTEN")
                );
                return ExitCode::FAILURE;
            }
        };
        println!("konnect-stub: {}/login", stub.base_url());
        println!("  listening on       {}", stub.local_addr());
        println!("  seeded             {}", stub.directory().summary());
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

//! `cargo run`: mock-okta and konnect-stub together, as different sites, with their URLs and
//! seeded credentials printed; `--configure-okta` performs the guide's set-up up front.

use std::process::ExitCode;

use clap::Parser;
use harness::{Stack, StackConfig};

/// Starts mock-okta and konnect-stub together.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about)]
struct Args {
    /// mock-okta's address; it is served as http://127.0.0.1:<port>.
    #[arg(long, env = "HARNESS_OKTA_LISTEN", default_value = "127.0.0.1:9000")]
    okta_listen: String,

    /// konnect-stub's address; it is served as http://localhost:<port>, another site than Okta.
    #[arg(long, env = "HARNESS_KONNECT_LISTEN", default_value = "127.0.0.1:8000")]
    konnect_listen: String,

    /// Plan of the Konnect organization (Okta SSO needs enterprise).
    #[arg(
        long,
        env = "HARNESS_KONNECT_TIER",
        value_enum,
        default_value = "enterprise"
    )]
    konnect_tier: konnect_stub::Tier,

    /// Perform the guide's set-up at start: create the Konnect app in mock-okta (assigned to
    /// Everyone) and configure and enable Okta in Konnect, so SSO works at once.
    #[arg(long, env = "HARNESS_CONFIGURE_OKTA")]
    configure_okta: bool,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("harness: {}", line.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("harness: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match run(args).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("harness: {e:#}");
                ExitCode::FAILURE
            }
        }
    })
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mut config = StackConfig::for_tests();
    config.okta.listen = args.okta_listen;
    config.konnect.listen = args.konnect_listen;
    config.konnect.tier = args.konnect_tier;
    let okta_token = config.okta.api_token.clone();
    let konnect = config.konnect.clone();
    let stack = Stack::start(config).await?;
    let setup = if args.configure_okta {
        Some(stack.configure_okta().await?)
    } else {
        None
    };

    println!("mock-okta     {}", stack.okta_url());
    println!("  issuer        {}", stack.okta.issuer());
    println!("  API token     SSWS {okta_token}");
    println!("  users         admin@example.com / Admin-Passw0rd! (Super Admin)");
    println!("                user@example.com / User-Passw0rd!");
    println!("konnect-stub  {}/login", stack.konnect_url());
    println!(
        "  org admin     {} / {} ({}, {})",
        konnect.admin_email,
        konnect.admin_password,
        konnect.org_name,
        konnect.tier.label()
    );
    for m in &konnect.members {
        println!("  member        {} / {}", m.email, m.password);
    }
    println!(
        "  API token     {}",
        konnect.admin_token.as_deref().unwrap_or("any kpat_… value")
    );
    println!(
        "  redirect URI  {} (register it in Okta)",
        stack.konnect.redirect_uri()
    );
    match &setup {
        Some(s) => {
            println!(
                "Okta is configured for Konnect (app client_id {}).",
                s.client_id
            );
            println!("  login URL     {}", s.login_url);
        }
        None => println!("Run with --configure-okta to do the guide's set-up up front."),
    }
    println!("Ctrl-C stops both.");
    tokio::signal::ctrl_c().await?;
    stack.shutdown().await;
    Ok(())
}

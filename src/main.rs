//! `cargo run`: mock-okta and konnect-stub together, as different sites, with their URLs and
//! the credentials that work printed; `--configure-okta` performs the guide's set-up up
//! front. The options are in `cli.rs`; the command line keeps `server_kit::cli`'s contract
//! (a flag or variable problem is one line and exit status 2, a problem at run time one line
//! and exit status 1).

use std::process::ExitCode;

use harness::{OktaSetup, Stack, StackConfig, cli::Args};

fn main() -> ExitCode {
    let args = match server_kit::cli::parse::<Args>("harness") {
        Ok(args) => args,
        Err(code) => return code,
    };
    let config = match args.stack() {
        Ok(config) => config,
        Err(problem) => {
            eprintln!("harness: {problem}");
            return ExitCode::from(2);
        }
    };
    server_kit::cli::init_logging("warn");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("harness: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match run(config, args.configure_okta).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                // Stack::start names the server that failed as the outermost context.
                let hint = match e.to_string().as_str() {
                    "mock-okta" => {
                        server_kit::cli::port_hint(&e, "--okta-listen", "MOCK_OKTA_LISTEN")
                    }
                    "konnect-stub" => {
                        server_kit::cli::port_hint(&e, "--konnect-listen", "KONNECT_STUB_LISTEN")
                    }
                    _ => String::new(),
                };
                eprintln!("harness: {e:#}{hint}");
                ExitCode::FAILURE
            }
        }
    })
}

async fn run(config: StackConfig, configure_okta: bool) -> anyhow::Result<()> {
    let okta = config.okta.clone();
    let konnect = config.konnect.clone();
    let stack = Stack::start(config).await?;
    let setup = if configure_okta {
        match stack.configure_okta().await {
            Ok(setup) => Some(setup),
            Err(e) => {
                stack.shutdown().await;
                return Err(e.context("the guide's set-up (--configure-okta)"));
            }
        }
    } else {
        None
    };
    print_okta(&stack, &okta, setup.as_ref());
    print_konnect(&stack, &konnect, setup.as_ref());
    if let Some(ca) = stack.ca_file() {
        print_trust(ca);
    }
    println!("Ctrl-C stops both.");
    tokio::signal::ctrl_c().await?;
    stack.shutdown().await;
    Ok(())
}

/// Where the local certificate authority is and how to trust it, for `--tls`.
fn print_trust(ca: &std::path::Path) {
    let ca = ca.display();
    println!("https: certificates from the local CA {ca} (kept for the next runs)");
    println!("  trust it once, so browsers and tools show no certificate warning:");
    println!(
        "  Chromium      certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n okta-konnect-harness -i {ca}"
    );
    println!(
        "  Firefox       Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import {ca}"
    );
    println!(
        "  system        sudo cp {ca} /usr/local/share/ca-certificates/okta-konnect-harness.crt && sudo update-ca-certificates"
    );
    println!("  Node          NODE_EXTRA_CA_CERTS={ca}");
    println!("  Python        SSL_CERT_FILE={ca} (requests: REQUESTS_CA_BUNDLE={ca})");
}

fn print_okta(stack: &Stack, okta: &mock_okta::Config, setup: Option<&OktaSetup>) {
    use mock_okta::seed::{
        DEFAULT_ADMIN_LOGIN, DEFAULT_ADMIN_PASSWORD, DEFAULT_USER_LOGIN, DEFAULT_USER_PASSWORD,
    };
    println!(
        "mock-okta     {} (listening on {})",
        stack.okta_url(),
        stack.okta.local_addr()
    );
    println!("  issuer        {}", stack.okta.issuer());
    println!("  API token     SSWS {}", okta.api_token);
    let summary = stack.okta.directory().summary();
    match &okta.seed {
        None => {
            println!(
                "  users         {DEFAULT_ADMIN_LOGIN} / {DEFAULT_ADMIN_PASSWORD} (Super Admin)"
            );
            println!("                {DEFAULT_USER_LOGIN} / {DEFAULT_USER_PASSWORD}");
        }
        Some(path) => println!(
            "  seeded org    {summary} from {} (it replaces the default org)",
            path.display()
        ),
    }
    println!("  admin console {}/admin/dashboard", stack.okta_url());
    match setup {
        Some(s) => println!(
            "  dashboard     {}/app/UserHome (the Konnect tile, app {})",
            stack.okta_url(),
            s.app_id
        ),
        None => println!("  dashboard     {}/app/UserHome", stack.okta_url()),
    }
}

fn print_konnect(stack: &Stack, konnect: &konnect_stub::Config, setup: Option<&OktaSetup>) {
    println!(
        "konnect-stub  {}/login (listening on {})",
        stack.konnect_url(),
        stack.konnect.local_addr()
    );
    println!(
        "  org admin     {} / {} ({}, {})",
        konnect.admin_email,
        konnect.admin_password,
        konnect.org_name,
        konnect.tier.label()
    );
    for m in &konnect.members {
        match setup {
            // With SSO on, Konnect refuses a member's password: the member signs in at Okta.
            Some(s) => println!(
                "  member        {}: through Okta at {} (with the Okta password)",
                m.email, s.login_url
            ),
            None => println!("  member        {} / {}", m.email, m.password),
        }
    }
    if konnect.seed.is_some() {
        println!("  seeded        {}", stack.konnect.directory().summary());
    }
    println!(
        "  API token     {}",
        konnect.admin_token.as_deref().unwrap_or("any kpat_… value")
    );
    println!(
        "  redirect URI  {} (register it in Okta)",
        stack.konnect.redirect_uri()
    );
    match setup {
        Some(s) => {
            println!(
                "Okta is configured for Konnect (app client_id {}).",
                s.client_id
            );
            println!("  login URL     {}", s.login_url);
        }
        None => println!("Run with --configure-okta to do the guide's set-up up front."),
    }
}

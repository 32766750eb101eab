//! The command line of `cargo run`: every option of mock-okta and of konnect-stub, with
//! `--okta-`/`--konnect-` before the flag and the servers' own environment variables
//! (`MOCK_OKTA_*`, `KONNECT_STUB_*`), plus the harness's own `--configure-okta`. The README's
//! table of them is [`options_table`], checked by a test.

use clap::{Arg, CommandFactory as _, Parser};
use server_kit::cli::{FlagProblem, Prefix, Prefixed};

use crate::StackConfig;

/// mock-okta's options as `--okta-…`.
#[derive(Debug, Clone)]
pub struct OktaFlags;

impl Prefix for OktaFlags {
    const FLAG: &'static str = "okta";
    const HEADING: &'static str = "mock-okta (the Okta org)";

    fn adjust(arg: Arg) -> Arg {
        match arg.get_long() {
            Some("okta-public-url") => arg.help(format!(
                "The org URL browsers and clients use [default: http://{}:<bound port>, https:// with TLS, whatever \
                 the listen host]; it must name another host than Konnect's",
                crate::OKTA_HOST
            )),
            _ => arg,
        }
    }
}

/// konnect-stub's options as `--konnect-…`.
#[derive(Debug, Clone)]
pub struct KonnectFlags;

impl Prefix for KonnectFlags {
    const FLAG: &'static str = "konnect";
    const HEADING: &'static str = "konnect-stub (the Konnect organization)";

    fn adjust(arg: Arg) -> Arg {
        match arg.get_long() {
            Some("konnect-public-url") => arg.help(format!(
                "Public base URL the browser uses [default: http://{}:<bound port>, https:// with TLS, whatever the \
                 listen host]; it must name another host than Okta's. The redirect URI to \
                 register at the identity provider is {{public URL}}/login",
                crate::KONNECT_HOST
            )),
            _ => arg,
        }
    }
}

/// Starts mock-okta and konnect-stub together.
///
/// Okta is served as http://127.0.0.1:<port> and Konnect as http://localhost:<port> (https://
/// with --tls), whatever address each listens on (0.0.0.0 included): two different sites in the browser, as in
/// production. --okta-public-url and --konnect-public-url choose other names, which must differ.
#[derive(Debug, Clone, Parser)]
#[command(name = "harness", version)]
pub struct Args {
    /// Perform the guide's set-up at start: create the Konnect app in mock-okta (assigned to
    /// Everyone, with a dashboard tile) and configure and enable Okta in Konnect, so SSO works
    /// at once. Needs an Enterprise organization.
    #[arg(long, env = "HARNESS_CONFIGURE_OKTA", value_parser = server_kit::cli::switch())]
    pub configure_okta: bool,

    /// Serve both on https with certificates from the local certificate authority, made on
    /// first use in $HARNESS_CA_DIR [default: okta-konnect-harness/ca under $XDG_DATA_HOME or ~/.local/share]; the
    /// CA file to trust is printed at start (a server given its own certificate files keeps
    /// them). Konnect trusts it for its calls to Okta.
    #[arg(long, env = "HARNESS_TLS", value_parser = server_kit::cli::switch())]
    pub tls: bool,

    #[command(flatten)]
    pub okta: Prefixed<mock_okta::Config, OktaFlags>,

    #[command(flatten)]
    pub konnect: Prefixed<konnect_stub::Config, KonnectFlags>,
}

impl Args {
    /// The stack these options describe, or the one problem with them no single flag's
    /// parser sees: a Konnect member given twice, `--configure-okta` on a Free organization,
    /// Okta and Konnect under one host name.
    pub fn stack(&self) -> Result<StackConfig, FlagProblem> {
        let mut okta = self.okta.inner.clone();
        let mut konnect = self.konnect.inner.clone();
        okta.check_flags()
            .map_err(|p| p.prefixed(OktaFlags::FLAG))?;
        konnect
            .check_flags()
            .map_err(|p| p.prefixed(KonnectFlags::FLAG))?;
        // `--tls`: a server given no certificate files of its own gets one from the local CA.
        if self.tls {
            okta.tls |= okta.tls_cert.is_none();
            konnect.tls |= konnect.tls_cert.is_none();
        }
        if self.configure_okta && konnect.tier != konnect_stub::Tier::Enterprise {
            return Err(FlagProblem::new(
                "konnect-tier",
                "KONNECT_STUB_TIER",
                "--configure-okta turns on Okta single sign-on, which needs an Enterprise \
                 organization: use --konnect-tier enterprise, or leave --configure-okta out",
            ));
        }
        let okta_host = host(okta.public_url.as_deref()).unwrap_or(crate::OKTA_HOST.to_owned());
        let konnect_host =
            host(konnect.public_url.as_deref()).unwrap_or(crate::KONNECT_HOST.to_owned());
        if okta_host.eq_ignore_ascii_case(&konnect_host) {
            let (flag, var) = if okta.public_url.is_some() {
                ("okta-public-url", "MOCK_OKTA_PUBLIC_URL")
            } else {
                ("konnect-public-url", "KONNECT_STUB_PUBLIC_URL")
            };
            return Err(FlagProblem::new(
                flag,
                var,
                format!(
                    "Okta and Konnect would both be {okta_host}, one site in the browser; give \
                     them two different host names (by default {} and {})",
                    crate::OKTA_HOST,
                    crate::KONNECT_HOST
                ),
            ));
        }
        let mut stack = StackConfig::for_tests();
        stack.okta = okta;
        stack.konnect = konnect;
        Ok(stack)
    }
}

/// The host of a public URL the value parser already accepted.
fn host(public_url: Option<&str>) -> Option<String> {
    reqwest::Url::parse(public_url?)
        .ok()?
        .host_str()
        .map(str::to_owned)
}

/// Every option of `cargo run` as a Markdown table: flag, environment variable, default and
/// what it is, from the same definitions `--help` prints.
pub fn options_table() -> String {
    let cmd = Args::command();
    let mut table = String::from("| Flag | Env var | Default | What |\n|---|---|---|---|\n");
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version") {
            continue;
        }
        let takes_value = arg.get_action().takes_values();
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_owned())
            .collect();
        let value = if !takes_value {
            String::new()
        } else if !possible.is_empty() && possible != ["true", "false", "1", "0"] {
            format!(" {}", possible.join("\\|"))
        } else {
            let name = arg.get_value_names().and_then(|n| n.first()).map_or_else(
                || arg.get_id().to_string().to_uppercase(),
                |n| n.to_string(),
            );
            format!(" {name}")
        };
        let var = arg
            .get_env()
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .unwrap_or_default();
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let default = if default.is_empty() || !takes_value {
            "—".to_owned()
        } else {
            format!("`{}`", default.join(","))
        };
        let help = arg
            .get_help()
            .map(|h| h.to_string().replace('\n', " ").replace('|', "\\|"))
            .unwrap_or_default();
        table.push_str(&format!(
            "| `--{long}{value}` | {var} | {default} | {help} |\n"
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(argv: &[&str]) -> Args {
        let mut all = vec!["harness"];
        all.extend_from_slice(argv);
        Args::try_parse_from(all).unwrap()
    }

    #[test]
    fn each_servers_options_are_reached_under_its_prefix() {
        let a = args(&[
            "--okta-api-token",
            "00tok",
            "--okta-seed",
            "/tmp/o.json",
            "--okta-listen",
            "0.0.0.0:0",
            "--konnect-member",
            "a@x.test:pw",
            "--konnect-member",
            "b@x.test:pw",
            "--konnect-tier",
            "free",
            "--konnect-seed",
            "/tmp/k.json",
        ]);
        let stack = a.stack().unwrap();
        assert_eq!(stack.okta.api_token, "00tok");
        assert_eq!(stack.okta.seed.as_deref(), Some("/tmp/o.json".as_ref()));
        assert_eq!(stack.okta.listen, "0.0.0.0:0");
        assert_eq!(stack.konnect.members.len(), 2);
        assert_eq!(stack.konnect.tier, konnect_stub::Tier::Free);
        assert_eq!(stack.konnect.seed.as_deref(), Some("/tmp/k.json".as_ref()));
        // What is not given keeps the server's own default.
        assert_eq!(stack.konnect.listen, konnect_stub::config::DEFAULT_LISTEN);
        assert!(!a.configure_okta);
    }

    #[test]
    fn flag_problems_name_the_prefixed_flag_and_the_variable() {
        let dup = args(&[
            "--konnect-member",
            "a@x.test:1",
            "--konnect-member",
            "a@x.test:2",
        ]);
        assert!(
            dup.stack()
                .unwrap_err()
                .to_string()
                .starts_with("--konnect-member (KONNECT_STUB_MEMBERS): a@x.test is given twice")
        );
        let free = args(&["--configure-okta", "--konnect-tier", "free"]);
        assert!(
            free.stack()
                .unwrap_err()
                .to_string()
                .starts_with("--konnect-tier (KONNECT_STUB_TIER): --configure-okta turns on")
        );
        let one_site = args(&["--okta-public-url", "http://localhost:9000"]);
        assert_eq!(
            one_site.stack().unwrap_err().to_string(),
            "--okta-public-url (MOCK_OKTA_PUBLIC_URL): Okta and Konnect would both be \
             localhost, one site in the browser; give them two different host names (by \
             default 127.0.0.1 and localhost)"
        );
        assert!(
            args(&["--okta-public-url", "http://okta.test:9000"])
                .stack()
                .is_ok()
        );
    }

    /// The README's table of `cargo run`'s options, between its marker comments.
    fn readme_options_table() -> Option<String> {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("read README.md");
        let (_, rest) = readme.split_once("<!-- options:start -->\n")?;
        let (table, _) = rest.split_once("<!-- options:end -->")?;
        Some(table.to_owned())
    }

    #[test]
    fn the_readme_lists_every_option_as_help_does() {
        let expected = options_table();
        assert!(
            readme_options_table().as_deref() == Some(expected.as_str()),
            "README.md's table between <!-- options:start --> and <!-- options:end --> \
             differs from the options; put this there:\n{expected}"
        );
    }

    #[test]
    fn the_switch_takes_one_and_zero() {
        assert!(args(&["--configure-okta"]).configure_okta);
        assert!(!args(&[]).configure_okta);
    }
}

//! Command line, environment and seed file. Tests build a [`Config`] in code
//! ([`Config::for_tests`]); nothing is read from the working directory.

use std::{path::PathBuf, time::Duration};

use server_kit::cli::FlagProblem;

use crate::org::{Email, Role, Seed, SeedOrganization, SeedUser, Tier};

/// Default admin credentials (the same as mock-okta's seeded admin, so one pair works on both).
pub const DEFAULT_ADMIN_EMAIL: &str = "admin@example.com";
pub const DEFAULT_ADMIN_PASSWORD: &str = "Admin-Passw0rd!";
/// Default member, `EMAIL:PASSWORD` (mock-okta seeds the same user).
pub const DEFAULT_MEMBER: &str = "user@example.com:User-Passw0rd!";
pub const DEFAULT_ORG_NAME: &str = "Acme Co.";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";

/// A member given on the command line as `EMAIL:PASSWORD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSpec {
    pub email: String,
    pub password: String,
}

fn parse_member(raw: &str) -> Result<MemberSpec, String> {
    let (email, password) = raw
        .split_once(':')
        .ok_or_else(|| format!("{raw:?} is not EMAIL:PASSWORD"))?;
    let email = Email::parse(email)?;
    if password.is_empty() {
        return Err(format!("the password of {email} is empty"));
    }
    Ok(MemberSpec {
        email: email.to_string(),
        password: password.to_owned(),
    })
}

fn parse_token(raw: &str) -> Result<String, String> {
    if raw.starts_with("kpat_") && raw.len() > "kpat_".len() && !raw.contains(char::is_whitespace) {
        Ok(raw.to_owned())
    } else {
        Err("a personal access token starts with kpat_".to_owned())
    }
}

/// A Kong Konnect Cloud organization: built-in login, Identity Management for Okta, SSO as an
/// OpenID Connect relying party, and the v2 identity API.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "konnect-stub", version, about, long_about = None)]
pub struct Config {
    /// Address to listen on, HOST:PORT (port 0 picks a free port).
    #[arg(long, env = "KONNECT_STUB_LISTEN", default_value = DEFAULT_LISTEN, value_parser = server_kit::cli::listen_address)]
    pub listen: String,

    /// Public base URL the browser uses (default: http://{listen address}, https:// when
    /// serving TLS). The redirect URI to
    /// register at the identity provider is {public URL}/login.
    #[arg(long, env = "KONNECT_STUB_PUBLIC_URL", value_parser = server_kit::cli::public_url)]
    pub public_url: Option<String>,

    /// Plan of the default organization; Okta SSO needs enterprise.
    #[arg(
        long,
        env = "KONNECT_STUB_TIER",
        value_enum,
        default_value = "enterprise"
    )]
    pub tier: Tier,

    /// Name of the default organization (its default login path is a slug of it).
    #[arg(long, env = "KONNECT_STUB_ORG_NAME", default_value = DEFAULT_ORG_NAME)]
    pub org_name: String,

    /// Email of the default organization's Organization Admin (its owner).
    #[arg(long, env = "KONNECT_STUB_ADMIN_EMAIL", default_value = DEFAULT_ADMIN_EMAIL)]
    pub admin_email: String,

    /// Password of the Organization Admin.
    #[arg(long, env = "KONNECT_STUB_ADMIN_PASSWORD", default_value = DEFAULT_ADMIN_PASSWORD)]
    pub admin_password: String,

    /// The admin's personal access token for the v2 API. Without it, any token that starts
    /// with kpat_ is accepted as the admin's.
    #[arg(long, env = "KONNECT_STUB_ADMIN_TOKEN", value_parser = parse_token)]
    pub admin_token: Option<String>,

    /// A member of the default organization, EMAIL:PASSWORD; repeatable (comma-separated in
    /// the environment variable).
    #[arg(
        long = "member",
        env = "KONNECT_STUB_MEMBERS",
        value_delimiter = ',',
        value_parser = parse_member,
        default_value = DEFAULT_MEMBER
    )]
    pub members: Vec<MemberSpec>,

    /// JSON file with more organizations, added after the default one the flags describe
    /// (see the README for its shape).
    #[arg(long, env = "KONNECT_STUB_SEED")]
    pub seed: Option<PathBuf>,

    /// Total time allowed for each request to an identity provider, in milliseconds
    /// (connecting gets at most half of it).
    #[arg(long, env = "KONNECT_STUB_IDP_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=120_000))]
    pub idp_timeout_ms: u64,

    /// PEM certificate chain to serve HTTPS with, with --tls-key [default: plain HTTP].
    #[arg(long, env = "KONNECT_STUB_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "KONNECT_STUB_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a certificate for the public URL's host, localhost and 127.0.0.1 from
    /// the harness's local certificate authority, made on first use in $HARNESS_CA_DIR
    /// [default: okta-konnect-harness/ca under $XDG_DATA_HOME or ~/.local/share]; trust its ca.pem.
    #[arg(long, env = "KONNECT_STUB_TLS", value_parser = server_kit::cli::switch())]
    pub tls: bool,

    /// PEM file of certificate authorities to trust for calls to identity providers, beside
    /// the system's (the local CA's ca.pem, say).
    #[arg(long, env = "KONNECT_STUB_CA_FILE")]
    pub ca_file: Option<PathBuf>,
}

/// The variables of the TLS flags, for their problems.
pub const TLS_VARS: server_kit::tls::TlsVars = server_kit::tls::TlsVars {
    cert: "KONNECT_STUB_TLS_CERT",
    key: "KONNECT_STUB_TLS_KEY",
    switch: "KONNECT_STUB_TLS",
};

impl Config {
    /// Defaults on 127.0.0.1 with a free port, and a short IdP timeout.
    pub fn for_tests() -> Self {
        Self {
            listen: "127.0.0.1:0".to_owned(),
            public_url: None,
            tier: Tier::Enterprise,
            org_name: DEFAULT_ORG_NAME.to_owned(),
            admin_email: DEFAULT_ADMIN_EMAIL.to_owned(),
            admin_password: DEFAULT_ADMIN_PASSWORD.to_owned(),
            admin_token: None,
            members: vec![parse_member(DEFAULT_MEMBER).unwrap_or_else(|e| unreachable!("{e}"))],
            seed: None,
            idp_timeout_ms: 5_000,
            tls_cert: None,
            tls_key: None,
            tls: false,
            ca_file: None,
        }
    }

    pub fn idp_timeout(&self) -> Duration {
        Duration::from_millis(self.idp_timeout_ms)
    }

    /// The problems of the default organization's options that no single flag's parser sees:
    /// an invalid admin email, an empty admin password, a member given twice or as the admin,
    /// a TLS certificate without its key (or both and `--tls`).
    pub fn check_flags(&self) -> Result<(), FlagProblem> {
        server_kit::tls::check_flags(
            self.tls_cert.is_some(),
            self.tls_key.is_some(),
            self.tls,
            &TLS_VARS,
        )?;
        if let Some(token) = &self.admin_token {
            parse_token(token)
                .map_err(|e| FlagProblem::new("admin-token", "KONNECT_STUB_ADMIN_TOKEN", e))?;
        }
        let admin = Email::parse(&self.admin_email)
            .map_err(|e| FlagProblem::new("admin-email", "KONNECT_STUB_ADMIN_EMAIL", e))?;
        if self.admin_password.is_empty() {
            return Err(FlagProblem::new(
                "admin-password",
                "KONNECT_STUB_ADMIN_PASSWORD",
                "the admin's password cannot be empty",
            ));
        }
        let mut seen = vec![admin.to_string().to_lowercase()];
        for m in &self.members {
            let email = m.email.to_lowercase();
            if seen.contains(&email) {
                let who = if email == seen[0] {
                    "the Organization Admin's email (--admin-email)"
                } else {
                    "given twice"
                };
                return Err(FlagProblem::new(
                    "member",
                    "KONNECT_STUB_MEMBERS",
                    format!(
                        "{} is {who}; each member needs an email of its own",
                        m.email
                    ),
                ));
            }
            seen.push(email);
        }
        Ok(())
    }

    /// The initial state: the default organization from the flags, then the seed file's.
    pub fn initial_seed(&self) -> anyhow::Result<Seed> {
        self.check_flags()?;
        let mut users = vec![SeedUser {
            email: self.admin_email.clone(),
            password: Some(self.admin_password.clone()),
            full_name: Some("Org Admin".to_owned()),
            role: Role::OrganizationAdmin,
            token: self.admin_token.clone(),
        }];
        users.extend(self.members.iter().map(|m| SeedUser {
            email: m.email.clone(),
            password: Some(m.password.clone()),
            full_name: None,
            role: Role::Member,
            token: None,
        }));
        let mut seed = Seed {
            organizations: vec![SeedOrganization {
                name: self.org_name.clone(),
                tier: self.tier,
                users,
                identity_provider: None,
                basic_auth_enabled: true,
            }],
            any_kpat_is_admin: self.admin_token.is_none(),
        };
        if let Some(path) = &self.seed {
            let file = read_seed_file(path)?;
            anyhow::ensure!(
                !file.any_kpat_is_admin,
                "seed file {}: any_kpat_is_admin is set by --admin-token, not the seed file",
                path.display()
            );
            seed.organizations.extend(file.organizations);
        }
        Ok(seed)
    }
}

fn read_seed_file(path: &std::path::Path) -> anyhow::Result<Seed> {
    server_kit::cli::read_json_file("seed file", path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[test]
    fn flags_override_defaults_and_members_repeat() {
        let c = Config::try_parse_from([
            "konnect-stub",
            "--tier",
            "free",
            "--member",
            "a@x.test:pw:with:colons",
            "--member",
            "b@x.test:pw2",
            "--admin-token",
            "kpat_abc",
        ])
        .unwrap();
        assert_eq!(c.tier, Tier::Free);
        assert_eq!(c.members.len(), 2);
        assert_eq!(c.members[0].password, "pw:with:colons");
        let seed = c.initial_seed().unwrap();
        assert!(!seed.any_kpat_is_admin);
        assert_eq!(seed.organizations[0].users.len(), 3);
    }

    #[test]
    fn defaults_make_one_org_with_admin_and_member() {
        let c = Config::try_parse_from(["konnect-stub"]).unwrap();
        assert_eq!(c.listen, DEFAULT_LISTEN);
        let seed = c.initial_seed().unwrap();
        assert!(seed.any_kpat_is_admin);
        let users = &seed.organizations[0].users;
        assert_eq!(users[0].email, DEFAULT_ADMIN_EMAIL);
        assert_eq!(users[1].email, "user@example.com");
    }

    #[test]
    fn bad_flags_are_refused() {
        for args in [
            &["konnect-stub", "--member", "nocolon"][..],
            &["konnect-stub", "--member", "a@x.test:"],
            &["konnect-stub", "--admin-token", "spat_x"],
            &["konnect-stub", "--tier", "gold"],
            &["konnect-stub", "--idp-timeout-ms", "0"],
        ] {
            assert!(Config::try_parse_from(args).is_err(), "{args:?} accepted");
        }
    }

    #[test]
    fn a_member_given_twice_or_as_the_admin_names_the_flag_and_variable() {
        for (args, problem) in [
            (
                &[
                    "konnect-stub",
                    "--member",
                    "a@x.test:1",
                    "--member",
                    "A@x.test:2",
                ][..],
                "--member (KONNECT_STUB_MEMBERS): a@x.test is given twice; each member needs an email of its own",
            ),
            (
                &["konnect-stub", "--member", "admin@example.com:pw"],
                "--member (KONNECT_STUB_MEMBERS): admin@example.com is the Organization Admin's email (--admin-email); each member needs an email of its own",
            ),
            (
                &["konnect-stub", "--admin-email", "nobody"],
                "--admin-email (KONNECT_STUB_ADMIN_EMAIL): ",
            ),
        ] {
            let c = Config::try_parse_from(args).unwrap();
            let got = c.check_flags().unwrap_err().to_string();
            assert!(got.starts_with(problem), "{args:?}: {got}");
        }
        assert_eq!(Config::for_tests().check_flags(), Ok(()));
    }

    #[test]
    fn seed_file_adds_organizations_and_reports_errors() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("seed.json");
        std::fs::write(
            &good,
            r#"{"organizations":[{"name":"Other","tier":"free","users":[
                {"email":"o@x.test","password":"pw","role":"organization-admin"}]}]}"#,
        )
        .unwrap();
        let mut c = Config::for_tests();
        c.seed = Some(good);
        let seed = c.initial_seed().unwrap();
        assert_eq!(seed.organizations.len(), 2);
        assert_eq!(seed.organizations[1].tier, Tier::Free);

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, r#"{"organizations":[{"name":"X","userz":[]}]}"#).unwrap();
        c.seed = Some(bad);
        let err = format!("{:#}", c.initial_seed().unwrap_err());
        assert!(err.contains("bad.json") && err.contains("userz"), "{err}");
    }
}

//! Command line and environment: the contract other tools rely on.

use std::path::PathBuf;

use clap::Parser;

use crate::state::{GroupsOverLimit, SimplifiedTarget};

/// The Management API token used when none is given.
pub const DEFAULT_API_TOKEN: &str = "00mock-okta-api-token";
/// The listen address used when none is given.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9000";

/// mock-okta: one fake Okta org (OIDC issuer, hosted sign-in, Management API) in one process.
#[derive(Debug, Clone, Parser)]
#[command(name = "mock-okta", version, about)]
pub struct Config {
    /// Address to listen on, HOST:PORT (port 0 picks a free port).
    #[arg(long, env = "MOCK_OKTA_LISTEN", default_value = DEFAULT_LISTEN, value_parser = server_kit::cli::listen_address)]
    pub listen: String,

    /// The org URL browsers and clients use, e.g. https://dev-123456.okta.com
    /// [default: http://<listen address>, https:// when serving TLS]
    #[arg(long, env = "MOCK_OKTA_PUBLIC_URL", value_parser = server_kit::cli::public_url)]
    pub public_url: Option<String>,

    /// Management API token, sent as `Authorization: SSWS <token>` (not empty).
    #[arg(long, env = "MOCK_OKTA_API_TOKEN", default_value = DEFAULT_API_TOKEN,
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub api_token: String,

    /// JSON seed file with users, groups, apps, scopes, claims and assignments in Okta's
    /// Management API shapes [default: an admin and a regular user, see README].
    #[arg(long, env = "MOCK_OKTA_SEED")]
    pub seed: Option<PathBuf>,

    /// PEM RSA private key (2048 bits or more) that signs tokens, for deterministic runs
    /// [default: a fresh key made at start].
    #[arg(long, env = "MOCK_OKTA_SIGNING_KEY")]
    pub signing_key: Option<PathBuf>,

    /// Where an Okta Simplified dashboard tile posts its ID token.
    #[arg(long, env = "MOCK_OKTA_SIMPLIFIED_TARGET", value_enum, default_value_t)]
    pub simplified_target: SimplifiedTarget,

    /// Where a groups claim matching more than 100 groups refuses the token: in every flow,
    /// or only for tokens from the authorize endpoint (Okta's sources disagree).
    #[arg(long, env = "MOCK_OKTA_GROUPS_OVER_LIMIT", value_enum, default_value_t)]
    pub groups_over_limit: GroupsOverLimit,
    /// Wrong passwords in a row before a user is locked out (Okta's password policy; 0
    /// never locks out). An admin unlocks the user with `lifecycle/unlock`.
    #[arg(long, env = "MOCK_OKTA_LOCKOUT_ATTEMPTS", default_value_t = crate::directory::DEFAULT_LOCKOUT_ATTEMPTS)]
    pub lockout_attempts: u32,
    /// System Log events kept (`GET /api/v1/logs`); the oldest is dropped past this.
    #[arg(long, env = "MOCK_OKTA_LOG_EVENTS", default_value_t = crate::directory::DEFAULT_LOG_CAPACITY)]
    pub log_events: usize,

    /// PEM certificate chain to serve HTTPS with, with --tls-key [default: plain HTTP].
    #[arg(long, env = "MOCK_OKTA_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, env = "MOCK_OKTA_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a certificate for the public URL's host, localhost and 127.0.0.1 from
    /// the harness's local certificate authority, made on first use in $HARNESS_CA_DIR
    /// [default: okta-konnect-harness/ca under $XDG_DATA_HOME or ~/.local/share]; trust its ca.pem.
    #[arg(long, env = "MOCK_OKTA_TLS", value_parser = server_kit::cli::switch())]
    pub tls: bool,
}

/// The variables of the TLS flags, for their problems.
pub const TLS_VARS: server_kit::tls::TlsVars = server_kit::tls::TlsVars {
    cert: "MOCK_OKTA_TLS_CERT",
    key: "MOCK_OKTA_TLS_KEY",
    switch: "MOCK_OKTA_TLS",
};

impl Config {
    /// The problems of the options that no single flag's parser sees (the TLS flags' pairing).
    pub fn check_flags(&self) -> Result<(), server_kit::cli::FlagProblem> {
        server_kit::tls::check_flags(
            self.tls_cert.is_some(),
            self.tls_key.is_some(),
            self.tls,
            &TLS_VARS,
        )
    }

    /// A configuration for in-process tests: any free port on 127.0.0.1, default seed.
    pub fn for_tests() -> Self {
        Self {
            listen: "127.0.0.1:0".to_owned(),
            public_url: None,
            api_token: DEFAULT_API_TOKEN.to_owned(),
            seed: None,
            signing_key: None,
            simplified_target: SimplifiedTarget::default(),
            groups_over_limit: GroupsOverLimit::default(),
            lockout_attempts: crate::directory::DEFAULT_LOCKOUT_ATTEMPTS,
            log_events: crate::directory::DEFAULT_LOG_CAPACITY,
            tls_cert: None,
            tls_key: None,
            tls: false,
        }
    }
}

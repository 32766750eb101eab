//! Integration tests: the stub in-process over HTTP, a wiremock identity provider for every
//! relying-party branch. (The whole SSO login against mock-okta is the root package's
//! tests/sso.rs.)

mod api;
mod binary;
mod callback;
mod control;
mod fuzz_regressions;
mod helpers;
mod hostile;
mod identity_ui;
mod login;
mod relying_party;
mod spec;
mod sso_accounts;
mod team_mappings;
mod tls;

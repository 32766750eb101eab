//! mock-okta's integration tests: the server started in-process on port 0 and driven over
//! HTTP with redirects off, checking every hop.

mod api;
mod cli;
mod console;
mod control;
mod dashboard;
mod flows;
mod fuzz_regressions;
mod hostile;
mod oidc_errors;
mod support;

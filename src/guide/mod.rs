//! The guide's set-up as an automation does it, through the products' public HTTP APIs only:
//! Okta's Management API (an SSWS token) and Konnect's v2 identity API (a personal access
//! token). The same calls work against a real Okta org and Konnect organization, which is why
//! `Stack::configure_okta`, the e2e scenarios' set-up steps and the whole-stack tests all use
//! these and nothing else.

use anyhow::Context as _;
use serde_json::Value;

/// The client every call to the products' APIs goes through: no redirects followed, bounded
/// in time, trusting the system's certificate authorities and the harness's local one once it
/// is made (`--tls`).
pub(crate) fn http() -> reqwest::Client {
    server_kit::http_client()
        .tls_certs_merge(local_ca())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .unwrap_or_default()
}

/// The local certificate authority's certificate, when the harness has made one: what a
/// person trusts after `cargo run -- --tls`, trusted here the same way.
fn local_ca() -> Vec<reqwest::Certificate> {
    let Ok(dir) = server_kit::tls::LocalCa::default_dir() else {
        return Vec::new();
    };
    let file = dir.join(server_kit::tls::CA_CERT_FILE);
    if !file.exists() {
        return Vec::new();
    }
    server_kit::read_ca_file(&file).unwrap_or_else(|e| {
        tracing::warn!("{e:#}");
        Vec::new()
    })
}

/// The Okta app integration made for Konnect, as an admin copies it from its General tab.
mod konnect;
mod okta;

pub use konnect::{KonnectAdmin, KonnectSso, OktaInKonnect};
pub use okta::{KonnectApp, OktaAdmin, OktaApp, okta_id_token_claims};
/// Sends `request`; a failure says what was being done (`what`) and to whom (`who`), with the
/// status and body of a refusal.
pub(crate) async fn call(
    request: reqwest::RequestBuilder,
    what: &str,
    who: &str,
) -> anyhow::Result<Value> {
    let response = request
        .send()
        .await
        .with_context(|| format!("cannot {what}: {who} is unreachable"))?;
    answer(response, what, who).await
}

async fn answer(response: reqwest::Response, what: &str, who: &str) -> anyhow::Result<Value> {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    anyhow::ensure!(
        status.is_success(),
        "cannot {what}: {who} answered {status}: {}",
        reason(&body)
    );
    if body.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&body).with_context(|| format!("cannot {what}: {who} sent {body}"))
}

/// What an error body says, in a person's words: Okta's `errorSummary` and causes, or
/// Konnect's problem+json `detail` (or `title`) and invalid parameters; the body itself
/// otherwise.
fn reason(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return body.trim().to_owned();
    };
    let text = |v: &Value, field: &str| {
        v[field]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let list = |field: &str| v[field].as_array().cloned().unwrap_or_default();
    let (summary, causes): (Option<String>, Vec<String>) = if v.get("errorSummary").is_some() {
        let causes = list("errorCauses");
        (
            text(&v, "errorSummary"),
            causes
                .iter()
                .filter_map(|c| text(c, "errorSummary"))
                .collect(),
        )
    } else {
        let params = list("invalid_parameters");
        (
            text(&v, "detail").or_else(|| text(&v, "title")),
            params
                .iter()
                .filter_map(|p| Some(format!("{} {}", text(p, "field")?, text(p, "reason")?)))
                .collect(),
        )
    };
    match (summary, causes.is_empty()) {
        (None, true) => body.trim().to_owned(),
        (Some(summary), true) => summary,
        (None, false) => causes.join("; "),
        (Some(summary), false) => format!("{summary} ({})", causes.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_is_reduced_to_what_it_says() {
        assert_eq!(
            reason(
                r#"{"status":403,"title":"Forbidden","detail":"Permission denied","instance":"konnect:trace:1"}"#
            ),
            "Permission denied"
        );
        assert_eq!(
            reason(
                r#"{"status":400,"title":"Bad Request","detail":"","invalid_parameters":[{"field":"issuer","reason":"is required"}]}"#
            ),
            "Bad Request (issuer is required)"
        );
        assert_eq!(
            reason(
                r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: label","errorCauses":[{"errorSummary":"label: The field cannot be left blank"}]}"#
            ),
            "Api validation failed: label (label: The field cannot be left blank)"
        );
        assert_eq!(reason("<html>oops</html>\n"), "<html>oops</html>");
    }
}

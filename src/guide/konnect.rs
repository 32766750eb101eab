//! Konnect's side of the guide's set-up: what Konnect is told about Okta, and the identity
//! API calls an Organization Admin makes with a personal access token.

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{answer, call, http};

/// What Konnect is told about Okta (Settings > Identity Management > Okta).
#[derive(Debug, Clone)]
pub struct OktaInKonnect {
    /// `https://{yourOktaDomain}/oauth2/default`
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The organization's login path; `None` keeps Konnect's (the organization's slug).
    pub login_path: Option<String>,
}

/// A Konnect organization's v2 identity API, as its Organization Admin uses it with a PAT.
#[derive(Debug, Clone)]
pub struct KonnectAdmin {
    http: reqwest::Client,
    base: String,
    pat: String,
}

impl KonnectAdmin {
    pub fn new(base: &str, pat: &str) -> Self {
        Self {
            http: http(),
            base: base.trim_end_matches('/').to_owned(),
            pat: pat.to_owned(),
        }
    }

    async fn call(&self, request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
        call(request.bearer_auth(&self.pat), what, "Konnect").await
    }

    /// Configures Okta as the identity provider and turns OIDC login on, as the settings
    /// page's Save does (Konnect checks the issuer by discovery). Returns the organization's
    /// login URL.
    pub async fn use_okta(&self, okta: &OktaInKonnect) -> anyhow::Result<String> {
        let mut body = json!({
            "issuer": okta.issuer,
            "client_id": okta.client_id,
            "client_secret": okta.client_secret,
        });
        if let Some(path) = &okta.login_path {
            body["login_path"] = json!(path);
        }
        let idp = self
            .call(
                self.http
                    .patch(format!("{}/v2/identity-provider", self.base))
                    .json(&body),
                "configure Okta in Konnect",
            )
            .await?;
        self.call(
            self.http
                .patch(format!("{}/v2/authentication-settings", self.base))
                .json(&json!({"oidc_auth_enabled": true})),
            "turn OIDC on in Konnect",
        )
        .await?;
        let path = idp["login_path"]
            .as_str()
            .with_context(|| format!("Konnect's identity provider has no login_path: {idp}"))?;
        Ok(konnect_stub::paths::org_login_url(&self.base, path))
    }

    /// What the organization's single sign-on is: its identity provider (`None` until one is
    /// configured; the client secret is never shown) and its authentication settings.
    pub async fn sso(&self) -> anyhow::Result<KonnectSso> {
        let response = self
            .http
            .get(format!("{}/v2/identity-provider", self.base))
            .bearer_auth(&self.pat)
            .send()
            .await
            .context("cannot read Konnect's identity provider: Konnect is unreachable")?;
        let identity_provider = if response.status() == reqwest::StatusCode::NOT_FOUND {
            None
        } else {
            Some(answer(response, "read Konnect's identity provider", "Konnect").await?)
        };
        let authentication_settings = self
            .call(
                self.http
                    .get(format!("{}/v2/authentication-settings", self.base)),
                "read Konnect's authentication settings",
            )
            .await?;
        let team_group_mappings = match &identity_provider {
            // The mappings map an identity provider's groups: none before there is one.
            None => None,
            Some(_) => Some(
                self.call(
                    self.http.get(format!(
                        "{}/v3/identity-provider/team-group-mappings?page[size]=100",
                        self.base
                    )),
                    "read Konnect's team-group mappings",
                )
                .await?["data"]
                    .clone(),
            ),
        };
        Ok(KonnectSso {
            identity_provider,
            authentication_settings,
            team_group_mappings,
        })
    }

    /// Puts the team-group mappings back as `before` listed them: every team mapped now gets
    /// its groups from `before`, `[]` when it had none.
    async fn restore_team_group_mappings(&self, before: Option<&Value>) -> anyhow::Result<()> {
        let now = self.sso().await?.team_group_mappings;
        let (Some(now), before) = (now, before.cloned().unwrap_or_else(|| json!([]))) else {
            return Ok(());
        };
        let team = |m: &Value| m["team_id"].clone();
        let mut data: Vec<Value> = before.as_array().cloned().unwrap_or_default();
        for m in now.as_array().into_iter().flatten() {
            if !data.iter().any(|b| team(b) == team(m)) {
                data.push(json!({"team_id": team(m), "groups": []}));
            }
        }
        if data.is_empty() {
            return Ok(());
        }
        self.call(
            self.http
                .patch(format!(
                    "{}/v3/identity-provider/team-group-mappings",
                    self.base
                ))
                .json(&json!({ "data": data })),
            "put Konnect's team-group mappings back",
        )
        .await?;
        Ok(())
    }

    /// Puts single sign-on back as `before` showed it, as far as the API allows: the identity
    /// provider's issuer, client ID, login path, scopes and claim mappings (its client secret
    /// cannot be read, so it stays the last one written), its team-group mappings, then the
    /// authentication settings.
    /// An identity provider cannot be removed once configured: with none `before`, only the
    /// settings are put back.
    pub async fn restore_sso(&self, before: &KonnectSso) -> anyhow::Result<()> {
        if self.sso().await? == *before {
            return Ok(());
        }
        if let Some(idp) = &before.identity_provider {
            let mut body = serde_json::Map::new();
            for field in [
                "issuer",
                "client_id",
                "login_path",
                "scopes",
                "claim_mappings",
            ] {
                if let Some(v) = idp.get(field) {
                    body.insert(field.to_owned(), v.clone());
                }
            }
            self.call(
                self.http
                    .patch(format!("{}/v2/identity-provider", self.base))
                    .json(&body),
                "put Konnect's identity provider back",
            )
            .await?;
        }
        self.restore_team_group_mappings(before.team_group_mappings.as_ref())
            .await?;
        self.call(
            self.http
                .patch(format!("{}/v2/authentication-settings", self.base))
                .json(&before.authentication_settings),
            "put Konnect's authentication settings back",
        )
        .await?;
        Ok(())
    }
}

/// A Konnect organization's single sign-on as its API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct KonnectSso {
    pub identity_provider: Option<Value>,
    pub authentication_settings: Value,
    /// The team-group mappings (`data` of `/v3/identity-provider/team-group-mappings`), `None`
    /// while there is no identity provider.
    pub team_group_mappings: Option<Value>,
}

//! Okta's side of the guide's set-up: the app integration and the Management API calls an
//! Okta admin makes for it, and a person's ID token through Okta's public sign-in API.

use anyhow::Context as _;
use serde_json::{Value, json};

use super::{answer, call, http};
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OktaApp {
    pub id: String,
    pub label: String,
    pub client_id: String,
    pub client_secret: String,
}

/// The guide's OIDC web application for Konnect.
#[derive(Debug, Clone)]
pub struct KonnectApp {
    /// The app's name in Okta (the dashboard tile's label).
    pub label: String,
    /// The sign-in and sign-out redirect URI (Konnect's `{konnect}/login`).
    pub redirect_uri: String,
    /// With a login URL: a visible dashboard tile that starts there (the guide's optional
    /// part, "Login initiated by: Either Okta or App"). Without: login starts at Konnect only
    /// and the app is hidden from the dashboard.
    pub dashboard_login_url: Option<String>,
}

impl KonnectApp {
    pub fn new(label: &str, redirect_uri: &str) -> Self {
        Self {
            label: label.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            dashboard_login_url: None,
        }
    }
}

/// An Okta org's Management API (`/api/v1`), as an admin with an API token uses it.
#[derive(Debug, Clone)]
pub struct OktaAdmin {
    http: reqwest::Client,
    org: String,
    ssws: String,
}

impl OktaAdmin {
    /// `org` is the org URL (`https://{yourOktaDomain}`), `api_token` the SSWS token.
    pub fn new(org: &str, api_token: &str) -> Self {
        Self {
            http: http(),
            org: org.trim_end_matches('/').to_owned(),
            ssws: format!("SSWS {api_token}"),
        }
    }

    async fn call(&self, request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
        call(request.header("authorization", &self.ssws), what, "Okta").await
    }

    /// Creates the guide's OIDC web app (authorization code only, client secret basic).
    pub async fn create_konnect_app(&self, app: &KonnectApp) -> anyhow::Result<OktaApp> {
        let mut oauth = json!({
            "application_type": "web",
            "redirect_uris": [app.redirect_uri],
            "post_logout_redirect_uris": [app.redirect_uri],
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        });
        // Okta creates an app hidden from the dashboard unless told otherwise; the guide's
        // optional part also ticks "Display application icon to users".
        let mut hidden = true;
        if let Some(login_url) = &app.dashboard_login_url {
            oauth["initiate_login_uri"] = json!(login_url);
            oauth["idp_initiated_login"] = json!({"mode": "SPEC", "default_scope": []});
            hidden = false;
        }
        let made = self
            .call(
                self.http
                    .post(format!("{}/api/v1/apps", self.org))
                    .json(&json!({
                        "name": "oidc_client",
                        "label": app.label,
                        "signOnMode": "OPENID_CONNECT",
                        "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
                        "settings": {"oauthClient": oauth},
                        "visibility": {"hide": {"web": hidden, "iOS": hidden}}
                    })),
                "create the Konnect app in Okta",
            )
            .await?;
        let field = |pointer: &str| {
            made.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .with_context(|| format!("Okta's new app has no {pointer}: {made}"))
        };
        Ok(OktaApp {
            id: field("/id")?,
            label: app.label.clone(),
            client_id: field("/credentials/oauthClient/client_id")?,
            client_secret: field("/credentials/oauthClient/client_secret")?,
        })
    }

    /// The id of the group every user is in.
    pub async fn everyone_group_id(&self) -> anyhow::Result<String> {
        let groups = self
            .call(
                self.http
                    .get(format!("{}/api/v1/groups", self.org))
                    .query(&[("q", "Everyone")]),
                "find the Everyone group",
            )
            .await?;
        groups
            .as_array()
            .and_then(|g| {
                g.iter()
                    .find(|g| g.pointer("/profile/name") == Some(&json!("Everyone")))
            })
            .and_then(|g| g["id"].as_str())
            .map(str::to_owned)
            .context("Okta has no Everyone group")
    }

    /// Assigns the app to Everyone, so every user may sign in to it.
    pub async fn assign_to_everyone(&self, app_id: &str) -> anyhow::Result<()> {
        let everyone = self.everyone_group_id().await?;
        self.call(
            self.http
                .put(format!(
                    "{}/api/v1/apps/{app_id}/groups/{everyone}",
                    self.org
                ))
                .json(&json!({})),
            "assign the Konnect app to Everyone",
        )
        .await?;
        Ok(())
    }

    /// An app as the Management API shows it.
    pub async fn app(&self, app_id: &str) -> anyhow::Result<Value> {
        self.call(
            self.http.get(format!("{}/api/v1/apps/{app_id}", self.org)),
            "read the app",
        )
        .await
    }

    /// The org's apps, every page (Okta answers 20 at a time unless asked for more).
    pub async fn apps(&self) -> anyhow::Result<Vec<Value>> {
        self.list("/api/v1/apps", "list the apps").await
    }

    /// The org's users, every page.
    pub async fn users(&self) -> anyhow::Result<Vec<Value>> {
        self.list("/api/v1/users", "list the users").await
    }

    /// The System Log's events between `since` and `until` (RFC 3339) that match `filter`,
    /// oldest first, every page. With `until` the pages end (without it Okta keeps a poll
    /// going).
    pub async fn log_events(
        &self,
        since: &str,
        until: &str,
        filter: &str,
    ) -> anyhow::Result<Vec<Value>> {
        let first = reqwest::Url::parse_with_params(
            &format!("{}/api/v1/logs", self.org),
            [
                ("limit", "1000"),
                ("since", since),
                ("until", until),
                ("filter", filter),
            ],
        )
        .context("the org URL cannot take the System Log's path")?;
        self.pages(first.into(), "read the System Log").await
    }

    /// Follows the `link: <…>; rel="next"` headers from the first page to the last.
    async fn list(&self, path: &str, what: &str) -> anyhow::Result<Vec<Value>> {
        self.pages(format!("{}{path}?limit=200", self.org), what)
            .await
    }

    /// Every page from `first` on, by the `rel="next"` links.
    async fn pages(&self, first: String, what: &str) -> anyhow::Result<Vec<Value>> {
        let mut all = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let response = self
                .http
                .get(&url)
                .header("authorization", &self.ssws)
                .send()
                .await
                .with_context(|| format!("cannot {what}: Okta is unreachable"))?;
            next = next_link(response.headers());
            let page = answer(response, what, "Okta").await?;
            all.extend(page.as_array().cloned().unwrap_or_default());
        }
        Ok(all)
    }

    /// Ends every Okta session of the user with this login (the Admin Console's "Clear
    /// user sessions"), so their next sign-in asks for the password again.
    pub async fn end_user_sessions(&self, login: &str) -> anyhow::Result<()> {
        let user = self
            .call(
                self.http.get(format!("{}/api/v1/users/{login}", self.org)),
                "find the user",
            )
            .await?;
        let id = user["id"]
            .as_str()
            .with_context(|| format!("Okta's user has no id: {user}"))?;
        self.call(
            self.http
                .delete(format!("{}/api/v1/users/{id}/sessions", self.org)),
            "end the user's Okta sessions",
        )
        .await?;
        Ok(())
    }

    /// Expires the password of the user with this login: their next sign-in asks for a new
    /// one.
    pub async fn expire_password(&self, login: &str) -> anyhow::Result<()> {
        self.call(
            self.http.post(format!(
                "{}/api/v1/users/{login}/lifecycle/expire_password",
                self.org
            )),
            "expire the user's password",
        )
        .await?;
        Ok(())
    }

    /// Creates a custom authorization server (`name`, audience `api://{name}`) with an access
    /// policy for every client whose rule lets the authorization code grant through for
    /// Everyone and any scope, as an admin does before apps can use it. Returns its issuer.
    pub async fn create_authorization_server(&self, name: &str) -> anyhow::Result<String> {
        let servers = format!("{}/api/v1/authorizationServers", self.org);
        let made = self
            .call(
                self.http.post(&servers).json(&json!({
                    "name": name,
                    "description": "Made by the e2e run",
                    "audiences": [format!("api://{name}")],
                })),
                "create an authorization server",
            )
            .await?;
        let id = made["id"].as_str().unwrap_or_default();
        let policies = format!("{servers}/{id}/policies");
        let policy = self
            .call(
                self.http.post(&policies).json(&json!({
                    "type": "OAUTH_AUTHORIZATION_POLICY",
                    "name": "Every app",
                    "description": "Every app",
                    "conditions": {"clients": {"include": ["ALL_CLIENTS"]}},
                })),
                "create the authorization server's access policy",
            )
            .await?;
        let policy_id = policy["id"].as_str().unwrap_or_default();
        self.call(
            self.http
                .post(format!("{policies}/{policy_id}/rules"))
                .json(&json!({
                    "type": "RESOURCE_ACCESS",
                    "name": "Code for everyone",
                    "conditions": {
                        "grantTypes": {"include": ["authorization_code"]},
                        "people": {"groups": {"include": ["EVERYONE"]}},
                        "scopes": {"include": ["*"]},
                    },
                })),
            "create the access policy's rule",
        )
        .await?;
        made["issuer"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the authorization server has no issuer: {made}"))
    }

    /// Narrows the `default` authorization server's Default Policy to one client, so every
    /// other app's sign-in is refused by policy.
    pub async fn limit_default_policy_to(&self, client_id: &str) -> anyhow::Result<()> {
        let policies = format!("{}/api/v1/authorizationServers/default/policies", self.org);
        let all = self
            .call(self.http.get(&policies), "list the access policies")
            .await?;
        let default = all
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "Default Policy")
            .with_context(|| format!("the default server has no Default Policy: {all}"))?;
        let id = default["id"].as_str().unwrap_or_default();
        let mut body = default.clone();
        body["conditions"]["clients"]["include"] = json!([client_id]);
        self.call(
            self.http.put(format!("{policies}/{id}")).json(&body),
            "change the Default Policy",
        )
        .await?;
        Ok(())
    }

    /// Rotates the app's client secret as Okta's rotation guide does: adds a new secret, then
    /// deactivates and deletes every other one, so only the new secret authenticates the app.
    /// Returns the new secret.
    pub async fn rotate_client_secret(&self, app_id: &str) -> anyhow::Result<String> {
        let secrets = format!("{}/api/v1/apps/{app_id}/credentials/secrets", self.org);
        let old = self
            .call(self.http.get(&secrets), "list the app's client secrets")
            .await?;
        let made = self
            .call(
                self.http.post(&secrets).json(&json!({})),
                "add a client secret to the app",
            )
            .await?;
        let new_id = made["id"].as_str().unwrap_or_default();
        for secret in old.as_array().into_iter().flatten() {
            let id = secret["id"].as_str().unwrap_or_default();
            if id == new_id {
                continue;
            }
            if secret["status"] == "ACTIVE" {
                self.call(
                    self.http
                        .post(format!("{secrets}/{id}/lifecycle/deactivate")),
                    "deactivate the app's old client secret",
                )
                .await?;
            }
            self.call(
                self.http.delete(format!("{secrets}/{id}")),
                "delete the app's old client secret",
            )
            .await?;
        }
        made["client_secret"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("Okta's new client secret has no client_secret: {made}"))
    }

    /// Deactivates and deletes an app (Okta refuses to delete an active one).
    pub async fn delete_app(&self, app_id: &str) -> anyhow::Result<()> {
        self.call(
            self.http.post(format!(
                "{}/api/v1/apps/{app_id}/lifecycle/deactivate",
                self.org
            )),
            "deactivate the app",
        )
        .await?;
        self.call(
            self.http
                .delete(format!("{}/api/v1/apps/{app_id}", self.org)),
            "delete the app",
        )
        .await?;
        Ok(())
    }
}

impl OktaAdmin {
    /// The `default` authorization server's claims.
    pub async fn claims(&self) -> anyhow::Result<Vec<Value>> {
        let v = self
            .call(
                self.http.get(format!(
                    "{}/api/v1/authorizationServers/default/claims",
                    self.org
                )),
                "list the default authorization server's claims",
            )
            .await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    pub async fn delete_claim(&self, claim_id: &str) -> anyhow::Result<()> {
        self.call(
            self.http.delete(format!(
                "{}/api/v1/authorizationServers/default/claims/{claim_id}",
                self.org
            )),
            "delete the claim",
        )
        .await?;
        Ok(())
    }

    /// The org's groups, every page.
    pub async fn groups(&self) -> anyhow::Result<Vec<Value>> {
        self.list("/api/v1/groups", "list the groups").await
    }

    /// The id of the group with exactly this name, if there is one.
    pub async fn group_id(&self, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .groups()
            .await?
            .iter()
            .find(|g| g.pointer("/profile/name") == Some(&json!(name)))
            .and_then(|g| g["id"].as_str())
            .map(str::to_owned))
    }

    pub async fn delete_group(&self, group_id: &str) -> anyhow::Result<()> {
        self.call(
            self.http
                .delete(format!("{}/api/v1/groups/{group_id}", self.org)),
            "delete the group",
        )
        .await?;
        Ok(())
    }

    /// Takes a user (by login) out of a group.
    pub async fn remove_from_group(&self, group_id: &str, login: &str) -> anyhow::Result<()> {
        let user = self
            .call(
                self.http.get(format!("{}/api/v1/users/{login}", self.org)),
                "find the user",
            )
            .await?;
        let user_id = user["id"].as_str().context("Okta's user has no id")?;
        self.call(
            self.http.delete(format!(
                "{}/api/v1/groups/{group_id}/users/{user_id}",
                self.org
            )),
            "remove the user from the group",
        )
        .await?;
        Ok(())
    }
}

/// A person signs in to an Okta app and gets its ID token, through Okta's public
/// authentication API as a native client does: `/api/v1/authn` with the person's password for
/// a session token, the `default` server's authorization code flow with that token
/// (`openid profile email`), and the code redeemed with the app's credentials. Returns the
/// ID token's claims (the token came straight from Okta over TLS or loopback, so its
/// signature is not what is being checked here).
pub async fn okta_id_token_claims(
    org: &str,
    app: &OktaApp,
    redirect_uri: &str,
    login: &str,
    password: &str,
) -> anyhow::Result<Value> {
    let http = http();
    let org = org.trim_end_matches('/');
    let authn = call(
        http.post(format!("{org}/api/v1/authn"))
            .json(&json!({"username": login, "password": password})),
        "sign in to Okta",
        "Okta",
    )
    .await?;
    let session_token = authn["sessionToken"]
        .as_str()
        .with_context(|| format!("Okta's sign-in gave no session token: {authn}"))?;
    let mut authorize = reqwest::Url::parse(&format!("{org}/oauth2/default/v1/authorize"))?;
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid profile email")
        .append_pair("state", "harness-check")
        .append_pair("nonce", "harness-check")
        .append_pair("sessionToken", session_token);
    let response = http
        .get(authorize)
        .send()
        .await
        .context("cannot start Okta's authorization: Okta is unreachable")?;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "Okta's authorization answered {} without a redirect",
                response.status()
            )
        })?;
    let back =
        reqwest::Url::parse(&location).with_context(|| format!("Okta redirected to {location}"))?;
    let param = |name: &str| {
        back.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let code = param("code").with_context(|| {
        format!(
            "Okta gave no code: {} {}",
            param("error").unwrap_or_default(),
            param("error_description").unwrap_or_default()
        )
    })?;
    let tokens = call(
        http.post(format!("{org}/oauth2/default/v1/token"))
            .basic_auth(&app.client_id, Some(&app.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect_uri),
            ]),
        "redeem the code",
        "Okta",
    )
    .await?;
    let id_token = tokens["id_token"]
        .as_str()
        .context("Okta's token response has no id_token")?;
    jwt_claims(id_token)
}

/// The claims of a JWT (its second part), unverified.
fn jwt_claims(jwt: &str) -> anyhow::Result<Value> {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = jwt.split('.').nth(1).context("not a JWT")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .context("the JWT's claims are not base64url")?;
    serde_json::from_slice(&bytes).context("the JWT's claims are not JSON")
}

/// The `rel="next"` URL of an Okta `link` header.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find(|l| l.contains("rel=\"next\""))
        .and_then(|l| {
            let start = l.find('<')? + 1;
            let end = l.find('>')?;
            Some(l.get(start..end)?.to_owned())
        })
}

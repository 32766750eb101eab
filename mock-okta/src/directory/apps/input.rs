//! An app's input in Okta's JSON shape (`POST` and `PUT /api/v1/apps`, the console's
//! forms, the seed file), and an app turned back into one.

use serde::Deserialize;

use super::{App, AppType, IdpMode, TokenAuthMethod};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AppInput {
    pub name: Option<String>,
    pub label: Option<String>,
    #[serde(rename = "signOnMode")]
    pub sign_on_mode: Option<String>,
    pub credentials: Option<CredentialsInput>,
    pub settings: Option<SettingsInput>,
    pub visibility: Option<VisibilityInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CredentialsInput {
    #[serde(rename = "oauthClient")]
    pub oauth_client: Option<OAuthClientCredentialsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthClientCredentialsInput {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub token_endpoint_auth_method: Option<TokenAuthMethod>,
    pub pkce_required: Option<bool>,
    #[serde(rename = "autoKeyRotation")]
    pub auto_key_rotation: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsInput {
    #[serde(rename = "oauthClient")]
    pub oauth_client: Option<OAuthClientSettingsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthClientSettingsInput {
    pub application_type: Option<AppType>,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub initiate_login_uri: Option<String>,
    pub idp_initiated_login: Option<IdpInitiatedLoginInput>,
    pub consent_method: Option<String>,
    pub issuer_mode: Option<String>,
    pub wildcard_redirect: Option<String>,
    pub refresh_token: Option<RefreshTokenInput>,
    pub jwks: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdpInitiatedLoginInput {
    pub mode: Option<IdpMode>,
    pub default_scope: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RefreshTokenInput {
    pub rotation_type: Option<String>,
    pub leeway: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisibilityInput {
    #[serde(rename = "autoSubmitToolbar")]
    pub auto_submit_toolbar: Option<bool>,
    pub hide: Option<HideInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HideInput {
    #[serde(rename = "iOS")]
    pub ios: Option<bool>,
    pub web: Option<bool>,
}

impl From<&App> for AppInput {
    /// The app as a full-replace input, as `GET` then `PUT /api/v1/apps/{id}` would send it:
    /// the console's Edit changes a few fields of this and saves it through `replace_app`,
    /// so a console edit passes the same rules as the API. Credentials stay as they are.
    fn from(a: &App) -> Self {
        let s = &a.settings;
        Self {
            name: Some("oidc_client".to_owned()),
            label: Some(a.label.clone()),
            sign_on_mode: Some("OPENID_CONNECT".to_owned()),
            credentials: Some(CredentialsInput {
                oauth_client: Some(OAuthClientCredentialsInput {
                    client_id: None,
                    client_secret: None,
                    token_endpoint_auth_method: Some(a.credentials.token_endpoint_auth_method),
                    pkce_required: Some(a.credentials.pkce_required),
                    auto_key_rotation: Some(a.credentials.auto_key_rotation),
                }),
            }),
            settings: Some(SettingsInput {
                oauth_client: Some(OAuthClientSettingsInput {
                    application_type: Some(s.application_type),
                    client_uri: s.client_uri.clone(),
                    logo_uri: s.logo_uri.clone(),
                    redirect_uris: Some(s.redirect_uris.clone()),
                    post_logout_redirect_uris: Some(s.post_logout_redirect_uris.clone()),
                    response_types: Some(s.response_types.clone()),
                    grant_types: Some(s.grant_types.clone()),
                    initiate_login_uri: s.initiate_login_uri.clone(),
                    idp_initiated_login: Some(IdpInitiatedLoginInput {
                        mode: Some(s.idp_initiated_login.mode),
                        default_scope: Some(s.idp_initiated_login.default_scope.clone()),
                    }),
                    consent_method: Some(s.consent_method.clone()),
                    issuer_mode: Some(s.issuer_mode.clone()),
                    wildcard_redirect: Some(s.wildcard_redirect.clone()),
                    refresh_token: Some(RefreshTokenInput {
                        rotation_type: Some(s.refresh_rotation.clone()),
                        leeway: Some(s.refresh_leeway),
                    }),
                    jwks: s.jwks.clone(),
                }),
            }),
            visibility: Some(VisibilityInput {
                auto_submit_toolbar: Some(a.auto_submit_toolbar),
                hide: Some(HideInput {
                    ios: Some(a.hide_ios),
                    web: Some(a.hide_web),
                }),
            }),
        }
    }
}

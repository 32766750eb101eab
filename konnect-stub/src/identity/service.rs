//! The identity rules shared by the v2 API and the settings page.

use crate::{
    app::AppState,
    auth::Caller,
    oidc_client::discovery::DiscoveryError,
    org::{
        AuthSettings, AuthSettingsPatch, IdentityProvider, IdentityProviderPatch, InvalidParameter,
        SettingsRefusal, Tier, UpdateError, parse_issuer,
    },
};

/// Why an identity change was refused.
#[derive(Debug)]
pub enum IdentityError {
    NotAdmin,
    NotEnterprise,
    Invalid {
        detail: String,
        params: Vec<InvalidParameter>,
    },
    /// The issuer's discovery document could not be fetched or does not match.
    Discovery(DiscoveryError),
    NoSuchOrganization,
}

impl From<UpdateError> for IdentityError {
    fn from(e: UpdateError) -> Self {
        match e {
            UpdateError::NoSuchOrganization => IdentityError::NoSuchOrganization,
            UpdateError::InvalidProvider(params) => IdentityError::Invalid {
                detail: String::new(),
                params,
            },
            UpdateError::Settings(SettingsRefusal::NotEnterprise) => IdentityError::NotEnterprise,
            UpdateError::Settings(SettingsRefusal::Invalid { detail, params }) => {
                IdentityError::Invalid { detail, params }
            }
        }
    }
}

fn require_admin(caller: &Caller) -> Result<(), IdentityError> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(IdentityError::NotAdmin)
    }
}

/// Reads the identity provider (admins only).
pub fn identity_provider(caller: &Caller) -> Result<Option<IdentityProvider>, IdentityError> {
    require_admin(caller)?;
    Ok(caller.org.identity_provider.clone())
}

/// Changes the identity provider. A new issuer is checked for real: its discovery document is
/// fetched and must name exactly that issuer.
pub async fn update_identity_provider(
    state: &AppState,
    caller: &Caller,
    patch: &IdentityProviderPatch,
) -> Result<IdentityProvider, IdentityError> {
    require_admin(caller)?;
    if caller.org.tier != Tier::Enterprise {
        return Err(IdentityError::NotEnterprise);
    }
    let org = state
        .directory
        .organization(&caller.org.id)
        .ok_or(IdentityError::NoSuchOrganization)?;
    // Field errors first, so bad input never causes a request to the provider.
    IdentityProvider::apply(
        org.identity_provider.as_ref(),
        patch,
        org.default_login_path(),
    )
    .map_err(|params| IdentityError::Invalid {
        detail: String::new(),
        params,
    })?;
    if let Some(issuer) = &patch.issuer {
        let issuer = parse_issuer(issuer).map_err(|reason| IdentityError::Invalid {
            detail: String::new(),
            params: vec![InvalidParameter::new("issuer", reason)],
        })?;
        state
            .rp
            .discover(&issuer)
            .await
            .map_err(IdentityError::Discovery)?;
    }
    Ok(state
        .directory
        .update_identity_provider(&org.id, patch, state.now())?)
}

/// Changes the authentication settings (admins only; OIDC needs Enterprise and a complete
/// provider).
pub fn update_auth_settings(
    state: &AppState,
    caller: &Caller,
    patch: &AuthSettingsPatch,
) -> Result<AuthSettings, IdentityError> {
    require_admin(caller)?;
    Ok(state
        .directory
        .update_auth_settings(&caller.org.id, patch, state.now())?)
}

/// The settings page's Save: the provider as entered (issuer, client id, a secret unless one
/// is stored, login path or the default), checked by discovery, and OIDC turned on.
pub async fn save_okta(
    state: &AppState,
    caller: &Caller,
    form: OktaForm,
) -> Result<IdentityProvider, IdentityError> {
    require_admin(caller)?;
    if caller.org.tier != Tier::Enterprise {
        return Err(IdentityError::NotEnterprise);
    }
    let mut missing = Vec::new();
    if form.issuer.trim().is_empty() {
        missing.push(InvalidParameter::new("issuer", "cannot be blank"));
    }
    if form.client_id.trim().is_empty() {
        missing.push(InvalidParameter::new("client_id", "cannot be blank"));
    }
    let has_secret = caller
        .org
        .identity_provider
        .as_ref()
        .is_some_and(IdentityProvider::has_client_secret);
    if form.client_secret.trim().is_empty() && !has_secret {
        missing.push(InvalidParameter::new("client_secret", "cannot be blank"));
    }
    if !missing.is_empty() {
        return Err(IdentityError::Invalid {
            detail: String::new(),
            params: missing,
        });
    }
    let patch = IdentityProviderPatch {
        issuer: Some(form.issuer),
        client_id: Some(form.client_id),
        client_secret: Some(form.client_secret).filter(|s| !s.trim().is_empty()),
        login_path: Some(form.login_path),
        scopes: None,
        claim_mappings: None,
    };
    let idp = update_identity_provider(state, caller, &patch).await?;
    update_auth_settings(
        state,
        caller,
        &AuthSettingsPatch {
            oidc_auth_enabled: Some(true),
            ..Default::default()
        },
    )?;
    Ok(idp)
}

/// The fields of the Okta form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OktaForm {
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub login_path: String,
}

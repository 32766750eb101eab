//! The identity rules shared by the v2 API and the settings page. They take only the
//! [`IdentityState`] (the directory, and the relying party for the discovery check) and the
//! time, so they are tested here without HTTP handlers.

use std::time::SystemTime;

use crate::{
    auth::Caller,
    oidc_client::discovery::DiscoveryError,
    org::{
        AuthSettings, AuthSettingsPatch, IdentityProvider, IdentityProviderPatch, InvalidParameter,
        ProviderError, SamlFields, SettingsRefusal, TeamError, Tier, UpdateError,
        check_team_mappings, parse_issuer,
    },
    state::IdentityState,
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
    /// 404 with Konnect's detail ("The requested team was not found").
    NotFound(&'static str),
    /// 409 with the reason.
    Conflict(&'static str),
}

impl From<TeamError> for IdentityError {
    fn from(e: TeamError) -> Self {
        let invalid = |field: &str, reason: &str| IdentityError::Invalid {
            detail: String::new(),
            params: vec![InvalidParameter::new(field, reason)],
        };
        match e {
            TeamError::NoSuchOrganization => IdentityError::NoSuchOrganization,
            TeamError::NoSuchTeam => IdentityError::NotFound("The requested team was not found"),
            TeamError::NoSuchUser => IdentityError::NotFound("The requested user was not found"),
            TeamError::NoSuchMapping => {
                IdentityError::NotFound("The requested team group mapping was not found")
            }
            TeamError::SystemTeam => invalid("teamID", "system teams cannot be modified"),
            TeamError::Conflict(reason) => IdentityError::Conflict(reason),
            TeamError::NoIdentityProvider => invalid(
                "identity_provider",
                "an identity provider must be configured first",
            ),
            TeamError::Invalid(params) => IdentityError::Invalid {
                detail: String::new(),
                params,
            },
            TeamError::Settings(e) => e.into(),
        }
    }
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

pub fn require_admin(caller: &Caller) -> Result<(), IdentityError> {
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
    state: &IdentityState,
    caller: &Caller,
    patch: &IdentityProviderPatch,
    now: SystemTime,
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
        .update_identity_provider(&org.id, patch, now)?)
}

/// Changes the authentication settings (admins only; OIDC needs Enterprise and a complete
/// provider).
pub fn update_auth_settings(
    state: &IdentityState,
    caller: &Caller,
    patch: &AuthSettingsPatch,
    now: SystemTime,
) -> Result<AuthSettings, IdentityError> {
    require_admin(caller)?;
    Ok(state
        .directory
        .update_auth_settings(&caller.org.id, patch, now)?)
}

/// The settings page's Save: the provider as entered (issuer, client id, a secret unless one
/// is stored, login path or the default), checked by discovery, and OIDC turned on.
pub async fn save_okta(
    state: &IdentityState,
    caller: &Caller,
    form: OktaForm,
    now: SystemTime,
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
    let idp = update_identity_provider(state, caller, &patch, now).await?;
    update_auth_settings(state, caller, &AuthSettingsPatch::enable_oidc(), now)?;
    Ok(idp)
}

impl From<ProviderError> for IdentityError {
    fn from(e: ProviderError) -> Self {
        match e {
            ProviderError::NoSuchOrganization => IdentityError::NoSuchOrganization,
            ProviderError::NotFound => {
                IdentityError::NotFound("The requested identity provider was not found")
            }
            ProviderError::Conflict => IdentityError::Conflict(
                "The organization already has an identity provider of this type",
            ),
            ProviderError::Invalid(params) => IdentityError::Invalid {
                detail: String::new(),
                params,
            },
            ProviderError::Settings(e) => UpdateError::Settings(e).into(),
        }
    }
}

/// What `POST` and `PATCH /v3/identity-providers` ask for, already split by type.
#[derive(Debug, Clone)]
pub enum ProviderChange {
    Oidc(IdentityProviderPatch),
    Saml(SamlFields),
}

/// Creates (`id` None) or changes the OIDC or SAML identity provider, then turns its scheme
/// on or off when `enabled` is given. OIDC goes through [`update_identity_provider`] (the
/// issuer checked by discovery), so v2, v3 and the settings page share one rule.
pub async fn save_provider(
    state: &IdentityState,
    caller: &Caller,
    id: Option<&str>,
    change: ProviderChange,
    enabled: Option<bool>,
    now: SystemTime,
) -> Result<String, IdentityError> {
    require_admin(caller)?;
    if caller.org.tier != Tier::Enterprise {
        return Err(IdentityError::NotEnterprise);
    }
    let (provider_id, switch) = match change {
        ProviderChange::Oidc(patch) => {
            let current = caller.org.identity_provider.as_ref();
            match (id, current) {
                (None, Some(_)) => return Err(ProviderError::Conflict.into()),
                (Some(id), Some(p)) if p.id != id => return Err(ProviderError::NotFound.into()),
                (Some(_), None) => return Err(ProviderError::NotFound.into()),
                _ => {}
            }
            let idp = update_identity_provider(state, caller, &patch, now).await?;
            let switch = AuthSettingsPatch {
                oidc_auth_enabled: enabled,
                ..AuthSettingsPatch::default()
            };
            (idp.id, switch)
        }
        ProviderChange::Saml(fields) => {
            let saml = state
                .directory
                .save_saml_provider(&caller.org.id, id, &fields, now)?;
            let switch = AuthSettingsPatch {
                saml_auth_enabled: enabled,
                ..AuthSettingsPatch::default()
            };
            (saml.id, switch)
        }
    };
    if enabled.is_some() {
        update_auth_settings(state, caller, &switch, now)?;
    }
    Ok(provider_id)
}

/// The Team Mappings page's Save: IdP Mapping Enabled, Konnect Mapping Enabled and each
/// team's groups (`team.{id}`, one group per line), checked by Konnect's rule that a
/// mapping by the IdP maps at least one group, and saved together.
pub fn save_team_mappings(
    state: &IdentityState,
    caller: &Caller,
    form: &[(String, String)],
    now: SystemTime,
) -> Result<(), IdentityError> {
    require_admin(caller)?;
    let mut idp_mapping = false;
    let mut konnect_mapping = false;
    let mut groups_by_team: Vec<(String, Vec<String>)> = Vec::new();
    for (i, (name, value)) in form.iter().enumerate() {
        if form[..i].iter().any(|(seen, _)| seen == name) {
            return Err(IdentityError::Invalid {
                detail: String::new(),
                params: vec![InvalidParameter::new(name, "is given more than once")],
            });
        }
        match name.as_str() {
            "idp_mapping_enabled" => idp_mapping = value == "on",
            "konnect_mapping_enabled" => konnect_mapping = value == "on",
            _ => match name.strip_prefix("team.") {
                Some(team_id) => {
                    let groups = value
                        .lines()
                        .map(str::trim)
                        .filter(|g| !g.is_empty())
                        .map(str::to_owned)
                        .collect();
                    groups_by_team.push((team_id.to_owned(), groups));
                }
                None => {
                    return Err(IdentityError::Invalid {
                        detail: String::new(),
                        params: vec![InvalidParameter::new(name, "is not a field of this form")],
                    });
                }
            },
        }
    }
    check_team_mappings(idp_mapping, &groups_by_team).map_err(|detail| IdentityError::Invalid {
        detail: detail.to_owned(),
        params: Vec::new(),
    })?;
    let switches = AuthSettingsPatch {
        idp_mapping_enabled: Some(idp_mapping),
        konnect_mapping_enabled: Some(konnect_mapping),
        ..AuthSettingsPatch::default()
    };
    Ok(state
        .directory
        .save_team_mappings(&caller.org.id, &switches, &groups_by_team, now)?)
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

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::*;
    use crate::{
        oidc_client::RelyingParty,
        org::{Directory, Email, Role, Seed, SeedOrganization, SeedUser},
    };

    /// Nothing listens on port 9 (discard): discovery there fails at once.
    const DEAD_ISSUER: &str = "http://127.0.0.1:9/oauth2/default";

    fn user(email: &str, role: Role) -> SeedUser {
        SeedUser {
            email: email.into(),
            password: Some("pw".into()),
            full_name: None,
            role,
            token: None,
        }
    }

    fn identity_state() -> IdentityState {
        let org = |name: &str, tier, users| SeedOrganization {
            name: name.into(),
            tier,
            users,
            identity_provider: None,
            basic_auth_enabled: true,
        };
        let seed = Seed {
            organizations: vec![
                org(
                    "Acme Co.",
                    Tier::Enterprise,
                    vec![
                        user("admin@acme.test", Role::OrganizationAdmin),
                        user("member@acme.test", Role::Member),
                    ],
                ),
                org(
                    "Free Org",
                    Tier::Free,
                    vec![user("admin@free.test", Role::OrganizationAdmin)],
                ),
            ],
            any_kpat_is_admin: false,
        };
        IdentityState {
            directory: Arc::new(Directory::new(seed, SystemTime::now()).unwrap()),
            rp: Arc::new(
                RelyingParty::new(
                    Duration::from_secs(2),
                    None,
                    server_kit::control::Control::new(server_kit::control::Clock::default()),
                )
                .unwrap(),
            ),
            clock: server_kit::control::Clock::default(),
        }
    }

    fn caller(state: &IdentityState, email: &str) -> Caller {
        let user = state
            .directory
            .user_by_email(&Email::parse(email).unwrap())
            .unwrap();
        let org = state.directory.organization(&user.org_id).unwrap();
        Caller { user, org }
    }

    fn form(issuer: &str) -> OktaForm {
        OktaForm {
            issuer: issuer.into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            login_path: String::new(),
        }
    }

    fn stored_provider(state: &IdentityState, caller: &Caller) -> Option<IdentityProvider> {
        state
            .directory
            .organization(&caller.org.id)
            .unwrap()
            .identity_provider
    }

    #[tokio::test]
    async fn only_an_organization_admin_may_read_or_change_identity_settings() {
        let state = identity_state();
        let member = caller(&state, "member@acme.test");
        let now = SystemTime::now();
        assert!(matches!(
            identity_provider(&member),
            Err(IdentityError::NotAdmin)
        ));
        let patch = IdentityProviderPatch {
            issuer: Some(DEAD_ISSUER.into()),
            ..Default::default()
        };
        assert!(matches!(
            update_identity_provider(&state, &member, &patch, now).await,
            Err(IdentityError::NotAdmin)
        ));
        assert!(matches!(
            update_auth_settings(&state, &member, &AuthSettingsPatch::default(), now),
            Err(IdentityError::NotAdmin)
        ));
        assert!(matches!(
            save_okta(&state, &member, form(DEAD_ISSUER), now).await,
            Err(IdentityError::NotAdmin)
        ));
        assert!(stored_provider(&state, &member).is_none());
        let admin = caller(&state, "admin@acme.test");
        assert!(identity_provider(&admin).unwrap().is_none());
    }

    #[tokio::test]
    async fn a_free_organization_is_refused_before_any_other_check() {
        let state = identity_state();
        let admin = caller(&state, "admin@free.test");
        let now = SystemTime::now();
        // Even with blank fields: the tier comes first.
        assert!(matches!(
            save_okta(&state, &admin, OktaForm::default(), now).await,
            Err(IdentityError::NotEnterprise)
        ));
        let patch = IdentityProviderPatch {
            issuer: Some("not a url".into()),
            ..Default::default()
        };
        assert!(matches!(
            update_identity_provider(&state, &admin, &patch, now).await,
            Err(IdentityError::NotEnterprise)
        ));
    }

    #[tokio::test]
    async fn field_errors_come_before_any_request_to_the_provider() {
        let state = identity_state();
        let admin = caller(&state, "admin@acme.test");
        let now = SystemTime::now();
        // A bad login path next to a dead issuer: the field error wins, so no discovery ran.
        let patch = IdentityProviderPatch {
            issuer: Some(DEAD_ISSUER.into()),
            login_path: Some("not a path".into()),
            ..Default::default()
        };
        match update_identity_provider(&state, &admin, &patch, now).await {
            Err(IdentityError::Invalid { params, .. }) => {
                assert_eq!(params[0].field, "login_path");
            }
            other => panic!("{other:?}"),
        }
        match save_okta(&state, &admin, OktaForm::default(), now).await {
            Err(IdentityError::Invalid { params, .. }) => {
                let fields: Vec<&str> = params.iter().map(|p| p.field.as_str()).collect();
                assert_eq!(fields, ["issuer", "client_id", "client_secret"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(stored_provider(&state, &admin).is_none());
    }

    #[tokio::test]
    async fn an_issuer_that_discovery_cannot_confirm_is_not_stored() {
        let state = identity_state();
        let admin = caller(&state, "admin@acme.test");
        let now = SystemTime::now();
        let result = save_okta(&state, &admin, form(DEAD_ISSUER), now).await;
        match result {
            Err(IdentityError::Discovery(error)) => {
                assert!(
                    error.to_string().contains("could not be reached"),
                    "{error}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(stored_provider(&state, &admin).is_none());
        let org = state.directory.organization(&admin.org.id).unwrap();
        assert!(!org.auth_settings.oidc_auth_enabled);
    }

    #[tokio::test]
    async fn oidc_cannot_be_turned_on_without_a_complete_provider() {
        let state = identity_state();
        let admin = caller(&state, "admin@acme.test");
        let patch = AuthSettingsPatch {
            oidc_auth_enabled: Some(true),
            ..Default::default()
        };
        match update_auth_settings(&state, &admin, &patch, SystemTime::now()) {
            Err(IdentityError::Invalid { params, .. }) => {
                assert_eq!(params[0].field, "oidc_auth_enabled");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_team_mappings_page_saves_switches_and_groups_together_or_not_at_all() {
        let state = identity_state();
        let admin = caller(&state, "admin@acme.test");
        let now = SystemTime::now();
        let client = crate::org::OidcClient {
            issuer: DEAD_ISSUER.into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            scopes: crate::org::default_scopes(),
            claim_mappings: crate::org::ClaimMappings::default(),
            groups_wanted: false,
        };
        state
            .directory
            .enable_sso(&admin.org.id, client, None, now)
            .unwrap();
        let oa = admin.org.organization_admin_team_id().to_owned();
        let field = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let team = format!("team.{oa}");
        let refused =
            |form: Vec<(String, String)>| match save_team_mappings(&state, &admin, &form, now) {
                Err(IdentityError::Invalid { detail, params }) => (detail, params),
                other => panic!("{other:?}"),
            };
        let (detail, _) = refused(vec![
            field("idp_mapping_enabled", "on"),
            field(&team, " \n "),
        ]);
        assert_eq!(detail, crate::org::NO_GROUP_MAPPED);
        let (_, params) = refused(vec![field(&team, "A"), field(&team, "B")]);
        assert_eq!(params[0].reason, "is given more than once");
        let (_, params) = refused(vec![field("admin", "on")]);
        assert_eq!(params[0].field, "admin");
        let org = state.directory.organization(&admin.org.id).unwrap();
        assert!(org.team_group_mappings.is_empty());
        let member = caller(&state, "member@acme.test");
        assert!(matches!(
            save_team_mappings(&state, &member, &[], now),
            Err(IdentityError::NotAdmin)
        ));
        save_team_mappings(
            &state,
            &admin,
            &[
                field("idp_mapping_enabled", "on"),
                field("konnect_mapping_enabled", "on"),
                field(&team, "Konnect Admins\r\n\r\nOps"),
            ],
            now,
        )
        .unwrap();
        let org = state.directory.organization(&admin.org.id).unwrap();
        assert_eq!(org.groups_of_team(&oa), ["Konnect Admins", "Ops"]);
        assert!(org.auth_settings.konnect_mapping_enabled && org.auth_settings.idp_mapping_enabled);
    }
}

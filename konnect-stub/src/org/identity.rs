//! An organization's identity configuration: the OIDC identity provider and the authentication
//! settings, with Konnect's validation rules. Plain data and pure functions; the store applies
//! them under its lock and the v2 API and the settings page share them.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::types::{LoginPath, Tier};

/// One rejected field, as Konnect reports it in `invalid_parameters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidParameter {
    pub field: String,
    pub reason: String,
}

impl InvalidParameter {
    pub fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Which login methods the organization allows (`/v2/authentication-settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuthSettings {
    pub basic_auth_enabled: bool,
    pub oidc_auth_enabled: bool,
    pub saml_auth_enabled: bool,
    pub idp_mapping_enabled: bool,
    pub konnect_mapping_enabled: bool,
}

impl Default for AuthSettings {
    /// The values of Konnect's own example response.
    fn default() -> Self {
        Self {
            basic_auth_enabled: true,
            oidc_auth_enabled: false,
            saml_auth_enabled: false,
            idp_mapping_enabled: true,
            konnect_mapping_enabled: false,
        }
    }
}

/// `PATCH /v2/authentication-settings`: every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettingsPatch {
    pub basic_auth_enabled: Option<bool>,
    pub oidc_auth_enabled: Option<bool>,
    pub saml_auth_enabled: Option<bool>,
    pub idp_mapping_enabled: Option<bool>,
    pub konnect_mapping_enabled: Option<bool>,
}

impl AuthSettingsPatch {
    /// Turns OIDC on and leaves the rest (the settings page's Save, set-up code).
    pub fn enable_oidc() -> Self {
        Self {
            oidc_auth_enabled: Some(true),
            ..Self::default()
        }
    }
}

/// Why an authentication-settings change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsRefusal {
    /// Single sign-on is an Enterprise feature.
    NotEnterprise,
    /// Konnect's 400: the fields and reasons, and an optional detail line.
    Invalid {
        detail: String,
        params: Vec<InvalidParameter>,
    },
}

/// Why SAML cannot be turned on without a SAML identity provider (`/v3/identity-providers`).
pub const SAML_NEEDS_A_SAML_PROVIDER: &str =
    "cannot be set before configuring a SAML identity provider";

impl std::fmt::Display for SettingsRefusal {
    /// A sentence for a person (a seed file's author, say), not Konnect's JSON.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsRefusal::NotEnterprise => f.write_str(
                "single sign-on needs an Enterprise organization; set its tier to enterprise",
            ),
            SettingsRefusal::Invalid { detail, params } => {
                let reasons: Vec<String> = params
                    .iter()
                    .map(|p| format!("{} {}", p.field, p.reason))
                    .collect();
                match (detail.is_empty(), reasons.is_empty()) {
                    (false, true) => f.write_str(detail),
                    (true, _) => f.write_str(&reasons.join("; ")),
                    (false, false) => write!(f, "{detail} ({})", reasons.join("; ")),
                }
            }
        }
    }
}

impl AuthSettings {
    /// Applies a patch with Konnect's rules: at least one scheme stays on, OIDC needs a complete
    /// identity provider and an Enterprise organization, SAML is not configurable here, and
    /// OIDC and SAML are never on together.
    pub fn apply(
        self,
        patch: &AuthSettingsPatch,
        idp_complete: bool,
        tier: Tier,
    ) -> Result<AuthSettings, SettingsRefusal> {
        self.apply_with_saml(patch, idp_complete, false, tier)
    }

    /// As [`AuthSettings::apply`], for an organization that may have a SAML identity
    /// provider stored (`/v3/identity-providers`): SAML may then be turned on.
    pub fn apply_with_saml(
        self,
        patch: &AuthSettingsPatch,
        idp_complete: bool,
        saml_configured: bool,
        tier: Tier,
    ) -> Result<AuthSettings, SettingsRefusal> {
        let next = AuthSettings {
            basic_auth_enabled: patch.basic_auth_enabled.unwrap_or(self.basic_auth_enabled),
            oidc_auth_enabled: patch.oidc_auth_enabled.unwrap_or(self.oidc_auth_enabled),
            saml_auth_enabled: patch.saml_auth_enabled.unwrap_or(self.saml_auth_enabled),
            idp_mapping_enabled: patch
                .idp_mapping_enabled
                .unwrap_or(self.idp_mapping_enabled),
            konnect_mapping_enabled: patch
                .konnect_mapping_enabled
                .unwrap_or(self.konnect_mapping_enabled),
        };
        if next.oidc_auth_enabled && !self.oidc_auth_enabled && tier != Tier::Enterprise {
            return Err(SettingsRefusal::NotEnterprise);
        }
        if !next.basic_auth_enabled && !next.oidc_auth_enabled && !next.saml_auth_enabled {
            return Err(SettingsRefusal::Invalid {
                detail: "Atleast one of the authentication schemes from basic, oidc or saml needs to be enabled".to_owned(),
                params: vec![
                    InvalidParameter::new("oidc_auth_enabled", "cannot be disabled when both basic auth and SAML are also disabled"),
                    InvalidParameter::new("basic_auth_enabled", "cannot be disabled when both OIDC and SAML are also disabled"),
                    InvalidParameter::new("saml_auth_enabled", "cannot be disabled when both OIDC and basic auth are also disabled"),
                ],
            });
        }
        if next.oidc_auth_enabled && !idp_complete {
            return Err(SettingsRefusal::Invalid {
                detail: String::new(),
                params: vec![InvalidParameter::new(
                    "oidc_auth_enabled",
                    "cannot be set before configuring an identity provider",
                )],
            });
        }
        if next.saml_auth_enabled && !self.saml_auth_enabled && !saml_configured {
            // SAML needs a SAML identity provider, which this stub cannot configure; the
            // OIDC provider does not count, so the reason says which kind is missing.
            return Err(SettingsRefusal::Invalid {
                detail: String::new(),
                params: vec![InvalidParameter::new(
                    "saml_auth_enabled",
                    SAML_NEEDS_A_SAML_PROVIDER,
                )],
            });
        }
        if next.oidc_auth_enabled && next.saml_auth_enabled {
            return Err(SettingsRefusal::Invalid {
                detail: "Only one identity provider can be active at a time, such as SAML or OIDC"
                    .to_owned(),
                params: vec![InvalidParameter::new(
                    "oidc_auth_enabled",
                    "cannot be enabled together with SAML",
                )],
            });
        }
        Ok(next)
    }
}

/// A SAML identity provider, stored as `/v3/identity-providers` takes it. Logins through it
/// are refused: the stub speaks no SAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProvider {
    pub id: String,
    pub login_path: LoginPath,
    pub idp_metadata_url: Option<String>,
    pub idp_metadata_xml: Option<String>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

/// Which ID-token (or userinfo) claims hold the user's name, email and groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimMappings {
    pub name: String,
    pub email: String,
    pub groups: String,
}

impl Default for ClaimMappings {
    fn default() -> Self {
        Self {
            name: "name".to_owned(),
            email: "email".to_owned(),
            groups: "groups".to_owned(),
        }
    }
}

/// The scopes Konnect asks for unless told otherwise.
pub fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(str::to_owned).to_vec()
}

/// The organization's OIDC identity provider. A draft may lack fields (the API lets them be
/// set one PATCH at a time); [`IdentityProvider::client`] says whether it is usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityProvider {
    /// Its id in `/v3/identity-providers`.
    pub id: String,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    client_secret: Option<String>,
    pub login_path: LoginPath,
    pub scopes: Vec<String>,
    pub claim_mappings: ClaimMappings,
}

/// The complete client registration the relying party needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcClient {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    pub claim_mappings: ClaimMappings,
    /// Whether the login's groups can change the user's teams, so that a groups claim
    /// missing from the ID token is asked of userinfo (see `org::groups_matter`).
    pub groups_wanted: bool,
}

/// `PATCH /v2/identity-provider` (and the settings form): every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderPatch {
    pub issuer: Option<String>,
    pub login_path: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub claim_mappings: Option<ClaimMappingsPatch>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimMappingsPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub groups: Option<String>,
}

/// Checks an issuer the way discovery will use it: an absolute http(s) URL without query or
/// fragment. Returns it without a trailing slash only if it had none; OpenID discovery compares
/// issuers exactly, so the value is kept as entered otherwise.
pub fn parse_issuer(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let url = url::Url::parse(s).map_err(|_| "must be an absolute http or https URL".to_owned())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("must be an absolute http or https URL".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not contain a query or fragment".to_owned());
    }
    Ok(s.to_owned())
}

impl IdentityProvider {
    /// A provider from complete settings (seed files and tests).
    pub fn new(client: OidcClient, login_path: LoginPath) -> Self {
        Self {
            id: crate::crypto::new_uuid(),
            created_at: SystemTime::UNIX_EPOCH,
            updated_at: SystemTime::UNIX_EPOCH,
            issuer: Some(client.issuer),
            client_id: Some(client.client_id),
            client_secret: Some(client.client_secret),
            login_path,
            scopes: client.scopes,
            claim_mappings: client.claim_mappings,
        }
    }

    pub fn has_client_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// The registration, if every field the relying party needs is present.
    pub fn client(&self) -> Option<OidcClient> {
        Some(OidcClient {
            issuer: self.issuer.clone()?,
            client_id: self.client_id.clone()?,
            client_secret: self.client_secret.clone()?,
            scopes: self.scopes.clone(),
            claim_mappings: self.claim_mappings.clone(),
            groups_wanted: false,
        })
    }

    /// Merges a patch into `current` (or a new provider whose login path defaults to
    /// `default_login_path`), reporting every invalid field at once.
    pub fn apply(
        current: Option<&IdentityProvider>,
        patch: &IdentityProviderPatch,
        default_login_path: LoginPath,
    ) -> Result<IdentityProvider, Vec<InvalidParameter>> {
        let mut errors = Vec::new();
        // A new provider's times are set by whoever stores it.
        let mut next = current.cloned().unwrap_or_else(|| IdentityProvider {
            id: crate::crypto::new_uuid(),
            created_at: SystemTime::UNIX_EPOCH,
            updated_at: SystemTime::UNIX_EPOCH,
            issuer: None,
            client_id: None,
            client_secret: None,
            login_path: default_login_path.clone(),
            scopes: default_scopes(),
            claim_mappings: ClaimMappings::default(),
        });
        if let Some(issuer) = &patch.issuer {
            match parse_issuer(issuer) {
                Ok(issuer) => next.issuer = Some(issuer),
                Err(reason) => errors.push(InvalidParameter::new("issuer", reason)),
            }
        }
        if let Some(path) = &patch.login_path {
            if path.trim().is_empty() {
                next.login_path = default_login_path;
            } else {
                match LoginPath::parse(path) {
                    Ok(path) => next.login_path = path,
                    Err(reason) => errors.push(InvalidParameter::new("login_path", reason)),
                }
            }
        }
        for (field, value, slot) in [
            ("client_id", &patch.client_id, &mut next.client_id),
            (
                "client_secret",
                &patch.client_secret,
                &mut next.client_secret,
            ),
        ] {
            if let Some(value) = value {
                let value = value.trim();
                if value.is_empty() {
                    errors.push(InvalidParameter::new(field, "cannot be blank"));
                } else if value.len() > 1024 {
                    errors.push(InvalidParameter::new(
                        field,
                        "must be at most 1024 characters",
                    ));
                } else {
                    *slot = Some(value.to_owned());
                }
            }
        }
        if let Some(scopes) = &patch.scopes {
            let scopes: Vec<String> = scopes.iter().map(|s| s.trim().to_owned()).collect();
            if scopes
                .iter()
                .any(|s| s.is_empty() || s.contains(char::is_whitespace))
            {
                errors.push(InvalidParameter::new(
                    "scopes",
                    "each scope must be a non-empty word",
                ));
            } else if !scopes.iter().any(|s| s == "openid") {
                errors.push(InvalidParameter::new(
                    "scopes",
                    "must include the openid scope",
                ));
            } else {
                let mut unique = Vec::new();
                for s in scopes {
                    if !unique.contains(&s) {
                        unique.push(s);
                    }
                }
                next.scopes = unique;
            }
        }
        if let Some(m) = &patch.claim_mappings {
            for (field, value, slot) in [
                (
                    "claim_mappings.name",
                    &m.name,
                    &mut next.claim_mappings.name,
                ),
                (
                    "claim_mappings.email",
                    &m.email,
                    &mut next.claim_mappings.email,
                ),
                (
                    "claim_mappings.groups",
                    &m.groups,
                    &mut next.claim_mappings.groups,
                ),
            ] {
                if let Some(value) = value {
                    if value.trim().is_empty() {
                        errors.push(InvalidParameter::new(field, "cannot be blank"));
                    } else {
                        *slot = value.trim().to_owned();
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> IdentityProvider {
        IdentityProvider::new(
            OidcClient {
                issuer: "https://dev.okta.test/oauth2/default".into(),
                client_id: "cid".into(),
                client_secret: "secret".into(),
                scopes: default_scopes(),
                claim_mappings: ClaimMappings::default(),
                groups_wanted: false,
            },
            LoginPath::parse("acme").unwrap(),
        )
    }

    #[test]
    fn all_schemes_off_is_refused_with_konnects_text() {
        let patch = AuthSettingsPatch {
            basic_auth_enabled: Some(false),
            ..Default::default()
        };
        let err = AuthSettings::default()
            .apply(&patch, true, Tier::Enterprise)
            .unwrap_err();
        let SettingsRefusal::Invalid { detail, params } = err else {
            panic!("wrong refusal")
        };
        assert!(detail.starts_with("Atleast one of the authentication schemes"));
        assert_eq!(params.len(), 3);
    }

    #[test]
    fn oidc_needs_a_complete_provider_and_enterprise() {
        let on = AuthSettingsPatch {
            oidc_auth_enabled: Some(true),
            ..Default::default()
        };
        let err = AuthSettings::default()
            .apply(&on, false, Tier::Enterprise)
            .unwrap_err();
        assert!(matches!(err, SettingsRefusal::Invalid { ref params, .. }
            if params[0].reason == "cannot be set before configuring an identity provider"));
        assert_eq!(
            AuthSettings::default().apply(&on, true, Tier::Free),
            Err(SettingsRefusal::NotEnterprise)
        );
        let next = AuthSettings::default()
            .apply(&on, true, Tier::Enterprise)
            .unwrap();
        assert!(next.oidc_auth_enabled && next.basic_auth_enabled);
        // With OIDC on, basic auth may be switched off.
        let basic_off = AuthSettingsPatch {
            basic_auth_enabled: Some(false),
            ..Default::default()
        };
        assert!(
            !next
                .apply(&basic_off, true, Tier::Enterprise)
                .unwrap()
                .basic_auth_enabled
        );
    }

    #[test]
    fn saml_is_refused_for_want_of_a_saml_provider_even_with_oidc_configured() {
        let patch = AuthSettingsPatch {
            saml_auth_enabled: Some(true),
            ..Default::default()
        };
        let err = AuthSettings::default()
            .apply(&patch, true, Tier::Enterprise)
            .unwrap_err();
        assert!(matches!(err, SettingsRefusal::Invalid { ref params, .. }
            if params[0].field == "saml_auth_enabled"
                && params[0].reason == SAML_NEEDS_A_SAML_PROVIDER));
        assert_eq!(
            err.to_string(),
            format!("saml_auth_enabled {SAML_NEEDS_A_SAML_PROVIDER}")
        );
        assert_eq!(
            SettingsRefusal::NotEnterprise.to_string(),
            "single sign-on needs an Enterprise organization; set its tier to enterprise"
        );
    }

    #[test]
    fn patch_merges_and_defaults_login_path() {
        let default_path = LoginPath::parse("acme-co").unwrap();
        let patch = IdentityProviderPatch {
            issuer: Some("https://x.test/oauth2/default".into()),
            ..Default::default()
        };
        let idp = IdentityProvider::apply(None, &patch, default_path.clone()).unwrap();
        assert_eq!(idp.login_path, default_path);
        assert_eq!(idp.scopes, default_scopes());
        assert!(
            idp.client().is_none(),
            "draft without client id is not usable"
        );

        let patch = IdentityProviderPatch {
            client_id: Some("cid".into()),
            client_secret: Some("s3cret".into()),
            login_path: Some("".into()),
            ..Default::default()
        };
        let idp = IdentityProvider::apply(Some(&idp), &patch, default_path.clone()).unwrap();
        let client = idp.client().unwrap();
        assert_eq!(client.issuer, "https://x.test/oauth2/default");
        assert_eq!(client.client_secret, "s3cret");
        assert_eq!(idp.login_path, default_path);
    }

    #[test]
    fn patch_reports_every_bad_field() {
        let patch = IdentityProviderPatch {
            issuer: Some("not a url".into()),
            login_path: Some("a b".into()),
            client_id: Some(" ".into()),
            scopes: Some(vec!["email".into()]),
            ..Default::default()
        };
        let errs = IdentityProvider::apply(Some(&complete()), &patch, LoginPath::slug_of("x"))
            .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["issuer", "login_path", "client_id", "scopes"]);
    }

    #[test]
    fn issuer_must_be_http_url_without_query() {
        assert!(parse_issuer("https://a.test/oauth2/default").is_ok());
        assert!(parse_issuer("ftp://a.test").is_err());
        assert!(parse_issuer("https://a.test/?x=1").is_err());
        assert!(parse_issuer("/relative").is_err());
    }
}

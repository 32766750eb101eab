//! The identity providers as `/v3/identity-providers` sees them: the organization's OIDC
//! provider (the same one `/v2/identity-provider` and the settings page change) and a stored
//! SAML provider, each with `enabled` standing for its scheme in the authentication settings.
//! Written under the directory's lock with the same rules as the rest.

use std::time::SystemTime;

use super::identity::{AuthSettingsPatch, InvalidParameter, SamlProvider, SettingsRefusal};
use super::store::Directory;
use super::types::LoginPath;
use crate::crypto::new_uuid;

/// Why a provider change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderError {
    NoSuchOrganization,
    NotFound,
    /// The organization already has a provider of that type.
    Conflict,
    Invalid(Vec<InvalidParameter>),
    Settings(SettingsRefusal),
}

/// A SAML provider's fields as `POST` / `PATCH /v3/identity-providers` give them.
#[derive(Debug, Clone, Default)]
pub struct SamlFields {
    pub login_path: Option<String>,
    pub idp_metadata_url: Option<String>,
    pub idp_metadata_xml: Option<String>,
}

impl Directory {
    /// Stores (or changes) the organization's SAML provider. A new one needs its metadata
    /// (a URL or the XML); the login path defaults to the organization's slug and is unique.
    pub fn save_saml_provider(
        &self,
        org_id: &str,
        id: Option<&str>,
        fields: &SamlFields,
        now: SystemTime,
    ) -> Result<SamlProvider, ProviderError> {
        let mut st = self.write();
        let org = st
            .orgs
            .get(org_id)
            .ok_or(ProviderError::NoSuchOrganization)?;
        let mut next = match (id, &org.saml_provider) {
            (None, Some(_)) => return Err(ProviderError::Conflict),
            (None, None) => SamlProvider {
                id: new_uuid(),
                login_path: org.default_login_path(),
                idp_metadata_url: None,
                idp_metadata_xml: None,
                created_at: now,
                updated_at: now,
            },
            (Some(id), Some(p)) if p.id == id => p.clone(),
            (Some(_), _) => return Err(ProviderError::NotFound),
        };
        let mut errors = Vec::new();
        if let Some(path) = &fields.login_path {
            match LoginPath::parse(path) {
                Ok(path) => next.login_path = path,
                Err(reason) => errors.push(InvalidParameter::new("login_path", reason)),
            }
        }
        if let Some(u) = &fields.idp_metadata_url {
            match url::Url::parse(u) {
                Ok(_) => next.idp_metadata_url = Some(u.clone()),
                Err(_) => errors.push(InvalidParameter::new(
                    "config.idp_metadata_url",
                    "must be an absolute URL",
                )),
            }
        }
        if let Some(x) = &fields.idp_metadata_xml {
            if x.trim().is_empty() {
                errors.push(InvalidParameter::new(
                    "config.idp_metadata_xml",
                    "cannot be blank",
                ));
            } else {
                next.idp_metadata_xml = Some(x.clone());
            }
        }
        if next.idp_metadata_url.is_none() && next.idp_metadata_xml.is_none() {
            errors.push(InvalidParameter::new(
                "config",
                "needs idp_metadata_url or idp_metadata_xml",
            ));
        }
        if st
            .orgs
            .values()
            .any(|o| o.uses_login_path(&next.login_path, &next.id))
        {
            errors.push(InvalidParameter::new(
                "login_path",
                "is already used by another identity provider",
            ));
        }
        if !errors.is_empty() {
            return Err(ProviderError::Invalid(errors));
        }
        next.updated_at = now;
        let org = st
            .orgs
            .get_mut(org_id)
            .ok_or(ProviderError::NoSuchOrganization)?;
        org.saml_provider = Some(next.clone());
        org.updated_at = now;
        Ok(next)
    }

    /// Deletes the provider with `id` and turns its scheme off (Konnect's rule that one
    /// scheme stays on applies); the team-group mappings go with the last provider.
    pub fn delete_identity_provider(
        &self,
        org_id: &str,
        id: &str,
        now: SystemTime,
    ) -> Result<(), ProviderError> {
        let mut st = self.write();
        let org = st
            .orgs
            .get_mut(org_id)
            .ok_or(ProviderError::NoSuchOrganization)?;
        let oidc = org.identity_provider.as_ref().is_some_and(|p| p.id == id);
        let saml = org.saml_provider.as_ref().is_some_and(|p| p.id == id);
        let off = match (oidc, saml) {
            (true, _) => AuthSettingsPatch {
                oidc_auth_enabled: Some(false),
                ..Default::default()
            },
            (_, true) => AuthSettingsPatch {
                saml_auth_enabled: Some(false),
                ..Default::default()
            },
            _ => return Err(ProviderError::NotFound),
        };
        let settings = org
            .next_auth_settings(&off)
            .map_err(ProviderError::Settings)?;
        org.auth_settings = settings;
        if oidc {
            org.identity_provider = None;
        } else {
            org.saml_provider = None;
        }
        if !org.has_identity_provider() {
            org.team_group_mappings.clear();
        }
        org.updated_at = now;
        Ok(())
    }

    /// The organization whose SAML provider uses `path`.
    pub fn organization_by_saml_login_path(&self, path: &str) -> Option<super::Organization> {
        self.organizations().into_iter().find(|o| {
            o.saml_provider
                .as_ref()
                .is_some_and(|p| p.login_path.as_str() == path)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::store::tests::{acme, seed};

    fn xml() -> SamlFields {
        SamlFields {
            idp_metadata_xml: Some("<EntityDescriptor/>".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_saml_provider_is_stored_once_and_may_then_be_turned_on() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        assert!(matches!(
            dir.save_saml_provider(&org.id, None, &SamlFields::default(), now),
            Err(ProviderError::Invalid(ref p)) if p[0].field == "config"
        ));
        let saml = dir.save_saml_provider(&org.id, None, &xml(), now).unwrap();
        assert_eq!(saml.login_path.as_str(), "acme-co");
        assert_eq!(
            dir.save_saml_provider(&org.id, None, &xml(), now),
            Err(ProviderError::Conflict)
        );
        let on = AuthSettingsPatch {
            saml_auth_enabled: Some(true),
            ..Default::default()
        };
        assert!(
            dir.update_auth_settings(&org.id, &on, now)
                .unwrap()
                .saml_auth_enabled
        );
        assert_eq!(
            dir.organization_by_saml_login_path("acme-co").unwrap().id,
            org.id
        );
        dir.delete_identity_provider(&org.id, &saml.id, now)
            .unwrap();
        let org = acme(&dir);
        assert!(org.saml_provider.is_none() && !org.auth_settings.saml_auth_enabled);
        assert_eq!(
            dir.delete_identity_provider(&org.id, &saml.id, now),
            Err(ProviderError::NotFound)
        );
    }
}

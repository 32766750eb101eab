//! An app's client secrets (`/api/v1/apps/{id}/credentials/secrets`): Okta's multiple-secret
//! rotation. An app that authenticates with a secret has one or two; every active one is
//! accepted at the token endpoint, and the newest active one is the app's
//! `credentials.oauthClient.client_secret`.
//!
//! The rules, as Okta's: at most two secrets, at least one of them active, and only an
//! inactive secret may be deleted.

use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory, TokenAuthMethod};
use crate::ids::okta_id;

/// At most this many secrets per app.
pub const MAX_CLIENT_SECRETS: usize = 2;

/// `ACTIVE` secrets authenticate the client; `INACTIVE` ones are kept, refused, and may be
/// deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStatus {
    Active,
    Inactive,
}

impl SecretStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Inactive => "INACTIVE",
        }
    }
}

/// One client secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecret {
    /// `ocs…`
    pub id: String,
    pub value: String,
    pub status: SecretStatus,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
}

impl ClientSecret {
    /// A new active secret.
    pub(crate) fn new(value: String, now: OffsetDateTime) -> Self {
        Self {
            id: okta_id("ocs"),
            value,
            status: SecretStatus::Active,
            created: now,
            last_updated: now,
        }
    }

    /// `secret_hash`: 22 base64url characters derived from the value (16 bytes of its
    /// SHA-256), so a client can tell which secret it holds without the value.
    pub fn hash(&self) -> String {
        use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
        use sha2::{Digest as _, Sha256};
        let digest = Sha256::digest(self.value.as_bytes());
        URL_SAFE_NO_PAD.encode(&digest[..16])
    }
}

/// An app's secrets, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSecrets(Vec<ClientSecret>);

impl ClientSecrets {
    /// Just this one, active (a new app, or an app whose secret was replaced).
    pub(crate) fn single(value: String, now: OffsetDateTime) -> Self {
        Self(vec![ClientSecret::new(value, now)])
    }

    pub fn all(&self) -> &[ClientSecret] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn active(&self) -> impl Iterator<Item = &ClientSecret> {
        self.0.iter().filter(|s| s.status == SecretStatus::Active)
    }

    /// The newest active secret: what the app shows as its `client_secret`.
    pub fn current(&self) -> Option<&str> {
        self.active()
            .max_by_key(|s| s.created)
            .map(|s| s.value.as_str())
    }

    /// Whether `given` is one of the active secrets (compared in constant time).
    pub fn accepts(&self, given: &str) -> bool {
        self.active().fold(false, |found, s| {
            crate::ids::constant_time_eq(given.as_bytes(), s.value.as_bytes()) | found
        })
    }

    /// The active secrets' values, for checking a `client_secret_jwt` signature.
    pub fn active_values(&self) -> impl Iterator<Item = &str> {
        self.active().map(|s| s.value.as_str())
    }

    fn get_mut(&mut self, id: &str) -> DirResult<&mut ClientSecret> {
        self.0
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| secret_not_found(id))
    }
}

fn secret_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "OAuth2ClientSecret",
    }
}

/// A secret of Okta's length: 14 to 100 characters (the same rule as an app's own
/// `credentials.oauthClient.client_secret`).
pub(crate) fn check_secret_length(field: &str, value: &str) -> Result<(), Cause> {
    if (14..=100).contains(&value.chars().count()) {
        Ok(())
    } else {
        Err(Cause::new(
            field,
            format!(
                "{}: The client secret must be between 14 and 100 characters",
                super::last_segment(field)
            ),
        ))
    }
}

fn refuse(message: &str) -> DirError {
    DirError::validation(vec![Cause::new(
        "client_secret",
        format!("client_secret: {message}"),
    )])
}

impl Directory {
    /// The app's secrets, oldest first.
    pub fn client_secrets(&self, app_id: &str) -> DirResult<Vec<ClientSecret>> {
        Ok(self.app(app_id)?.credentials.secrets.all().to_vec())
    }

    /// One secret of the app.
    pub fn client_secret(&self, app_id: &str, secret_id: &str) -> DirResult<ClientSecret> {
        self.app(app_id)?
            .credentials
            .secrets
            .all()
            .iter()
            .find(|s| s.id == secret_id)
            .cloned()
            .ok_or_else(|| secret_not_found(secret_id))
    }

    /// Adds a secret: the given value or a generated one, active unless `active` is false.
    /// Refused when the app does not authenticate with a secret or already has two.
    pub fn add_client_secret(
        &self,
        app_id: &str,
        value: Option<String>,
        active: bool,
    ) -> DirResult<ClientSecret> {
        if let Some(v) = &value {
            check_secret_length("client_secret", v)
                .map_err(|cause| DirError::validation(vec![cause]))?;
        }
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        if !app.credentials.token_endpoint_auth_method.uses_secret() {
            return Err(refuse(&format!(
                "The app authenticates with {}, not a client secret",
                app.credentials.token_endpoint_auth_method.as_str()
            )));
        }
        // An HMAC key for client_secret_jwt assertions needs 32 characters or more.
        if app.credentials.token_endpoint_auth_method == TokenAuthMethod::ClientSecretJwt
            && value.as_ref().is_some_and(|v| v.chars().count() < 32)
        {
            return Err(refuse(
                "The client secret of an app that uses client_secret_jwt must be at least 32 characters",
            ));
        }
        if app.credentials.secrets.0.len() >= MAX_CLIENT_SECRETS {
            return Err(refuse(
                "An app can have at most two client secrets; delete an inactive one first",
            ));
        }
        let mut secret = ClientSecret::new(value.unwrap_or_else(super::apps::generate_secret), now);
        if !active {
            secret.status = SecretStatus::Inactive;
        }
        app.credentials.secrets.0.push(secret.clone());
        app.last_updated = now;
        Ok(secret)
    }

    /// Activates or deactivates a secret; the last active secret cannot be deactivated.
    pub fn set_client_secret_status(
        &self,
        app_id: &str,
        secret_id: &str,
        active: bool,
    ) -> DirResult<ClientSecret> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        let secrets = &mut app.credentials.secrets;
        let others_active = secrets.active().filter(|s| s.id != secret_id).count();
        let secret = secrets.get_mut(secret_id)?;
        let status = if active {
            SecretStatus::Active
        } else {
            SecretStatus::Inactive
        };
        if secret.status == status {
            return Ok(secret.clone());
        }
        if !active && others_active == 0 {
            return Err(refuse(
                "The app's only active client secret cannot be deactivated; add another one first",
            ));
        }
        secret.status = status;
        secret.last_updated = now;
        let secret = secret.clone();
        app.last_updated = now;
        Ok(secret)
    }

    /// Deletes an inactive secret.
    pub fn delete_client_secret(&self, app_id: &str, secret_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        let secrets = &mut app.credentials.secrets;
        if secrets.get_mut(secret_id)?.status == SecretStatus::Active {
            return Err(refuse(
                "An active client secret cannot be deleted; deactivate it first",
            ));
        }
        secrets.0.retain(|s| s.id != secret_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::AppInput};
    use serde_json::json;

    fn app(dir: &Directory, method: &str) -> crate::directory::App {
        let input: AppInput = serde_json::from_value(json!({"name": "oidc_client", "label": "A",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": method,
                "client_secret": "the-first-secret-0123456789"}},
            "settings": {"oauthClient": {"application_type": "web", "redirect_uris": ["https://a/cb"],
                "jwks": {"keys": [{"kty": "RSA", "e": "AQAB", "kid": "k1",
                    "n": "sXch8P_Kj1H9XxDRUfbVsUfjYd8J2B0uZZo"}]}}}}))
        .unwrap();
        dir.create_app(input, true).unwrap()
    }

    #[test]
    fn rotation_keeps_at_most_two_secrets_and_one_active() {
        let dir = Directory::new(Clock::default());
        let a = app(&dir, "client_secret_basic");
        let first = &dir.client_secrets(&a.id).unwrap()[0];
        assert!(first.id.starts_with("ocs") && first.status == SecretStatus::Active);
        assert_eq!(first.hash().len(), 22);
        let err = dir.set_client_secret_status(&a.id, &first.id, false);
        assert!(matches!(err, Err(DirError::Validation { .. })), "{err:?}");
        assert!(dir.delete_client_secret(&a.id, &first.id).is_err());

        let second = dir
            .add_client_secret(&a.id, Some("the-second-secret-0123456789".into()), true)
            .unwrap();
        let creds = dir.app(&a.id).unwrap().credentials;
        assert!(creds.secrets.accepts("the-first-secret-0123456789"));
        assert!(creds.secrets.accepts("the-second-secret-0123456789"));
        assert!(!creds.secrets.accepts("the-third-secret-0123456789"));
        assert!(dir.add_client_secret(&a.id, None, true).is_err(), "a third");

        let old = dir
            .set_client_secret_status(&a.id, &first.id, false)
            .unwrap();
        assert_eq!(old.status, SecretStatus::Inactive);
        let creds = dir.app(&a.id).unwrap().credentials;
        assert!(!creds.secrets.accepts("the-first-secret-0123456789"));
        assert_eq!(
            creds.secrets.current(),
            Some("the-second-secret-0123456789")
        );
        assert!(
            dir.set_client_secret_status(&a.id, &second.id, false)
                .is_err()
        );
        dir.delete_client_secret(&a.id, &first.id).unwrap();
        assert_eq!(dir.client_secrets(&a.id).unwrap().len(), 1);
        assert!(matches!(
            dir.client_secret(&a.id, &first.id),
            Err(DirError::NotFound {
                kind: "OAuth2ClientSecret",
                ..
            })
        ));
        assert!(
            dir.add_client_secret(&a.id, Some("short".into()), true)
                .is_err()
        );
    }

    #[test]
    fn an_app_without_a_secret_has_none_to_add() {
        let dir = Directory::new(Clock::default());
        let a = app(&dir, "private_key_jwt");
        assert!(dir.client_secrets(&a.id).unwrap().is_empty());
        assert!(dir.add_client_secret(&a.id, None, true).is_err());
    }
}

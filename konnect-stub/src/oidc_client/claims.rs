//! Who signed in: email and name from the verified ID token, completed from userinfo where
//! the provider keeps them only there.

use serde_json::{Map, Value};

use super::{
    RelyingParty, SsoError, SsoIdentity,
    discovery::ProviderMetadata,
    fetch::{self, Endpoint},
    id_token::Claims,
    pending::PendingLogin,
};
use crate::org::Email;

impl RelyingParty {
    /// Email and name from the ID token, completed from userinfo where the provider keeps
    /// them only there.
    pub(super) async fn identity(
        &self,
        meta: &ProviderMetadata,
        pending: &PendingLogin,
        claims: &Claims,
        access_token: Option<&str>,
    ) -> Result<SsoIdentity, SsoError> {
        let mappings = &pending.client.claim_mappings;
        let mut email = claims.string(&mappings.email).map(str::to_owned);
        let mut name = claims.string(&mappings.name).map(str::to_owned);
        if (email.is_none() || name.is_none())
            && let (Some(endpoint), Some(token)) = (&meta.userinfo_endpoint, access_token)
        {
            let info = self.userinfo(endpoint, token, claims.subject()).await?;
            let info = Claims(info);
            email = email.or_else(|| info.string(&mappings.email).map(str::to_owned));
            name = name.or_else(|| info.string(&mappings.name).map(str::to_owned));
        }
        let email = email.ok_or_else(|| SsoError::MissingEmail(mappings.email.clone()))?;
        let email = Email::parse(&email).map_err(SsoError::InvalidEmail)?;
        Ok(SsoIdentity {
            org_id: pending.org_id.clone(),
            issuer: pending.client.issuer.clone(),
            subject: claims.subject().to_owned(),
            email,
            name,
        })
    }

    async fn userinfo(
        &self,
        endpoint: &str,
        access_token: &str,
        subject: &str,
    ) -> Result<Map<String, Value>, SsoError> {
        let request = self
            .http
            .get(endpoint)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json");
        let (content_type, body) = fetch::send_ok(Endpoint::Userinfo, endpoint, request).await?;
        if content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/jwt"))
        {
            return Err(SsoError::BadUserinfo(
                "signed userinfo responses are not supported".to_owned(),
            ));
        }
        let info: Map<String, Value> = serde_json::from_slice(&body)
            .map_err(|_| SsoError::BadUserinfo("it is not a JSON object".to_owned()))?;
        // OpenID Connect Core §5.3.2: the sub must be the ID token's.
        if info.get("sub").and_then(Value::as_str) != Some(subject) {
            return Err(SsoError::BadUserinfo(
                "its sub differs from the ID token's".to_owned(),
            ));
        }
        Ok(info)
    }
}

//! Who signed in: email, name and whether the provider vouches for the email
//! (`email_verified`), from the verified ID token, completed from userinfo where the provider
//! keeps them only there (Okta, for one, puts `email_verified` only in userinfo when an access
//! token is issued).

use serde_json::{Map, Value};

use super::{
    RelyingParty, SsoError, SsoIdentity,
    discovery::ProviderMetadata,
    fetch::{self, Endpoint},
    id_token::Claims,
    pending::PendingLogin,
};
use crate::org::{Email, EmailVerification};

impl RelyingParty {
    /// Email, name and the email's verification from the ID token, completed from userinfo
    /// where the provider keeps them only there. A userinfo request that fails fails the
    /// sign-in, even when it was made only for `email_verified`.
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
        let mut groups = groups(claims, &mappings.groups)?;
        let mut verification = email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .map_or(EmailVerification::Unknown, |e| verification(claims, &e));
        let groups_missing = groups.is_none() && pending.client.groups_wanted;
        if (email.is_none()
            || name.is_none()
            || verification == EmailVerification::Unknown
            || groups_missing)
            && let (Some(endpoint), Some(token)) = (&meta.userinfo_endpoint, access_token)
        {
            let info = self.userinfo(endpoint, token, claims.subject()).await?;
            let info = Claims(info);
            email = email.or_else(|| info.string(&mappings.email).map(str::to_owned));
            name = name.or_else(|| info.string(&mappings.name).map(str::to_owned));
            if groups.is_none() {
                groups = self::groups(&info, &mappings.groups)?;
            }
            if verification == EmailVerification::Unknown
                && let Some(e) = email.as_deref().and_then(|e| Email::parse(e).ok())
            {
                verification = self::verification(&info, &e);
            }
        }
        let email = email.ok_or_else(|| SsoError::MissingEmail(mappings.email.clone()))?;
        let email = Email::parse(&email).map_err(SsoError::InvalidEmail)?;
        Ok(SsoIdentity {
            org_id: pending.org_id.clone(),
            issuer: pending.client.issuer.clone(),
            subject: claims.subject().to_owned(),
            email,
            email_verification: verification,
            name,
            groups: groups.unwrap_or_default(),
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
        let (content_type, body) =
            fetch::send_ok(&self.control, Endpoint::Userinfo, endpoint, request).await?;
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

/// The groups claim: an array of names, or one name as a string (some providers send a
/// lone group so); `None` when absent. Anything else is a provider error, not "no groups".
fn groups(claims: &Claims, claim: &str) -> Result<Option<Vec<String>>, SsoError> {
    let bad = || SsoError::BadGroupsClaim(claim.to_owned());
    match claims.0.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(g)) => Ok(Some(vec![g.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|g| g.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad()),
    }
}

/// What `claims` say about `email`. `email_verified` speaks of the standard `email` claim, so
/// it counts only when that claim is this same address (it may not be, with a custom email
/// claim mapping). A boolean, or the strings "true" and "false" that some providers send.
fn verification(claims: &Claims, email: &Email) -> EmailVerification {
    let about_this_email = claims
        .string("email")
        .and_then(|e| Email::parse(e).ok())
        .is_some_and(|e| &e == email);
    if !about_this_email {
        return EmailVerification::Unknown;
    }
    match claims.0.get("email_verified") {
        Some(Value::Bool(true)) => EmailVerification::Verified,
        Some(Value::Bool(false)) => EmailVerification::Unverified,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => EmailVerification::Verified,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => EmailVerification::Unverified,
        _ => EmailVerification::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(v: Value) -> Claims {
        match v {
            Value::Object(map) => Claims(map),
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_groups_claim_is_a_list_or_one_name_and_nothing_else() {
        let c = claims(
            json!({"groups": ["Konnect Admins", "Everyone"], "g": "Solo",
            "n": null, "bad": [1], "obj": {"a": 1}}),
        );
        assert_eq!(
            groups(&c, "groups").unwrap(),
            Some(vec!["Konnect Admins".to_owned(), "Everyone".to_owned()])
        );
        assert_eq!(groups(&c, "g").unwrap(), Some(vec!["Solo".to_owned()]));
        assert_eq!(groups(&c, "n").unwrap(), None);
        assert_eq!(groups(&c, "absent").unwrap(), None);
        for bad in ["bad", "obj"] {
            assert!(matches!(groups(&c, bad), Err(SsoError::BadGroupsClaim(ref n)) if n == bad));
        }
    }

    #[test]
    fn email_verified_counts_for_the_email_claim_it_comes_with() {
        use EmailVerification::*;
        let sam = Email::parse("sam@example.com").unwrap();
        for (value, expected) in [
            (json!(true), Verified),
            (json!(false), Unverified),
            (json!("TRUE"), Verified),
            (json!("false"), Unverified),
            (json!("yes"), Unknown),
            (json!(1), Unknown),
            (json!(null), Unknown),
        ] {
            let c = claims(json!({"email": "Sam@Example.com", "email_verified": value}));
            assert_eq!(verification(&c, &sam), expected, "{value}");
        }
        let silent = claims(json!({"email": "sam@example.com"}));
        assert_eq!(verification(&silent, &sam), Unknown);
        // About another address (a custom mapping took the email from elsewhere).
        let other = claims(json!({"email": "other@example.com", "email_verified": true}));
        assert_eq!(verification(&other, &sam), Unknown);
        let none = claims(json!({"email_verified": true}));
        assert_eq!(verification(&none, &sam), Unknown);
    }
}

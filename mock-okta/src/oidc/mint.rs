//! Minting access and ID tokens in Okta's exact claim order, and the claims of `/userinfo`.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, ser::SerializeMap as _};
use sha2::{Digest as _, Sha256};

use crate::{
    directory::{Directory, User},
    ids::opaque_token,
    keys::SigningKey,
    paths::{AuthServer, OrgUrls},
};

/// Access and ID tokens live an hour (Okta's default policy and fixed ID-token lifetime).
pub const TOKEN_LIFETIME: i64 = 3600;

/// The audience of access tokens from an authorization server: a custom server's audience
/// (`api://default` for `default`), the org URL for the org server.
pub fn audience(org: &OrgUrls, dir: &Directory, server: AuthServer) -> String {
    match server {
        AuthServer::Custom(id) => dir
            .custom_server(id.as_str())
            .ok()
            .and_then(|s| s.audiences.into_iter().next())
            .unwrap_or_default(),
        AuthServer::Org => org.base().to_owned(),
    }
}

/// `at_hash` / `c_hash`: base64url of the left half of SHA-256.
pub fn half_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// Claims appended after the standard ones (custom claims, groups claims), in order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Appended<'a>(pub &'a [(String, serde_json::Value)]);

impl Serialize for Appended<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Debug, Serialize)]
pub struct AccessTokenClaims<'a> {
    pub ver: u8,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub cid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<&'a str>,
    pub scp: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    pub sub: &'a str,
    #[serde(flatten)]
    pub appended: Appended<'a>,
}

#[derive(Debug, Serialize)]
pub struct IdTokenClaims<'a> {
    pub sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    pub ver: u8,
    pub iss: String,
    pub aud: &'a str,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub amr: &'a [String],
    pub idp: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c_hash: Option<String>,
    #[serde(flatten)]
    pub appended: Appended<'a>,
}

/// What a token is being minted for.
pub struct Issuance<'a> {
    pub server: AuthServer,
    pub client_id: &'a str,
    /// None for client credentials.
    pub user: Option<&'a User>,
    pub scopes: &'a [String],
    pub auth_time: Option<i64>,
    pub amr: &'a [String],
    /// Appended to the access token's `jti` (`AT.….oar…`) when a refresh token exists.
    pub refresh_id: Option<&'a str>,
}

fn has(scopes: &[String], s: &str) -> bool {
    scopes.iter().any(|x| x == s)
}

/// Signs an access token; `appended` follows the standard claims.
pub async fn access_token(
    key: &Arc<SigningKey>,
    org: &OrgUrls,
    aud: String,
    grant: &Issuance<'_>,
    appended: &[(String, serde_json::Value)],
    now: i64,
) -> anyhow::Result<(String, String)> {
    let mut jti = format!("AT.{}", opaque_token());
    if let Some(r) = grant.refresh_id {
        jti.push('.');
        jti.push_str(r);
    }
    let claims = AccessTokenClaims {
        ver: 1,
        jti: jti.clone(),
        iss: org.issuer(grant.server),
        aud,
        iat: now,
        exp: now + TOKEN_LIFETIME,
        cid: grant.client_id,
        uid: grant.user.map(|u| u.id.as_str()),
        scp: grant.scopes,
        auth_time: grant.user.and(grant.auth_time),
        sub: grant.user.map_or(grant.client_id, |u| u.login()),
        appended: Appended(appended),
    };
    Ok((key.sign_jwt_off_thread(&claims).await?, jti))
}

/// Extra inputs of an ID token.
pub struct IdTokenExtras<'a> {
    pub nonce: Option<&'a str>,
    pub access_token: Option<&'a str>,
    pub code: Option<&'a str>,
    /// Okta puts every scope claim in the ID token only when no access token is issued
    /// alongside it (implicit `id_token`); otherwise only name, email, preferred_username.
    pub all_claims: bool,
    pub idp: &'a str,
    /// Claims after the standard ones (see [`super::claims`]).
    pub appended: &'a [(String, serde_json::Value)],
}

/// Signs an ID token for a user.
pub async fn id_token(
    key: &Arc<SigningKey>,
    org: &OrgUrls,
    grant: &Issuance<'_>,
    user: &User,
    extras: &IdTokenExtras<'_>,
    now: i64,
) -> anyhow::Result<String> {
    let profile = has(grant.scopes, "profile");
    let email = has(grant.scopes, "email");
    let all = extras.all_claims;
    let claims = IdTokenClaims {
        sub: &user.id,
        name: profile.then(|| user.display_name()),
        locale: (profile && all).then(|| user.locale()),
        email: if email { user.email() } else { None },
        ver: 1,
        iss: org.issuer(grant.server),
        aud: grant.client_id,
        iat: now,
        exp: now + TOKEN_LIFETIME,
        jti: format!("ID.{}", opaque_token()),
        amr: grant.amr,
        idp: extras.idp,
        nonce: extras.nonce,
        preferred_username: profile.then(|| user.login()),
        given_name: if profile && all {
            user.first_name()
        } else {
            None
        },
        family_name: if profile && all {
            user.last_name()
        } else {
            None
        },
        zoneinfo: (profile && all).then(|| user.time_zone()),
        updated_at: (profile && all).then(|| user.last_updated.unix_timestamp()),
        email_verified: (email && all).then_some(true),
        auth_time: grant.auth_time.unwrap_or(now),
        at_hash: extras.access_token.map(half_hash),
        c_hash: extras.code.map(half_hash),
        appended: Appended(extras.appended),
    };
    key.sign_jwt_off_thread(&claims).await
}

/// `/userinfo` claims for the scopes of an access token, in Okta's order; `appended`
/// follows the standard claims.
pub fn userinfo(
    user: &User,
    scopes: &[String],
    appended: &[(String, serde_json::Value)],
) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("sub".into(), user.id.clone().into());
    let profile = has(scopes, "profile");
    let email = has(scopes, "email");
    if profile {
        m.insert("name".into(), user.display_name().into());
        m.insert("locale".into(), user.locale().into());
    }
    if email && let Some(e) = user.email() {
        m.insert("email".into(), e.into());
    }
    if profile {
        m.insert("preferred_username".into(), user.login().into());
        if let Some(v) = user.first_name() {
            m.insert("given_name".into(), v.into());
        }
        if let Some(v) = user.last_name() {
            m.insert("family_name".into(), v.into());
        }
        m.insert("zoneinfo".into(), user.time_zone().into());
        m.insert(
            "updated_at".into(),
            user.last_updated.unix_timestamp().into(),
        );
    }
    if email {
        m.insert("email_verified".into(), true.into());
    }
    for (k, v) in appended {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    serde_json::Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_left_half_of_sha256() {
        // OIDC Core A.3 example values.
        assert_eq!(
            half_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}

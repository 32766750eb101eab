//! OpenID Provider metadata (OpenID Connect Discovery 1.0): where to find it and what a relying
//! party must check before trusting it.

use serde::Deserialize;

use super::fetch::FetchError;

/// `{issuer}/.well-known/openid-configuration` (Discovery §4: the issuer with any trailing
/// slash removed, then the well-known suffix).
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// The parts of the provider metadata this relying party uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub userinfo_endpoint: Option<String>,
    /// RFC 9207: the provider sends `iss` with every authorization response.
    pub iss_parameter_supported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("The discovery document at {url} is not valid JSON provider metadata: {why}.")]
    Malformed { url: String, why: String },
    #[error(
        "The discovery document at {url} names the issuer {found:?}, not {expected:?}. Use the \
         issuer exactly as the provider publishes it (for Okta: https://{{OKTA_DOMAIN}}/oauth2/default)."
    )]
    IssuerMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("The identity provider cannot be used: {0}.")]
    Unsupported(String),
}

impl DiscoveryError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, DiscoveryError::Fetch(e) if e.is_timeout())
    }
}

#[derive(Deserialize)]
struct Raw {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: Option<String>,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
    id_token_signing_alg_values_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    response_types_supported: Option<Vec<String>>,
    authorization_response_iss_parameter_supported: Option<bool>,
}

fn endpoint(name: &str, value: &str) -> Result<String, String> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(value.to_owned())
        }
        _ => Err(format!("{name} {value:?} is not an absolute http(s) URL")),
    }
}

/// Parses and checks metadata fetched from `url` for the issuer `expected_issuer`.
pub fn parse_metadata(
    body: &[u8],
    url: &str,
    expected_issuer: &str,
) -> Result<ProviderMetadata, DiscoveryError> {
    let raw: Raw = serde_json::from_slice(body).map_err(|e| DiscoveryError::Malformed {
        url: url.to_owned(),
        why: e.to_string(),
    })?;
    if raw.issuer != expected_issuer {
        return Err(DiscoveryError::IssuerMismatch {
            url: url.to_owned(),
            expected: expected_issuer.to_owned(),
            found: raw.issuer,
        });
    }
    let unsupported = DiscoveryError::Unsupported;
    let token_endpoint = raw
        .token_endpoint
        .ok_or_else(|| unsupported("it publishes no token_endpoint".to_owned()))?;
    if let Some(algs) = &raw.id_token_signing_alg_values_supported
        && !algs.iter().any(|a| a == "RS256")
    {
        return Err(unsupported(
            "it does not sign ID tokens with RS256".to_owned(),
        ));
    }
    // Discovery §3: when omitted, the default is client_secret_basic.
    if let Some(methods) = &raw.token_endpoint_auth_methods_supported
        && !methods.iter().any(|m| m == "client_secret_basic")
    {
        return Err(unsupported(
            "its token endpoint does not accept client_secret_basic".to_owned(),
        ));
    }
    if let Some(types) = &raw.response_types_supported
        && !types.iter().any(|t| t == "code")
    {
        return Err(unsupported(
            "it does not support the authorization code flow".to_owned(),
        ));
    }
    Ok(ProviderMetadata {
        authorization_endpoint: endpoint("authorization_endpoint", &raw.authorization_endpoint)
            .map_err(unsupported)?,
        token_endpoint: endpoint("token_endpoint", &token_endpoint).map_err(unsupported)?,
        jwks_uri: endpoint("jwks_uri", &raw.jwks_uri).map_err(unsupported)?,
        userinfo_endpoint: raw
            .userinfo_endpoint
            .map(|u| endpoint("userinfo_endpoint", &u))
            .transpose()
            .map_err(unsupported)?,
        iss_parameter_supported: raw
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        issuer: raw.issuer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ISS: &str = "https://dev-1.okta.test/oauth2/default";

    fn doc() -> serde_json::Value {
        json!({
            "issuer": ISS,
            "authorization_endpoint": format!("{ISS}/v1/authorize"),
            "token_endpoint": format!("{ISS}/v1/token"),
            "jwks_uri": format!("{ISS}/v1/keys"),
            "userinfo_endpoint": format!("{ISS}/v1/userinfo"),
            "response_types_supported": ["code", "id_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })
    }

    fn parse(v: serde_json::Value) -> Result<ProviderMetadata, DiscoveryError> {
        parse_metadata(&serde_json::to_vec(&v).unwrap(), &discovery_url(ISS), ISS)
    }

    #[test]
    fn url_drops_a_trailing_slash() {
        assert_eq!(
            discovery_url("https://a.test/x/"),
            "https://a.test/x/.well-known/openid-configuration"
        );
    }

    #[test]
    fn okta_shaped_metadata_is_accepted() {
        let m = parse(doc()).unwrap();
        assert_eq!(m.token_endpoint, format!("{ISS}/v1/token"));
        assert!(!m.iss_parameter_supported);
    }

    #[test]
    fn issuer_must_match_exactly() {
        let mut d = doc();
        d["issuer"] = json!(format!("{ISS}/"));
        assert!(matches!(
            parse(d),
            Err(DiscoveryError::IssuerMismatch { .. })
        ));
    }

    #[test]
    fn providers_the_relying_party_cannot_use_are_refused() {
        for (key, value) in [
            ("id_token_signing_alg_values_supported", json!(["HS256"])),
            (
                "token_endpoint_auth_methods_supported",
                json!(["private_key_jwt"]),
            ),
            ("response_types_supported", json!(["id_token"])),
            ("jwks_uri", json!("/relative")),
            ("token_endpoint", json!(null)),
        ] {
            let mut d = doc();
            d[key] = value;
            assert!(
                matches!(parse(d), Err(DiscoveryError::Unsupported(_))),
                "{key} accepted"
            );
        }
        assert!(matches!(
            parse_metadata(b"<html>", "u", ISS),
            Err(DiscoveryError::Malformed { .. })
        ));
    }
}

//! Client authentication by assertion (RFC 7523 section 2.2): a JWT in `client_assertion`,
//! signed with the client secret (`client_secret_jwt`, HS256/384/512) or with a private key
//! whose public half is in the app's `jwks` (`private_key_jwt`, RS256/384/512, ES256/384),
//! checked as Okta does: `iss` = `sub` = the client id, `aud` = the URL of the endpoint it is
//! sent to, `exp` in the future and at most an hour ahead, and a `jti` that can be used once.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{hmac, signature};
use serde::Deserialize;

use super::error::OAuthError;
use crate::{
    directory::{App, TokenAuthMethod},
    ledger::Ledger,
};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Okta refuses assertions that expire more than an hour ahead.
const MAX_LIFETIME: i64 = 3600;

/// Where an assertion is checked.
pub struct AssertionContext<'a> {
    /// The URL of the endpoint the request came to: the assertion's `aud` must name it.
    pub audience: &'a str,
    pub ledger: &'a Ledger,
    pub now: i64,
}

/// The parts of an assertion read before its signature is checked (to find the client).
#[derive(Debug)]
pub struct Assertion {
    alg: String,
    kid: Option<String>,
    signing_input: String,
    signature: Vec<u8>,
    claims: Claims,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
struct Claims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<i64>,
    jti: Option<String>,
}

fn malformed() -> OAuthError {
    OAuthError::invalid_client("The client_assertion token is malformed.")
}

impl Assertion {
    /// Splits and decodes the compact JWT; anything that is not one is refused.
    pub fn parse(jwt: &str) -> Result<Self, OAuthError> {
        let mut parts = jwt.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| malformed());
        let header: Header = serde_json::from_slice(&decode(h)?).map_err(|_| malformed())?;
        let claims: Claims = serde_json::from_slice(&decode(p)?).map_err(|_| malformed())?;
        Ok(Self {
            alg: header.alg,
            kid: header.kid,
            signing_input: format!("{h}.{p}"),
            signature: decode(s)?,
            claims,
        })
    }

    /// The client the assertion speaks for: `iss`, which must equal `sub`.
    pub fn client_id(&self) -> Result<&str, OAuthError> {
        match (&self.claims.iss, &self.claims.sub) {
            (Some(iss), Some(sub)) if iss == sub => Ok(iss),
            (Some(_), Some(_)) => Err(OAuthError::invalid_client(
                "The client_assertion token's 'iss' and 'sub' claims must both be the client_id.",
            )),
            _ => Err(OAuthError::invalid_client(
                "The client_assertion token is missing the 'iss' or 'sub' claim.",
            )),
        }
    }

    /// Checks the signature (with the client secret or the app's public keys, as the app is
    /// configured), then the claims; a good assertion is spent (its `jti` cannot be used
    /// again until it expires).
    pub fn verify(&self, app: &App, ctx: &AssertionContext<'_>) -> Result<(), OAuthError> {
        let signed = match app.credentials.token_endpoint_auth_method {
            TokenAuthMethod::PrivateKeyJwt => self.signed_by_app_key(app)?,
            _ => self.signed_with_secret(app)?,
        };
        if !signed {
            return Err(OAuthError::invalid_client(
                "The client_assertion signature is invalid.",
            ));
        }
        let aud_ok = match &self.claims.aud {
            Some(Audience::One(a)) => a == ctx.audience,
            Some(Audience::Many(all)) => all.iter().any(|a| a == ctx.audience),
            None => false,
        };
        if !aud_ok {
            return Err(OAuthError::invalid_client(format!(
                "The audience [aud] claim in the client_assertion token is invalid; it must be {}.",
                ctx.audience
            )));
        }
        let exp = self.claims.exp.ok_or_else(|| {
            OAuthError::invalid_client("The client_assertion token is missing the 'exp' claim.")
        })?;
        if exp <= ctx.now {
            return Err(OAuthError::invalid_client(
                "The client_assertion token is expired.",
            ));
        }
        if exp > ctx.now + MAX_LIFETIME {
            return Err(OAuthError::invalid_client(
                "The client_assertion token has an expiration too far in the future.",
            ));
        }
        if let Some(jti) = &self.claims.jti {
            let key = format!("client_assertion:{}:{jti}", app.credentials.client_id);
            if !ctx.ledger.use_once(&key, exp) {
                return Err(OAuthError::invalid_client(
                    "The client_assertion token has already been used.",
                ));
            }
        }
        Ok(())
    }

    fn signed_with_secret(&self, app: &App) -> Result<bool, OAuthError> {
        let algorithm = match self.alg.as_str() {
            "HS256" => hmac::HMAC_SHA256,
            "HS384" => hmac::HMAC_SHA384,
            "HS512" => hmac::HMAC_SHA512,
            _ => {
                return Err(OAuthError::invalid_client(
                    "The client_assertion token has an unsupported signing algorithm; client_secret_jwt takes HS256, HS384 or HS512.",
                ));
            }
        };
        // Signed with any of the app's active secrets.
        Ok(app.credentials.secrets.active_values().any(|secret| {
            let key = hmac::Key::new(algorithm, secret.as_bytes());
            !secret.is_empty()
                && hmac::verify(&key, self.signing_input.as_bytes(), &self.signature).is_ok()
        }))
    }

    /// The key named by `kid` (or the only key when there is no `kid`) from the app's `jwks`.
    fn signed_by_app_key(&self, app: &App) -> Result<bool, OAuthError> {
        let keys = app
            .settings
            .jwks
            .as_ref()
            .and_then(|j| j.get("keys"))
            .and_then(|k| k.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let key = match &self.kid {
            Some(kid) => keys
                .iter()
                .find(|k| k.get("kid").and_then(|v| v.as_str()) == Some(kid.as_str())),
            None if keys.len() == 1 => keys.first(),
            None => None,
        }
        .ok_or_else(|| OAuthError::invalid_client("The client_assertion JWT kid is invalid."))?;
        let part = |name: &str| {
            key.get(name)
                .and_then(|v| v.as_str())
                .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
                .unwrap_or_default()
        };
        let kty = key.get("kty").and_then(|v| v.as_str()).unwrap_or_default();
        let crv = key.get("crv").and_then(|v| v.as_str()).unwrap_or_default();
        let message = self.signing_input.as_bytes();
        let rsa = |params| {
            signature::RsaPublicKeyComponents {
                n: part("n"),
                e: part("e"),
            }
            .verify(params, message, &self.signature)
            .is_ok()
        };
        let ec = |alg| {
            let mut point = vec![4u8];
            point.extend(part("x"));
            point.extend(part("y"));
            signature::UnparsedPublicKey::new(alg, point)
                .verify(message, &self.signature)
                .is_ok()
        };
        Ok(match (kty, crv, self.alg.as_str()) {
            ("RSA", _, "RS256") => rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
            ("RSA", _, "RS384") => rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
            ("RSA", _, "RS512") => rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
            ("EC", "P-256", "ES256") => ec(&signature::ECDSA_P256_SHA256_FIXED),
            ("EC", "P-384", "ES384") => ec(&signature::ECDSA_P384_SHA384_FIXED),
            _ => {
                return Err(OAuthError::invalid_client(format!(
                    "The client_assertion token's algorithm {} does not fit the app's {kty} key; private_key_jwt takes RS256/384/512 with RSA keys and ES256/ES384 with EC P-256/P-384 keys.",
                    self.alg
                )));
            }
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An HS256 assertion signed with `secret`.
    pub(crate) fn sign(alg: &str, claims: &serde_json::Value, secret: &str) -> String {
        let algorithm = match alg {
            "HS384" => hmac::HMAC_SHA384,
            "HS512" => hmac::HMAC_SHA512,
            _ => hmac::HMAC_SHA256,
        };
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#)),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let tag = hmac::sign(
            &hmac::Key::new(algorithm, secret.as_bytes()),
            input.as_bytes(),
        );
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    #[test]
    fn parse_refuses_what_is_not_a_jwt() {
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.!!.", "e30.e30.!!"] {
            assert_eq!(
                Assertion::parse(bad).unwrap_err().description,
                "The client_assertion token is malformed.",
                "{bad}"
            );
        }
        let a = Assertion::parse(&sign(
            "HS256",
            &serde_json::json!({"iss": "a", "sub": "b"}),
            "s",
        ))
        .unwrap();
        assert!(a.client_id().is_err());
    }
}

//! ID-token verification (OpenID Connect Core §3.1.3.7): RS256 signature with a key from the
//! provider's JWKS, then `iss`, `aud`/`azp`, `exp`/`iat`/`nbf` with a small leeway, `nonce`
//! and, when present, `at_hash`. Time comes in as an argument so expiry is tested without
//! waiting.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::crypto::ct_eq;

/// Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// Keeps the RSA signing keys of a JWK set; keys of other types or uses are skipped rather
/// than failing the whole set (providers publish encryption and EC keys too).
pub fn parse_jwks(body: &[u8]) -> Result<JwkSet, String> {
    #[derive(Deserialize)]
    struct Raw {
        keys: Vec<Value>,
    }
    let raw: Raw = serde_json::from_slice(body).map_err(|e| format!("not a JWK set: {e}"))?;
    let keys: Vec<Jwk> = raw
        .keys
        .into_iter()
        .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
        .filter(|k| {
            matches!(k.algorithm, AlgorithmParameters::RSA(_))
                && k.common
                    .public_key_use
                    .as_ref()
                    .is_none_or(|u| *u == PublicKeyUse::Signature)
                && k.common
                    .key_algorithm
                    .is_none_or(|a| a == KeyAlgorithm::RS256)
        })
        .collect();
    if keys.is_empty() {
        Err("it contains no RSA signing key".to_owned())
    } else {
        Ok(JwkSet { keys })
    }
}

/// What the ID token must say.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// The access token issued with the ID token, to check `at_hash` against.
    pub access_token: Option<&'a str>,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the ID token is not a well-formed JWT ({0})")]
    Malformed(String),
    #[error("the ID token is signed with {0:?}; only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    #[error("the ID token is signed with a key the provider does not publish (kid {0:?})")]
    UnknownKey(Option<String>),
    #[error("the ID token's signature is invalid")]
    BadSignature,
    #[error("the ID token was issued by {found:?}, not by the configured issuer {expected:?}")]
    WrongIssuer { expected: String, found: String },
    #[error("the ID token is meant for another client (aud {0:?})")]
    WrongAudience(String),
    #[error("the ID token names another authorized party (azp {0:?})")]
    WrongAuthorizedParty(String),
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token is issued in the future (check the clocks)")]
    IssuedInFuture,
    #[error("the ID token is not valid yet")]
    NotYetValid,
    #[error("the ID token has no usable {0:?} claim")]
    MissingClaim(&'static str),
    #[error("the ID token's nonce does not match this sign-in attempt")]
    NonceMismatch,
    #[error("the ID token's at_hash does not match the access token")]
    AtHashMismatch,
}

/// The verified claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims(pub Map<String, Value>);

impl Claims {
    pub fn subject(&self) -> &str {
        self.string("sub").unwrap_or_default()
    }

    /// A non-empty string claim.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    kid: Option<String>,
    crit: Option<Value>,
}

/// A compact JWS's three parts: `header.payload.signature`.
struct Parts<'t> {
    header: &'t str,
    payload: &'t str,
    /// `header.payload`, what the signature is over.
    signed: &'t str,
    signature: &'t str,
}

fn parts(token: &str) -> Result<Parts<'_>, IdTokenError> {
    let three = || IdTokenError::Malformed("it does not have three parts".to_owned());
    let (signed, signature) = token.rsplit_once('.').ok_or_else(three)?;
    let (header, payload) = signed.split_once('.').ok_or_else(three)?;
    if payload.contains('.') {
        return Err(three());
    }
    Ok(Parts {
        header,
        payload,
        signed,
        signature,
    })
}

fn header(part: &str) -> Result<RawHeader, IdTokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| IdTokenError::Malformed("the header is not base64url".to_owned()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| IdTokenError::Malformed("the header is not a JOSE header".to_owned()))
}

/// The claims: a base64url JSON object.
fn payload(part: &str) -> Result<Map<String, Value>, IdTokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| IdTokenError::Malformed("the payload is not base64url".to_owned()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| IdTokenError::Malformed("the payload is not a JSON object".to_owned()))
}

fn select_key<'k>(keys: &'k JwkSet, kid: Option<&str>) -> Result<&'k Jwk, IdTokenError> {
    match kid {
        Some(kid) => keys
            .find(kid)
            .ok_or_else(|| IdTokenError::UnknownKey(Some(kid.to_owned()))),
        // Without a kid, only an unambiguous set will do.
        None if keys.keys.len() == 1 => Ok(&keys.keys[0]),
        None => Err(IdTokenError::UnknownKey(None)),
    }
}

fn numeric(claims: &Map<String, Value>, name: &'static str) -> Result<Option<u64>, IdTokenError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or(IdTokenError::MissingClaim(name)),
    }
}

/// Verifies `token` against `keys` and `expected`. [`IdTokenError::UnknownKey`] tells the
/// caller to refresh the JWKS and try once more (the provider may have rotated its keys).
pub fn verify(token: &str, keys: &JwkSet, expected: &Expected<'_>) -> Result<Claims, IdTokenError> {
    let token = parts(token)?;
    let head = header(token.header)?;
    if head.alg != "RS256" {
        return Err(IdTokenError::UnsupportedAlgorithm(head.alg));
    }
    if head.crit.is_some() {
        return Err(IdTokenError::Malformed(
            "it has critical header extensions".to_owned(),
        ));
    }
    let jwk = select_key(keys, head.kid.as_deref())?;
    check_signature(&token, jwk)?;
    check_claims(payload(token.payload)?, expected)
}

/// The RS256 signature of `token` with `jwk`, verified by ring, as mock-okta signs: under the
/// login bench ring's check took about a third of the `rsa` crate's time, which had been a
/// fifth of konnect-stub's CPU per login. Like ring, it takes keys of 2048 to 8192 bits.
fn check_signature(token: &Parts<'_>, jwk: &Jwk) -> Result<(), IdTokenError> {
    let unusable = || IdTokenError::UnknownKey(jwk.common.key_id.clone());
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return Err(unusable());
    };
    let n = URL_SAFE_NO_PAD.decode(&rsa.n).map_err(|_| unusable())?;
    let e = URL_SAFE_NO_PAD.decode(&rsa.e).map_err(|_| unusable())?;
    let signature = URL_SAFE_NO_PAD
        .decode(token.signature)
        .map_err(|_| IdTokenError::Malformed("the signature is not base64url".to_owned()))?;
    ring::signature::RsaPublicKeyComponents { n, e }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            token.signed.as_bytes(),
            &signature,
        )
        .map_err(|_| IdTokenError::BadSignature)
}

/// The claim checks of [`verify`], on claims whose signature has been verified: `iss`,
/// `aud`/`azp`, `exp`/`iat`/`nbf`, `nonce`, `sub` and `at_hash`.
pub fn check_claims(
    claims: Map<String, Value>,
    expected: &Expected<'_>,
) -> Result<Claims, IdTokenError> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or(IdTokenError::MissingClaim("iss"))?;
    if iss != expected.issuer {
        return Err(IdTokenError::WrongIssuer {
            expected: expected.issuer.to_owned(),
            found: iss.to_owned(),
        });
    }

    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => return Err(IdTokenError::MissingClaim("aud")),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(IdTokenError::WrongAudience(audiences.join(" ")));
    }
    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != expected.client_id => {
            return Err(IdTokenError::WrongAuthorizedParty(azp.to_owned()));
        }
        None if audiences.len() > 1 => return Err(IdTokenError::MissingClaim("azp")),
        _ => {}
    }

    let exp = numeric(&claims, "exp")?.ok_or(IdTokenError::MissingClaim("exp"))?;
    if expected.now > exp.saturating_add(LEEWAY_SECS) {
        return Err(IdTokenError::Expired);
    }
    let iat = numeric(&claims, "iat")?.ok_or(IdTokenError::MissingClaim("iat"))?;
    if iat > expected.now.saturating_add(LEEWAY_SECS) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if let Some(nbf) = numeric(&claims, "nbf")?
        && nbf > expected.now.saturating_add(LEEWAY_SECS)
    {
        return Err(IdTokenError::NotYetValid);
    }

    let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
    if !ct_eq(nonce.as_bytes(), expected.nonce.as_bytes()) {
        return Err(IdTokenError::NonceMismatch);
    }

    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    if sub.trim().is_empty() {
        return Err(IdTokenError::MissingClaim("sub"));
    }

    if let (Some(at_hash), Some(access_token)) = (
        claims.get("at_hash").and_then(Value::as_str),
        expected.access_token,
    ) {
        let digest = Sha256::digest(access_token.as_bytes());
        if URL_SAFE_NO_PAD.encode(&digest[..16]) != at_hash {
            return Err(IdTokenError::AtHashMismatch);
        }
    }

    Ok(Claims(claims))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::json;

    pub const KEY_1: &str = include_str!("../../tests/it/keys/test-key-1.pem");
    pub const KEY_2: &str = include_str!("../../tests/it/keys/test-key-2.pem");
    const ISS: &str = "https://idp.test/oauth2/default";
    const NOW: u64 = 1_800_000_000;

    fn jwk(pem: &str, kid: &str) -> Jwk {
        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
        jwk.common.key_id = Some(kid.to_owned());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        jwk
    }

    fn keys() -> JwkSet {
        JwkSet {
            keys: vec![jwk(KEY_1, "k1")],
        }
    }

    fn claims() -> Value {
        json!({"sub": "00u1", "name": "Ann", "email": "ann@example.com", "iss": ISS,
               "aud": "client-1", "iat": NOW, "exp": NOW + 3600, "nonce": "n-1"})
    }

    fn sign(pem: &str, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(
            &header,
            claims,
            &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn expected() -> Expected<'static> {
        Expected {
            issuer: ISS,
            client_id: "client-1",
            nonce: "n-1",
            access_token: None,
            now: NOW,
        }
    }

    fn check(token: &str) -> Result<Claims, IdTokenError> {
        verify(token, &keys(), &expected())
    }

    fn with(key: &str, value: Value) -> String {
        let mut c = claims();
        c[key] = value;
        sign(KEY_1, Some("k1"), &c)
    }

    #[test]
    fn a_good_token_verifies() {
        let c = check(&sign(KEY_1, Some("k1"), &claims())).unwrap();
        assert_eq!(c.subject(), "00u1");
        assert_eq!(c.string("email"), Some("ann@example.com"));
    }

    #[test]
    fn signature_by_another_key_is_refused() {
        assert_eq!(
            check(&sign(KEY_2, Some("k1"), &claims())),
            Err(IdTokenError::BadSignature)
        );
        let mut token = sign(KEY_1, Some("k1"), &claims());
        token.pop();
        token.push('A');
        assert!(check(&token).is_err());
    }

    #[test]
    fn a_changed_payload_or_an_unreadable_signature_is_refused() {
        let token = sign(KEY_1, Some("k1"), &claims());
        let parts: Vec<&str> = token.split('.').collect();
        let mut other = claims();
        other["sub"] = json!("00u-admin");
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap());
        assert_eq!(
            check(&format!("{}.{forged}.{}", parts[0], parts[2])),
            Err(IdTokenError::BadSignature)
        );
        assert_eq!(
            check(&format!("{}.{}.not*base64", parts[0], parts[1])),
            Err(IdTokenError::Malformed(
                "the signature is not base64url".into()
            ))
        );
    }

    #[test]
    fn a_token_must_have_exactly_three_parts() {
        let token = sign(KEY_1, Some("k1"), &claims());
        let (signed, _) = token.rsplit_once('.').unwrap();
        let three = Err(IdTokenError::Malformed(
            "it does not have three parts".into(),
        ));
        for bad in [
            String::new(),
            signed.to_owned(),
            format!("{token}.x"),
            format!("x.{token}"),
        ] {
            assert_eq!(check(&bad), three, "{bad}");
        }
        assert!(check(&token).is_ok());
    }

    #[test]
    fn a_key_shorter_than_2048_bits_does_not_verify() {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        let small = rsa::PrivateKey::new(&mut rand::rng(), 1024).unwrap();
        let pem = small.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
        let keys = JwkSet {
            keys: vec![jwk(&pem, "small")],
        };
        let token = sign(&pem, Some("small"), &claims());
        let now = expected();
        assert_eq!(verify(&token, &keys, &now), Err(IdTokenError::BadSignature));
    }

    #[test]
    fn unknown_kid_asks_for_a_refetch() {
        assert_eq!(
            check(&sign(KEY_2, Some("k2"), &claims())),
            Err(IdTokenError::UnknownKey(Some("k2".into())))
        );
        // Without a kid a single key is used.
        assert!(check(&sign(KEY_1, None, &claims())).is_ok());
    }

    #[test]
    fn alg_none_and_hmac_are_refused() {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims()).unwrap());
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#)
        );
        assert_eq!(
            check(&none),
            Err(IdTokenError::UnsupportedAlgorithm("none".into()))
        );
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(),
            &EncodingKey::from_secret(b"secret").unwrap(),
        )
        .unwrap();
        assert_eq!(
            check(&hs),
            Err(IdTokenError::UnsupportedAlgorithm("HS256".into()))
        );
        assert!(matches!(check("a.b"), Err(IdTokenError::Malformed(_))));
    }

    #[test]
    fn issuer_audience_and_azp_are_checked() {
        assert!(matches!(
            check(&with("iss", json!("https://evil.test"))),
            Err(IdTokenError::WrongIssuer { .. })
        ));
        assert!(matches!(
            check(&with("aud", json!("other"))),
            Err(IdTokenError::WrongAudience(_))
        ));
        assert!(check(&with("aud", json!(["client-1"]))).is_ok());
        assert_eq!(
            check(&with("aud", json!(["client-1", "other"]))),
            Err(IdTokenError::MissingClaim("azp"))
        );
        assert!(matches!(
            check(&with("azp", json!("other"))),
            Err(IdTokenError::WrongAuthorizedParty(_))
        ));
    }

    #[test]
    fn times_are_checked_with_leeway() {
        assert_eq!(
            check(&with("exp", json!(NOW - 31))),
            Err(IdTokenError::Expired)
        );
        assert!(check(&with("exp", json!(NOW - 29))).is_ok());
        assert_eq!(
            check(&with("iat", json!(NOW + 120))),
            Err(IdTokenError::IssuedInFuture)
        );
        assert_eq!(
            check(&with("nbf", json!(NOW + 120))),
            Err(IdTokenError::NotYetValid)
        );
        assert_eq!(
            check(&with("exp", json!(null))),
            Err(IdTokenError::MissingClaim("exp"))
        );
        assert_eq!(
            check(&with("iat", json!("yesterday"))),
            Err(IdTokenError::MissingClaim("iat"))
        );
    }

    #[test]
    fn nonce_and_at_hash_are_checked() {
        assert_eq!(
            check(&with("nonce", json!("n-2"))),
            Err(IdTokenError::NonceMismatch)
        );
        let mut c = claims();
        c.as_object_mut().unwrap().remove("nonce");
        assert_eq!(
            check(&sign(KEY_1, Some("k1"), &c)),
            Err(IdTokenError::NonceMismatch)
        );
        let at = "access-token-1";
        let at_hash = URL_SAFE_NO_PAD.encode(&Sha256::digest(at.as_bytes())[..16]);
        let token = with("at_hash", json!(at_hash));
        let mut e = expected();
        e.access_token = Some(at);
        assert!(verify(&token, &keys(), &e).is_ok());
        e.access_token = Some("another");
        assert_eq!(
            verify(&token, &keys(), &e),
            Err(IdTokenError::AtHashMismatch)
        );
    }

    #[test]
    fn jwks_keeps_only_rsa_signing_keys() {
        let mut enc = serde_json::to_value(jwk(KEY_2, "enc")).unwrap();
        enc["use"] = json!("enc");
        let set = json!({"keys": [
            {"kty": "EC", "crv": "P-256", "x": "x", "y": "y", "kid": "ec"},
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            enc,
            serde_json::to_value(jwk(KEY_1, "k1")).unwrap(),
        ]});
        let parsed = parse_jwks(&serde_json::to_vec(&set).unwrap()).unwrap();
        assert_eq!(parsed.keys.len(), 1);
        assert!(parsed.find("k1").is_some());
        assert!(parse_jwks(br#"{"keys":[]}"#).is_err());
        assert!(parse_jwks(b"[]").is_err());
    }
}

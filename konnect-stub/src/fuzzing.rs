//! Entry points for the fuzz targets in `fuzz/` and for the test that replays their corpus
//! seeds and regressions (`tests/it/fuzz_regressions.rs`). Each takes arbitrary bytes, runs one
//! parser of what a provider or a browser sends the relying party, and panics when the parser
//! panics or breaks an invariant; a refused input must come back as an error value. Not part of
//! the API.

use std::sync::OnceLock;

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header,
    jwk::{AlgorithmParameters, Jwk, JwkSet},
};
use serde_json::{Map, Value};

use crate::oidc_client::{
    CallbackParams,
    discovery::{DiscoveryError, parse_metadata},
    id_token::{self, Expected, IdTokenError, LEEWAY_SECS},
};

/// The issuer, client and sign-in attempt the fuzzed documents and tokens are checked against.
pub const ISSUER: &str = "https://idp.example/oauth2/default";
pub const CLIENT_ID: &str = "0oa-fuzz-client";
pub const NONCE: &str = "n-0S6_WzA2Mj";
pub const ACCESS_TOKEN: &str = "an-access-token";
/// The time of the check, seconds since the Unix epoch.
pub const NOW: u64 = 1_800_000_000;
/// The `kid` of the one key in the provider's JWKS.
pub const KID: &str = "fuzz-key";

/// A provider's discovery document. An accepted one names the expected issuer and only
/// absolute http(s) endpoints.
pub fn discovery(data: &[u8]) {
    let url = "https://idp.example/oauth2/default/.well-known/openid-configuration";
    match parse_metadata(data, url, ISSUER) {
        Ok(meta) => {
            assert_eq!(meta.issuer, ISSUER);
            let endpoints = [
                Some(&meta.authorization_endpoint),
                Some(&meta.token_endpoint),
                Some(&meta.jwks_uri),
                meta.userinfo_endpoint.as_ref(),
            ];
            for endpoint in endpoints.into_iter().flatten() {
                let parsed = url::Url::parse(endpoint).ok();
                assert!(
                    parsed.is_some_and(
                        |u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some()
                    ),
                    "{endpoint:?} accepted"
                );
            }
        }
        Err(e) => {
            assert!(!matches!(e, DiscoveryError::Fetch(_)), "{e:?}");
            assert!(!e.to_string().is_empty());
        }
    }
}

/// A provider's JWK set. An accepted set holds only RSA keys, at least one; turning each into
/// a verification key fails with an error value, never a panic.
pub fn jwks(data: &[u8]) {
    match id_token::parse_jwks(data) {
        Ok(set) => {
            assert!(!set.keys.is_empty());
            for jwk in &set.keys {
                assert!(matches!(jwk.algorithm, AlgorithmParameters::RSA(_)));
                let _ = DecodingKey::from_jwk(jwk);
            }
        }
        Err(why) => assert!(!why.is_empty()),
    }
}

fn signing_key() -> &'static (EncodingKey, JwkSet) {
    static KEY: OnceLock<(EncodingKey, JwkSet)> = OnceLock::new();
    KEY.get_or_init(|| {
        let pem = include_str!("../tests/it/keys/test-key-1.pem");
        let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("the test key");
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).expect("a JWK");
        jwk.common.key_id = Some(KID.to_owned());
        (key, JwkSet { keys: vec![jwk] })
    })
}

fn expected() -> Expected<'static> {
    Expected {
        issuer: ISSUER,
        client_id: CLIENT_ID,
        nonce: NONCE,
        access_token: Some(ACCESS_TOKEN),
        now: NOW,
    }
}

/// Claims that passed the checks say what the checks require.
fn assert_acceptable(claims: &id_token::Claims) {
    let c = &claims.0;
    assert_eq!(c.get("iss").and_then(Value::as_str), Some(ISSUER));
    let aud_ok = match c.get("aud") {
        Some(Value::String(a)) => a == CLIENT_ID,
        Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(CLIENT_ID)),
        _ => false,
    };
    assert!(aud_ok, "aud {:?}", c.get("aud"));
    assert!(
        c.get("azp")
            .and_then(Value::as_str)
            .is_none_or(|a| a == CLIENT_ID)
    );
    assert_eq!(c.get("nonce").and_then(Value::as_str), Some(NONCE));
    assert!(!claims.subject().is_empty());
    let exp = c.get("exp").and_then(Value::as_f64).unwrap_or(-1.0);
    assert!(exp + LEEWAY_SECS as f64 >= NOW as f64, "exp {exp}");
}

/// An ID token, by the first byte: `0`, the rest is a whole token verified against the
/// provider's JWKS (structure, header, signature); `1`, the rest is a claims object given to
/// the claim checks; `2`, the rest is a claims object signed with the provider's key and then
/// verified, which must accept exactly what the claim checks alone accept.
pub fn id_token(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let (key, keys) = signing_key();
    match mode % 3 {
        0 => {
            let token = String::from_utf8_lossy(rest);
            if let Ok(claims) = id_token::verify(&token, keys, &expected()) {
                assert_acceptable(&claims);
            }
        }
        _ => {
            let Ok(claims) = serde_json::from_slice::<Map<String, Value>>(rest) else {
                return;
            };
            let checked = id_token::check_claims(claims.clone(), &expected());
            if let Ok(c) = &checked {
                assert_acceptable(c);
            }
            if mode % 3 == 2 {
                let mut header = Header::new(Algorithm::RS256);
                header.kid = Some(KID.to_owned());
                let Ok(token) = jsonwebtoken::encode(&header, &claims, key) else {
                    return;
                };
                let verified = id_token::verify(&token, keys, &expected());
                match (&verified, &checked) {
                    (Ok(v), Ok(c)) => assert_eq!(v, c),
                    (Err(_), Err(_)) => {}
                    _ => panic!("signed {claims:?}: {verified:?}, checks alone: {checked:?}"),
                }
                assert!(!matches!(
                    verified,
                    Err(IdTokenError::BadSignature | IdTokenError::UnknownKey(_))
                ));
            }
        }
    }
}

/// The query of the provider's redirect back (`/login?code&state`). An accepted one has each
/// callback parameter the query holds, and the query holds each at most once.
pub fn callback(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let count = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == name)
            .count()
    };
    match CallbackParams::from_query(&query) {
        Ok(params) => {
            for (name, value) in [
                ("code", &params.code),
                ("state", &params.state),
                ("error", &params.error),
                ("error_description", &params.error_description),
                ("iss", &params.iss),
            ] {
                assert_eq!(
                    count(name),
                    usize::from(value.is_some()),
                    "{name} in {query:?}"
                );
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

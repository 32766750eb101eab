//! The rule for an app's own public keys (`settings.oauthClient.jwks`), which
//! `private_key_jwt` client assertions are checked with.

use serde_json::Value;

/// A `jwks` value must be `{"keys": [...]}` with at least one RSA (`n`, `e`) or EC
/// P-256/P-384 (`crv`, `x`, `y`) public key, each with a distinct `kid` when there are
/// several.
pub(super) fn check_jwks(set: &Value) -> Result<(), String> {
    let keys = set
        .get("keys")
        .and_then(|k| k.as_array())
        .ok_or("must be an object with a 'keys' array")?;
    if keys.is_empty() {
        return Err("'keys' must hold at least one key".to_owned());
    }
    let mut kids = Vec::new();
    for key in keys {
        let field = |name: &str| key.get(name).and_then(|v| v.as_str());
        match field("kty") {
            Some("RSA") if field("n").is_some() && field("e").is_some() => {}
            Some("EC")
                if matches!(field("crv"), Some("P-256" | "P-384"))
                    && field("x").is_some()
                    && field("y").is_some() => {}
            _ => {
                return Err(
                    "each key must be an RSA key (n, e) or an EC P-256/P-384 key (crv, x, y)"
                        .to_owned(),
                );
            }
        }
        if key.get("d").is_some() {
            return Err("keys must be public keys; remove the private part 'd'".to_owned());
        }
        kids.push(field("kid"));
    }
    if kids.len() > 1
        && (kids.iter().any(Option::is_none) || {
            let mut named: Vec<_> = kids.iter().flatten().collect();
            named.sort();
            named.windows(2).any(|w| w[0] == w[1])
        })
    {
        return Err("with several keys, each needs its own 'kid'".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jwks_must_hold_distinct_public_keys() {
        let rsa = json!({"kty": "RSA", "kid": "a", "e": "AQAB", "n": "xyz"});
        let ec = json!({"kty": "EC", "kid": "b", "crv": "P-256", "x": "x", "y": "y"});
        assert!(check_jwks(&json!({"keys": [rsa, ec]})).is_ok());
        assert!(check_jwks(&json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x"}]})).is_ok());
        for bad in [
            json!([rsa]),
            json!({"keys": []}),
            json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}),
            json!({"keys": [{"kty": "EC", "crv": "P-521", "x": "x", "y": "y"}]}),
            json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x", "d": "private"}]}),
            json!({"keys": [rsa, rsa]}),
            json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x"}, ec]}),
        ] {
            assert!(check_jwks(&bad).is_err(), "{bad}");
        }
    }
}

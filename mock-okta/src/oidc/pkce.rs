//! PKCE (RFC 7636) with S256, the only method Okta supports.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};

/// A code verifier or challenge: 43 to 128 characters from `[A-Za-z0-9-._~]`.
pub fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// PKCE S256: base64url(SHA-256(verifier)) == challenge.
pub fn matches(verifier: &str, challenge: &str) -> bool {
    well_formed(verifier)
        && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_example() {
        assert!(matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!matches(
            "short",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }

    #[test]
    fn values_are_43_to_128_unreserved_characters() {
        assert!(well_formed(&"a".repeat(43)));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}+", "a".repeat(43))));
    }
}

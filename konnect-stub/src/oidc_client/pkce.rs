//! PKCE (RFC 7636) with the S256 method.

use crate::crypto::{random_token, sha256_b64url};

/// A code verifier: 43 characters of base64url from 32 random bytes (RFC 7636 §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier(String);

impl Verifier {
    pub fn generate() -> Self {
        Self(random_token())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))`.
    pub fn challenge(&self) -> String {
        sha256_b64url(self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        let v = Verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned());
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifiers_are_fresh_and_long_enough() {
        let a = Verifier::generate();
        assert!(a.as_str().len() >= 43);
        assert_ne!(a, Verifier::generate());
    }
}

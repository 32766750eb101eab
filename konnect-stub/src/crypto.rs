//! Small primitives shared by the store, the sessions and the relying party.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};

/// A fresh unguessable token: 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// A random UUID v4 in its usual textual form (Konnect's ids are UUIDs).
pub fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Konnect's correlation id for problem+json bodies: `konnect:trace:<digits>`.
pub fn trace_instance() -> String {
    format!("konnect:trace:{}", rand::random::<u64>())
}

/// Equality whose running time does not depend on where the inputs differ, for secrets
/// (passwords hashes, tokens, state values).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Salted SHA-256 of a password. A stub does not need a slow KDF, but it must not keep the
/// clear text around in its state dumps or logs.
pub fn hash_password(salt: &[u8], password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(password.as_bytes());
    h.finalize().into()
}

/// SHA-256 of `input`, base64url without padding (PKCE S256 and token fingerprints).
pub fn sha256_b64url(input: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(input))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant_bits() {
        let id = new_uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(id, new_uuid());
    }

    #[test]
    fn tokens_are_43_base64url_characters() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert!(
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }

    #[test]
    fn password_hash_depends_on_salt() {
        assert_ne!(hash_password(b"a", "pw"), hash_password(b"b", "pw"));
        assert_eq!(hash_password(b"a", "pw"), hash_password(b"a", "pw"));
    }
}

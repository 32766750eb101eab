//! Okta-shaped identifiers and secrets.
//!
//! Okta ids are a three-character type prefix plus 17 alphanumerics (`00u…` users, `0oa…`
//! apps, `00g…` groups); opaque tokens (codes, refresh tokens) are 43-character base64url
//! strings, i.e. 32 random bytes.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{Rng as _, RngExt as _, distr::Alphanumeric};

/// `prefix` + 17 random alphanumerics, e.g. `00u1a2b3c4d5e6f7g8h`.
pub fn okta_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.extend(
        rand::rng()
            .sample_iter(Alphanumeric)
            .take(17)
            .map(char::from),
    );
    id
}

/// 32 random bytes, base64url without padding: 43 characters.
pub fn opaque_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `n` random alphanumerics (client secrets, session tokens).
pub fn alphanumeric(n: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// 32 lowercase hex characters, the shape of `X-Okta-Request-Id`.
pub fn request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let mut s = String::with_capacity(32);
    for b in bytes {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    s
}

/// An `errorId` for the Management API error body: `oae` + 22 characters.
pub fn error_id() -> String {
    let mut id = String::from("oae");
    id.push_str(&alphanumeric(22));
    id
}

/// Compares secrets without an early exit on the first differing byte.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_okta_shapes() {
        let u = okta_id("00u");
        assert_eq!(u.len(), 20);
        assert!(u.starts_with("00u"));
        assert!(u[3..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(opaque_token().len(), 43);
        assert_eq!(request_id().len(), 32);
        assert!(request_id().chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(error_id().len(), 25);
        assert_ne!(opaque_token(), opaque_token());
    }
}

//! Okta-shaped identifiers and secrets.
//!
//! Okta ids are a three-character type prefix plus 17 alphanumerics (`00u…` users, `0oa…`
//! apps, `00g…` groups); opaque tokens (codes, refresh tokens) are 43-character base64url
//! strings, i.e. 32 random bytes.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{RngExt as _, distr::Alphanumeric};

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
    let bytes: [u8; 16] = rand::rng().random();
    let mut s = String::with_capacity(32);
    for b in bytes {
        push_hex(&mut s, b);
    }
    s
}

/// A random RFC 4122 version-4 UUID in lowercase hex, as Okta's System Log event ids are.
pub fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = rand::rng().random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut uuid = String::with_capacity(36);
    for (i, b) in bytes.into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        push_hex(&mut uuid, b);
    }
    uuid
}

/// Appends `b` as two lowercase hex digits.
fn push_hex(s: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    s.push(char::from(HEX[usize::from(b >> 4)]));
    s.push(char::from(HEX[usize::from(b & 0x0f)]));
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

    #[test]
    fn a_system_log_uuid_is_a_random_version_4_uuid_in_lowercase_hex() {
        let (a, b) = (uuid_v4(), uuid_v4());
        assert_ne!(a, b);
        for uuid in [a, b] {
            let groups: Vec<&str> = uuid.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12],
                "{uuid}"
            );
            assert!(
                uuid.chars()
                    .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')),
                "{uuid}"
            );
            assert!(groups[2].starts_with('4'), "version 4: {uuid}");
            assert!(
                matches!(&groups[3][..1], "8" | "9" | "a" | "b"),
                "RFC 4122 variant: {uuid}"
            );
        }
    }
}

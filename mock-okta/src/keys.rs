//! The org's RS256 signing key: generation, PEM loading, JWKS, signing and verification.
//!
//! Signing uses `ring` (as fast as OpenSSL here, see rust-stack.md); generation and PEM parsing
//! use the `rsa` crate, since ring cannot generate RSA keys. Generating a 2048-bit key takes
//! 0.1–0.3 s, so [`KeyRing::generate_in_background`] lets the server answer discovery at once
//! while the key is made; endpoints that need it wait for it.

use std::sync::Arc;

use anyhow::Context as _;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    rand::SystemRandom,
    signature::{self, RsaKeyPair},
};
use rsa::{
    pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _},
    pkcs8::DecodePrivateKey as _,
    traits::PublicKeyParts as _,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tokio::sync::watch;

/// One RSA signing key with its JWK.
pub struct SigningKey {
    kid: String,
    pair: RsaKeyPair,
    n: String,
    e: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

/// A JWK in Okta's key order: `kty, alg, kid, use, e, n`.
#[derive(Debug, Clone, Serialize)]
pub struct Jwk {
    pub kty: &'static str,
    pub alg: &'static str,
    pub kid: String,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub e: String,
    pub n: String,
}

/// `{"keys":[…]}`.
#[derive(Debug, Clone, Serialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl SigningKey {
    /// Makes a fresh 2048-bit key.
    pub fn generate() -> anyhow::Result<Self> {
        let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).context("RSA key generation")?;
        Self::from_rsa(&key)
    }

    /// Makes a fresh 2048-bit key as PKCS#1 PEM, for tools that want a `--signing-key` file.
    pub fn generate_pem() -> anyhow::Result<String> {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).context("RSA key generation")?;
        Ok(key
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .context("encoding the RSA key")?
            .to_string())
    }

    /// Loads a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) from a
    /// file's bytes: a binary file (a DER key, say) gets the same one sentence as a wrong text.
    pub fn from_pem_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        match std::str::from_utf8(bytes) {
            Ok(pem) => Self::from_pem(pem),
            Err(_) => Err(not_a_pem_key("the file is binary, not text")),
        }
    }

    /// Loads a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        // The parsers' own errors repeat themselves and say little to a person: one sentence
        // says what the file must be.
        let key = rsa::PrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| rsa::PrivateKey::from_pkcs8_pem(pem))
            .map_err(|_| {
                let found = match pem.lines().map(str::trim).find(|l| !l.is_empty()) {
                    Some(line) if line.starts_with("-----BEGIN") => {
                        format!("it begins with {}", truncate(line, 60))
                    }
                    Some(_) => "it has no PEM header".to_owned(),
                    None => "it is empty".to_owned(),
                };
                not_a_pem_key(&found)
            })?;
        let bits = key.n_bytes().len() * 8;
        anyhow::ensure!(
            bits >= 2048,
            "the RSA key has {bits} bits; at least 2048 are needed"
        );
        Self::from_rsa(&key)
    }

    fn from_rsa(key: &rsa::PrivateKey) -> anyhow::Result<Self> {
        let der = key.to_pkcs1_der().context("encoding the RSA key")?;
        let pair = RsaKeyPair::from_der(der.as_bytes())
            .map_err(|e| anyhow::anyhow!("the RSA key was rejected: {e}"))?;
        let n = URL_SAFE_NO_PAD.encode(key.n_bytes());
        let e = URL_SAFE_NO_PAD.encode(key.e_bytes());
        let kid = thumbprint(&e, &n);
        Ok(Self {
            kid,
            pair,
            n,
            e,
            rng: SystemRandom::new(),
        })
    }

    /// The key id: the RFC 7638 SHA-256 thumbprint, 43 characters.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "RSA",
            alg: "RS256",
            kid: self.kid.clone(),
            use_: "sig",
            e: self.e.clone(),
            n: self.n.clone(),
        }
    }

    /// Signs `claims` as a compact JWS with Okta's header `{"kid":…,"alg":"RS256"}`.
    pub fn sign_jwt<C: Serialize>(&self, claims: &C) -> anyhow::Result<String> {
        self.finish_jwt(self.signing_input(claims)?)
    }

    /// [`SigningKey::sign_jwt`] with the RSA step on tokio's blocking pool. A signature is
    /// about half a millisecond of CPU: too long for the threads that answer HTTP, which stay
    /// free for cheap requests. The pool's size bounds how many run at once (the `mock-okta`
    /// binary sizes it to the cores); queued signatures start as soon as a thread is free,
    /// without a round trip through the HTTP thread.
    pub async fn sign_jwt_off_thread<C: Serialize>(
        self: &Arc<Self>,
        claims: &C,
    ) -> anyhow::Result<String> {
        let input = self.signing_input(claims)?;
        let key = Arc::clone(self);
        tokio::task::spawn_blocking(move || key.finish_jwt(input))
            .await
            .context("signing task failed")?
    }

    /// `base64url(header).base64url(claims)`, with room left for the signature.
    fn signing_input<C: Serialize>(&self, claims: &C) -> anyhow::Result<String> {
        #[derive(Serialize)]
        struct Header<'a> {
            kid: &'a str,
            alg: &'static str,
        }
        let header = serde_json::to_vec(&Header {
            kid: &self.kid,
            alg: "RS256",
        })?;
        let payload = serde_json::to_vec(claims)?;
        let mut jws = String::with_capacity(64 + payload.len() * 4 / 3 + 350);
        URL_SAFE_NO_PAD.encode_string(header, &mut jws);
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut jws);
        Ok(jws)
    }

    /// Signs a signing input and appends `.signature`.
    fn finish_jwt(&self, mut jws: String) -> anyhow::Result<String> {
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                jws.as_bytes(),
                &mut sig,
            )
            .map_err(|_| anyhow::anyhow!("RS256 signing failed"))?;
        jws.push('.');
        URL_SAFE_NO_PAD.encode_string(sig, &mut jws);
        Ok(jws)
    }

    /// Checks an RS256 signature made by this key over `header.payload`.
    fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        let (Ok(n), Ok(e)) = (
            URL_SAFE_NO_PAD.decode(&self.n),
            URL_SAFE_NO_PAD.decode(&self.e),
        ) else {
            return false;
        };
        signature::RsaPublicKeyComponents { n, e }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
            .is_ok()
    }
}

/// The one sentence for a signing key file that is not a usable PEM RSA key.
fn not_a_pem_key(found: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "not a PEM RSA private key ({found}; it must begin with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----); leave the signing key out for a fresh one"
    )
}

/// At most `max` characters of `s`, cut on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// RFC 7638 thumbprint of an RSA public key.
fn thumbprint(e: &str, n: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// Published keys, newest (the signing key) first; `None` while the first is being made.
type KeySet = Option<Arc<Vec<Arc<SigningKey>>>>;

/// The set of keys the org publishes; the first one signs.
#[derive(Clone)]
pub struct KeyRing {
    rx: watch::Receiver<KeySet>,
    tx: Arc<watch::Sender<KeySet>>,
    /// The keys the ring started with, kept at the first rotation for [`KeyRing::reset`].
    first: Arc<std::sync::OnceLock<Arc<Vec<Arc<SigningKey>>>>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").finish_non_exhaustive()
    }
}

impl KeyRing {
    /// A ring holding `key`, ready at once.
    pub fn with_key(key: SigningKey) -> Self {
        let (tx, rx) = watch::channel(Some(Arc::new(vec![Arc::new(key)])));
        Self {
            rx,
            tx: Arc::new(tx),
            first: Arc::default(),
        }
    }

    /// A ring whose key is generated on a blocking thread; users of the key wait for it.
    pub fn generate_in_background() -> Self {
        let (tx, rx) = watch::channel(None);
        let tx = Arc::new(tx);
        let sender = Arc::clone(&tx);
        std::thread::spawn(move || match SigningKey::generate() {
            Ok(key) => {
                let _ = sender.send(Some(Arc::new(vec![Arc::new(key)])));
            }
            Err(err) => tracing::error!(%err, "could not generate the signing key"),
        });
        Self {
            rx,
            tx,
            first: Arc::default(),
        }
    }

    async fn keys(&self) -> Arc<Vec<Arc<SigningKey>>> {
        let mut rx = self.rx.clone();
        match rx.wait_for(Option::is_some).await {
            Ok(keys) => keys.as_ref().map(Arc::clone).unwrap_or_default(),
            Err(_) => Arc::default(),
        }
    }

    /// The key that signs new tokens.
    pub async fn active(&self) -> anyhow::Result<Arc<SigningKey>> {
        self.keys()
            .await
            .first()
            .cloned()
            .context("no signing key is available")
    }

    /// The published key set.
    pub async fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.keys().await.iter().map(|k| k.jwk()).collect(),
        }
    }

    /// Puts a new key in front (it signs from now on); the old keys stay published so
    /// tokens already issued still verify, as after Okta's key rollover.
    pub async fn rotate(&self) -> anyhow::Result<()> {
        self.rotate_keeping(true).await
    }

    /// Puts a new key in front (it signs from now on). With `keep_previous` the key that
    /// signed until now stays published (tokens it signed still verify); without, it is
    /// dropped at once, as after an emergency rollover.
    pub async fn rotate_keeping(&self, keep_previous: bool) -> anyhow::Result<()> {
        let fresh = tokio::task::spawn_blocking(SigningKey::generate).await??;
        let current = self.keys().await;
        let _ = self.first.set(Arc::clone(&current));
        let mut keys = vec![Arc::new(fresh)];
        if keep_previous {
            keys.extend(current.iter().take(1).cloned());
        }
        let _ = self.tx.send(Some(Arc::new(keys)));
        Ok(())
    }

    /// Back to the keys the ring started with (a no-op before the first rotation).
    pub fn reset(&self) {
        if let Some(first) = self.first.get() {
            let _ = self.tx.send(Some(Arc::clone(first)));
        }
    }

    /// The key ids published now, the signing key first.
    pub async fn kids(&self) -> Vec<String> {
        self.keys().await.iter().map(|k| k.kid.clone()).collect()
    }

    /// Verifies a compact JWS signed by one of the ring's keys and returns its payload JSON.
    /// Expiry and claims are the caller's business.
    pub async fn verify(&self, jws: &str) -> Option<serde_json::Value> {
        let mut parts = jws.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let kid = header.get("kid")?.as_str()?;
        let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
        let keys = self.keys().await;
        let key = keys.iter().find(|k| k.kid == kid)?;
        let signed_len = h.len() + 1 + p.len();
        if !key.verify(&jws.as_bytes()[..signed_len], &sig) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// One key per test process: generation is the slow part.
    pub(crate) fn test_key_pem() -> &'static str {
        static PEM: OnceLock<String> = OnceLock::new();
        PEM.get_or_init(|| {
            let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).unwrap();
            key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
                .unwrap()
                .to_string()
        })
    }

    #[tokio::test]
    async fn signs_verifiable_jwts_with_okta_header_and_thumbprint_kid() {
        let key = SigningKey::from_pem(test_key_pem()).unwrap();
        assert_eq!(key.kid().len(), 43);
        let jwk = serde_json::to_string(&key.jwk()).unwrap();
        assert!(
            jwk.starts_with(r#"{"kty":"RSA","alg":"RS256","kid":""#),
            "{jwk}"
        );
        assert_eq!(key.jwk().n.len(), 342);
        let ring = KeyRing::with_key(key);
        let jwt = ring
            .active()
            .await
            .unwrap()
            .sign_jwt(&serde_json::json!({"sub": "x"}))
            .unwrap();
        let header = URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap();
        assert!(
            String::from_utf8(header)
                .unwrap()
                .starts_with(r#"{"kid":""#)
        );
        assert_eq!(ring.verify(&jwt).await.unwrap()["sub"], "x");
        // A changed payload no longer verifies.
        let mut parts: Vec<&str> = jwt.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"y"}"#);
        parts[1] = &forged;
        assert!(ring.verify(&parts.join(".")).await.is_none());
        assert!(ring.verify("a.b").await.is_none());
    }

    #[tokio::test]
    async fn rotation_keeps_or_drops_the_previous_key_and_reset_restores_the_first() {
        let ring = KeyRing::with_key(SigningKey::from_pem(test_key_pem()).unwrap());
        let first = ring.kids().await;
        ring.rotate_keeping(true).await.unwrap();
        let kept = ring.kids().await;
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1], first[0]);
        ring.rotate_keeping(false).await.unwrap();
        let dropped = ring.kids().await;
        assert_eq!(dropped.len(), 1);
        assert!(!kept.contains(&dropped[0]));
        ring.reset();
        assert_eq!(ring.kids().await, first);
    }

    #[test]
    fn thumbprint_matches_rfc7638_example() {
        // RFC 7638 section 3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint("AQAB", n),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn pem_must_be_an_rsa_key_of_2048_bits() {
        assert!(SigningKey::from_pem("not a key").is_err());
        let small = rsa::PrivateKey::new(&mut rand::rng(), 1024).unwrap();
        let pem = small.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
        assert!(SigningKey::from_pem(&pem).is_err());
    }

    #[test]
    fn a_file_that_is_not_a_key_gets_one_sentence_saying_what_it_is() {
        let message = |bytes: &[u8]| match SigningKey::from_pem_bytes(bytes) {
            Ok(_) => panic!("accepted"),
            Err(err) => format!("{err:#}"),
        };
        let binary = message(&[0x30, 0x82, 0xff, 0xfe, 0x00]);
        assert!(
            binary.starts_with("not a PEM RSA private key (the file is binary"),
            "{binary}"
        );
        let text = message(b"hello\nworld\n");
        assert!(text.contains("(it has no PEM header;"), "{text}");
        let cert = message(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assert!(text.matches("not a PEM").count() == 1, "{text}");
        assert!(
            cert.contains("(it begins with -----BEGIN CERTIFICATE-----;"),
            "{cert}"
        );
        assert!(message(b"").contains("(it is empty;"));
    }
}

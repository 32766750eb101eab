//! HTTPS for the servers: a certificate and key from PEM files (`--tls-cert`/`--tls-key`), or
//! the harness's local certificate authority (`--tls`), which issues a leaf certificate for
//! the public host names at every start.
//!
//! The authority is made on first use in [`LocalCa::default_dir`] (`$HARNESS_CA_DIR`, else
//! `$XDG_DATA_HOME/okta-konnect-harness/ca`, else `~/.local/share/okta-konnect-harness/ca`):
//! `ca-key.pem` holds its key and certificate, `ca.pem` its certificate alone (the file to
//! trust). It is reused across runs and never replaced: a damaged one is an error that names
//! the directory to delete.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context as _, bail};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData as _, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _};
use tokio::io::AsyncWriteExt as _;

/// Time a client has to finish the TLS handshake (a slow peer never holds a connection task).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The first byte of every TLS connection: a handshake record.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// The name of the authority's certificate, the file browsers and clients trust.
pub const CA_CERT_FILE: &str = "ca.pem";
/// The authority's key followed by its certificate.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// The variable that chooses the authority's directory.
pub const CA_DIR_VAR: &str = "HARNESS_CA_DIR";
/// The authority's name, the same in every certificate it signs.
const CA_NAME: &str = "okta-konnect-harness local CA";

/// A server's TLS set-up: what [`crate::serve_with`] hands each connection to.
#[derive(Clone)]
pub struct Tls {
    acceptor: tokio_rustls::TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

impl Tls {
    /// A certificate chain and private key from PEM files; errors name the file.
    pub fn from_pem_files(cert: &Path, key: &Path) -> anyhow::Result<Self> {
        let chain = CertificateDer::pem_file_iter(cert)
            .with_context(|| format!("cannot read TLS certificate {}", cert.display()))?
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("invalid TLS certificate {}", cert.display()))?;
        if chain.is_empty() {
            bail!("TLS certificate {} holds no CERTIFICATE", cert.display());
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .with_context(|| format!("cannot read a private key from {}", key.display()))?;
        Self::new(chain, key)
            .with_context(|| format!("TLS certificate {} and its key", cert.display()))
    }

    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> anyhow::Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// Serves one accepted connection: TLS within [`HANDSHAKE_TIMEOUT`], or, when the peer
    /// speaks plain HTTP, a 400 that says to use https and a close. `None` when the connection
    /// is over.
    pub async fn accept(
        &self,
        stream: tokio::net::TcpStream,
    ) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
        let acceptor = self.acceptor.clone();
        let handshake = async move {
            let mut first = [0u8; 1];
            let n = stream.peek(&mut first).await.ok()?;
            if n == 0 {
                return None;
            }
            if first[0] != TLS_HANDSHAKE_RECORD {
                answer_plain_http(stream).await;
                return None;
            }
            match acceptor.accept(stream).await {
                Ok(tls) => Some(tls),
                Err(err) => {
                    tracing::debug!(%err, "TLS handshake failed");
                    None
                }
            }
        };
        tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake)
            .await
            .unwrap_or_else(|_| {
                tracing::debug!("TLS handshake timed out");
                None
            })
    }
}

/// The answer to a plain HTTP request on the HTTPS port, then the connection closes.
async fn answer_plain_http(mut stream: tokio::net::TcpStream) {
    let body = "This server speaks HTTPS only: use an https:// URL.\n";
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The harness's local certificate authority.
pub struct LocalCa {
    dir: PathBuf,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa").field("dir", &self.dir).finish()
    }
}

impl LocalCa {
    /// The directory the authority lives in: `$HARNESS_CA_DIR`, else
    /// `$XDG_DATA_HOME/okta-konnect-harness/ca`, else `$HOME/.local/share/okta-konnect-harness/ca`.
    pub fn default_dir() -> anyhow::Result<PathBuf> {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(dir) = var(CA_DIR_VAR) {
            return Ok(dir);
        }
        let data = match var("XDG_DATA_HOME") {
            Some(d) => d,
            None => var("HOME")
                .context("neither HARNESS_CA_DIR nor HOME is set: cannot place the local CA")?
                .join(".local/share"),
        };
        Ok(data.join("okta-konnect-harness").join("ca"))
    }

    /// The authority in [`LocalCa::default_dir`].
    pub fn open_default() -> anyhow::Result<Self> {
        Self::open(&Self::default_dir()?)
    }

    /// The authority in `dir`, made there if the directory holds none. An existing one is
    /// never replaced: one that cannot be read is an error that says to delete `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the local CA directory {}", dir.display()))?;
        let key_file = dir.join(CA_KEY_FILE);
        if !key_file.exists() {
            if dir.join(CA_CERT_FILE).exists() {
                return Err(damaged(
                    dir,
                    &format!("{CA_CERT_FILE} is there without {CA_KEY_FILE}"),
                ));
            }
            create(dir)?;
        }
        let text = std::fs::read_to_string(&key_file)
            .map_err(|e| damaged(dir, &format!("cannot read {CA_KEY_FILE}: {e}")))?;
        let (key, cert_pem) = split_key_file(&text).ok_or_else(|| {
            damaged(
                dir,
                &format!("{CA_KEY_FILE} does not hold a private key and a certificate"),
            )
        })?;
        let key = KeyPair::from_pem(key)
            .map_err(|e| damaged(dir, &format!("the key in {CA_KEY_FILE}: {e}")))?;
        let cert_der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| damaged(dir, &format!("the certificate in {CA_KEY_FILE}: {e}")))?;
        if !contains(&cert_der, &key.subject_public_key_info()) {
            return Err(damaged(
                dir,
                &format!("the certificate in {CA_KEY_FILE} is not its key's"),
            ));
        }
        publish_cert(dir, cert_pem)?;
        let issuer = Issuer::new(ca_params(&key), key);
        Ok(Self {
            dir: dir.to_owned(),
            issuer,
        })
    }

    /// The directory the authority is kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The authority's certificate, the file to trust.
    pub fn cert_file(&self) -> PathBuf {
        self.dir.join(CA_CERT_FILE)
    }

    /// A fresh leaf certificate for `hosts` (names and IP addresses), signed by the authority,
    /// as the server's TLS set-up.
    pub fn issue(&self, hosts: &[String]) -> anyhow::Result<Tls> {
        let (chain, key) = self.issue_pem(hosts)?;
        let chain = vec![CertificateDer::from_pem_slice(chain.as_bytes())?];
        let key = PrivateKeyDer::from_pem_slice(key.as_bytes())?;
        Tls::new(chain, key)
    }

    /// [`LocalCa::issue`] as PEM text: the certificate and its private key.
    pub fn issue_pem(&self, hosts: &[String]) -> anyhow::Result<(String, String)> {
        let mut params = CertificateParams::default();
        let mut names = Vec::new();
        for host in hosts {
            let san = match host.trim_start_matches('[').trim_end_matches(']').parse() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(
                    host.clone()
                        .try_into()
                        .with_context(|| format!("{host:?} is not a host name"))?,
                ),
            };
            if !names.contains(&san) {
                names.push(san);
            }
        }
        params.subject_alt_names = names;
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            hosts.first().map_or("localhost", String::as_str),
        );
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(90);
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok((cert.pem(), key.serialize_pem()))
    }
}

/// The authority's own certificate fields; its name, the one every leaf names as issuer, ends
/// with the last bytes of its public key, so two authorities (an old one still trusted
/// somewhere and its replacement) never share a name.
fn ca_params(key: &KeyPair) -> CertificateParams {
    let mut params = CertificateParams::default();
    let spki = key.subject_public_key_info();
    let id: String = spki[spki.len().saturating_sub(6)..]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("{CA_NAME} {id}"));
    dn.push(DnType::OrganizationName, "okta-konnect-harness");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    params
}

/// Makes a new authority in `dir`. The key file appears whole or not at all, and never over
/// another: of two processes making one at once, the second keeps the first's.
fn create(dir: &Path) -> anyhow::Result<()> {
    let key = KeyPair::generate()?;
    let cert = ca_params(&key).self_signed(&key)?;
    let text = format!("{}{}", key.serialize_pem(), cert.pem());
    let tmp = dir.join(format!(".{CA_KEY_FILE}.{}.tmp", std::process::id()));
    write_private(&tmp, text.as_bytes())
        .with_context(|| format!("cannot write the local CA in {}", dir.display()))?;
    let linked = std::fs::hard_link(&tmp, dir.join(CA_KEY_FILE));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!(dir = %dir.display(), "made a local certificate authority");
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot write the local CA in {}", dir.display())),
    }
}

/// Writes `ca.pem`, the certificate alone, when missing; an existing one must be the same.
fn publish_cert(dir: &Path, cert_pem: &str) -> anyhow::Result<()> {
    let path = dir.join(CA_CERT_FILE);
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing == cert_pem => return Ok(()),
        Ok(_) => {
            return Err(damaged(
                dir,
                &format!("{CA_CERT_FILE} is not the certificate in {CA_KEY_FILE}"),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(damaged(dir, &format!("cannot read {CA_CERT_FILE}: {e}"))),
    }
    let tmp = dir.join(format!(".{CA_CERT_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, cert_pem).with_context(|| format!("cannot write {}", path.display()))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        // Written by another process at the same moment: it must say the same.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => publish_cert(dir, cert_pem),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

/// Creates `path` readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The key file's two PEM blocks: the private key, then the certificate.
fn split_key_file(text: &str) -> Option<(&str, &str)> {
    const BEGIN_CERT: &str = "-----BEGIN CERTIFICATE-----";
    let at = text.find(BEGIN_CERT)?;
    let (key, cert) = text.split_at(at);
    (key.contains("PRIVATE KEY-----") && cert.contains("-----END CERTIFICATE-----"))
        .then_some((key, cert))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn damaged(dir: &Path, why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "the local certificate authority in {dir} is damaged ({why}); delete {dir} to make a new \
         one (then trust the new {CA_CERT_FILE} again)",
        dir = dir.display()
    )
}

/// The environment variables of a server's TLS flags (`--tls-cert`, `--tls-key`, `--tls`).
#[derive(Debug, Clone, Copy)]
pub struct TlsVars {
    pub cert: &'static str,
    pub key: &'static str,
    pub switch: &'static str,
}

/// The TLS flags' one rule no single parser sees: a certificate and its key come together,
/// and they are given or `--tls` makes one, not both. A flag problem (exit status 2).
pub fn check_flags(
    cert: bool,
    key: bool,
    local_ca: bool,
    vars: &TlsVars,
) -> Result<(), crate::cli::FlagProblem> {
    use crate::cli::FlagProblem;
    match (cert, key, local_ca) {
        (true, false, _) => Err(FlagProblem::new(
            "tls-cert",
            vars.cert,
            "a certificate needs its private key: give",
        )
        .naming("tls-key", vars.key)),
        (false, true, _) => Err(FlagProblem::new(
            "tls-key",
            vars.key,
            "a private key needs its certificate: give",
        )
        .naming("tls-cert", vars.cert)),
        (true, true, true) => Err(FlagProblem::new(
            "tls",
            vars.switch,
            "makes a certificate from the local authority, but certificate files are given \
             too: leave out the switch, or the files",
        )
        .naming("tls-cert", vars.cert)),
        _ => Ok(()),
    }
}

/// The certificate a server was asked to serve with.
#[derive(Debug)]
pub enum ServerCert {
    /// From `--tls-cert` and `--tls-key`, loaded already.
    Files(Tls),
    /// Issued by the local authority (`--tls`) for the public URL's host once it is known.
    LocalCa(Box<LocalCa>),
}

impl ServerCert {
    /// What the TLS flags ask for: the files, the local authority, or plain HTTP (`None`).
    /// `vars` names the server's variables in the errors; a file that cannot be used is
    /// reported here, before the server takes its port.
    pub fn from_flags(
        cert: Option<&Path>,
        key: Option<&Path>,
        local_ca: bool,
        vars: &TlsVars,
    ) -> anyhow::Result<Option<Self>> {
        check_flags(cert.is_some(), key.is_some(), local_ca, vars)?;
        match (cert.zip(key), local_ca) {
            (Some((cert, key)), _) => Ok(Some(Self::Files(Tls::from_pem_files(cert, key)?))),
            (None, true) => Ok(Some(Self::LocalCa(Box::new(LocalCa::open_default()?)))),
            (None, false) => Ok(None),
        }
    }

    /// The TLS set-up for a server reached at `public_url`: the loaded files, or a leaf from
    /// the local authority for localhost, 127.0.0.1, ::1 and the URL's host.
    pub fn for_url(&self, public_url: &str) -> anyhow::Result<Tls> {
        match self {
            Self::Files(tls) => Ok(tls.clone()),
            Self::LocalCa(ca) => ca.issue(&leaf_hosts(public_url)),
        }
    }
}

/// The names a local leaf certificate covers: the public URL's host first, then the loopback
/// names.
pub fn leaf_hosts(public_url: &str) -> Vec<String> {
    let mut hosts: Vec<String> = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .into_iter()
        .collect();
    for name in ["localhost", "127.0.0.1", "::1"] {
        if !hosts
            .iter()
            .any(|h| h.trim_matches(['[', ']']).eq_ignore_ascii_case(name))
        {
            hosts.push(name.to_owned());
        }
    }
    hosts
}

//! The hub's TLS certificate: the configured one, or a self-signed one made at first start
//! and kept in the data folder. Stations pin its SHA-256 fingerprint.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::HubError;
use crate::fsutil::write_private_new;

/// The server's TLS configuration and the fingerprint of its certificate.
#[derive(Debug, Clone)]
pub struct TlsMaterial {
    /// rustls configuration (ring provider, HTTP/1.1).
    pub server_config: Arc<rustls::ServerConfig>,
    /// DER of the end-entity certificate.
    pub cert_der: Vec<u8>,
    /// SHA-256 of `cert_der`, lowercase hex without colons.
    pub fingerprint: String,
}

/// SHA-256 of a DER certificate, lowercase hex without colons.
pub fn fingerprint(cert_der: &[u8]) -> String {
    hex::encode(Sha256::digest(cert_der))
}

fn self_signed_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("tls");
    (dir.join("hub-cert.pem"), dir.join("hub-key.pem"))
}

/// Loads the configured certificate, or the self-signed one (made if absent).
pub fn load_or_generate(config: &Config) -> Result<TlsMaterial, HubError> {
    let (cert_path, key_path) = match (&config.tls_cert, &config.tls_key) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        (None, None) => {
            let (c, k) = self_signed_paths(&config.data_dir);
            if !c.exists() || !k.exists() {
                generate(&c, &k)?;
                tracing::info!(path = %c.display(), "self-signed certificate created");
            }
            (c, k)
        }
        _ => {
            return Err(HubError::Config(
                "tls_cert et tls_key vont ensemble : indiquez les deux ou aucun".into(),
            ))
        }
    };
    load(&cert_path, &key_path)
}

fn generate(cert_path: &Path, key_path: &Path) -> Result<(), HubError> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let ck = rcgen::generate_simple_self_signed(names).map_err(|e| HubError::Tls(e.to_string()))?;
    // Key first: a certificate without its key would be unusable at the next start.
    if key_path.exists() {
        std::fs::remove_file(key_path)?;
    }
    if cert_path.exists() {
        std::fs::remove_file(cert_path)?;
    }
    write_private_new(key_path, ck.key_pair.serialize_pem().as_bytes())?;
    write_private_new(cert_path, ck.cert.pem().as_bytes())?;
    Ok(())
}

fn load(cert_path: &Path, key_path: &Path) -> Result<TlsMaterial, HubError> {
    let tls_err = |what: &str, p: &Path, e: &dyn std::fmt::Display| {
        HubError::Tls(format!("{what} {} : {e}", p.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .map_err(|e| tls_err("certificat", cert_path, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls_err("certificat", cert_path, &e))?;
    let first = certs
        .first()
        .ok_or_else(|| HubError::Tls(format!("aucun certificat dans {}", cert_path.display())))?;
    let cert_der = first.as_ref().to_vec();
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| tls_err("clé", key_path, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| HubError::Tls(e.to_string()))?;
    // HTTP/1.1 only: browsers then open WebSockets with a plain upgrade.
    server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        server_config: Arc::new(server_config),
        fingerprint: fingerprint(&cert_der),
        cert_der,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_certificate_is_made_once_and_reused() {
        let dir = tempfile::tempdir().expect("tmp");
        let config = Config::for_tests(dir.path());
        let a = load_or_generate(&config).expect("first");
        let b = load_or_generate(&config).expect("second");
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint.len(), 64);
        assert!(a
            .fingerprint
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let (_, key) = self_signed_paths(dir.path());
            let mode = std::fs::metadata(key).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}

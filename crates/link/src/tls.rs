//! TLS for the hub link: a pinned self-signed certificate, or the webpki roots.
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::LinkError;

/// Normalises a SHA-256 fingerprint: hex digits only, lowercase (colons and spaces dropped).
pub fn normalise_fingerprint(text: &str) -> Result<String, LinkError> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect::<String>()
        .to_ascii_lowercase();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(LinkError::BadSetting(
            "l’empreinte du certificat doit compter 64 caractères hexadécimaux".into(),
        ));
    }
    Ok(hex)
}

/// SHA-256 fingerprint of a DER certificate, lowercase hex.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client configuration: pinned when a fingerprint is given, else the webpki roots.
pub fn client_config(pinned: Option<&str>) -> Result<Arc<ClientConfig>, LinkError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| LinkError::BadSetting(e.to_string()))?;
    let config = match pinned {
        Some(fp) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned {
                fingerprint: normalise_fingerprint(fp)?,
                provider,
            }))
            .with_no_client_auth(),
        None => {
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// Accepts exactly one end-entity certificate, whatever its name and dates; the handshake
/// signatures are still verified, so the server must hold that certificate's key.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity.as_ref());
        // Both are public values; a plain comparison leaks nothing secret.
        if seen == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            tracing::warn!("hub certificate does not match the pinned fingerprint");
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_normalised() {
        let fp = "AB:".repeat(31) + "AB";
        assert_eq!(normalise_fingerprint(&fp).unwrap(), "ab".repeat(32));
        assert_eq!(
            normalise_fingerprint("abc").unwrap_err().code(),
            "HUB_BAD_SETTING"
        );
        assert!(normalise_fingerprint(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn both_configurations_build() {
        assert!(client_config(Some(&"0f".repeat(32))).is_ok());
        assert!(client_config(None).is_ok());
    }
}

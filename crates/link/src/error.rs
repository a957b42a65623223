//! Errors of the hub link: a stable code and a French message.
use relais_protocol::api::ApiError;

/// Why a call to the hub failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The hub answered with a refusal (its own code and French message).
    #[error("{}", .0.message)]
    Refused(ApiError),
    /// The hub could not be reached (network, DNS, timeout).
    #[error("Le serveur Relais est injoignable. Vérifiez la connexion Internet puis réessayez.")]
    Unreachable(String),
    /// The hub's certificate is not the one pinned at enrolment.
    #[error("Le certificat du serveur Relais ne correspond pas à celui enregistré. Ne poursuivez pas et prévenez le support.")]
    CertificateMismatch,
    /// The address or fingerprint in the settings is not usable.
    #[error("Réglage du serveur Relais invalide : {0}")]
    BadSetting(String),
    /// The hub answered something this station does not understand.
    #[error("Réponse inattendue du serveur Relais.")]
    Protocol(String),
}

impl LinkError {
    /// Stable code for programs and logs.
    pub fn code(&self) -> String {
        match self {
            LinkError::Refused(e) => e.code.clone(),
            LinkError::Unreachable(_) => "HUB_UNREACHABLE".into(),
            LinkError::CertificateMismatch => "HUB_CERTIFICATE_MISMATCH".into(),
            LinkError::BadSetting(_) => "HUB_BAD_SETTING".into(),
            LinkError::Protocol(_) => "HUB_PROTOCOL".into(),
        }
    }

    /// French message for the user.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Tells a certificate refusal from other transport errors, through the error sources.
pub(crate) fn from_transport(e: &(dyn std::error::Error + 'static)) -> LinkError {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            if matches!(tls, rustls::Error::InvalidCertificate(_)) {
                return LinkError::CertificateMismatch;
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    if matches!(tls, rustls::Error::InvalidCertificate(_)) {
                        return LinkError::CertificateMismatch;
                    }
                }
            }
        }
        cur = err.source();
    }
    LinkError::Unreachable(e.to_string())
}

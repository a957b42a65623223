//! Errors: [`HubError`] for start-up and storage, [`ApiFailure`] for HTTP refusals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use relais_protocol::api::ApiError;

/// What can go wrong in the hub outside of a refused request.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The configuration file or a command-line value is wrong.
    #[error("configuration invalide : {0}")]
    Config(String),
    /// A file or socket operation failed.
    #[error("entrée/sortie : {0}")]
    Io(#[from] std::io::Error),
    /// The database refused an operation.
    #[error("base de données : {0}")]
    Database(#[from] rusqlite::Error),
    /// The database key does not open the database file.
    #[error("la clé ne correspond pas à la base de données")]
    WrongKey,
    /// The SQLite library is not SQLCipher: the hub refuses to store data in clear.
    #[error("chiffrement de la base indisponible (SQLCipher absent)")]
    EncryptionUnavailable,
    /// The TLS certificate or key could not be loaded or made.
    #[error("certificat TLS : {0}")]
    Tls(String),
    /// A cryptographic primitive failed.
    #[error("erreur cryptographique : {0}")]
    Crypto(&'static str),
    /// A stored value does not parse.
    #[error("donnée enregistrée illisible : {0}")]
    Corrupt(&'static str),
    /// The e-mail already belongs to an account.
    #[error("adresse e-mail déjà utilisée")]
    EmailTaken,
    /// A request was refused (programmatic use of the admin API).
    #[error("{}", .0.message)]
    Refused(ApiError),
    /// A background task panicked or was cancelled.
    #[error("tâche interrompue")]
    Task,
}

/// An HTTP refusal: status and `{code, message}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code and French message.
    pub body: ApiError,
}

impl ApiFailure {
    /// A refusal with `status`, stable `code` and French `message`.
    pub fn new(status: StatusCode, code: &str, message: &str) -> ApiFailure {
        ApiFailure {
            status,
            body: ApiError {
                code: code.to_string(),
                message: message.to_string(),
            },
        }
    }

    /// 400 `BAD_REQUEST` with a French explanation.
    pub fn bad_request(message: &str) -> ApiFailure {
        ApiFailure::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found() -> ApiFailure {
        ApiFailure::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Élément introuvable.")
    }

    /// 403 `FORBIDDEN`.
    pub fn forbidden() -> ApiFailure {
        ApiFailure::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "Vous n'avez pas le droit de faire cette action.",
        )
    }
}

impl From<HubError> for ApiFailure {
    fn from(e: HubError) -> ApiFailure {
        match e {
            HubError::EmailTaken => ApiFailure::new(
                StatusCode::CONFLICT,
                "EMAIL_TAKEN",
                "Cette adresse e-mail est déjà celle d'un compte.",
            ),
            HubError::Refused(body) => ApiFailure {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                body,
            },
            other => {
                tracing::error!(error = %other, "internal error");
                ApiFailure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "Erreur interne du serveur. Réessayez ; si cela persiste, prévenez l'administrateur.",
                )
            }
        }
    }
}

impl From<ApiFailure> for HubError {
    fn from(f: ApiFailure) -> HubError {
        HubError::Refused(f.body)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Result of an HTTP handler.
pub type ApiResult<T> = Result<T, ApiFailure>;

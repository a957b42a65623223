//! The one error shape every station command returns: `{ code, message, field?, fields? }`.
use relais_core::error::FieldError;
use relais_core::lifecycle::TransitionError;
use relais_store::StoreError;
use serde::Serialize;

/// An error as the UI receives it: a stable `code` to branch on and a French `message` to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Stable machine code, e.g. `EXCLUDED_ABDOMINAL_PAIN`.
    pub code: String,
    /// French message for the user.
    pub message: String,
    /// The form field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every invalid field of a form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    /// An error with a code and a French message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            field: None,
            fields: Vec::new(),
        }
    }

    /// An error about one field.
    pub fn on_field(code: &str, field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::new(code, message)
        }
    }

    /// A form refused with the list of its invalid fields.
    pub fn invalid_form(code: &str, message: impl Into<String>, fields: Vec<FieldError>) -> Self {
        Self {
            fields,
            ..Self::new(code, message)
        }
    }

    /// No user is signed in.
    pub fn not_signed_in() -> Self {
        Self::new("NOT_SIGNED_IN", "Veuillez vous identifier.")
    }

    /// The session locked itself after inactivity.
    pub fn locked() -> Self {
        Self::new(
            "SESSION_LOCKED",
            "Session verrouillée après inactivité : saisissez à nouveau votre mot de passe.",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(_: serde_json::Error) -> Self {
        Self::new(
            "RECORD_UNREADABLE",
            "Un enregistrement local est illisible. Contactez le support.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_code_and_message() {
        let e = ApiError::new("BAD_CREDENTIALS", "Identifiant ou mot de passe incorrect.");
        assert_eq!(
            serde_json::to_value(&e).expect("json"),
            serde_json::json!({"code": "BAD_CREDENTIALS", "message": "Identifiant ou mot de passe incorrect."})
        );
        let e = ApiError::on_field("PASSWORD_TOO_SHORT", "user.password", "Trop court.");
        assert_eq!(
            serde_json::to_value(&e).expect("json")["field"],
            "user.password"
        );
    }
}

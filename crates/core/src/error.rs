//! Form errors shared by every validation of the crate.
use serde::{Deserialize, Serialize};

/// One invalid field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// camelCase JSON path of the field, like `"nir"` or `"treatingDoctor.rpps"`.
    pub field: String,
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub code: String,
    /// French message for the user.
    pub message: String,
}

impl FieldError {
    /// A field error from its parts.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_camel_case() {
        let e = FieldError::new("treatingDoctor.rpps", "RPPS_FORMAT", "Numéro invalide.");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"field": "treatingDoctor.rpps", "code": "RPPS_FORMAT", "message": "Numéro invalide."})
        );
    }
}

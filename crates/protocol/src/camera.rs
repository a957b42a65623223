//! Data-channel messages about the station's cameras: the GP asks for a camera or a still,
//! the station says which camera it sends, whether it can, and sends stills in chunks.
//!
//! Same channel and JSON shape as [`crate::data::DataMessage`] (`type` tag, camelCase);
//! a receiver tries both.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Raw bytes of a still carried by one [`CameraMessage::StillChunk`] (before base64).
pub const STILL_CHUNK_BYTES: usize = 16 * 1024;

/// What a camera is used for at the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CameraRole {
    /// The room camera: the patient and the nurse.
    Room,
    /// The otoscope (ear, throat).
    Otoscope,
    /// The dermatoscope or mini-camera (skin, small wounds).
    Dermatoscope,
}

impl CameraRole {
    /// Every role, in the order of the buttons.
    pub const ALL: [CameraRole; 3] = [
        CameraRole::Room,
        CameraRole::Otoscope,
        CameraRole::Dermatoscope,
    ];

    /// The role's code (`room`, `otoscope`, `dermatoscope`).
    pub fn code(self) -> &'static str {
        match self {
            CameraRole::Room => "room",
            CameraRole::Otoscope => "otoscope",
            CameraRole::Dermatoscope => "dermatoscope",
        }
    }

    /// The role's French name.
    pub fn label_fr(self) -> &'static str {
        match self {
            CameraRole::Room => "Pièce",
            CameraRole::Otoscope => "Otoscope",
            CameraRole::Dermatoscope => "Dermatoscope",
        }
    }
}

/// One camera message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CameraMessage {
    /// GP → station: send the camera of this role.
    #[serde(rename_all = "camelCase")]
    CameraRequest {
        /// The role asked for.
        role: CameraRole,
    },
    /// Station → GP: the camera now sent.
    #[serde(rename_all = "camelCase")]
    CameraSwitched {
        /// Its role, if it has one.
        role: Option<CameraRole>,
        /// Its name.
        label: String,
    },
    /// Station → GP: whether the station's picture is live.
    #[serde(rename_all = "camelCase")]
    CameraState {
        /// A camera is behind the picture.
        available: bool,
        /// The nurse has not turned the camera off.
        on: bool,
        /// Stable code of the failure, when not available.
        code: Option<String>,
        /// French sentence for the GP.
        message: Option<String>,
    },
    /// GP → station: take a still with the camera being sent.
    #[serde(rename_all = "camelCase")]
    StillRequest {},
    /// Station → GP: a still follows in `chunks` [`CameraMessage::StillChunk`]s.
    #[serde(rename_all = "camelCase")]
    Still {
        /// Its id (also its attachment id in the station's record).
        id: String,
        /// Role of the camera.
        role: Option<CameraRole>,
        /// Name of the camera.
        label: String,
        /// `image/jpeg`.
        mime: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Size in bytes.
        size: u64,
        /// Number of chunks.
        chunks: u32,
        /// When it was taken.
        taken_at: DateTime<Utc>,
        /// `station` or `gp`: who asked for it.
        requested_by: String,
    },
    /// Station → GP: one piece of a still, base64 (standard alphabet, padded).
    #[serde(rename_all = "camelCase")]
    StillChunk {
        /// The still's id.
        id: String,
        /// From 0.
        index: u32,
        /// Base64 of at most [`STILL_CHUNK_BYTES`] bytes.
        data: String,
    },
    /// Station → GP: the still asked for could not be taken.
    #[serde(rename_all = "camelCase")]
    StillFailed {
        /// Stable code.
        code: String,
        /// French sentence.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_documented_shape() {
        let m: CameraMessage =
            serde_json::from_str(r#"{"type":"cameraRequest","role":"otoscope"}"#).unwrap();
        assert_eq!(
            m,
            CameraMessage::CameraRequest {
                role: CameraRole::Otoscope
            }
        );
        let m: CameraMessage = serde_json::from_str(r#"{"type":"stillRequest"}"#).unwrap();
        assert_eq!(m, CameraMessage::StillRequest {});
        let json = serde_json::to_value(CameraMessage::CameraSwitched {
            role: Some(CameraRole::Dermatoscope),
            label: "Mini".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "cameraSwitched", "role": "dermatoscope", "label": "Mini"})
        );
        assert!(serde_json::from_str::<CameraMessage>(r#"{"type":"chat"}"#).is_err());
        assert!(
            serde_json::from_str::<CameraMessage>(r#"{"type":"cameraRequest","role":"x"}"#)
                .is_err()
        );
    }
}

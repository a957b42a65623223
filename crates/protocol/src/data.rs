//! Messages on the call's data channel (label `relais`, reliable and ordered), JSON.
use chrono::{DateTime, Utc};
use relais_core::measurement::Reading;
use serde::{Deserialize, Serialize};

/// Label of the data channel the station opens.
pub const DATA_CHANNEL_LABEL: &str = "relais";

/// One data-channel message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum DataMessage {
    /// A reading taken at the station.
    #[serde(rename_all = "camelCase")]
    Reading {
        /// The value.
        reading: Reading,
        /// When it was taken.
        taken_at: DateTime<Utc>,
        /// Device id, or "manual".
        source: String,
    },
    /// Station → GP: the stethoscope's track carries sound (`on`) or silence.
    #[serde(rename_all = "camelCase")]
    StethoscopeState {
        /// Whether the stethoscope is on.
        on: bool,
        /// The clip lengths the station accepts (a console offers recording only with them).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clip: Option<relais_core::auscultation::ClipBounds>,
    },
    /// GP → station: the GP asks the nurse to place the stethoscope.
    StethoscopeRequest,
    /// GP → station: start recording a clip of the stethoscope and send it back once it
    /// stops (at `clipStop`, or by itself after `seconds`).
    #[serde(rename_all = "camelCase")]
    ClipRequest {
        /// Id chosen by the GP's console.
        clip_id: String,
        /// Longest length, seconds (10 to 30; the station's `clip.maxSeconds` for a clip
        /// the GP stops).
        seconds: u32,
    },
    /// GP → station: stop the clip being recorded (refused before its shortest length:
    /// `clipState` `recording` with code `CLIP_TOO_SHORT`).
    #[serde(rename_all = "camelCase")]
    ClipStop {
        /// The clip.
        clip_id: String,
    },
    /// Station → GP: where a clip is (`recording`, `stored`, `failed`).
    #[serde(rename_all = "camelCase")]
    ClipState {
        /// The clip.
        clip_id: String,
        /// `recording`, `stored` or `failed`.
        state: String,
        /// Length, seconds (asked while recording, actual once stored).
        seconds: f64,
        /// Stable code when it failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// Station → GP: one piece of a stored clip's file (base64), in order.
    #[serde(rename_all = "camelCase")]
    ClipChunk {
        /// The clip.
        clip_id: String,
        /// Media type of the whole file (`audio/wav`).
        mime: String,
        /// Index of this piece, from 0.
        index: u32,
        /// Number of pieces.
        count: u32,
        /// The bytes of this piece, base64 (standard alphabet, padded).
        data: String,
    },
    /// A chat line.
    #[serde(rename_all = "camelCase")]
    Chat {
        /// "station" or "gp".
        from: String,
        /// The text.
        text: String,
        /// When it was written.
        at: DateTime<Utc>,
    },
    /// A document the GP just signed (also fetched from the hub by the station).
    #[serde(rename_all = "camelCase")]
    Document {
        /// The signed document; check it with `SignedDocument::verify`.
        document: crate::documents::SignedDocument,
    },
}

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

//! The media error type and its stable codes.

/// Why a media operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// No such capture or playback device (none plugged in, or the index is out of range).
    #[error("périphérique introuvable : {0}")]
    DeviceNotFound(String),
    /// The device exists but failed to open or stopped delivering.
    #[error("le périphérique ne répond pas : {0}")]
    DeviceFailed(String),
    /// The device cannot deliver the requested format.
    #[error("format non pris en charge : {0}")]
    UnsupportedFormat(String),
    /// The crate was built without the feature that drives this device.
    #[error("pilote absent de cette version : {0}")]
    FeatureDisabled(&'static str),
    /// Width, height or buffer length do not make a valid frame.
    #[error("dimensions d'image invalides : {0}")]
    BadFrame(String),
    /// An audio chunk did not have the expected length.
    #[error("bloc audio invalide : {0}")]
    BadAudio(String),
    /// The H.264 or Opus codec refused the data.
    #[error("erreur du codec {codec} : {detail}")]
    Codec {
        /// `h264` or `opus`.
        codec: &'static str,
        /// Codec message.
        detail: String,
    },
    /// The source was stopped.
    #[error("source arrêtée")]
    Stopped,
}

impl MediaError {
    /// Stable code, for logs, incidents and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::DeviceNotFound(_) => "DEVICE_NOT_FOUND",
            MediaError::DeviceFailed(_) => "DEVICE_FAILED",
            MediaError::UnsupportedFormat(_) => "DEVICE_UNSUPPORTED_FORMAT",
            MediaError::FeatureDisabled(_) => "DEVICE_SUPPORT_MISSING",
            MediaError::BadFrame(_) => "MEDIA_BAD_FRAME",
            MediaError::BadAudio(_) => "MEDIA_BAD_AUDIO",
            MediaError::Codec { .. } => "MEDIA_CODEC",
            MediaError::Stopped => "MEDIA_STOPPED",
        }
    }

    pub(crate) fn h264(detail: impl std::fmt::Display) -> Self {
        MediaError::Codec {
            codec: "h264",
            detail: detail.to_string(),
        }
    }

    pub(crate) fn opus(detail: impl std::fmt::Display) -> Self {
        MediaError::Codec {
            codec: "opus",
            detail: detail.to_string(),
        }
    }
}

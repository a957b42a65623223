//! The call error type and its stable codes.

/// Why a call operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RtcError {
    /// The WebRTC stack refused an operation (SDP, candidate, transport).
    #[error("erreur WebRTC : {0}")]
    WebRtc(String),
    /// Capture or codec failure.
    #[error(transparent)]
    Media(#[from] relais_media::MediaError),
    /// The data channel is not open (yet, or any more).
    #[error("canal de données fermé")]
    DataChannelClosed,
    /// The call has ended; the session no longer accepts commands.
    #[error("appel terminé")]
    Ended,
}

impl RtcError {
    /// Stable code, for logs, incidents and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            RtcError::WebRtc(_) => "RTC_WEBRTC",
            RtcError::Media(e) => e.code(),
            RtcError::DataChannelClosed => "RTC_DATA_CHANNEL_CLOSED",
            RtcError::Ended => "RTC_ENDED",
        }
    }
}

impl From<webrtc::error::Error> for RtcError {
    fn from(e: webrtc::error::Error) -> Self {
        RtcError::WebRtc(e.to_string())
    }
}

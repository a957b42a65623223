//! Auscultation recordings: a stethoscope clip the GP records lasts from 10 to 30 seconds.
//!
//! Shorter, a heart or lung recording holds too few cycles to be read again (a few
//! breaths at rest take 10 s); longer, the clip becomes a burden to replay and to send.
//! The GP starts a clip and stops it when it suffices; a stop before the shortest length
//! is refused, and the clip stops by itself at the longest. The station applies these
//! bounds and tells the GP's console, which only reflects them.
use serde::{Deserialize, Serialize};

/// Shortest clip, seconds.
pub const CLIP_MIN_SECONDS: u32 = 10;
/// Longest clip, seconds.
pub const CLIP_MAX_SECONDS: u32 = 30;

/// The bounds of a clip, as sent to the GP's console (camelCase JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipBounds {
    /// Shortest clip, seconds.
    pub min_seconds: u32,
    /// Longest clip, seconds.
    pub max_seconds: u32,
}

/// The bounds in force.
pub const CLIP_BOUNDS: ClipBounds = ClipBounds {
    min_seconds: CLIP_MIN_SECONDS,
    max_seconds: CLIP_MAX_SECONDS,
};

/// Why a clip cannot be recorded or stopped as asked. `Display` is the French message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClipError {
    /// A fixed length outside 10–30 s was asked.
    #[error("Un enregistrement du stéthoscope dure de 10 à 30 secondes.")]
    InvalidLength,
    /// A stop before 10 s.
    #[error("Un enregistrement du stéthoscope dure au moins 10 secondes : il continue.")]
    TooShort,
}

impl ClipError {
    /// Stable machine code, SCREAMING_SNAKE_CASE.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidLength => "CLIP_INVALID_LENGTH",
            Self::TooShort => "CLIP_TOO_SHORT",
        }
    }
}

/// The longest a clip asked with `seconds` may last: `seconds` itself when it is within
/// the bounds (a console that asks a fixed length), an error otherwise.
pub fn clip_limit(seconds: u32) -> Result<u32, ClipError> {
    if (CLIP_MIN_SECONDS..=CLIP_MAX_SECONDS).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(ClipError::InvalidLength)
    }
}

/// Whether a clip that has `recorded` seconds may stop now (at the GP's request).
pub fn may_stop(recorded: f64) -> Result<(), ClipError> {
    // A hundredth of a second of slack: counted in samples, 10 s may read 9.999….
    if recorded + 0.01 >= f64::from(CLIP_MIN_SECONDS) {
        Ok(())
    } else {
        Err(ClipError::TooShort)
    }
}

/// Whether a clip that has `recorded` seconds is complete by itself (the longest reached,
/// or the `limit` asked).
pub fn is_complete(recorded: f64, limit: u32) -> bool {
    recorded >= f64::from(limit.min(CLIP_MAX_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_from_10_to_30_seconds() {
        assert_eq!(clip_limit(10), Ok(10));
        assert_eq!(clip_limit(30), Ok(30));
        assert_eq!(clip_limit(9), Err(ClipError::InvalidLength));
        assert_eq!(clip_limit(31), Err(ClipError::InvalidLength));
        assert_eq!(clip_limit(0), Err(ClipError::InvalidLength));
        assert_eq!(ClipError::InvalidLength.code(), "CLIP_INVALID_LENGTH");
        assert!(ClipError::InvalidLength.to_string().contains("10 à 30"));
    }

    #[test]
    fn a_stop_before_10_seconds_is_refused() {
        assert_eq!(may_stop(0.0), Err(ClipError::TooShort));
        assert_eq!(may_stop(9.5), Err(ClipError::TooShort));
        assert_eq!(may_stop(9.995), Ok(()));
        assert_eq!(may_stop(10.0), Ok(()));
        assert_eq!(may_stop(29.0), Ok(()));
        assert_eq!(ClipError::TooShort.code(), "CLIP_TOO_SHORT");
        assert!(ClipError::TooShort.to_string().contains("au moins 10"));
    }

    #[test]
    fn a_clip_stops_by_itself_at_30_seconds_or_at_the_length_asked() {
        assert!(!is_complete(29.9, 30));
        assert!(is_complete(30.0, 30));
        assert!(is_complete(15.0, 15));
        assert!(!is_complete(14.0, 15));
        // A limit above the longest is cut to it.
        assert!(is_complete(30.0, 60));
    }

    #[test]
    fn the_bounds_as_the_console_reads_them() {
        assert_eq!(
            serde_json::to_value(CLIP_BOUNDS).unwrap_or_default(),
            serde_json::json!({ "minSeconds": 10, "maxSeconds": 30 })
        );
    }
}

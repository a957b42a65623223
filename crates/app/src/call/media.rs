//! Where the station's picture and sound come from: the devices of the machine, or
//! synthetic sources (a moving pattern with a frame counter, a 440 Hz tone) for tests and
//! demonstrations without a camera.
use relais_media::{AudioSink, AudioSource, VideoFormat, VideoSource};
use serde::Serialize;

/// Format asked of the camera at the start of a call.
pub const START_FORMAT: VideoFormat = VideoFormat::new(640, 480, 30);

/// Frequency of the default synthetic microphone's tone.
pub const SYNTHETIC_TONE_HZ: f32 = 440.0;

/// The station's media sources.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaSource {
    /// The first camera, the default microphone and speaker.
    Devices,
    /// The synthetic cameras at this format, tones as microphones, and speakers that keep
    /// the GP's voice in memory (see `synthetic_audio`).
    Synthetic(VideoFormat),
}

impl MediaSource {
    /// The synthetic sources at the start format (640x480, 30 fps).
    pub fn synthetic() -> Self {
        MediaSource::Synthetic(START_FORMAT)
    }

    /// `synthetic` when `RELAIS_MEDIA=synthetic`, else the devices.
    pub fn from_env() -> Self {
        match std::env::var("RELAIS_MEDIA").as_deref() {
            Ok("synthetic") => MediaSource::synthetic(),
            _ => MediaSource::Devices,
        }
    }
}

/// A device as the settings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaDevice {
    /// Id to select it with.
    pub id: String,
    /// Name shown to the user.
    pub label: String,
}

/// The devices seen by the station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaDevices {
    /// Cameras.
    pub cameras: Vec<MediaDevice>,
    /// Microphones.
    pub microphones: Vec<MediaDevice>,
    /// Speakers.
    pub speakers: Vec<MediaDevice>,
}

/// The devices of this machine.
pub fn media_devices() -> MediaDevices {
    let named = |names: Vec<String>| {
        names
            .into_iter()
            .map(|n| MediaDevice {
                id: n.clone(),
                label: n,
            })
            .collect()
    };
    MediaDevices {
        cameras: relais_media::list_cameras()
            .into_iter()
            .map(|c| MediaDevice {
                id: c.index.to_string(),
                label: c.name,
            })
            .collect(),
        microphones: named(relais_media::list_microphones()),
        speakers: named(relais_media::list_speakers()),
    }
}

/// The opened sources of one call, and what failed to open (journal entries); see
/// `Calls::open_call_media`.
pub(crate) struct Opened {
    pub video: Option<Box<dyn VideoSource>>,
    pub audio: Option<Box<dyn AudioSource>>,
    pub speaker: Option<Box<dyn AudioSink>>,
    pub failures: Vec<String>,
}

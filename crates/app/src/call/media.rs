//! Where the station's picture and sound come from: the devices of the machine, or
//! synthetic sources (a moving pattern with a frame counter, a 440 Hz tone) for tests and
//! demonstrations without a camera.
use relais_media::{
    AudioSink, AudioSource, Camera, Microphone, Speaker, SyntheticVideo, ToneSource, VideoFormat,
    VideoSource,
};
use serde::Serialize;

/// Format asked of the camera at the start of a call.
pub const START_FORMAT: VideoFormat = VideoFormat::new(640, 480, 30);

/// Frequency of the synthetic tone.
pub const SYNTHETIC_TONE_HZ: f32 = 440.0;

/// The station's media sources.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaSource {
    /// The first camera, the default microphone and speaker.
    Devices,
    /// The synthetic pattern at this format and the tone; the GP's voice is not played.
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

/// The opened sources of one call, and what failed to open (journal entries).
pub(crate) struct Opened {
    pub video: Option<Box<dyn VideoSource>>,
    pub audio: Option<Box<dyn AudioSource>>,
    pub speaker: Option<Box<dyn AudioSink>>,
    pub failures: Vec<String>,
}

/// Opens the sources; a missing device is a failure to record, never a reason to stop the
/// call (no camera: the call goes on with sound).
pub(crate) fn open(source: &MediaSource) -> Opened {
    match source {
        MediaSource::Synthetic(format) => {
            let mut failures = Vec::new();
            let video = match SyntheticVideo::new(format.width, format.height, format.fps) {
                Ok(v) => Some(Box::new(v) as Box<dyn VideoSource>),
                Err(e) => {
                    failures.push(format!("video={}", e.code()));
                    None
                }
            };
            Opened {
                video,
                audio: Some(Box::new(ToneSource::new(SYNTHETIC_TONE_HZ, 0.3))),
                speaker: None,
                failures,
            }
        }
        MediaSource::Devices => {
            let mut failures = Vec::new();
            let video = match Camera::open(0, START_FORMAT) {
                Ok(c) => Some(Box::new(c) as Box<dyn VideoSource>),
                Err(e) => {
                    failures.push(format!("camera={}", e.code()));
                    None
                }
            };
            let audio = match Microphone::open(None) {
                Ok(m) => Some(Box::new(m) as Box<dyn AudioSource>),
                Err(e) => {
                    failures.push(format!("microphone={}", e.code()));
                    None
                }
            };
            let speaker = match Speaker::open(None) {
                Ok(s) => Some(Box::new(s) as Box<dyn AudioSink>),
                Err(e) => {
                    failures.push(format!("speaker={}", e.code()));
                    None
                }
            };
            Opened {
                video,
                audio,
                speaker,
                failures,
            }
        }
    }
}

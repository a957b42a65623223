//! A capture device chosen as the stethoscope (cpal, behind feature `audio-device`).
//!
//! Unlike the voice [`crate::Microphone`], it is found by the device's id (the PulseAudio
//! source name, e.g. `steth.monitor`) or its description, and it asks for small buffers
//! (10 ms) so that the sound reaches the GP quickly. Nothing processes the samples here:
//! no echo cancellation, noise suppression, gain control or high-pass filter — cpal
//! delivers the device's samples as they are (mixed down to mono when needed).
use crate::audio::AudioSource;
use crate::capture::{self, Capture, CaptureSpec};
use crate::MediaError;

/// Frames asked of the device per callback (10 ms at 48 kHz).
const BUFFER_FRAMES: u32 = 480;

/// A capture device as the station lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDevice {
    /// Stable id to open it with (the PulseAudio source name, or the ALSA name).
    pub id: String,
    /// Name shown to the nurse.
    pub label: String,
}

/// The capture devices of this machine (empty without feature `audio-device`).
pub fn list_inputs() -> Vec<InputDevice> {
    capture::backend::list(true)
}

/// Whether `wanted` names this device: its id exactly, or a part of its label.
pub fn matches(device: &InputDevice, wanted: &str) -> bool {
    device.id == wanted || (!wanted.is_empty() && device.label.contains(wanted))
}

/// An exact id first, then a part of a label (see [`matches`]).
fn pick(devices: &[InputDevice], wanted: &str) -> Option<usize> {
    let exact = devices.iter().position(|d| d.id == wanted);
    exact.or_else(|| devices.iter().position(|d| matches(d, wanted)))
}

/// The stethoscope's capture stream; samples arrive on a channel from the stream's thread.
pub struct StethoscopeInput {
    capture: Capture,
}

impl StethoscopeInput {
    /// Opens the device `wanted` (see [`matches()`]); waits until the stream runs.
    pub fn open(wanted: &str) -> Result<Self, MediaError> {
        let spec = CaptureSpec {
            thread: "relais-stethoscope-in",
            what: "stéthoscope",
            queue: 100,
            buffer_frames: Some(BUFFER_FRAMES),
            pick,
            mono_i16: i16_to_mono,
            mono_f32: to_mono,
        };
        Ok(Self {
            capture: Capture::open(spec, Some(wanted.to_owned()))?,
        })
    }
}

impl AudioSource for StethoscopeInput {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        self.capture.next_chunk()
    }
}

/// Interleaved `i16` frames to mono: as they are from one channel, else mixed as [`to_mono`].
fn i16_to_mono(data: &[i16], channels: usize) -> Vec<i16> {
    if channels <= 1 {
        return data.to_vec();
    }
    let f: Vec<f32> = data.iter().map(|&s| f32::from(s) / 32768.0).collect();
    to_mono(&f, channels)
}

/// Mixes interleaved frames of `channels` down to mono.
fn to_mono(data: &[f32], channels: usize) -> Vec<i16> {
    let q = |s: f32| (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
    if channels <= 1 {
        return data.iter().map(|&s| q(s)).collect();
    }
    data.chunks(channels)
        .map(|f| q(f.iter().sum::<f32>() / f.len() as f32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_mix_and_quantisation() {
        assert_eq!(to_mono(&[0.5, -0.5, 1.0, 1.0], 2), vec![0, 32767]);
        assert_eq!(to_mono(&[2.0, -2.0], 1), vec![32767, -32767]);
    }

    #[test]
    fn a_device_matches_by_id_or_label_part() {
        let d = InputDevice {
            id: "steth.monitor".into(),
            label: "Monitor of Null Output".into(),
        };
        assert!(matches(&d, "steth.monitor"));
        assert!(matches(&d, "Null Output"));
        assert!(!matches(&d, "steth"));
        assert!(!matches(&d, ""));
    }

    #[test]
    fn a_missing_device_is_a_typed_error() {
        match StethoscopeInput::open("no-such-stethoscope-relais") {
            Ok(_) => panic!("opened a device that does not exist"),
            Err(e) => assert!(matches!(
                e.code(),
                "DEVICE_NOT_FOUND" | "DEVICE_FAILED" | "DEVICE_SUPPORT_MISSING"
            )),
        }
    }
}

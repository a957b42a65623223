//! A capture device chosen as the stethoscope (cpal, behind feature `audio-device`).
//!
//! Unlike the voice [`crate::Microphone`], it is found by the device's id (the PulseAudio
//! source name, e.g. `steth.monitor`) or its description, and it asks for small buffers
//! (10 ms) so that the sound reaches the GP quickly. Nothing processes the samples here:
//! no echo cancellation, noise suppression, gain control or high-pass filter — cpal
//! delivers the device's samples as they are (mixed down to mono when needed).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::audio::{AudioSource, CHUNK_SAMPLES};
use crate::MediaError;

/// How long a silent stethoscope is waited for (the first callback can take ~2 s).
const SILENCE_TIMEOUT: Duration = Duration::from_secs(4);
/// Frames asked of the device per callback (10 ms at 48 kHz).
#[cfg_attr(not(feature = "audio-device"), allow(dead_code))]
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
    backend::list()
}

/// Whether `wanted` names this device: its id exactly, or a part of its label.
pub fn matches(device: &InputDevice, wanted: &str) -> bool {
    device.id == wanted || (!wanted.is_empty() && device.label.contains(wanted))
}

/// The stethoscope's capture stream; samples arrive on a channel from the stream's thread.
pub struct StethoscopeInput {
    samples: Receiver<Vec<i16>>,
    pending: Vec<i16>,
    stop: Arc<AtomicBool>,
    failed: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StethoscopeInput {
    /// Opens the device `wanted` (see [`matches`]); waits until the stream runs.
    pub fn open(wanted: &str) -> Result<Self, MediaError> {
        if !cfg!(feature = "audio-device") {
            return Err(MediaError::FeatureDisabled("audio-device"));
        }
        let (tx, samples) = mpsc::sync_channel(100);
        let (ready_tx, ready_rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let failed = Arc::new(AtomicBool::new(false));
        let (s, f, name) = (Arc::clone(&stop), Arc::clone(&failed), wanted.to_owned());
        let thread = std::thread::Builder::new()
            .name("relais-stethoscope-in".into())
            .spawn(move || backend::run(name, tx, s, f, ready_tx))
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        let mut this = Self {
            samples,
            pending: Vec::new(),
            stop,
            failed,
            thread: Some(thread),
        };
        match ready_rx.recv_timeout(Duration::from_secs(5)) {
            Ok(Ok(())) => Ok(this),
            Ok(Err(e)) => {
                this.shutdown();
                Err(e)
            }
            Err(_) => {
                this.shutdown();
                Err(MediaError::DeviceFailed(
                    "le pilote audio ne répond pas".into(),
                ))
            }
        }
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StethoscopeInput {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl AudioSource for StethoscopeInput {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        while self.pending.len() < CHUNK_SAMPLES {
            if self.failed.load(Ordering::Relaxed) {
                return Err(MediaError::DeviceFailed("stéthoscope".into()));
            }
            match self.samples.recv_timeout(SILENCE_TIMEOUT) {
                Ok(s) => self.pending.extend(s),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(MediaError::DeviceFailed("stéthoscope muet".into()))
                }
                Err(RecvTimeoutError::Disconnected) => return Err(MediaError::Stopped),
            }
        }
        Ok(self.pending.drain(..CHUNK_SAMPLES).collect())
    }
}

/// Mixes interleaved frames of `channels` down to mono.
#[cfg_attr(not(feature = "audio-device"), allow(dead_code))]
fn to_mono(data: &[f32], channels: usize) -> Vec<i16> {
    let q = |s: f32| (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
    if channels <= 1 {
        return data.iter().map(|&s| q(s)).collect();
    }
    data.chunks(channels)
        .map(|f| q(f.iter().sum::<f32>() / f.len() as f32))
        .collect()
}

#[cfg(feature = "audio-device")]
mod backend {
    use super::*;
    use crate::audio::SAMPLE_RATE;
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    use cpal::{BufferSize, SampleFormat, StreamConfig};

    fn describe(d: &cpal::Device) -> InputDevice {
        let label = d
            .description()
            .map(|d| d.name().to_owned())
            .unwrap_or_default();
        let id = d
            .id()
            .map(|id| id.id().to_owned())
            .unwrap_or_else(|_| label.clone());
        InputDevice { id, label }
    }

    pub(super) fn list() -> Vec<InputDevice> {
        cpal::default_host()
            .input_devices()
            .map(|d| d.map(|d| describe(&d)).collect())
            .unwrap_or_default()
    }

    fn find(wanted: &str) -> Result<cpal::Device, MediaError> {
        let devices = cpal::default_host()
            .input_devices()
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?
            .collect::<Vec<_>>();
        // An exact id first, then a part of the label.
        let exact = devices.iter().position(|d| describe(d).id == wanted);
        let index = exact.or_else(|| devices.iter().position(|d| matches(&describe(d), wanted)));
        index
            .and_then(|i| devices.into_iter().nth(i))
            .ok_or_else(|| MediaError::DeviceNotFound(wanted.to_owned()))
    }

    pub(super) fn run(
        wanted: String,
        tx: mpsc::SyncSender<Vec<i16>>,
        stop: Arc<AtomicBool>,
        failed: Arc<AtomicBool>,
        ready: mpsc::Sender<Result<(), MediaError>>,
    ) {
        let built = (|| {
            let device = find(&wanted)?;
            let default = device
                .default_input_config()
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            let channels = default.channels();
            let ch = usize::from(channels.max(1));
            let on_error = {
                let failed = Arc::clone(&failed);
                move |_e: cpal::Error| failed.store(true, Ordering::Relaxed)
            };
            let build = |buffer_size| {
                let cfg = StreamConfig {
                    channels,
                    sample_rate: SAMPLE_RATE,
                    buffer_size,
                };
                let (tx, on_error) = (tx.clone(), on_error.clone());
                match default.sample_format() {
                    SampleFormat::I16 => device.build_input_stream::<i16, _, _>(
                        cfg,
                        move |data, _| {
                            let f: Vec<f32> =
                                data.iter().map(|&s| f32::from(s) / 32768.0).collect();
                            let mono = if ch == 1 {
                                data.to_vec()
                            } else {
                                to_mono(&f, ch)
                            };
                            let _ = tx.try_send(mono);
                        },
                        on_error,
                        None,
                    ),
                    _ => device.build_input_stream::<f32, _, _>(
                        cfg,
                        move |data, _| {
                            let _ = tx.try_send(to_mono(data, ch));
                        },
                        on_error,
                        None,
                    ),
                }
            };
            let stream = build(BufferSize::Fixed(BUFFER_FRAMES))
                .or_else(|_| build(BufferSize::Default))
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            stream
                .play()
                .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
            Ok(stream)
        })();
        let stream = match built {
            Ok(stream) => stream,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(stream);
    }
}

#[cfg(not(feature = "audio-device"))]
mod backend {
    use super::*;

    pub(super) fn list() -> Vec<InputDevice> {
        Vec::new()
    }

    pub(super) fn run(
        _wanted: String,
        _tx: mpsc::SyncSender<Vec<i16>>,
        _stop: Arc<AtomicBool>,
        _failed: Arc<AtomicBool>,
        ready: mpsc::Sender<Result<(), MediaError>>,
    ) {
        let _ = ready.send(Err(MediaError::FeatureDisabled("audio-device")));
    }
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

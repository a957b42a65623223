//! The station's microphone and speaker (cpal; PulseAudio when present), behind feature
//! `audio-device`.
//!
//! Each stream lives on its own thread (cpal streams are not `Send` everywhere); samples
//! cross over channels. The device runs at 48 kHz; other channel counts are mixed down or
//! duplicated.
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::audio::{AudioSink, AudioSource, SAMPLE_RATE};
use crate::capture::{self, Capture, CaptureSpec, StreamThread};
use crate::MediaError;

/// Most audio queued for the speaker (100 ms): a burst of late packets is absorbed.
const SPEAKER_QUEUE: usize = SAMPLE_RATE as usize / 10;

/// What is kept of the queue when it overflows (the newest 40 ms): after a stall the GP's
/// voice skips once rather than staying late for the rest of the call.
const SPEAKER_CATCH_UP: usize = SAMPLE_RATE as usize / 25;

/// Names of the capture devices; empty without devices (or without feature `audio-device`).
pub fn list_microphones() -> Vec<String> {
    labels(true)
}

/// Names of the playback devices.
pub fn list_speakers() -> Vec<String> {
    labels(false)
}

fn labels(input: bool) -> Vec<String> {
    capture::backend::list(input)
        .into_iter()
        .map(|d| d.label)
        .collect()
}

/// A microphone (or any capture device, e.g. a PulseAudio monitor for the stethoscope).
pub struct Microphone {
    capture: Capture,
}

impl Microphone {
    /// Opens the named device (a substring of its name), or the default one.
    pub fn open(name: Option<&str>) -> Result<Self, MediaError> {
        let spec = CaptureSpec {
            thread: "relais-microphone",
            what: "microphone",
            queue: 50,
            buffer_frames: None,
            pick: capture::pick_by_label,
            mono_i16: downmix,
            mono_f32: |data, channels| downmix(&quantize(data), channels),
        };
        Ok(Self {
            capture: Capture::open(spec, name.map(str::to_owned))?,
        })
    }
}

impl AudioSource for Microphone {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        self.capture.next_chunk()
    }
}

/// A speaker playing the GP's voice.
pub struct Speaker {
    queue: Arc<Mutex<VecDeque<i16>>>,
    stream: StreamThread,
}

impl Speaker {
    /// Opens the named device (a substring of its name), or the default one.
    pub fn open(name: Option<&str>) -> Result<Self, MediaError> {
        if !cfg!(feature = "audio-device") {
            return Err(MediaError::FeatureDisabled("audio-device"));
        }
        let queue = Arc::new(Mutex::new(VecDeque::with_capacity(SPEAKER_QUEUE)));
        let q = Arc::clone(&queue);
        let name = name.map(str::to_owned);
        let stream = StreamThread::spawn("relais-speaker", move |stop, failed, ready| {
            backend::run_output(name, q, stop, failed, ready)
        })?;
        Ok(Self { queue, stream })
    }
}

impl AudioSink for Speaker {
    fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        if self.stream.failed.load(Ordering::Relaxed) {
            return Err(MediaError::DeviceFailed("haut-parleur".into()));
        }
        let mut queue = self
            .queue
            .lock()
            .map_err(|_| MediaError::DeviceFailed("haut-parleur".into()))?;
        enqueue(&mut queue, samples);
        Ok(())
    }
}

/// Appends to the speaker's queue; past `SPEAKER_QUEUE`, only the newest `SPEAKER_CATCH_UP`
/// are kept.
fn enqueue(queue: &mut VecDeque<i16>, samples: &[i16]) {
    queue.extend(samples.iter().copied());
    if queue.len() > SPEAKER_QUEUE {
        let excess = queue.len() - SPEAKER_CATCH_UP;
        queue.drain(..excess);
    }
}

/// `f32` samples as `i16` (clamped, truncated).
fn quantize(data: &[f32]) -> Vec<i16> {
    data.iter()
        .map(|&s| (s.clamp(-1.0, 1.0) * 32767.0) as i16)
        .collect()
}

/// Mixes interleaved frames of `channels` down to mono.
fn downmix(data: &[i16], channels: usize) -> Vec<i16> {
    if channels <= 1 {
        return data.to_vec();
    }
    data.chunks(channels)
        .map(|f| (f.iter().map(|&s| i32::from(s)).sum::<i32>() / f.len() as i32) as i16)
        .collect()
}

#[cfg(feature = "audio-device")]
mod backend {
    use super::*;
    use crate::capture::backend::{config, find, on_error, serve, start};
    use crate::capture::{pick_by_label, Ready};
    use cpal::traits::DeviceTrait;
    use cpal::SampleFormat;
    use std::sync::atomic::AtomicBool;

    /// The speaker's device buffer, one 20 ms period. PulseAudio's default buffer (2 s)
    /// kept the GP's voice 2.4 s late.
    const SPEAKER_PERIOD: u32 = SAMPLE_RATE / 50;

    pub(super) fn run_output(
        name: Option<String>,
        queue: Arc<Mutex<VecDeque<i16>>>,
        stop: Arc<AtomicBool>,
        failed: Arc<AtomicBool>,
        ready: Ready,
    ) {
        let built = (|| {
            let device = find(false, name.as_deref(), pick_by_label)?;
            let default = device
                .default_output_config()
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            let channels = default.channels();
            let ch = usize::from(channels.max(1));
            let on_error = on_error(&failed);
            let next = move |n: usize| -> Vec<i16> {
                let mut q = match queue.lock() {
                    Ok(q) => q,
                    Err(_) => return vec![0; n],
                };
                (0..n).map(|_| q.pop_front().unwrap_or(0)).collect()
            };
            let build = |buffer_size| {
                let cfg = config(channels, buffer_size);
                let (next, on_error) = (next.clone(), on_error.clone());
                match default.sample_format() {
                    SampleFormat::I16 => device.build_output_stream::<i16, _, _>(
                        cfg,
                        move |out: &mut [i16], _| {
                            let mono = next(out.len() / ch);
                            for (frame, s) in out.chunks_mut(ch).zip(mono) {
                                frame.fill(s);
                            }
                        },
                        on_error,
                        None,
                    ),
                    _ => device.build_output_stream::<f32, _, _>(
                        cfg,
                        move |out: &mut [f32], _| {
                            let mono = next(out.len() / ch);
                            for (frame, s) in out.chunks_mut(ch).zip(mono) {
                                frame.fill(f32::from(s) / 32768.0);
                            }
                        },
                        on_error,
                        None,
                    ),
                }
            };
            start(Some(SPEAKER_PERIOD), build)
        })();
        serve(built, &ready, &stop);
    }
}

#[cfg(not(feature = "audio-device"))]
mod backend {
    use super::*;
    use crate::capture::Ready;
    use std::sync::atomic::AtomicBool;

    pub(super) fn run_output(
        _name: Option<String>,
        _queue: Arc<Mutex<VecDeque<i16>>>,
        _stop: Arc<AtomicBool>,
        _failed: Arc<AtomicBool>,
        ready: Ready,
    ) {
        let _ = ready.send(Err(MediaError::FeatureDisabled("audio-device")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speaker_queue_catches_up_after_a_stall() {
        let mut queue = VecDeque::new();
        let chunk: Vec<i16> = (0..960).map(|i| i as i16).collect();
        for _ in 0..5 {
            enqueue(&mut queue, &chunk);
        }
        assert_eq!(queue.len(), 4800, "100 ms are kept");
        enqueue(&mut queue, &chunk);
        assert_eq!(queue.len(), SPEAKER_CATCH_UP, "then only the newest 40 ms");
        assert_eq!(queue.back(), Some(&959));
        assert_eq!(queue.front(), Some(&0), "two whole chunks");
    }

    #[test]
    fn downmix_averages_channels() {
        assert_eq!(downmix(&[100, 200, -50, 50], 2), vec![150, 0]);
        assert_eq!(downmix(&[1, 2], 1), vec![1, 2]);
    }

    #[test]
    fn a_missing_device_is_a_typed_error_not_a_panic() {
        match Microphone::open(Some("no-such-device-relais")) {
            Ok(_) => panic!("found a device that does not exist"),
            Err(e) => assert!(
                matches!(
                    e.code(),
                    "DEVICE_NOT_FOUND" | "DEVICE_FAILED" | "DEVICE_SUPPORT_MISSING"
                ),
                "{e}"
            ),
        }
        assert!(Speaker::open(Some("no-such-device-relais")).is_err());
    }
}

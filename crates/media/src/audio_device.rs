//! The station's microphone and speaker (cpal; PulseAudio when present), behind feature
//! `audio-device`.
//!
//! Each stream lives on its own thread (cpal streams are not `Send` everywhere); samples
//! cross over channels. The device runs at 48 kHz; other channel counts are mixed down or
//! duplicated.
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::audio::{AudioSink, AudioSource, CHUNK_SAMPLES, SAMPLE_RATE};
use crate::MediaError;

/// How long a silent microphone is waited for (the first callback can take ~2 s).
const SILENCE_TIMEOUT: Duration = Duration::from_secs(4);
/// Most audio queued for the speaker before the oldest is dropped.
const SPEAKER_QUEUE: usize = SAMPLE_RATE as usize / 2;

/// Names of the capture devices; empty without devices (or without feature `audio-device`).
pub fn list_microphones() -> Vec<String> {
    backend::list(true)
}

/// Names of the playback devices.
pub fn list_speakers() -> Vec<String> {
    backend::list(false)
}

struct StreamThread {
    stop: Arc<AtomicBool>,
    failed: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StreamThread {
    fn spawn(
        name: &str,
        run: impl FnOnce(Arc<AtomicBool>, Arc<AtomicBool>, mpsc::Sender<Result<(), MediaError>>)
            + Send
            + 'static,
    ) -> Result<Self, MediaError> {
        let (stop, failed) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let (ready_tx, ready_rx) = mpsc::channel();
        let (s, f) = (Arc::clone(&stop), Arc::clone(&failed));
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || run(s, f, ready_tx))
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        let mut this = Self {
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

impl Drop for StreamThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A microphone (or any capture device, e.g. a PulseAudio monitor for the stethoscope).
pub struct Microphone {
    samples: Receiver<Vec<i16>>,
    pending: Vec<i16>,
    stream: StreamThread,
}

impl Microphone {
    /// Opens the named device (a substring of its name), or the default one.
    pub fn open(name: Option<&str>) -> Result<Self, MediaError> {
        if !cfg!(feature = "audio-device") {
            return Err(MediaError::FeatureDisabled("audio-device"));
        }
        let (tx, samples) = mpsc::sync_channel(50);
        let name = name.map(str::to_owned);
        let stream = StreamThread::spawn("relais-microphone", move |stop, failed, ready| {
            backend::run_input(name, tx, stop, failed, ready)
        })?;
        Ok(Self {
            samples,
            pending: Vec::new(),
            stream,
        })
    }
}

impl AudioSource for Microphone {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        while self.pending.len() < CHUNK_SAMPLES {
            if self.stream.failed.load(Ordering::Relaxed) {
                return Err(MediaError::DeviceFailed("microphone".into()));
            }
            match self.samples.recv_timeout(SILENCE_TIMEOUT) {
                Ok(s) => self.pending.extend(s),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(MediaError::DeviceFailed("microphone muet".into()))
                }
                Err(RecvTimeoutError::Disconnected) => return Err(MediaError::Stopped),
            }
        }
        Ok(self.pending.drain(..CHUNK_SAMPLES).collect())
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
        queue.extend(samples.iter().copied());
        let excess = queue.len().saturating_sub(SPEAKER_QUEUE);
        queue.drain(..excess);
        Ok(())
    }
}

/// Mixes interleaved frames of `channels` down to mono.
#[cfg_attr(not(feature = "audio-device"), allow(dead_code))]
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
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    use cpal::{BufferSize, SampleFormat, StreamConfig};

    fn device_name(d: &cpal::Device) -> String {
        d.description()
            .map(|d| d.name().to_owned())
            .unwrap_or_default()
    }

    pub(super) fn list(input: bool) -> Vec<String> {
        let host = cpal::default_host();
        let devices = if input {
            host.input_devices().map(|d| d.collect::<Vec<_>>())
        } else {
            host.output_devices().map(|d| d.collect::<Vec<_>>())
        };
        devices
            .unwrap_or_default()
            .iter()
            .map(device_name)
            .collect()
    }

    fn find(input: bool, name: Option<&str>) -> Result<cpal::Device, MediaError> {
        let host = cpal::default_host();
        let found = match name {
            None if input => host.default_input_device(),
            None => host.default_output_device(),
            Some(wanted) => {
                let devices = if input {
                    host.input_devices()
                } else {
                    host.output_devices()
                };
                devices
                    .map_err(|e| MediaError::DeviceFailed(e.to_string()))?
                    .find(|d| device_name(d).contains(wanted))
            }
        };
        found.ok_or_else(|| {
            MediaError::DeviceNotFound(match (input, name) {
                (true, None) => "aucun microphone".to_owned(),
                (false, None) => "aucun haut-parleur".to_owned(),
                (_, Some(n)) => n.to_owned(),
            })
        })
    }

    fn config(channels: u16) -> StreamConfig {
        StreamConfig {
            channels,
            sample_rate: SAMPLE_RATE,
            buffer_size: BufferSize::Default,
        }
    }

    /// Tells the opener whether the stream started, then keeps it running until `stop`.
    fn serve(
        built: Result<cpal::Stream, MediaError>,
        ready: &mpsc::Sender<Result<(), MediaError>>,
        stop: &AtomicBool,
    ) {
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

    pub(super) fn run_input(
        name: Option<String>,
        tx: mpsc::SyncSender<Vec<i16>>,
        stop: Arc<AtomicBool>,
        failed: Arc<AtomicBool>,
        ready: mpsc::Sender<Result<(), MediaError>>,
    ) {
        let built = (|| {
            let device = find(true, name.as_deref())?;
            let default = device
                .default_input_config()
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            let channels = default.channels();
            let cfg = config(channels);
            let on_error = {
                let failed = Arc::clone(&failed);
                move |_e: cpal::Error| failed.store(true, Ordering::Relaxed)
            };
            let ch = usize::from(channels);
            let stream = match default.sample_format() {
                SampleFormat::I16 => device.build_input_stream::<i16, _, _>(
                    cfg,
                    move |data, _| {
                        let _ = tx.try_send(downmix(data, ch));
                    },
                    on_error,
                    None,
                ),
                _ => device.build_input_stream::<f32, _, _>(
                    cfg,
                    move |data, _| {
                        let pcm: Vec<i16> = data
                            .iter()
                            .map(|&s| (s.clamp(-1.0, 1.0) * 32767.0) as i16)
                            .collect();
                        let _ = tx.try_send(downmix(&pcm, ch));
                    },
                    on_error,
                    None,
                ),
            }
            .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            stream
                .play()
                .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
            Ok(stream)
        })();
        serve(built, &ready, &stop);
    }

    pub(super) fn run_output(
        name: Option<String>,
        queue: Arc<Mutex<VecDeque<i16>>>,
        stop: Arc<AtomicBool>,
        failed: Arc<AtomicBool>,
        ready: mpsc::Sender<Result<(), MediaError>>,
    ) {
        let built = (|| {
            let device = find(false, name.as_deref())?;
            let default = device
                .default_output_config()
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            let channels = default.channels();
            let ch = usize::from(channels.max(1));
            let on_error = {
                let failed = Arc::clone(&failed);
                move |_e: cpal::Error| failed.store(true, Ordering::Relaxed)
            };
            let next = move |n: usize| -> Vec<i16> {
                let mut q = match queue.lock() {
                    Ok(q) => q,
                    Err(_) => return vec![0; n],
                };
                (0..n).map(|_| q.pop_front().unwrap_or(0)).collect()
            };
            let stream = match default.sample_format() {
                SampleFormat::I16 => device.build_output_stream::<i16, _, _>(
                    config(channels),
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
                    config(channels),
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
            .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            stream
                .play()
                .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
            Ok(stream)
        })();
        serve(built, &ready, &stop);
    }
}

#[cfg(not(feature = "audio-device"))]
mod backend {
    use super::*;

    pub(super) fn list(_input: bool) -> Vec<String> {
        Vec::new()
    }

    pub(super) fn run_input(
        _name: Option<String>,
        _tx: mpsc::SyncSender<Vec<i16>>,
        _stop: Arc<AtomicBool>,
        _failed: Arc<AtomicBool>,
        ready: mpsc::Sender<Result<(), MediaError>>,
    ) {
        let _ = ready.send(Err(MediaError::FeatureDisabled("audio-device")));
    }

    pub(super) fn run_output(
        _name: Option<String>,
        _queue: Arc<Mutex<VecDeque<i16>>>,
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

//! What the microphone, the speaker and the stethoscope share (cpal, behind feature
//! `audio-device`): a device looked up by name, a stream at 48 kHz in the device's own sample
//! format held by a thread of its own ([`StreamThread`]: cpal streams are not `Send`
//! everywhere), and for capture, samples mixed down to mono and read back as 20 ms chunks
//! ([`Capture`]).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::audio::CHUNK_SAMPLES;
use crate::steth_input::InputDevice;
use crate::MediaError;

/// How long a silent capture device is waited for (the first callback can take ~2 s).
const SILENCE_TIMEOUT: Duration = Duration::from_secs(4);

/// Where a stream's thread tells its opener whether the stream started.
pub(crate) type Ready = mpsc::Sender<Result<(), MediaError>>;

/// A thread that holds one stream until stopped.
pub(crate) struct StreamThread {
    stop: Arc<AtomicBool>,
    /// Set by the stream's error callback.
    pub(crate) failed: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StreamThread {
    /// Starts `run(stop, failed, ready)` on a thread named `name` and waits (5 s at most) for
    /// its word that the stream runs.
    pub(crate) fn spawn(
        name: &str,
        run: impl FnOnce(Arc<AtomicBool>, Arc<AtomicBool>, Ready) + Send + 'static,
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

/// Which listed device a name designates.
pub(crate) type Pick = fn(&[InputDevice], &str) -> Option<usize>;

/// The first device whose label contains `wanted`.
pub(crate) fn pick_by_label(devices: &[InputDevice], wanted: &str) -> Option<usize> {
    devices.iter().position(|d| d.label.contains(wanted))
}

/// How a capture device is found and its samples made mono.
#[cfg_attr(not(feature = "audio-device"), allow(dead_code))]
pub(crate) struct CaptureSpec {
    /// Name of the stream's thread.
    pub(crate) thread: &'static str,
    /// The device in error messages (`microphone`, `stéthoscope`).
    pub(crate) what: &'static str,
    /// Callback buffers queued for the reader before new ones are dropped.
    pub(crate) queue: usize,
    /// Frames asked per callback (the device's default when it refuses), else its default.
    pub(crate) buffer_frames: Option<u32>,
    /// Which listed device the wanted name designates.
    pub(crate) pick: Pick,
    /// Interleaved `i16` frames of n channels to mono.
    pub(crate) mono_i16: fn(&[i16], usize) -> Vec<i16>,
    /// Interleaved `f32` frames of n channels to mono.
    pub(crate) mono_f32: fn(&[f32], usize) -> Vec<i16>,
}

/// A running capture stream, read as 20 ms chunks.
pub(crate) struct Capture {
    samples: Receiver<Vec<i16>>,
    pending: Vec<i16>,
    stream: StreamThread,
    what: &'static str,
}

impl Capture {
    /// Opens the device `wanted` names (the default one for `None`); waits until it runs.
    pub(crate) fn open(spec: CaptureSpec, wanted: Option<String>) -> Result<Self, MediaError> {
        if !cfg!(feature = "audio-device") {
            return Err(MediaError::FeatureDisabled("audio-device"));
        }
        let (tx, samples) = mpsc::sync_channel(spec.queue);
        let what = spec.what;
        let stream = StreamThread::spawn(spec.thread, move |stop, failed, ready| {
            backend::run_input(&spec, wanted, tx, &stop, failed, &ready)
        })?;
        Ok(Self {
            samples,
            pending: Vec::new(),
            stream,
            what,
        })
    }

    /// The next 20 ms of mono samples.
    pub(crate) fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        while self.pending.len() < CHUNK_SAMPLES {
            if self.stream.failed.load(Ordering::Relaxed) {
                return Err(MediaError::DeviceFailed(self.what.into()));
            }
            match self.samples.recv_timeout(SILENCE_TIMEOUT) {
                Ok(s) => self.pending.extend(s),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(MediaError::DeviceFailed(format!("{} muet", self.what)))
                }
                Err(RecvTimeoutError::Disconnected) => return Err(MediaError::Stopped),
            }
        }
        Ok(self.pending.drain(..CHUNK_SAMPLES).collect())
    }
}

#[cfg(feature = "audio-device")]
pub(crate) mod backend {
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

    fn devices(input: bool) -> Result<Vec<cpal::Device>, cpal::Error> {
        let host = cpal::default_host();
        if input {
            host.input_devices().map(|d| d.collect())
        } else {
            host.output_devices().map(|d| d.collect())
        }
    }

    /// The capture (`input`) or playback devices of this machine.
    pub(crate) fn list(input: bool) -> Vec<InputDevice> {
        devices(input)
            .unwrap_or_default()
            .iter()
            .map(describe)
            .collect()
    }

    /// The device `wanted` designates by `pick`, or the default one for `None`.
    pub(crate) fn find(
        input: bool,
        wanted: Option<&str>,
        pick: Pick,
    ) -> Result<cpal::Device, MediaError> {
        let host = cpal::default_host();
        let found = match wanted {
            None if input => host.default_input_device(),
            None => host.default_output_device(),
            Some(wanted) => {
                let devices =
                    devices(input).map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
                let described: Vec<InputDevice> = devices.iter().map(describe).collect();
                pick(&described, wanted).and_then(|i| devices.into_iter().nth(i))
            }
        };
        found.ok_or_else(|| {
            MediaError::DeviceNotFound(match (input, wanted) {
                (true, None) => "aucun microphone".to_owned(),
                (false, None) => "aucun haut-parleur".to_owned(),
                (_, Some(n)) => n.to_owned(),
            })
        })
    }

    /// The stream format at 48 kHz.
    pub(crate) fn config(channels: u16, buffer_size: BufferSize) -> StreamConfig {
        StreamConfig {
            channels,
            sample_rate: SAMPLE_RATE,
            buffer_size,
        }
    }

    /// The error callback: marks the stream failed.
    pub(crate) fn on_error(failed: &Arc<AtomicBool>) -> impl FnMut(cpal::Error) + Clone {
        let failed = Arc::clone(failed);
        move |_e: cpal::Error| failed.store(true, Ordering::Relaxed)
    }

    /// Builds a stream with a buffer of `frames` (the device's default if it refuses it, or
    /// if `None`) and starts it: a format refused, or a device that does not start, is an
    /// error.
    pub(crate) fn start(
        frames: Option<u32>,
        build: impl Fn(BufferSize) -> Result<cpal::Stream, cpal::Error>,
    ) -> Result<cpal::Stream, MediaError> {
        let built = match frames {
            Some(frames) => {
                build(BufferSize::Fixed(frames)).or_else(|_| build(BufferSize::Default))
            }
            None => build(BufferSize::Default),
        };
        let stream = built.map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
        stream
            .play()
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        Ok(stream)
    }

    /// Tells the opener whether the stream started, then keeps it running until `stop`.
    pub(crate) fn serve(built: Result<cpal::Stream, MediaError>, ready: &Ready, stop: &AtomicBool) {
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
        spec: &CaptureSpec,
        wanted: Option<String>,
        tx: mpsc::SyncSender<Vec<i16>>,
        stop: &AtomicBool,
        failed: Arc<AtomicBool>,
        ready: &Ready,
    ) {
        let built = (|| {
            let device = find(true, wanted.as_deref(), spec.pick)?;
            let default = device
                .default_input_config()
                .map_err(|e| MediaError::UnsupportedFormat(e.to_string()))?;
            let channels = default.channels();
            let ch = usize::from(channels.max(1));
            let on_error = on_error(&failed);
            let (mono_i16, mono_f32) = (spec.mono_i16, spec.mono_f32);
            let build = |buffer_size| {
                let cfg = config(channels, buffer_size);
                let (tx, on_error) = (tx.clone(), on_error.clone());
                match default.sample_format() {
                    SampleFormat::I16 => device.build_input_stream::<i16, _, _>(
                        cfg,
                        move |data, _| {
                            let _ = tx.try_send(mono_i16(data, ch));
                        },
                        on_error,
                        None,
                    ),
                    _ => device.build_input_stream::<f32, _, _>(
                        cfg,
                        move |data, _| {
                            let _ = tx.try_send(mono_f32(data, ch));
                        },
                        on_error,
                        None,
                    ),
                }
            };
            start(spec.buffer_frames, build)
        })();
        serve(built, ready, stop);
    }
}

#[cfg(not(feature = "audio-device"))]
pub(crate) mod backend {
    use super::*;

    pub(crate) fn list(_input: bool) -> Vec<InputDevice> {
        Vec::new()
    }

    pub(super) fn run_input(
        _spec: &CaptureSpec,
        _wanted: Option<String>,
        _tx: mpsc::SyncSender<Vec<i16>>,
        _stop: &AtomicBool,
        _failed: Arc<AtomicBool>,
        ready: &Ready,
    ) {
        let _ = ready.send(Err(MediaError::FeatureDisabled("audio-device")));
    }
}

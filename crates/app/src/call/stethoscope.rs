//! The stethoscope during a call: an audio input chosen by the nurse, sent to the GP on
//! its own track (see `relais_rtc::stethoscope`), metered for the nurse (peak and RMS
//! dBFS ten times a second, clipping), and recorded in clips of 10 to 30 s at the GP's
//! request.
//!
//! A clip is recorded here, from the very samples sent (no second generation of Opus),
//! kept as WAV 48 kHz mono 16-bit (lossless, plays everywhere), stored in the record as a
//! `stethoscopeClip` attachment, then sent to the GP over the data channel in pieces so
//! both sides can replay it.
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use relais_media::meter::{Level, Meter};
use relais_media::steth_input::{list_inputs, StethoscopeInput};
use relais_media::{AudioSource, MediaError, SAMPLE_RATE};
use relais_protocol::data::DataMessage;
use relais_rtc::StethoscopeControl;
use relais_store::{Actor, NewAttachment};
use serde::Serialize;
use tokio::sync::oneshot;

use super::{CallObserver, Calls, MediaDevice};
use crate::error::ApiError;

/// Shortest clip, seconds.
pub const CLIP_MIN_SECONDS: u32 = 10;
/// Longest clip, seconds.
pub const CLIP_MAX_SECONDS: u32 = 30;
/// Media type of the clips.
pub const CLIP_MIME: &str = "audio/wav";
/// Bytes of a clip per data-channel message (before base64).
pub const CLIP_CHUNK_BYTES: usize = 32 * 1024;
/// Samples per level report (100 ms).
const METER_WINDOW: usize = SAMPLE_RATE as usize / 10;

/// The stethoscope's level, as the nurse's meter shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StethoscopeLevel {
    /// Peak over the last 100 ms, dBFS.
    pub peak_dbfs: f32,
    /// RMS over the last 100 ms, dBFS.
    pub rms_dbfs: f32,
    /// A sample reached full scale: too much gain, or the chest piece knocked.
    pub clipped: bool,
}

impl From<Level> for StethoscopeLevel {
    fn from(l: Level) -> Self {
        Self {
            peak_dbfs: l.peak_dbfs,
            rms_dbfs: l.rms_dbfs,
            clipped: l.clipped,
        }
    }
}

/// One clip of the call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipInfo {
    /// Id chosen by the GP's console.
    pub clip_id: String,
    /// `recording`, `stored` or `failed`.
    pub state: String,
    /// Length, seconds (asked while recording, actual once stored).
    pub seconds: f64,
    /// The attachment in the record, once stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_id: Option<String>,
    /// Stable code when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// When it was asked.
    pub at: DateTime<Utc>,
}

/// A stethoscope clip kept in the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredClip {
    /// The attachment's id (to replay it).
    pub attachment_id: String,
    /// Length, seconds.
    pub seconds: f64,
    /// Size of the WAV file, bytes.
    pub size: u64,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// What the call screen shows of the stethoscope.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StethoscopeStatus {
    /// Sound is sent to the GP.
    pub on: bool,
    /// The input in use (or last used).
    pub device: Option<String>,
    /// The GP asked for the stethoscope and it is not on yet.
    pub requested: bool,
    /// Clips of this call, oldest first.
    pub clips: Vec<ClipInfo>,
}

/// A clip being recorded from the stethoscope's samples.
struct Recorder {
    wanted: usize,
    samples: Vec<i16>,
    done: oneshot::Sender<Vec<i16>>,
}

type SharedRecorder = Arc<Mutex<Option<Recorder>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The stethoscope's input wrapped so the nurse's meter and the clips see the very
/// samples that are sent.
struct Tap {
    input: Box<dyn AudioSource>,
    meter: Meter,
    observer: Arc<dyn CallObserver>,
    recorder: SharedRecorder,
}

impl AudioSource for Tap {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        let chunk = self.input.next_chunk()?;
        if let Some(level) = self.meter.push(&chunk) {
            self.observer.stethoscope_level(&level.into());
        }
        let mut slot = lock(&self.recorder);
        let complete = match slot.as_mut() {
            Some(r) => {
                let room = r.wanted.saturating_sub(r.samples.len());
                r.samples.extend_from_slice(&chunk[..room.min(chunk.len())]);
                r.samples.len() >= r.wanted
            }
            None => false,
        };
        if complete {
            if let Some(r) = slot.take() {
                let _ = r.done.send(r.samples);
            }
        }
        Ok(chunk)
    }
}

/// The stethoscope of the station's calls.
#[derive(Default)]
pub struct Stethoscope {
    control: Mutex<Option<Arc<StethoscopeControl>>>,
    status: Mutex<StethoscopeStatus>,
    recorder: SharedRecorder,
}

impl Stethoscope {
    /// A new call: its track's switches, and a fresh status.
    pub(crate) fn attach(&self, control: Option<Arc<StethoscopeControl>>) {
        *lock(&self.control) = control;
        *lock(&self.status) = StethoscopeStatus::default();
        *lock(&self.recorder) = None;
    }

    /// The call ended: the input is closed and a clip being recorded is dropped.
    pub(crate) fn detach(&self) {
        if let Some(c) = lock(&self.control).take() {
            c.set_source(None);
        }
        *lock(&self.recorder) = None;
        lock(&self.status).on = false;
    }

    fn status(&self) -> StethoscopeStatus {
        lock(&self.status).clone()
    }
}

/// The capture devices the nurse can choose as the stethoscope.
pub fn stethoscope_inputs() -> Vec<MediaDevice> {
    list_inputs()
        .into_iter()
        .map(|d| MediaDevice {
            id: d.id,
            label: d.label,
        })
        .collect()
}

fn message(m: &DataMessage) -> Option<String> {
    serde_json::to_string(m).ok()
}

impl Calls {
    /// The stethoscope as the call screen shows it.
    pub fn stethoscope_status(&self) -> StethoscopeStatus {
        self.stethoscope.status()
    }

    fn stethoscope_changed(&self, f: impl FnOnce(&mut StethoscopeStatus)) -> StethoscopeStatus {
        let status = {
            let mut s = lock(&self.stethoscope.status);
            f(&mut s);
            s.clone()
        };
        self.observer.stethoscope(&status);
        status
    }

    fn stethoscope_control(&self) -> Result<Arc<StethoscopeControl>, ApiError> {
        let running = self.status().is_some_and(|s| !s.state.is_over());
        lock(&self.stethoscope.control)
            .clone()
            .filter(|_| running)
            .ok_or_else(|| {
                ApiError::new(
                    "NO_CALL",
                    "Le stéthoscope s’utilise pendant un appel : aucun appel en cours.",
                )
            })
    }

    /// Opens the input `device` (its id, or a part of its name) and sends it to the GP.
    pub async fn stethoscope_start(&self, device: &str) -> Result<StethoscopeStatus, ApiError> {
        let device = device.trim().to_owned();
        if device.is_empty() {
            return Err(ApiError::on_field(
                "STETHOSCOPE_DEVICE_REQUIRED",
                "device",
                "Choisissez l’entrée audio du stéthoscope.",
            ));
        }
        let control = self.stethoscope_control()?;
        let name = device.clone();
        let input = tokio::task::spawn_blocking(move || StethoscopeInput::open(&name))
            .await
            .map_err(|_| ApiError::new("INTERNAL", "Ouverture du stéthoscope interrompue."))?
            .map_err(|e| {
                self.journal("DEVICE_FAILED", &format!("stethoscope={}", e.code()));
                ApiError::new(
                    e.code(),
                    format!(
                        "Le stéthoscope « {device} » ne répond pas ({}). Vérifiez qu’il est branché, puis réessayez.",
                        e.code()
                    ),
                )
            })?;
        control.set_source(Some(Box::new(Tap {
            input: Box::new(input),
            meter: Meter::new(METER_WINDOW),
            observer: self.observer(),
            recorder: Arc::clone(&self.stethoscope.recorder),
        })));
        self.journal("STETHOSCOPE_ON", "");
        self.send_stethoscope_state(true).await;
        Ok(self.stethoscope_changed(|s| {
            s.on = true;
            s.requested = false;
            s.device = Some(device);
        }))
    }

    /// Stops sending the stethoscope (the GP hears silence) and closes its input.
    pub async fn stethoscope_stop(&self) -> Result<StethoscopeStatus, ApiError> {
        let control = self.stethoscope_control()?;
        control.set_source(None);
        // A clip cannot go on without sound.
        lock(&self.stethoscope.recorder).take();
        self.journal("STETHOSCOPE_OFF", "");
        self.send_stethoscope_state(false).await;
        Ok(self.stethoscope_changed(|s| s.on = false))
    }

    /// The bytes of a clip of the record (an audited read), for the nurse to replay it.
    pub fn stethoscope_clip(&self, attachment_id: &str) -> Result<Vec<u8>, ApiError> {
        self.station.with_session(|ctx| {
            Ok(ctx
                .store
                .attachment_bytes(&ctx.actor, ctx.now, attachment_id)?)
        })
    }

    /// The stethoscope clips kept in the record of a consultation, oldest first.
    pub fn stethoscope_clips(&self, consultation_id: &str) -> Result<Vec<StoredClip>, ApiError> {
        self.station.with_session(|ctx| {
            Ok(ctx
                .store
                .attachments(consultation_id)?
                .into_iter()
                .filter(|a| a.kind == "stethoscopeClip")
                .map(|a| StoredClip {
                    seconds: a
                        .meta
                        .get("seconds")
                        .and_then(|v| v.as_f64())
                        .unwrap_or(0.0),
                    attachment_id: a.id,
                    size: a.size,
                    created_at: a.created_at,
                })
                .collect())
        })
    }

    async fn send_stethoscope_state(&self, on: bool) {
        if let Some(json) = message(&DataMessage::StethoscopeState { on }) {
            if let Err(e) = self.send_data(json).await {
                tracing::debug!(code = %e.code, "stethoscope state not sent");
            }
        }
    }

    /// The data channel (re)opened: the GP's console learns whether the stethoscope is on.
    pub(crate) async fn stethoscope_channel_open(&self) {
        if self.stethoscope.status().on {
            self.send_stethoscope_state(true).await;
        }
    }

    /// Handles a stethoscope message from the GP; false when `text` is not one.
    pub(crate) fn stethoscope_received(self: &Arc<Self>, text: &str) -> bool {
        match serde_json::from_str::<DataMessage>(text) {
            Ok(DataMessage::StethoscopeRequest) => {
                self.journal("STETHOSCOPE_REQUESTED", "");
                self.stethoscope_changed(|s| s.requested = !s.on);
                true
            }
            Ok(DataMessage::ClipRequest { clip_id, seconds }) => {
                let calls = Arc::clone(self);
                tokio::spawn(async move { calls.record_clip(clip_id, seconds).await });
                true
            }
            _ => false,
        }
    }

    async fn clip_state(&self, clip: &ClipInfo) {
        let m = DataMessage::ClipState {
            clip_id: clip.clip_id.clone(),
            state: clip.state.clone(),
            seconds: clip.seconds,
            code: clip.code.clone(),
        };
        if let Some(json) = message(&m) {
            let _ = self.send_data(json).await;
        }
        let clip = clip.clone();
        self.stethoscope_changed(|s| {
            match s.clips.iter_mut().find(|c| c.clip_id == clip.clip_id) {
                Some(c) => *c = clip,
                None => s.clips.push(clip),
            }
        });
    }

    /// Records a clip of `seconds` at the GP's request, stores it, and sends it back.
    async fn record_clip(self: Arc<Self>, clip_id: String, seconds: u32) {
        let mut clip = ClipInfo {
            clip_id: clip_id.chars().take(64).collect(),
            state: "recording".into(),
            seconds: f64::from(seconds),
            attachment_id: None,
            code: None,
            at: Utc::now(),
        };
        let refused = if !(CLIP_MIN_SECONDS..=CLIP_MAX_SECONDS).contains(&seconds) {
            Some("CLIP_INVALID_LENGTH")
        } else if !self.stethoscope.status().on {
            Some("STETHOSCOPE_OFF")
        } else {
            None
        };
        let (tx, rx) = oneshot::channel();
        let armed = refused.is_none() && {
            let mut slot = lock(&self.stethoscope.recorder);
            let free = slot.is_none();
            if free {
                *slot = Some(Recorder {
                    wanted: (SAMPLE_RATE * seconds) as usize,
                    samples: Vec::with_capacity((SAMPLE_RATE * seconds) as usize),
                    done: tx,
                });
            }
            free
        };
        if !armed {
            clip.state = "failed".into();
            clip.code = Some(refused.unwrap_or("CLIP_BUSY").into());
            self.clip_state(&clip).await;
            return;
        }
        self.clip_state(&clip).await;
        let wait = Duration::from_secs(u64::from(seconds) + 10);
        let samples = match tokio::time::timeout(wait, rx).await {
            Ok(Ok(samples)) => samples,
            _ => {
                lock(&self.stethoscope.recorder).take();
                clip.state = "failed".into();
                clip.code = Some("CLIP_INTERRUPTED".into());
                self.journal(
                    "CLIP_FAILED",
                    &format!("clip={} code=CLIP_INTERRUPTED", clip.clip_id),
                );
                self.clip_state(&clip).await;
                return;
            }
        };
        let actual = samples.len() as f64 / f64::from(SAMPLE_RATE);
        let wav = relais_media::wav::encode(&samples, SAMPLE_RATE);
        match self.store_clip(&clip.clip_id, actual, wav.clone()) {
            Ok(attachment_id) => {
                self.journal(
                    "CLIP_STORED",
                    &format!(
                        "clip={} attachment={attachment_id} seconds={actual:.1}",
                        clip.clip_id
                    ),
                );
                clip.attachment_id = Some(attachment_id);
                clip.seconds = actual;
                self.send_clip(&clip.clip_id, &wav).await;
                clip.state = "stored".into();
            }
            Err(e) => {
                self.journal(
                    "CLIP_FAILED",
                    &format!("clip={} code={}", clip.clip_id, e.code),
                );
                clip.state = "failed".into();
                clip.code = Some(e.code);
            }
        }
        self.clip_state(&clip).await;
    }

    /// Stores a clip in the record: by the signed-in nurse, or by the station itself when
    /// her session is locked (the clip must not be lost).
    fn store_clip(&self, clip_id: &str, seconds: f64, bytes: Vec<u8>) -> Result<String, ApiError> {
        let consultation_id = self
            .status()
            .map(|s| s.consultation_id)
            .ok_or_else(|| ApiError::new("NO_CALL", "Aucun appel en cours."))?;
        let new = NewAttachment {
            consultation_id,
            kind: "stethoscopeClip".into(),
            mime: CLIP_MIME.into(),
            label: Some("Stéthoscope".into()),
            meta: serde_json::json!({
                "clipId": clip_id,
                "seconds": seconds,
                "sampleRate": SAMPLE_RATE,
                "channels": 1,
                "bitsPerSample": 16,
                "requestedBy": "gp",
            }),
            bytes,
        };
        let by_nurse = self
            .station
            .with_session(|ctx| Ok(ctx.store.add_attachment(&ctx.actor, ctx.now, &new)?));
        let row = match by_nurse {
            Ok(row) => row,
            Err(e) if e.code == "NOT_SIGNED_IN" || e.code == "SESSION_LOCKED" => self
                .station
                .with_store(|store, now| store.add_attachment(&Actor::system(), now, &new))?,
            Err(e) => return Err(e),
        };
        Ok(row.id)
    }

    async fn send_clip(&self, clip_id: &str, wav: &[u8]) {
        let count = wav.len().div_ceil(CLIP_CHUNK_BYTES) as u32;
        for (index, piece) in wav.chunks(CLIP_CHUNK_BYTES).enumerate() {
            let m = DataMessage::ClipChunk {
                clip_id: clip_id.to_owned(),
                mime: CLIP_MIME.into(),
                index: index as u32,
                count,
                data: base64::engine::general_purpose::STANDARD.encode(piece),
            };
            let Some(json) = message(&m) else { return };
            if let Err(e) = self.send_data(json).await {
                tracing::warn!(code = %e.code, "clip piece not sent");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relais_media::ToneSource;

    struct Levels(Mutex<Vec<StethoscopeLevel>>);
    impl CallObserver for Levels {
        fn status(&self, _status: &super::super::CallStatus) {}
        fn remote_jpeg(&self, _jpeg: Vec<u8>) {}
        fn stethoscope_level(&self, level: &StethoscopeLevel) {
            lock(&self.0).push(*level);
        }
    }

    #[test]
    fn the_tap_meters_and_records_the_samples_it_passes_on() {
        let levels = Arc::new(Levels(Mutex::new(Vec::new())));
        let recorder: SharedRecorder = Arc::default();
        let (tx, mut rx) = oneshot::channel();
        *lock(&recorder) = Some(Recorder {
            wanted: 48_000,
            samples: Vec::new(),
            done: tx,
        });
        let mut tap = Tap {
            input: Box::new(ToneSource::new(100.0, 0.5).unpaced()),
            meter: Meter::new(METER_WINDOW),
            observer: levels.clone(),
            recorder: Arc::clone(&recorder),
        };
        let mut sent = Vec::new();
        for _ in 0..60 {
            sent.extend(tap.next_chunk().unwrap());
        }
        let clip = rx.try_recv().unwrap();
        assert_eq!(clip.len(), 48_000);
        assert_eq!(clip[..], sent[..48_000]);
        assert!(lock(&recorder).is_none());
        let levels = lock(&levels.0);
        assert_eq!(levels.len(), 12);
        assert!((levels[0].peak_dbfs + 6.0).abs() < 0.3, "{:?}", levels[0]);
        assert!(!levels[0].clipped);
    }
}

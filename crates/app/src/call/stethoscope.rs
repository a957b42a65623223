//! The stethoscope during a call: an audio input chosen by the nurse, sent to the GP on
//! its own track (see `relais_rtc::stethoscope`), metered for the nurse (peak and RMS
//! dBFS ten times a second, clipping), and recorded in clips at the GP's request: the GP
//! starts a clip and stops it; the bounds (10 to 30 s, `relais_core::auscultation`) are
//! applied here and told to the console.
//!
//! The chosen input is remembered for the station ([`INPUT_KEY`]); unplugged during the
//! call, it is reopened as soon as it is back (see `steth_watch`).
//!
//! A clip is recorded here, from the very samples sent (no second generation of Opus),
//! kept as WAV 48 kHz mono 16-bit (lossless, plays everywhere), stored in the record as a
//! `stethoscopeClip` attachment, then sent to the GP over the data channel in pieces so
//! both sides can replay it.
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use relais_core::auscultation::{self, ClipError, CLIP_BOUNDS};
use relais_media::meter::{Level, Meter};
use relais_media::steth_input::{list_inputs, StethoscopeInput};
use relais_media::{AudioSource, MediaError, SAMPLE_RATE};
use relais_protocol::data::DataMessage;
use relais_rtc::StethoscopeControl;
use relais_store::{Actor, NewAttachment};
use serde::Serialize;
use tokio::sync::oneshot;

use super::{CallObserver, Calls, DeviceNotice, MediaDevice};
use crate::error::ApiError;

pub use relais_core::auscultation::{CLIP_MAX_SECONDS, CLIP_MIN_SECONDS};
/// Setting key of the stethoscope's input (its id), remembered for the station.
pub const INPUT_KEY: &str = "stethoscope.input";
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
    /// Length, seconds (the longest while recording, actual once stored).
    pub seconds: f64,
    /// Shortest length, seconds (the GP cannot stop it before).
    pub min_seconds: u32,
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
    /// The input in use (or last used, or remembered for this station).
    pub device: Option<String>,
    /// The GP asked for the stethoscope and it is not on yet.
    pub requested: bool,
    /// On, but its input is unplugged or silent: waited for (the GP hears silence).
    pub lost: bool,
    /// What happened to the input, in French (`STETHOSCOPE_LOST`, `STETHOSCOPE_RECOVERED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<DeviceNotice>,
    /// Clips of this call, oldest first.
    pub clips: Vec<ClipInfo>,
}

/// A clip being recorded from the stethoscope's samples.
struct Recorder {
    clip_id: String,
    /// Stops by itself at this length, seconds.
    limit: u32,
    samples: Vec<i16>,
    done: oneshot::Sender<Vec<i16>>,
}

impl Recorder {
    fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(SAMPLE_RATE)
    }

    /// Adds samples up to the limit; true once complete.
    fn push(&mut self, chunk: &[i16]) -> bool {
        let wanted = (SAMPLE_RATE * self.limit.min(CLIP_MAX_SECONDS)) as usize;
        let room = wanted.saturating_sub(self.samples.len());
        self.samples
            .extend_from_slice(&chunk[..room.min(chunk.len())]);
        auscultation::is_complete(self.seconds(), self.limit)
    }

    fn finish(self) {
        let _ = self.done.send(self.samples);
    }
}

type SharedRecorder = Arc<Mutex<Option<Recorder>>>;
/// Why the input last failed (its code), set by the tap, taken by the watch.
pub(super) type SharedFailure = Arc<Mutex<Option<String>>>;

/// Stops the clip `clip_id` being recorded: refused before its shortest length; nothing to
/// do when it is no longer recorded (it stopped by itself).
fn stop_recorder(recorder: &SharedRecorder, clip_id: &str) -> Result<(), ClipError> {
    let mut slot = lock(recorder);
    match slot.as_ref() {
        Some(r) if r.clip_id == clip_id => auscultation::may_stop(r.seconds())?,
        _ => return Ok(()),
    }
    if let Some(r) = slot.take() {
        r.finish();
    }
    Ok(())
}

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
    failure: SharedFailure,
}

/// The input failed (`code`): a clip long enough is kept as it is, a shorter one is
/// dropped (`CLIP_INTERRUPTED`); the watch learns why.
fn input_failed(recorder: &SharedRecorder, failure: &SharedFailure, code: &str) {
    *lock(failure) = Some(code.to_owned());
    let mut slot = lock(recorder);
    let long_enough = slot
        .as_ref()
        .is_some_and(|r| auscultation::may_stop(r.seconds()).is_ok());
    if let Some(r) = slot.take() {
        if long_enough {
            r.finish();
        }
    }
}

impl Tap {
    fn failed(&self, e: &MediaError) {
        input_failed(&self.recorder, &self.failure, e.code());
    }
}

impl Stethoscope {
    /// The input is no longer listed (a sound server may have moved its stream to another
    /// input, e.g. the room's microphone): it stops being sent at once.
    pub(super) fn input_gone(&self) {
        if let Some(c) = lock(&self.control).as_ref() {
            c.set_source(None);
        }
        input_failed(&self.recorder, &self.failure, "DEVICE_NOT_FOUND");
    }
}

impl AudioSource for Tap {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        let chunk = match self.input.next_chunk() {
            Ok(chunk) => chunk,
            Err(e) => {
                self.failed(&e);
                return Err(e);
            }
        };
        if let Some(level) = self.meter.push(&chunk) {
            self.observer.stethoscope_level(&level.into());
        }
        let mut slot = lock(&self.recorder);
        if slot.as_mut().is_some_and(|r| r.push(&chunk)) {
            if let Some(r) = slot.take() {
                r.finish();
            }
        }
        Ok(chunk)
    }
}

/// Opens a stethoscope input by its id (the devices; tests give their own).
pub(super) type Opener =
    Arc<dyn Fn(&str) -> Result<Box<dyn AudioSource>, MediaError> + Send + Sync>;

/// The stethoscope of the station's calls.
pub struct Stethoscope {
    pub(super) control: Mutex<Option<Arc<StethoscopeControl>>>,
    pub(super) status: Mutex<StethoscopeStatus>,
    recorder: SharedRecorder,
    pub(super) failure: SharedFailure,
    pub(super) opener: Opener,
    pub(super) watch: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Default for Stethoscope {
    fn default() -> Self {
        Self {
            control: Mutex::default(),
            status: Mutex::default(),
            recorder: Arc::default(),
            failure: Arc::default(),
            opener: Arc::new(|id: &str| {
                StethoscopeInput::open(id).map(|i| Box::new(i) as Box<dyn AudioSource>)
            }),
            watch: Mutex::default(),
        }
    }
}

impl Stethoscope {
    /// A new call: its track's switches, and a fresh status.
    pub(crate) fn attach(&self, control: Option<Arc<StethoscopeControl>>) {
        *lock(&self.control) = control;
        *lock(&self.status) = StethoscopeStatus::default();
        *lock(&self.recorder) = None;
        *lock(&self.failure) = None;
    }

    /// The call ended: the input is closed and a clip being recorded is dropped.
    pub(crate) fn detach(&self) {
        if let Some(c) = lock(&self.control).take() {
            c.set_source(None);
        }
        if let Some(w) = lock(&self.watch).take() {
            w.abort();
        }
        *lock(&self.recorder) = None;
        let mut s = lock(&self.status);
        s.on = false;
        s.lost = false;
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
    /// The stethoscope as the call screen shows it (its input: the one in use, else the
    /// one remembered for this station).
    pub fn stethoscope_status(&self) -> StethoscopeStatus {
        let mut status = self.stethoscope.status();
        if status.device.is_none() {
            status.device = self.saved_stethoscope_input();
        }
        status
    }

    /// The input remembered for this station (read by the system: works while locked).
    pub fn saved_stethoscope_input(&self) -> Option<String> {
        self.station
            .with_store(|store, _| store.setting(INPUT_KEY))
            .ok()
            .flatten()
            .and_then(|v| v.as_str().map(str::to_owned))
    }

    /// Remembers `device` as this station's stethoscope (by the nurse, or by the station
    /// while her session is locked).
    fn remember_stethoscope_input(&self, device: &str) {
        if self.saved_stethoscope_input().as_deref() == Some(device) {
            return;
        }
        let value = serde_json::Value::String(device.to_owned());
        let saved = self
            .station
            .with_session(|ctx| {
                Ok(ctx
                    .store
                    .set_setting(&ctx.actor, ctx.now, INPUT_KEY, &value)?)
            })
            .or_else(|_| {
                self.station.with_store(|store, now| {
                    store.set_setting(&Actor::system(), now, INPUT_KEY, &value)
                })
            });
        if let Err(e) = saved {
            tracing::warn!(code = %e.code, "stethoscope input not remembered");
        }
    }

    pub(super) fn stethoscope_changed(
        &self,
        f: impl FnOnce(&mut StethoscopeStatus),
    ) -> StethoscopeStatus {
        let status = {
            let mut s = lock(&self.stethoscope.status);
            f(&mut s);
            s.clone()
        };
        self.observer.stethoscope(&status);
        status
    }

    /// The input `device`, wrapped so that the meter and the clips see its samples.
    pub(super) fn stethoscope_tap(&self, input: Box<dyn AudioSource>) -> Box<dyn AudioSource> {
        *lock(&self.stethoscope.failure) = None;
        Box::new(Tap {
            input,
            meter: Meter::new(METER_WINDOW),
            observer: self.observer(),
            recorder: Arc::clone(&self.stethoscope.recorder),
            failure: Arc::clone(&self.stethoscope.failure),
        })
    }

    pub(super) fn stethoscope_control(&self) -> Result<Arc<StethoscopeControl>, ApiError> {
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
    pub async fn stethoscope_start(
        self: &Arc<Self>,
        device: &str,
    ) -> Result<StethoscopeStatus, ApiError> {
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
        let open = Arc::clone(&self.stethoscope.opener);
        let input = tokio::task::spawn_blocking(move || open(&name))
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
        control.set_source(Some(self.stethoscope_tap(input)));
        self.remember_stethoscope_input(&device);
        self.journal("STETHOSCOPE_ON", "");
        self.send_stethoscope_state(true).await;
        let status = self.stethoscope_changed(|s| {
            s.on = true;
            s.lost = false;
            s.notice = None;
            s.requested = false;
            s.device = Some(device);
        });
        self.watch_stethoscope();
        Ok(status)
    }

    /// Stops sending the stethoscope (the GP hears silence) and closes its input.
    pub async fn stethoscope_stop(&self) -> Result<StethoscopeStatus, ApiError> {
        let control = self.stethoscope_control()?;
        if let Some(w) = lock(&self.stethoscope.watch).take() {
            w.abort();
        }
        control.set_source(None);
        // A clip cannot go on without sound.
        lock(&self.stethoscope.recorder).take();
        self.journal("STETHOSCOPE_OFF", "");
        self.send_stethoscope_state(false).await;
        Ok(self.stethoscope_changed(|s| {
            s.on = false;
            s.lost = false;
            s.notice = None;
        }))
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

    /// Tells the GP's console whether sound is sent, and the clip lengths accepted.
    pub(super) async fn send_stethoscope_state(&self, on: bool) {
        let state = DataMessage::StethoscopeState {
            on,
            clip: Some(CLIP_BOUNDS),
        };
        if let Some(json) = message(&state) {
            if let Err(e) = self.send_data(json).await {
                tracing::debug!(code = %e.code, "stethoscope state not sent");
            }
        }
    }

    /// The data channel (re)opened: the GP's console learns whether the stethoscope is on.
    pub(crate) async fn stethoscope_channel_open(&self) {
        let s = self.stethoscope.status();
        if s.on && !s.lost {
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
            Ok(DataMessage::ClipStop { clip_id }) => {
                if let Err(e) = stop_recorder(&self.stethoscope.recorder, &clip_id) {
                    let calls = Arc::clone(self);
                    tokio::spawn(async move { calls.clip_stop_refused(clip_id, e).await });
                }
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

    /// The GP asked to stop a clip too early: it goes on, and the console is told why.
    async fn clip_stop_refused(&self, clip_id: String, e: ClipError) {
        let recording = lock(&self.stethoscope.status)
            .clips
            .iter()
            .find(|c| c.clip_id == clip_id && c.state == "recording")
            .map(|c| c.seconds);
        let Some(seconds) = recording else { return };
        let m = DataMessage::ClipState {
            clip_id,
            state: "recording".into(),
            seconds,
            code: Some(e.code().into()),
        };
        if let Some(json) = message(&m) {
            let _ = self.send_data(json).await;
        }
    }

    /// Records a clip at the GP's request until the GP stops it (not before 10 s) or it
    /// reaches `seconds` (at most 30 s), stores it, and sends it back.
    async fn record_clip(self: Arc<Self>, clip_id: String, seconds: u32) {
        let clip_id: String = clip_id.chars().take(64).collect();
        let mut clip = ClipInfo {
            clip_id: clip_id.clone(),
            state: "recording".into(),
            seconds: f64::from(seconds),
            min_seconds: CLIP_MIN_SECONDS,
            attachment_id: None,
            code: None,
            at: Utc::now(),
        };
        let status = self.stethoscope.status();
        let refused = match auscultation::clip_limit(seconds) {
            Err(e) => Some(e.code()),
            Ok(_) if !status.on || status.lost => Some("STETHOSCOPE_OFF"),
            Ok(_) => None,
        };
        let (tx, rx) = oneshot::channel();
        let armed = refused.is_none() && {
            let mut slot = lock(&self.stethoscope.recorder);
            let free = slot.is_none();
            if free {
                *slot = Some(Recorder {
                    clip_id,
                    limit: seconds,
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
            clip_id: "c".into(),
            limit: 10,
            samples: Vec::new(),
            done: tx,
        });
        let mut tap = Tap {
            input: Box::new(ToneSource::new(100.0, 0.5).unpaced()),
            meter: Meter::new(METER_WINDOW),
            observer: levels.clone(),
            recorder: Arc::clone(&recorder),
            failure: Arc::default(),
        };
        let mut sent = Vec::new();
        for _ in 0..520 {
            sent.extend(tap.next_chunk().unwrap());
        }
        let clip = rx.try_recv().unwrap();
        assert_eq!(clip.len(), 480_000);
        assert_eq!(clip[..], sent[..480_000]);
        assert!(lock(&recorder).is_none());
        let levels = lock(&levels.0);
        assert_eq!(levels.len(), 104);
        assert!((levels[0].peak_dbfs + 6.0).abs() < 0.3, "{:?}", levels[0]);
        assert!(!levels[0].clipped);
    }

    /// A source that gives `chunks` chunks of a tone, then fails as an unplugged device.
    struct Unplugged {
        tone: ToneSource,
        left: usize,
    }
    impl AudioSource for Unplugged {
        fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
            if self.left == 0 {
                return Err(MediaError::DeviceFailed("débranché".into()));
            }
            self.left -= 1;
            self.tone.next_chunk()
        }
    }

    fn tap_over(chunks: usize, recorder: &SharedRecorder, failure: &SharedFailure) -> Tap {
        Tap {
            input: Box::new(Unplugged {
                tone: ToneSource::new(100.0, 0.5).unpaced(),
                left: chunks,
            }),
            meter: Meter::new(METER_WINDOW),
            observer: Arc::new(Levels(Mutex::new(Vec::new()))),
            recorder: Arc::clone(recorder),
            failure: Arc::clone(failure),
        }
    }

    fn arm(recorder: &SharedRecorder, limit: u32) -> oneshot::Receiver<Vec<i16>> {
        let (tx, rx) = oneshot::channel();
        *lock(recorder) = Some(Recorder {
            clip_id: "c1".into(),
            limit,
            samples: Vec::new(),
            done: tx,
        });
        rx
    }

    #[test]
    fn the_gp_stops_a_clip_after_10_seconds_not_before() {
        let recorder: SharedRecorder = Arc::default();
        let failure: SharedFailure = Arc::default();
        let mut rx = arm(&recorder, CLIP_MAX_SECONDS);
        // 5 s: too short, the clip goes on.
        let mut tap = tap_over(10_000, &recorder, &failure);
        for _ in 0..250 {
            tap.next_chunk().unwrap();
        }
        assert_eq!(stop_recorder(&recorder, "c1"), Err(ClipError::TooShort));
        assert!(lock(&recorder).is_some());
        // Another clip's stop changes nothing.
        assert_eq!(stop_recorder(&recorder, "other"), Ok(()));
        assert!(lock(&recorder).is_some());
        // 12 s: stopped, with every sample so far.
        for _ in 0..350 {
            tap.next_chunk().unwrap();
        }
        assert_eq!(stop_recorder(&recorder, "c1"), Ok(()));
        let clip = rx.try_recv().unwrap();
        assert_eq!(clip.len(), 600 * 960);
        assert!(lock(&recorder).is_none());
        // A stop that comes after the end is harmless.
        assert_eq!(stop_recorder(&recorder, "c1"), Ok(()));
    }

    #[test]
    fn a_clip_stops_by_itself_at_30_seconds() {
        let recorder: SharedRecorder = Arc::default();
        let failure: SharedFailure = Arc::default();
        let mut rx = arm(&recorder, CLIP_MAX_SECONDS);
        let mut tap = tap_over(10_000, &recorder, &failure);
        for _ in 0..1_499 {
            tap.next_chunk().unwrap();
        }
        assert!(rx.try_recv().is_err(), "not complete before 30 s");
        tap.next_chunk().unwrap();
        assert_eq!(rx.try_recv().unwrap().len(), 30 * 48_000);
    }

    #[test]
    fn an_unplugged_input_keeps_a_long_clip_and_drops_a_short_one() {
        let recorder: SharedRecorder = Arc::default();
        let failure: SharedFailure = Arc::default();
        // Unplugged at 12 s: the 12 s are kept.
        let mut rx = arm(&recorder, CLIP_MAX_SECONDS);
        let mut tap = tap_over(600, &recorder, &failure);
        while tap.next_chunk().is_ok() {}
        assert_eq!(rx.try_recv().unwrap().len(), 600 * 960);
        assert_eq!(lock(&failure).as_deref(), Some("DEVICE_FAILED"));
        // Unplugged at 4 s: nothing kept, the clip is interrupted.
        *lock(&failure) = None;
        let mut rx = arm(&recorder, CLIP_MAX_SECONDS);
        let mut tap = tap_over(200, &recorder, &failure);
        while tap.next_chunk().is_ok() {}
        assert!(matches!(
            rx.try_recv(),
            Err(oneshot::error::TryRecvError::Closed)
        ));
        assert!(lock(&recorder).is_none());
        assert_eq!(lock(&failure).as_deref(), Some("DEVICE_FAILED"));
    }

    #[test]
    fn an_input_gone_from_the_list_stops_a_short_clip() {
        let steth = Stethoscope::default();
        let mut rx = arm(&steth.recorder, CLIP_MAX_SECONDS);
        let mut tap = tap_over(10_000, &steth.recorder, &steth.failure);
        for _ in 0..100 {
            tap.next_chunk().unwrap();
        }
        steth.input_gone();
        assert!(matches!(
            rx.try_recv(),
            Err(oneshot::error::TryRecvError::Closed)
        ));
        assert_eq!(lock(&steth.failure).as_deref(), Some("DEVICE_NOT_FOUND"));
    }
}

//! The call of a consultation: sent to the hub, waiting for the GP, then the media link,
//! its recoveries and its end, as the nurse sees it ([`CallStatus`]) and as the record
//! keeps it (the call's journal, in the store and the audit trail).
//!
//! One call at a time per station. [`Calls`] owns it; the Tauri shell forwards the call
//! commands to it and gives it a [`CallObserver`] that pushes status changes and the GP's
//! video to the webview.
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use relais_media::VideoFrame;
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::station::Station;

pub mod audio;
pub mod cameras;
pub mod check;
pub mod devices;
mod frames;
mod media;
mod run;
mod status;
mod steth_watch;
mod stethoscope;
pub mod synthetic_audio;

pub use audio::AudioStatus;
pub use cameras::{CameraStatus, StillInfo};
pub use check::CheckStatus;
pub use devices::{DeviceChoice, DeviceNotice, DevicesView};
pub use media::{media_devices, MediaDevice, MediaDevices, MediaSource};
pub use status::{
    message_fr, quality_level, CallError, CallEvent, CallState, CallStatus, ChatLine, Quality,
};
pub use stethoscope::{
    stethoscope_inputs, ClipInfo, StethoscopeLevel, StethoscopeStatus, StoredClip,
    CLIP_MAX_SECONDS, CLIP_MIN_SECONDS,
};

/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 1000;

/// Receives what the call screen shows. Implemented by the Tauri shell (events, channel)
/// and by tests.
pub trait CallObserver: Send + Sync + 'static {
    /// The status changed.
    fn status(&self, status: &CallStatus);
    /// An image of the GP's video, JPEG, at most 15 a second.
    fn remote_jpeg(&self, jpeg: Vec<u8>);
    /// Every decoded frame of the GP's video (tests read the frame counter from it).
    fn remote_frame(&self, _frame: &VideoFrame) {}
    /// Decoded audio of the GP, 48 kHz mono (tests detect a tone in it).
    fn remote_audio(&self, _samples: &[i16]) {}
    /// A set-up duration, from the first offer: `connected`, `first_remote_video`,
    /// `first_remote_audio` (benchmarks).
    fn timing(&self, _what: &'static str, _after: std::time::Duration) {}
    /// The stethoscope's status changed (on, off, requested, clips).
    fn stethoscope(&self, _status: &StethoscopeStatus) {}
    /// The stethoscope's level, ten times a second while it is on (the nurse's meter).
    fn stethoscope_level(&self, _level: &StethoscopeLevel) {}
}

/// What the nurse asks of a running call.
#[derive(Debug)]
pub(crate) enum Command {
    Mute(bool),
    Camera(bool),
    Chat(String),
    HangUp,
    /// A reading to push to the GP's panel (JSON of `relais_protocol::data::DataMessage`).
    Data(String),
}

struct Current {
    status: CallStatus,
    commands: Option<mpsc::Sender<Command>>,
}

/// The station's call (one at a time).
pub struct Calls {
    station: Arc<Station>,
    observer: Arc<dyn CallObserver>,
    source: MediaSource,
    current: Mutex<Option<Current>>,
    cameras: Mutex<cameras::CameraSlot>,
    audio: Mutex<audio::AudioSlot>,
    check: Mutex<Option<check::Running>>,
    stethoscope: stethoscope::Stethoscope,
}

impl Calls {
    /// The calls of `station`, with media from `source`, shown through `observer`.
    pub fn new(
        station: Arc<Station>,
        source: MediaSource,
        observer: Arc<dyn CallObserver>,
    ) -> Arc<Self> {
        Arc::new(Self {
            station,
            observer,
            source,
            current: Mutex::new(None),
            cameras: Mutex::default(),
            audio: Mutex::default(),
            check: Mutex::default(),
            stethoscope: stethoscope::Stethoscope::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Option<Current>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current or last call.
    pub fn status(&self) -> Option<CallStatus> {
        self.lock().as_ref().map(|c| c.status.clone())
    }

    /// Sends a requested consultation to the hub and runs its call until it ends. Calling
    /// it again for the same consultation after a failure retries (same hub request).
    pub async fn start(self: &Arc<Self>, consultation_id: &str) -> Result<CallStatus, ApiError> {
        {
            let mut current = self.lock();
            if let Some(c) = current.as_ref() {
                if !c.status.state.is_over() {
                    if c.status.consultation_id == consultation_id {
                        return Ok(c.status.clone());
                    }
                    return Err(ApiError::new(
                        "CALL_IN_PROGRESS",
                        "Un appel est déjà en cours pour une autre consultation. Terminez-le d’abord.",
                    ));
                }
            }
            *current = Some(Current {
                status: CallStatus::new(consultation_id, Utc::now()),
                commands: None,
            });
        }
        self.publish();
        let sent = match self.station.send_to_hub(consultation_id).await {
            Ok(sent) => sent,
            Err(e) => {
                self.update(|s| {
                    s.error = Some(CallError {
                        code: e.code.clone(),
                        message: e.message.clone(),
                    });
                    s.set_state(CallState::Failed, Utc::now());
                });
                return Err(e);
            }
        };
        self.journal(
            "REQUESTED",
            &format!("hub_consultation={}", sent.ticket.consultation_id),
        );
        let (tx, rx) = mpsc::channel(64);
        self.update(|s| s.set_state(CallState::WaitingGp, Utc::now()));
        if let Some(c) = self.lock().as_mut() {
            c.commands = Some(tx);
        }
        let calls = Arc::clone(self);
        tokio::spawn(async move { run::run(calls, sent, rx).await });
        self.status()
            .ok_or_else(|| ApiError::new("INTERNAL", "Appel introuvable."))
    }

    /// Mutes or unmutes the microphone.
    pub async fn set_muted(&self, muted: bool) -> Result<CallStatus, ApiError> {
        self.command(Command::Mute(muted)).await?;
        self.changed(|s| s.muted = muted)
    }

    /// Turns the camera on or off.
    pub async fn set_camera(&self, on: bool) -> Result<CallStatus, ApiError> {
        self.command(Command::Camera(on)).await?;
        self.changed(|s| s.camera_on = on)
    }

    /// Sends a chat line to the GP.
    pub async fn send_chat(&self, text: &str) -> Result<CallStatus, ApiError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_CHAT_CHARS {
            return Err(ApiError::on_field(
                "CHAT_INVALID",
                "text",
                format!("Le message doit compter de 1 à {MAX_CHAT_CHARS} caractères."),
            ));
        }
        self.command(Command::Chat(text.to_string())).await?;
        self.status()
            .ok_or_else(|| ApiError::new("NO_CALL", "Aucun appel en cours."))
    }

    /// Sends a data-channel message (a reading) to the GP.
    pub async fn send_data(&self, json: String) -> Result<(), ApiError> {
        self.command(Command::Data(json)).await
    }

    /// Withdraws the request of a consultation no GP has joined yet, and ends its call.
    /// Nothing to do when the consultation has no call here.
    pub async fn cancel(&self, consultation_id: &str) -> Result<(), ApiError> {
        let running = self
            .status()
            .filter(|s| s.consultation_id == consultation_id && !s.state.is_over());
        let Some(status) = running else {
            return Ok(());
        };
        if matches!(
            status.state,
            CallState::Connecting | CallState::Connected | CallState::Reconnecting
        ) {
            return Err(ApiError::new(
                "CALL_IN_PROGRESS",
                "Le médecin a rejoint l’appel : raccrochez plutôt que d’annuler.",
            ));
        }
        if let Some(hub_id) = self.station.hub_consultation(consultation_id)? {
            let client = self.station.hub_client()?;
            client.cancel(&hub_id).await?;
        }
        self.journal("CANCELLED", "by=station");
        let commands = self.lock().as_mut().and_then(|c| c.commands.take());
        if let Some(tx) = commands {
            let _ = tx.send(Command::HangUp).await;
        }
        self.update(|s| s.set_state(CallState::Ended, Utc::now()));
        Ok(())
    }

    /// The GP joined: the consultation moves to "in call" in the record.
    pub(crate) fn consultation_joined(&self) {
        let Some(id) = self.status().map(|s| s.consultation_id) else {
            return;
        };
        if let Err(e) = self.station.join_call(&id) {
            tracing::warn!(code = %e.code, "consultation not moved to in call");
        }
    }

    /// A signed document arrived on the data channel: checked, stored, noted in the journal
    /// (`DOCUMENT_RECEIVED`, or `DOCUMENT_REFUSED` with the code) so the call screen shows it.
    pub(crate) fn document_received(&self, doc: &relais_protocol::documents::SignedDocument) {
        use crate::documents::ReceivedVia;
        match self.station.receive_document(doc, ReceivedVia::DataChannel) {
            Ok(true) => self.journal(
                "DOCUMENT_RECEIVED",
                &format!(
                    "document={} kind={} version={}",
                    doc.id,
                    doc.kind.code(),
                    doc.version
                ),
            ),
            Ok(false) => {}
            Err(e) => self.journal(
                "DOCUMENT_REFUSED",
                &format!("document={} code={}", doc.id, e.code),
            ),
        }
    }

    /// Ends the call on both sides.
    pub async fn hang_up(&self) -> Result<CallStatus, ApiError> {
        self.command(Command::HangUp).await?;
        // The run loop records the end; wait for it briefly so the answer shows it.
        for _ in 0..50 {
            if self.status().is_some_and(|s| s.state.is_over()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        self.status()
            .ok_or_else(|| ApiError::new("NO_CALL", "Aucun appel en cours."))
    }

    async fn command(&self, command: Command) -> Result<(), ApiError> {
        let tx = self
            .lock()
            .as_ref()
            .filter(|c| !c.status.state.is_over())
            .and_then(|c| c.commands.clone())
            .ok_or_else(|| ApiError::new("NO_CALL", "Aucun appel en cours."))?;
        tx.send(command)
            .await
            .map_err(|_| ApiError::new("NO_CALL", "Aucun appel en cours."))
    }

    fn changed(&self, f: impl FnOnce(&mut CallStatus)) -> Result<CallStatus, ApiError> {
        self.update(f);
        self.status()
            .ok_or_else(|| ApiError::new("NO_CALL", "Aucun appel en cours."))
    }

    /// Changes the status and tells the observer.
    pub(crate) fn update(&self, f: impl FnOnce(&mut CallStatus)) {
        if let Some(c) = self.lock().as_mut() {
            f(&mut c.status);
        }
        self.publish();
    }

    fn publish(&self) {
        if let Some(status) = self.status() {
            self.observer.status(&status);
        }
    }

    /// Records a journal entry: in the store (and its audit), and on the call screen.
    pub(crate) fn journal(&self, kind: &str, detail: &str) {
        let Some(id) = self.status().map(|s| s.consultation_id) else {
            return;
        };
        self.station.record_call_event(&id, kind, detail);
        let event = CallEvent {
            at: Utc::now(),
            kind: kind.to_string(),
            message: message_fr(kind).to_string(),
        };
        self.update(|s| s.events.push(event));
    }

    pub(crate) fn observer(&self) -> Arc<dyn CallObserver> {
        Arc::clone(&self.observer)
    }

    pub(crate) fn source(&self) -> &MediaSource {
        &self.source
    }
}

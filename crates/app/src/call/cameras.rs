//! The cameras of a call: the one sent is switched without renegotiation (a
//! [`VideoSwitch`] feeds the encoder), by the nurse or at the GP's request; stills at the
//! camera's full resolution go to the GP over the data channel and into the record.
//!
//! A camera that is missing, busy or unplugged never stops the call: the GP gets black
//! frames and a `cameraState` notice, the journal gets `DEVICE_FAILED`, and the camera is
//! looked for every [`RETRY_EVERY`] until it is back (`DEVICE_RECOVERED`).
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::Utc;
use relais_media::{SwitchFailure, VideoFormat, VideoSwitch};
use relais_protocol::camera::{CameraMessage, CameraRole, STILL_CHUNK_BYTES};
use relais_rtc::Session;
use relais_store::{Actor, NewAttachment};
use serde::Serialize;

use super::devices::{camera_error_fr, list_devices, open_camera, resolve, DeviceNotice};
use super::media::{MediaDevice, MediaSource, Opened, START_FORMAT};
use super::Calls;
use crate::error::ApiError;

/// How often the supervisor looks at the camera.
const WATCH_EVERY: Duration = Duration::from_millis(500);
/// How often a missing camera is looked for.
pub const RETRY_EVERY: Duration = Duration::from_secs(2);
/// JPEG quality of stills.
const STILL_QUALITY: u8 = 90;

/// A still taken during the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StillInfo {
    /// Its id, also its attachment id in the record.
    pub id: String,
    /// Role of the camera.
    pub role: Option<CameraRole>,
    /// Name of the camera.
    pub label: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the JPEG.
    pub size: u64,
    /// When it was taken.
    pub taken_at: chrono::DateTime<Utc>,
    /// `station` or `gp`.
    pub requested_by: String,
    /// Whether it reached the GP.
    pub sent: bool,
}

/// The camera part of the call screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CameraStatus {
    /// Id of the camera sent (or waited for).
    pub id: Option<String>,
    /// Its name.
    pub label: Option<String>,
    /// Its role.
    pub role: Option<CameraRole>,
    /// A camera is behind the picture.
    pub available: bool,
    /// Why not, in French.
    pub message: Option<String>,
    /// Fallbacks at the start of the call.
    pub notices: Vec<DeviceNotice>,
    /// Stills taken.
    pub stills: Vec<StillInfo>,
}

/// What the call's cameras hold while it runs.
#[derive(Default)]
pub(crate) struct CameraSlot {
    switch: Option<VideoSwitch>,
    session: Option<Session>,
    /// The camera sent, or waited for after a failure.
    current: Option<MediaDevice>,
    /// The failure now in force was already journaled.
    failure_reported: bool,
    supervisor: Option<tokio::task::JoinHandle<()>>,
}

fn not_in_call() -> ApiError {
    ApiError::new("NO_CALL", "Aucun appel en cours.")
}

impl Calls {
    fn cameras(&self) -> MutexGuard<'_, CameraSlot> {
        self.cameras.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens the call's media with the saved devices (or the defaults, with notices); the
    /// video goes through a switch, black until a camera is there.
    pub(crate) fn open_call_media(&self) -> Opened {
        self.release_check_camera();
        let devices = list_devices(&self.source);
        let (saved, _) = self.saved_devices();
        let (choice, notices) = resolve(&saved, &devices);
        for n in &notices {
            self.journal("DEVICE_FALLBACK", &n.code);
        }
        let format = switch_format(&self.source);
        let mut failures = Vec::new();
        let current = choice
            .camera_id
            .as_ref()
            .and_then(|id| devices.cameras.iter().find(|c| &c.id == id).cloned());
        let (switch, video) = VideoSwitch::new(format, None);
        let mut message = notices
            .iter()
            .find(|n| n.code == "DEVICE_NO_CAMERA")
            .map(|n| n.message.clone());
        if let Some(camera) = &current {
            match open_camera(&self.source, &camera.id).and_then(|c| switch.replace(c)) {
                Ok(()) => {}
                Err(e) => {
                    failures.push(format!("camera={}", e.code()));
                    let text = camera_error_fr(&camera.label, &e);
                    switch.remove(Some(SwitchFailure {
                        code: e.code().into(),
                        message: text.clone(),
                    }));
                    message = Some(text);
                }
            }
        }
        // Behind switches: changed mid-call, watched and reopened (see `super::audio`).
        let (audio, speaker) = self.open_call_audio(&choice, &devices, &mut failures);
        let role = current
            .as_ref()
            .and_then(|c| self.role_of_camera(&c.id, &c.label));
        let available = switch.has_source();
        {
            let mut slot = self.cameras();
            *slot = CameraSlot {
                switch: Some(switch),
                current: current.clone(),
                failure_reported: !available,
                ..CameraSlot::default()
            };
        }
        self.update(|s| {
            s.camera = CameraStatus {
                id: current.as_ref().map(|c| c.id.clone()),
                label: current.as_ref().map(|c| c.label.clone()),
                role,
                available,
                message,
                notices,
                stills: Vec::new(),
            }
        });
        Opened {
            video: Some(Box::new(video)),
            audio,
            speaker,
            failures,
        }
    }

    /// The session is up: camera messages can be sent, and the camera is watched.
    pub(crate) fn cameras_attach(self: &Arc<Self>, session: &Session) {
        let calls = Arc::clone(self);
        let task = tokio::spawn(async move { calls.watch_camera().await });
        self.audio_attach();
        let mut slot = self.cameras();
        slot.session = Some(session.clone());
        if let Some(old) = slot.supervisor.replace(task) {
            old.abort();
        }
    }

    /// The call ended: let go of the session and the camera.
    pub(crate) fn cameras_detach(&self) {
        self.audio_detach();
        let mut slot = self.cameras();
        if let Some(task) = slot.supervisor.take() {
            task.abort();
        }
        slot.session = None;
        if let Some(switch) = slot.switch.take() {
            switch.remove(None);
        }
    }

    fn session(&self) -> Option<Session> {
        self.cameras().session.clone()
    }

    /// The video switch of the running call (the device check previews it).
    pub(crate) fn call_switch(&self) -> Option<VideoSwitch> {
        self.cameras().switch.clone()
    }

    async fn send_camera(&self, message: &CameraMessage) -> Result<(), ApiError> {
        let session = self.session().ok_or_else(not_in_call)?;
        let json = serde_json::to_string(message)?;
        session.send_data(&json).await.map_err(|e| {
            ApiError::new(
                e.code(),
                "Le message n’a pas pu être envoyé au médecin (liaison de données fermée).",
            )
        })
    }

    async fn send_camera_state(&self) {
        let Some(status) = self.status() else { return };
        let failure = self.cameras().switch.as_ref().and_then(|s| s.failure());
        let message = CameraMessage::CameraState {
            available: status.camera.available,
            on: status.camera_on,
            code: failure.map(|f| f.code),
            message: status.camera.message.clone(),
        };
        if let Err(e) = self.send_camera(&message).await {
            tracing::debug!(code = %e.code, "camera state not sent");
        }
    }

    /// The data channel opened: the GP learns which camera is sent and whether it is live.
    pub(crate) fn cameras_channel_open(self: &Arc<Self>) {
        let calls = Arc::clone(self);
        tokio::spawn(async move {
            let camera = calls.status().map(|s| s.camera).unwrap_or_default();
            if let Some(label) = camera.label {
                let switched = CameraMessage::CameraSwitched {
                    role: camera.role,
                    label,
                };
                let _ = calls.send_camera(&switched).await;
            }
            calls.send_camera_state().await;
        });
    }

    /// The stills stored in the record for `consultation_id` (signed-in user).
    pub fn stored_stills(
        &self,
        consultation_id: &str,
    ) -> Result<Vec<relais_store::AttachmentRow>, ApiError> {
        self.station.with_session(|ctx| {
            Ok(ctx
                .store
                .attachments(consultation_id)?
                .into_iter()
                .filter(|a| a.kind == "still")
                .collect())
        })
    }

    /// The nurse turned the camera on or off: the GP is told.
    pub(crate) fn camera_toggled(self: &Arc<Self>) {
        let calls = Arc::clone(self);
        tokio::spawn(async move { calls.send_camera_state().await });
    }

    /// Sends camera `id` from now on (`by`: `station` or `gp`), with a keyframe.
    pub async fn use_camera(&self, id: &str, by: &str) -> Result<CameraStatus, ApiError> {
        let switch = self
            .cameras()
            .switch
            .clone()
            .filter(|_| self.call_is_live())
            .ok_or_else(not_in_call)?;
        let source = self.source.clone();
        let devices = {
            let source = source.clone();
            tokio::task::spawn_blocking(move || list_devices(&source))
                .await
                .map_err(|_| ApiError::new("INTERNAL", "Liste des caméras indisponible."))?
        };
        let camera = devices
            .cameras
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| {
                ApiError::on_field(
                    "DEVICE_NOT_FOUND",
                    "cameraId",
                    "Cette caméra n’est pas branchée.",
                )
            })?;
        let same = self.cameras().current.as_ref().is_some_and(|c| c.id == id);
        if !(same && switch.has_source()) {
            let camera_id = camera.id.clone();
            let opened = tokio::task::spawn_blocking(move || open_camera(&source, &camera_id))
                .await
                .map_err(|_| ApiError::new("INTERNAL", "La caméra n’a pas pu être ouverte."))?;
            let opened = opened.map_err(|e| {
                ApiError::new(
                    if e.code() == "DEVICE_NOT_FOUND" {
                        "DEVICE_NOT_FOUND"
                    } else {
                        "CAMERA_BUSY"
                    },
                    camera_error_fr(&camera.label, &e),
                )
            })?;
            switch
                .replace(opened)
                .map_err(|e| ApiError::new("CAMERA_BUSY", camera_error_fr(&camera.label, &e)))?;
        }
        if let Some(session) = self.session() {
            session.request_keyframe();
        }
        let role = self.role_of_camera(&camera.id, &camera.label);
        {
            let mut slot = self.cameras();
            slot.current = Some(camera.clone());
            slot.failure_reported = false;
        }
        self.update(|s| {
            s.camera.id = Some(camera.id.clone());
            s.camera.label = Some(camera.label.clone());
            s.camera.role = role;
            s.camera.available = true;
            s.camera.message = None;
        });
        let role_code = role.map_or("none", CameraRole::code);
        self.journal("CAMERA_SWITCHED", &format!("role={role_code} by={by}"));
        let _ = self
            .send_camera(&CameraMessage::CameraSwitched {
                role,
                label: camera.label.clone(),
            })
            .await;
        self.send_camera_state().await;
        Ok(self.status().map(|s| s.camera).unwrap_or_default())
    }

    /// Sends the camera of `role`.
    pub async fn switch_camera(
        &self,
        role: CameraRole,
        by: &str,
    ) -> Result<CameraStatus, ApiError> {
        if !self.call_is_live() {
            return Err(not_in_call());
        }
        let camera = self.camera_for_role(role).ok_or_else(|| {
            ApiError::new(
                "CAMERA_ROLE_UNASSIGNED",
                format!(
                    "Aucune caméra branchée n’a le rôle « {} ». Donnez ce rôle à une caméra dans Réglages › Appareils.",
                    role.label_fr()
                ),
            )
        })?;
        self.use_camera(&camera.id, by).await
    }

    /// Takes a still at the camera's full resolution, stores it in the record and sends it
    /// to the GP.
    pub async fn take_still(&self, by: &str) -> Result<StillInfo, ApiError> {
        let status = self
            .status()
            .filter(|s| !s.state.is_over())
            .ok_or_else(not_in_call)?;
        let switch = self.cameras().switch.clone().ok_or_else(not_in_call)?;
        let captured = tokio::task::spawn_blocking(move || {
            let frame = switch.capture_still()?;
            let jpeg = relais_media::convert::to_jpeg(&frame, STILL_QUALITY)?;
            Ok::<_, relais_media::MediaError>((frame.width(), frame.height(), jpeg))
        })
        .await
        .map_err(|_| ApiError::new("INTERNAL", "La photo n’a pas pu être prise."))?;
        let (width, height, jpeg) = captured.map_err(|e| {
            ApiError::new(
                "STILL_FAILED",
                format!(
                    "La photo n’a pas pu être prise : {}",
                    status
                        .camera
                        .message
                        .clone()
                        .unwrap_or_else(|| e.to_string())
                ),
            )
        })?;
        let role = status.camera.role;
        let label = status.camera.label.clone().unwrap_or_default();
        let taken_at = Utc::now();
        let new = NewAttachment {
            consultation_id: status.consultation_id.clone(),
            kind: "still".into(),
            mime: "image/jpeg".into(),
            label: Some(role.map_or_else(|| label.clone(), |r| r.label_fr().to_string())),
            meta: serde_json::json!({
                "width": width,
                "height": height,
                "role": role.map(CameraRole::code),
                "camera": label,
                "requestedBy": by,
            }),
            bytes: jpeg,
        };
        let row = self
            .station
            .with_store(|store, now| store.add_attachment(&Actor::system(), now, &new))?;
        let mut info = StillInfo {
            id: row.id.clone(),
            role,
            label: label.clone(),
            width,
            height,
            size: row.size,
            taken_at,
            requested_by: by.into(),
            sent: false,
        };
        self.journal("STILL_TAKEN", &format!("id={} by={by}", row.id));
        let chunks: Vec<&[u8]> = new.bytes.chunks(STILL_CHUNK_BYTES).collect();
        let header = CameraMessage::Still {
            id: row.id.clone(),
            role,
            label,
            mime: new.mime.clone(),
            width,
            height,
            size: row.size,
            chunks: chunks.len() as u32,
            taken_at,
            requested_by: by.into(),
        };
        let mut sent = self.send_camera(&header).await;
        for (index, chunk) in chunks.iter().enumerate() {
            if sent.is_err() {
                break;
            }
            sent = self
                .send_camera(&CameraMessage::StillChunk {
                    id: row.id.clone(),
                    index: index as u32,
                    data: base64::engine::general_purpose::STANDARD.encode(chunk),
                })
                .await;
        }
        info.sent = sent.is_ok();
        if let Err(e) = &sent {
            tracing::warn!(code = %e.code, "still kept in the record but not sent");
        }
        self.update(|s| s.camera.stills.push(info.clone()));
        Ok(info)
    }

    /// Watches the camera while the call runs: a failure is journaled and told to the GP;
    /// the missing camera is looked for until it is back.
    async fn watch_camera(self: Arc<Self>) {
        let mut last_try: Option<Instant> = None;
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if !self.call_is_live() {
                break;
            }
            let (switch, reported, current) = {
                let slot = self.cameras();
                let Some(switch) = slot.switch.clone() else {
                    break;
                };
                (switch, slot.failure_reported, slot.current.clone())
            };
            if switch.has_source() {
                continue;
            }
            if !reported {
                let failure = switch.failure();
                let code = failure
                    .as_ref()
                    .map_or("DEVICE_FAILED", |f| f.code.as_str());
                self.journal("DEVICE_FAILED", &format!("camera={code}"));
                let label = current
                    .as_ref()
                    .map_or("", |c| c.label.as_str())
                    .to_string();
                let text = camera_error_fr(
                    &label,
                    &relais_media::MediaError::DeviceFailed(code.to_string()),
                );
                self.cameras().failure_reported = true;
                self.update(|s| {
                    s.camera.available = false;
                    s.camera.message = Some(text);
                });
                self.send_camera_state().await;
            }
            if last_try.is_some_and(|t| t.elapsed() < RETRY_EVERY) {
                continue;
            }
            last_try = Some(Instant::now());
            let source = self.source.clone();
            let Ok(devices) = tokio::task::spawn_blocking(move || list_devices(&source)).await
            else {
                continue;
            };
            let target = match &current {
                Some(c) => devices.cameras.iter().find(|d| d.id == c.id).cloned(),
                None => {
                    let (saved, _) = self.saved_devices();
                    let (choice, _) = resolve(&saved, &devices);
                    choice
                        .camera_id
                        .and_then(|id| devices.cameras.iter().find(|d| d.id == id).cloned())
                }
            };
            let Some(target) = target else { continue };
            let source = self.source.clone();
            let id = target.id.clone();
            let opened = match tokio::task::spawn_blocking(move || open_camera(&source, &id)).await
            {
                Ok(Ok(camera)) => switch.replace(camera),
                Ok(Err(e)) => Err(e),
                Err(_) => continue,
            };
            match opened {
                Ok(()) => {
                    if let Some(session) = self.session() {
                        session.request_keyframe();
                    }
                    let role = self.role_of_camera(&target.id, &target.label);
                    {
                        let mut slot = self.cameras();
                        slot.current = Some(target.clone());
                        slot.failure_reported = false;
                    }
                    self.journal("DEVICE_RECOVERED", "camera");
                    self.update(|s| {
                        s.camera.id = Some(target.id.clone());
                        s.camera.label = Some(target.label.clone());
                        s.camera.role = role;
                        s.camera.available = true;
                        s.camera.message = None;
                    });
                    let _ = self
                        .send_camera(&CameraMessage::CameraSwitched {
                            role,
                            label: target.label.clone(),
                        })
                        .await;
                    self.send_camera_state().await;
                }
                Err(e) => {
                    let text = camera_error_fr(&target.label, &e);
                    self.update(|s| s.camera.message = Some(text));
                }
            }
        }
    }
}

/// A camera message from the GP (camera or still asked for): handled, `true`; not a camera
/// message, `false`.
pub(crate) fn received(calls: &Arc<Calls>, text: &str) -> bool {
    let Ok(message) = serde_json::from_str::<CameraMessage>(text) else {
        return false;
    };
    let calls = Arc::clone(calls);
    match message {
        CameraMessage::CameraRequest { role } => {
            tokio::spawn(async move {
                if let Err(e) = calls.switch_camera(role, "gp").await {
                    let state = CameraMessage::CameraState {
                        available: calls.status().is_some_and(|s| s.camera.available),
                        on: calls.status().is_some_and(|s| s.camera_on),
                        code: Some(e.code.clone()),
                        message: Some(e.message.clone()),
                    };
                    let _ = calls.send_camera(&state).await;
                }
            });
        }
        CameraMessage::StillRequest {} => {
            tokio::spawn(async move {
                if let Err(e) = calls.take_still("gp").await {
                    let failed = CameraMessage::StillFailed {
                        code: e.code,
                        message: e.message,
                    };
                    let _ = calls.send_camera(&failed).await;
                }
            });
        }
        // Station → GP messages are not expected here.
        _ => tracing::debug!("camera message from the GP ignored"),
    }
    true
}

/// The format a synthetic source uses for the switch (tests).
pub fn switch_format(source: &MediaSource) -> VideoFormat {
    match source {
        MediaSource::Synthetic(f) => *f,
        MediaSource::Devices => START_FORMAT,
    }
}

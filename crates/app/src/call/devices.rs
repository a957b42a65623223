//! The station's choice of camera, microphone and speaker, and the role of each camera
//! (room, otoscope, dermatoscope), remembered per station in the encrypted record.
//!
//! A saved device that is no longer plugged never blocks a call: the default one is used
//! instead and a French notice says so ([`resolve`]).
use std::collections::BTreeMap;

use relais_media::synthetic_cameras::{self, SyntheticCamera};
use relais_media::{AudioSink, AudioSource, Camera, MediaError, Microphone, Speaker, VideoSource};
pub use relais_protocol::camera::CameraRole;
use serde::{Deserialize, Serialize};

use super::media::{media_devices, MediaDevice, MediaDevices, MediaSource, START_FORMAT};
use super::synthetic_audio::{self, SyntheticMicrophone};
use super::Calls;
use crate::error::ApiError;

/// Setting key of the chosen devices.
pub const CHOICE_KEY: &str = "devices.choice";
/// Setting key of the camera roles.
pub const ROLES_KEY: &str = "devices.cameraRoles";
/// Id of the synthetic microphone (a 440 Hz tone).
pub const SYNTHETIC_MICROPHONE: &str = "synthetic-tone";
/// Id of the synthetic speaker (kept in memory, silent).
pub const SYNTHETIC_SPEAKER: &str = "synthetic-silent";

/// The devices chosen for calls; `None` = the default one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceChoice {
    /// Camera id (see [`MediaDevice::id`]).
    #[serde(default)]
    pub camera_id: Option<String>,
    /// Microphone id.
    #[serde(default)]
    pub microphone_id: Option<String>,
    /// Speaker id.
    #[serde(default)]
    pub speaker_id: Option<String>,
}

/// The role given to a camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleEntry {
    /// Camera id.
    pub camera_id: String,
    /// Its name when the role was given (found again by name if its id changed).
    pub label: String,
    /// Its role.
    pub role: CameraRole,
}

/// A French notice about the devices (a fallback, a missing device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceNotice {
    /// Stable code (`DEVICE_CAMERA_FALLBACK`…).
    pub code: String,
    /// French sentence.
    pub message: String,
}

impl DeviceNotice {
    fn new(code: &str, message: String) -> Self {
        Self {
            code: code.into(),
            message,
        }
    }
}

/// A camera as the settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CameraView {
    /// Id to select it with.
    pub id: String,
    /// Name.
    pub label: String,
    /// Its role, if it has one.
    pub role: Option<CameraRole>,
}

/// Everything the device screens show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevicesView {
    /// The cameras plugged in, with their roles.
    pub cameras: Vec<CameraView>,
    /// The microphones.
    pub microphones: Vec<MediaDevice>,
    /// The speakers.
    pub speakers: Vec<MediaDevice>,
    /// The saved choice.
    pub saved: DeviceChoice,
    /// What will be used (the saved choice, or the default for a missing device).
    pub effective: DeviceChoice,
    /// Fallbacks and missing devices, in French.
    pub notices: Vec<DeviceNotice>,
}

/// The choice to use given the devices plugged in: a saved device that disappeared falls
/// back to the default (first camera, system microphone and speaker) with a notice.
pub fn resolve(saved: &DeviceChoice, devices: &MediaDevices) -> (DeviceChoice, Vec<DeviceNotice>) {
    let mut notices = Vec::new();
    let camera_id = match &saved.camera_id {
        Some(id) if devices.cameras.iter().any(|c| &c.id == id) => Some(id.clone()),
        other => {
            let fallback = devices.cameras.first();
            match (other, fallback) {
                (Some(_), Some(f)) => notices.push(DeviceNotice::new(
                    "DEVICE_CAMERA_FALLBACK",
                    format!(
                        "La caméra choisie n’est pas branchée : la caméra « {} » est utilisée à la place.",
                        f.label
                    ),
                )),
                (_, None) => notices.push(DeviceNotice::new(
                    "DEVICE_NO_CAMERA",
                    "Aucune caméra n’est branchée : l’appel se fera avec le son seulement. Branchez une caméra, elle sera utilisée dès qu’elle apparaît."
                        .into(),
                )),
                (None, Some(_)) => {}
            }
            fallback.map(|f| f.id.clone())
        }
    };
    let audio = |wanted: &Option<String>, list: &[MediaDevice], code: &str, what: &str| {
        match wanted
    {
        Some(id) if list.iter().any(|d| &d.id == id) => (Some(id.clone()), None),
        Some(id) => (
            None,
            Some(DeviceNotice::new(
                code,
                format!("{what} « {id} » n’est pas branché : l’appareil par défaut du système est utilisé."),
            )),
        ),
        None => (None, None),
    }
    };
    let (microphone_id, n) = audio(
        &saved.microphone_id,
        &devices.microphones,
        "DEVICE_MICROPHONE_FALLBACK",
        "Le micro",
    );
    notices.extend(n);
    let (speaker_id, n) = audio(
        &saved.speaker_id,
        &devices.speakers,
        "DEVICE_SPEAKER_FALLBACK",
        "Le haut-parleur",
    );
    notices.extend(n);
    (
        DeviceChoice {
            camera_id,
            microphone_id,
            speaker_id,
        },
        notices,
    )
}

/// The role of each plugged camera: by id, else by name (ids of USB cameras may change).
pub fn roles_of(cameras: &[MediaDevice], roles: &[RoleEntry]) -> BTreeMap<String, CameraRole> {
    let mut out = BTreeMap::new();
    for entry in roles {
        let camera = cameras
            .iter()
            .find(|c| c.id == entry.camera_id)
            .or_else(|| cameras.iter().find(|c| c.label == entry.label));
        if let Some(c) = camera {
            out.entry(c.id.clone()).or_insert(entry.role);
        }
    }
    out
}

/// Gives `role` to `camera` (a role belongs to one camera: others lose it); `None` removes
/// the camera's role.
pub fn assign_role(roles: &mut Vec<RoleEntry>, camera: &MediaDevice, role: Option<CameraRole>) {
    roles.retain(|e| e.camera_id != camera.id && Some(e.role) != role);
    if let Some(role) = role {
        roles.push(RoleEntry {
            camera_id: camera.id.clone(),
            label: camera.label.clone(),
            role,
        });
    }
}

/// Roles the synthetic devices have until the station gives others.
fn default_roles(source: &MediaSource) -> Vec<RoleEntry> {
    match source {
        MediaSource::Synthetic(_) => synthetic_cameras::DEVICES
            .iter()
            .zip(CameraRole::ALL)
            .map(|(d, role)| RoleEntry {
                camera_id: d.id.into(),
                label: d.name.into(),
                role,
            })
            .collect(),
        MediaSource::Devices => Vec::new(),
    }
}

/// The devices seen through `source`.
pub fn list_devices(source: &MediaSource) -> MediaDevices {
    match source {
        MediaSource::Synthetic(_) => MediaDevices {
            cameras: synthetic_cameras::list()
                .into_iter()
                .map(|d| MediaDevice {
                    id: d.id.into(),
                    label: d.name.into(),
                })
                .collect(),
            microphones: synthetic_audio::microphones()
                .into_iter()
                .map(|d| MediaDevice {
                    id: d.id.into(),
                    label: d.name.into(),
                })
                .collect(),
            speakers: synthetic_audio::SPEAKERS
                .into_iter()
                .map(|d| MediaDevice {
                    id: d.id.into(),
                    label: d.name.into(),
                })
                .collect(),
        },
        MediaSource::Devices => media_devices(),
    }
}

/// Opens camera `id` at the call's start format.
pub(crate) fn open_camera(
    source: &MediaSource,
    id: &str,
) -> Result<Box<dyn VideoSource>, MediaError> {
    match source {
        MediaSource::Synthetic(format) => Ok(Box::new(SyntheticCamera::open(id, *format)?)),
        MediaSource::Devices => {
            let index = id
                .parse::<u32>()
                .map_err(|_| MediaError::DeviceNotFound(id.to_string()))?;
            Ok(Box::new(Camera::open(index, START_FORMAT)?))
        }
    }
}

/// Opens the microphone (`None`: the default one); the synthetic ones are tones.
pub(crate) fn open_microphone(
    source: &MediaSource,
    id: Option<&str>,
) -> Result<Box<dyn AudioSource>, MediaError> {
    match source {
        MediaSource::Synthetic(_) => Ok(Box::new(SyntheticMicrophone::open(id)?)),
        MediaSource::Devices => Ok(Box::new(Microphone::open(id)?)),
    }
}

/// Opens the speaker (`None`: the default one); the synthetic ones keep 2 s in memory
/// ([`synthetic_audio::speaker_memory`]).
pub(crate) fn open_speaker(
    source: &MediaSource,
    id: Option<&str>,
) -> Result<Box<dyn AudioSink>, MediaError> {
    match source {
        MediaSource::Synthetic(_) => Ok(Box::new(synthetic_audio::open_speaker(id)?)),
        MediaSource::Devices => Ok(Box::new(Speaker::open(id)?)),
    }
}

/// French words of a device error, for the nurse.
pub fn camera_error_fr(label: &str, e: &MediaError) -> String {
    match e {
        MediaError::DeviceNotFound(_) => format!(
            "La caméra « {label} » n’est pas branchée. Branchez-la : l’image reviendra d’elle-même."
        ),
        MediaError::FeatureDisabled(_) => {
            "Cette version de Relais ne sait pas utiliser les caméras.".into()
        }
        _ => format!(
            "La caméra « {label} » ne répond pas : elle est peut-être utilisée par un autre programme ou débranchée. Fermez l’autre programme ou rebranchez-la ; l’appel continue avec le son."
        ),
    }
}

fn parse_or_default<T: serde::de::DeserializeOwned + Default>(v: Option<serde_json::Value>) -> T {
    v.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

impl Calls {
    /// The saved choice and roles (read by the system: works while a call runs locked).
    pub(crate) fn saved_devices(&self) -> (DeviceChoice, Vec<RoleEntry>) {
        let read = self
            .station
            .with_store(|store, _| Ok((store.setting(CHOICE_KEY)?, store.setting(ROLES_KEY)?)));
        match read {
            Ok((choice, roles)) => {
                let roles = match roles {
                    Some(v) => serde_json::from_value(v).unwrap_or_default(),
                    None => default_roles(&self.source),
                };
                (parse_or_default(choice), roles)
            }
            Err(e) => {
                tracing::warn!(code = %e.code, "device settings not read");
                (DeviceChoice::default(), default_roles(&self.source))
            }
        }
    }

    fn view(&self, devices: MediaDevices) -> DevicesView {
        let (saved, roles) = self.saved_devices();
        let (effective, notices) = resolve(&saved, &devices);
        let by_id = roles_of(&devices.cameras, &roles);
        DevicesView {
            cameras: devices
                .cameras
                .iter()
                .map(|c| CameraView {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    role: by_id.get(&c.id).copied(),
                })
                .collect(),
            microphones: devices.microphones,
            speakers: devices.speakers,
            saved,
            effective,
            notices,
        }
    }

    /// The devices, the saved choice, what will be used and why (signed-in user).
    pub fn devices(&self) -> Result<DevicesView, ApiError> {
        self.station.with_session(|_| Ok(()))?;
        Ok(self.view(list_devices(&self.source)))
    }

    /// Saves the devices to use; during a call they change at once, without renegotiation.
    /// An id that is not plugged in is refused; a microphone or speaker that cannot be
    /// opened during a call is refused (`MICROPHONE_FAILED`, `SPEAKER_FAILED`) and the
    /// previous one kept, nothing saved.
    pub async fn select_devices(
        self: &std::sync::Arc<Self>,
        choice: DeviceChoice,
    ) -> Result<DevicesView, ApiError> {
        let devices = list_devices(&self.source);
        let checks = [
            (
                &choice.camera_id,
                &devices.cameras,
                "cameraId",
                "Cette caméra",
            ),
            (
                &choice.microphone_id,
                &devices.microphones,
                "microphoneId",
                "Ce micro",
            ),
            (
                &choice.speaker_id,
                &devices.speakers,
                "speakerId",
                "Ce haut-parleur",
            ),
        ];
        for (wanted, list, field, what) in checks {
            if let Some(id) = wanted {
                if !list.iter().any(|d| &d.id == id) {
                    return Err(ApiError::on_field(
                        "DEVICE_NOT_FOUND",
                        field,
                        format!("{what} n’est pas branché(e) : choisissez-en un(e) de la liste."),
                    ));
                }
            }
        }
        let value = serde_json::to_value(&choice)?;
        // Signed in before anything changes in the call.
        self.station.with_session(|_| Ok(()))?;
        if self.call_is_live() {
            self.apply_audio_choice(&choice, &devices).await?;
        }
        self.station.with_session(|ctx| {
            Ok(ctx
                .store
                .set_setting(&ctx.actor, ctx.now, CHOICE_KEY, &value)?)
        })?;
        if let Some(id) = &choice.camera_id {
            if self.call_is_live() {
                self.use_camera(id, "station").await?;
            }
        }
        Ok(self.view(devices))
    }

    /// Gives `role` to camera `camera_id` (or removes its role), remembered for this station.
    pub fn set_camera_role(
        &self,
        camera_id: &str,
        role: Option<CameraRole>,
    ) -> Result<DevicesView, ApiError> {
        let devices = list_devices(&self.source);
        let camera = devices
            .cameras
            .iter()
            .find(|c| c.id == camera_id)
            .ok_or_else(|| {
                ApiError::on_field(
                    "DEVICE_NOT_FOUND",
                    "cameraId",
                    "Cette caméra n’est pas branchée.",
                )
            })?;
        let (_, mut roles) = self.saved_devices();
        assign_role(&mut roles, camera, role);
        let value = serde_json::to_value(&roles)?;
        self.station.with_session(|ctx| {
            Ok(ctx
                .store
                .set_setting(&ctx.actor, ctx.now, ROLES_KEY, &value)?)
        })?;
        Ok(self.view(devices))
    }

    /// The camera of `role` among those plugged in.
    pub(crate) fn camera_for_role(&self, role: CameraRole) -> Option<MediaDevice> {
        let devices = list_devices(&self.source);
        let (_, roles) = self.saved_devices();
        let by_id = roles_of(&devices.cameras, &roles);
        devices
            .cameras
            .into_iter()
            .find(|c| by_id.get(&c.id) == Some(&role))
    }

    /// The role of camera `id`, if it has one.
    pub(crate) fn role_of_camera(&self, id: &str, label: &str) -> Option<CameraRole> {
        let (_, roles) = self.saved_devices();
        let camera = MediaDevice {
            id: id.into(),
            label: label.into(),
        };
        roles_of(std::slice::from_ref(&camera), &roles)
            .get(id)
            .copied()
    }

    pub(crate) fn call_is_live(&self) -> bool {
        self.status().is_some_and(|s| !s.state.is_over())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(id: &str, label: &str) -> MediaDevice {
        MediaDevice {
            id: id.into(),
            label: label.into(),
        }
    }

    fn plugged() -> MediaDevices {
        MediaDevices {
            cameras: vec![dev("0", "Logitech C920"), dev("1", "Otoscope USB")],
            microphones: vec![dev("Micro USB", "Micro USB")],
            speakers: vec![dev("Enceinte", "Enceinte")],
        }
    }

    #[test]
    fn a_saved_device_still_plugged_is_used() {
        let saved = DeviceChoice {
            camera_id: Some("1".into()),
            microphone_id: Some("Micro USB".into()),
            speaker_id: None,
        };
        let (effective, notices) = resolve(&saved, &plugged());
        assert_eq!(effective, saved);
        assert!(notices.is_empty());
    }

    #[test]
    fn a_device_that_disappeared_falls_back_to_the_default_with_a_notice() {
        let saved = DeviceChoice {
            camera_id: Some("7".into()),
            microphone_id: Some("Casque Bluetooth".into()),
            speaker_id: Some("Casque Bluetooth".into()),
        };
        let (effective, notices) = resolve(&saved, &plugged());
        assert_eq!(effective.camera_id.as_deref(), Some("0"));
        assert_eq!(effective.microphone_id, None);
        assert_eq!(effective.speaker_id, None);
        let codes: Vec<&str> = notices.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "DEVICE_CAMERA_FALLBACK",
                "DEVICE_MICROPHONE_FALLBACK",
                "DEVICE_SPEAKER_FALLBACK"
            ]
        );
        assert!(notices[0].message.contains("Logitech C920"));
        assert!(notices[1].message.contains("Casque Bluetooth"));
    }

    #[test]
    fn no_camera_at_all_is_said_and_does_not_block() {
        let mut devices = plugged();
        devices.cameras.clear();
        let (effective, notices) = resolve(&DeviceChoice::default(), &devices);
        assert_eq!(effective.camera_id, None);
        assert_eq!(notices[0].code, "DEVICE_NO_CAMERA");
        // Nothing saved and everything plugged: the first camera, no notice.
        let (effective, notices) = resolve(&DeviceChoice::default(), &plugged());
        assert_eq!(effective.camera_id.as_deref(), Some("0"));
        assert!(notices.is_empty());
    }

    #[test]
    fn a_role_belongs_to_one_camera_and_is_found_again_by_name() {
        let devices = plugged();
        let mut roles = Vec::new();
        assign_role(&mut roles, &devices.cameras[0], Some(CameraRole::Otoscope));
        assign_role(&mut roles, &devices.cameras[1], Some(CameraRole::Otoscope));
        assign_role(&mut roles, &devices.cameras[0], Some(CameraRole::Room));
        let by_id = roles_of(&devices.cameras, &roles);
        assert_eq!(by_id.get("0"), Some(&CameraRole::Room));
        assert_eq!(by_id.get("1"), Some(&CameraRole::Otoscope));
        // Replugged elsewhere: the otoscope now has id 3, found by its name.
        let replugged = vec![dev("0", "Logitech C920"), dev("3", "Otoscope USB")];
        let by_id = roles_of(&replugged, &roles);
        assert_eq!(by_id.get("3"), Some(&CameraRole::Otoscope));
        assign_role(&mut roles, &devices.cameras[1], None);
        assert_eq!(roles_of(&devices.cameras, &roles).get("1"), None);
    }
}

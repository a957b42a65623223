//! The microphone and the speaker of a call: each behind a switch (`relais_rtc::
//! audio_switch`), so the nurse can change them mid-call (a headset plugged in) without
//! renegotiation and without a gap.
//!
//! A device that cannot be opened is refused with a French message, the previous one kept,
//! and `DEVICE_FAILED` goes into the call's journal. A microphone or speaker that fails
//! during the call never stops it (silence is sent, the GP's voice is not played): the
//! journal gets `DEVICE_FAILED` (`microphone=<code>` / `speaker=<code>`), the call screen a
//! French notice, and the device is looked for every [`RETRY_EVERY`] until it is back
//! (`DEVICE_RECOVERED`).
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

use relais_media::{AudioSink, AudioSource, MediaError, SwitchFailure};
use relais_rtc::{MicrophoneSwitch, SpeakerSwitch};
use serde::Serialize;

use super::cameras::RETRY_EVERY;
use super::devices::{list_devices, open_microphone, open_speaker, DeviceChoice};
use super::media::MediaSource;
use super::media::{MediaDevice, MediaDevices};
use super::Calls;
use crate::error::ApiError;

/// How often the supervisor looks at the microphone and the speaker.
const WATCH_EVERY: Duration = Duration::from_millis(250);

/// The microphone and speaker part of the call screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioStatus {
    /// Id of the microphone in use (`None`: the system's default one).
    pub microphone_id: Option<String>,
    /// Its name.
    pub microphone_label: Option<String>,
    /// The microphone works (otherwise silence is sent).
    pub microphone_available: bool,
    /// Id of the speaker playing the GP's voice (`None`: the default one).
    pub speaker_id: Option<String>,
    /// Its name.
    pub speaker_label: Option<String>,
    /// The speaker works.
    pub speaker_available: bool,
    /// What is wrong with them, in French.
    pub message: Option<String>,
}

impl Default for AudioStatus {
    fn default() -> Self {
        Self {
            microphone_id: None,
            microphone_label: None,
            microphone_available: true,
            speaker_id: None,
            speaker_label: None,
            speaker_available: true,
            message: None,
        }
    }
}

/// The voice's source and the GP's speaker given to the session.
pub(crate) type CallAudio = (Option<Box<dyn AudioSource>>, Option<Box<dyn AudioSink>>);

/// Which of the two devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Microphone,
    Speaker,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Microphone => "microphone",
            Kind::Speaker => "speaker",
        }
    }
}

/// One device of the call: the one in use (`None`: the default), and whether its failure
/// was already journaled.
#[derive(Default)]
struct Held {
    id: Option<String>,
    label: Option<String>,
    failure_reported: bool,
}

/// What the call's microphone and speaker hold while it runs.
#[derive(Default)]
pub(crate) struct AudioSlot {
    microphone: Option<MicrophoneSwitch>,
    speaker: Option<SpeakerSwitch>,
    mic: Held,
    out: Held,
    supervisor: Option<tokio::task::JoinHandle<()>>,
}

/// French words of a microphone error, for the nurse.
pub fn microphone_error_fr(label: &str, e: &MediaError) -> String {
    match e {
        MediaError::DeviceNotFound(_) => format!(
            "Le micro « {label} » n’est pas branché. Branchez-le : il reprendra de lui-même ; en attendant le médecin ne vous entend pas."
        ),
        MediaError::FeatureDisabled(_) => {
            "Cette version de Relais ne sait pas utiliser les micros.".into()
        }
        _ => format!(
            "Le micro « {label} » ne répond pas : il est peut-être utilisé par un autre programme ou débranché. Fermez l’autre programme ou rebranchez-le ; l’appel continue."
        ),
    }
}

/// French words of a speaker error, for the nurse.
pub fn speaker_error_fr(label: &str, e: &MediaError) -> String {
    match e {
        MediaError::DeviceNotFound(_) => format!(
            "Le haut-parleur « {label} » n’est pas branché. Branchez-le : il reprendra de lui-même ; en attendant vous n’entendez pas le médecin."
        ),
        MediaError::FeatureDisabled(_) => {
            "Cette version de Relais ne sait pas utiliser les haut-parleurs.".into()
        }
        _ => format!(
            "Le haut-parleur « {label} » ne répond pas : il est peut-être utilisé par un autre programme ou débranché. Fermez l’autre programme ou rebranchez-le ; l’appel continue."
        ),
    }
}

fn error_fr(kind: Kind, label: &str, e: &MediaError) -> String {
    match kind {
        Kind::Microphone => microphone_error_fr(label, e),
        Kind::Speaker => speaker_error_fr(label, e),
    }
}

/// Name of device `id` among `list` (`None`: the default one).
fn label_of(id: Option<&str>, list: &[MediaDevice]) -> String {
    match id {
        Some(id) => list
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| id.to_string(), |d| d.label.clone()),
        None => "par défaut".into(),
    }
}

fn failure(code: &str, message: String) -> SwitchFailure {
    SwitchFailure {
        code: code.into(),
        message,
    }
}

/// A device of the call, opened on a blocking thread.
enum Device {
    Microphone(Box<dyn AudioSource>),
    Speaker(Box<dyn AudioSink>),
}

impl Calls {
    fn audio(&self) -> MutexGuard<'_, AudioSlot> {
        self.audio.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens the call's microphone and speaker (`choice` resolved against `devices`) behind
    /// their switches; what failed goes to `failures` (journal entries), and is looked for
    /// during the call.
    pub(crate) fn open_call_audio(
        &self,
        choice: &DeviceChoice,
        devices: &MediaDevices,
        failures: &mut Vec<String>,
    ) -> CallAudio {
        let mut status = AudioStatus::default();
        let mut messages = Vec::new();
        let mic_id = choice.microphone_id.as_deref();
        let mic_label = label_of(mic_id, &devices.microphones);
        let (mic_switch, voice) = match MicrophoneSwitch::new(None) {
            Ok(made) => made,
            Err(e) => {
                failures.push(format!("microphone={}", e.code()));
                return (None, None);
            }
        };
        let mic_reported =
            match open_microphone(&self.source, mic_id).and_then(|m| mic_switch.replace(m)) {
                Ok(()) => false,
                Err(e) => {
                    failures.push(format!("microphone={}", e.code()));
                    let text = microphone_error_fr(&mic_label, &e);
                    mic_switch.remove(Some(failure(e.code(), text.clone())));
                    status.microphone_available = false;
                    messages.push(text);
                    true
                }
            };
        let out_id = choice.speaker_id.as_deref();
        let out_label = label_of(out_id, &devices.speakers);
        let (out_switch, played) = SpeakerSwitch::new(None);
        let out_reported = match open_speaker(&self.source, out_id) {
            Ok(sink) => {
                out_switch.replace(sink);
                false
            }
            Err(e) => {
                failures.push(format!("speaker={}", e.code()));
                let text = speaker_error_fr(&out_label, &e);
                out_switch.remove(Some(failure(e.code(), text.clone())));
                status.speaker_available = false;
                messages.push(text);
                true
            }
        };
        status.microphone_id = mic_id.map(str::to_string);
        status.microphone_label = Some(mic_label.clone());
        status.speaker_id = out_id.map(str::to_string);
        status.speaker_label = Some(out_label.clone());
        status.message = (!messages.is_empty()).then(|| messages.join(" "));
        {
            let mut slot = self.audio();
            if let Some(task) = slot.supervisor.take() {
                task.abort();
            }
            *slot = AudioSlot {
                microphone: Some(mic_switch),
                speaker: Some(out_switch),
                mic: Held {
                    id: mic_id.map(str::to_string),
                    label: Some(mic_label),
                    failure_reported: mic_reported,
                },
                out: Held {
                    id: out_id.map(str::to_string),
                    label: Some(out_label),
                    failure_reported: out_reported,
                },
                supervisor: None,
            };
        }
        self.update(|s| s.audio = status);
        (Some(Box::new(voice)), Some(Box::new(played)))
    }

    /// The session is up: the microphone and the speaker are watched.
    pub(crate) fn audio_attach(self: &Arc<Self>) {
        let calls = Arc::clone(self);
        let task = tokio::spawn(async move { calls.watch_audio().await });
        if let Some(old) = self.audio().supervisor.replace(task) {
            old.abort();
        }
    }

    /// The call ended: the microphone and the speaker are closed.
    pub(crate) fn audio_detach(&self) {
        let (mic, out) = {
            let mut slot = self.audio();
            if let Some(task) = slot.supervisor.take() {
                task.abort();
            }
            (slot.microphone.take(), slot.speaker.take())
        };
        if let Some(m) = mic {
            m.remove(None);
        }
        if let Some(s) = out {
            s.remove(None);
        }
    }

    /// Applies the microphone and speaker of `choice` to the running call, when they differ
    /// from those in use. A device that cannot be opened: a French error, the previous one
    /// kept, `DEVICE_FAILED` in the journal.
    pub(crate) async fn apply_audio_choice(
        &self,
        choice: &DeviceChoice,
        devices: &MediaDevices,
    ) -> Result<(), ApiError> {
        let (mic_now, out_now, mic_ok, out_ok) = {
            let slot = self.audio();
            (
                slot.mic.id.clone(),
                slot.out.id.clone(),
                slot.microphone.as_ref().is_some_and(|m| m.has_source()),
                slot.speaker.as_ref().is_some_and(|s| s.has_sink()),
            )
        };
        if choice.microphone_id != mic_now || !mic_ok {
            self.use_audio_device(Kind::Microphone, choice.microphone_id.as_deref(), devices)
                .await?;
        }
        if choice.speaker_id != out_now || !out_ok {
            self.use_audio_device(Kind::Speaker, choice.speaker_id.as_deref(), devices)
                .await?;
        }
        Ok(())
    }

    async fn open_device(&self, kind: Kind, id: Option<&str>) -> Result<Device, MediaError> {
        let source = self.source.clone();
        let id = id.map(str::to_string);
        tokio::task::spawn_blocking(move || match kind {
            Kind::Microphone => open_microphone(&source, id.as_deref()).map(Device::Microphone),
            Kind::Speaker => open_speaker(&source, id.as_deref()).map(Device::Speaker),
        })
        .await
        .unwrap_or_else(|_| Err(MediaError::DeviceFailed("ouverture interrompue".into())))
    }

    /// Puts device `id` behind its switch; `Err` leaves the switch as it was.
    fn install(&self, device: Device) -> Result<(), MediaError> {
        let (mic, out) = {
            let slot = self.audio();
            (slot.microphone.clone(), slot.speaker.clone())
        };
        match (device, mic, out) {
            (Device::Microphone(m), Some(switch), _) => switch.replace(m),
            (Device::Speaker(s), _, Some(switch)) => {
                switch.replace(s);
                Ok(())
            }
            _ => Err(MediaError::Stopped),
        }
    }

    /// Uses device `id` of `kind` from now on (the nurse's choice).
    async fn use_audio_device(
        &self,
        kind: Kind,
        id: Option<&str>,
        devices: &MediaDevices,
    ) -> Result<(), ApiError> {
        let list = match kind {
            Kind::Microphone => &devices.microphones,
            Kind::Speaker => &devices.speakers,
        };
        let label = label_of(id, list);
        let opened = match self.open_device(kind, id).await {
            Ok(device) => self.install(device),
            Err(e) => Err(e),
        };
        if let Err(e) = opened {
            if matches!(e, MediaError::Stopped) {
                return Err(ApiError::new("NO_CALL", "Aucun appel en cours."));
            }
            self.journal("DEVICE_FAILED", &format!("{}={}", kind.code(), e.code()));
            let kept = {
                let slot = self.audio();
                match kind {
                    Kind::Microphone => slot.mic.label.clone(),
                    Kind::Speaker => slot.out.label.clone(),
                }
            };
            let mut text = error_fr(kind, &label, &e);
            if let Some(kept) = kept {
                text.push_str(&format!(" L’appareil « {kept} » reste utilisé."));
            }
            let (code, field) = match kind {
                Kind::Microphone => ("MICROPHONE_FAILED", "microphoneId"),
                Kind::Speaker => ("SPEAKER_FAILED", "speakerId"),
            };
            return Err(ApiError::on_field(code, field, text));
        }
        {
            let mut slot = self.audio();
            let held = match kind {
                Kind::Microphone => &mut slot.mic,
                Kind::Speaker => &mut slot.out,
            };
            *held = Held {
                id: id.map(str::to_string),
                label: Some(label.clone()),
                failure_reported: false,
            };
        }
        let journal_kind = match kind {
            Kind::Microphone => "MICROPHONE_SWITCHED",
            Kind::Speaker => "SPEAKER_SWITCHED",
        };
        self.journal(journal_kind, "by=station");
        self.set_audio_status(kind, id, Some(label), true);
        Ok(())
    }

    fn set_audio_status(&self, kind: Kind, id: Option<&str>, label: Option<String>, ok: bool) {
        let message = self.audio_message();
        self.update(|s| {
            match kind {
                Kind::Microphone => {
                    s.audio.microphone_id = id.map(str::to_string);
                    s.audio.microphone_label = label;
                    s.audio.microphone_available = ok;
                }
                Kind::Speaker => {
                    s.audio.speaker_id = id.map(str::to_string);
                    s.audio.speaker_label = label;
                    s.audio.speaker_available = ok;
                }
            }
            s.audio.message = message;
        });
    }

    /// The French notice of what fails now (none: `None`).
    fn audio_message(&self) -> Option<String> {
        let slot = self.audio();
        let mut parts = Vec::new();
        if let Some(f) = slot.microphone.as_ref().and_then(|m| m.failure()) {
            if !slot.microphone.as_ref().is_some_and(|m| m.has_source()) {
                let label = slot.mic.label.clone().unwrap_or_default();
                parts.push(microphone_error_fr(&label, &media_error(&f)));
            }
        }
        if let Some(f) = slot.speaker.as_ref().and_then(|s| s.failure()) {
            if !slot.speaker.as_ref().is_some_and(|s| s.has_sink()) {
                let label = slot.out.label.clone().unwrap_or_default();
                parts.push(speaker_error_fr(&label, &media_error(&f)));
            }
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// Watches the microphone and the speaker while the call runs: a failure is journaled
    /// and shown; the missing device is looked for until it is back.
    async fn watch_audio(self: Arc<Self>) {
        let mut last_list: Option<Instant> = None;
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if !self.call_is_live() {
                break;
            }
            let (mic, out) = {
                let slot = self.audio();
                (slot.microphone.clone(), slot.speaker.clone())
            };
            let (Some(mic), Some(out)) = (mic, out) else {
                break;
            };
            // Every RETRY_EVERY the devices are listed: one in use that disappeared is
            // unplugged (a sound server may quietly move its stream elsewhere), and a
            // missing one that is back is opened again.
            let mut devices = None;
            if last_list.is_none_or(|t| t.elapsed() >= RETRY_EVERY) {
                last_list = Some(Instant::now());
                let source = self.source.clone();
                if let Ok(listed) =
                    tokio::task::spawn_blocking(move || audio_devices(&source)).await
                {
                    self.unplugged(&mic, &out, &listed);
                    devices = Some(listed);
                }
            }
            let mut missing = Vec::new();
            for (kind, failed) in [
                (Kind::Microphone, (!mic.has_source()).then(|| mic.failure())),
                (Kind::Speaker, (!out.has_sink()).then(|| out.failure())),
            ] {
                let Some(failure) = failed else { continue };
                missing.push(kind);
                self.report_audio_failure(kind, failure.as_ref());
            }
            let Some(devices) = devices else { continue };
            for kind in missing {
                self.try_recover(kind, &devices).await;
            }
        }
    }

    /// Takes out of the switches a device in use that is no longer listed.
    fn unplugged(&self, mic: &MicrophoneSwitch, out: &SpeakerSwitch, devices: &MediaDevices) {
        let (mic_id, out_id) = {
            let slot = self.audio();
            (slot.mic.id.clone(), slot.out.id.clone())
        };
        // An empty list is more likely a failed enumeration than every device unplugged.
        let gone = |id: &Option<String>, list: &[MediaDevice]| {
            id.as_ref()
                .filter(|_| !list.is_empty())
                .filter(|id| !list.iter().any(|d| &d.id == *id))
                .cloned()
        };
        if let Some(id) = gone(&mic_id, &devices.microphones).filter(|_| mic.has_source()) {
            let e = MediaError::DeviceNotFound(id.clone());
            mic.remove(Some(failure(e.code(), microphone_error_fr(&id, &e))));
        }
        if let Some(id) = gone(&out_id, &devices.speakers).filter(|_| out.has_sink()) {
            let e = MediaError::DeviceNotFound(id.clone());
            out.remove(Some(failure(e.code(), speaker_error_fr(&id, &e))));
        }
    }

    fn report_audio_failure(&self, kind: Kind, failure: Option<&SwitchFailure>) {
        let (already, id, label) = {
            let mut slot = self.audio();
            let held = match kind {
                Kind::Microphone => &mut slot.mic,
                Kind::Speaker => &mut slot.out,
            };
            let already = std::mem::replace(&mut held.failure_reported, true);
            (already, held.id.clone(), held.label.clone())
        };
        if already {
            return;
        }
        let code = failure.map_or("DEVICE_FAILED", |f| f.code.as_str());
        self.journal("DEVICE_FAILED", &format!("{}={code}", kind.code()));
        self.set_audio_status(kind, id.as_deref(), label, false);
    }

    /// Opens the missing device again when it is back (the one in use, or the default one).
    async fn try_recover(&self, kind: Kind, devices: &MediaDevices) {
        let (id, label) = {
            let slot = self.audio();
            let held = match kind {
                Kind::Microphone => &slot.mic,
                Kind::Speaker => &slot.out,
            };
            (held.id.clone(), held.label.clone())
        };
        let list = match kind {
            Kind::Microphone => &devices.microphones,
            Kind::Speaker => &devices.speakers,
        };
        if let Some(id) = &id {
            if !list.iter().any(|d| &d.id == id) {
                return;
            }
        }
        let opened = match self.open_device(kind, id.as_deref()).await {
            Ok(device) => self.install(device),
            Err(e) => Err(e),
        };
        match opened {
            Ok(()) => {
                {
                    let mut slot = self.audio();
                    match kind {
                        Kind::Microphone => slot.mic.failure_reported = false,
                        Kind::Speaker => slot.out.failure_reported = false,
                    }
                }
                self.journal("DEVICE_RECOVERED", kind.code());
                self.set_audio_status(kind, id.as_deref(), label, true);
            }
            Err(e) => {
                let text = error_fr(kind, label.as_deref().unwrap_or_default(), &e);
                self.update(|s| s.audio.message = Some(text));
            }
        }
    }
}

/// The microphones and speakers seen through `source` (no camera: quicker to list).
fn audio_devices(source: &MediaSource) -> MediaDevices {
    match source {
        MediaSource::Synthetic(_) => list_devices(source),
        MediaSource::Devices => {
            let named = |names: Vec<String>| {
                names
                    .into_iter()
                    .map(|n| MediaDevice {
                        id: n.clone(),
                        label: n,
                    })
                    .collect()
            };
            MediaDevices {
                cameras: Vec::new(),
                microphones: named(relais_media::list_microphones()),
                speakers: named(relais_media::list_speakers()),
            }
        }
    }
}

/// The error a switch's failure stands for (for its French words).
fn media_error(f: &SwitchFailure) -> MediaError {
    match f.code.as_str() {
        "DEVICE_NOT_FOUND" => MediaError::DeviceNotFound(f.message.clone()),
        _ => MediaError::DeviceFailed(f.message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_in_french_with_the_device_name() {
        let gone = MediaError::DeviceNotFound("x".into());
        let busy = MediaError::DeviceFailed("x".into());
        assert!(
            microphone_error_fr("Casque USB", &gone).contains("« Casque USB » n’est pas branché")
        );
        assert!(microphone_error_fr("Casque USB", &busy).contains("ne répond pas"));
        assert!(speaker_error_fr("Enceinte", &gone).contains("vous n’entendez pas le médecin"));
        let f = failure("DEVICE_NOT_FOUND", "x".into());
        assert!(matches!(media_error(&f), MediaError::DeviceNotFound(_)));
    }
}

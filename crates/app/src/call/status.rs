//! What the call screen shows (`CallStatus` of docs/COMMANDS.md), and the French wording
//! of the call's journal.
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where the call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CallState {
    /// The request is being sent to the hub.
    Sending,
    /// The hub has the request; no GP yet.
    WaitingGp,
    /// A GP accepted; the media link is being set up.
    Connecting,
    /// Media flows both ways.
    Connected,
    /// The link dropped; recovering without user action.
    Reconnecting,
    /// The call is over.
    Ended,
    /// The call could not be set up (see `error`).
    Failed,
}

impl CallState {
    /// Whether nothing more will happen to this call.
    pub fn is_over(self) -> bool {
        matches!(self, CallState::Ended | CallState::Failed)
    }
}

/// One entry of the call's journal as the nurse reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Stable kind (`CONNECTED`, `SIGNALING_LOST`, `MEDIA_DISCONNECTED`…).
    pub kind: String,
    /// French sentence.
    pub message: String,
}

/// A chat line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatLine {
    /// `gp` or `station`.
    pub from: String,
    /// The text.
    pub text: String,
    /// When it was written.
    pub at: DateTime<Utc>,
}

/// Link quality as measured by the peer connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quality {
    /// Round-trip time.
    pub rtt_ms: Option<f64>,
    /// Share of packets lost, in percent.
    pub loss_percent: Option<f64>,
    /// `good`, `fair` or `poor`.
    pub level: Option<&'static str>,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallError {
    /// Stable code.
    pub code: String,
    /// French message.
    pub message: String,
}

/// Everything the call screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallStatus {
    /// The station's consultation id.
    pub consultation_id: String,
    /// State.
    pub state: CallState,
    /// When the state was entered.
    pub since: DateTime<Utc>,
    /// The GP's name once one accepted.
    pub gp_name: Option<String>,
    /// Microphone muted.
    pub muted: bool,
    /// Camera sending.
    pub camera_on: bool,
    /// Link quality.
    pub quality: Quality,
    /// The journal, oldest first.
    pub events: Vec<CallEvent>,
    /// Chat lines.
    pub chat: Vec<ChatLine>,
    /// Why the call failed.
    pub error: Option<CallError>,
    /// The camera sent, its failures, and the stills taken.
    pub camera: super::cameras::CameraStatus,
    /// The microphone and the speaker in use, and their failures.
    pub audio: super::audio::AudioStatus,
}

impl CallStatus {
    /// A call being sent to the hub.
    pub fn new(consultation_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            consultation_id: consultation_id.to_string(),
            state: CallState::Sending,
            since: now,
            gp_name: None,
            muted: false,
            camera_on: true,
            quality: Quality::default(),
            events: Vec::new(),
            chat: Vec::new(),
            error: None,
            camera: Default::default(),
            audio: Default::default(),
        }
    }

    /// Moves to `state` (no-op when already there).
    pub fn set_state(&mut self, state: CallState, now: DateTime<Utc>) {
        if self.state != state {
            self.state = state;
            self.since = now;
        }
    }
}

/// Quality level from round-trip time and loss (thresholds of common video-call practice).
pub fn quality_level(rtt_ms: Option<f64>, loss_percent: Option<f64>) -> Option<&'static str> {
    if rtt_ms.is_none() && loss_percent.is_none() {
        return None;
    }
    let rtt = rtt_ms.unwrap_or(0.0);
    let loss = loss_percent.unwrap_or(0.0);
    Some(if rtt > 400.0 || loss > 10.0 {
        "poor"
    } else if rtt > 200.0 || loss > 3.0 {
        "fair"
    } else {
        "good"
    })
}

/// French wording of a journal entry.
pub fn message_fr(kind: &str) -> &'static str {
    match kind {
        "REQUESTED" => "Demande transmise au serveur Relais.",
        "GP_JOINED" => "Le médecin a rejoint l’appel.",
        "CONNECTED" => "Liaison audio et vidéo établie.",
        "SIGNALING_LOST" => "Liaison avec le serveur interrompue ; reconnexion automatique.",
        "SIGNALING_RESTORED" => "Liaison avec le serveur rétablie.",
        "MEDIA_DISCONNECTED" => "Liaison audio et vidéo interrompue.",
        "ICE_RESTART" => "Recherche d’un nouveau chemin réseau.",
        "RECOVERED" => "Liaison audio et vidéo rétablie.",
        "GP_LEFT" => "Le médecin s’est déconnecté ; attente de son retour.",
        "DEVICE_FAILED" => "Un appareil (caméra, micro ou haut-parleur) est indisponible ; l’appel continue sans lui.",
        "VIDEO_ADAPTED" => "Qualité de l’image ajustée au débit du réseau.",
        "PEER_REJOINED" => "Le médecin s’est reconnecté ; liaison rétablie.",
        "FAILED" => "La liaison audio et vidéo n’a pas pu être préparée.",
        "REFUSED" => "Le serveur Relais a refusé la connexion.",
        "ENDED" => "Appel terminé.",
        "CANCELLED" => "Demande annulée avant l’arrivée du médecin.",
        "STETHOSCOPE_ON" => "Stéthoscope transmis au médecin.",
        "STETHOSCOPE_OFF" => "Stéthoscope coupé.",
        "STETHOSCOPE_REQUESTED" => "Le médecin demande le stéthoscope.",
        "CLIP_STORED" => "Enregistrement du stéthoscope conservé dans le dossier.",
        "CLIP_FAILED" => "Enregistrement du stéthoscope interrompu.",
        "DEVICE_RECOVERED" => "L’appareil est de nouveau disponible ; il reprend tout seul.",
        "DEVICE_FALLBACK" => "Un appareil choisi n’est pas branché : l’appareil par défaut est utilisé.",
        "CAMERA_SWITCHED" => "Caméra changée.",
        "MICROPHONE_SWITCHED" => "Micro changé.",
        "SPEAKER_SWITCHED" => "Haut-parleur changé.",
        "STILL_TAKEN" => "Photo prise et enregistrée dans le dossier.",
        "DOCUMENT_RECEIVED" => "Document signé reçu du médecin.",
        "DOCUMENT_REFUSED" => "Document du médecin refusé : son empreinte ne correspond pas.",
        _ => "Incident technique.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_levels() {
        assert_eq!(quality_level(None, None), None);
        assert_eq!(quality_level(Some(30.0), Some(0.0)), Some("good"));
        assert_eq!(quality_level(Some(250.0), None), Some("fair"));
        assert_eq!(quality_level(Some(50.0), Some(12.0)), Some("poor"));
    }

    #[test]
    fn every_known_kind_has_its_own_wording() {
        for kind in [
            "CONNECTED",
            "SIGNALING_LOST",
            "MEDIA_DISCONNECTED",
            "RECOVERED",
            "ENDED",
        ] {
            assert_ne!(message_fr(kind), message_fr("SOMETHING_ELSE"), "{kind}");
        }
    }
}

//! The synthetic microphones and speakers (`RELAIS_MEDIA=synthetic`): two tones of
//! different pitch, so a switch is heard on the far side, and speakers that keep what they
//! play in memory, so tests can tell which one plays the GP's voice. Like the synthetic
//! cameras, a microphone can be unplugged or made busy (tests of failures and recovery).
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use relais_media::{AudioSource, MediaError, MemorySink, ToneSource};

use super::media::SYNTHETIC_TONE_HZ;

/// A synthetic audio device.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticAudio {
    /// Its id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Pitch of its tone (microphones).
    pub tone_hz: f32,
}

/// The synthetic microphones, the default one first.
pub const MICROPHONES: [SyntheticAudio; 2] = [
    SyntheticAudio {
        id: "synthetic-tone",
        name: "Micro de test (tonalité 440 Hz)",
        tone_hz: SYNTHETIC_TONE_HZ,
    },
    SyntheticAudio {
        id: "synthetic-headset",
        name: "Casque de test (tonalité 660 Hz)",
        tone_hz: 660.0,
    },
];

/// The synthetic speakers, the default one first.
pub const SPEAKERS: [SyntheticAudio; 2] = [
    SyntheticAudio {
        id: "synthetic-silent",
        name: "Haut-parleur de test (silencieux)",
        tone_hz: 0.0,
    },
    SyntheticAudio {
        id: "synthetic-headset",
        name: "Casque de test (écouteurs)",
        tone_hz: 0.0,
    },
];

/// Amplitude of the synthetic tones (of full scale).
const AMPLITUDE: f32 = 0.3;
/// Audio each synthetic speaker keeps, in seconds.
const KEPT_SECONDS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unplugged,
    Busy,
}

static MICROPHONE_STATES: Mutex<BTreeMap<String, State>> = Mutex::new(BTreeMap::new());
static SPEAKER_MEMORY: Mutex<BTreeMap<String, MemorySink>> = Mutex::new(BTreeMap::new());

fn states() -> MutexGuard<'static, BTreeMap<String, State>> {
    MICROPHONE_STATES.lock().unwrap_or_else(|p| p.into_inner())
}

fn state(id: &str) -> Option<State> {
    states().get(id).copied()
}

/// Unplugs microphone `id`: it fails if open, and is no longer listed.
pub fn unplug_microphone(id: &str) {
    states().insert(id.to_string(), State::Unplugged);
}

/// Makes microphone `id` busy: listed, but it cannot be opened.
pub fn make_microphone_busy(id: &str) {
    states().insert(id.to_string(), State::Busy);
}

/// Plugs microphone `id` back (or frees it).
pub fn plug_microphone(id: &str) {
    states().remove(id);
}

/// The microphones plugged in.
pub fn microphones() -> Vec<SyntheticAudio> {
    MICROPHONES
        .into_iter()
        .filter(|m| state(m.id) != Some(State::Unplugged))
        .collect()
}

/// The memory of speaker `id`: what it played last (tests read the GP's voice in it).
pub fn speaker_memory(id: &str) -> MemorySink {
    SPEAKER_MEMORY
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(id.to_string())
        .or_insert_with(|| MemorySink::new(KEPT_SECONDS))
        .clone()
}

/// Opens speaker `id` (`None`: the default one).
pub fn open_speaker(id: Option<&str>) -> Result<MemorySink, MediaError> {
    let id = id.unwrap_or(SPEAKERS[0].id);
    if !SPEAKERS.iter().any(|s| s.id == id) {
        return Err(MediaError::DeviceNotFound(id.to_string()));
    }
    Ok(speaker_memory(id))
}

/// A synthetic microphone: its tone, until it is unplugged.
pub struct SyntheticMicrophone {
    id: &'static str,
    tone: ToneSource,
}

impl SyntheticMicrophone {
    /// Opens microphone `id` (`None`: the default one).
    pub fn open(id: Option<&str>) -> Result<Self, MediaError> {
        let id = id.unwrap_or(MICROPHONES[0].id);
        let device = MICROPHONES
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| MediaError::DeviceNotFound(id.to_string()))?;
        match state(id) {
            Some(State::Unplugged) => Err(MediaError::DeviceNotFound(id.to_string())),
            Some(State::Busy) => Err(MediaError::DeviceFailed(format!(
                "{} est utilisé par un autre programme",
                device.name
            ))),
            None => Ok(Self {
                id: device.id,
                tone: ToneSource::new(device.tone_hz, AMPLITUDE),
            }),
        }
    }
}

impl AudioSource for SyntheticMicrophone {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        if state(self.id) == Some(State::Unplugged) {
            return Err(MediaError::DeviceFailed(format!("{} débranché", self.id)));
        }
        self.tone.next_chunk()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use relais_media::tone;

    #[test]
    fn each_microphone_has_its_tone_and_fails_once_unplugged() {
        // Ids of their own: the statics are shared by the tests of this binary.
        let mut mic = SyntheticMicrophone::open(Some("synthetic-headset")).unwrap();
        let chunk = mic.next_chunk().unwrap();
        assert!(tone::level(&chunk, 660.0) > 0.25);
        assert!(SyntheticMicrophone::open(Some("nope")).is_err());
        assert!(open_speaker(Some("nope")).is_err());
        let mut default = SyntheticMicrophone::open(None).unwrap();
        assert!(tone::level(&default.next_chunk().unwrap(), 440.0) > 0.25);
        let mut a = open_speaker(Some("synthetic-headset")).unwrap();
        relais_media::AudioSink::play(&mut a, &[7; 10]).unwrap();
        assert_eq!(speaker_memory("synthetic-headset").last(1), vec![7]);
    }
}

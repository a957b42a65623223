//! The microphone and the speaker changed during a live call on real sound devices: a
//! private PulseAudio server whose null sinks serve as two microphones (their monitors, fed
//! 440 Hz and 660 Hz tones) and two speakers (their monitors recorded), opened by the
//! station through cpal; a real hub; the GP as a webrtc-rs answerer.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use relais_app::call::{CallStatus, DeviceChoice, MediaDevice};
use relais_app::{CallObserver, Calls, MediaSource};
use relais_media::tone::level;
use support::gp::{self, GP_TONE_HZ};
use support::pulse::Pulse;

struct Quiet;
impl CallObserver for Quiet {
    fn status(&self, _: &CallStatus) {}
    fn remote_jpeg(&self, _: Vec<u8>) {}
}

async fn eventually(what: &str, within: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

fn rms(samples: &[i16]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

fn find<'a>(list: &'a [MediaDevice], part: &str) -> &'a MediaDevice {
    list.iter()
        .find(|d| d.id.contains(part))
        .unwrap_or_else(|| panic!("{part} not in {list:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn headset_plugged_mid_call_is_used_at_once_on_real_sound_devices() {
    let pulse = Pulse::start(&["desk_mic", "headset_mic", "desk_speaker", "headset_speaker"]);
    let _desk = pulse.tone("desk_mic", 440.0);
    let _headset = pulse.tone("headset_mic", 660.0);
    let desk_out = pulse.record("desk_speaker");
    let headset_out = pulse.record("headset_speaker");

    let hub = gp::Hub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(support::station::set_up(dir.path()));
    hub.enrol(&s).await;
    let c = Calls::new(Arc::clone(&s), MediaSource::Devices, Arc::new(Quiet));
    let v = c.devices().unwrap();
    eprintln!("[audio] microphones {:?}", v.microphones);
    eprintln!("[audio] speakers {:?}", v.speakers);
    let desk_mic = find(&v.microphones, "desk_mic").id.clone();
    let headset_mic = find(&v.microphones, "headset_mic").id.clone();
    let desk_speaker = find(&v.speakers, "desk_speaker").id.clone();
    let headset_speaker = find(&v.speakers, "headset_speaker").id.clone();
    c.select_devices(DeviceChoice {
        camera_id: None,
        microphone_id: Some(desk_mic.clone()),
        speaker_id: Some(desk_speaker.clone()),
    })
    .await
    .unwrap();

    let consultation = gp::requested_consultation(&s);
    c.start(&consultation).await.unwrap();
    let hub_id = s.hub_consultation(&consultation).unwrap().unwrap();
    let doctor = hub.gp_joins(&hub_id).await;
    eventually(
        "the GP hears the desk microphone",
        Duration::from_secs(20),
        || {
            let heard = doctor.heard.last(9600);
            heard.len() == 9600 && level(&heard, 440.0) > 0.1
        },
    )
    .await;
    eventually(
        "the desk speaker plays the GP",
        Duration::from_secs(5),
        || level(&desk_out.last(9600), GP_TONE_HZ) > 0.1,
    )
    .await;
    let offers = doctor.offers();

    // The headset is chosen mid-call: its microphone and its speaker at once.
    let switched_at = Instant::now();
    c.select_devices(DeviceChoice {
        camera_id: None,
        microphone_id: Some(headset_mic.clone()),
        speaker_id: Some(headset_speaker.clone()),
    })
    .await
    .unwrap();
    let answered = switched_at.elapsed();
    let heard_after = eventually(
        "the GP hears the headset only",
        Duration::from_secs(3),
        || {
            let heard = doctor.heard.last(4800);
            level(&heard, 660.0) > 0.1 && level(&heard, 440.0) < 0.02
        },
    )
    .await;
    // The GP heard no silence across the switch (what it heard since is still kept).
    let since = switched_at.elapsed();
    let heard = doctor
        .heard
        .last((since.as_secs_f64() * 48_000.0) as usize + 9600);
    let gap = support::longest_silence(&heard);
    eprintln!(
        "[audio] select_devices answered in {answered:?}; the GP heard the headset {heard_after:?} after it; longest silence the GP heard {gap:?}"
    );
    // Tight bounds are in the synthetic test; here room for a busy machine.
    assert!(gap < Duration::from_millis(400), "gap of {gap:?}");
    // The GP's voice goes on: the desk speaker keeps playing it until the headset (whose
    // sound server buffers before it starts) has taken over, then it is closed.
    let (mut silent_run, mut longest_gap) = (Duration::ZERO, Duration::ZERO);
    let mut headset_started = None;
    let mut tick = Instant::now();
    let desk_closed = loop {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let desk_on = level(&desk_out.last(960), GP_TONE_HZ) > 0.05;
        let headset_on = level(&headset_out.last(960), GP_TONE_HZ) > 0.05;
        let step = tick.elapsed();
        tick = Instant::now();
        if desk_on || headset_on {
            silent_run = Duration::ZERO;
        } else {
            silent_run += step;
            longest_gap = longest_gap.max(silent_run);
        }
        if headset_on {
            headset_started.get_or_insert_with(|| switched_at.elapsed());
        }
        if headset_on && !desk_on {
            break switched_at.elapsed();
        }
        assert!(
            switched_at.elapsed() < Duration::from_secs(12),
            "the headset never took over (desk {desk_on}, headset {headset_on}, started {headset_started:?}, desk rms {}, status {:?})",
            rms(&desk_out.last(960)),
            c.status().map(|s| (s.state, s.audio, s.events.iter().map(|e| e.kind.clone()).collect::<Vec<_>>()))
        );
    };
    eprintln!(
        "[audio] after the choice the headset played the GP at {headset_started:?}, the desk speaker stopped at {desk_closed:?}; longest silence between them {longest_gap:?}"
    );
    // Closing the desk speaker at once would leave the new one's start-up (2 s or more)
    // silent. The bound leaves room for a busy machine stalling the sound server (the
    // switch's own timing is checked tightly with the synthetic devices).
    assert!(
        longest_gap < Duration::from_secs(1),
        "speaker gap of {longest_gap:?}"
    );
    assert_eq!(doctor.offers(), offers, "no renegotiation");

    // The headset's microphone is unplugged: the call goes on, silence is sent, a notice.
    let module = pulse.module_of("headset_mic");
    pulse.pactl(&["unload-module", &module]);
    eventually(
        "the unplugged microphone is reported",
        Duration::from_secs(6),
        || {
            c.status().is_some_and(|s| {
                !s.audio.microphone_available && s.events.iter().any(|e| e.kind == "DEVICE_FAILED")
            })
        },
    )
    .await;
    let status = c.status().unwrap();
    eprintln!("[audio] notice: {:?}", status.audio.message);
    assert!(status
        .audio
        .message
        .as_deref()
        .unwrap_or_default()
        .contains("headset_mic"));
    assert_eq!(status.state, relais_app::call::CallState::Connected);
    eventually(
        "the GP no longer hears the headset",
        Duration::from_secs(3),
        || level(&doctor.heard.last(4800), 660.0) < 0.02,
    )
    .await;

    // Plugged back: reopened by itself.
    pulse.add_sink("headset_mic");
    let _headset = pulse.tone("headset_mic", 660.0);
    eventually("the microphone is back", Duration::from_secs(8), || {
        c.status().is_some_and(|s| {
            s.audio.microphone_available && s.events.iter().any(|e| e.kind == "DEVICE_RECOVERED")
        })
    })
    .await;
    eventually(
        "the GP hears the headset again",
        Duration::from_secs(4),
        || level(&doctor.heard.last(4800), 660.0) > 0.1,
    )
    .await;
    assert_eq!(doctor.offers(), offers, "no renegotiation");
    c.hang_up().await.unwrap();
}

//! The speaker's delay on a real sound server: a private PulseAudio whose null sink is opened
//! as the station's speaker (cpal), its monitor recorded. Fed as a call feeds it (20 ms
//! every 20 ms), the speaker starts playing soon after it opens, and a click is heard soon
//! after it is given: the delay of the GP's voice at the station.
#![allow(clippy::unwrap_used)]

mod support;

use std::cell::Cell;
use std::time::{Duration, Instant};

use relais_media::audio::{AudioSink, CHUNK_SAMPLES};
use relais_media::audio_device::Speaker;
use support::pulse::Pulse;

/// Loud enough to be the tone or the click, far above silence.
const LOUD: i16 = 5000;

/// 20 ms of a 1 kHz square wave at half scale.
fn loud_chunk() -> Vec<i16> {
    (0..CHUNK_SAMPLES)
        .map(|i| if (i / 24) % 2 == 0 { 16000 } else { -16000 })
        .collect()
}

/// Feeds `speaker` as a call does, 20 ms every 20 ms, `chunk(i)` for the i-th, until `done`
/// says so or `within` has passed.
fn feed(
    speaker: &mut Speaker,
    within: Duration,
    mut chunk: impl FnMut(usize) -> Vec<i16>,
    mut done: impl FnMut() -> bool,
) {
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < within && !done() {
        speaker.play(&chunk(i)).unwrap();
        i += 1;
        let next = Duration::from_millis(20 * i as u64);
        if let Some(wait) = next.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
}

#[test]
fn the_speaker_plays_what_it_is_given_within_a_fraction_of_a_second() {
    let pulse = Pulse::start(&["latency_speaker"]);
    let monitor = pulse.record("latency_speaker");
    std::thread::sleep(Duration::from_millis(300));

    // Start-up: a tone given from the moment the speaker opens.
    let opened = Instant::now();
    let mut speaker = Speaker::open(Some("latency_speaker")).unwrap();
    let tone = loud_chunk();
    feed(
        &mut speaker,
        Duration::from_secs(5),
        |_| tone.clone(),
        || monitor.heard_after(opened, LOUD).is_some(),
    );
    let start_up = monitor.heard_after(opened, LOUD);

    // Steady state: silence until the monitor has heard 300 ms of it (whatever of the tone was
    // still buffered has played), then a 60 ms click (longer than the speaker keeps when it
    // catches up after a stall, so a hiccup of the sound server cannot swallow it whole).
    let silence = vec![0i16; CHUNK_SAMPLES];
    let quiet = Duration::from_millis(300);
    feed(
        &mut speaker,
        Duration::from_secs(6),
        |_| silence.clone(),
        || monitor.quiet_for(quiet, LOUD),
    );
    assert!(monitor.quiet_for(quiet, LOUD), "the tone never stopped");
    let click_at = Cell::new(None::<Instant>);
    feed(
        &mut speaker,
        Duration::from_secs(3),
        |i| {
            if i == 10 {
                click_at.set(Some(Instant::now()));
            }
            if (10..13).contains(&i) {
                tone.clone()
            } else {
                silence.clone()
            }
        },
        || {
            click_at
                .get()
                .is_some_and(|at| monitor.heard_after(at, LOUD).is_some())
        },
    );
    let click = click_at.get().and_then(|at| monitor.heard_after(at, LOUD));
    eprintln!("[speaker] first sound {start_up:?} after opening; a click heard {click:?} after it was given");

    let start_up = start_up.expect("the speaker never played the tone");
    let click = click.expect("the speaker never played the click");
    // PulseAudio starts a new stream on a null sink about 1.6 s after it is uncorked, whatever
    // its buffer (pacat's stream plays at once); with the server's default buffer it was 3.6 s.
    assert!(
        start_up < Duration::from_millis(2500),
        "the speaker started playing only after {start_up:?}"
    );
    // The device buffer (2 × 20 ms) and the monitor's reads, 35–100 ms here, where the
    // server's default buffer kept the GP's voice 2.4 s late.
    assert!(
        click < Duration::from_millis(250),
        "a click was heard only {click:?} after it was given"
    );
}

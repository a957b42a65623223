//! The speaker's latency on a real sound server: a private PulseAudio whose null sink is
//! opened as the speaker through cpal, its monitor recorded with `pacat`. Fed like a call
//! (20 ms every 20 ms), the speaker must start playing soon after it opens and play a click
//! soon after it is given (mouth-to-ear delay of the GP's voice at the station).
#![cfg(feature = "audio-device")]
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relais_media::audio::{AudioSink, CHUNK_SAMPLES};
use relais_media::audio_device::Speaker;

/// Loud enough to be the click or tone, far above silence.
const LOUD: i16 = 5000;

struct Pulse {
    child: Child,
    dir: PathBuf,
    server: String,
}

impl Pulse {
    fn start(sink: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "relais-speaker-latency-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("native");
        let child = Command::new("pulseaudio")
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--disable-shm=yes",
                "-L",
            ])
            .arg(format!(
                "module-native-protocol-unix socket={} auth-anonymous=1",
                socket.display()
            ))
            .arg("-L")
            .arg(format!(
                "module-null-sink sink_name={sink} rate=48000 channels=1 sink_properties=device.description={sink}"
            ))
            .arg("-L")
            .arg("module-null-sink sink_name=void rate=48000 channels=1")
            .env("HOME", &dir)
            .env("XDG_RUNTIME_DIR", &dir)
            .env_remove("PULSE_SERVER")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (install it: cargo xtask setup)");
        let server = format!("unix:{}", socket.display());
        let mut this = Self { child, dir, server };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let listed = this.pactl(&["list", "short", "sinks"]);
            if listed.contains(sink) && listed.contains("void") {
                break;
            }
            if Instant::now() > deadline {
                let _ = this.child.kill();
                panic!("PulseAudio did not start");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        this.pactl(&["set-default-sink", "void"]);
        std::env::set_var("PULSE_SERVER", &this.server);
        this
    }

    fn pactl(&self, args: &[&str]) -> String {
        Command::new("pactl")
            .args(args)
            .env("PULSE_SERVER", &self.server)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Plays silence into `sink` with a 10 ms latency, as a sound card's own clock would run
    /// it: a null sink left alone renders in 2 s blocks, which would hold back any new stream.
    fn keep_running(&self, sink: &str) -> Killed {
        let child = Command::new("pacat")
            .args([
                "--playback",
                "-d",
                sink,
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
            ])
            .env("PULSE_SERVER", &self.server)
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Killed(child)
    }

    /// Records the monitor of `sink`: when each read arrived and its loudest sample.
    fn record(&self, sink: &str) -> Recorder {
        let mut child = Command::new("pacat")
            .args([
                "--record",
                "-d",
                &format!("{sink}.monitor"),
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=5",
                "--raw",
            ])
            .env("PULSE_SERVER", &self.server)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let reads = Arc::new(Mutex::new(Vec::<(Instant, i16)>::new()));
        let kept = Arc::clone(&reads);
        std::thread::spawn(move || {
            let mut buf = [0u8; 960];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let peak = buf[..n - n % 2]
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]).saturating_abs())
                    .max()
                    .unwrap_or(0);
                kept.lock().unwrap().push((Instant::now(), peak));
            }
        });
        Recorder { child, reads }
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Recorder {
    child: Child,
    reads: Arc<Mutex<Vec<(Instant, i16)>>>,
}

impl Recorder {
    /// How long after `since` the monitor first heard something loud.
    fn heard_after(&self, since: Instant) -> Option<Duration> {
        self.reads
            .lock()
            .unwrap()
            .iter()
            .find(|(at, peak)| *at >= since && *peak >= LOUD)
            .map(|(at, _)| *at - since)
    }
}

impl Recorder {
    /// Whether the monitor has heard only silence for the last `span` (and heard something).
    fn quiet_for(&self, span: Duration) -> bool {
        let reads = self.reads.lock().unwrap();
        let Some(&(last, _)) = reads.last() else {
            return false;
        };
        let since = last.checked_sub(span);
        since.is_some_and(|since| {
            reads.first().is_some_and(|(first, _)| *first <= since)
                && reads
                    .iter()
                    .filter(|(at, _)| *at >= since)
                    .all(|(_, peak)| *peak < LOUD)
        })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 20 ms of a 1 kHz square wave at half scale.
fn loud_chunk() -> Vec<i16> {
    (0..CHUNK_SAMPLES)
        .map(|i| if (i / 24) % 2 == 0 { 16000 } else { -16000 })
        .collect()
}

/// Feeds `speaker` like a call does, 20 ms every 20 ms, `chunk(i)` for the i-th, until `done`
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
    let pulse = Pulse::start("latency_speaker");
    let _clock = pulse.keep_running("latency_speaker");
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
        || monitor.heard_after(opened).is_some(),
    );
    let start_up = monitor.heard_after(opened);

    // Steady state: silence until the monitor has heard 300 ms of it (whatever of the tone was
    // still buffered has played), then one 20 ms click.
    let silence = vec![0i16; CHUNK_SAMPLES];
    let quiet = Duration::from_millis(300);
    feed(
        &mut speaker,
        Duration::from_secs(6),
        |_| silence.clone(),
        || monitor.quiet_for(quiet),
    );
    assert!(monitor.quiet_for(quiet), "the tone never stopped playing");
    let click_at = std::cell::Cell::new(None::<Instant>);
    feed(
        &mut speaker,
        Duration::from_secs(3),
        |i| {
            if i == 10 {
                click_at.set(Some(Instant::now()));
                tone.clone()
            } else {
                silence.clone()
            }
        },
        || {
            click_at
                .get()
                .is_some_and(|at| monitor.heard_after(at).is_some())
        },
    );
    let click = click_at.get().and_then(|at| monitor.heard_after(at));
    eprintln!("[speaker] first sound {start_up:?} after opening; a click heard {click:?} after it was given");

    let start_up = start_up.expect("the speaker never played the tone");
    let click = click.expect("the speaker never played the click");
    // A new stream on a PulseAudio null sink is started by the server about 1.6 s after it is
    // uncorked, whatever its buffer (pacat's uncorked stream plays at once); with the sound
    // server's default buffer it was 3.6 s.
    assert!(
        start_up < Duration::from_millis(2500),
        "the speaker started playing only after {start_up:?}"
    );
    // The device buffer (2 × 20 ms) and the monitor's reads: under 150 ms, where the default
    // buffer kept the GP's voice seconds late.
    assert!(
        click < Duration::from_millis(150),
        "a click was heard only {click:?} after it was given"
    );
}

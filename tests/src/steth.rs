//! The stethoscope through real parts: a private PulseAudio server whose null sink `steth`
//! (48 kHz, mono) plays the stethoscope's sound, its monitor `steth.monitor` opened by the
//! station as the stethoscope; test signals (multi-tone, heart-like S1/S2, clicks) played
//! into it with `paplay`/`pacat`; and the scripts that analyse, in the GP's Chromium, the
//! track the console receives.
use std::f64::consts::TAU;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::Result;

pub mod latency;

/// The stethoscope's input as the station opens it.
pub const STETH_SOURCE: &str = "steth.monitor";
/// The sink the test signals are played into.
pub const STETH_SINK: &str = "steth";
/// Sample rate of everything.
pub const RATE: u32 = 48_000;

/// Finds the console's stethoscope stream and records it (evaluate right after the page opens).
pub const STETH_PROBE_JS: &str = include_str!("js/steth_probe.js");
/// Measures the recorded stethoscope: levels at given frequencies, RMS, click onsets (async).
pub const STETH_MEASURE_JS: &str = include_str!("js/steth_measure.js");
/// Chromium's default path in one page: getUserMedia (speech processing on) → a loopback
/// peer connection → the same recorder (async).
pub const STETH_DEFAULT_PATH_JS: &str = include_str!("js/steth_default_path.js");
/// The latency recorder: starts on the stethoscope (`P.mode = "steth"`) or on the default
/// path's local and received tracks (`"default"`); `P.take` returns the recording (async).
pub const STETH_LATENCY_JS: &str = include_str!("js/steth_latency.js");

/// Tones of the response measurement (third-octave centres, 20 Hz to 16 kHz).
pub const TONES_HZ: &[f64] = &[
    20.0, 25.0, 31.5, 40.0, 50.0, 63.0, 80.0, 100.0, 125.0, 160.0, 200.0, 250.0, 315.0, 400.0,
    500.0, 630.0, 800.0, 1000.0, 1250.0, 1600.0, 2000.0, 3150.0, 5000.0, 8000.0, 12500.0, 16000.0,
];
/// Amplitude of each tone of the multi-tone (0..1 of full scale).
pub const TONE_AMPLITUDE: f64 = 0.025;

/// A private PulseAudio server with the `steth` null sink; stopped when dropped. Sets
/// `PULSE_SERVER` for this process (cpal's PulseAudio host and the `pa*` tools use it).
pub struct PulseServer {
    child: Child,
    dir: tempfile::TempDir,
    /// `unix:<socket>`.
    pub server: String,
}

impl PulseServer {
    /// Starts it and waits until `steth.monitor` is listed.
    pub fn start() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let socket = dir.path().join("native");
        let child = Command::new("pulseaudio")
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--disable-shm=yes",
                "--log-target=stderr",
                "-L",
            ])
            .arg(format!(
                "module-native-protocol-unix socket={} auth-anonymous=1",
                socket.display()
            ))
            .args([
                "-L",
                "module-null-sink sink_name=steth rate=48000 channels=1",
            ])
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", dir.path())
            .env_remove("PULSE_SERVER")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("pulseaudio: {e} (install pulseaudio: cargo xtask setup)"))?;
        let server = format!("unix:{}", socket.display());
        let mut this = Self { child, dir, server };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = Command::new("pactl")
                .args(["list", "short", "sources"])
                .env("PULSE_SERVER", &this.server)
                .output();
            if let Ok(o) = out {
                if String::from_utf8_lossy(&o.stdout).contains(STETH_SOURCE) {
                    break;
                }
            }
            if Instant::now() > deadline {
                let _ = this.child.kill();
                return Err("PulseAudio did not start (no steth.monitor)".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Anything else that plays sound goes to a sink of its own, never into the stethoscope.
        let _ = Command::new("pactl")
            .args(["load-module", "module-null-sink", "sink_name=void"])
            .env("PULSE_SERVER", &this.server)
            .output();
        let _ = Command::new("pactl")
            .args(["set-default-sink", "void"])
            .env("PULSE_SERVER", &this.server)
            .output();
        std::env::set_var("PULSE_SERVER", &this.server);
        Ok(this)
    }

    /// A file in the server's private folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Plays a WAV file into the `steth` sink (returns at once; the child plays it).
    pub fn play(&self, wav: &Path) -> Result<Child> {
        Ok(Command::new("paplay")
            .args(["-d", STETH_SINK, "--latency-msec=20"])
            .arg(wav)
            .env("PULSE_SERVER", &self.server)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?)
    }

    /// Plays silence into the sink until the guard is dropped: a real stethoscope's input
    /// never stops, whereas the null sink's monitor delivers nothing while nothing plays
    /// (the station's stream would stop and restart around each test signal).
    pub fn keep_running(&self) -> Result<Silence> {
        let zeros = std::fs::File::open("/dev/zero")?;
        let child = Command::new("pacat")
            .args([
                "--playback",
                "-d",
                STETH_SINK,
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=20",
                "--raw",
            ])
            .env("PULSE_SERVER", &self.server)
            .stdin(zeros)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        Ok(Silence(child))
    }

    /// Starts recording `source` (e.g. [`STETH_SOURCE`]) with `pacat` (5 ms fragments): the
    /// samples and, for each read, the wall-clock time it returned (see [`latency::WallMap`]).
    pub fn record(&self, source: &str) -> Result<MonitorRecorder> {
        let mut child = Command::new("pacat")
            .args([
                "--record",
                "-d",
                source,
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
            .spawn()?;
        let mut out = child.stdout.take().ok_or("pacat stdout")?;
        let count = Arc::new(AtomicUsize::new(0));
        let counted = count.clone();
        let reader = std::thread::spawn(move || {
            use std::io::Read;
            let mut samples: Vec<f32> = Vec::new();
            let mut stamps: Vec<(f64, f64)> = Vec::new();
            let mut odd: Option<u8> = None;
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let wall = unix_ms();
                let mut bytes: Vec<u8> = odd.take().into_iter().collect();
                bytes.extend_from_slice(&buf[..n]);
                if bytes.len() % 2 == 1 {
                    odd = bytes.pop();
                }
                samples.extend(
                    bytes
                        .chunks_exact(2)
                        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0),
                );
                stamps.push((samples.len() as f64, wall));
                counted.store(samples.len(), Ordering::Relaxed);
            }
            latency::Recording {
                samples,
                clock: latency::WallMap::new(stamps),
            }
        });
        Ok(MonitorRecorder {
            child,
            reader,
            count,
        })
    }
}

/// Silence played into the sink ([`PulseServer::keep_running`]); stops when dropped.
pub struct Silence(Child);

impl Drop for Silence {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A recording of a PulseAudio source under way ([`PulseServer::record`]).
pub struct MonitorRecorder {
    child: Child,
    reader: std::thread::JoinHandle<latency::Recording>,
    count: Arc<AtomicUsize>,
}

impl MonitorRecorder {
    /// Samples received so far (the source delivers only while its sink plays).
    pub fn samples(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Stops `pacat` and returns what it recorded.
    pub fn stop(mut self) -> Result<latency::Recording> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.reader
            .join()
            .map_err(|_| "the monitor's reader panicked".into())
    }
}

impl Drop for PulseServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Now, Unix milliseconds.
pub fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The recording of channel `channel` returned by [`STETH_LATENCY_JS`]'s `take`, its clock
/// from the page's stamps.
pub fn page_recording(taken: &Value, channel: usize) -> Result<latency::Recording> {
    if let Some(e) = taken.get("error") {
        return Err(format!("latency recorder: {e}").into());
    }
    let samples: Vec<f32> = taken["channels"][channel]
        .as_array()
        .ok_or_else(|| format!("no channel {channel} in the page's recording"))?
        .iter()
        .map(|v| v.as_f64().unwrap_or(0.0) as f32 / 32768.0)
        .collect();
    let stamps: Vec<(f64, f64)> = taken["stamps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(latency::Recording {
        samples,
        clock: latency::WallMap::new(stamps),
    })
}

/// Writes mono 16-bit samples as a WAV file.
pub fn write_wav(path: &Path, samples: &[f64]) -> Result {
    let pcm: Vec<i16> = samples
        .iter()
        .map(|s| (s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
        .collect();
    std::fs::write(path, relais_media::wav::encode(&pcm, RATE))?;
    Ok(())
}

/// `seconds` of every tone of [`TONES_HZ`] at [`TONE_AMPLITUDE`], with spread phases
/// (whole cycles in 2 s, so the file loops without a click).
pub fn multitone(seconds: f64) -> Vec<f64> {
    let n = (seconds * f64::from(RATE)) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(RATE);
            TONES_HZ
                .iter()
                .enumerate()
                .map(|(k, f)| {
                    // Quadratic phases (Schroeder) keep the crest factor low.
                    let phase = std::f64::consts::PI * (k * k) as f64 / TONES_HZ.len() as f64;
                    TONE_AMPLITUDE * (TAU * f * t + phase).sin()
                })
                .sum()
        })
        .collect()
}

/// A heart-like signal at 72 beats a minute: S1 (≈ 50 ms, 45 Hz with a 110 Hz
/// component) then S2 300 ms later (≈ 35 ms, 80 Hz with 150 Hz), damped bursts.
pub fn heart_sounds(seconds: f64) -> Vec<f64> {
    let n = (seconds * f64::from(RATE)) as usize;
    let period = 60.0 / 72.0;
    let burst = |t: f64, len: f64, f1: f64, f2: f64| -> f64 {
        if !(0.0..len).contains(&t) {
            return 0.0;
        }
        let env = (std::f64::consts::PI * t / len).sin().powi(2);
        env * (0.5 * (TAU * f1 * t).sin() + 0.2 * (TAU * f2 * t).sin())
    };
    (0..n)
        .map(|i| {
            let t = (i as f64 / f64::from(RATE)) % period;
            burst(t, 0.05, 45.0, 110.0) + 0.8 * burst(t - 0.30, 0.035, 80.0, 150.0)
        })
        .collect()
}

/// Level of `freq` in `samples` with a Hann window, dBFS of a sine's amplitude.
pub fn tone_db(samples: &[f64], freq: f64) -> f64 {
    let n = samples.len();
    if n == 0 {
        return -200.0;
    }
    let (mut re, mut im) = (0.0, 0.0);
    for (i, s) in samples.iter().enumerate() {
        let w = 0.5 - 0.5 * (TAU * i as f64 / n as f64).cos();
        let a = TAU * freq * i as f64 / f64::from(RATE);
        re += s * w * a.cos();
        im += s * w * a.sin();
    }
    let amp = 2.0 * (re * re + im * im).sqrt() / (n as f64 * 0.5);
    20.0 * amp.max(1e-10).log10()
}

/// The page script `body` with its parameters as `const P = …;` in front.
pub fn with_params(body: &str, params: &Value) -> String {
    format!("const P = {params};\n{body}")
}

/// Response relative to 1 kHz, in dB, from `{ "levels": { "<hz>": dB } }`.
pub fn response(measure: &Value) -> Result<Vec<(f64, f64)>> {
    let levels = measure
        .get("levels")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("no levels in {measure}"))?;
    let at = |f: f64| levels.get(&freq_key(f)).and_then(Value::as_f64);
    let reference = at(1000.0).ok_or("no 1 kHz level")?;
    Ok(TONES_HZ
        .iter()
        .filter_map(|&f| at(f).map(|db| (f, db - reference)))
        .collect())
}

/// How a frequency is named in the page's results.
pub fn freq_key(f: f64) -> String {
    format!("{f}")
}

/// Band edges at −3 dB: the lowest and highest tones from which the response stays within
/// 3 dB of 1 kHz (continuously from 1 kHz outwards).
pub fn band_edges(resp: &[(f64, f64)]) -> (f64, f64) {
    let ref_idx = resp.iter().position(|(f, _)| *f == 1000.0).unwrap_or(0);
    let mut low = resp.get(ref_idx).map_or(1000.0, |r| r.0);
    for (f, db) in resp[..ref_idx].iter().rev() {
        if *db < -3.0 {
            break;
        }
        low = *f;
    }
    let mut high = low.max(1000.0);
    for (f, db) in &resp[ref_idx..] {
        if *db < -3.0 {
            break;
        }
        high = *f;
    }
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multitone_holds_every_tone_at_its_level() {
        let s = multitone(1.0);
        assert!(s.iter().all(|x| x.abs() < 1.0));
        for f in [20.0, 40.0, 1000.0, 2000.0] {
            let db = tone_db(&s, f);
            let want = 20.0 * TONE_AMPLITUDE.log10();
            assert!((db - want).abs() < 0.5, "{f}: {db} vs {want}");
        }
    }

    #[test]
    fn edges_stop_at_the_first_drop() {
        let r = vec![
            (20.0, -10.0),
            (40.0, -2.0),
            (1000.0, 0.0),
            (2000.0, -1.0),
            (5000.0, -4.0),
            (8000.0, 0.0),
        ];
        assert_eq!(band_edges(&r), (40.0, 2000.0));
    }

    #[test]
    fn heart_sounds_are_low_pitched() {
        let s = heart_sounds(3.0);
        assert!(tone_db(&s, 45.0) > tone_db(&s, 1000.0) + 40.0);
    }
}

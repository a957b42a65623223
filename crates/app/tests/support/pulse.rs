//! A private PulseAudio server for one test binary: null sinks whose monitors serve as
//! microphones (fed a tone with `pacat`) and null sinks as speakers (their monitors
//! recorded with `pacat`). Sets `PULSE_SERVER` for this process (cpal's PulseAudio host
//! reads it); stopped when dropped.
#![allow(clippy::unwrap_used, dead_code)]

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The server.
pub struct Pulse {
    child: Child,
    _dir: tempfile::TempDir,
    server: String,
}

impl Pulse {
    /// Starts it with one null sink per name in `sinks` (description = its name).
    pub fn start(sinks: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("native");
        let mut cmd = Command::new("pulseaudio");
        cmd.args([
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
        ));
        for name in sinks.iter().copied().chain(["void"]) {
            cmd.arg("-L").arg(format!(
                "module-null-sink sink_name={name} rate=48000 channels=1 sink_properties=device.description={name}"
            ));
        }
        let child = cmd
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", dir.path())
            .env_remove("PULSE_SERVER")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (install it: cargo xtask setup)");
        let server = format!("unix:{}", socket.display());
        let mut this = Self {
            child,
            _dir: dir,
            server,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let listed = this.pactl(&["list", "short", "sinks"]);
            if sinks.iter().all(|s| listed.contains(s)) && listed.contains("void") {
                break;
            }
            if Instant::now() > deadline {
                let _ = this.child.kill();
                panic!("PulseAudio did not start");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Nothing plays into a microphone by default.
        this.pactl(&["set-default-sink", "void"]);
        this.pactl(&["set-default-source", "void.monitor"]);
        std::env::set_var("PULSE_SERVER", &this.server);
        this
    }

    /// Index of the module of null sink `name`.
    pub fn module_of(&self, name: &str) -> String {
        self.pactl(&["list", "short", "modules"])
            .lines()
            .find(|l| l.contains(&format!("sink_name={name} ")))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no module for {name}"))
            .to_string()
    }

    /// Adds null sink `name` (a device plugged in).
    pub fn add_sink(&self, name: &str) {
        self.pactl(&[
            "load-module",
            "module-null-sink",
            &format!("sink_name={name}"),
            "rate=48000",
            "channels=1",
            &format!("sink_properties=device.description={name}"),
        ]);
    }

    /// Runs `pactl` against this server; its output.
    pub fn pactl(&self, args: &[&str]) -> String {
        Command::new("pactl")
            .args(args)
            .env("PULSE_SERVER", &self.server)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Plays a continuous tone of `freq` Hz into `sink` until the player is dropped.
    pub fn tone(&self, sink: &str, freq: f64) -> Player {
        let mut child = Command::new("pacat")
            .args([
                "--playback",
                "-d",
                sink,
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=200",
                "--raw",
            ])
            .env("PULSE_SERVER", &self.server)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut n = 0u64;
            let start = Instant::now();
            while !s.load(Ordering::Relaxed) {
                // 20 ms at a time, 300 ms ahead of real time (no underrun on a busy machine).
                let mut bytes = Vec::with_capacity(1920);
                for _ in 0..960 {
                    let t = n as f64 / 48_000.0;
                    let v = (std::f64::consts::TAU * freq * t).sin() * 0.3 * 32767.0;
                    bytes.extend_from_slice(&(v as i16).to_le_bytes());
                    n += 1;
                }
                if input.write_all(&bytes).is_err() {
                    break;
                }
                let ahead = Duration::from_secs_f64(n as f64 / 48_000.0);
                let elapsed = start.elapsed();
                if ahead > elapsed + Duration::from_millis(300) {
                    std::thread::sleep(ahead - elapsed - Duration::from_millis(300));
                }
            }
        });
        Player { child, stop }
    }

    /// Records the monitor of `sink` until the recorder is dropped (the last 2 s kept).
    pub fn record(&self, sink: &str) -> Recorder {
        let mut child = Command::new("pacat")
            .args([
                "--record",
                "-d",
                &format!("{sink}.monitor"),
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
            ])
            .env("PULSE_SERVER", &self.server)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let samples = Arc::new(Mutex::new(Vec::<i16>::new()));
        let kept = Arc::clone(&samples);
        let reads = Arc::new(Mutex::new(Vec::<(Instant, i16)>::new()));
        let timed = Arc::clone(&reads);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut odd: Option<u8> = None;
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut bytes: Vec<u8> = odd.take().into_iter().collect();
                bytes.extend_from_slice(&buf[..n]);
                if bytes.len() % 2 == 1 {
                    odd = bytes.pop();
                }
                let read: Vec<i16> = bytes
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                let peak = read.iter().map(|s| s.saturating_abs()).max().unwrap_or(0);
                timed.lock().unwrap().push((Instant::now(), peak));
                let mut k = kept.lock().unwrap();
                k.extend(read);
                let excess = k.len().saturating_sub(96_000);
                k.drain(..excess);
            }
        });
        Recorder {
            child,
            samples,
            reads,
        }
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tone being played.
pub struct Player {
    child: Child,
    stop: Arc<AtomicBool>,
}

impl Drop for Player {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A monitor being recorded.
pub struct Recorder {
    child: Child,
    samples: Arc<Mutex<Vec<i16>>>,
    /// When each read arrived, and its loudest sample.
    reads: Arc<Mutex<Vec<(Instant, i16)>>>,
}

impl Recorder {
    /// The last `n` samples recorded.
    pub fn last(&self, n: usize) -> Vec<i16> {
        let s = self.samples.lock().unwrap();
        s[s.len().saturating_sub(n)..].to_vec()
    }

    /// How long after `since` the monitor first heard a sample of `level` or more.
    pub fn heard_after(&self, since: Instant, level: i16) -> Option<Duration> {
        self.reads
            .lock()
            .unwrap()
            .iter()
            .find(|(at, peak)| *at >= since && *peak >= level)
            .map(|(at, _)| *at - since)
    }

    /// Whether the monitor has heard nothing of `level` or more in the last `span` (and has
    /// been recording for that long).
    pub fn quiet_for(&self, span: Duration, level: i16) -> bool {
        let reads = self.reads.lock().unwrap();
        let (Some(&(first, _)), Some(&(last, _))) = (reads.first(), reads.last()) else {
            return false;
        };
        last.checked_sub(span).is_some_and(|since| {
            first <= since
                && reads
                    .iter()
                    .filter(|(at, _)| *at >= since)
                    .all(|(_, peak)| *peak < level)
        })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

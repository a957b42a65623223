//! A coturn TURN server on 127.0.0.1 with TURN REST credentials (`use-auth-secret`), as the
//! hub's ICE configuration expects; it can be paused to cut the media path on purpose.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{free_port, Result};

/// The shared secret between the test hub and coturn.
pub const TURN_SECRET: &str = "secret-partage-turn-de-test";

/// A running `turnserver`.
pub struct Turn {
    child: Child,
    /// Its UDP/TCP port.
    pub port: u16,
    /// Its log file.
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Turn {
    /// Starts coturn and waits until it listens.
    pub fn start() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let relay_base = 20_000 + (port % 200) * 100;
        let log = dir.path().join("turn.log");
        let child = Command::new("turnserver")
            .args([
                "-n",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                &format!("--listening-port={port}"),
                "--use-auth-secret",
                &format!("--static-auth-secret={TURN_SECRET}"),
                "--realm=relais",
                "--allow-loopback-peers",
                "--no-cli",
                "--no-tls",
                "--no-dtls",
                "--simple-log",
                // Verbose: each allocation is logged, so a test can tell the relay was used.
                "--verbose",
                &format!("--log-file={}", log.display()),
                &format!("--min-port={relay_base}"),
                &format!("--max-port={}", relay_base + 99),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("turnserver (coturn) not started: {e}"))?;
        let turn = Self {
            child,
            port,
            log,
            _dir: dir,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("coturn did not listen within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(turn)
    }

    /// `turn:127.0.0.1:<port>?transport=udp`.
    pub fn url(&self) -> String {
        format!("turn:127.0.0.1:{}?transport=udp", self.port)
    }

    /// Stops relaying (SIGSTOP): every packet through the relay is lost until [`Turn::resume`].
    pub fn pause(&self) -> Result {
        signal(self.child.id(), "-STOP")
    }

    /// Relays again (SIGCONT).
    pub fn resume(&self) -> Result {
        signal(self.child.id(), "-CONT")
    }

    /// What coturn logged.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn signal(pid: u32, sig: &str) -> Result {
    let status = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("kill {sig} {pid} failed").into())
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let _ = signal(self.child.id(), "-CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

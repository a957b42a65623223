//! The GP's browser as Firefox ESR (Debian `firefox-esr`), headless, driven through
//! geckodriver (installed by `cargo xtask setup` in ~/.cargo/bin).
//!
//! The OpenH264 plug-in is disabled, as on a network that blocks its download: Firefox then
//! offers no H.264, and the station must send and receive VP8.
use std::path::PathBuf;
use std::process::Stdio;

use fantoccini::ClientBuilder;
use serde_json::json;
use tokio::process::Command;

use crate::gp::GpBrowser;
use crate::{free_port, wait_for_driver, Result};

/// Firefox's preferences for a GP in tests.
fn prefs() -> serde_json::Value {
    json!({
        // Camera and microphone without a prompt, fake devices underneath.
        "media.navigator.permission.disabled": true,
        "media.navigator.streams.fake": true,
        // Sound and video start without a click (the console plays the station's voice).
        "media.autoplay.default": 0,
        "media.autoplay.block-webaudio": false,
        "media.autoplay.blocking_policy": 0,
        // The station listens on 127.0.0.1 and has no mDNS: plain host candidates, loopback too.
        "media.peerconnection.ice.loopback": true,
        "media.peerconnection.ice.obfuscate_host_addresses": false,
        // No OpenH264 (its download is blocked on many hospital networks): VP8 only.
        "media.gmp-gmpopenh264.enabled": false,
        "media.gmp-gmpopenh264.autoupdate": false,
        "media.gmp-manager.updateEnabled": false,
        "media.webrtc.hw.h264.enabled": false,
        // Nothing to the closed network.
        "app.update.enabled": false,
        "browser.shell.checkDefaultBrowser": false,
        "datareporting.policy.dataSubmissionEnabled": false,
        "toolkit.telemetry.enabled": false,
        "browser.safebrowsing.malware.enabled": false,
        "browser.safebrowsing.phishing.enabled": false,
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
    })
}

/// Starts geckodriver and a headless Firefox session on a fresh profile (HOME, XDG folders
/// and temporary files in a temporary folder).
pub async fn launch() -> Result<GpBrowser> {
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&home)?;
    std::fs::create_dir_all(&tmp)?;
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    // Firefox's Web Audio runs only with a sound device: a private PulseAudio with a null
    // sink, started by the same shell that then becomes geckodriver (so it is stopped with
    // the driver's process tree).
    let socket = tmp.join("pulse-native");
    let script = r#"pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no \
  --disable-shm=yes -L "module-native-protocol-unix socket=$RELAIS_PULSE auth-anonymous=1" \
  -L "module-null-sink sink_name=gp rate=48000" >/dev/null 2>&1 &
for _ in $(seq 50); do [ -S "$RELAIS_PULSE" ] && break; sleep 0.1; done
exec "$RELAIS_GECKO" --host 127.0.0.1 --port "$RELAIS_PORT""#;
    let driver = Command::new("sh")
        .args(["-c", script])
        .env("RELAIS_PULSE", &socket)
        .env("RELAIS_GECKO", geckodriver())
        .env("RELAIS_PORT", port.to_string())
        .env("PULSE_SERVER", format!("unix:{}", socket.display()))
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_RUNTIME_DIR", &tmp)
        .env("MOZ_HEADLESS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("geckodriver ({}) : {e}", geckodriver().display()))?;
    wait_for_driver(&url).await?;
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("firefox"));
    // The hub's self-signed certificate: the GP's browser would show a warning page.
    caps.insert("acceptInsecureCerts".into(), json!(true));
    caps.insert(
        "moz:firefoxOptions".into(),
        json!({
            "binary": firefox(),
            "args": ["-headless", "--width=1280", "--height=800"],
            "prefs": prefs(),
            "log": { "level": "warn" },
        }),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&url)
        .await?;
    client.set_window_size(1280, 800).await.ok();
    Ok(GpBrowser::from_parts(driver, dir, client))
}

fn firefox() -> String {
    std::env::var("RELAIS_FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into())
}

/// geckodriver from `RELAIS_GECKODRIVER`, else the PATH, else ~/.cargo/bin.
pub fn geckodriver() -> PathBuf {
    if let Some(path) = std::env::var_os("RELAIS_GECKODRIVER") {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("geckodriver"))
            .find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .unwrap_or_else(|| PathBuf::from("/root/.cargo"));
        home.join("bin/geckodriver")
    })
}

//! A demonstration hub beside the station for `cargo xtask run`: 127.0.0.1:8443, a demo GP
//! account and an enrolment code, printed with how the GP opens the console.
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{sh, Result};

/// The running demo hub; stopped on drop.
pub struct DemoHub {
    child: Child,
    /// `https://127.0.0.1:8443`.
    pub url: String,
    /// SHA-256 fingerprint of its certificate.
    pub fingerprint: String,
}

impl DemoHub {
    /// Starts `relais-hub --demo` on `data_dir` and waits for its `demo.json`.
    pub fn start(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        let demo = data_dir.join("demo.json");
        let _ = std::fs::remove_file(&demo);
        let bin = sh::root().join("target/debug/relais-hub");
        let child = Command::new(&bin)
            .args(["--demo", "--listen", "127.0.0.1:8443", "--data-dir"])
            .arg(data_dir)
            .current_dir(sh::root())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut hub = DemoHub {
            child,
            url: String::new(),
            fingerprint: String::new(),
        };
        let started = Instant::now();
        let info: serde_json::Value = loop {
            if let Ok(text) = std::fs::read_to_string(&demo) {
                if let Ok(v) = serde_json::from_str(&text) {
                    break v;
                }
            }
            if let Ok(Some(status)) = hub.child.try_wait() {
                return Err(format!("relais-hub stopped at start ({status})"));
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err("relais-hub did not write demo.json within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let field = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        hub.url = field("url");
        hub.fingerprint = field("fingerprint");
        println!();
        println!(
            "Console du médecin : ouvrez {} dans Chromium ou Firefox",
            hub.url
        );
        println!(
            "  (certificat auto-signé : acceptez-le après avoir comparé son empreinte {}).",
            hub.fingerprint
        );
        println!(
            "  Compte : {} / {} ; code TOTP affiché ci-dessus toutes les 30 s.",
            info["gp"]["email"].as_str().unwrap_or_default(),
            info["gp"]["password"].as_str().unwrap_or_default()
        );
        println!(
            "Station : Réglages → Serveur Relais, code d'enrôlement {} (adresse et empreinte pré-remplies).",
            field("enrolmentCode")
        );
        println!();
        Ok(hub)
    }
}

impl Drop for DemoHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The hub's configuration (`hub.toml`), with defaults that run on one laptop.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, SystemClock};
use crate::error::HubError;

/// Everything the hub needs to start. Every field has a default (see [`Config::default`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (HTTPS and WSS); port 0 picks a free port.
    pub listen: SocketAddr,
    /// Folder of the database, its key, the self-signed certificate and `demo.json`.
    pub data_dir: PathBuf,
    /// PEM certificate chain (production); absent: a self-signed one in the data folder.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key going with `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// File holding the 32-byte database key (hex); default `<data_dir>/hub.key`.
    pub db_key_file: Option<PathBuf>,
    /// Built GP console (`console.html`, `assets/`); default: `ui/dist` found from here.
    pub console_dir: Option<PathBuf>,
    /// STUN/TURN servers given to both sides.
    pub ice_servers: Vec<IceServerConfig>,
    /// coturn `static-auth-secret`: TURN servers get TURN REST credentials when set.
    pub turn_secret: Option<String>,
    /// Tell both sides to relay through TURN only.
    pub relay_only: bool,
    /// Absolute lifetime of a GP or coordinator session, in seconds (8 h).
    pub session_lifetime_secs: u64,
    /// A session unused this long ends, in seconds (30 min).
    pub session_idle_secs: u64,
    /// Argon2id cost of account passwords.
    pub password_cost: PasswordCost,
    /// Source of time; tests put a [`crate::ManualClock`] here.
    #[serde(skip)]
    pub clock: Option<Arc<dyn Clock>>,
}

/// One STUN or TURN server of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServerConfig {
    /// `stun:host:port` or `turn:host:port?transport=udp` URLs.
    pub urls: Vec<String>,
}

/// Argon2id parameters of account passwords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordCost {
    /// Memory in KiB (production 65536 = 64 MiB).
    pub m_kib: u32,
    /// Iterations (production 3).
    pub t: u32,
    /// Parallelism (production 1).
    pub p: u32,
}

impl PasswordCost {
    /// m = 64 MiB, t = 3, p = 1.
    pub const PRODUCTION: PasswordCost = PasswordCost {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// Cheap parameters for tests only (m = 1 MiB, t = 1).
    pub const FAST_FOR_TESTS: PasswordCost = PasswordCost {
        m_kib: 1024,
        t: 1,
        p: 1,
    };
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost::PRODUCTION
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            data_dir: default_data_dir(),
            tls_cert: None,
            tls_key: None,
            db_key_file: None,
            console_dir: None,
            ice_servers: Vec::new(),
            turn_secret: None,
            relay_only: false,
            session_lifetime_secs: 8 * 3600,
            session_idle_secs: 30 * 60,
            password_cost: PasswordCost::PRODUCTION,
            clock: None,
        }
    }
}

/// The OS data folder of the hub, e.g. `~/.local/share/relais-hub` on Linux.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("fr", "Relais", "relais-hub")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("relais-hub-data"))
}

impl Config {
    /// Reads a `hub.toml`; missing fields take their defaults, unknown ones are refused.
    pub fn load(path: &Path) -> Result<Config, HubError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| HubError::Config(format!("{} : {e}", path.display())))?;
        Config::from_toml(&text)
    }

    /// Parses the text of a `hub.toml`.
    pub fn from_toml(text: &str) -> Result<Config, HubError> {
        toml::from_str(text).map_err(|e| HubError::Config(e.to_string()))
    }

    /// A configuration for tests: port 0 on 127.0.0.1, the given data folder, cheap
    /// password hashing.
    pub fn for_tests(data_dir: &Path) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_path_buf(),
            password_cost: PasswordCost::FAST_FOR_TESTS,
            ..Config::default()
        }
    }

    /// The clock in use.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock))
    }

    /// Where the database key is kept.
    pub fn key_path(&self) -> PathBuf {
        self.db_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("hub.key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_file_and_refuses_unknown_fields() {
        let c = Config::from_toml(
            r#"
listen = "0.0.0.0:443"
data_dir = "/var/lib/relais-hub"
turn_secret = "s3cret"
relay_only = true
session_idle_secs = 60
[[ice_servers]]
urls = ["turn:turn.example.org:3478"]
[password_cost]
m_kib = 1024
t = 1
p = 1
"#,
        )
        .expect("parse");
        assert_eq!(c.listen.port(), 443);
        assert!(c.relay_only);
        assert_eq!(c.session_idle_secs, 60);
        assert_eq!(c.session_lifetime_secs, 8 * 3600);
        assert_eq!(c.ice_servers.len(), 1);
        assert!(Config::from_toml("lisen = \"x\"").is_err());
    }

    #[test]
    fn defaults_run_on_a_laptop() {
        let c = Config::from_toml("").expect("empty");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8443");
        assert_eq!(c.password_cost, PasswordCost::PRODUCTION);
    }
}

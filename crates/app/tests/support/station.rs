//! A station on a fresh data directory: storage unlocked, its site and first user set up,
//! or its user signed in again after a restart.
#![allow(clippy::unwrap_used, dead_code)]

use relais_app::dto::{SetupInput, SignInInput, SiteInput, SiteKind, UserInput};
use relais_app::{Clock, Config, KeyStoreChoice, Station, SystemClock};

/// The storage passphrase of the test stations.
pub const PASSPHRASE: &str = "phrase secrète de test";
/// The password of the test station's first user (`ines`).
pub const PASSWORD: &str = "correct horse battery";

/// The station's configuration on `dir` (passphrase key, sessions lock after 5 minutes).
pub fn config(dir: &std::path::Path) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        key_store: KeyStoreChoice::Passphrase,
        lock_after_seconds: 300,
        hub_url: None,
        hub_fingerprint: None,
    }
}

/// Starts a station in `dir` on `clock`, its storage unlocked.
pub fn start(dir: &std::path::Path, clock: Box<dyn Clock>) -> Station {
    let s = Station::start(config(dir), clock);
    s.unlock_storage(PASSPHRASE).unwrap();
    s
}

/// Sets up a pharmacy with user `ines` (first start).
pub fn setup_site(s: &Station) {
    s.setup_site(SetupInput {
        site: SiteInput {
            kind: SiteKind::Pharmacie,
            name: "Pharmacie du Parvis".into(),
            commune: "Chartres".into(),
            address: None,
        },
        user: UserInput {
            username: "ines".into(),
            display_name: "Inès Martin".into(),
            profession: "Pharmacienne".into(),
            rpps: None,
            password: PASSWORD.into(),
        },
    })
    .unwrap();
}

/// Signs `ines` in (a restart).
pub fn sign_in(s: &Station) {
    s.sign_in(SignInInput {
        username: "ines".into(),
        password: PASSWORD.into(),
    })
    .unwrap();
}

/// Starts a station in `dir` on the system clock, unlocks it and sets up its pharmacy.
pub fn set_up(dir: &std::path::Path) -> Station {
    let s = start(dir, Box::new(SystemClock));
    setup_site(&s);
    s
}

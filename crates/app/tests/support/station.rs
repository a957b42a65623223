//! A station on a fresh data directory, unlocked, its site and first user set up.
#![allow(clippy::unwrap_used, dead_code)]

use relais_app::dto::{SetupInput, SiteInput, SiteKind, UserInput};
use relais_app::{Config, KeyStoreChoice, Station, SystemClock};

/// The storage passphrase of the test stations.
pub const PASSPHRASE: &str = "phrase secrète de test";
/// The password of the test station's first user (`ines`).
pub const PASSWORD: &str = "correct horse battery";

/// Starts a station in `dir`, unlocks its storage and sets up a pharmacy with user `ines`.
pub fn set_up(dir: &std::path::Path) -> Station {
    let s = Station::start(
        Config {
            data_dir: dir.to_path_buf(),
            key_store: KeyStoreChoice::Passphrase,
            lock_after_seconds: 3600,
            hub_url: None,
            hub_fingerprint: None,
        },
        Box::new(SystemClock),
    );
    s.unlock_storage(PASSPHRASE).unwrap();
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
    s
}

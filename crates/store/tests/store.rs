//! Integration tests of the store on real SQLCipher files in temporary directories.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use relais_store::{
    key_from_passphrase, Actor, AuditEvent, ConsultationRow, DbKey, NewSite, NewUser, PatientQuery,
    PatientRow, Store, StoreError, SCHEMA_VERSION,
};
use serde_json::json;

const KEY_BYTES: [u8; 32] = [0x42; 32];

fn key() -> DbKey {
    DbKey::from_bytes(KEY_BYTES)
}

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 10, 9, min, 0)
        .single()
        .expect("valid time")
}

fn nurse() -> Actor {
    Actor::user("u-1", "imartin")
}

fn patient(search_key: &str, birth: (i32, u32, u32), nir: Option<&str>) -> PatientRow {
    PatientRow {
        id: String::new(),
        search_key: search_key.to_string(),
        birth_date: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).expect("date"),
        nir: nir.map(str::to_string),
        data: json!({ "nom": search_key.to_uppercase() }),
        created_at: t(0),
        updated_at: t(0),
    }
}

fn consultation(patient_id: &str, state: &str) -> ConsultationRow {
    ConsultationRow {
        id: String::new(),
        patient_id: patient_id.to_string(),
        state: state.to_string(),
        intake: json!({ "motif": "toux" }),
        assessment: json!({ "outcome": "accepted" }),
        redirection_acknowledged_at: None,
        created_at: t(0),
        updated_at: t(0),
    }
}

fn new_store() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("data").join("station.db");
    let store = Store::open(&path, &key()).expect("open");
    (dir, path, store)
}

/// A raw SQLCipher connection with the store's key, as an attacker holding the key would have.
fn raw(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).expect("raw open");
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(KEY_BYTES)))
        .expect("raw key");
    c
}

fn code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    r.expect_err("an error was expected").code()
}

fn assert_send<T: Send>() {}

#[test]
fn store_is_send() {
    assert_send::<Store>();
}

#[test]
fn open_create_and_reopen_with_the_same_key() {
    let (_dir, path, store) = new_store();
    let id = store
        .insert_patient(&nurse(), t(1), &patient("durand anne", (1980, 1, 2), None))
        .expect("insert");
    drop(store);
    let store = Store::open(&path, &key()).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let p = store.get_patient(&nurse(), t(2), &id).expect("get");
    assert_eq!(p.search_key, "durand anne");
    assert_eq!(p.data, json!({ "nom": "DURAND ANNE" }));
    assert_eq!(p.created_at, t(1));
}

#[test]
fn wrong_key_is_refused() {
    let (_dir, path, store) = new_store();
    drop(store);
    let err = Store::open(&path, &DbKey::from_bytes([1; 32])).expect_err("wrong key");
    assert_eq!(err.code(), "WRONG_KEY");
    assert!(err
        .to_string()
        .starts_with("La clé de chiffrement ne correspond pas à cette base"));
    // The right key still works: the failed attempt changed nothing.
    Store::open(&path, &key()).expect("right key");
}

#[test]
fn passphrase_fallback_round_trip() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("station.db");
    let salt = dir.path().join("station.salt");
    let k = key_from_passphrase("correct horse battery", &salt).expect("derive");
    let store = Store::open(&db, &k).expect("open");
    let id = store
        .insert_patient(&nurse(), t(1), &patient("petit leo", (2001, 5, 6), None))
        .expect("insert");
    drop(store);
    let salt_bytes = std::fs::read(&salt).expect("salt");

    let again = key_from_passphrase("correct horse battery", &salt).expect("derive again");
    assert_eq!(
        std::fs::read(&salt).expect("salt"),
        salt_bytes,
        "salt reused"
    );
    let store = Store::open(&db, &again).expect("reopen");
    assert_eq!(store.get_patient(&nurse(), t(2), &id).expect("get").id, id);
    drop(store);

    let wrong = key_from_passphrase("incorrect horse battery", &salt).expect("derive wrong");
    assert_eq!(code(Store::open(&db, &wrong)), "WRONG_KEY");
    assert_eq!(
        code(key_from_passphrase("trop court", &salt)),
        "PASSPHRASE_TOO_SHORT"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_no_clear_text(file: &Path, secrets: &[&[u8]]) {
    let bytes = std::fs::read(file).expect("read file");
    assert!(!bytes.is_empty(), "{} is empty", file.display());
    assert!(
        !contains(&bytes, b"SQLite format 3\0"),
        "plain SQLite header in {}",
        file.display()
    );
    for s in secrets {
        assert!(
            !contains(&bytes, s),
            "{:?} in clear in {}",
            String::from_utf8_lossy(s),
            file.display()
        );
    }
}

#[test]
fn nothing_is_in_clear_on_disk() {
    let (_dir, path, store) = new_store();
    let mut row = patient("dupontel jeanne", (1985, 1, 17), Some("2850175123456"));
    row.data = json!({ "nom": "DUPONTEL", "prenom": "Jeanne", "motif": "asthme" });
    store.insert_patient(&nurse(), t(1), &row).expect("insert");
    let secrets: [&[u8]; 5] = [
        b"DUPONTEL",
        b"dupontel",
        b"Jeanne",
        b"2850175123456",
        b"asthme",
    ];

    // While the WAL holds the data (no checkpoint yet).
    let wal = path.with_file_name("station.db-wal");
    assert!(std::fs::metadata(&wal).expect("wal").len() > 0);
    assert_no_clear_text(&wal, &secrets);
    assert_no_clear_text(&path, &secrets);

    // After the data moved into the main file.
    store.checkpoint().expect("checkpoint");
    assert_eq!(std::fs::metadata(&wal).expect("wal").len(), 0);
    assert_no_clear_text(&path, &secrets);
    drop(store);
    assert_no_clear_text(&path, &secrets);
}

#[test]
fn audit_chain_verifies_and_detects_tampering() {
    let (_dir, path, store) = new_store();
    let pid = store
        .insert_patient(&nurse(), t(1), &patient("leroy marc", (1970, 2, 3), None))
        .expect("insert");
    store.get_patient(&nurse(), t(2), &pid).expect("read");
    let e = store
        .append_audit(
            &nurse(),
            t(3),
            &AuditEvent {
                action: "triage.excluded",
                record_type: "consultation",
                record_id: Some("c-1"),
                detail: "reason=EXCLUDED_ABDOMINAL_PAIN",
            },
        )
        .expect("append");
    assert_eq!(e.seq, 3);
    store
        .record_sign_in(&Actor::system(), t(4), "personne", false)
        .expect("sign-in");
    let v = store.verify_audit().expect("verify");
    assert!(v.ok);
    assert_eq!(v.checked, 4);
    assert_eq!(v.first_broken, None);

    let entries = store.audit_entries(None, 10).expect("entries");
    assert_eq!(
        entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        [
            "patient.create",
            "patient.read",
            "triage.excluded",
            "user.sign_in_failed"
        ]
    );
    assert_eq!(entries[0].prev_hash, relais_store::GENESIS_HASH);
    assert!(entries.windows(2).all(|w| w[1].prev_hash == w[0].hash));
    assert_eq!(entries[0].record_id.as_deref(), Some(pid.as_str()));
    assert_eq!(entries[3].actor_label, "système");
    assert_eq!(entries[3].detail, "unknown_user");
    assert_eq!(store.audit_entries(Some(2), 1).expect("page")[0].seq, 3);
    assert_eq!(
        store.audit_head().expect("head"),
        Some((4, entries[3].hash.clone()))
    );

    // Normal SQL cannot change or remove entries.
    let c = raw(&path);
    assert!(c
        .execute("UPDATE audit SET detail = 'x' WHERE seq = 2", [])
        .is_err());
    assert!(c.execute("DELETE FROM audit WHERE seq = 4", []).is_err());
    assert!(c.execute("DELETE FROM audit", []).is_err());

    // An attacker with the key drops the triggers and rewrites entry 3.
    c.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .expect("drop triggers");
    c.execute("UPDATE audit SET detail = 'reason=NONE' WHERE seq = 3", [])
        .expect("tamper");
    let v = store.verify_audit().expect("verify");
    assert!(!v.ok);
    assert_eq!(v.checked, 4);
    assert_eq!(v.first_broken, Some(3));

    // Recomputing that entry's own hash still breaks the link of the next one.
    let forged: String = c
        .query_row("SELECT hash FROM audit WHERE seq = 2", [], |r| r.get(0))
        .expect("hash");
    c.execute(
        "UPDATE audit SET detail = 'reason=EXCLUDED_ABDOMINAL_PAIN' WHERE seq = 3",
        [],
    )
    .expect("restore");
    assert!(store.verify_audit().expect("verify").ok);
    c.execute("DELETE FROM audit WHERE seq = 2", [])
        .expect("delete");
    let v = store.verify_audit().expect("verify");
    assert_eq!((v.ok, v.checked, v.first_broken), (false, 3, Some(3)));
    assert_eq!(forged.len(), 64);
}

#[test]
fn migrations_are_idempotent_and_a_newer_schema_is_refused() {
    let (_dir, path, store) = new_store();
    drop(store);
    for _ in 0..3 {
        let s = Store::open(&path, &key()).expect("reopen");
        assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    }
    raw(&path)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("bump");
    let err = Store::open(&path, &key()).expect_err("too new");
    assert_eq!(err.code(), "TOO_NEW");
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
}

#[test]
fn site_is_unique() {
    let (_dir, _path, store) = new_store();
    assert!(store.site().expect("site").is_none());
    let new = NewSite {
        kind: "pharmacie".into(),
        name: "Pharmacie du Centre".into(),
        commune: "Aurillac".into(),
        address: Some("1 place de la Mairie".into()),
    };
    let site = store
        .create_site(&Actor::system(), t(1), &new)
        .expect("create");
    assert_eq!(store.site().expect("site"), Some(site.clone()));
    assert_eq!(
        code(store.create_site(&Actor::system(), t(2), &new)),
        "CONFLICT"
    );
    let audit = store.audit_entries(None, 10).expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "site.create");
    assert_eq!(audit[0].record_id.as_deref(), Some(site.id.as_str()));
}

#[test]
fn users_passwords_and_sign_ins() {
    let (_dir, _path, store) = new_store();
    assert_eq!(store.user_count().expect("count"), 0);
    let new = NewUser {
        username: "IMartin".into(),
        display_name: "Isabelle Martin".into(),
        profession: "infirmier".into(),
        rpps: Some("10001234567".into()),
        role: "manager".into(),
    };
    let u = store
        .create_user(&Actor::system(), t(1), &new, "mot de passe sûr")
        .expect("create");
    assert_eq!(u.role, "manager");
    assert_eq!(store.user_count().expect("count"), 1);
    assert_eq!(store.get_user(&u.id).expect("get"), Some(u.clone()));
    assert_eq!(store.get_user("nope").expect("get"), None);

    let dup = NewUser {
        username: "imartin".into(),
        ..new.clone()
    };
    assert_eq!(
        code(store.create_user(&Actor::system(), t(2), &dup, "autre")),
        "CONFLICT"
    );
    let bad_role = NewUser {
        username: "x".into(),
        role: "admin".into(),
        ..new.clone()
    };
    assert_eq!(
        code(store.create_user(&Actor::system(), t(2), &bad_role, "p")),
        "INVALID_INPUT"
    );

    assert_eq!(
        store
            .verify_password("imartin", "mot de passe sûr")
            .expect("verify")
            .map(|u| u.id),
        Some(u.id.clone())
    );
    assert_eq!(
        store.verify_password("IMARTIN", "mauvais").expect("verify"),
        None
    );
    assert_eq!(
        store
            .verify_password("inconnu", "mot de passe sûr")
            .expect("verify"),
        None
    );

    store
        .record_sign_in(&Actor::system(), t(3), "imartin", false)
        .expect("failed");
    store
        .record_sign_in(&Actor::user(&u.id, &u.username), t(4), "IMartin", true)
        .expect("ok");
    let a = store.audit_entries(None, 10).expect("audit");
    let summary: Vec<_> = a
        .iter()
        .map(|e| (e.action.as_str(), e.record_id.as_deref(), e.detail.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("user.create", Some(u.id.as_str()), "role=manager"),
            ("user.sign_in_failed", Some(u.id.as_str()), "bad_password"),
            ("user.sign_in", Some(u.id.as_str()), ""),
        ]
    );
    // The hash is never exposed, and not a clear password anywhere in the row type.
    assert!(!format!("{u:?}").contains("argon2"));
}

#[test]
fn patients_search_update_and_read_are_audited() {
    let (_dir, _path, store) = new_store();
    let a = store
        .insert_patient(
            &nurse(),
            t(1),
            &patient(
                "dupont-moreau jean pierre",
                (1950, 4, 5),
                Some("150047512345678"),
            ),
        )
        .expect("a");
    let b = store
        .insert_patient(&nurse(), t(2), &patient("dupuis marie", (1950, 4, 5), None))
        .expect("b");
    let c = store
        .insert_patient(
            &nurse(),
            t(3),
            &patient("martin jeanne", (1990, 7, 8), Some("290077512345678")),
        )
        .expect("c");

    let search = |q: PatientQuery| -> Vec<String> {
        store
            .search_patients(&nurse(), t(4), &q)
            .expect("search")
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let text = |s: &str| PatientQuery {
        text: Some(s.into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(search(text("dup")), [a.clone(), b.clone()]);
    assert_eq!(search(text("moreau")), [a.as_str()]);
    assert_eq!(search(text("jean")), [a.clone(), c.clone()]);
    assert_eq!(search(text("jean mar")), [c.as_str()]);
    assert_eq!(
        search(text("pont")),
        Vec::<String>::new(),
        "prefix of a word only"
    );
    assert_eq!(search(text("zzz")), Vec::<String>::new());
    assert_eq!(
        search(PatientQuery {
            birth_date: NaiveDate::from_ymd_opt(1950, 4, 5),
            limit: 50,
            ..Default::default()
        }),
        [a.clone(), b.clone()]
    );
    assert_eq!(
        search(PatientQuery {
            nir: Some("290077512345678".into()),
            limit: 50,
            ..Default::default()
        }),
        [c.as_str()]
    );
    assert_eq!(
        search(PatientQuery {
            text: Some("dup".into()),
            birth_date: NaiveDate::from_ymd_opt(1950, 4, 5),
            limit: 1,
            ..Default::default()
        }),
        [a.as_str()]
    );

    // Update: search key words follow; created_at kept, updated_at moves.
    let mut row = store.get_patient(&nurse(), t(5), &b).expect("get");
    row.search_key = "durand marie".into();
    row.data = json!({ "nom": "DURAND" });
    store.update_patient(&nurse(), t(6), &row).expect("update");
    assert_eq!(search(text("dupuis")), Vec::<String>::new());
    assert_eq!(search(text("durand")), [b.as_str()]);
    let got = store.get_patient(&nurse(), t(7), &b).expect("get");
    assert_eq!((got.created_at, got.updated_at), (t(2), t(6)));
    assert_eq!(got.data, json!({ "nom": "DURAND" }));

    let missing = PatientRow {
        id: "absent".into(),
        ..row.clone()
    };
    assert_eq!(
        code(store.update_patient(&nurse(), t(8), &missing)),
        "NOT_FOUND"
    );
    assert_eq!(
        code(store.get_patient(&nurse(), t(8), "absent")),
        "NOT_FOUND"
    );
    let dup = PatientRow {
        id: a.clone(),
        ..row
    };
    assert_eq!(code(store.insert_patient(&nurse(), t(8), &dup)), "CONFLICT");

    let audit = store.audit_entries(None, 100).expect("audit");
    let searches: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "patient.search")
        .collect();
    assert_eq!(searches.len(), 11);
    assert!(searches
        .iter()
        .all(|e| e.detail.starts_with("count=") && e.record_id.is_none()));
    assert_eq!(searches[0].detail, "count=2");
    let all_details: String = audit.iter().map(|e| e.detail.as_str()).collect();
    for word in ["dup", "jean", "moreau", "2900775"] {
        assert!(
            !all_details.contains(word),
            "query text {word} in the audit"
        );
    }
    let reads = audit.iter().filter(|e| e.action == "patient.read").count();
    assert_eq!(reads, 2);
    assert!(audit
        .iter()
        .any(|e| e.action == "patient.update" && e.record_id.as_deref() == Some(b.as_str())));
    assert!(store.verify_audit().expect("verify").ok);
}

#[test]
fn consultation_state_is_compare_and_set() {
    let (_dir, _path, store) = new_store();
    let p = store
        .insert_patient(&nurse(), t(1), &patient("roux paul", (1960, 1, 1), None))
        .expect("patient");
    let c1 = store
        .insert_consultation(&nurse(), t(2), &consultation(&p, "triaged"))
        .expect("c1");
    let c2 = store
        .insert_consultation(&nurse(), t(30), &consultation(&p, "excluded"))
        .expect("c2");
    let got = store.get_consultation(&c1).expect("get");
    assert_eq!((got.state.as_str(), got.created_at), ("triaged", t(2)));
    assert_eq!(got.intake, json!({ "motif": "toux" }));
    assert_eq!(code(store.get_consultation("absent")), "NOT_FOUND");
    assert_eq!(
        code(store.insert_consultation(&nurse(), t(3), &consultation("nobody", "triaged"))),
        "NOT_FOUND"
    );

    store
        .set_consultation_state(&nurse(), t(4), &c1, "triaged", "requested", "")
        .expect("cas");
    assert_eq!(
        code(store.set_consultation_state(&nurse(), t(5), &c1, "triaged", "cancelled", "")),
        "CONFLICT"
    );
    assert_eq!(
        code(store.set_consultation_state(&nurse(), t(5), "absent", "triaged", "cancelled", "")),
        "NOT_FOUND"
    );
    let got = store.get_consultation(&c1).expect("get");
    assert_eq!((got.state.as_str(), got.updated_at), ("requested", t(4)));

    store
        .acknowledge_redirection(&nurse(), t(31), &c2)
        .expect("ack");
    store
        .acknowledge_redirection(&nurse(), t(32), &c2)
        .expect("ack twice");
    assert_eq!(
        store
            .get_consultation(&c2)
            .expect("get")
            .redirection_acknowledged_at,
        Some(t(31))
    );

    let ids = |rows: Vec<ConsultationRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.consultations_for_patient(&p).expect("for")),
        [c1.clone(), c2.clone()]
    );
    assert_eq!(
        ids(store.consultations_between(t(0), t(30)).expect("between")),
        [c1.as_str()]
    );
    assert_eq!(
        ids(store.consultations_between(t(30), t(59)).expect("between")),
        [c2.as_str()]
    );

    let actions: Vec<_> = store
        .audit_entries(None, 100)
        .expect("audit")
        .into_iter()
        .filter(|e| e.record_type == "consultation")
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "consultation.create",
            "consultation.create",
            "consultation.requested",
            "consultation.redirection_acknowledged"
        ]
    );
}

#[test]
fn drafts_round_trip_without_audit() {
    let (_dir, path, store) = new_store();
    assert_eq!(store.load_draft("u-1", "intake").expect("load"), None);
    store
        .save_draft("u-1", "intake", &json!({ "motif": "fiè" }), t(1))
        .expect("save");
    store
        .save_draft("u-1", "intake", &json!({ "motif": "fièvre" }), t(2))
        .expect("replace");
    store
        .save_draft("u-2", "intake", &json!({ "motif": "autre" }), t(2))
        .expect("other");
    drop(store);
    let store = Store::open(&path, &key()).expect("reopen");
    assert_eq!(
        store.load_draft("u-1", "intake").expect("load"),
        Some(json!({ "motif": "fièvre" }))
    );
    store.delete_draft("u-1", "intake").expect("delete");
    store.delete_draft("u-1", "intake").expect("delete again");
    assert_eq!(store.load_draft("u-1", "intake").expect("load"), None);
    assert!(store.load_draft("u-2", "intake").expect("load").is_some());
    assert!(store.audit_entries(None, 10).expect("audit").is_empty());
}

const KILL_CHILD_ENV: &str = "RELAIS_STORE_KILL_CHILD_DB";

/// Child side of `committed_data_survives_kill_9`; does nothing in a normal test run.
#[test]
fn kill_9_child() {
    let Ok(db) = std::env::var(KILL_CHILD_ENV) else {
        return;
    };
    let store = Store::open(Path::new(&db), &key()).expect("child open");
    let id = store
        .insert_patient(
            &nurse(),
            t(1),
            &patient("dupontel jeanne", (1985, 1, 17), None),
        )
        .expect("child insert");
    println!("COMMITTED {id}");
    // Keep writing until killed, so that the kill lands in the middle of transactions
    // (bounded, in case the parent is gone).
    let start = std::time::Instant::now();
    let mut i = 0u64;
    while start.elapsed() < std::time::Duration::from_secs(30) {
        i += 1;
        store
            .insert_patient(
                &nurse(),
                t(2),
                &patient(&format!("suivant {i}"), (1990, 1, 1), None),
            )
            .expect("child insert loop");
    }
}

#[test]
fn committed_data_survives_kill_9() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("station.db");
    drop(Store::open(&db, &key()).expect("create"));
    let mut child = Command::new(std::env::current_exe().expect("exe"))
        .args(["--exact", "kill_9_child", "--nocapture", "--test-threads=1"])
        .env(KILL_CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut committed = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        // libtest prints "test kill_9_child ... " before the child's own output.
        if let Some((_, id)) = line.split_once("COMMITTED ") {
            committed = Some(id.trim().to_string());
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix.
    let status = child.wait().expect("wait");
    assert!(!status.success(), "the child was killed");
    let id = committed.expect("the child committed a patient");

    let store = Store::open(&db, &key()).expect("reopen after kill");
    let p = store
        .get_patient(&nurse(), t(3), &id)
        .expect("committed patient");
    assert_eq!(p.search_key, "dupontel jeanne");
    let audit = store.audit_entries(None, u32::MAX).expect("audit");
    assert_eq!(audit[0].action, "patient.create");
    assert_eq!(audit[0].record_id.as_deref(), Some(id.as_str()));
    // Every patient that made it has its audit entry, and nothing half-written remains.
    let created = audit
        .iter()
        .filter(|e| e.action == "patient.create")
        .count();
    let patients: i64 = raw(&db)
        .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .expect("count");
    assert_eq!(created as i64, patients);
    let v = store.verify_audit().expect("verify");
    assert!(v.ok, "{v:?}");
    eprintln!("kill -9 after {patients} committed patients");
}

#[cfg(target_os = "linux")]
#[test]
fn kernel_keyring_creates_then_reloads_the_key() {
    use relais_store::{existing_key_from_keyring, key_from_keyring, use_key_store, KeyStoreKind};
    let keyctl_works = Command::new("keyctl")
        .args(["show", "@s"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !keyctl_works {
        eprintln!("SKIPPED: keyctl is unavailable here, the kernel keyring cannot be tested");
        return;
    }
    use_key_store(KeyStoreKind::KernelKeyutils).expect("kernel store");
    let service = "relais-store-test";
    let account = format!("db-{}", uuid::Uuid::new_v4());
    assert_eq!(
        code(existing_key_from_keyring(service, &account)),
        "KEY_MISSING"
    );
    let k1 = key_from_keyring(service, &account).expect("create");
    let k2 = key_from_keyring(service, &account).expect("reload");
    let k3 = existing_key_from_keyring(service, &account).expect("existing");
    assert_eq!(k1, k2);
    assert_eq!(k1, k3);

    // It is in the kernel: the session keyring and the user's persistent keyring.
    let desc = format!("keyring:{account}@{service}");
    let found_in = |ring: &str| {
        Command::new("keyctl")
            .args(["search", ring, "user", &desc])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    assert!(found_in("@s"), "in the session keyring");
    let persistent = Command::new("keyctl")
        .args(["get_persistent", "@s"])
        .output()
        .expect("get_persistent");
    if persistent.status.success() {
        let id = String::from_utf8_lossy(&persistent.stdout)
            .trim()
            .to_string();
        assert!(found_in(&id), "linked to the persistent keyring");
    }

    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("k.db");
    drop(Store::open(&db, &k1).expect("open with the keyring key"));
    Store::open(&db, &k2).expect("reopen with the reloaded key");

    keyring_core::Entry::new(service, &account)
        .expect("entry")
        .delete_credential()
        .expect("cleanup");
}

#[test]
fn hub_link_and_call_journal_are_kept_and_audited() {
    let (_dir, path, store) = new_store();
    assert!(store.hub_link().expect("link").is_none());
    let link = relais_store::HubLinkRow {
        url: "https://127.0.0.1:8443/".into(),
        fingerprint: Some("ab".repeat(32)),
        station_id: "st-1".into(),
        station_name: "Pharmacie du Marché".into(),
        token: "secret-station-token".into(),
        enrolled_at: t(1),
    };
    store.save_hub_link(&nurse(), t(1), &link).expect("save");
    assert_eq!(store.hub_link().expect("link"), Some(link.clone()));
    assert!(
        !format!("{link:?}").contains("secret"),
        "the token stays out of Debug"
    );

    let p = store
        .insert_patient(&nurse(), t(2), &patient("roux paul", (1960, 1, 1), None))
        .expect("patient");
    let c = store
        .insert_consultation(&nurse(), t(3), &consultation(&p, "requested"))
        .expect("consultation");
    assert_eq!(store.hub_consultation_id(&c).expect("none"), None);
    store
        .set_hub_consultation(&nurse(), t(4), &c, "hub-42")
        .expect("hub id");
    assert_eq!(
        store.hub_consultation_id(&c).expect("id").as_deref(),
        Some("hub-42")
    );
    assert_eq!(
        code(store.set_hub_consultation(&nurse(), t(4), "absent", "x")),
        "NOT_FOUND"
    );

    store
        .record_call_event(
            &Actor::system(),
            t(5),
            &c,
            "CONNECTED",
            "offer_to_connected_ms=180",
        )
        .expect("event");
    store
        .record_call_event(
            &Actor::system(),
            t(6),
            &c,
            "MEDIA_DISCONNECTED",
            "ice=disconnected",
        )
        .expect("event");
    assert_eq!(
        code(store.record_call_event(&Actor::system(), t(6), &c, "bad kind", "")),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(store.record_call_event(&Actor::system(), t(6), "absent", "ENDED", "")),
        "NOT_FOUND"
    );
    drop(store);

    // The journal survives a reopen, in order, and each entry is in the audit chain.
    let store = Store::open(&path, &key()).expect("reopen");
    let kinds: Vec<String> = store
        .call_events(&c)
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["CONNECTED", "MEDIA_DISCONNECTED"]);
    let audit = store.audit_entries(None, 100).expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "hub.enrol",
        "consultation.hub_request",
        "call.connected",
        "call.media_disconnected",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(store.verify_audit().expect("verify").ok);
}

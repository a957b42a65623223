//! Attachments (stills, stethoscope clips) on real SQLCipher files.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use relais_store::{
    Actor, ConsultationRow, DbKey, NewAttachment, PatientRow, Store, StoreError,
    MAX_ATTACHMENT_BYTES,
};
use serde_json::json;

fn key() -> DbKey {
    DbKey::from_bytes([0x17; 32])
}

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, min, 0)
        .single()
        .expect("valid time")
}

fn nurse() -> Actor {
    Actor::user("u-1", "imartin")
}

fn code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    r.expect_err("an error").code()
}

/// A store with one patient and one consultation; returns the consultation id.
fn store_with_consultation(dir: &std::path::Path) -> (Store, String) {
    let store = Store::open(&dir.join("station.db"), &key()).expect("open");
    let p = store
        .insert_patient(
            &nurse(),
            t(0),
            &PatientRow {
                id: String::new(),
                search_key: "roux paul".into(),
                birth_date: NaiveDate::from_ymd_opt(1950, 2, 3).expect("date"),
                nir: None,
                data: json!({ "nom": "ROUX" }),
                created_at: t(0),
                updated_at: t(0),
            },
        )
        .expect("patient");
    let c = store
        .insert_consultation(
            &nurse(),
            t(1),
            &ConsultationRow {
                id: String::new(),
                patient_id: p,
                state: "inCall".into(),
                intake: json!({ "motif": "otite" }),
                assessment: json!({ "outcome": "accepted" }),
                redirection_acknowledged_at: None,
                created_at: t(1),
                updated_at: t(1),
            },
        )
        .expect("consultation");
    (store, c)
}

fn still(consultation_id: &str, bytes: Vec<u8>) -> NewAttachment {
    NewAttachment {
        consultation_id: consultation_id.to_string(),
        kind: "still".into(),
        mime: "image/jpeg".into(),
        label: Some("otoscope".into()),
        meta: json!({ "width": 1920, "height": 1080 }),
        bytes,
    }
}

#[test]
fn attachments_are_kept_encrypted_listed_and_read_with_audit() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, c) = store_with_consultation(dir.path());
    let marker = b"TYMPAN-ROUGE-BOMBE-0123456789".to_vec();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF];
    jpeg.extend_from_slice(&marker);
    let row = store
        .add_attachment(&nurse(), t(2), &still(&c, jpeg.clone()))
        .expect("add");
    assert_eq!(row.size, jpeg.len() as u64);
    assert_eq!(row.created_by, "u-1");

    let clip = NewAttachment {
        kind: "stethoscopeClip".into(),
        mime: "audio/wav".into(),
        label: None,
        meta: json!({ "seconds": 15 }),
        ..still(&c, vec![1, 2, 3, 4])
    };
    store
        .add_attachment(&Actor::system(), t(3), &clip)
        .expect("clip");

    let listed = store.attachments(&c).expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], row);
    assert_eq!(listed[1].kind, "stethoscopeClip");
    assert_eq!(listed[1].meta, json!({ "seconds": 15 }));
    assert!(store.attachments("absent").expect("none").is_empty());

    assert_eq!(
        store
            .attachment_bytes(&nurse(), t(4), &row.id)
            .expect("bytes"),
        jpeg
    );
    assert_eq!(
        code(store.attachment_bytes(&nurse(), t(4), "absent")),
        "NOT_FOUND"
    );
    let actions: Vec<String> = store
        .audit_entries(None, 1000)
        .expect("audit")
        .into_iter()
        .filter(|e| e.action.starts_with("attachment."))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["attachment.add", "attachment.add", "attachment.read"]
    );
    assert!(store.verify_audit().expect("verify").ok);
    store.checkpoint().expect("checkpoint");
    drop(store);

    // The bytes are in the encrypted file only.
    let file = std::fs::read(dir.path().join("station.db")).expect("file");
    assert!(!file.windows(marker.len()).any(|w| w == marker.as_slice()));
    // And they survive a reopen.
    let store = Store::open(&dir.path().join("station.db"), &key()).expect("reopen");
    assert_eq!(store.attachments(&c).expect("list").len(), 2);
}

#[test]
fn bad_attachments_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, c) = store_with_consultation(dir.path());
    let bad_kind = NewAttachment {
        kind: "video".into(),
        ..still(&c, vec![1])
    };
    assert_eq!(
        code(store.add_attachment(&nurse(), t(2), &bad_kind)),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(store.add_attachment(&nurse(), t(2), &still(&c, Vec::new()))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(store.add_attachment(
            &nurse(),
            t(2),
            &still(&c, vec![0; MAX_ATTACHMENT_BYTES + 1])
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(store.add_attachment(&nurse(), t(2), &still("absent", vec![1]))),
        "NOT_FOUND"
    );
    assert!(store.attachments(&c).expect("list").is_empty());
}

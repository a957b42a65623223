//! The sick note (arrêt de travail) signed on a real hub: the hub fills the prescriber, the
//! patient, the number and the date, decides from the patient's record whether the GP is the
//! médecin traitant, and refuses what `relais_core::sick_note` refuses (4 days by another GP,
//! a contradicted declaration, a backdated start) with the core's code on its field.
mod common;

use chrono::{Duration, NaiveDate};
use common::accepted::Accepted;
use common::*;
use relais_core::sick_note::{SickNote, TreatingGpSource};
use relais_protocol::documents::SignedDocument;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The GP's RPPS in the test hub (see `common`).
const GP_RPPS: &str = "10100345676";
/// Another valid RPPS.
const OTHER_RPPS: &str = "10002727377";

/// A consultation accepted by the GP; the patient's recorded médecin traitant is `treating`.
async fn accepted(treating: Option<Value>) -> Accepted {
    let th = hub().await;
    // Mid-morning, so that the clock's 30 s steps never cross midnight during a test.
    let morning = th.now().date_naive().and_hms_opt(10, 0, 0).expect("10:00");
    th.clock.set(morning.and_utc());
    let mut body = request_body("local-1", &ok_intake(&th));
    if let Some(t) = treating {
        body["patient"]["treatingDoctor"] = t;
    }
    Accepted::request(th, body).await
}

/// The hub's date of issue, as its clock gives it.
fn today(a: &Accepted) -> NaiveDate {
    relais_hub::Clock::today(&*a.th.clock)
}

/// What the console sends: the GP's fields only.
fn note(a: &Accepted, days: u32, declared: bool) -> Value {
    json!({
        "kind": "initial",
        "startDate": today(a),
        "days": days,
        "declaredTreatingGp": declared,
        "reason": "Syndrome grippal, fièvre à 39 °C",
        "exits": "allowed",
        "exitsJustification": null,
        "notes": ""
    })
}

/// Signs a sick note with a fresh code.
async fn sign(a: &Accepted, content: Value, supersedes: Option<&str>) -> SignedDocument {
    a.sign("sickNote", content, supersedes).await
}

/// A refusal: 422 DOCUMENT_INVALID with the field and the core's code.
async fn refused(a: &Accepted, content: Value) -> (String, String, String) {
    let code = a.fresh_code();
    let res = a.sign_raw(&a.gp, "sickNote", content, &code, None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("body");
    assert_eq!(body["code"], "DOCUMENT_INVALID");
    let s = |k: &str| body[k].as_str().expect("string").to_string();
    (s("field"), s("reason"), s("message"))
}

#[tokio::test]
async fn a_three_day_note_is_signed_with_the_hub_s_facts() {
    let a = accepted(None).await;
    let mut content = note(&a, 3, false);
    // What the hub vouches for is overwritten whatever the console sends.
    content["id"] = json!("MINE");
    content["byTreatingGp"] = json!(true);
    content["prescriber"] = json!({"name": "Dr Faux", "rpps": "00000000000"});
    let doc = sign(&a, content, None).await;
    assert_eq!(doc.kind.code(), "sickNote");
    assert_eq!(doc.version, 1);
    assert!(doc.verify());
    let c = &doc.content;
    assert_eq!(c["id"], json!(doc.id));
    assert_eq!(c["prescriber"]["rpps"], GP_RPPS);
    assert_eq!(c["patient"]["familyName"], "Durand");
    assert_eq!(c["byTreatingGp"], false);
    assert_eq!(c["treatingGpSource"], "declaration");
    assert!(c.get("declaredTreatingGp").is_none());
    assert_eq!(c["reason"], "Syndrome grippal, fièvre à 39 °C");
    let note: SickNote = serde_json::from_value(c.clone()).expect("sick note");
    assert_eq!(note.days, 3);
    assert_eq!(note.end_date(), Some(today(&a) + Duration::days(2)));
    note.validate(a.th.now().date_naive())
        .expect("valid as stored");
    assert_eq!(a.gp_documents().await, vec![doc.clone()]);

    // Audited with ids and hash; neither the patient's name nor the reason.
    let audit = a.th.hub.admin().audit().await.expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "document.sign" && e.detail.contains("kind=sickNote")));
    assert!(!audit
        .iter()
        .any(|e| e.detail.contains("Durand") || e.detail.contains("grippal")));
}

#[tokio::test]
async fn four_days_are_refused_unless_the_record_names_the_gp() {
    // No médecin traitant recorded, not declared: refused on `days` with the core's message.
    let a = accepted(None).await;
    let (field, reason, message) = refused(&a, note(&a, 4, false)).await;
    assert_eq!(
        (field.as_str(), reason.as_str()),
        ("days", "SICK_NOTE_TOO_LONG")
    );
    assert_eq!(
        message,
        "Durée de l'arrêt : En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant."
    );
    // Declared médecin traitant with nothing recorded: the declaration stands.
    let doc = sign(&a, note(&a, 4, true), None).await;
    assert_eq!(doc.content["byTreatingGp"], true);
    assert_eq!(doc.content["treatingGpSource"], "declaration");

    // The record names the GP by RPPS: 4 days accepted, even without the box ticked.
    let a = accepted(Some(json!({"name": "Dr Martin", "rpps": GP_RPPS}))).await;
    let doc = sign(&a, note(&a, 4, false), None).await;
    assert_eq!(doc.content["byTreatingGp"], true);
    assert_eq!(doc.content["treatingGpSource"], "record");
    let note: SickNote = serde_json::from_value(doc.content.clone()).expect("note");
    assert_eq!(note.treating_gp_source, TreatingGpSource::Record);
}

#[tokio::test]
async fn a_declaration_the_record_contradicts_is_refused() {
    let a = accepted(Some(json!({"name": "Dr Dali", "rpps": OTHER_RPPS}))).await;
    let (field, reason, message) = refused(&a, note(&a, 3, true)).await;
    assert_eq!(
        (field.as_str(), reason.as_str()),
        ("declaredTreatingGp", "SICK_NOTE_NOT_TREATING_GP")
    );
    assert!(message.contains("autre médecin traitant"), "{message}");
    // Not declared: another GP's 3-day note is fine, 4 days are not.
    let (field, reason, _) = refused(&a, note(&a, 4, false)).await;
    assert_eq!(
        (field.as_str(), reason.as_str()),
        ("days", "SICK_NOTE_TOO_LONG")
    );
    let doc = sign(&a, note(&a, 3, false), None).await;
    assert_eq!(doc.content["byTreatingGp"], false);
    assert_eq!(doc.content["treatingGpSource"], "record");
    let audit = a.th.hub.admin().audit().await.expect("audit");
    assert!(audit.iter().any(|e| e.action == "document.sign_failed"
        && e.detail.contains("reason=SICK_NOTE_NOT_TREATING_GP")));
}

#[tokio::test]
async fn dates_and_texts_are_checked() {
    let a = accepted(None).await;
    let yesterday = today(&a) - Duration::days(1);
    let table: Vec<(&str, Value, &str, &str)> = vec![
        (
            "startDate",
            json!(yesterday),
            "startDate",
            "SICK_NOTE_BACKDATED",
        ),
        (
            "startDate",
            json!(today(&a) + Duration::days(3)),
            "startDate",
            "SICK_NOTE_START_TOO_LATE",
        ),
        ("startDate", json!("26/11/2026"), "startDate", "MALFORMED"),
        ("days", json!(0), "days", "SICK_NOTE_NO_DAYS"),
        ("reason", json!(" "), "reason", "REQUIRED"),
        (
            "exits",
            json!("allowedAnyTime"),
            "exitsJustification",
            "REQUIRED",
        ),
        (
            "declaredTreatingGp",
            json!("oui"),
            "declaredTreatingGp",
            "MALFORMED",
        ),
    ];
    for (key, value, field, code) in table {
        let mut content = note(&a, 3, false);
        content[key] = value;
        let (f, r, m) = refused(&a, content).await;
        assert_eq!((f.as_str(), r.as_str()), (field, code), "{key}: {m}");
    }
    let mut backdated = note(&a, 3, false);
    backdated["startDate"] = json!(yesterday);
    let (_, _, m) = refused(&a, backdated).await;
    assert_eq!(
        m,
        "Premier jour d'arrêt : Un arrêt de travail ne peut pas commencer avant la date de sa prescription."
    );
    assert!(a.gp_documents().await.is_empty());
}

#[tokio::test]
async fn a_correction_is_a_new_version_of_the_sick_note() {
    let a = accepted(None).await;
    let v1 = sign(&a, note(&a, 2, false), None).await;
    let code = a.fresh_code();
    let res = a
        .sign_raw(&a.gp, "sickNote", note(&a, 3, false), &code, None)
        .await;
    assert_eq!(error_code(res).await, (409, "DOCUMENT_EXISTS".into()));
    let v2 = sign(&a, note(&a, 3, false), Some(&v1.id)).await;
    assert_eq!(v2.version, 2);
    assert_eq!(v2.supersedes.as_deref(), Some(v1.id.as_str()));
    assert_eq!(v2.content["days"], 3);
    let listed = a.gp_documents().await;
    assert_eq!(listed, vec![v1, v2]);
    assert!(listed.iter().all(SignedDocument::verify));
}

//! Signed documents on a real hub: the accepting GP signs a prescription or a report with a
//! fresh TOTP code; versions, corrections, the content hash, and who may read them.
mod common;

use common::accepted::Accepted;
use common::*;
use relais_protocol::api::{NewAccount, Role};
use relais_protocol::documents::{content_sha256, CallIncident, SignedDocument};
use relais_protocol::signal::Signal;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn accepted_with(intake: Option<Value>) -> Accepted {
    let th = hub().await;
    let body = request_body("local-1", &intake.unwrap_or_else(|| ok_intake(&th)));
    Accepted::request(th, body).await
}

async fn accepted() -> Accepted {
    accepted_with(None).await
}

fn prescription() -> Value {
    json!({
        // What the hub fills is overwritten whatever the console sends.
        "id": "MINE",
        "prescriber": {"name": "Dr Faux", "rpps": "00000000000"},
        "patient": {"familyName": "Autre", "givenNames": "X", "sex": "F", "birthDate": "2000-01-01"},
        "lines": [
            {"drug": "Paracétamol 1 g", "dosage": "1 comprimé 3 fois par jour", "duration": "5 jours",
             "renewals": 0, "ald": false, "nonSubstitutable": false},
            {"drug": "Metformine 500 mg", "dosage": "1 comprimé matin et soir", "quantity": "1 boîte de 60",
             "renewals": 2, "ald": true, "nonSubstitutable": true}
        ],
        "notes": "Boire abondamment."
    })
}

fn report() -> Value {
    json!({
        "patientConsent": true,
        "assistant": {"name": "Sophie Bernard", "profession": "Infirmière diplômée d'État", "place": "Pharmacie du Marché"},
        "reason": "Toux depuis trois jours",
        "findings": "Auscultation claire, pas de fièvre.",
        "readings": [],
        "diagnosis": "Bronchite aiguë probable",
        "orientation": "Retour à domicile, revoir le médecin traitant si fièvre.",
        "prescriptionIds": [],
        "acts": ["TCG", "TLS"],
        "incidents": [{"at": "2026-11-26T10:40:00+01:00", "description": "Coupure de la vidéo 3 s"}],
        "copyTo": {"name": "Dr Paul Dali"}
    })
}

#[tokio::test]
async fn the_accepting_gp_signs_a_prescription_the_hub_fills_and_hashes() {
    let a = accepted().await;
    let doc = a.sign("prescription", prescription(), None).await;
    assert_eq!(doc.version, 1);
    assert_eq!(doc.supersedes, None);
    assert_eq!(doc.consultation_id, a.id);
    assert_eq!(doc.sha256, content_sha256(&doc.content));
    assert!(doc.verify());
    assert_eq!(doc.signed_by.rpps, "10100345676");
    let c = &doc.content;
    assert_eq!(c["id"], json!(doc.id));
    assert_eq!(c["prescriber"]["rpps"], "10100345676");
    assert_eq!(c["prescriber"]["qualification"], "Médecin généraliste");
    assert_eq!(c["prescriber"]["phone"], "+33237123456");
    assert_eq!(c["patient"]["familyName"], "Durand");
    assert_eq!(c["patient"]["givenNames"], "Paul");
    assert_eq!(c["lines"][1]["ald"], true);
    assert_eq!(c["lines"][1]["nonSubstitutable"], true);
    // The content is the core type's JSON: it reads back and validates.
    let typed: relais_core::prescription::Prescription =
        serde_json::from_value(c.clone()).expect("prescription");
    typed
        .validate(a.th.now().date_naive())
        .expect("valid as stored");
    let issued = chrono::DateTime::parse_from_rfc3339(c["issuedAt"].as_str().expect("issuedAt"))
        .expect("rfc3339");
    assert_eq!(issued.timestamp(), a.th.now().timestamp());

    // Read back by the GP, identical (hash included) after the JSON round trip.
    let listed = a.gp_documents().await;
    assert_eq!(listed, vec![doc.clone()]);
    assert!(listed[0].verify());

    // Audited with ids and the hash, never health data; the chain holds.
    let audit = a.th.hub.admin().audit().await.expect("audit");
    let sign = audit
        .iter()
        .find(|e| e.action == "document.sign")
        .expect("sign entry");
    assert!(sign.detail.contains(&doc.id) && sign.detail.contains(&doc.sha256));
    assert!(!audit
        .iter()
        .any(|e| e.detail.contains("Durand") || e.detail.contains("Paracétamol")));
    assert!(audit.iter().any(|e| e.action == "document.list"));
    assert!(a.th.hub.admin().verify_audit().await.expect("verify"));
}

#[tokio::test]
async fn wrong_and_replayed_codes_are_refused() {
    let a = accepted().await;
    let res = a
        .sign_raw(&a.gp, "prescription", prescription(), "000000", None)
        .await;
    // A wrong code (one chance in a million to be right: then this step is the one).
    let expected = a.th.totp(&a.secret);
    if expected != "000000" {
        assert_eq!(error_code(res).await, (401, "BAD_TOTP".into()));
    }
    let code = a.fresh_code();
    let ok = a
        .sign_raw(&a.gp, "prescription", prescription(), &code, None)
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    // The same code again, for another document: replayed.
    let again = a.sign_raw(&a.gp, "report", report(), &code, None).await;
    assert_eq!(error_code(again).await, (401, "TOTP_REPLAYED".into()));
    // An older code still inside the ±1 step window is replayed too.
    let older = relais_hub::totp::code_at(&a.secret, a.th.now() - chrono::Duration::seconds(30))
        .expect("code");
    let res = a.sign_raw(&a.gp, "report", report(), &older, None).await;
    assert_eq!(error_code(res).await, (401, "TOTP_REPLAYED".into()));
    let audit = a.th.hub.admin().audit().await.expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "document.sign_failed" && e.detail.contains("reason=TOTP_REPLAYED")));
    assert_eq!(a.gp_documents().await.len(), 1);
}

#[tokio::test]
async fn five_wrong_codes_limit_signing_like_sign_in() {
    let a = accepted().await;
    let wrong = if a.th.totp(&a.secret) == "111111" {
        "222222"
    } else {
        "111111"
    };
    for _ in 0..5 {
        let res = a
            .sign_raw(&a.gp, "prescription", prescription(), wrong, None)
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let code = a.fresh_code();
    let res = a
        .sign_raw(&a.gp, "prescription", prescription(), &code, None)
        .await;
    assert_eq!(error_code(res).await, (429, "RATE_LIMITED".into()));
}

#[tokio::test]
async fn only_the_accepting_gp_signs_and_reads() {
    let a = accepted().await;
    let created =
        a.th.hub
            .admin()
            .create_account(NewAccount {
                email: "dr.autre@relais.test".into(),
                name: "Dr Jean Autre".into(),
                rpps: Some("10100345676".into()),
                password: PASSWORD.into(),
                role: Role::Gp,
                profile: Some(relais_hub::demo::demo_gp_profile()),
            })
            .await
            .expect("other");
    let other = a.th.client();
    let res =
        a.th.login(&other, "dr.autre@relais.test", &created.totp_secret)
            .await;
    assert_eq!(res.status(), StatusCode::OK);
    a.th.advance(30);
    let code = a.th.totp(&created.totp_secret);
    let res = a
        .sign_raw(&other, "prescription", prescription(), &code, None)
        .await;
    assert_eq!(error_code(res).await, (403, "FORBIDDEN".into()));
    for path in ["documents", "incidents"] {
        let res = other
            .get(a.th.url(&format!("/api/gp/consultations/{}/{path}", a.id)))
            .send()
            .await
            .expect("get");
        assert_eq!(error_code(res).await, (403, "FORBIDDEN".into()));
    }
    let res =
        a.gp.get(a.th.url("/api/gp/consultations/nope/documents"))
            .send()
            .await
            .expect("get");
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
    let res =
        a.th.client()
            .get(a.th.url(&format!("/api/gp/consultations/{}/documents", a.id)))
            .send()
            .await
            .expect("anonymous");
    assert_eq!(error_code(res).await, (401, "NOT_SIGNED_IN".into()));
}

async fn invalid(a: &Accepted, kind: &str, content: Value) -> Value {
    let code = a.fresh_code();
    let res = a.sign_raw(&a.gp, kind, content, &code, None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("body");
    assert_eq!(body["code"], "DOCUMENT_INVALID");
    body
}

#[tokio::test]
async fn an_invalid_document_is_refused_naming_the_field_and_keeps_the_code() {
    let a = accepted().await;
    let mut p = prescription();
    p["lines"][1]["dosage"] = json!("  ");
    let body = invalid(&a, "prescription", p).await;
    assert_eq!(body["field"], "lines[1].dosage");
    assert_eq!(body["reason"], "REQUIRED");
    let message = body["message"].as_str().expect("message");
    assert!(message.to_lowercase().contains("ligne 2"), "{message}");

    let mut p = prescription();
    p["lines"] = json!([]);
    assert_eq!(invalid(&a, "prescription", p).await["reason"], "NO_LINES");

    let mut p = prescription();
    p["lines"][0]["duration"] = Value::Null;
    let body = invalid(&a, "prescription", p).await;
    assert_eq!(body["field"], "lines[0].duration");
    assert_eq!(body["reason"], "DURATION_OR_QUANTITY_REQUIRED");

    let mut p = prescription();
    p["lines"][0]["renewals"] = json!("deux");
    let body = invalid(&a, "prescription", p).await;
    assert_eq!(body["field"], "lines[0].renewals");
    assert_eq!(body["reason"], "MALFORMED");

    let mut r = report();
    r["acts"] = json!(["TLS"]);
    let body = invalid(&a, "report", r).await;
    assert_eq!(body["field"], "acts");
    assert_eq!(body["reason"], "GP_ACT_REQUIRED");

    // A refused document did not use the code: it signs the corrected one.
    let code = a.th.totp(&a.secret);
    let res = a
        .sign_raw(&a.gp, "prescription", prescription(), &code, None)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let audit = a.th.hub.admin().audit().await.expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "document.sign_failed" && e.detail.contains("reason=REQUIRED")));
}

#[tokio::test]
async fn a_child_needs_a_weight() {
    use chrono::Datelike;
    let year = chrono::Utc::now().year() - 8;
    let birth = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
    let a = accepted_with(Some(intake(birth, "otite", false, false))).await;
    let body = invalid(&a, "prescription", prescription()).await;
    assert_eq!(body["field"], "patient.weightKg");
    assert_eq!(body["reason"], "WEIGHT_REQUIRED");
    let mut p = prescription();
    p["patient"] = json!({"weightKg": 24.5});
    let doc = a.sign("prescription", p, None).await;
    assert_eq!(doc.content["patient"]["weightKg"], 24.5);
    assert!(doc.verify());
}

#[tokio::test]
async fn corrections_are_new_versions_of_the_latest_and_nothing_is_rewritten() {
    let a = accepted().await;
    let v1 = a.sign("prescription", prescription(), None).await;

    // A second first version is refused: a correction must name what it replaces.
    let code = a.fresh_code();
    let res = a
        .sign_raw(&a.gp, "prescription", prescription(), &code, None)
        .await;
    assert_eq!(error_code(res).await, (409, "DOCUMENT_EXISTS".into()));

    let mut corrected = prescription();
    corrected["lines"][0]["dosage"] = json!("1 comprimé 4 fois par jour");
    let v2 = a
        .sign("prescription", corrected.clone(), Some(&v1.id))
        .await;
    assert_eq!(v2.version, 2);
    assert_eq!(v2.supersedes.as_deref(), Some(v1.id.as_str()));
    assert_ne!(v2.id, v1.id);
    assert_ne!(v2.sha256, v1.sha256);
    assert_eq!(v2.content["id"], json!(v2.id));

    // Correcting v1 again (not the latest) is refused, as is an unknown id.
    for stale in [v1.id.as_str(), "inconnu"] {
        let code = a.fresh_code();
        let res = a
            .sign_raw(&a.gp, "prescription", corrected.clone(), &code, Some(stale))
            .await;
        assert_eq!(error_code(res).await, (409, "NOT_LATEST_VERSION".into()));
    }
    // A first report may not claim to supersede anything.
    let code = a.fresh_code();
    let res = a
        .sign_raw(&a.gp, "report", report(), &code, Some(&v2.id))
        .await;
    assert_eq!(error_code(res).await, (409, "NOT_LATEST_VERSION".into()));

    // Versions are per kind: the report starts at 1.
    let r1 = a.sign("report", report(), None).await;
    assert_eq!(r1.version, 1);

    // Everything is kept as signed, oldest first.
    let listed = a.gp_documents().await;
    assert_eq!(listed, vec![v1.clone(), v2.clone(), r1.clone()]);
    assert!(listed.iter().all(SignedDocument::verify));
}

#[tokio::test]
async fn a_report_gets_the_hub_s_facts_and_the_call_s_incidents() {
    let a = accepted().await;
    // The station reports an incident over signaling.
    let mut ws = a.th.connect(&a.station_token, None).await.expect("ws");
    let _welcome = recv(&mut ws).await;
    send(
        &mut ws,
        &Signal::Incident {
            kind: "MEDIA_DISCONNECTED".into(),
            detail: "ice failed".into(),
        },
    )
    .await;
    let mut incidents: Vec<CallIncident> = Vec::new();
    for _ in 0..50 {
        let res =
            a.gp.get(a.th.url(&format!("/api/gp/consultations/{}/incidents", a.id)))
                .send()
                .await
                .expect("incidents");
        assert_eq!(res.status(), StatusCode::OK);
        incidents = res.json().await.expect("json");
        if !incidents.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0].kind, "MEDIA_DISCONNECTED");
    assert_eq!(incidents[0].side, "station");
    assert_eq!(incidents[0].detail, "ice failed");

    let mut r = report();
    r["consultationId"] = json!("autre");
    r["gp"] = json!({"name": "Dr Faux"});
    let doc = a.sign("report", r, None).await;
    let c = &doc.content;
    assert_eq!(c["consultationId"], json!(a.id));
    assert_eq!(c["gp"]["rpps"], "10100345676");
    assert_eq!(c["patient"]["familyName"], "Durand");
    assert_eq!(c["acts"], json!(["TCG", "TLS"]));
    assert!(c["startedAt"].is_string());
    assert!(doc.verify());
}

#[tokio::test]
async fn a_gp_without_a_practitioner_profile_cannot_sign() {
    let th = hub().await;
    let station = th.station("Pharmacie").await;
    let ticket = th.consultation(&station, "l1").await;
    let created = th
        .hub
        .admin()
        .create_account(NewAccount {
            email: "dr.sans@relais.test".into(),
            name: "Dr Sans Profil".into(),
            rpps: Some("10100345676".into()),
            password: PASSWORD.into(),
            role: Role::Gp,
            profile: None,
        })
        .await
        .expect("account");
    let gp = th.client();
    let res = th
        .login(&gp, "dr.sans@relais.test", &created.totp_secret)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        th.accept(&gp, &ticket.consultation_id).await.status(),
        StatusCode::OK
    );
    th.advance(30);
    let res = gp
        .post(th.url(&format!(
            "/api/gp/consultations/{}/documents",
            ticket.consultation_id
        )))
        .json(&json!({"kind": "prescription", "content": prescription(), "totp": th.totp(&created.totp_secret)}))
        .send()
        .await
        .expect("sign");
    assert_eq!(error_code(res).await, (422, "PROFILE_INCOMPLETE".into()));

    // The coordinator completes it; a bad one is refused naming the field.
    let admin = th.hub.admin();
    let mut bad = relais_hub::demo::demo_gp_profile();
    bad.phone = "123".into();
    let err = admin
        .set_profile(&created.account.id, &bad)
        .await
        .expect_err("bad phone");
    assert!(err.to_string().contains("téléphone"), "{err}");
    let account = admin
        .set_profile(&created.account.id, &relais_hub::demo::demo_gp_profile())
        .await
        .expect("profile");
    assert_eq!(
        account.profile.expect("profile").address,
        "12 rue Noël Ballay, 28000 Chartres, France"
    );
}

#[tokio::test]
async fn the_station_reads_its_own_documents_only() {
    let a = accepted().await;
    let p = a.sign("prescription", prescription(), None).await;
    let res = a.station_documents(&a.station.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let docs: Vec<SignedDocument> = res.json().await.expect("docs");
    assert_eq!(docs, vec![p.clone()]);
    assert_eq!(content_sha256(&docs[0].content), p.sha256);

    let other = a.th.station("Cabinet infirmier").await;
    let res = a.station_documents(&other.token).await;
    assert_eq!(error_code(res).await, (404, "NOT_FOUND".into()));
    let res = a.station_documents("pas-un-jeton").await;
    assert_eq!(error_code(res).await, (401, "STATION_UNKNOWN".into()));
    // A station token does not open the GP's endpoints.
    let res =
        a.th.client()
            .get(a.th.url(&format!("/api/gp/consultations/{}/documents", a.id)))
            .bearer_auth(&a.station.token)
            .send()
            .await
            .expect("gp path");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let audit = a.th.hub.admin().audit().await.expect("audit");
    assert!(audit
        .iter()
        .any(|e| e.action == "document.list" && e.actor_kind == "station"));
}

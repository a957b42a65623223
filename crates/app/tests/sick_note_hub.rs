//! The médecin traitant from the station's record decides the sick note at a real hub: the
//! station sends the patient's médecin traitant with the consultation request, the hub
//! sees the GP's own RPPS there and accepts a 4-day sick note (over the 3 days of a
//! teleconsultation), and the station fetches and stores it.
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap.

use std::sync::Arc;

use chrono::{Local, NaiveDate, Utc};
use relais_app::dto::{EnrolInput, IntakeInput};
use relais_core::identity::{Coverage, Patient, Sex, TreatingDoctor};
use relais_core::triage::{Answers, PriorityCriteria};
use relais_hub::ManualClock;
use relais_protocol::api::{NewAccount, Role, WaitingConsultation};
use relais_protocol::documents::SignedDocument;
use serde_json::json;

mod support;

const GP_EMAIL: &str = "dr.martin@relais.test";
const GP_PASSWORD: &str = "mot de passe du médecin 2026";
const GP_RPPS: &str = "10100345676";

fn patient(treating: TreatingDoctor) -> Patient {
    Patient {
        family_name: "Durand".into(),
        used_name: None,
        given_names: "Paul".into(),
        sex: Sex::M,
        birth_date: NaiveDate::from_ymd_opt(1970, 3, 14).unwrap(),
        birth_place_code: None,
        nir: None,
        phone: "06 12 34 56 78".into(),
        address: None,
        postal_code: Some("28000".into()),
        commune: "Chartres".into(),
        treating_doctor: Some(treating),
        coverage: Coverage::default(),
        weight_kg: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recorded_treating_doctor_lets_the_gp_sign_four_days() {
    let hub_dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let mut config = relais_hub::Config::for_tests(hub_dir.path());
    config.clock = Some(clock.clone());
    let hub = relais_hub::start(config).await.unwrap();
    let gp = hub
        .admin()
        .create_account(NewAccount {
            email: GP_EMAIL.into(),
            name: "Dr Claire Martin".into(),
            rpps: Some(GP_RPPS.into()),
            password: GP_PASSWORD.into(),
            role: Role::Gp,
            profile: Some(relais_hub::demo::demo_gp_profile()),
        })
        .await
        .unwrap();
    let code = |clock: &ManualClock| {
        clock.advance(chrono::Duration::seconds(30));
        relais_hub::totp::code_at(&gp.totp_secret, relais_hub::Clock::now(clock)).unwrap()
    };

    // The station: the patient's médecin traitant is the GP, by RPPS (typed with spaces).
    let dir = tempfile::tempdir().unwrap();
    let s = support::station::set_up(dir.path());
    let enrolment = hub
        .admin()
        .create_enrolment_code("Pharmacie du Parvis")
        .await
        .unwrap();
    s.enrol(EnrolInput {
        url: hub.url(),
        fingerprint: Some(hub.fingerprint().to_string()),
        code: enrolment.code,
    })
    .await
    .unwrap();
    let p = s
        .create_patient(&patient(TreatingDoctor {
            name: "Dr Claire Martin".into(),
            rpps: Some("101 0034 5676".into()),
        }))
        .unwrap();
    let c = s
        .submit_intake(&IntakeInput {
            patient_id: p.id.clone(),
            complaint: "Fièvre et courbatures depuis deux jours".into(),
            answers: Answers {
                abdominal_pain: Some(false),
                technical_gesture: Some(false),
                emergency_signs: Some(false),
            },
            priority: PriorityCriteria::default(),
            consent: true,
        })
        .unwrap();
    s.request_consultation(&c.id).unwrap();
    let sent = s.send_to_hub(&c.id).await.unwrap();

    // The GP sees the médecin traitant in the waiting list, accepts, signs 4 days.
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(
            hub.cert_der().to_vec(),
        ))
        .unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .cookie_store(true)
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", hub.url());
    let res = client
        .post(url("/api/login"))
        .json(&json!({"email": GP_EMAIL, "password": GP_PASSWORD, "totp": code(&clock)}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "login: {}", res.status());
    let waiting: Vec<WaitingConsultation> = client
        .get(url("/api/consultations/waiting"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine = waiting
        .iter()
        .find(|w| w.id == sent.ticket.consultation_id)
        .unwrap();
    let treating = mine.patient.treating_doctor.as_ref().unwrap();
    assert_eq!(treating.rpps.as_deref(), Some("10100345676"));
    let hub_id = sent.ticket.consultation_id.clone();
    let res = client
        .post(url(&format!("/api/consultations/{hub_id}/accept")))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "accept: {}", res.status());
    let today = relais_hub::Clock::now(&*clock)
        .with_timezone(&Local)
        .date_naive();
    let res = client
        .post(url(&format!("/api/gp/consultations/{hub_id}/documents")))
        .json(&json!({
            "kind": "sickNote",
            "totp": code(&clock),
            "content": {
                "kind": "initial", "startDate": today, "days": 4, "declaredTreatingGp": false,
                "reason": "Syndrome grippal", "exits": "allowed", "exitsJustification": null, "notes": ""
            }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "{:?}", res.text().await);
    let signed: SignedDocument = res.json().await.unwrap();
    assert_eq!(signed.content["byTreatingGp"], true);
    assert_eq!(signed.content["treatingGpSource"], "record");

    // The station fetches it and stores it as signed.
    let docs = s.fetch_documents(&c.id).await.unwrap();
    let note = docs.iter().find(|d| d.id == signed.id).unwrap();
    assert_eq!(
        (note.kind.as_str(), note.content["days"].as_u64()),
        ("sickNote", Some(4))
    );
    assert_eq!(note.sha256, signed.sha256);
    assert_eq!(s.documents(&c.id).unwrap().len(), 1);
}

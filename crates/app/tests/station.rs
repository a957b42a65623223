//! The station service on a real encrypted store: the triage gate cannot be bypassed,
//! sessions lock, and a restart finds everything again.
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Months, NaiveDate, TimeZone, Utc};
use relais_app::dto::{IntakeInput, SetupInput, SignInInput, SiteInput, SiteKind, UserInput};
use relais_app::{ApiError, Clock, Station};
use relais_core::identity::{Coverage, Patient, Sex};
use relais_core::lifecycle::ConsultationState;
use relais_core::triage::{Answers, PriorityCriteria};
use serde_json::json;

mod support;

use support::station::{config, PASSPHRASE, PASSWORD};

#[derive(Clone)]
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
        )))
    }
    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn today(clock: &TestClock) -> NaiveDate {
    clock.today_at(clock.now())
}

fn start(dir: &std::path::Path, clock: &TestClock) -> Station {
    support::station::start(dir, Box::new(clock.clone()))
}

fn setup(s: &Station) {
    support::station::setup_site(s);
}

fn patient(family: &str, birth: NaiveDate) -> Patient {
    Patient {
        family_name: family.into(),
        used_name: None,
        given_names: "Camille".into(),
        sex: Sex::F,
        birth_date: birth,
        birth_place_code: None,
        nir: None,
        phone: "06 12 34 56 78".into(),
        address: None,
        postal_code: Some("28000".into()),
        commune: "Chartres".into(),
        treating_doctor: None,
        coverage: Coverage::default(),
        weight_kg: None,
    }
}

fn no_to_all() -> Answers {
    Answers {
        abdominal_pain: Some(false),
        technical_gesture: Some(false),
        emergency_signs: Some(false),
    }
}

fn intake(patient_id: &str, complaint: &str, answers: Answers) -> IntakeInput {
    IntakeInput {
        patient_id: patient_id.into(),
        complaint: complaint.into(),
        answers,
        priority: PriorityCriteria::default(),
        consent: true,
    }
}

fn adult() -> NaiveDate {
    NaiveDate::from_ymd_opt(1950, 11, 24).unwrap()
}

#[test]
fn accepted_intake_reaches_the_gp_queue() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let s = start(dir.path(), &clock);
    setup(&s);
    let p = s.create_patient(&patient("Durand", adult())).unwrap();
    assert_eq!(p.patient.family_name, "DURAND");
    let c = s
        .submit_intake(&intake(&p.id, "Toux depuis cinq jours", no_to_all()))
        .unwrap();
    assert_eq!(c.state, ConsultationState::Triaged);
    assert!(c.assessment.priority.contains(&"AGE_70_PLUS".to_string()));
    let c = s.request_consultation(&c.id).unwrap();
    assert_eq!(c.state, ConsultationState::Requested);
    // Requesting twice is an illegal move, not a second request.
    assert_eq!(
        s.request_consultation(&c.id).unwrap_err().code,
        "ILLEGAL_TRANSITION"
    );
}

#[test]
fn no_path_opens_an_excluded_consultation() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let s = start(dir.path(), &clock);
    setup(&s);

    // A child of 2 years 11 months: excluded at intake, and refused when requested by hand.
    let birth = today(&clock).checked_sub_months(Months::new(35)).unwrap();
    let child = s.create_patient(&patient("Petit", birth)).unwrap();
    let c = s
        .submit_intake(&intake(&child.id, "Fièvre", no_to_all()))
        .unwrap();
    assert_eq!(c.state, ConsultationState::Excluded);
    assert_eq!(c.assessment.reasons[0].code, "CHILD_UNDER_3");
    let e = s.request_consultation(&c.id).unwrap_err();
    assert_eq!(e.code, "EXCLUDED_CHILD_UNDER_3");
    assert!(!e.message.is_empty());
    assert_eq!(
        s.cancel_consultation(&c.id).unwrap_err().code,
        "ILLEGAL_TRANSITION"
    );

    // "mal au ventre" in the motif excludes even with every answer "no".
    let a = s.create_patient(&patient("Leroy", adult())).unwrap();
    let c = s
        .submit_intake(&intake(&a.id, "Mal au ventre depuis ce matin", no_to_all()))
        .unwrap();
    assert_eq!(c.state, ConsultationState::Excluded);
    assert_eq!(
        s.request_consultation(&c.id).unwrap_err().code,
        "EXCLUDED_ABDOMINAL_PAIN"
    );

    // Accepted, then the birth date is corrected to a toddler's: the fresh triage at the
    // request refuses it and moves the consultation to excluded.
    let p = s.create_patient(&patient("Moreau", adult())).unwrap();
    let c = s
        .submit_intake(&intake(&p.id, "Toux", no_to_all()))
        .unwrap();
    assert_eq!(c.state, ConsultationState::Triaged);
    let mut corrected = p.patient.clone();
    corrected.birth_date = birth;
    s.update_patient(&p.id, &corrected).unwrap();
    assert_eq!(
        s.request_consultation(&c.id).unwrap_err().code,
        "EXCLUDED_CHILD_UNDER_3"
    );
    let record = s.get_patient(&p.id).unwrap();
    assert_eq!(record.consultations[0].state, ConsultationState::Excluded);

    // The caller cannot smuggle a birth date in: the intake has no such field.
    let forged = json!({
        "patientId": p.id, "complaint": "Toux", "birthDate": "1950-01-01", "consent": true,
        "answers": { "abdominalPain": false, "technicalGesture": false, "emergencySigns": false }
    });
    assert!(serde_json::from_value::<IntakeInput>(forged).is_err());

    // Each exclusion, refusal and acknowledgement is in the verified audit trail.
    s.acknowledge_redirection(&c.id).unwrap();
    let trail = s.audit_trail(1000).unwrap();
    assert!(trail.ok);
    let count = |a: &str| trail.entries.iter().filter(|e| e.action == a).count();
    assert_eq!(count("triage.excluded"), 2);
    assert_eq!(count("triage.refused"), 3);
    assert_eq!(count("consultation.redirection_acknowledged"), 1);
    // No health data in audit details.
    assert!(trail
        .entries
        .iter()
        .all(|e| !e.detail.to_lowercase().contains("ventre")));
}

#[test]
fn incomplete_and_unconsented_intakes_are_refused_with_fields() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let s = start(dir.path(), &clock);
    setup(&s);
    let p = s.create_patient(&patient("Durand", adult())).unwrap();
    let answers = Answers {
        abdominal_pain: None,
        ..no_to_all()
    };
    let e = s
        .submit_intake(&intake(&p.id, "Toux", answers))
        .unwrap_err();
    assert_eq!(e.code, "INCOMPLETE_INTAKE");
    assert_eq!(e.fields.len(), 1);
    assert_eq!(e.fields[0].field, "answers.abdominalPain");
    let mut no_consent = intake(&p.id, "Toux", no_to_all());
    no_consent.consent = false;
    assert_eq!(
        s.submit_intake(&no_consent).unwrap_err().code,
        "CONSENT_REQUIRED"
    );
    assert!(s.get_patient(&p.id).unwrap().consultations.is_empty());
}

#[test]
fn invalid_patient_is_refused_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let s = start(dir.path(), &clock);
    setup(&s);
    let mut p = patient("Durand", adult());
    p.nir = Some("1 50 11 28 085 123 00".into());
    p.phone = "12".into();
    let e: ApiError = s.create_patient(&p).unwrap_err();
    assert_eq!(e.code, "INVALID_PATIENT");
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(
        fields.contains(&"nir") && fields.contains(&"phone"),
        "{fields:?}"
    );
    assert_eq!(s.validate_patient(&p).unwrap().len(), e.fields.len());
    assert!(s.search_patients("durand").unwrap().is_empty());
}

#[test]
fn sessions_lock_after_inactivity_and_unlock_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    let s = start(dir.path(), &clock);
    setup(&s);
    clock.advance(Duration::seconds(299));
    assert!(s.touch().is_ok());
    clock.advance(Duration::seconds(300));
    assert_eq!(s.search_patients("").unwrap_err().code, "SESSION_LOCKED");
    assert!(s.status().unwrap().locked);
    let bad = SignInInput {
        username: "ines".into(),
        password: "nope nope nope".into(),
    };
    assert_eq!(s.sign_in(bad).unwrap_err().code, "BAD_CREDENTIALS");
    let good = SignInInput {
        username: "ines".into(),
        password: PASSWORD.into(),
    };
    assert!(!s.sign_in(good).unwrap().locked);
    assert!(s.search_patients("").is_ok());
    s.sign_out().unwrap();
    assert_eq!(s.today().unwrap_err().code, "NOT_SIGNED_IN");
}

#[test]
fn restart_finds_patients_and_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::new();
    {
        let s = start(dir.path(), &clock);
        setup(&s);
        s.create_patient(&patient("Durand", adult())).unwrap();
        assert_eq!(s.setup_site_again_code(), "ALREADY_INITIALIZED");
    }
    let s = Station::start(config(dir.path()), Box::new(clock.clone()));
    let status = s.status().unwrap();
    assert!(status.storage_message.is_some());
    assert_eq!(
        s.unlock_storage("une autre phrase secrète")
            .unwrap_err()
            .code,
        "WRONG_KEY"
    );
    let status = s.unlock_storage(PASSPHRASE).unwrap();
    assert!(status.initialized && status.user.is_none());
    s.sign_in(SignInInput {
        username: "INES".into(),
        password: PASSWORD.into(),
    })
    .unwrap();
    let found = s.search_patients("durand").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(s.search_patients("24/11/1950").unwrap().len(), 1);
    let trail = s.audit_trail(3).unwrap();
    assert!(trail.ok);
    // The newest entries, newest first: this very reading leads.
    assert_eq!(trail.entries.len(), 3);
    assert_eq!(trail.entries[0].action, "audit.read");
    assert!(trail.entries[0].seq > trail.entries[2].seq);
}

trait SetupAgain {
    fn setup_site_again_code(&self) -> String;
}

impl SetupAgain for Station {
    fn setup_site_again_code(&self) -> String {
        let again = SetupInput {
            site: SiteInput {
                kind: SiteKind::Autre,
                name: "x".into(),
                commune: "y".into(),
                address: None,
            },
            user: UserInput {
                username: "z".into(),
                display_name: "z".into(),
                profession: "z".into(),
                rpps: None,
                password: PASSWORD.into(),
            },
        };
        self.setup_site(again).unwrap_err().code
    }
}

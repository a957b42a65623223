//! Table tests of the triage rules and of the JSON contract.
use super::*;
use proptest::prelude::*;
use serde_json::json;
use Redirect::{Pediatre as PED, Samu15 as S15, Urgences as URG};

const TODAY: &str = "2025-03-14";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Answers as (abdominal pain, technical gesture, emergency signs).
type Ans = (Option<bool>, Option<bool>, Option<bool>);
const NO: Ans = (Some(false), Some(false), Some(false));

fn intake(birth: &str, complaint: &str, (abdominal, technical, emergency): Ans) -> Intake {
    Intake {
        birth_date: d(birth),
        complaint: complaint.into(),
        answers: Answers {
            abdominal_pain: abdominal,
            technical_gesture: technical,
            emergency_signs: emergency,
        },
        priority: PriorityCriteria::default(),
    }
}

fn check(intake: &Intake, today: &str, outcome: Outcome, reasons: &[&str], redirect: &[Redirect]) {
    let a = assess(intake, d(today));
    let codes: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        (a.outcome, codes.as_slice(), a.redirect.as_slice()),
        (outcome, reasons, redirect),
        "{intake:?} on {today}"
    );
    assert!(a.reasons.iter().all(|r| !r.message.is_empty()));
}

use Outcome::{Accepted as OK, Excluded as EX, Incomplete as INC};

const CHILD: &[Redirect] = &[URG, S15, PED];
const URG_15: &[Redirect] = &[URG, S15];

#[test]
fn adults_with_ordinary_complaints_are_accepted() {
    for complaint in [
        "Fièvre et toux depuis trois jours",
        "renouvellement d'ordonnance",
        "mal de gorge",
    ] {
        check(&intake("1980-01-01", complaint, NO), TODAY, OK, &[], &[]);
    }
}

#[test]
fn children_under_three() {
    let table = [
        // (birth, today, excluded?)
        ("2022-03-15", "2025-03-14", true), // the day before the 3rd birthday
        ("2022-03-14", "2025-03-14", false), // the 3rd birthday
        ("2022-03-13", "2025-03-14", false),
        ("2025-03-14", "2025-03-14", true), // born today
        ("2024-03-14", "2025-03-14", true),
        // Born 29 February: the 3rd birthday falls in a non-leap year, on 1 March.
        ("2020-02-29", "2023-02-28", true),
        ("2020-02-29", "2023-03-01", false),
        ("2020-02-29", "2022-02-28", true),
        // Target year is a leap year.
        ("2021-03-01", "2024-02-29", true),
        ("2021-03-01", "2024-03-01", false),
        ("2021-02-28", "2024-02-27", true),
        ("2021-02-28", "2024-02-28", false),
        ("2021-02-28", "2024-02-29", false),
        // Leap birth seen on a leap 29 February (4th birthday).
        ("2020-02-29", "2024-02-29", false),
        ("2020-02-29", "2024-02-28", false),
        // Year-end.
        ("2021-12-31", "2024-12-30", true),
        ("2021-12-31", "2024-12-31", false),
        ("2022-01-01", "2024-12-31", true),
    ];
    for (birth, today, excluded) in table {
        let i = intake(birth, "fièvre", NO);
        if excluded {
            check(&i, today, EX, &["CHILD_UNDER_3"], CHILD);
        } else {
            check(&i, today, OK, &[], &[]);
        }
    }
}

#[test]
fn birth_date_after_today_is_incomplete_unless_something_excludes() {
    check(
        &intake("2025-03-15", "fièvre", NO),
        TODAY,
        INC,
        &["INVALID_BIRTH_DATE"],
        &[],
    );
    check(
        &intake("2030-01-01", "fièvre", (None, Some(false), Some(false))),
        TODAY,
        INC,
        &["INVALID_BIRTH_DATE", "MISSING_ANSWER"],
        &[],
    );
    check(
        &intake("2025-03-15", "mal au ventre", NO),
        TODAY,
        EX,
        &["ABDOMINAL_PAIN"],
        URG_15,
    );
    check(
        &intake(
            "2025-03-15",
            "fièvre",
            (Some(false), Some(true), Some(false)),
        ),
        TODAY,
        EX,
        &["TECHNICAL_GESTURE"],
        URG_15,
    );
}

#[test]
fn yes_answers_exclude() {
    let t = Some(true);
    let f = Some(false);
    check(
        &intake("1980-01-01", "fièvre", (t, f, f)),
        TODAY,
        EX,
        &["ABDOMINAL_PAIN"],
        URG_15,
    );
    check(
        &intake("1980-01-01", "fièvre", (f, t, f)),
        TODAY,
        EX,
        &["TECHNICAL_GESTURE"],
        URG_15,
    );
    check(
        &intake("1980-01-01", "fièvre", (f, f, t)),
        TODAY,
        EX,
        &["EMERGENCY_SIGNS"],
        &[S15],
    );
    check(
        &intake("1980-01-01", "fièvre", (t, t, t)),
        TODAY,
        EX,
        &["EMERGENCY_SIGNS", "ABDOMINAL_PAIN", "TECHNICAL_GESTURE"],
        &[S15, URG],
    );
    check(
        &intake("1980-01-01", "fièvre", (t, t, f)),
        TODAY,
        EX,
        &["ABDOMINAL_PAIN", "TECHNICAL_GESTURE"],
        URG_15,
    );
}

#[test]
fn keywords_exclude_even_when_the_answer_is_no() {
    let table: [(&str, &[&str], &[Redirect]); 12] = [
        ("Mal au ventre depuis hier", &["ABDOMINAL_PAIN"], URG_15),
        ("douleurs abdominales", &["ABDOMINAL_PAIN"], URG_15),
        ("MAUX DE VENTRE", &["ABDOMINAL_PAIN"], URG_15),
        ("mal à l'estomac", &["ABDOMINAL_PAIN"], URG_15),
        ("pas de mal au ventre", &["ABDOMINAL_PAIN"], URG_15),
        ("points de suture à retirer", &["TECHNICAL_GESTURE"], URG_15),
        ("plâtre", &["TECHNICAL_GESTURE"], URG_15),
        ("douleur thoracique", &["EMERGENCY_SIGNS"], &[S15]),
        (
            "Perte de connaissance ce matin",
            &["EMERGENCY_SIGNS"],
            &[S15],
        ),
        (
            "bouche de travers depuis une heure",
            &["EMERGENCY_SIGNS"],
            &[S15],
        ),
        (
            "douleur dans la poitrine et mal au ventre",
            &["EMERGENCY_SIGNS", "ABDOMINAL_PAIN"],
            &[S15, URG],
        ),
        (
            "coupure à suturer, mal au ventre",
            &["ABDOMINAL_PAIN", "TECHNICAL_GESTURE"],
            URG_15,
        ),
    ];
    for (complaint, reasons, redirect) in table {
        check(
            &intake("1980-01-01", complaint, NO),
            TODAY,
            EX,
            reasons,
            redirect,
        );
    }
}

#[test]
fn missing_answers_make_the_intake_incomplete() {
    let f = Some(false);
    let table: [(Ans, usize); 5] = [
        ((None, f, f), 1),
        ((f, None, f), 1),
        ((f, f, None), 1),
        ((None, None, f), 2),
        ((None, None, None), 3),
    ];
    for (answers, n) in table {
        let a = assess(&intake("1980-01-01", "fièvre", answers), d(TODAY));
        assert_eq!(a.outcome, INC);
        assert_eq!(a.reasons.len(), n);
        assert!(a.reasons.iter().all(|r| r.code == MISSING_ANSWER));
        assert!(a.redirect.is_empty());
    }
    // Each message names its question; emergency first, then abdominal pain, then gesture.
    let a = assess(
        &intake("1980-01-01", "fièvre", (None, None, None)),
        d(TODAY),
    );
    let messages: Vec<&str> = a.reasons.iter().map(|r| r.message.as_str()).collect();
    assert!(messages[0].contains("signes d'urgence"), "{}", messages[0]);
    assert!(
        messages[1].contains("douleur abdominale"),
        "{}",
        messages[1]
    );
    assert!(messages[2].contains("geste technique"), "{}", messages[2]);
    let expected: Vec<&str> = Question::ALL
        .iter()
        .map(Question::missing_message)
        .collect();
    assert_eq!(messages, expected);
}

#[test]
fn questions_name_their_json_field() {
    let answers = Answers {
        abdominal_pain: Some(true),
        technical_gesture: None,
        emergency_signs: Some(false),
    };
    let table = [
        (
            Question::EmergencySigns,
            "answers.emergencySigns",
            Some(false),
        ),
        (Question::AbdominalPain, "answers.abdominalPain", Some(true)),
        (Question::TechnicalGesture, "answers.technicalGesture", None),
    ];
    for (q, field, answer) in table {
        assert_eq!((q.field(), q.answer(&answers)), (field, answer));
    }
}

#[test]
fn exclusion_dominates_missing_answers() {
    check(
        &intake("1980-01-01", "mal au ventre", (None, None, None)),
        TODAY,
        EX,
        &["ABDOMINAL_PAIN"],
        URG_15,
    );
    check(
        &intake("2024-01-01", "fièvre", (None, None, None)),
        TODAY,
        EX,
        &["CHILD_UNDER_3"],
        CHILD,
    );
    check(
        &intake("1980-01-01", "fièvre", (None, Some(true), None)),
        TODAY,
        EX,
        &["TECHNICAL_GESTURE"],
        URG_15,
    );
}

#[test]
fn empty_complaint_is_incomplete() {
    check(
        &intake("1980-01-01", "", NO),
        TODAY,
        INC,
        &["MISSING_COMPLAINT"],
        &[],
    );
    check(
        &intake("1980-01-01", " ?! ", NO),
        TODAY,
        INC,
        &["MISSING_COMPLAINT"],
        &[],
    );
    check(
        &intake("1980-01-01", "", (Some(false), None, Some(false))),
        TODAY,
        INC,
        &["MISSING_COMPLAINT", "MISSING_ANSWER"],
        &[],
    );
    check(
        &intake("2024-01-01", "", NO),
        TODAY,
        EX,
        &["CHILD_UNDER_3"],
        CHILD,
    );
}

#[test]
fn every_exclusion_at_once_in_order() {
    let i = intake(
        "2023-06-01",
        "plaie à recoudre et mal au ventre",
        (Some(false), Some(false), Some(true)),
    );
    check(
        &i,
        TODAY,
        EX,
        &[
            "EMERGENCY_SIGNS",
            "CHILD_UNDER_3",
            "ABDOMINAL_PAIN",
            "TECHNICAL_GESTURE",
        ],
        &[S15, URG, PED],
    );
    let i = intake("2023-06-01", "", (Some(false), Some(false), Some(true)));
    check(
        &i,
        TODAY,
        EX,
        &["EMERGENCY_SIGNS", "CHILD_UNDER_3"],
        &[S15, URG, PED],
    );
}

#[test]
fn messages() {
    let a = assess(&intake("2024-01-01", "fièvre", NO), d(TODAY));
    assert_eq!(
        a.reasons[0].message,
        "Enfant de moins de 3 ans : la téléconsultation assistée n'est pas possible. Orientez vers les urgences, le 15 ou un pédiatre."
    );
    let a = assess(
        &intake(
            "1980-01-01",
            "fièvre",
            (Some(true), Some(false), Some(false)),
        ),
        d(TODAY),
    );
    assert_eq!(
        a.reasons[0].message,
        "Douleur abdominale : la téléconsultation n'est pas adaptée. Rendez-vous aux urgences ou contactez le 15."
    );
}

fn priority_of(birth: &str, today: &str, p: PriorityCriteria) -> Vec<String> {
    let mut i = intake(birth, "fièvre", NO);
    i.priority = p;
    assess(&i, d(today)).priority
}

#[test]
fn priority_codes_in_order() {
    let all = PriorityCriteria {
        no_treating_doctor: true,
        mobility_difficulty: true,
        long_delay: true,
        chronic_disease: true,
        c2s: true,
    };
    let table: [(&str, &str, PriorityCriteria, &[&str]); 10] = [
        ("1980-01-01", TODAY, PriorityCriteria::default(), &[]),
        (
            "1950-01-01",
            TODAY,
            all.clone(),
            &[
                "NO_TREATING_DOCTOR",
                "MOBILITY_DIFFICULTY",
                "LONG_DELAY",
                "AGE_70_PLUS",
                "CHRONIC_DISEASE",
                "C2S",
            ],
        ),
        (
            "1980-01-01",
            TODAY,
            all.clone(),
            &[
                "NO_TREATING_DOCTOR",
                "MOBILITY_DIFFICULTY",
                "LONG_DELAY",
                "CHRONIC_DISEASE",
                "C2S",
            ],
        ),
        (
            "1980-01-01",
            TODAY,
            PriorityCriteria {
                c2s: true,
                ..Default::default()
            },
            &["C2S"],
        ),
        (
            "1980-01-01",
            TODAY,
            PriorityCriteria {
                long_delay: true,
                ..Default::default()
            },
            &["LONG_DELAY"],
        ),
        // 69/70 boundary.
        ("1955-03-15", TODAY, PriorityCriteria::default(), &[]),
        (
            "1955-03-14",
            TODAY,
            PriorityCriteria::default(),
            &["AGE_70_PLUS"],
        ),
        (
            "1930-01-01",
            TODAY,
            PriorityCriteria::default(),
            &["AGE_70_PLUS"],
        ),
        // 29 February birth: 70 on 1 March of a non-leap year.
        ("1952-02-29", "2022-02-28", PriorityCriteria::default(), &[]),
        (
            "1952-02-29",
            "2022-03-01",
            PriorityCriteria::default(),
            &["AGE_70_PLUS"],
        ),
    ];
    for (birth, today, p, expected) in table {
        assert_eq!(priority_of(birth, today, p), expected, "{birth} on {today}");
    }
    // Computed whatever the outcome, and never from a birth date after today.
    let mut i = intake("1940-01-01", "mal au ventre", NO);
    i.priority.no_treating_doctor = true;
    assert_eq!(
        assess(&i, d(TODAY)).priority,
        ["NO_TREATING_DOCTOR", "AGE_70_PLUS"]
    );
    assert_eq!(
        priority_of("2030-01-01", TODAY, PriorityCriteria::default()),
        Vec::<String>::new()
    );
}

#[test]
fn intake_json_contract() {
    let value = json!({
        "birthDate": "1950-06-01",
        "complaint": "Toux",
        "answers": { "abdominalPain": false, "technicalGesture": null, "emergencySigns": true },
        "priority": { "noTreatingDoctor": true, "mobilityDifficulty": false, "longDelay": true, "chronicDisease": false, "c2s": true }
    });
    let i: Intake = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        i,
        Intake {
            birth_date: d("1950-06-01"),
            complaint: "Toux".into(),
            answers: Answers {
                abdominal_pain: Some(false),
                technical_gesture: None,
                emergency_signs: Some(true)
            },
            priority: PriorityCriteria {
                no_treating_doctor: true,
                mobility_difficulty: false,
                long_delay: true,
                chronic_disease: false,
                c2s: true
            },
        }
    );
    assert_eq!(serde_json::to_value(&i).unwrap(), value);

    // Missing priority fields default to false; missing answers are unanswered.
    let sparse: Intake = serde_json::from_value(json!({
        "birthDate": "1950-06-01",
        "complaint": "Toux",
        "answers": { "abdominalPain": true },
        "priority": { "c2s": true }
    }))
    .unwrap();
    assert_eq!(
        sparse.answers,
        Answers {
            abdominal_pain: Some(true),
            technical_gesture: None,
            emergency_signs: None
        }
    );
    assert_eq!(
        sparse.priority,
        PriorityCriteria {
            c2s: true,
            ..Default::default()
        }
    );
    assert!(serde_json::from_value::<Intake>(
        json!({ "birthDate": "01/06/1950", "complaint": "" })
    )
    .is_err());
}

#[test]
fn assessment_json_contract() {
    let a = assess(&intake("2024-01-01", "fièvre", NO), d(TODAY));
    let value = serde_json::to_value(&a).unwrap();
    assert_eq!(
        value,
        json!({
            "outcome": "excluded",
            "reasons": [{ "code": "CHILD_UNDER_3", "message": Exclusion::ChildUnder3.message() }],
            "redirect": ["URGENCES", "SAMU_15", "PEDIATRE"],
            "priority": []
        })
    );
    let back: Assessment = serde_json::from_value(value).unwrap();
    assert_eq!(back, a);

    let mut i = intake("1940-01-01", "fièvre", (None, Some(false), Some(false)));
    i.priority.c2s = true;
    let value = serde_json::to_value(assess(&i, d(TODAY))).unwrap();
    assert_eq!(value["outcome"], json!("incomplete"));
    assert_eq!(value["reasons"][0]["code"], json!("MISSING_ANSWER"));
    assert_eq!(value["redirect"], json!([]));
    assert_eq!(value["priority"], json!(["AGE_70_PLUS", "C2S"]));

    let value =
        serde_json::to_value(assess(&intake("1980-01-01", "fièvre", NO), d(TODAY))).unwrap();
    assert_eq!(
        value,
        json!({ "outcome": "accepted", "reasons": [], "redirect": [], "priority": [] })
    );

    for (o, s) in [(OK, "accepted"), (EX, "excluded"), (INC, "incomplete")] {
        assert_eq!(serde_json::to_value(o).unwrap(), json!(s));
    }
    for (r, s) in [(S15, "SAMU_15"), (URG, "URGENCES"), (PED, "PEDIATRE")] {
        assert_eq!(serde_json::to_value(r).unwrap(), json!(s));
        assert_eq!(serde_json::from_value::<Redirect>(json!(s)).unwrap(), r);
    }
}

#[test]
fn assessment_predicates() {
    let accepted = assess(&intake("1980-01-01", "fièvre", NO), d(TODAY));
    let excluded = assess(&intake("1980-01-01", "mal au ventre", NO), d(TODAY));
    let incomplete = assess(
        &intake("1980-01-01", "fièvre", (None, None, None)),
        d(TODAY),
    );
    assert!(accepted.is_accepted() && !accepted.is_excluded() && !accepted.is_incomplete());
    assert!(!excluded.is_accepted() && excluded.is_excluded() && !excluded.is_incomplete());
    assert!(!incomplete.is_accepted() && !incomplete.is_excluded() && incomplete.is_incomplete());
}

fn any_answer() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(false)), Just(Some(true))]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1850i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, day)| {
        NaiveDate::from_ymd_opt(y, m, day)
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(y, m, 28).unwrap())
    })
}

/// Complaints built from the pattern vocabulary, to exercise the gap matching.
fn vocabulary_complaint() -> impl Strategy<Value = String> {
    let words: Vec<String> = EMERGENCY_SIGNS
        .iter()
        .chain(ABDOMINAL_PAIN)
        .chain(TECHNICAL_GESTURE)
        .flat_map(|p| p.split(['*', ' ']))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .chain(["le", "la", "de", "pas", "très", "x"].map(String::from))
        .collect();
    prop::collection::vec(prop::sample::select(words), 0..40).prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn assess_never_panics_and_is_consistent(
        complaint in prop_oneof![any::<String>(), vocabulary_complaint()],
        birth in any_date(),
        today in any_date(),
        a in any_answer(), t in any_answer(), e in any_answer(),
    ) {
        let i = Intake {
            birth_date: birth,
            complaint,
            answers: Answers { abdominal_pain: a, technical_gesture: t, emergency_signs: e },
            priority: PriorityCriteria::default(),
        };
        let r = assess(&i, today);
        match r.outcome {
            Outcome::Accepted => prop_assert!(r.reasons.is_empty() && r.redirect.is_empty()),
            Outcome::Incomplete => prop_assert!(!r.reasons.is_empty() && r.redirect.is_empty()),
            Outcome::Excluded => {
                prop_assert!(!r.reasons.is_empty());
                prop_assert!(r.redirect.contains(&Redirect::Samu15));
            }
        }
        // A "yes" or a keyword always excludes.
        let yes = [a, t, e].contains(&Some(true));
        let keyword = !scan_complaint(&i.complaint).is_empty();
        if yes || keyword {
            prop_assert!(r.is_excluded());
        }
        // A child under 3 is never accepted.
        if age::years(birth, today).is_some_and(|y| y < 3) {
            prop_assert!(r.is_excluded());
            prop_assert!(r.redirect.contains(&Redirect::Pediatre));
        }
    }
}

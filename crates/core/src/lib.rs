//! Relais core: the clinical rules of assisted teleconsultation, pure.
//!
//! A nurse or a pharmacist sits beside the patient; a remote GP leads the consultation by
//! video. This crate holds the rules that decide what the station may do, and nothing else:
//!
//! - [`text`]: the folding used for search keys and for the complaint scan;
//! - [`age`]: exact calendar age;
//! - [`identity`]: NIR, RPPS, phone numbers and the validation of the patient form;
//! - [`triage`]: eligibility of a consultation (children under 3, technical gestures,
//!   abdominal pain, emergency signs) and its priority criteria;
//! - [`lifecycle`]: the one gate through which a consultation changes state;
//! - [`measurement`]: physiological plausibility of instrument readings;
//! - [`prescription`] and [`report`]: the documents the GP signs, their content and checks;
//! - [`sick_note`]: the length of a sick note written by teleconsultation;
//! - [`auscultation`]: the length of a stethoscope clip (10 to 30 s).
//!
//! # Architecture invariants
//!
//! - No I/O, no clock, no async, no logging: today's date is always a parameter, so every
//!   rule is a deterministic function that tests can drive with any date.
//! - Never panics on input: invalid input is a typed error or an assessment, never a panic.
//! - Errors carry a stable machine `code()` (SCREAMING_SNAKE_CASE) to branch on and a
//!   French message (their `Display`) to show.
//! - Serialization shapes (camelCase JSON) are part of the contract with the UI and are
//!   unit-tested field by field.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use relais_core::triage::{self, Answers, Intake, PriorityCriteria};
//!
//! let today = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
//! let intake = Intake {
//!     birth_date: NaiveDate::from_ymd_opt(1950, 6, 1).unwrap(),
//!     complaint: "Mal au ventre depuis hier".into(),
//!     answers: Answers { abdominal_pain: Some(false), technical_gesture: Some(false), emergency_signs: Some(false) },
//!     priority: PriorityCriteria::default(),
//! };
//! let assessment = triage::assess(&intake, today);
//! assert!(assessment.is_excluded()); // the keyword scan overrides the "no" answer
//! assert_eq!(assessment.reasons[0].code, "ABDOMINAL_PAIN");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod age;
pub mod auscultation;
pub mod error;
mod fr;
pub mod identity;
pub mod lifecycle;
pub mod measurement;
pub mod prescription;
pub mod report;
pub mod sick_note;
pub mod text;
pub mod triage;

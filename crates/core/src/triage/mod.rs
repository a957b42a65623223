//! Triage: may this consultation go ahead by assisted teleconsultation, and who goes first.
//!
//! Not allowed (service description 001), with a redirection to the urgences or the 15:
//! children under 3 years, technical gestures (sutures…), abdominal pain; and, as for any
//! teleconsultation, emergency signs (call the 15 now). Each is detected by the answer to
//! its safety question or by the [complaint scan](scan_complaint), whichever fires: a
//! keyword match excludes even when the answer is "no".
//!
//! The outcome is `excluded` as soon as one exclusion is found (exclusion dominates missing
//! answers), else `incomplete` while something needed is missing (a safety answer, the
//! complaint, a birth date not after today), else `accepted`.
use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::age;
use crate::text::fold;

mod keywords;

pub use keywords::{
    scan_complaint, KeywordMatch, ABDOMINAL_PAIN, EMERGENCY_SIGNS, MAX_GAP, TECHNICAL_GESTURE,
};

/// Youngest age, in whole years, accepted for an assisted teleconsultation.
pub const MIN_AGE_YEARS: u32 = 3;

/// Age from which a patient gets the AGE_70_PLUS priority.
pub const PRIORITY_AGE_YEARS: u32 = 70;

/// What the station knows before the call (serde camelCase JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intake {
    /// Patient's birth date, "YYYY-MM-DD".
    pub birth_date: NaiveDate,
    /// Reason for the consultation, in the words of the patient or the assisting professional.
    pub complaint: String,
    /// Answers to the safety questions.
    #[serde(default)]
    pub answers: Answers,
    /// Priority criteria ticked at the station.
    #[serde(default)]
    pub priority: PriorityCriteria,
}

/// Answers to the safety questions; `None` (absent or null) means not answered yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answers {
    /// Does the patient have abdominal pain?
    #[serde(default)]
    pub abdominal_pain: Option<bool>,
    /// Does the consultation need a technical gesture (suture, cast…)?
    #[serde(default)]
    pub technical_gesture: Option<bool>,
    /// Does the patient show emergency signs (chest pain, stroke, severe breathlessness…)?
    #[serde(default)]
    pub emergency_signs: Option<bool>,
}

/// Priority criteria (services 001 and 002); missing JSON fields default to false.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PriorityCriteria {
    /// The patient has no médecin traitant.
    pub no_treating_doctor: bool,
    /// The patient has serious difficulty travelling.
    pub mobility_difficulty: bool,
    /// The delay to see a doctor is too long.
    pub long_delay: bool,
    /// Chronic disease such as cancer or diabetes.
    pub chronic_disease: bool,
    /// The patient benefits from the complémentaire santé solidaire.
    pub c2s: bool,
}

/// Result of the triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The teleconsultation may go ahead.
    Accepted,
    /// Not allowed: redirect the patient.
    Excluded,
    /// Something is missing before a decision can be made.
    Incomplete,
}

/// Why the outcome is what it is: a stable code and a French message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reason {
    /// Stable machine code, e.g. `ABDOMINAL_PAIN` or `MISSING_ANSWER`.
    pub code: String,
    /// French message for the assisting professional.
    pub message: String,
}

impl Reason {
    fn new(code: &str, message: &str) -> Self {
        Self {
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

/// Where to send an excluded patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Redirect {
    /// Call the 15 (SAMU).
    #[serde(rename = "SAMU_15")]
    Samu15,
    /// Go to the emergency department.
    #[serde(rename = "URGENCES")]
    Urgences,
    /// See a paediatrician.
    #[serde(rename = "PEDIATRE")]
    Pediatre,
}

/// The triage of one intake (serde camelCase JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Accepted, excluded or incomplete.
    pub outcome: Outcome,
    /// Exclusions (when excluded) or what is missing (when incomplete); empty when accepted.
    pub reasons: Vec<Reason>,
    /// Where to send the patient when excluded; empty otherwise.
    pub redirect: Vec<Redirect>,
    /// Priority codes, in a fixed order, whatever the outcome.
    pub priority: Vec<String>,
}

impl Assessment {
    /// The teleconsultation may go ahead.
    pub fn is_accepted(&self) -> bool {
        self.outcome == Outcome::Accepted
    }

    /// The teleconsultation is not allowed.
    pub fn is_excluded(&self) -> bool {
        self.outcome == Outcome::Excluded
    }

    /// Something is missing before a decision can be made.
    pub fn is_incomplete(&self) -> bool {
        self.outcome == Outcome::Incomplete
    }
}

/// A reason not to hold the teleconsultation, in reporting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exclusion {
    /// Emergency signs: call the 15 now.
    EmergencySigns,
    /// Child under 3 years.
    ChildUnder3,
    /// Abdominal pain.
    AbdominalPain,
    /// Technical gesture.
    TechnicalGesture,
}

impl Exclusion {
    /// Stable machine code, also the reason code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmergencySigns => "EMERGENCY_SIGNS",
            Self::ChildUnder3 => "CHILD_UNDER_3",
            Self::AbdominalPain => "ABDOMINAL_PAIN",
            Self::TechnicalGesture => "TECHNICAL_GESTURE",
        }
    }

    /// French message with the redirection.
    pub fn message(&self) -> &'static str {
        match self {
            Self::EmergencySigns => "Signes d'urgence : la téléconsultation n'est pas adaptée. Appelez le 15 immédiatement.",
            Self::ChildUnder3 => "Enfant de moins de 3 ans : la téléconsultation assistée n'est pas possible. Orientez vers les urgences, le 15 ou un pédiatre.",
            Self::AbdominalPain => "Douleur abdominale : la téléconsultation n'est pas adaptée. Rendez-vous aux urgences ou contactez le 15.",
            Self::TechnicalGesture => "Geste technique (suture, plâtre, ablation de fils…) : impossible en téléconsultation. Rendez-vous aux urgences ou contactez le 15.",
        }
    }

    /// This exclusion as a reason of an assessment.
    pub fn reason(&self) -> Reason {
        Reason::new(self.code(), self.message())
    }
}

/// One safety question asked at the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    /// Emergency signs.
    EmergencySigns,
    /// Abdominal pain.
    AbdominalPain,
    /// Technical gesture.
    TechnicalGesture,
}

impl Question {
    /// Every question, in the order their MISSING_ANSWER reasons are given.
    pub const ALL: [Question; 3] = [
        Self::EmergencySigns,
        Self::AbdominalPain,
        Self::TechnicalGesture,
    ];

    /// camelCase JSON path of the answer in an intake, e.g. `"answers.abdominalPain"`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::EmergencySigns => "answers.emergencySigns",
            Self::AbdominalPain => "answers.abdominalPain",
            Self::TechnicalGesture => "answers.technicalGesture",
        }
    }

    /// The answer given, `None` when unanswered.
    pub fn answer(&self, answers: &Answers) -> Option<bool> {
        match self {
            Self::EmergencySigns => answers.emergency_signs,
            Self::AbdominalPain => answers.abdominal_pain,
            Self::TechnicalGesture => answers.technical_gesture,
        }
    }

    /// French message of its MISSING_ANSWER reason, naming the question.
    pub fn missing_message(&self) -> &'static str {
        match self {
            Self::EmergencySigns => "Réponse manquante : le patient présente-t-il des signes d'urgence (douleur thoracique, signes d'AVC, grande difficulté à respirer, perte de connaissance, convulsions, hémorragie) ?",
            Self::AbdominalPain => "Réponse manquante : le patient a-t-il une douleur abdominale ?",
            Self::TechnicalGesture => "Réponse manquante : la consultation nécessite-t-elle un geste technique (suture, plâtre, ablation de fils…) ?",
        }
    }
}

/// Code of the reason given for each unanswered safety question.
pub const MISSING_ANSWER: &str = "MISSING_ANSWER";
/// Code of the reason given when the birth date is after today.
pub const INVALID_BIRTH_DATE: &str = "INVALID_BIRTH_DATE";
/// Code of the reason given when the complaint is empty: the scan would have nothing to read.
pub const MISSING_COMPLAINT: &str = "MISSING_COMPLAINT";

/// Triage of `intake` on `today`. Pure and total: never panics, whatever the complaint.
pub fn assess(intake: &Intake, today: NaiveDate) -> Assessment {
    let age = age::years(intake.birth_date, today);
    let priority = priority_codes(&intake.priority, age);
    let exclusions = exclusions(intake, age);
    if !exclusions.is_empty() {
        return Assessment {
            outcome: Outcome::Excluded,
            reasons: exclusions.iter().map(Exclusion::reason).collect(),
            redirect: redirects(&exclusions),
            priority,
        };
    }
    let reasons = missing(intake, age);
    Assessment {
        outcome: if reasons.is_empty() {
            Outcome::Accepted
        } else {
            Outcome::Incomplete
        },
        reasons,
        redirect: Vec::new(),
        priority,
    }
}

/// Every exclusion found, by answer, age or complaint scan.
fn exclusions(intake: &Intake, age: Option<u32>) -> BTreeSet<Exclusion> {
    let a = &intake.answers;
    let mut out: BTreeSet<Exclusion> = scan_complaint(&intake.complaint)
        .into_iter()
        .map(|m| m.exclusion)
        .collect();
    if a.emergency_signs == Some(true) {
        out.insert(Exclusion::EmergencySigns);
    }
    if age.is_some_and(|years| years < MIN_AGE_YEARS) {
        out.insert(Exclusion::ChildUnder3);
    }
    if a.abdominal_pain == Some(true) {
        out.insert(Exclusion::AbdominalPain);
    }
    if a.technical_gesture == Some(true) {
        out.insert(Exclusion::TechnicalGesture);
    }
    out
}

/// 15 first for emergency signs; urgences then 15 for the others; a paediatrician last for a child.
fn redirects(exclusions: &BTreeSet<Exclusion>) -> Vec<Redirect> {
    let mut out = Vec::new();
    let mut add = |r: Redirect| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    if exclusions.contains(&Exclusion::EmergencySigns) {
        add(Redirect::Samu15);
    }
    if exclusions.iter().any(|e| *e != Exclusion::EmergencySigns) {
        add(Redirect::Urgences);
        add(Redirect::Samu15);
    }
    if exclusions.contains(&Exclusion::ChildUnder3) {
        add(Redirect::Pediatre);
    }
    out
}

/// What keeps a non-excluded intake from being accepted.
fn missing(intake: &Intake, age: Option<u32>) -> Vec<Reason> {
    let a = &intake.answers;
    let mut out = Vec::new();
    if age.is_none() {
        out.push(Reason::new(
            INVALID_BIRTH_DATE,
            "Date de naissance postérieure à aujourd'hui : corrigez-la avant de poursuivre.",
        ));
    }
    if fold(&intake.complaint).is_empty() {
        out.push(Reason::new(
            MISSING_COMPLAINT,
            "Motif de consultation manquant : décrivez la plainte du patient.",
        ));
    }
    out.extend(
        Question::ALL
            .into_iter()
            .filter(|q| q.answer(a).is_none())
            .map(|q| Reason::new(MISSING_ANSWER, q.missing_message())),
    );
    out
}

/// Priority codes in a fixed order: NO_TREATING_DOCTOR, MOBILITY_DIFFICULTY, LONG_DELAY,
/// AGE_70_PLUS, CHRONIC_DISEASE, C2S.
fn priority_codes(p: &PriorityCriteria, age: Option<u32>) -> Vec<String> {
    [
        (p.no_treating_doctor, "NO_TREATING_DOCTOR"),
        (p.mobility_difficulty, "MOBILITY_DIFFICULTY"),
        (p.long_delay, "LONG_DELAY"),
        (age.is_some_and(|y| y >= PRIORITY_AGE_YEARS), "AGE_70_PLUS"),
        (p.chronic_disease, "CHRONIC_DISEASE"),
        (p.c2s, "C2S"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, code)| code.to_string())
    .collect()
}

#[cfg(test)]
mod tests;

//! The consultation lifecycle: the one gate through which a consultation changes state.
//!
//! | from              | event   | to                                   |
//! |-------------------|---------|--------------------------------------|
//! | Draft             | Triage  | Triaged, or Excluded (triage excludes) |
//! | Triaged           | Request | Requested                            |
//! | Requested         | Join    | InCall                               |
//! | InCall            | Request | Requested (the call dropped)         |
//! | InCall            | Report  | Reported                             |
//! | Reported          | Close   | Closed                               |
//! | Triaged, Requested| Cancel  | Cancelled                            |
//!
//! Every forward move before the call (Triage to Triaged, Request, Join) requires a FRESH
//! triage of the stored intake, accepted. Nothing trusts an assessment stored earlier: a birth
//! date corrected or a complaint edited is seen at the next move. Excluded, Closed and
//! Cancelled are terminal.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::triage::{Assessment, Outcome, Reason};

/// Where a consultation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsultationState {
    /// Being entered at the station.
    Draft,
    /// Triage accepted.
    Triaged,
    /// Waiting for a doctor.
    Requested,
    /// The video call is on.
    InCall,
    /// The doctor wrote the report.
    Reported,
    /// Done (terminal).
    Closed,
    /// Not allowed by the triage, patient redirected (terminal).
    Excluded,
    /// Cancelled before the call (terminal).
    Cancelled,
}

impl ConsultationState {
    /// Every state, in lifecycle order.
    pub const ALL: [ConsultationState; 8] = [
        Self::Draft,
        Self::Triaged,
        Self::Requested,
        Self::InCall,
        Self::Reported,
        Self::Closed,
        Self::Excluded,
        Self::Cancelled,
    ];

    /// French label for the UI.
    pub fn label_fr(&self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Triaged => "Éligible",
            Self::Requested => "En attente du médecin",
            Self::InCall => "En consultation",
            Self::Reported => "Compte rendu rédigé",
            Self::Closed => "Clôturée",
            Self::Excluded => "Non éligible, patient réorienté",
            Self::Cancelled => "Annulée",
        }
    }

    /// No event leaves this state.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Closed | Self::Excluded | Self::Cancelled)
    }
}

/// Something that happens to a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Event {
    /// Run the triage of the intake.
    Triage,
    /// Ask for a doctor (again, after a dropped call).
    Request,
    /// The doctor joins the call.
    Join,
    /// The doctor writes the report.
    Report,
    /// Close the consultation.
    Close,
    /// Cancel before the call.
    Cancel,
}

impl Event {
    /// Every event.
    pub const ALL: [Event; 6] = [
        Self::Triage,
        Self::Request,
        Self::Join,
        Self::Report,
        Self::Close,
        Self::Cancel,
    ];

    /// French label of the action, for messages.
    pub fn label_fr(&self) -> &'static str {
        match self {
            Self::Triage => "vérifier l'éligibilité",
            Self::Request => "demander un médecin",
            Self::Join => "rejoindre l'appel",
            Self::Report => "rédiger le compte rendu",
            Self::Close => "clôturer",
            Self::Cancel => "annuler",
        }
    }
}

/// Why a transition is refused. `Display` is the French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The event makes no sense in this state.
    #[error("Action impossible : « {} » n'est pas permis à l'état « {} ».", event.label_fr(), from.label_fr())]
    Illegal {
        /// State the consultation is in.
        from: ConsultationState,
        /// Event refused.
        event: Event,
    },
    /// The fresh triage excludes the consultation.
    #[error("Téléconsultation non autorisée. {}", messages(reasons))]
    Excluded {
        /// The exclusions, in triage order.
        reasons: Vec<Reason>,
    },
    /// The fresh triage is incomplete.
    #[error("Triage incomplet. {}", messages(reasons))]
    Incomplete {
        /// What is missing.
        reasons: Vec<Reason>,
    },
}

fn messages(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl TransitionError {
    /// Stable machine code: `ILLEGAL_TRANSITION`, `EXCLUDED_<first reason code>`, `INCOMPLETE_INTAKE`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Illegal { .. } => "ILLEGAL_TRANSITION",
            Self::Excluded { reasons } => match reasons.first().map(|r| r.code.as_str()) {
                Some("EMERGENCY_SIGNS") => "EXCLUDED_EMERGENCY_SIGNS",
                Some("CHILD_UNDER_3") => "EXCLUDED_CHILD_UNDER_3",
                Some("ABDOMINAL_PAIN") => "EXCLUDED_ABDOMINAL_PAIN",
                Some("TECHNICAL_GESTURE") => "EXCLUDED_TECHNICAL_GESTURE",
                _ => "EXCLUDED",
            },
            Self::Incomplete { .. } => "INCOMPLETE_INTAKE",
        }
    }
}

impl fmt::Display for ConsultationState {
    /// The camelCase code, as in JSON ("inCall").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Draft => "draft",
            Self::Triaged => "triaged",
            Self::Requested => "requested",
            Self::InCall => "inCall",
            Self::Reported => "reported",
            Self::Closed => "closed",
            Self::Excluded => "excluded",
            Self::Cancelled => "cancelled",
        })
    }
}

/// The one gate of the lifecycle. `assessment` is a FRESH re-run of triage::assess on the stored intake; every forward move (Triage→Triaged, Request, Join) requires it accepted; Triage with an excluded assessment goes Draft→Excluded; Triage with incomplete → Err(Incomplete).
pub fn advance(
    from: ConsultationState,
    event: Event,
    assessment: &Assessment,
) -> Result<ConsultationState, TransitionError> {
    use ConsultationState as S;
    match (from, event) {
        (S::Draft, Event::Triage) => match assessment.outcome {
            Outcome::Accepted => Ok(S::Triaged),
            Outcome::Excluded => Ok(S::Excluded),
            Outcome::Incomplete => Err(TransitionError::Incomplete {
                reasons: assessment.reasons.clone(),
            }),
        },
        (S::Triaged | S::InCall, Event::Request) => gate(assessment).map(|()| S::Requested),
        (S::Requested, Event::Join) => gate(assessment).map(|()| S::InCall),
        (S::InCall, Event::Report) => Ok(S::Reported),
        (S::Reported, Event::Close) => Ok(S::Closed),
        (S::Triaged | S::Requested, Event::Cancel) => Ok(S::Cancelled),
        // Someone pushing an excluded consultation forward is told why it is excluded.
        (S::Excluded, Event::Request | Event::Join) if assessment.is_excluded() => {
            Err(TransitionError::Excluded {
                reasons: assessment.reasons.clone(),
            })
        }
        _ => Err(TransitionError::Illegal { from, event }),
    }
}

/// A forward move needs the fresh triage accepted.
fn gate(assessment: &Assessment) -> Result<(), TransitionError> {
    match assessment.outcome {
        Outcome::Accepted => Ok(()),
        Outcome::Excluded => Err(TransitionError::Excluded {
            reasons: assessment.reasons.clone(),
        }),
        Outcome::Incomplete => Err(TransitionError::Incomplete {
            reasons: assessment.reasons.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{Exclusion, Redirect};
    use proptest::prelude::*;
    use serde_json::json;
    use ConsultationState as S;

    fn assessment(outcome: Outcome) -> Assessment {
        let reasons = match outcome {
            Outcome::Accepted => vec![],
            Outcome::Excluded => vec![
                Exclusion::AbdominalPain.reason(),
                Exclusion::TechnicalGesture.reason(),
            ],
            Outcome::Incomplete => vec![Reason {
                code: "MISSING_ANSWER".into(),
                message: "Réponse manquante.".into(),
            }],
        };
        let redirect = if outcome == Outcome::Excluded {
            vec![Redirect::Urgences, Redirect::Samu15]
        } else {
            vec![]
        };
        Assessment {
            outcome,
            reasons,
            redirect,
            priority: vec![],
        }
    }

    /// Expected result of `advance`: a state, or the code of the error.
    fn check(from: S, event: Event, outcome: Outcome, expected: Result<S, &str>) {
        let got = advance(from, event, &assessment(outcome));
        assert_eq!(
            got.as_ref().map_err(TransitionError::code).copied(),
            expected,
            "{from:?} -{event:?}-> ({outcome:?})"
        );
    }

    const OK: Outcome = Outcome::Accepted;
    const EX: Outcome = Outcome::Excluded;
    const INC: Outcome = Outcome::Incomplete;

    #[test]
    fn legal_transitions() {
        let table = [
            (S::Draft, Event::Triage, OK, Ok(S::Triaged)),
            (S::Draft, Event::Triage, EX, Ok(S::Excluded)),
            (S::Draft, Event::Triage, INC, Err("INCOMPLETE_INTAKE")),
            (S::Triaged, Event::Request, OK, Ok(S::Requested)),
            (
                S::Triaged,
                Event::Request,
                EX,
                Err("EXCLUDED_ABDOMINAL_PAIN"),
            ),
            (S::Triaged, Event::Request, INC, Err("INCOMPLETE_INTAKE")),
            (S::Requested, Event::Join, OK, Ok(S::InCall)),
            (
                S::Requested,
                Event::Join,
                EX,
                Err("EXCLUDED_ABDOMINAL_PAIN"),
            ),
            (S::Requested, Event::Join, INC, Err("INCOMPLETE_INTAKE")),
            (S::InCall, Event::Request, OK, Ok(S::Requested)),
            (
                S::InCall,
                Event::Request,
                EX,
                Err("EXCLUDED_ABDOMINAL_PAIN"),
            ),
            // Once the doctor is in the call, the report and the closing are not gated.
            (S::InCall, Event::Report, OK, Ok(S::Reported)),
            (S::InCall, Event::Report, EX, Ok(S::Reported)),
            (S::Reported, Event::Close, OK, Ok(S::Closed)),
            (S::Reported, Event::Close, EX, Ok(S::Closed)),
            (S::Triaged, Event::Cancel, OK, Ok(S::Cancelled)),
            (S::Triaged, Event::Cancel, EX, Ok(S::Cancelled)),
            (S::Requested, Event::Cancel, OK, Ok(S::Cancelled)),
            (S::Requested, Event::Cancel, INC, Ok(S::Cancelled)),
        ];
        for (from, event, outcome, expected) in table {
            check(from, event, outcome, expected);
        }
    }

    #[test]
    fn everything_else_is_illegal() {
        let legal = |from: S, event: Event| {
            matches!(
                (from, event),
                (S::Draft, Event::Triage)
                    | (S::Triaged | S::InCall, Event::Request)
                    | (S::Requested, Event::Join)
                    | (S::InCall, Event::Report)
                    | (S::Reported, Event::Close)
                    | (S::Triaged | S::Requested, Event::Cancel)
            )
        };
        let mut illegal = 0;
        for from in S::ALL {
            for event in Event::ALL {
                if legal(from, event) {
                    continue;
                }
                illegal += 1;
                for outcome in [OK, EX, INC] {
                    let got = advance(from, event, &assessment(outcome));
                    let pushed_forward = matches!(event, Event::Request | Event::Join);
                    if from == S::Excluded && pushed_forward && outcome == EX {
                        // Refused all the same, with the reasons of the exclusion.
                        assert_eq!(got.map_err(|e| e.code()), Err("EXCLUDED_ABDOMINAL_PAIN"));
                    } else {
                        assert_eq!(got, Err(TransitionError::Illegal { from, event }));
                    }
                }
            }
        }
        assert_eq!(illegal, 8 * 6 - 8);
        for terminal in [S::Closed, S::Excluded, S::Cancelled] {
            assert!(terminal.is_terminal());
        }
        assert_eq!(S::ALL.iter().filter(|s| s.is_terminal()).count(), 3);
    }

    #[test]
    fn error_codes_and_messages() {
        let excluded = |codes: &[&str]| TransitionError::Excluded {
            reasons: codes
                .iter()
                .map(|c| Reason {
                    code: (*c).into(),
                    message: "M.".into(),
                })
                .collect(),
        };
        for (codes, expected) in [
            (
                &["EMERGENCY_SIGNS", "ABDOMINAL_PAIN"][..],
                "EXCLUDED_EMERGENCY_SIGNS",
            ),
            (&["CHILD_UNDER_3"][..], "EXCLUDED_CHILD_UNDER_3"),
            (&["ABDOMINAL_PAIN"][..], "EXCLUDED_ABDOMINAL_PAIN"),
            (&["TECHNICAL_GESTURE"][..], "EXCLUDED_TECHNICAL_GESTURE"),
            (&["SOMETHING_NEW"][..], "EXCLUDED"),
            (&[][..], "EXCLUDED"),
        ] {
            assert_eq!(excluded(codes).code(), expected);
        }
        let illegal = TransitionError::Illegal {
            from: S::Closed,
            event: Event::Join,
        };
        assert_eq!(illegal.code(), "ILLEGAL_TRANSITION");
        assert_eq!(
            illegal.to_string(),
            "Action impossible : « rejoindre l'appel » n'est pas permis à l'état « Clôturée »."
        );
        let err = advance(S::Triaged, Event::Request, &assessment(EX)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Téléconsultation non autorisée. {} {}",
                Exclusion::AbdominalPain.message(),
                Exclusion::TechnicalGesture.message()
            )
        );
        let err = advance(S::Draft, Event::Triage, &assessment(INC)).unwrap_err();
        assert_eq!(err.to_string(), "Triage incomplet. Réponse manquante.");
    }

    #[test]
    fn json_and_labels() {
        let table = [
            (S::Draft, "draft"),
            (S::Triaged, "triaged"),
            (S::Requested, "requested"),
            (S::InCall, "inCall"),
            (S::Reported, "reported"),
            (S::Closed, "closed"),
            (S::Excluded, "excluded"),
            (S::Cancelled, "cancelled"),
        ];
        for (state, code) in table {
            assert_eq!(serde_json::to_value(state).unwrap(), json!(code));
            assert_eq!(serde_json::from_value::<S>(json!(code)).unwrap(), state);
            assert_eq!(state.to_string(), code);
            assert!(!state.label_fr().is_empty());
        }
        let events = [
            (Event::Triage, "triage"),
            (Event::Request, "request"),
            (Event::Join, "join"),
            (Event::Report, "report"),
            (Event::Close, "close"),
            (Event::Cancel, "cancel"),
        ];
        for (event, code) in events {
            assert_eq!(serde_json::to_value(event).unwrap(), json!(code));
            assert_eq!(serde_json::from_value::<Event>(json!(code)).unwrap(), event);
        }
    }

    #[test]
    fn the_happy_path_and_a_dropped_call() {
        let ok = assessment(OK);
        let mut s = S::Draft;
        for event in [
            Event::Triage,
            Event::Request,
            Event::Join,
            Event::Request,
            Event::Join,
            Event::Report,
            Event::Close,
        ] {
            s = advance(s, event, &ok).unwrap();
        }
        assert_eq!(s, S::Closed);
    }

    fn any_event() -> impl Strategy<Value = Event> {
        prop::sample::select(Event::ALL.to_vec())
    }

    proptest! {
        /// With an excluded triage, no sequence of events ever reaches a doctor.
        #[test]
        fn excluded_never_reaches_a_doctor(events in prop::collection::vec(any_event(), 0..30)) {
            let excluded = assessment(EX);
            let mut s = S::Draft;
            for event in events {
                if let Ok(next) = advance(s, event, &excluded) {
                    s = next;
                }
                prop_assert!(!matches!(s, S::Requested | S::InCall | S::Reported | S::Closed | S::Triaged), "{:?}", s);
            }
        }

        /// Same with an incomplete triage: the consultation never leaves the draft.
        #[test]
        fn incomplete_never_leaves_the_draft(events in prop::collection::vec(any_event(), 0..30)) {
            let incomplete = assessment(INC);
            let mut s = S::Draft;
            for event in events {
                if let Ok(next) = advance(s, event, &incomplete) {
                    s = next;
                }
                prop_assert_eq!(s, S::Draft);
            }
        }

        /// Whatever the triage says at each step, a consultation is never requested nor
        /// joined on a non-accepted fresh assessment, and terminal states are never left.
        #[test]
        fn every_gated_move_saw_an_accepted_triage(steps in prop::collection::vec((any_event(), prop::sample::select(vec![OK, EX, INC])), 0..40)) {
            let mut s = S::Draft;
            for (event, outcome) in steps {
                let a = assessment(outcome);
                if let Ok(next) = advance(s, event, &a) {
                    prop_assert!(!s.is_terminal());
                    if matches!(next, S::Triaged | S::Requested | S::InCall) {
                        prop_assert!(a.is_accepted(), "{:?} -{:?}-> {:?} with {:?}", s, event, next, outcome);
                    }
                    s = next;
                }
            }
        }
    }
}

//! Consultation commands: intake and triage, the redirection, the request to the GP.
//!
//! The triage gate: every forward move re-runs [`triage::assess`] on the stored intake
//! with the patient's stored birth date, and goes through [`lifecycle::advance`], the one
//! place that decides what may move. Nothing here trusts the state or the assessment
//! that was stored earlier, nor anything the caller sends beyond the answers themselves.
use chrono::{Duration, Utc};
use relais_core::error::FieldError;
use relais_core::identity::Patient;
use relais_core::lifecycle::{self, ConsultationState, Event, TransitionError};
use relais_core::triage::{self, Assessment, Intake, Outcome, Question};
use relais_store::{AuditEvent, ConsultationRow};
use serde::{Deserialize, Serialize};

use crate::dto::{Consultation, IntakeInput, TodayItem};
use crate::error::ApiError;
use crate::patients::{decode, summary};
use crate::station::{Ctx, Station};

/// What the record keeps of an intake (the store's `intake` column).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredIntake {
    intake: Intake,
    consent: bool,
}

impl Station {
    /// Records the intake, runs triage, and creates the consultation: `triaged` when
    /// accepted, `excluded` (terminal; the UI shows the redirection) when excluded.
    pub fn submit_intake(&self, input: &IntakeInput) -> Result<Consultation, ApiError> {
        self.with_session(|ctx| {
            let patient = decode(&ctx.store.get_patient(
                &ctx.actor,
                ctx.now,
                &input.patient_id,
            )?)?;
            let intake = Intake {
                birth_date: patient.birth_date,
                complaint: input.complaint.trim().to_string(),
                answers: input.answers.clone(),
                priority: input.priority.clone(),
            };
            let assessment = triage::assess(&intake, ctx.today);
            let state =
                match lifecycle::advance(ConsultationState::Draft, Event::Triage, &assessment) {
                    Ok(state) => state,
                    Err(TransitionError::Incomplete { reasons }) => {
                        let fields = incomplete_fields(&intake, &reasons);
                        return Err(ApiError::invalid_form(
                            "INCOMPLETE_INTAKE",
                            "Répondez à toutes les questions de sécurité avant de continuer.",
                            fields,
                        ));
                    }
                    Err(e) => return Err(e.into()),
                };
            // Consent is asked only of patients who may have the teleconsultation.
            if state != ConsultationState::Excluded && !input.consent {
                return Err(ApiError::on_field(
                    "CONSENT_REQUIRED",
                    "consent",
                    "Le consentement du patient à la téléconsultation est nécessaire.",
                ));
            }
            let row = ConsultationRow {
                id: String::new(),
                patient_id: input.patient_id.clone(),
                state: state_code(state),
                intake: serde_json::to_value(StoredIntake {
                    intake,
                    consent: input.consent,
                })?,
                assessment: serde_json::to_value(&assessment)?,
                redirection_acknowledged_at: None,
                created_at: ctx.now,
                updated_at: ctx.now,
            };
            let id = ctx.store.insert_consultation(&ctx.actor, ctx.now, &row)?;
            ctx.store.append_audit(
                &ctx.actor,
                ctx.now,
                &AuditEvent {
                    action: if assessment.is_excluded() {
                        "triage.excluded"
                    } else {
                        "triage.accepted"
                    },
                    record_type: "consultation",
                    record_id: Some(&id),
                    detail: &reason_codes(&assessment),
                },
            )?;
            consultation(ctx, &id)
        })
    }

    /// The professional confirms the excluded patient was redirected (15, urgences…).
    pub fn acknowledge_redirection(&self, id: &str) -> Result<Consultation, ApiError> {
        self.with_session(|ctx| {
            let row = ctx.store.get_consultation(id)?;
            if row.state != state_code(ConsultationState::Excluded) {
                return Err(ApiError::new(
                    "NOT_EXCLUDED",
                    "Cette consultation n'a pas fait l'objet d'une réorientation.",
                ));
            }
            ctx.store.acknowledge_redirection(&ctx.actor, ctx.now, id)?;
            consultation(ctx, id)
        })
    }

    /// Asks for a GP: `triaged` → `requested`, after a fresh triage.
    pub fn request_consultation(&self, id: &str) -> Result<Consultation, ApiError> {
        self.advance(id, Event::Request)
    }

    /// The GP joined the call: requested → in call (triage re-run, as for every move).
    pub fn join_call(&self, id: &str) -> Result<Consultation, ApiError> {
        self.advance(id, Event::Join)
    }

    /// Cancels a consultation that has not started.
    pub fn cancel_consultation(&self, id: &str) -> Result<Consultation, ApiError> {
        self.advance(id, Event::Cancel)
    }

    /// Moves a consultation through the lifecycle gate, re-running triage first. An
    /// intake found excluded on the way moves the consultation to `excluded`, recorded.
    fn advance(&self, id: &str, event: Event) -> Result<Consultation, ApiError> {
        self.with_session(|ctx| {
            let row = ctx.store.get_consultation(id)?;
            let from = parse_state(&row.state)?;
            let assessment = reassess(ctx, &row)?;
            match lifecycle::advance(from, event, &assessment) {
                Ok(to) => {
                    ctx.store.set_consultation_state(
                        &ctx.actor,
                        ctx.now,
                        id,
                        &row.state,
                        &state_code(to),
                        &reason_codes(&assessment),
                    )?;
                    consultation(ctx, id)
                }
                Err(e @ TransitionError::Excluded { .. }) => {
                    if !from.is_terminal() {
                        ctx.store.set_consultation_state(
                            &ctx.actor,
                            ctx.now,
                            id,
                            &row.state,
                            &state_code(ConsultationState::Excluded),
                            &reason_codes(&assessment),
                        )?;
                    }
                    ctx.store.append_audit(
                        &ctx.actor,
                        ctx.now,
                        &AuditEvent {
                            action: "triage.refused",
                            record_type: "consultation",
                            record_id: Some(id),
                            detail: &reason_codes(&assessment),
                        },
                    )?;
                    Err(e.into())
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    /// The consultations of the day, newest first, with their patients.
    pub fn today(&self) -> Result<Vec<TodayItem>, ApiError> {
        self.with_session(|ctx| {
            let start = ctx
                .today
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(ctx.now - Duration::hours(24));
            let rows = ctx
                .store
                .consultations_between(start, start + Duration::hours(24))?;
            let mut items = Vec::with_capacity(rows.len());
            for row in rows {
                let patient_row = ctx
                    .store
                    .get_patient(&ctx.actor, ctx.now, &row.patient_id)?;
                let patient = summary(patient_row.id.clone(), &decode(&patient_row)?, ctx.today);
                items.push(TodayItem {
                    consultation: to_dto(&row)?,
                    patient,
                });
            }
            items.sort_by_key(|i| std::cmp::Reverse(i.consultation.created_at));
            Ok(items)
        })
    }
}

/// A fresh triage of a stored consultation, with the patient's current birth date.
fn reassess(ctx: &Ctx<'_>, row: &ConsultationRow) -> Result<Assessment, ApiError> {
    Ok(fresh_triage(ctx, row)?.2)
}

/// The consultation's patient, its intake with the patient's current birth date, and a
/// fresh triage of it.
pub(crate) fn fresh_triage(
    ctx: &Ctx<'_>,
    row: &ConsultationRow,
) -> Result<(Patient, Intake, Assessment), ApiError> {
    let stored: StoredIntake = serde_json::from_value(row.intake.clone())?;
    let patient = decode(
        &ctx.store
            .get_patient(&ctx.actor, ctx.now, &row.patient_id)?,
    )?;
    let intake = Intake {
        birth_date: patient.birth_date,
        ..stored.intake
    };
    let assessment = triage::assess(&intake, ctx.today);
    Ok((patient, intake, assessment))
}

/// The consultations of one patient, newest first.
pub(crate) fn for_patient(ctx: &Ctx<'_>, patient_id: &str) -> Result<Vec<Consultation>, ApiError> {
    let mut out = ctx
        .store
        .consultations_for_patient(patient_id)?
        .iter()
        .map(to_dto)
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    Ok(out)
}

fn consultation(ctx: &Ctx<'_>, id: &str) -> Result<Consultation, ApiError> {
    to_dto(&ctx.store.get_consultation(id)?)
}

fn to_dto(row: &ConsultationRow) -> Result<Consultation, ApiError> {
    let stored: StoredIntake = serde_json::from_value(row.intake.clone())?;
    let state = parse_state(&row.state)?;
    Ok(Consultation {
        id: row.id.clone(),
        patient_id: row.patient_id.clone(),
        state,
        state_label: state.label_fr().to_string(),
        complaint: stored.intake.complaint,
        assessment: serde_json::from_value(row.assessment.clone())?,
        created_at: row.created_at,
        updated_at: row.updated_at,
        redirection_acknowledged: row.redirection_acknowledged_at.is_some(),
    })
}

fn state_code(state: ConsultationState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(crate) fn parse_state(code: &str) -> Result<ConsultationState, ApiError> {
    Ok(serde_json::from_value(serde_json::Value::String(
        code.to_string(),
    ))?)
}

/// Reason codes only: never the complaint text (health data stays out of the audit detail).
fn reason_codes(a: &Assessment) -> String {
    let outcome = match a.outcome {
        Outcome::Accepted => "accepted",
        Outcome::Excluded => "excluded",
        Outcome::Incomplete => "incomplete",
    };
    let codes: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
    format!("{outcome} {}", codes.join(",")).trim().to_string()
}

/// One field error per reason the intake is incomplete: each unanswered safety
/// question, and the missing motif.
fn incomplete_fields(intake: &Intake, reasons: &[triage::Reason]) -> Vec<FieldError> {
    let mut fields: Vec<FieldError> = Question::ALL
        .iter()
        .filter(|q| q.answer(&intake.answers).is_none())
        .map(|q| FieldError::new(q.field(), "MISSING_ANSWER", q.missing_message()))
        .collect();
    if let Some(r) = reasons.iter().find(|r| r.code == triage::MISSING_COMPLAINT) {
        fields.push(FieldError::new("complaint", &r.code, &r.message));
    }
    fields
}

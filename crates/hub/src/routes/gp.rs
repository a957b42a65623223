//! GP endpoints: the waiting list, accepting, a consultation's events.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use relais_protocol::api::{
    ConsultationEvent, HubConsultationStatus, RoomTicket, WaitingConsultation,
};
use relais_protocol::signal::Side;

use crate::audit::{Actor, AuditEvent};
use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::Gp;
use crate::state::AppState;
use crate::store::AcceptOutcome;
use crate::tickets;

/// `GET /api/consultations/waiting`: priority first, then oldest first.
pub async fn waiting(
    State(state): State<AppState>,
    Gp(_): Gp,
) -> ApiResult<Json<Vec<WaitingConsultation>>> {
    let (rows, stations) = state.db(|r| Ok((r.waiting()?, r.stations()?))).await?;
    let names: HashMap<String, String> = stations.into_iter().map(|s| (s.id, s.name)).collect();
    Ok(Json(
        rows.into_iter()
            .map(|c| WaitingConsultation {
                station_name: names.get(&c.station_id).cloned().unwrap_or_default(),
                age_years: relais_core::age::years(
                    c.patient.birth_date,
                    c.requested_at.date_naive(),
                )
                .unwrap_or(0),
                complaint: c.intake.complaint.clone(),
                id: c.id,
                requested_at: c.requested_at,
                patient: c.patient,
                assessment: c.assessment,
                status: c.status,
            })
            .collect(),
    ))
}

/// `POST /api/consultations/{id}/accept`: the first GP gets it; the same GP again gets a
/// fresh ticket; another GP gets 409 `ALREADY_ACCEPTED`.
pub async fn accept(
    State(state): State<AppState>,
    Gp(me): Gp,
    Path(id): Path<String>,
) -> ApiResult<Json<RoomTicket>> {
    let now = state.now();
    let ev = AuditEvent::new(now, Actor::Account(me.id.clone()), "consultation.accept")
        .consultation(&id)
        .detail(format!("gp={}", me.id));
    let gp = me.id.clone();
    let outcome = state.db(move |r| r.accept(&id, &gp, now, &ev)).await?;
    let row = match outcome {
        AcceptOutcome::Missing => return Err(ApiFailure::not_found()),
        AcceptOutcome::Accepted(row) => {
            tracing::info!(consultation = %row.id, gp = %me.id, "consultation accepted");
            row
        }
        AcceptOutcome::NotWaiting(row)
            if row.status == HubConsultationStatus::Accepted
                && row.gp_id.as_deref() == Some(me.id.as_str()) =>
        {
            row
        }
        AcceptOutcome::NotWaiting(row) if row.status == HubConsultationStatus::Accepted => {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                "ALREADY_ACCEPTED",
                "Un autre médecin a déjà accepté cette téléconsultation.",
            ))
        }
        AcceptOutcome::NotWaiting(_) => {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                "CONSULTATION_ENDED",
                "Cette téléconsultation est terminée ou annulée.",
            ))
        }
    };
    Ok(Json(tickets::issue(&state, &row, Side::Gp).await?))
}

/// `GET /api/consultations/{id}/events`: the audit entries, for the accepting GP only.
pub async fn events(
    State(state): State<AppState>,
    Gp(me): Gp,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ConsultationEvent>>> {
    let cid = id.clone();
    let row = state
        .db(move |r| r.consultation(&cid))
        .await?
        .ok_or_else(ApiFailure::not_found)?;
    if row.gp_id.as_deref() != Some(me.id.as_str()) {
        return Err(ApiFailure::forbidden());
    }
    let entries = state.db(move |r| r.consultation_audit(&id)).await?;
    Ok(Json(entries.iter().map(|e| e.to_event()).collect()))
}

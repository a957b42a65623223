//! Station endpoints: enrolment, consultation requests and their follow-up.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use relais_core::lifecycle::TransitionError;
use relais_core::triage::assess;
use relais_protocol::api::{
    ConsultationRequest, ConsultationStatus, EnrolRequest, HubConsultationStatus, RoomTicket,
    StationCredential,
};
use relais_protocol::signal::Side;

use crate::audit::{Actor, AuditEvent};
use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::{ApiJson, ClientIp, Station};
use crate::secret::{new_token, normalise_code, token_hash};
use crate::state::AppState;
use crate::store::{ConsultationRow, StationRow};
use crate::tickets;

/// `POST /api/stations/enrol`: a one-time code for the station's credential.
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> ApiResult<Json<StationCredential>> {
    let now = state.now();
    if state.enrol_limit.is_limited(&[&ip], now) {
        return Err(ApiFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Trop de codes d'enrôlement erronés : réessayez dans quelques minutes.",
        ));
    }
    let token = new_token();
    let station = StationRow {
        id: uuid::Uuid::new_v4().to_string(),
        name: String::new(),
        token_hash: token_hash(&token),
        enrolled_at: now,
        revoked_at: None,
    };
    let code_hash = token_hash(&normalise_code(&req.code));
    let ev = AuditEvent::new(now, Actor::Station(station.id.clone()), "station.enrol");
    let enrolled = state
        .db(move |r| r.enrol_station(&code_hash, now, &station, &ev))
        .await?;
    let Some(station) = enrolled else {
        state.enrol_limit.record_failure(&[&ip], now);
        let ev = AuditEvent::new(now, Actor::Anonymous, "station.enrol_failed")
            .detail("reason=BAD_ENROLMENT_CODE");
        state.db(move |r| r.append_audit(&ev)).await?;
        return Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "BAD_ENROLMENT_CODE",
            "Code d'enrôlement inconnu, déjà utilisé ou expiré : demandez-en un nouveau au coordinateur.",
        ));
    };
    tracing::info!(station = %station.id, "station enrolled");
    Ok(Json(StationCredential {
        station_id: station.id,
        station_name: station.name,
        token,
    }))
}

fn unprocessable(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

fn ended() -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "CONSULTATION_ENDED",
        "Cette téléconsultation est terminée ou annulée.",
    )
}

/// `POST /api/station/consultations`: the hub re-runs the triage with its own date.
pub async fn request(
    State(state): State<AppState>,
    Station(station): Station,
    ApiJson(req): ApiJson<ConsultationRequest>,
) -> ApiResult<Json<RoomTicket>> {
    let local_id = req.local_id.trim().to_string();
    if local_id.is_empty() || local_id.len() > 128 {
        return Err(ApiFailure::bad_request(
            "Identifiant local de consultation manquant ou trop long.",
        ));
    }
    let now = state.now();
    let assessment = assess(&req.intake, state.today());
    let refusal = if assessment.is_excluded() {
        let e = TransitionError::Excluded {
            reasons: assessment.reasons.clone(),
        };
        Some(unprocessable(e.code(), &e.to_string()))
    } else if assessment.is_incomplete() {
        let e = TransitionError::Incomplete {
            reasons: assessment.reasons.clone(),
        };
        Some(unprocessable("INTAKE_INCOMPLETE", &e.to_string()))
    } else {
        None
    };
    if let Some(refusal) = refusal {
        let ev = AuditEvent::new(
            now,
            Actor::Station(station.id.clone()),
            "consultation.refused",
        )
        .detail(format!("localId={local_id} reason={}", refusal.body.code));
        state.db(move |r| r.append_audit(&ev)).await?;
        tracing::info!(station = %station.id, code = %refusal.body.code, "consultation refused");
        return Err(refusal);
    }
    let row = ConsultationRow {
        id: uuid::Uuid::new_v4().to_string(),
        station_id: station.id.clone(),
        local_id,
        room_id: uuid::Uuid::new_v4().to_string(),
        requested_at: now,
        patient: req.patient,
        intake: req.intake,
        assessment,
        status: HubConsultationStatus::Waiting,
        gp_id: None,
        accepted_at: None,
        ended_at: None,
    };
    let ev = AuditEvent::new(
        now,
        Actor::Station(station.id.clone()),
        "consultation.request",
    )
    .consultation(&row.id)
    .detail(format!("station={} localId={}", station.id, row.local_id));
    let (row, created) = state.db(move |r| r.insert_consultation(&row, &ev)).await?;
    if matches!(
        row.status,
        HubConsultationStatus::Ended | HubConsultationStatus::Cancelled
    ) {
        return Err(ended());
    }
    if created {
        tracing::info!(consultation = %row.id, station = %station.id, "consultation requested");
    }
    Ok(Json(tickets::issue(&state, &row, Side::Station).await?))
}

async fn own_consultation(
    state: &AppState,
    station: &StationRow,
    id: String,
) -> Result<ConsultationRow, ApiFailure> {
    let row = state.db(move |r| r.consultation(&id)).await?;
    row.filter(|c| c.station_id == station.id)
        .ok_or_else(ApiFailure::not_found)
}

/// `GET /api/station/consultations/{id}`.
pub async fn status(
    State(state): State<AppState>,
    Station(station): Station,
    Path(id): Path<String>,
) -> ApiResult<Json<ConsultationStatus>> {
    let row = own_consultation(&state, &station, id).await?;
    let gp_name = match row.gp_id.clone() {
        Some(gp) => state
            .db(move |r| r.account_by_id(&gp))
            .await?
            .map(|a| a.name),
        None => None,
    };
    Ok(Json(ConsultationStatus {
        id: row.id,
        status: row.status,
        gp_name,
    }))
}

/// `POST /api/station/consultations/{id}/cancel`: only before a GP accepts.
pub async fn cancel(
    State(state): State<AppState>,
    Station(station): Station,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let row = own_consultation(&state, &station, id).await?;
    match row.status {
        HubConsultationStatus::Cancelled => return Ok(StatusCode::NO_CONTENT),
        HubConsultationStatus::Waiting => {}
        HubConsultationStatus::Accepted => {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                "ALREADY_ACCEPTED",
                "Un médecin a déjà accepté cette téléconsultation.",
            ))
        }
        HubConsultationStatus::Ended => return Err(ended()),
    }
    let now = state.now();
    let ev = AuditEvent::new(
        now,
        Actor::Station(station.id.clone()),
        "consultation.cancel",
    )
    .consultation(&row.id);
    let cid = row.id.clone();
    let done = state
        .db(move |r| {
            r.finish(
                &cid,
                &[HubConsultationStatus::Waiting],
                HubConsultationStatus::Cancelled,
                now,
                &ev,
            )
        })
        .await?;
    if !done {
        return Err(ApiFailure::new(
            StatusCode::CONFLICT,
            "ALREADY_ACCEPTED",
            "Un médecin a déjà accepté cette téléconsultation.",
        ));
    }
    state.rooms.end(&row.id);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/station/consultations/{id}/ticket`: a fresh station ticket (after a restart).
pub async fn ticket(
    State(state): State<AppState>,
    Station(station): Station,
    Path(id): Path<String>,
) -> ApiResult<Json<RoomTicket>> {
    let row = own_consultation(&state, &station, id).await?;
    if matches!(
        row.status,
        HubConsultationStatus::Ended | HubConsultationStatus::Cancelled
    ) {
        return Err(ended());
    }
    Ok(Json(tickets::issue(&state, &row, Side::Station).await?))
}

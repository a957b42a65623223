//! Coordinator endpoints: accounts, enrolment codes, stations.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use relais_protocol::api::{
    CreatedAccount, EnrolmentCode, NewAccount, NewEnrolmentCode, StationInfo,
};

use crate::accounts::{create_account, create_enrolment_code};
use crate::audit::{Actor, AuditEvent};
use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::{ApiJson, Coordinator};
use crate::state::AppState;

/// `POST /api/admin/accounts`.
pub async fn new_account(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    ApiJson(body): ApiJson<NewAccount>,
) -> ApiResult<Json<CreatedAccount>> {
    create_account(&state, Actor::Account(me.id), body)
        .await
        .map(Json)
}

/// `POST /api/admin/enrolment-codes`.
pub async fn new_enrolment_code(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    ApiJson(body): ApiJson<NewEnrolmentCode>,
) -> ApiResult<Json<EnrolmentCode>> {
    create_enrolment_code(&state, Actor::Account(me.id), &body.station_name)
        .await
        .map(Json)
}

/// `GET /api/admin/stations`.
pub async fn stations(
    State(state): State<AppState>,
    Coordinator(_): Coordinator,
) -> ApiResult<Json<Vec<StationInfo>>> {
    let rows = state.db(|r| r.stations()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| StationInfo {
                id: s.id,
                name: s.name,
                enrolled_at: s.enrolled_at,
                revoked: s.revoked_at.is_some(),
            })
            .collect(),
    ))
}

/// `POST /api/admin/stations/{id}/revoke`: refused at once, its sockets closed.
pub async fn revoke(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let now = state.now();
    let ev = AuditEvent::new(now, Actor::Account(me.id), "station.revoke")
        .detail(format!("station={id}"));
    let sid = id.clone();
    if !state.db(move |r| r.revoke_station(&sid, now, &ev)).await? {
        return Err(ApiFailure::not_found());
    }
    state.rooms.close_station(&id);
    tracing::info!(station = %id, "station revoked");
    Ok(StatusCode::NO_CONTENT)
}

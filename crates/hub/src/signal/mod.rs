//! Signaling over WSS at `/ws/signal?token=<join token>` (see `docs/HUB_PROTOCOL.md`).
//!
//! The upgrade is refused with an HTTP JSON error before any frame: `TOKEN_INVALID`,
//! `TOKEN_USED`, a GP token without the accepting GP's session, a station token with a GP
//! session or with another station's bearer, a revoked station, an ended consultation.

use std::collections::HashMap;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use relais_protocol::api::HubConsultationStatus;
use relais_protocol::signal::{Side, MAX_MESSAGE_BYTES};

use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::{bearer, session_account, station_of};
use crate::secret::token_hash;
use crate::state::AppState;

pub mod rooms;
mod socket;

/// Largest frame read from the wire: bigger than [`MAX_MESSAGE_BYTES`] so that an
/// oversized message still reaches the parser and gets its `error` before the close 1009.
pub const WIRE_LIMIT_BYTES: usize = 4 * MAX_MESSAGE_BYTES;

fn unauthorized(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, code, message)
}

/// `GET /ws/signal?token=…`.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let ws = ws.map_err(|_| ApiFailure::bad_request("Connexion WebSocket attendue."))?;
    let token = query.get("token").map(String::as_str).unwrap_or_default();
    let invalid = || unauthorized("TOKEN_INVALID", "Jeton de connexion inconnu.");
    if token.is_empty() {
        return Err(invalid());
    }
    let hash = token_hash(token);
    let lookup = hash.clone();
    let found = state
        .db(move |r| {
            let Some(t) = r.join_token(&lookup)? else {
                return Ok(None);
            };
            let c = r.consultation(&t.consultation_id)?;
            Ok(c.map(|c| (t, c)))
        })
        .await?;
    let (tok, consultation) = found.ok_or_else(invalid)?;
    if tok.used {
        return Err(unauthorized(
            "TOKEN_USED",
            "Ce jeton de connexion a déjà servi : demandez-en un nouveau.",
        ));
    }
    let forbidden = |message: &str| ApiFailure::new(StatusCode::FORBIDDEN, "FORBIDDEN", message);
    let actor_id = match tok.side {
        Side::Gp => {
            let account = session_account(&state, &headers).await?;
            if consultation.gp_id.as_deref() != Some(account.id.as_str()) {
                return Err(forbidden(
                    "Seul le médecin qui a accepté cette téléconsultation peut la rejoindre.",
                ));
            }
            if consultation.status != HubConsultationStatus::Accepted {
                return Err(ended());
            }
            account.id
        }
        Side::Station => {
            if session_account(&state, &headers).await.is_ok() {
                return Err(forbidden("Ce jeton est celui du poste, pas d'un médecin."));
            }
            if let Some(b) = bearer(&headers) {
                let s = station_of(&state, b).await?;
                if s.id != consultation.station_id {
                    return Err(forbidden("Ce jeton appartient à un autre poste."));
                }
            }
            let sid = consultation.station_id.clone();
            let station = state
                .db(move |r| r.station_by_id(&sid))
                .await?
                .ok_or_else(invalid)?;
            if station.revoked_at.is_some() {
                return Err(ApiFailure::new(
                    StatusCode::FORBIDDEN,
                    "STATION_REVOKED",
                    "Ce poste a été révoqué par le coordinateur.",
                ));
            }
            if matches!(
                consultation.status,
                HubConsultationStatus::Ended | HubConsultationStatus::Cancelled
            ) {
                return Err(ended());
            }
            station.id
        }
    };
    let now = state.now();
    if !state.db(move |r| r.use_join_token(&hash, now)).await? {
        return Err(unauthorized(
            "TOKEN_USED",
            "Ce jeton de connexion a déjà servi : demandez-en un nouveau.",
        ));
    }
    let ctx = socket::Ctx {
        state,
        consultation_id: consultation.id,
        room_id: consultation.room_id,
        station_id: consultation.station_id,
        side: tok.side,
        actor_id,
    };
    Ok(ws
        .max_message_size(WIRE_LIMIT_BYTES)
        .max_frame_size(WIRE_LIMIT_BYTES)
        .on_upgrade(move |socket| socket::run(socket, ctx))
        .into_response())
}

fn ended() -> ApiFailure {
    ApiFailure::new(
        StatusCode::CONFLICT,
        "CONSULTATION_ENDED",
        "Cette téléconsultation est terminée ou annulée.",
    )
}

//! Extractors: JSON bodies in the hub's error format, the signed-in account, the station.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use relais_protocol::api::Role;
use serde::de::DeserializeOwned;

use crate::auth::session::{is_live, token_from_cookie_header};
use crate::error::ApiFailure;
use crate::secret::token_hash;
use crate::state::AppState;
use crate::store::{AccountRow, StationRow};

/// A JSON body: limited to 64 KiB, unknown fields refused, errors as `BAD_REQUEST`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiFailure> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiFailure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "BODY_TOO_LARGE",
                    "Requête trop volumineuse (64 Kio au plus).",
                )
            } else {
                ApiFailure::bad_request("Corps de requête illisible.")
            }
        })?;
        parse_strict(&bytes).map(ApiJson)
    }
}

/// Parses JSON, refusing any field the type does not know.
pub fn parse_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiFailure> {
    let mut unknown = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_ignored::deserialize(&mut de, |path| unknown.push(path.to_string()))
        .map_err(|e| ApiFailure::bad_request(&format!("JSON invalide : {e}")))?;
    de.end()
        .map_err(|e| ApiFailure::bad_request(&format!("JSON invalide : {e}")))?;
    if !unknown.is_empty() {
        return Err(ApiFailure::bad_request(&format!(
            "Champ inconnu : {}.",
            unknown.join(", ")
        )));
    }
    Ok(value)
}

/// Client address as `ip:<addr>` (key of the per-IP rate limits).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiFailure> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientIp(format!("ip:{ip}")))
    }
}

/// The signed-in account (any role).
#[derive(Debug, Clone)]
pub struct SignedIn(pub AccountRow);

/// A signed-in GP; other roles get 403 `FORBIDDEN`.
#[derive(Debug, Clone)]
pub struct Gp(pub AccountRow);

/// A signed-in coordinator; other roles get 403 `FORBIDDEN`.
#[derive(Debug, Clone)]
pub struct Coordinator(pub AccountRow);

/// The account of the session cookie in `headers`: 401 `NOT_SIGNED_IN` or `SESSION_EXPIRED`.
pub async fn session_account(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<AccountRow, ApiFailure> {
    let not_signed_in = || {
        ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "NOT_SIGNED_IN",
            "Vous n'êtes pas connecté.",
        )
    };
    let token = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(token_from_cookie_header)
        .ok_or_else(not_signed_in)?;
    let hash = token_hash(token);
    let now = state.now();
    let policy = state.sessions;
    enum Found {
        Nothing,
        Expired,
        Account(Box<AccountRow>),
    }
    let found = state
        .db(move |r| {
            let Some(session) = r.session(&hash)? else {
                return Ok(Found::Nothing);
            };
            if !is_live(&session, &policy, now) {
                r.delete_session(&hash)?;
                return Ok(Found::Expired);
            }
            r.touch_session(&hash, now)?;
            Ok(match r.account_by_id(&session.account_id)? {
                Some(a) => Found::Account(Box::new(a)),
                None => Found::Nothing,
            })
        })
        .await?;
    match found {
        Found::Nothing => Err(not_signed_in()),
        Found::Expired => Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "SESSION_EXPIRED",
            "Votre session a expiré : reconnectez-vous.",
        )),
        Found::Account(account) => Ok(*account),
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        session_account(state, &parts.headers).await.map(SignedIn)
    }
}

impl FromRequestParts<AppState> for Gp {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        let a = session_account(state, &parts.headers).await?;
        if a.role == Role::Gp {
            Ok(Gp(a))
        } else {
            Err(ApiFailure::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for Coordinator {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        let a = session_account(state, &parts.headers).await?;
        if a.role == Role::Coordinator {
            Ok(Coordinator(a))
        } else {
            Err(ApiFailure::forbidden())
        }
    }
}

/// An enrolled, non-revoked station (`Authorization: Bearer <token>`).
#[derive(Debug, Clone)]
pub struct Station(pub StationRow);

/// The station of a bearer token: 401 `STATION_UNKNOWN`, 403 `STATION_REVOKED`.
pub async fn station_of(state: &AppState, token: &str) -> Result<StationRow, ApiFailure> {
    let hash = token_hash(token);
    let row = state.db(move |r| r.station_by_token(&hash)).await?;
    match row {
        None => Err(ApiFailure::new(
            StatusCode::UNAUTHORIZED,
            "STATION_UNKNOWN",
            "Poste inconnu : enrôlez-le à nouveau auprès du coordinateur.",
        )),
        Some(s) if s.revoked_at.is_some() => Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "STATION_REVOKED",
            "Ce poste a été révoqué par le coordinateur.",
        )),
        Some(s) => Ok(s),
    }
}

/// The bearer token of `headers`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Station {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        let token = bearer(&parts.headers).ok_or_else(|| {
            ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                "STATION_UNKNOWN",
                "Authentification du poste manquante.",
            )
        })?;
        station_of(state, token).await.map(Station)
    }
}

//! Signed documents: the GP signs (fresh TOTP), the GP and the station read them; the GP
//! reads the call's incidents to pre-fill the report. See `docs/HUB_PROTOCOL.md`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SubsecRound;
use relais_protocol::documents::{
    content_sha256, CallIncident, SignDocumentRequest, SignedDocument, Signer,
};

use crate::audit::{Actor, AuditEvent};
use crate::auth::totp;
use crate::documents::{incidents as call_incidents, prepare, Authority, PrepareError};
use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::{ApiJson, ClientIp, Gp, Station};
use crate::state::AppState;
use crate::store::{AccountRow, ConsultationRow, DocumentInsert, NewDocument};

/// A refusal of `POST …/documents`: the usual body, or 422 `DOCUMENT_INVALID` naming the field.
#[derive(Debug)]
pub enum SignRefusal {
    /// `{code, message}`.
    Api(ApiFailure),
    /// `{code: "DOCUMENT_INVALID", message, field, reason}`.
    Invalid {
        /// camelCase path of the field.
        field: String,
        /// Validation code, e.g. `REQUIRED`.
        reason: String,
        /// French sentence naming the field.
        message: String,
    },
}

impl From<ApiFailure> for SignRefusal {
    fn from(f: ApiFailure) -> Self {
        SignRefusal::Api(f)
    }
}

impl From<crate::error::HubError> for SignRefusal {
    fn from(e: crate::error::HubError) -> Self {
        SignRefusal::Api(e.into())
    }
}

impl IntoResponse for SignRefusal {
    fn into_response(self) -> Response {
        match self {
            SignRefusal::Api(f) => f.into_response(),
            SignRefusal::Invalid {
                field,
                reason,
                message,
            } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({
                    "code": "DOCUMENT_INVALID",
                    "message": message,
                    "field": field,
                    "reason": reason,
                })),
            )
                .into_response(),
        }
    }
}

/// The consultation if `me` is the GP who accepted it: 404, else 403.
async fn accepted_by(
    state: &AppState,
    me: &AccountRow,
    id: String,
) -> Result<ConsultationRow, ApiFailure> {
    let row = state
        .db(move |r| r.consultation(&id))
        .await?
        .ok_or_else(ApiFailure::not_found)?;
    if row.gp_id.as_deref() != Some(me.id.as_str()) {
        return Err(ApiFailure::forbidden());
    }
    Ok(row)
}

fn conflict(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::CONFLICT, code, message)
}

fn unauthorized(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, code, message)
}

/// `POST /api/gp/consultations/{id}/documents`: sign a prescription or a report.
pub async fn sign(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Gp(me): Gp,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SignDocumentRequest>,
) -> Result<(StatusCode, Json<SignedDocument>), SignRefusal> {
    let consultation = accepted_by(&state, &me, id).await?;
    // Documents carry whole seconds (as printed); the store keeps them exactly.
    let now = state.now().trunc_subsecs(0);
    let kind = req.kind;
    let failed = |reason: &'static str| {
        let state = state.clone();
        let ev = AuditEvent::new(now, Actor::Account(me.id.clone()), "document.sign_failed")
            .consultation(&consultation.id)
            .detail(format!("kind={} reason={reason}", kind.code()));
        async move {
            state.db(move |r| r.append_audit(&ev)).await?;
            Ok::<(), ApiFailure>(())
        }
    };
    let account_key = format!("account:{}", me.email);
    if state.login_limit.is_limited(&[&account_key, &ip], now) {
        failed("RATE_LIMITED").await?;
        return Err(ApiFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Trop de codes erronés : réessayez dans quelques minutes.",
        )
        .into());
    }
    // Content and version first: a refused document does not use up the GP's code.
    let document_id = uuid::Uuid::new_v4().to_string();
    let authority = Authority {
        document_id: &document_id,
        now,
        today: state.today(),
        consultation: &consultation,
        signer: &me,
    };
    let content = match prepare(kind, req.content, &authority) {
        Ok(c) => c,
        Err(PrepareError::ProfileIncomplete) => {
            failed("PROFILE_INCOMPLETE").await?;
            return Err(ApiFailure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "PROFILE_INCOMPLETE",
                "Votre profil de praticien est incomplet (qualification, adresse, téléphone, e-mail) : demandez au coordinateur de le compléter.",
            )
            .into());
        }
        Err(PrepareError::NotAnObject) => {
            failed("BAD_REQUEST").await?;
            return Err(
                ApiFailure::bad_request("Le contenu du document doit être un objet JSON.").into(),
            );
        }
        Err(PrepareError::Invalid(e)) => {
            failed(e.code()).await?;
            return Err(SignRefusal::Invalid {
                message: e.to_string(),
                reason: e.code().to_string(),
                field: e.field,
            });
        }
    };
    let (cid, k) = (consultation.id.clone(), kind);
    let latest = state.db(move |r| r.latest_document(&cid, k)).await?;
    match (&latest, &req.supersedes) {
        (Some(_), None) => {
            failed("DOCUMENT_EXISTS").await?;
            return Err(conflict(
                "DOCUMENT_EXISTS",
                "Ce document est déjà signé : une correction crée une nouvelle version qui remplace la précédente.",
            )
            .into());
        }
        (Some(cur), Some(named)) if &cur.id == named => {}
        (_, Some(_)) => {
            failed("NOT_LATEST_VERSION").await?;
            return Err(conflict(
                "NOT_LATEST_VERSION",
                "Une version plus récente de ce document existe : rechargez avant de corriger.",
            )
            .into());
        }
        (None, None) => {}
    }
    // The fresh code, as at sign-in: same counters, each step usable once.
    let record_failure = || state.login_limit.record_failure(&[&account_key, &ip], now);
    let Some(step) = totp::matching_step(&me.totp_secret, &req.totp, now)? else {
        record_failure();
        failed("BAD_TOTP").await?;
        return Err(unauthorized(
            "BAD_TOTP",
            "Code de vérification incorrect : saisissez le code à 6 chiffres affiché par votre application.",
        )
        .into());
    };
    let account_id = me.id.clone();
    if !state
        .db(move |r| r.use_totp_step(&account_id, step))
        .await?
    {
        record_failure();
        failed("TOTP_REPLAYED").await?;
        return Err(unauthorized(
            "TOTP_REPLAYED",
            "Ce code a déjà servi : attendez le code suivant de votre application.",
        )
        .into());
    }
    let sha256 = content_sha256(&content);
    let new = NewDocument {
        id: document_id,
        consultation_id: consultation.id.clone(),
        kind,
        supersedes: req.supersedes.clone(),
        content,
        signed_at: now,
        signer_account: me.id.clone(),
        signed_by: Signer {
            name: me.name.clone(),
            rpps: me.rpps.clone().unwrap_or_default(),
        },
        sha256,
    };
    let version = latest.as_ref().map_or(1, |d| d.version + 1);
    let ev = AuditEvent::new(now, Actor::Account(me.id.clone()), "document.sign")
        .consultation(&consultation.id)
        .detail(format!(
            "document={} kind={} version={version} supersedes={} sha256={}",
            new.id,
            kind.code(),
            new.supersedes.as_deref().unwrap_or("-"),
            new.sha256
        ));
    let outcome = state.db(move |r| r.insert_document(&new, &ev)).await?;
    match outcome {
        DocumentInsert::Stored(doc) => {
            tracing::info!(consultation = %doc.consultation_id, document = %doc.id, kind = kind.code(), version = doc.version, "document signed");
            Ok((StatusCode::CREATED, Json(doc)))
        }
        // Another signature won the race between the check above and the write.
        DocumentInsert::Exists(_) | DocumentInsert::NotLatest(_) => {
            failed("NOT_LATEST_VERSION").await?;
            Err(conflict(
                "NOT_LATEST_VERSION",
                "Une version plus récente de ce document existe : rechargez avant de corriger.",
            )
            .into())
        }
    }
}

async fn list(
    state: &AppState,
    actor: Actor,
    consultation_id: String,
) -> ApiResult<Json<Vec<SignedDocument>>> {
    let ev = AuditEvent::new(state.now(), actor, "document.list").consultation(&consultation_id);
    let docs = state
        .db(move |r| {
            let docs = r.documents(&consultation_id)?;
            r.append_audit(&ev.detail(format!("count={}", docs.len())))?;
            Ok(docs)
        })
        .await?;
    Ok(Json(docs))
}

/// `GET /api/gp/consultations/{id}/documents`: every version, for the accepting GP.
pub async fn gp_list(
    State(state): State<AppState>,
    Gp(me): Gp,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SignedDocument>>> {
    let row = accepted_by(&state, &me, id).await?;
    list(&state, Actor::Account(me.id), row.id).await
}

/// `GET /api/station/consultations/{id}/documents`: every version, for the asking station.
pub async fn station_list(
    State(state): State<AppState>,
    Station(station): Station,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SignedDocument>>> {
    let row = state
        .db(move |r| r.consultation(&id))
        .await?
        .filter(|c| c.station_id == station.id)
        .ok_or_else(ApiFailure::not_found)?;
    list(&state, Actor::Station(station.id), row.id).await
}

/// `GET /api/gp/consultations/{id}/incidents`: the call's incidents, for the report.
pub async fn incidents(
    State(state): State<AppState>,
    Gp(me): Gp,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CallIncident>>> {
    let row = accepted_by(&state, &me, id).await?;
    let ev = AuditEvent::new(state.now(), Actor::Account(me.id), "document.incidents")
        .consultation(&row.id);
    let entries = state
        .db(move |r| {
            let entries = r.consultation_audit(&row.id)?;
            r.append_audit(&ev)?;
            Ok(entries)
        })
        .await?;
    Ok(Json(call_incidents(&entries)))
}

//! `POST /api/login`, `POST /api/logout`, `GET /api/me`.

use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use relais_protocol::api::{Account, LoginRequest};

use crate::accounts::{account_view, email_key};
use crate::audit::{Actor, AuditEvent};
use crate::auth::session::{clear_cookie, set_cookie, token_from_cookie_header};
use crate::auth::totp;
use crate::error::{ApiFailure, ApiResult};
use crate::routes::extract::{ApiJson, ClientIp, SignedIn};
use crate::secret::{new_token, token_hash};
use crate::state::AppState;
use crate::store::SessionRow;

fn refused(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, code, message)
}

/// Signs in with e-mail, password and TOTP code in one step.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let email = email_key(&req.email);
    let account_key = format!("account:{email}");
    let now = state.now();
    if state.login_limit.is_limited(&[&account_key, &ip], now) {
        let ev = AuditEvent::new(now, Actor::Anonymous, "account.login_failed")
            .detail("reason=RATE_LIMITED");
        state.db(move |r| r.append_audit(&ev)).await?;
        return Err(ApiFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Trop de tentatives de connexion : réessayez dans quelques minutes.",
        ));
    }
    let lookup = email.clone();
    let account = state.db(move |r| r.account_by_email(&lookup)).await?;
    let passwords = state.passwords;
    let password = req.password;
    let phc = account.as_ref().map(|a| a.password_hash.clone());
    // Argon2 runs for unknown e-mails too: both cases take the same time.
    let password_ok = state
        .blocking(move || match phc {
            Some(phc) => passwords.verify(&password, &phc),
            None => passwords.verify_dummy(&password).map(|()| false),
        })
        .await?;
    let failure = |actor: Actor, code: &'static str| {
        let state = state.clone();
        let keys = [account_key.clone(), ip.clone()];
        async move {
            state.login_limit.record_failure(&[&keys[0], &keys[1]], now);
            let ev = AuditEvent::new(now, actor, "account.login_failed")
                .detail(format!("reason={code}"));
            state.db(move |r| r.append_audit(&ev)).await?;
            Ok::<(), ApiFailure>(())
        }
    };
    let account = match account {
        Some(a) if password_ok => a,
        other => {
            let actor = other.map_or(Actor::Anonymous, |a| Actor::Account(a.id));
            failure(actor, "BAD_CREDENTIALS").await?;
            return Err(refused(
                "BAD_CREDENTIALS",
                "Adresse e-mail ou mot de passe incorrect.",
            ));
        }
    };
    let Some(step) = totp::matching_step(&account.totp_secret, &req.totp, now)? else {
        failure(Actor::Account(account.id.clone()), "BAD_TOTP").await?;
        return Err(refused(
            "BAD_TOTP",
            "Code de vérification incorrect : saisissez le code à 6 chiffres affiché par votre application.",
        ));
    };
    let id = account.id.clone();
    if !state.db(move |r| r.use_totp_step(&id, step)).await? {
        failure(Actor::Account(account.id.clone()), "TOTP_REPLAYED").await?;
        return Err(refused(
            "TOTP_REPLAYED",
            "Ce code a déjà servi : attendez le code suivant de votre application.",
        ));
    }
    state.login_limit.clear(&account_key);
    let token = new_token();
    let session = SessionRow {
        token_hash: token_hash(&token),
        account_id: account.id.clone(),
        created_at: now,
        last_seen: now,
    };
    let ev = AuditEvent::new(now, Actor::Account(account.id.clone()), "account.login");
    state
        .db(move |r| {
            r.insert_session(&session)?;
            r.append_audit(&ev).map(|_| ())
        })
        .await?;
    tracing::info!(account = %account.id, "signed in");
    let cookie = set_cookie(&token, &state.sessions);
    Ok(([(SET_COOKIE, cookie)], Json(account_view(&account))).into_response())
}

/// Ends the session of the cookie, if any.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let token = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(token_from_cookie_header)
        .map(token_hash);
    if let Some(hash) = token {
        state.db(move |r| r.delete_session(&hash)).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear_cookie())]).into_response())
}

/// The signed-in account.
pub async fn me(SignedIn(account): SignedIn) -> Json<Account> {
    Json(account_view(&account))
}

//! Creating accounts and enrolment codes: shared by the HTTP API and [`crate::Admin`].

use chrono::Duration;
use relais_core::identity::Rpps;
use relais_protocol::api::{
    Account, CreatedAccount, EnrolmentCode, NewAccount, PractitionerProfile, Role,
};

use axum::http::StatusCode;

use crate::audit::{Actor, AuditEvent};
use crate::auth::password::strong_enough;
use crate::auth::totp;
use crate::error::ApiFailure;
use crate::secret::{new_enrolment_code, normalise_code, token_hash};
use crate::state::AppState;
use crate::store::AccountRow;

/// Validity of an enrolment code.
pub const ENROLMENT_CODE_LIFETIME: Duration = Duration::hours(24);

/// The public view of an account.
pub fn account_view(row: &AccountRow) -> Account {
    Account {
        id: row.id.clone(),
        email: row.email.clone(),
        name: row.name.clone(),
        rpps: row.rpps.clone(),
        role: row.role,
        profile: row.profile.clone(),
    }
}

/// Normal form of an e-mail: trimmed, lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn unprocessable(code: &str, message: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Creates an account (audited `account.create` by `actor`).
pub async fn create_account(
    state: &AppState,
    actor: Actor,
    new: NewAccount,
) -> Result<CreatedAccount, ApiFailure> {
    let email = email_key(&new.email);
    if email.len() < 3 || !email.contains('@') || email.chars().any(char::is_whitespace) {
        return Err(ApiFailure::bad_request("Adresse e-mail invalide."));
    }
    let name = new.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiFailure::bad_request("Le nom est obligatoire."));
    }
    if !strong_enough(&new.password) {
        return Err(unprocessable(
            "WEAK_PASSWORD",
            "Mot de passe trop court : au moins 12 caractères.",
        ));
    }
    let rpps = match (&new.rpps, new.role) {
        (Some(r), _) if !r.trim().is_empty() => Some(
            Rpps::parse(r)
                .map_err(|_| {
                    unprocessable(
                        "BAD_RPPS",
                        "Numéro RPPS invalide : 11 chiffres dont une clé de contrôle.",
                    )
                })?
                .as_str()
                .to_string(),
        ),
        (_, Role::Gp) => {
            return Err(unprocessable(
                "BAD_RPPS",
                "Le numéro RPPS est obligatoire pour un médecin.",
            ))
        }
        _ => None,
    };
    let profile = match (&new.profile, new.role) {
        (Some(p), Role::Gp) => Some(crate::profile::normalise(p)?),
        (Some(_), Role::Coordinator) => {
            return Err(unprocessable(
                "BAD_PROFILE",
                "Seul un compte de médecin a un profil de praticien.",
            ))
        }
        (None, _) => None,
    };
    let passwords = state.passwords;
    let password = new.password;
    let password_hash = state.blocking(move || passwords.hash(&password)).await?;
    let totp_secret = totp::new_secret();
    let otpauth_uri = totp::otpauth_uri(&totp_secret, &email)?;
    let now = state.now();
    let row = AccountRow {
        id: uuid::Uuid::new_v4().to_string(),
        email,
        name,
        rpps,
        role: new.role,
        password_hash,
        totp_secret: totp_secret.clone(),
        last_totp_step: None,
        created_at: now,
        profile,
    };
    let audit = AuditEvent::new(now, actor, "account.create").detail(format!(
        "account={} role={}",
        row.id,
        if row.role == Role::Gp {
            "gp"
        } else {
            "coordinator"
        }
    ));
    let stored = row.clone();
    state.db(move |r| r.insert_account(&stored, &audit)).await?;
    tracing::info!(account = %row.id, "account created");
    Ok(CreatedAccount {
        account: account_view(&row),
        totp_secret,
        otpauth_uri,
    })
}

/// Sets (or replaces) the practitioner profile of a GP account (audited `account.profile`).
pub async fn set_profile(
    state: &AppState,
    actor: Actor,
    account_id: &str,
    profile: &PractitionerProfile,
) -> Result<Account, ApiFailure> {
    let id = account_id.to_string();
    let account = state
        .db(move |r| r.account_by_id(&id))
        .await?
        .ok_or_else(ApiFailure::not_found)?;
    if account.role != Role::Gp {
        return Err(unprocessable(
            "BAD_PROFILE",
            "Seul un compte de médecin a un profil de praticien.",
        ));
    }
    let profile = crate::profile::normalise(profile)?;
    let audit = AuditEvent::new(state.now(), actor, "account.profile")
        .detail(format!("account={}", account.id));
    let (id, stored) = (account.id.clone(), profile.clone());
    state
        .db(move |r| r.set_profile(&id, &stored, &audit))
        .await?;
    Ok(account_view(&AccountRow {
        profile: Some(profile),
        ..account
    }))
}

/// Creates a one-time enrolment code valid 24 h (audited `station.code_create`).
pub async fn create_enrolment_code(
    state: &AppState,
    actor: Actor,
    station_name: &str,
) -> Result<EnrolmentCode, ApiFailure> {
    let station_name = station_name.trim().to_string();
    if station_name.is_empty() || station_name.chars().count() > 200 {
        return Err(ApiFailure::bad_request(
            "Nom de poste manquant ou trop long (200 caractères au plus).",
        ));
    }
    let code = new_enrolment_code();
    let hash = token_hash(&normalise_code(&code));
    let now = state.now();
    let expires_at = now + ENROLMENT_CODE_LIFETIME;
    let created_by = match &actor {
        Actor::Account(id) => Some(id.clone()),
        _ => None,
    };
    let audit = AuditEvent::new(now, actor, "station.code_create");
    let name = station_name.clone();
    state
        .db(move |r| {
            r.insert_enrolment_code(&hash, &name, created_by.as_deref(), now, expires_at, &audit)
        })
        .await?;
    Ok(EnrolmentCode {
        code,
        station_name,
        expires_at,
    })
}

//! Station users (the assisting professionals) and their passwords.
//!
//! Passwords are stored as Argon2id PHC strings (m = 19 MiB, t = 2, p = 1: the OWASP
//! minimum for interactive sign-in). Usernames are unique regardless of case.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};
use rand::RngCore;
use rusqlite::{params, OptionalExtension, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{parse_ts, read_err, ts, Store};
use crate::error::{is_unique_violation, Result, StoreError};

/// Argon2id memory cost of user passwords, in KiB (19 MiB).
const PASSWORD_M_KIB: u32 = 19 * 1024;
/// Argon2id iterations of user passwords.
const PASSWORD_T: u32 = 2;

/// Roles a user may have.
pub const ROLES: [&str; 2] = ["manager", "assistant"];

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Sign-in name, unique regardless of case.
    pub username: String,
    /// Name shown in the interface and on documents.
    pub display_name: String,
    /// Profession code chosen by the caller (e.g. `"infirmier"`, `"pharmacien"`).
    pub profession: String,
    /// RPPS number, if the professional has one.
    pub rpps: Option<String>,
    /// `"manager"` or `"assistant"`.
    pub role: String,
}

/// A stored user (without the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Id (UUID v4).
    pub id: String,
    /// Sign-in name as typed at creation.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Profession code.
    pub profession: String,
    /// RPPS number.
    pub rpps: Option<String>,
    /// `"manager"` or `"assistant"`.
    pub role: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, username, display_name, profession, rpps, role, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        profession: r.get(3)?,
        rpps: r.get(4)?,
        role: r.get(5)?,
        created_at: parse_ts(&r.get::<_, String>(6)?)?,
    })
}

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(PASSWORD_M_KIB, PASSWORD_T, 1, None)
        .map_err(|_| StoreError::Crypto("argon2 params"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| StoreError::Crypto("salt"))?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| StoreError::Crypto("argon2 hash"))?
        .to_string())
}

/// Checks a password against a PHC string; `false` on mismatch.
fn password_matches(password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(|_| StoreError::Corrupt {
        what: "empreinte de mot de passe",
    })?;
    match hasher()?.verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(_) => Err(StoreError::Crypto("argon2 verify")),
    }
}

/// A hash of a random password, verified against for unknown users so they cost the same time.
fn dummy_hash() -> Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash_password(&uuid::Uuid::new_v4().to_string())?;
    Ok(DUMMY.get_or_init(|| h))
}

fn username_key(username: &str) -> String {
    username.to_lowercase()
}

impl Store {
    /// Creates a user with an Argon2id password hash; a username taken in any case gives
    /// [`StoreError::Conflict`]. Audited `user.create`.
    pub fn create_user(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        user: &NewUser,
        password: &str,
    ) -> Result<UserRow> {
        if user.username.trim().is_empty() {
            return Err(StoreError::InvalidInput {
                field: "nom d'utilisateur",
            });
        }
        if !ROLES.contains(&user.role.as_str()) {
            return Err(StoreError::InvalidInput { field: "rôle" });
        }
        if password.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "mot de passe",
            });
        }
        let phc = hash_password(password)?;
        let id = uuid::Uuid::new_v4().to_string();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO users (id, username, username_key, display_name, profession, rpps, role, \
             password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                user.username,
                username_key(&user.username),
                user.display_name,
                user.profession,
                user.rpps,
                user.role,
                phc,
                ts(&at)
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    reason: "ce nom d'utilisateur existe déjà",
                }
            } else {
                e.into()
            }
        })?;
        let detail = format!("role={}", user.role);
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "user.create",
                record_type: "user",
                record_id: Some(&id),
                detail: &detail,
            },
        )?;
        let row = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
                [&id],
                from_row,
            )
            .map_err(read_err)?;
        tx.commit()?;
        Ok(row)
    }

    /// The user if `username` (any case) exists and `password` matches, else `None`.
    ///
    /// Takes about the same time whether the user exists or not (an unknown user is checked
    /// against a dummy hash); the comparison itself is argon2's constant-time one. Not audited:
    /// call [`Store::record_sign_in`] with the outcome.
    pub fn verify_password(&self, username: &str, password: &str) -> Result<Option<UserRow>> {
        let found: Option<(UserRow, String)> = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS}, password_hash FROM users WHERE username_key = ?1"),
                [username_key(username)],
                |r| Ok((from_row(r)?, r.get(7)?)),
            )
            .optional()
            .map_err(read_err)?;
        match found {
            Some((user, phc)) => Ok(password_matches(password, &phc)?.then_some(user)),
            None => {
                password_matches(password, dummy_hash()?)?;
                Ok(None)
            }
        }
    }

    /// Audits a sign-in attempt (`user.sign_in` or `user.sign_in_failed`).
    ///
    /// The user's id is recorded when `username` exists; an unknown username is not written
    /// (people sometimes type their password in that field), only `detail = "unknown_user"`.
    pub fn record_sign_in(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        username: &str,
        success: bool,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let user_id: Option<String> = tx
            .query_row(
                "SELECT id FROM users WHERE username_key = ?1",
                [username_key(username)],
                |r| r.get(0),
            )
            .optional()?;
        let (action, detail) = match (success, &user_id) {
            (true, _) => ("user.sign_in", ""),
            (false, Some(_)) => ("user.sign_in_failed", "bad_password"),
            (false, None) => ("user.sign_in_failed", "unknown_user"),
        };
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action,
                record_type: "user",
                record_id: user_id.as_deref(),
                detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Number of users (0 means the first-start wizard must run).
    pub fn user_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The user with this id, if any.
    pub fn get_user(&self, id: &str) -> Result<Option<UserRow>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
            .map_err(read_err)
    }
}

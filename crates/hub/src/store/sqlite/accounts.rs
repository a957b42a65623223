//! Accounts and sessions in the SQLCipher backend.

use chrono::{DateTime, Utc};
use relais_protocol::api::{PractitionerProfile, Role};
use rusqlite::{params, OptionalExtension, Row};

use super::audit::append;
use super::{parse_json, parse_ts, to_json, ts, SqliteRepo};
use crate::audit::AuditEvent;
use crate::error::HubError;
use crate::store::{AccountRepo, AccountRow, Result, SessionRow};

const COLUMNS: &str =
    "id, email, name, rpps, role, password_hash, totp_secret, last_totp_step, created_at, profile";

pub(crate) fn role_text(role: Role) -> &'static str {
    match role {
        Role::Gp => "gp",
        Role::Coordinator => "coordinator",
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    let role: String = r.get(4)?;
    Ok(AccountRow {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        rpps: r.get(3)?,
        role: if role == "coordinator" {
            Role::Coordinator
        } else {
            Role::Gp
        },
        password_hash: r.get(5)?,
        totp_secret: r.get(6)?,
        last_totp_step: r.get(7)?,
        created_at: parse_ts(&r.get::<_, String>(8)?)?,
        profile: r
            .get::<_, Option<String>>(9)?
            .map(|s| parse_json(&s))
            .transpose()?,
    })
}

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0)?,
        account_id: r.get(1)?,
        created_at: parse_ts(&r.get::<_, String>(2)?)?,
        last_seen: parse_ts(&r.get::<_, String>(3)?)?,
    })
}

impl AccountRepo for SqliteRepo {
    fn insert_account(&self, row: &AccountRow, audit: &AuditEvent) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let taken: Option<String> = tx
            .query_row(
                "SELECT id FROM accounts WHERE email = ?1",
                [&row.email],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(HubError::EmailTaken);
        }
        tx.execute(
            &format!(
                "INSERT INTO accounts ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
                row.id,
                row.email,
                row.name,
                row.rpps,
                role_text(row.role),
                row.password_hash,
                row.totp_secret,
                row.last_totp_step,
                ts(&row.created_at),
                row.profile.as_ref().map(to_json).transpose()?
            ],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(())
    }

    fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>> {
        let conn = self.lock();
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE email = ?1"),
                [email],
                from_row,
            )
            .optional()?)
    }

    fn account_by_id(&self, id: &str) -> Result<Option<AccountRow>> {
        let conn = self.lock();
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    fn set_profile(
        &self,
        account_id: &str,
        profile: &PractitionerProfile,
        audit: &AuditEvent,
    ) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE accounts SET profile = ?2 WHERE id = ?1",
            params![account_id, to_json(profile)?],
        )?;
        if n == 1 {
            append(&tx, audit)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    fn use_totp_step(&self, account_id: &str, step: i64) -> Result<bool> {
        let conn = self.lock();
        let n = conn.execute(
            "UPDATE accounts SET last_totp_step = ?2
             WHERE id = ?1 AND (last_totp_step IS NULL OR last_totp_step < ?2)",
            params![account_id, step],
        )?;
        Ok(n == 1)
    }

    fn insert_session(&self, row: &SessionRow) -> Result<()> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO sessions (token_hash, account_id, created_at, last_seen)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                row.token_hash,
                row.account_id,
                ts(&row.created_at),
                ts(&row.last_seen)
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        let conn = self.lock();
        Ok(conn
            .query_row(
                "SELECT token_hash, account_id, created_at, last_seen FROM sessions
                 WHERE token_hash = ?1",
                [token_hash],
                session_from_row,
            )
            .optional()?)
    }

    fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        let conn = self.lock();
        conn.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
            params![token_hash, ts(&at)],
        )?;
        Ok(())
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        let conn = self.lock();
        conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
}

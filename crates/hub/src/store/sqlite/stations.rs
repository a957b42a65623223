//! Stations and enrolment codes in the SQLCipher backend.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::audit::append;
use super::{parse_opt_ts, parse_ts, ts, SqliteRepo};
use crate::audit::AuditEvent;
use crate::store::{Result, StationRepo, StationRow};

const COLUMNS: &str = "id, name, token_hash, enrolled_at, revoked_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StationRow> {
    Ok(StationRow {
        id: r.get(0)?,
        name: r.get(1)?,
        token_hash: r.get(2)?,
        enrolled_at: parse_ts(&r.get::<_, String>(3)?)?,
        revoked_at: parse_opt_ts(r.get(4)?)?,
    })
}

impl SqliteRepo {
    fn station_where(&self, clause: &str, value: &str) -> Result<Option<StationRow>> {
        let conn = self.lock();
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM stations WHERE {clause} = ?1"),
                [value],
                from_row,
            )
            .optional()?)
    }
}

impl StationRepo for SqliteRepo {
    fn insert_enrolment_code(
        &self,
        code_hash: &str,
        station_name: &str,
        created_by: Option<&str>,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, station_name, created_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code_hash, station_name, created_by, ts(&created_at), ts(&expires_at)],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(())
    }

    fn enrol_station(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
        station: &StationRow,
        audit: &AuditEvent,
    ) -> Result<Option<StationRow>> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let name: Option<String> = tx
            .query_row(
                "SELECT station_name FROM enrolment_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![code_hash, ts(&now)],
                |r| r.get(0),
            )
            .optional()?;
        let Some(name) = name else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE enrolment_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![code_hash, ts(&now)],
        )?;
        let row = StationRow {
            name,
            ..station.clone()
        };
        tx.execute(
            &format!("INSERT INTO stations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, NULL)"),
            params![row.id, row.name, row.token_hash, ts(&row.enrolled_at)],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(Some(row))
    }

    fn station_by_token(&self, token_hash: &str) -> Result<Option<StationRow>> {
        self.station_where("token_hash", token_hash)
    }

    fn station_by_id(&self, id: &str) -> Result<Option<StationRow>> {
        self.station_where("id", id)
    }

    fn stations(&self) -> Result<Vec<StationRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM stations ORDER BY enrolled_at, id"
        ))?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_station(&self, id: &str, at: DateTime<Utc>, audit: &AuditEvent) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: Option<String> = tx
            .query_row("SELECT id FROM stations WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Ok(false);
        }
        tx.execute(
            "UPDATE stations SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, ts(&at)],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(true)
    }
}

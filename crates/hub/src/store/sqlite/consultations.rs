//! Consultations and join tokens in the SQLCipher backend.

use chrono::{DateTime, Utc};
use relais_protocol::api::HubConsultationStatus;
use relais_protocol::signal::Side;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::audit::append;
use super::{parse_json, parse_opt_ts, parse_ts, to_json, ts, SqliteRepo};
use crate::audit::AuditEvent;
use crate::store::{AcceptOutcome, ConsultationRepo, ConsultationRow, JoinTokenRow, Result};

const COLUMNS: &str = "id, station_id, local_id, room_id, requested_at, patient, intake, \
                       assessment, status, gp_id, accepted_at, ended_at";

pub(crate) fn status_text(s: HubConsultationStatus) -> &'static str {
    match s {
        HubConsultationStatus::Waiting => "waiting",
        HubConsultationStatus::Accepted => "accepted",
        HubConsultationStatus::Ended => "ended",
        HubConsultationStatus::Cancelled => "cancelled",
    }
}

fn parse_status(s: &str) -> HubConsultationStatus {
    match s {
        "accepted" => HubConsultationStatus::Accepted,
        "ended" => HubConsultationStatus::Ended,
        "cancelled" => HubConsultationStatus::Cancelled,
        _ => HubConsultationStatus::Waiting,
    }
}

fn side_text(s: Side) -> &'static str {
    match s {
        Side::Station => "station",
        Side::Gp => "gp",
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<ConsultationRow> {
    Ok(ConsultationRow {
        id: r.get(0)?,
        station_id: r.get(1)?,
        local_id: r.get(2)?,
        room_id: r.get(3)?,
        requested_at: parse_ts(&r.get::<_, String>(4)?)?,
        patient: parse_json(&r.get::<_, String>(5)?)?,
        intake: parse_json(&r.get::<_, String>(6)?)?,
        assessment: parse_json(&r.get::<_, String>(7)?)?,
        status: parse_status(&r.get::<_, String>(8)?),
        gp_id: r.get(9)?,
        accepted_at: parse_opt_ts(r.get(10)?)?,
        ended_at: parse_opt_ts(r.get(11)?)?,
    })
}

fn by_id(conn: &Connection, id: &str) -> Result<Option<ConsultationRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM consultations WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

impl ConsultationRepo for SqliteRepo {
    fn insert_consultation(
        &self,
        row: &ConsultationRow,
        audit: &AuditEvent,
    ) -> Result<(ConsultationRow, bool)> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing = tx
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM consultations WHERE station_id = ?1 AND local_id = ?2"
                ),
                params![row.station_id, row.local_id],
                from_row,
            )
            .optional()?;
        if let Some(existing) = existing {
            return Ok((existing, false));
        }
        tx.execute(
            &format!(
                "INSERT INTO consultations ({COLUMNS}, priority)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ),
            params![
                row.id,
                row.station_id,
                row.local_id,
                row.room_id,
                ts(&row.requested_at),
                to_json(&row.patient)?,
                to_json(&row.intake)?,
                to_json(&row.assessment)?,
                status_text(row.status),
                row.gp_id,
                row.accepted_at.as_ref().map(ts),
                row.ended_at.as_ref().map(ts),
                i64::from(!row.assessment.priority.is_empty()),
            ],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok((row.clone(), true))
    }

    fn consultation(&self, id: &str) -> Result<Option<ConsultationRow>> {
        by_id(&self.lock(), id)
    }

    fn waiting(&self) -> Result<Vec<ConsultationRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consultations WHERE status = 'waiting'
             ORDER BY priority DESC, requested_at, id"
        ))?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn accept(
        &self,
        id: &str,
        gp_id: &str,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<AcceptOutcome> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE consultations SET status = 'accepted', gp_id = ?2, accepted_at = ?3
             WHERE id = ?1 AND status = 'waiting'",
            params![id, gp_id, ts(&at)],
        )?;
        let row = by_id(&tx, id)?;
        let outcome = match (n, row) {
            (_, None) => AcceptOutcome::Missing,
            (1, Some(row)) => {
                append(&tx, audit)?;
                AcceptOutcome::Accepted(row)
            }
            (_, Some(row)) => AcceptOutcome::NotWaiting(row),
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn finish(
        &self,
        id: &str,
        from: &[HubConsultationStatus],
        to: HubConsultationStatus,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some(row) = by_id(&tx, id)? else {
            return Ok(false);
        };
        if !from.contains(&row.status) {
            return Ok(false);
        }
        tx.execute(
            "UPDATE consultations SET status = ?2, ended_at = ?3 WHERE id = ?1",
            params![id, status_text(to), ts(&at)],
        )?;
        append(&tx, audit)?;
        tx.commit()?;
        Ok(true)
    }

    fn insert_join_token(
        &self,
        token_hash: &str,
        consultation_id: &str,
        side: Side,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.lock();
        conn.execute(
            "INSERT INTO join_tokens (token_hash, consultation_id, side, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, consultation_id, side_text(side), ts(&at)],
        )?;
        Ok(())
    }

    fn join_token(&self, token_hash: &str) -> Result<Option<JoinTokenRow>> {
        let conn = self.lock();
        Ok(conn
            .query_row(
                "SELECT consultation_id, side, used_at FROM join_tokens WHERE token_hash = ?1",
                [token_hash],
                |r| {
                    let side: String = r.get(1)?;
                    let used: Option<String> = r.get(2)?;
                    Ok(JoinTokenRow {
                        consultation_id: r.get(0)?,
                        side: if side == "gp" {
                            Side::Gp
                        } else {
                            Side::Station
                        },
                        used: used.is_some(),
                    })
                },
            )
            .optional()?)
    }

    fn use_join_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let conn = self.lock();
        let n = conn.execute(
            "UPDATE join_tokens SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
            params![token_hash, ts(&at)],
        )?;
        Ok(n == 1)
    }
}

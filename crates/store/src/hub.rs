//! The link to the hub: the station's enrolment, the hub's ids of requested consultations,
//! and the technical journal of each call (connection, drops, reconnections, end).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::audit::{append, Actor, AuditEvent};
use crate::consultations::not_found;
use crate::db::{parse_ts, read_err, ts, Store};
use crate::error::{is_foreign_key_violation, Result, StoreError};

/// The station's enrolment at its hub.
#[derive(Clone, PartialEq, Eq)]
pub struct HubLinkRow {
    /// Hub address, `https://…`.
    pub url: String,
    /// Pinned SHA-256 fingerprint of the hub's certificate (none for a CA-signed one).
    pub fingerprint: Option<String>,
    /// The station's id at the hub.
    pub station_id: String,
    /// The station's name at the hub.
    pub station_name: String,
    /// The station's credential (bearer token).
    pub token: String,
    /// When the station enrolled.
    pub enrolled_at: DateTime<Utc>,
}

impl std::fmt::Debug for HubLinkRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubLinkRow")
            .field("url", &self.url)
            .field("station_id", &self.station_id)
            .finish_non_exhaustive()
    }
}

/// One entry of a call's technical journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEventRow {
    /// Order of the entry.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Stable kind, e.g. `CONNECTED`, `MEDIA_DISCONNECTED`, `RECOVERED`, `ENDED`.
    pub kind: String,
    /// Technical detail, never health data.
    pub detail: String,
}

impl Store {
    /// Saves (or replaces) the enrolment. Audited `hub.enrol` with the station id.
    pub fn save_hub_link(&self, actor: &Actor, at: DateTime<Utc>, link: &HubLinkRow) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO hub_link (id, url, fingerprint, station_id, station_name, token, enrolled_at) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET url = excluded.url, \
             fingerprint = excluded.fingerprint, station_id = excluded.station_id, \
             station_name = excluded.station_name, token = excluded.token, enrolled_at = excluded.enrolled_at",
            params![
                link.url,
                link.fingerprint,
                link.station_id,
                link.station_name,
                link.token,
                ts(&link.enrolled_at)
            ],
        )?;
        let detail = format!("station={}", link.station_id);
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "hub.enrol",
                record_type: "hub",
                record_id: Some(&link.station_id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The enrolment, if the station enrolled.
    pub fn hub_link(&self) -> Result<Option<HubLinkRow>> {
        self.conn
            .query_row(
                "SELECT url, fingerprint, station_id, station_name, token, enrolled_at FROM hub_link WHERE id = 1",
                [],
                |r| {
                    Ok(HubLinkRow {
                        url: r.get(0)?,
                        fingerprint: r.get(1)?,
                        station_id: r.get(2)?,
                        station_name: r.get(3)?,
                        token: r.get(4)?,
                        enrolled_at: parse_ts(&r.get::<_, String>(5)?)?,
                    })
                },
            )
            .optional()
            .map_err(read_err)
    }

    /// Records the hub's id of a consultation requested from this station. Audited `consultation.hub_request`.
    pub fn set_hub_consultation(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        consultation_id: &str,
        hub_consultation_id: &str,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO consultation_hub (consultation_id, hub_consultation_id, requested_at) \
             VALUES (?1, ?2, ?3) ON CONFLICT (consultation_id) DO UPDATE SET \
             hub_consultation_id = excluded.hub_consultation_id",
            params![consultation_id, hub_consultation_id, ts(&at)],
        )
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                not_found(consultation_id)
            } else {
                e.into()
            }
        })?;
        let detail = format!("hub_consultation={hub_consultation_id}");
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "consultation.hub_request",
                record_type: "consultation",
                record_id: Some(consultation_id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The hub's id of a consultation, if it was requested from the hub.
    pub fn hub_consultation_id(&self, consultation_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT hub_consultation_id FROM consultation_hub WHERE consultation_id = ?1",
                [consultation_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(read_err)
    }

    /// Appends to a call's technical journal; also audited as `call.<kind in lowercase>`.
    pub fn record_call_event(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        consultation_id: &str,
        kind: &str,
        detail: &str,
    ) -> Result<()> {
        if kind.is_empty()
            || kind.len() > 64
            || !kind.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        {
            return Err(StoreError::InvalidInput {
                field: "type d’événement d’appel",
            });
        }
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO call_events (consultation_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
            params![consultation_id, ts(&at), kind, detail],
        )
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                not_found(consultation_id)
            } else {
                e.into()
            }
        })?;
        let action = format!("call.{}", kind.to_ascii_lowercase());
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: &action,
                record_type: "consultation",
                record_id: Some(consultation_id),
                detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A call's technical journal, oldest first.
    pub fn call_events(&self, consultation_id: &str) -> Result<Vec<CallEventRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, kind, detail FROM call_events WHERE consultation_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([consultation_id], |r| {
                Ok(CallEventRow {
                    id: r.get(0)?,
                    at: parse_ts(&r.get::<_, String>(1)?)?,
                    kind: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_err)?;
        Ok(rows)
    }
}

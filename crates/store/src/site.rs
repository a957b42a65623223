//! The site (pharmacy, practice, nursing home...) where the station stands: one per database.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{parse_ts, read_err, ts, Store};
use crate::error::{is_unique_violation, Result, StoreError};

/// The site to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSite {
    /// Kind of site, a code chosen by the caller (e.g. `"pharmacie"`).
    pub kind: String,
    /// Name of the site.
    pub name: String,
    /// Commune (town) of the site.
    pub commune: String,
    /// Postal address.
    pub address: Option<String>,
}

/// The stored site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRow {
    /// Id (UUID v4).
    pub id: String,
    /// Kind of site.
    pub kind: String,
    /// Name of the site.
    pub name: String,
    /// Commune of the site.
    pub commune: String,
    /// Postal address.
    pub address: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<SiteRow> {
    Ok(SiteRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: r.get(2)?,
        commune: r.get(3)?,
        address: r.get(4)?,
        created_at: parse_ts(&r.get::<_, String>(5)?)?,
    })
}

impl Store {
    /// Creates the site; there is only one, a second gives [`StoreError::Conflict`]. Audited `site.create`.
    pub fn create_site(&self, actor: &Actor, at: DateTime<Utc>, site: &NewSite) -> Result<SiteRow> {
        let id = uuid::Uuid::new_v4().to_string();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO site (id, kind, name, commune, address, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                site.kind,
                site.name,
                site.commune,
                site.address,
                ts(&at)
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    reason: "le site est déjà configuré",
                }
            } else {
                e.into()
            }
        })?;
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "site.create",
                record_type: "site",
                record_id: Some(&id),
                detail: "",
            },
        )?;
        let row = tx
            .query_row(
                "SELECT id, kind, name, commune, address, created_at FROM site WHERE id = ?1",
                [&id],
                from_row,
            )
            .map_err(read_err)?;
        tx.commit()?;
        Ok(row)
    }

    /// The site, if it has been created.
    pub fn site(&self) -> Result<Option<SiteRow>> {
        self.conn
            .query_row(
                "SELECT id, kind, name, commune, address, created_at FROM site",
                [],
                from_row,
            )
            .optional()
            .map_err(read_err)
    }
}

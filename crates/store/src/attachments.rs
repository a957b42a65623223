//! Attachments of a consultation: camera stills and stethoscope clips.
//!
//! Append only: an attachment is written once, never changed. Listing gives the metadata
//! without the bytes; reading the bytes is audited like any read of the record.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::audit::{append, Actor, AuditEvent};
use crate::consultations::not_found;
use crate::db::{read_err, ts, Store};
use crate::error::{is_foreign_key_violation, Result, StoreError};
use crate::rows::{json_col, list, ts_col};

/// Kinds of attachment the record accepts.
pub const ATTACHMENT_KINDS: &[&str] = &["still", "stethoscopeClip"];

/// Largest attachment accepted, in bytes (a 30 s WAV clip is ~2.9 MB, a 4K JPEG ~4 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 16 * 1024 * 1024;

/// An attachment to add to a consultation.
#[derive(Clone)]
pub struct NewAttachment {
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// One of [`ATTACHMENT_KINDS`].
    pub kind: String,
    /// Media type, e.g. `image/jpeg`, `audio/wav`.
    pub mime: String,
    /// A short label (camera role, auscultation site…), if any.
    pub label: Option<String>,
    /// Technical metadata (resolution, duration, sample rate…), JSON.
    pub meta: serde_json::Value,
    /// The content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("consultation_id", &self.consultation_id)
            .field("kind", &self.kind)
            .field("mime", &self.mime)
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// A stored attachment, without its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRow {
    /// Its id (UUID).
    pub id: String,
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// One of [`ATTACHMENT_KINDS`].
    pub kind: String,
    /// Media type.
    pub mime: String,
    /// Short label, if any.
    pub label: Option<String>,
    /// Technical metadata.
    pub meta: serde_json::Value,
    /// Size in bytes.
    pub size: u64,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// Who stored it (user id, or the system).
    pub created_by: String,
}

const COLUMNS: &str = "id, consultation_id, kind, mime, label, meta, size, created_at, created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: r.get(0)?,
        consultation_id: r.get(1)?,
        kind: r.get(2)?,
        mime: r.get(3)?,
        label: r.get(4)?,
        meta: json_col(r, 5)?,
        size: r.get::<_, i64>(6)?.max(0) as u64,
        created_at: ts_col(r, 7)?,
        created_by: r.get(8)?,
    })
}

fn check(new: &NewAttachment) -> Result<()> {
    if !ATTACHMENT_KINDS.contains(&new.kind.as_str()) {
        return Err(StoreError::InvalidInput {
            field: "type de pièce jointe",
        });
    }
    if new.mime.is_empty() || new.mime.len() > 100 || !new.mime.contains('/') {
        return Err(StoreError::InvalidInput {
            field: "format de pièce jointe",
        });
    }
    if new.bytes.is_empty() || new.bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(StoreError::InvalidInput {
            field: "taille de pièce jointe",
        });
    }
    if new.label.as_ref().is_some_and(|l| l.chars().count() > 200) {
        return Err(StoreError::InvalidInput {
            field: "libellé de pièce jointe",
        });
    }
    Ok(())
}

impl Store {
    /// Stores an attachment of a consultation. Audited `attachment.add` (id, kind and size).
    pub fn add_attachment(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        new: &NewAttachment,
    ) -> Result<AttachmentRow> {
        check(new)?;
        let id = uuid::Uuid::new_v4().to_string();
        let created_by = actor.user_id.clone().unwrap_or_else(|| actor.label.clone());
        let meta = serde_json::to_string(&new.meta).map_err(|_| StoreError::InvalidInput {
            field: "métadonnées de pièce jointe",
        })?;
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO attachments (id, consultation_id, kind, mime, label, meta, size, bytes, \
             created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                new.consultation_id,
                new.kind,
                new.mime,
                new.label,
                meta,
                new.bytes.len() as i64,
                new.bytes,
                ts(&at),
                created_by
            ],
        )
        .map_err(|e| {
            if is_foreign_key_violation(&e) {
                not_found(&new.consultation_id)
            } else {
                e.into()
            }
        })?;
        let detail = format!("{} {} {} octets", id, new.kind, new.bytes.len());
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "attachment.add",
                record_type: "consultation",
                record_id: Some(&new.consultation_id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(AttachmentRow {
            id,
            consultation_id: new.consultation_id.clone(),
            kind: new.kind.clone(),
            mime: new.mime.clone(),
            label: new.label.clone(),
            meta: new.meta.clone(),
            size: new.bytes.len() as u64,
            created_at: at,
            created_by,
        })
    }

    /// The attachments of a consultation, oldest first, without their bytes.
    pub fn attachments(&self, consultation_id: &str) -> Result<Vec<AttachmentRow>> {
        list(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM attachments WHERE consultation_id = ?1 \
                 ORDER BY created_at, rowid"
            ),
            [consultation_id],
            row,
        )
    }

    /// The bytes of an attachment. Audited `attachment.read`: a read of the record.
    pub fn attachment_bytes(&self, actor: &Actor, at: DateTime<Utc>, id: &str) -> Result<Vec<u8>> {
        let tx = self.write_tx()?;
        let found: Option<(String, Vec<u8>)> = tx
            .query_row(
                "SELECT consultation_id, bytes FROM attachments WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(read_err)?;
        let Some((consultation_id, bytes)) = found else {
            return Err(StoreError::NotFound {
                what: "pièce jointe",
                id: id.to_string(),
            });
        };
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "attachment.read",
                record_type: "consultation",
                record_id: Some(&consultation_id),
                detail: id,
            },
        )?;
        tx.commit()?;
        Ok(bytes)
    }
}

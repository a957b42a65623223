//! Reading rows back, the same way for every table: typed column getters for the row
//! mappers, a plain list, and the audited list (the rows and one audit entry that counts
//! them, in one transaction: listing records is reading them).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Params, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{parse_json, parse_ts, read_err, Store};
use crate::error::Result;

/// Column `i` as a timestamp written by [`crate::db::ts`].
pub(crate) fn ts_col(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_ts(&r.get::<_, String>(i)?)
}

/// Column `i` as a timestamp, or `NULL`.
pub(crate) fn opt_ts_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    r.get::<_, Option<String>>(i)?
        .as_deref()
        .map(parse_ts)
        .transpose()
}

/// Column `i` as JSON text.
pub(crate) fn json_col(r: &Row<'_>, i: usize) -> rusqlite::Result<serde_json::Value> {
    parse_json(&r.get::<_, String>(i)?)
}

/// Turns one row into a record.
pub(crate) type FromRow<T> = fn(&Row<'_>) -> rusqlite::Result<T>;

/// Every row `sql` selects with `params`, mapped by `from_row`; a stored value that does not
/// read is [`crate::StoreError::Corrupt`].
pub(crate) fn list<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    from_row: FromRow<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map(params, from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(read_err)?;
    Ok(rows)
}

/// The audit entry of a list: its action and the record listed from.
pub(crate) struct ListAudit<'a> {
    /// e.g. `reading.list`.
    pub(crate) action: &'a str,
    /// e.g. `consultation`.
    pub(crate) record_type: &'a str,
    /// The record's id.
    pub(crate) record_id: Option<&'a str>,
}

impl Store {
    /// [`list`] in one transaction with the audit entry `audit`, whose detail is
    /// `count=<rows>` (ids and counts only, never content).
    pub(crate) fn audited_list<T>(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        audit: ListAudit<'_>,
        sql: &str,
        params: impl Params,
        from_row: FromRow<T>,
    ) -> Result<Vec<T>> {
        let tx = self.write_tx()?;
        let rows = list(&tx, sql, params, from_row)?;
        let detail = format!("count={}", rows.len());
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: audit.action,
                record_type: audit.record_type,
                record_id: audit.record_id,
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DbKey, StoreError};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tmp");
        let s = Store::open(&dir.path().join("r.db"), &DbKey::from_bytes([5; 32])).expect("open");
        s.conn
            .execute_batch(
                "CREATE TEMP TABLE t (n INTEGER, at TEXT);
                 INSERT INTO t VALUES (1, '2025-03-10T09:00:00.000000Z'), (2, NULL);",
            )
            .expect("table");
        (dir, s)
    }

    #[test]
    fn an_audited_list_is_one_entry_with_the_count_only() {
        let (_dir, s) = store();
        let at = DateTime::parse_from_rfc3339("2025-03-10T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let before = s.audit_entries(None, 1000).expect("audit").len();
        let rows = s
            .audited_list(
                &Actor::user("u-1", "Infirmière"),
                at,
                ListAudit {
                    action: "thing.list",
                    record_type: "consultation",
                    record_id: Some("c-1"),
                },
                "SELECT n, at FROM t WHERE n >= ?1 ORDER BY n",
                [1],
                |r| Ok((r.get::<_, i64>(0)?, opt_ts_col(r, 1)?)),
            )
            .expect("list");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].1.map(|t| t.to_rfc3339()).as_deref(),
            Some("2025-03-10T09:00:00+00:00")
        );
        assert_eq!(rows[1].1, None);
        let entries = s.audit_entries(None, 1000).expect("audit");
        assert_eq!(entries.len(), before + 1);
        let last = entries.last().expect("entry");
        assert_eq!(
            (
                last.action.as_str(),
                last.record_type.as_str(),
                last.record_id.as_deref()
            ),
            ("thing.list", "consultation", Some("c-1"))
        );
        assert_eq!((last.detail.as_str(), last.at), ("count=2", at));
    }

    #[test]
    fn a_value_that_does_not_read_is_corruption() {
        let (_dir, s) = store();
        s.conn
            .execute("INSERT INTO t VALUES (3, 'not a time')", [])
            .expect("insert");
        let err = list(&s.conn, "SELECT at FROM t WHERE n = 3", [], |r| {
            ts_col(r, 0)
        })
        .expect_err("unreadable");
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        let err = list(&s.conn, "SELECT at FROM t WHERE n = 3", [], |r| {
            json_col(r, 0)
        })
        .expect_err("unreadable");
        assert_eq!(err.code(), "CORRUPT");
    }
}

//! Readings taken at the station: one row per measurement (blood pressure, pulse, SpO2…),
//! from a device or entered by hand, with who took it and when.
//!
//! The value is the caller's JSON (the store does not know the clinical types); `kind` and
//! `unit` are the caller's codes, kept as columns to filter and show. Every insert and every
//! read is audited with ids and the kind only, never the value.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row};

use crate::audit::{append, Actor, AuditEvent};
use crate::db::{id_or_new, ts, Store};
use crate::error::{is_foreign_key_violation, is_unique_violation, Result, StoreError};
use crate::rows::{json_col, ts_col, ListAudit};

/// Longest device id kept as a source.
pub const MAX_SOURCE_LEN: usize = 128;
/// Most readings of one kind a trend returns.
pub const MAX_TREND: usize = 100;
/// The source of a reading entered by hand.
pub const MANUAL_SOURCE: &str = "manual";

/// A stored reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingRow {
    /// Id (UUID v4); left empty on insert, the store generates it.
    pub id: String,
    /// The patient's id; must exist.
    pub patient_id: String,
    /// The consultation during which it was taken, if any; must exist.
    pub consultation_id: Option<String>,
    /// Kind code, owned by the caller (e.g. `"bloodPressure"`).
    pub kind: String,
    /// The reading as the caller's JSON.
    pub value: serde_json::Value,
    /// Unit as displayed (e.g. `"mmHg"`).
    pub unit: String,
    /// When it was measured.
    pub taken_at: DateTime<Utc>,
    /// Device id, or [`MANUAL_SOURCE`].
    pub source: String,
    /// Id of the user who took it; must exist.
    pub taken_by: String,
    /// The user confirmed an unusual value.
    pub confirmed_unusual: bool,
    /// Set by the store on insert.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, patient_id, consultation_id, kind, value, unit, taken_at, source, \
                       taken_by, confirmed_unusual, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ReadingRow> {
    Ok(ReadingRow {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        consultation_id: r.get(2)?,
        kind: r.get(3)?,
        value: json_col(r, 4)?,
        unit: r.get(5)?,
        taken_at: ts_col(r, 6)?,
        source: r.get(7)?,
        taken_by: r.get(8)?,
        confirmed_unusual: r.get::<_, i64>(9)? != 0,
        created_at: ts_col(r, 10)?,
    })
}

/// A code of the caller: 1 to 32 ASCII letters or digits.
fn valid_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn valid_source(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SOURCE_LEN && !s.chars().any(char::is_control)
}

fn validate(r: &ReadingRow) -> Result<()> {
    if !valid_code(&r.kind) {
        return Err(StoreError::InvalidInput {
            field: "type de mesure",
        });
    }
    if r.unit.is_empty() || r.unit.len() > 16 || r.unit.chars().any(char::is_control) {
        return Err(StoreError::InvalidInput {
            field: "unité de la mesure",
        });
    }
    if !valid_source(&r.source) {
        return Err(StoreError::InvalidInput {
            field: "source de la mesure",
        });
    }
    Ok(())
}

impl Store {
    /// Inserts a reading and returns its id (generated when `r.id` is empty);
    /// `created_at` = `at`.
    ///
    /// Unknown patient, consultation or user: [`StoreError::NotFound`]. A consultation of
    /// another patient: [`StoreError::Conflict`]. Audited `reading.create` with
    /// `kind=<kind> source=<manual|device> consultation=<id>` as detail (no value).
    pub fn insert_reading(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        r: &ReadingRow,
    ) -> Result<String> {
        validate(r)?;
        let id = id_or_new(&r.id);
        let tx = self.write_tx()?;
        if let Some(consultation_id) = &r.consultation_id {
            let patient: Option<String> = tx
                .query_row(
                    "SELECT patient_id FROM consultations WHERE id = ?1",
                    [consultation_id],
                    |row| row.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })?;
            match patient {
                None => {
                    return Err(StoreError::NotFound {
                        what: "consultation",
                        id: consultation_id.clone(),
                    })
                }
                Some(p) if p != r.patient_id => {
                    return Err(StoreError::Conflict {
                        reason: "la consultation est celle d’un autre patient",
                    })
                }
                Some(_) => {}
            }
        }
        tx.execute(
            &format!(
                "INSERT INTO readings ({COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ),
            params![
                id,
                r.patient_id,
                r.consultation_id,
                r.kind,
                r.value.to_string(),
                r.unit,
                ts(&r.taken_at),
                r.source,
                r.taken_by,
                i64::from(r.confirmed_unusual),
                ts(&at),
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    reason: "cette mesure existe déjà",
                }
            } else if is_foreign_key_violation(&e) {
                StoreError::NotFound {
                    what: "patient ou professionnel",
                    id: r.patient_id.clone(),
                }
            } else {
                e.into()
            }
        })?;
        let source = if r.source == MANUAL_SOURCE {
            "manual"
        } else {
            "device"
        };
        let detail = format!(
            "kind={} source={source} consultation={}{}",
            r.kind,
            r.consultation_id.as_deref().unwrap_or("-"),
            if r.confirmed_unusual {
                " confirmed_unusual"
            } else {
                ""
            }
        );
        append(
            &tx,
            actor,
            at,
            &AuditEvent {
                action: "reading.create",
                record_type: "reading",
                record_id: Some(&id),
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The readings of a consultation, oldest first. Audited `reading.list`.
    pub fn consultation_readings(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        consultation_id: &str,
    ) -> Result<Vec<ReadingRow>> {
        self.audited_list(
            actor,
            at,
            ListAudit {
                action: "reading.list",
                record_type: "consultation",
                record_id: Some(consultation_id),
            },
            &format!(
                "SELECT {COLUMNS} FROM readings WHERE consultation_id = ?1 \
                 ORDER BY taken_at, created_at, id"
            ),
            [consultation_id],
            from_row,
        )
    }

    /// The last `per_kind` readings of each kind of a patient (at most [`MAX_TREND`]),
    /// oldest first within a kind, kinds in alphabetical order. Audited `reading.trend`.
    pub fn patient_trend(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        patient_id: &str,
        per_kind: usize,
    ) -> Result<Vec<ReadingRow>> {
        let per_kind = i64::try_from(per_kind.min(MAX_TREND)).unwrap_or(0);
        self.audited_list(
            actor,
            at,
            ListAudit {
                action: "reading.trend",
                record_type: "patient",
                record_id: Some(patient_id),
            },
            &format!(
                "SELECT {COLUMNS} FROM (\
                   SELECT *, ROW_NUMBER() OVER (PARTITION BY kind \
                     ORDER BY taken_at DESC, created_at DESC, id DESC) AS rank \
                   FROM readings WHERE patient_id = ?1) \
                 WHERE rank <= ?2 ORDER BY kind, taken_at, created_at, id"
            ),
            params![patient_id, per_kind],
            from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConsultationRow, DbKey, NewUser, PatientRow};
    use chrono::{NaiveDate, TimeZone};
    use serde_json::json;

    fn t(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 10, 9, min, 0)
            .single()
            .expect("valid time")
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        actor: Actor,
        user_id: String,
        patient_id: String,
        other_patient_id: String,
        consultation_id: String,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            Store::open(&dir.path().join("station.db"), &DbKey::from_bytes([7; 32])).expect("open");
        let system = Actor::system();
        let user = store
            .create_user(
                &system,
                t(0),
                &NewUser {
                    username: "imartin".into(),
                    display_name: "I. Martin".into(),
                    profession: "infirmier".into(),
                    rpps: None,
                    role: "manager".into(),
                },
                "un mot de passe long",
            )
            .expect("user");
        let actor = Actor::user(&user.id, "imartin");
        let patient = |key: &str| PatientRow {
            id: String::new(),
            search_key: key.into(),
            birth_date: NaiveDate::from_ymd_opt(1950, 1, 2).expect("date"),
            nir: None,
            data: json!({}),
            created_at: t(0),
            updated_at: t(0),
        };
        let patient_id = store
            .insert_patient(&actor, t(0), &patient("dupont"))
            .expect("patient");
        let other_patient_id = store
            .insert_patient(&actor, t(0), &patient("durand"))
            .expect("patient");
        let consultation_id = store
            .insert_consultation(
                &actor,
                t(0),
                &ConsultationRow {
                    id: String::new(),
                    patient_id: patient_id.clone(),
                    state: "inCall".into(),
                    intake: json!({}),
                    assessment: json!({}),
                    redirection_acknowledged_at: None,
                    created_at: t(0),
                    updated_at: t(0),
                },
            )
            .expect("consultation");
        Fixture {
            _dir: dir,
            store,
            actor,
            user_id: user.id,
            patient_id,
            other_patient_id,
            consultation_id,
        }
    }

    fn reading(f: &Fixture, kind: &str, value: serde_json::Value, min: u32) -> ReadingRow {
        ReadingRow {
            id: String::new(),
            patient_id: f.patient_id.clone(),
            consultation_id: Some(f.consultation_id.clone()),
            kind: kind.into(),
            value,
            unit: "°C".into(),
            taken_at: t(min),
            source: MANUAL_SOURCE.into(),
            taken_by: f.user_id.clone(),
            confirmed_unusual: false,
            created_at: t(0),
        }
    }

    #[test]
    fn insert_then_list_per_consultation_with_every_column() {
        let f = fixture();
        let mut bp = reading(
            &f,
            "bloodPressure",
            json!({"kind": "bloodPressure", "systolic": 185.0, "diastolic": 95.0}),
            12,
        );
        bp.unit = "mmHg".into();
        bp.source = "AA:BB:CC:DD:EE:FF".into();
        bp.confirmed_unusual = true;
        let temp = reading(
            &f,
            "temperature",
            json!({"kind": "temperature", "celsius": 37.8}),
            10,
        );
        let bp_id = f.store.insert_reading(&f.actor, t(20), &bp).expect("bp");
        let temp_id = f
            .store
            .insert_reading(&f.actor, t(21), &temp)
            .expect("temp");
        let rows = f
            .store
            .consultation_readings(&f.actor, t(22), &f.consultation_id)
            .expect("list");
        assert_eq!(rows.len(), 2);
        // Oldest measurement first, whatever the order of insertion.
        assert_eq!(rows[0].id, temp_id);
        assert_eq!(rows[1].id, bp_id);
        assert_eq!(
            rows[1],
            ReadingRow {
                id: bp_id,
                created_at: t(20),
                ..bp
            }
        );
        assert_eq!(rows[0].value["celsius"], json!(37.8));
    }

    #[test]
    fn audit_names_ids_and_kind_never_the_value() {
        let f = fixture();
        let temp = reading(
            &f,
            "temperature",
            json!({"kind": "temperature", "celsius": 38.65}),
            1,
        );
        let id = f
            .store
            .insert_reading(&f.actor, t(2), &temp)
            .expect("insert");
        f.store
            .consultation_readings(&f.actor, t(3), &f.consultation_id)
            .expect("list");
        f.store
            .patient_trend(&f.actor, t(4), &f.patient_id, 5)
            .expect("trend");
        let entries = f.store.audit_entries(None, 1000).expect("audit");
        let create = entries
            .iter()
            .find(|e| e.action == "reading.create")
            .expect("create audited");
        assert_eq!(create.record_id.as_deref(), Some(id.as_str()));
        assert_eq!(
            create.detail,
            format!(
                "kind=temperature source=manual consultation={}",
                f.consultation_id
            )
        );
        assert!(entries
            .iter()
            .any(|e| e.action == "reading.list" && e.detail == "count=1"));
        assert!(entries
            .iter()
            .any(|e| e.action == "reading.trend" && e.detail == "count=1"));
        // The value (38.65 °C) is in no entry; ids are random hex, so look for the value's
        // own writings, not for its digits alone.
        assert!(entries
            .iter()
            .all(|e| !e.detail.contains("38.65") && !e.detail.contains("38,65")));
        assert!(f.store.verify_audit().is_ok());
    }

    #[test]
    fn trend_keeps_the_last_n_of_each_kind_of_the_patient() {
        let f = fixture();
        for (i, celsius) in [36.5, 37.0, 37.5, 38.0].iter().enumerate() {
            let min = u32::try_from(i).expect("small");
            let r = reading(
                &f,
                "temperature",
                json!({"kind": "temperature", "celsius": celsius}),
                min,
            );
            f.store.insert_reading(&f.actor, t(30), &r).expect("temp");
        }
        let mut spo2 = reading(&f, "spO2", json!({"kind": "spO2", "percent": 96.0}), 5);
        spo2.consultation_id = None;
        spo2.unit = "%".into();
        f.store
            .insert_reading(&f.actor, t(30), &spo2)
            .expect("spo2");
        let mut other = reading(
            &f,
            "temperature",
            json!({"kind": "temperature", "celsius": 39.0}),
            9,
        );
        other.patient_id = f.other_patient_id.clone();
        other.consultation_id = None;
        f.store
            .insert_reading(&f.actor, t(30), &other)
            .expect("other");

        let trend = f
            .store
            .patient_trend(&f.actor, t(31), &f.patient_id, 3)
            .expect("trend");
        let summary: Vec<(String, serde_json::Value)> = trend
            .iter()
            .map(|r| (r.kind.clone(), r.value.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("spO2".to_string(), json!({"kind": "spO2", "percent": 96.0})),
                (
                    "temperature".to_string(),
                    json!({"kind": "temperature", "celsius": 37.0})
                ),
                (
                    "temperature".to_string(),
                    json!({"kind": "temperature", "celsius": 37.5})
                ),
                (
                    "temperature".to_string(),
                    json!({"kind": "temperature", "celsius": 38.0})
                ),
            ]
        );
    }

    #[test]
    fn refuses_bad_links_and_codes() {
        let f = fixture();
        let base = reading(
            &f,
            "temperature",
            json!({"kind": "temperature", "celsius": 37.0}),
            1,
        );
        let code = |r: &ReadingRow| {
            f.store
                .insert_reading(&f.actor, t(2), r)
                .expect_err("refused")
                .code()
        };
        let mut r = base.clone();
        r.patient_id = "nobody".into();
        r.consultation_id = None;
        assert_eq!(code(&r), "NOT_FOUND");
        let mut r = base.clone();
        r.consultation_id = Some("nothing".into());
        assert_eq!(code(&r), "NOT_FOUND");
        let mut r = base.clone();
        r.patient_id = f.other_patient_id.clone();
        assert_eq!(code(&r), "CONFLICT");
        let mut r = base.clone();
        r.taken_by = "ghost".into();
        assert_eq!(code(&r), "NOT_FOUND");
        for kind in ["", "blood pressure", "x;DROP"] {
            let mut r = base.clone();
            r.kind = kind.into();
            assert_eq!(code(&r), "INVALID_INPUT");
        }
        let mut r = base.clone();
        r.source = String::new();
        assert_eq!(code(&r), "INVALID_INPUT");
        let mut r = base;
        r.source = "x".repeat(MAX_SOURCE_LEN + 1);
        assert_eq!(code(&r), "INVALID_INPUT");
        // Nothing was written.
        assert!(f
            .store
            .consultation_readings(&f.actor, t(3), &f.consultation_id)
            .expect("list")
            .is_empty());
    }
}

-- Relais station record, schema version 1.
-- Timestamps: RFC 3339 UTC text with microseconds ("2025-01-02T03:04:05.000000Z"), sortable.
-- JSON payloads are produced by the caller and stored as text.

CREATE TABLE site (
    id          TEXT PRIMARY KEY,
    singleton   INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    commune     TEXT NOT NULL,
    address     TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL UNIQUE,  -- lowercase username: uniqueness ignores case
    display_name  TEXT NOT NULL,
    profession    TEXT NOT NULL,
    rpps          TEXT,
    role          TEXT NOT NULL CHECK (role IN ('manager', 'assistant')),
    password_hash TEXT NOT NULL,         -- Argon2id PHC string
    created_at    TEXT NOT NULL
);

CREATE TABLE patients (
    id          TEXT PRIMARY KEY,
    search_key  TEXT NOT NULL,           -- folded names, computed by the caller
    birth_date  TEXT NOT NULL,           -- YYYY-MM-DD
    nir         TEXT,
    data        TEXT NOT NULL,           -- JSON
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX patients_birth_date ON patients (birth_date);
CREATE INDEX patients_nir ON patients (nir);

-- Words of patients.search_key, for indexed word-prefix search.
CREATE TABLE patient_words (
    word        TEXT NOT NULL,
    patient_id  TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    PRIMARY KEY (word, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_words_patient ON patient_words (patient_id);

CREATE TABLE consultations (
    id          TEXT PRIMARY KEY,
    patient_id  TEXT NOT NULL REFERENCES patients (id),
    state       TEXT NOT NULL,
    intake      TEXT NOT NULL,           -- JSON
    assessment  TEXT NOT NULL,           -- JSON
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    redirection_acknowledged_at TEXT     -- excluded patient redirected (15, urgences...)
);
CREATE INDEX consultations_patient ON consultations (patient_id, created_at);
CREATE INDEX consultations_created ON consultations (created_at);

CREATE TABLE drafts (
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,           -- JSON
    saved_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- Append-only, hash-chained audit trail. Details hold ids and codes, never health data.
CREATE TABLE audit (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     TEXT,
    actor_label  TEXT NOT NULL,
    action       TEXT NOT NULL,
    record_type  TEXT NOT NULL,
    record_id    TEXT,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_record ON audit (record_type, record_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only');
END;

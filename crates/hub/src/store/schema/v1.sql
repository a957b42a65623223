-- Hub schema, version 1. Timestamps: RFC 3339 UTC text with microseconds (sorts as text).
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,      -- lower case
    name           TEXT NOT NULL,
    rpps           TEXT,
    role           TEXT NOT NULL CHECK (role IN ('gp', 'coordinator')),
    password_hash  TEXT NOT NULL,            -- Argon2id PHC string
    totp_secret    TEXT NOT NULL,            -- base32, no padding
    last_totp_step INTEGER,                  -- highest TOTP step used (replay guard)
    created_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,            -- SHA-256 hex of the cookie value
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL
);

CREATE TABLE enrolment_codes (
    code_hash     TEXT PRIMARY KEY,          -- SHA-256 hex of the normalised code
    station_name  TEXT NOT NULL,
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT
);

CREATE TABLE stations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,       -- SHA-256 hex of the bearer token
    enrolled_at  TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE consultations (
    id            TEXT PRIMARY KEY,
    station_id    TEXT NOT NULL REFERENCES stations(id),
    local_id      TEXT NOT NULL,
    room_id       TEXT NOT NULL UNIQUE,
    requested_at  TEXT NOT NULL,
    patient       TEXT NOT NULL,             -- JSON PatientSummary
    intake        TEXT NOT NULL,             -- JSON Intake
    assessment    TEXT NOT NULL,             -- JSON Assessment (the hub's own)
    priority      INTEGER NOT NULL,          -- 1 when the assessment has priority codes
    status        TEXT NOT NULL CHECK (status IN ('waiting', 'accepted', 'ended', 'cancelled')),
    gp_id         TEXT REFERENCES accounts(id),
    accepted_at   TEXT,
    ended_at      TEXT,
    UNIQUE (station_id, local_id)
);
CREATE INDEX consultations_waiting ON consultations (status, priority, requested_at);

CREATE TABLE join_tokens (
    token_hash       TEXT PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES consultations(id),
    side             TEXT NOT NULL CHECK (side IN ('station', 'gp')),
    created_at       TEXT NOT NULL,
    used_at          TEXT
);

CREATE TABLE audit (
    seq              INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    actor_kind       TEXT NOT NULL,          -- account | station | system | anonymous
    actor_id         TEXT,
    action           TEXT NOT NULL,
    consultation_id  TEXT,
    detail           TEXT NOT NULL,          -- ids and codes only, never health data
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX audit_consultation ON audit (consultation_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

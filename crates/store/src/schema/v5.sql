-- v5: attachments of a consultation: camera stills and stethoscope clips, kept in the
-- encrypted record like everything else. Append only: an attachment is never changed.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    kind            TEXT NOT NULL,
    mime            TEXT NOT NULL,
    label           TEXT,
    meta            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    bytes           BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX attachments_by_consultation ON attachments (consultation_id, created_at);

-- Settings of this station (device choice, camera roles…): one JSON value per key.
CREATE TABLE station_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

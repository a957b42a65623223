-- v4: signed documents received from the GP (prescriptions, reports) and their print jobs.

-- A document as the GP signed it at the hub: append-only, one row per version.
-- `content` is the signed JSON exactly as received; `sha256` its canonical hash, checked
-- by the caller before insertion.
CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('prescription', 'report')),
    version         INTEGER NOT NULL CHECK (version >= 1),
    supersedes      TEXT,                 -- id of the version this one corrects
    content         TEXT NOT NULL,        -- JSON
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    signed_at       TEXT NOT NULL,
    signed_by       TEXT NOT NULL,        -- the GP's name
    signed_by_rpps  TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    received_via    TEXT NOT NULL CHECK (received_via IN ('hub', 'dataChannel'))
);
CREATE INDEX documents_by_consultation ON documents (consultation_id, kind, version);

CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are append-only');
END;

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'documents are append-only');
END;

-- One print of a document: created pending, sent to the OS spooler (printing), then done or
-- failed. A failed print is offered again (same row, attempts + 1); a reprint is a new row.
CREATE TABLE print_jobs (
    id            TEXT PRIMARY KEY,
    document_id   TEXT NOT NULL REFERENCES documents (id),
    printer       TEXT NOT NULL,
    spool_job     TEXT,                   -- the spooler's job id (CUPS: "Relais-PDF-12")
    state         TEXT NOT NULL CHECK (state IN ('pending', 'printing', 'done', 'failed', 'cancelled')),
    code          TEXT,                   -- stable code of the last failure
    message       TEXT,                   -- French message of the last failure or state
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    submitted_at  TEXT,                   -- last time it was handed to the spooler
    finished_at   TEXT
);
CREATE INDEX print_jobs_by_document ON print_jobs (document_id, created_at);
CREATE INDEX print_jobs_by_state ON print_jobs (state);


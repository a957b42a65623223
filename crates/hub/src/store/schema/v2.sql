-- Hub schema, version 2: GP practitioner profiles and signed documents.
ALTER TABLE accounts ADD COLUMN profile TEXT;  -- JSON PractitionerProfile (GP accounts)

-- Signed prescriptions and reports: append-only, one row per version.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES consultations(id),
    kind             TEXT NOT NULL CHECK (kind IN ('prescription', 'report')),
    version          INTEGER NOT NULL CHECK (version >= 1),
    supersedes       TEXT REFERENCES documents(id),
    content          TEXT NOT NULL,             -- JSON content as signed
    signed_at        TEXT NOT NULL,
    signed_by        TEXT NOT NULL REFERENCES accounts(id),
    signer_name      TEXT NOT NULL,
    signer_rpps      TEXT NOT NULL,
    sha256           TEXT NOT NULL,             -- hex SHA-256 of the canonical JSON of content
    UNIQUE (consultation_id, kind, version),
    UNIQUE (supersedes),
    CHECK ((version = 1) = (supersedes IS NULL))
);
CREATE INDEX documents_consultation ON documents (consultation_id, kind, version);
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'signed documents are immutable'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'signed documents are immutable'); END;

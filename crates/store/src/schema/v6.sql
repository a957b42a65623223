-- v6: the sick note (arrêt de travail) is a signed document too: kind 'sickNote'.
--
-- SQLite cannot alter a CHECK constraint, and rebuilding `documents` would break the
-- foreign keys of its print jobs inside the migration's transaction. Widening the CHECK
-- (every stored row still satisfies it) is the case SQLite documents for editing the schema
-- text in place; RESET reloads the schema, and re-creating the index bumps the schema
-- cookie so other connections reload it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (kind IN (''prescription'', ''report''))',
                          'CHECK (kind IN (''prescription'', ''report'', ''sickNote''))')
 WHERE type = 'table' AND name = 'documents';
PRAGMA writable_schema = RESET;
DROP INDEX documents_by_consultation;
CREATE INDEX documents_by_consultation ON documents (consultation_id, kind, version);

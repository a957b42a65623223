-- v2: the link to the hub and the technical journal of calls.

-- The station's enrolment at its hub (one row). The token is the station's credential.
CREATE TABLE hub_link (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    url          TEXT NOT NULL,
    fingerprint  TEXT,
    station_id   TEXT NOT NULL,
    station_name TEXT NOT NULL,
    token        TEXT NOT NULL,
    enrolled_at  TEXT NOT NULL
);

-- The hub's id of a consultation this station requested.
CREATE TABLE consultation_hub (
    consultation_id     TEXT PRIMARY KEY REFERENCES consultations (id),
    hub_consultation_id TEXT NOT NULL,
    requested_at        TEXT NOT NULL
);

-- What happened to the call of a consultation: connection, drops, reconnections, device
-- failures, end. Technical facts only, kept in the record as the regulation requires.
CREATE TABLE call_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id TEXT NOT NULL REFERENCES consultations (id),
    at              TEXT NOT NULL,
    kind            TEXT NOT NULL,
    detail          TEXT NOT NULL
);
CREATE INDEX call_events_by_consultation ON call_events (consultation_id, id);

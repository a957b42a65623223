-- v3: readings taken at the station (blood pressure, pulse, SpO2, temperature, weight…),
-- from a Bluetooth device or entered by hand. The value is the caller's JSON (the reading
-- with its kind); the other columns are what lists and trends filter and sort on.
CREATE TABLE readings (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    consultation_id   TEXT REFERENCES consultations (id),
    kind              TEXT NOT NULL,
    value             TEXT NOT NULL,
    unit              TEXT NOT NULL,
    taken_at          TEXT NOT NULL,
    source            TEXT NOT NULL,
    taken_by          TEXT NOT NULL REFERENCES users (id),
    confirmed_unusual INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_unusual IN (0, 1)),
    created_at        TEXT NOT NULL
);
CREATE INDEX readings_by_consultation ON readings (consultation_id, taken_at);
CREATE INDEX readings_by_patient_kind ON readings (patient_id, kind, taken_at);

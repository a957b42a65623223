-- v3: readings taken at the station (blood pressure, pulse, SpO2, temperature, weight…).
-- Filled in by the readings work; kept as a numbered slot so migrations stay in order.
SELECT 1;

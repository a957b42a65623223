-- v4: signed documents received from the GP (prescriptions, reports) and print jobs.
-- Filled in by the documents work; kept as a numbered slot so migrations stay in order.
SELECT 1;

-- v5: attachments of a consultation (camera stills, stethoscope clips).
SELECT 1;

//! Relais store: the encrypted local record.

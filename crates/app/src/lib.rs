//! Relais station application service.

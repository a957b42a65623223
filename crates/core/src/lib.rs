//! Relais core: the clinical rules, pure.

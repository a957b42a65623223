//! Time as a dependency: the application asks a [`Clock`], tests give a fixed one.
use chrono::{DateTime, NaiveDate, Utc};

/// Source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// The date of `now` where the station is (local time zone).
    fn today_at(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&chrono::Local).date_naive()
    }
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

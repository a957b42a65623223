//! Time as a parameter: the hub asks a [`Clock`], so tests can fix or move the time.

use std::fmt::Debug;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Source of the current time and date.
pub trait Clock: Send + Sync + Debug {
    /// Now, UTC.
    fn now(&self) -> DateTime<Utc>;
    /// Today's date where the hub is (used for the patient's age in the triage).
    fn today(&self) -> NaiveDate;
}

/// The machine's clock; the date is the local one.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn today(&self) -> NaiveDate {
        chrono::Local::now().date_naive()
    }
}

/// A clock that only moves when told (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock standing at `at`.
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock {
            now: Mutex::new(at),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

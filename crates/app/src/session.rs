//! The signed-in professional and the inactivity lock.
use chrono::{DateTime, Duration, Utc};
use relais_store::UserRow;

/// A signed-in professional.
pub(crate) struct Session {
    pub(crate) user: UserRow,
    last_activity: DateTime<Utc>,
    locked: bool,
}

/// What the lock check found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Activity {
    /// Active: the command may go on.
    Active,
    /// Locked just now by inactivity.
    JustLocked,
    /// Already locked.
    Locked,
}

impl Session {
    pub(crate) fn new(user: UserRow, now: DateTime<Utc>) -> Self {
        Self {
            user,
            last_activity: now,
            locked: false,
        }
    }

    pub(crate) fn is_locked(&self) -> bool {
        self.locked
    }

    pub(crate) fn lock(&mut self) {
        self.locked = true;
    }

    pub(crate) fn unlock(&mut self, now: DateTime<Utc>) {
        self.locked = false;
        self.last_activity = now;
    }

    /// Registers activity at `now`, locking first if the delay has passed since the last one.
    pub(crate) fn touch(&mut self, now: DateTime<Utc>, lock_after: Duration) -> Activity {
        if self.locked {
            return Activity::Locked;
        }
        if now - self.last_activity >= lock_after {
            self.locked = true;
            return Activity::JustLocked;
        }
        self.last_activity = now;
        Activity::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserRow {
        UserRow {
            id: "u1".into(),
            username: "ines".into(),
            display_name: "Inès".into(),
            profession: "infirmière".into(),
            rpps: None,
            role: "manager".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn locks_after_the_delay_and_stays_locked() {
        let t0 = Utc::now();
        let delay = Duration::seconds(300);
        let mut s = Session::new(user(), t0);
        assert_eq!(
            s.touch(t0 + Duration::seconds(299), delay),
            Activity::Active
        );
        // Activity pushes the deadline.
        assert_eq!(
            s.touch(t0 + Duration::seconds(598), delay),
            Activity::Active
        );
        assert_eq!(
            s.touch(t0 + Duration::seconds(898), delay),
            Activity::JustLocked
        );
        assert_eq!(
            s.touch(t0 + Duration::seconds(899), delay),
            Activity::Locked
        );
        s.unlock(t0 + Duration::seconds(900));
        assert_eq!(
            s.touch(t0 + Duration::seconds(901), delay),
            Activity::Active
        );
    }
}

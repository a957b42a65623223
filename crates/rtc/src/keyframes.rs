//! Keyframes repeated after the media path (re)connects.
//!
//! The keyframe sent at the moment ICE reports "connected" can be lost while the far side
//! is still switching to the new candidate pair (after an ICE restart, or a path that came
//! back): its decoder then waits for a keyframe request that may come late. A few more
//! keyframes shortly after (re)connection make the picture return at once, for a few
//! kilobytes.

use std::time::{Duration, Instant};

/// Keyframes sent after the one at (re)connection.
const REPEATS: u8 = 3;
/// Delay before the first repeat, then between repeats.
const SPACING: Duration = Duration::from_millis(400);

/// When the next repeated keyframe is due.
#[derive(Debug, Default)]
pub(crate) struct KeyframeRepeat {
    next: Option<Instant>,
    left: u8,
}

impl KeyframeRepeat {
    /// Schedules the repeats after a (re)connection at `now`.
    pub(crate) fn arm(&mut self, now: Instant) {
        self.next = Some(now + SPACING);
        self.left = REPEATS;
    }

    /// Stops the repeats (the call left the connected state).
    pub(crate) fn cancel(&mut self) {
        self.next = None;
        self.left = 0;
    }

    /// When the timer must wake for the next repeat.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.next
    }

    /// Whether a keyframe is due at `now`; schedules the following one.
    pub(crate) fn due(&mut self, now: Instant) -> bool {
        match self.next {
            Some(at) if at <= now => {
                self.left = self.left.saturating_sub(1);
                self.next = (self.left > 0).then(|| now + SPACING);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_repeats_spaced_then_nothing() {
        let t0 = Instant::now();
        let mut k = KeyframeRepeat::default();
        assert_eq!(k.deadline(), None);
        assert!(!k.due(t0));
        k.arm(t0);
        assert!(!k.due(t0), "not before the spacing");
        let mut t = t0;
        let mut sent = 0;
        for _ in 0..10 {
            t += SPACING;
            if k.due(t) {
                sent += 1;
            }
        }
        assert_eq!(sent, REPEATS);
        assert_eq!(k.deadline(), None);
    }

    #[test]
    fn cancel_stops_the_repeats() {
        let t0 = Instant::now();
        let mut k = KeyframeRepeat::default();
        k.arm(t0);
        k.cancel();
        assert!(!k.due(t0 + SPACING * 5));
        assert_eq!(k.deadline(), None);
    }
}

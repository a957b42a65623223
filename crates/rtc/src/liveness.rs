//! Whether the path from the far side is alive, judged by its packets arriving.
//!
//! A browser sends its voice every 20 ms and its video many times a second. When nothing at
//! all has come for much longer than usual, the path is most likely cut (a network drop, a
//! relay that stalls). Video sent then is not lost: it waits in the relay's or a router's
//! queue and reaches the GP seconds late, all at once, and the browser's jitter buffer holds
//! the fresh pictures behind it (3 s of frozen picture after the link came back). So the
//! sender pauses its video while the far side is silent, as a browser's own pacer does when
//! its feedback stops, and resumes with a keyframe as soon as a packet arrives. What was
//! queued before the pause still arrives late: `crate::playout_delay` keeps Chromium from
//! holding the fresh pictures behind it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Silence that always counts as a stall once packets have flowed.
const STALL_MIN: Duration = Duration::from_millis(250);
/// A stall is also this many usual gaps between packets (a far side sending little).
const STALL_GAPS: u64 = 8;
/// Smoothing of the usual gap: each new gap counts for 1/16.
const EWMA_SHIFT: u32 = 4;
/// Longest gap counted in the usual one: an outage itself does not make the next one slower
/// to notice.
const GAP_CAP: Duration = Duration::from_secs(1);

/// Arrivals of the far side's packets (RTP or RTCP, any track), shared by the receiving tasks
/// and the video sender.
#[derive(Debug)]
pub struct Inbound {
    epoch: Instant,
    /// Microseconds after `epoch` of the last arrival, 0 before the first.
    last_us: AtomicU64,
    /// Smoothed gap between arrivals, microseconds.
    gap_us: AtomicU64,
}

impl Default for Inbound {
    fn default() -> Self {
        Self {
            epoch: Instant::now(),
            last_us: AtomicU64::new(0),
            gap_us: AtomicU64::new(0),
        }
    }
}

impl Inbound {
    /// A packet arrived now.
    pub fn packet(&self) {
        self.packet_at(Instant::now());
    }

    /// Whether the far side has been silent for long enough to pause sending video.
    pub fn stalled(&self) -> bool {
        self.stalled_at(Instant::now())
    }

    fn micros(&self, at: Instant) -> u64 {
        // 1 µs at least, so that 0 keeps meaning "never".
        (at.saturating_duration_since(self.epoch).as_micros() as u64).max(1)
    }

    fn packet_at(&self, at: Instant) {
        let now = self.micros(at);
        let previous = self.last_us.swap(now, Ordering::Relaxed);
        if previous == 0 || now <= previous {
            return;
        }
        let gap = (now - previous).min(GAP_CAP.as_micros() as u64);
        let old = self.gap_us.load(Ordering::Relaxed);
        let smoothed = if old == 0 {
            gap
        } else {
            old - (old >> EWMA_SHIFT) + (gap >> EWMA_SHIFT)
        };
        self.gap_us.store(smoothed, Ordering::Relaxed);
    }

    fn stalled_at(&self, at: Instant) -> bool {
        let last = self.last_us.load(Ordering::Relaxed);
        if last == 0 {
            return false;
        }
        let silent = self.micros(at).saturating_sub(last);
        let usual = self.gap_us.load(Ordering::Relaxed);
        silent > (STALL_MIN.as_micros() as u64).max(usual.saturating_mul(STALL_GAPS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn never_stalled_before_the_first_packet() {
        let i = Inbound::default();
        assert!(!i.stalled_at(i.epoch + ms(60_000)));
    }

    #[test]
    fn a_voice_cadence_stalls_after_a_quarter_second() {
        let i = Inbound::default();
        let mut t = i.epoch;
        for _ in 0..100 {
            t += ms(20);
            i.packet_at(t);
        }
        assert!(!i.stalled_at(t + ms(200)));
        assert!(i.stalled_at(t + ms(260)));
        t += ms(3000);
        i.packet_at(t);
        assert!(!i.stalled_at(t + ms(10)), "back at the first packet");
        for _ in 0..20 {
            t += ms(20);
            i.packet_at(t);
        }
        assert!(
            i.stalled_at(t + ms(700)),
            "the outage did not blunt the next detection"
        );
    }

    #[test]
    fn a_sparse_far_side_is_given_more_time() {
        // One black frame a second (camera off, microphone gone): not a stall at 1.5 s.
        let i = Inbound::default();
        let mut t = i.epoch;
        for _ in 0..60 {
            t += ms(1000);
            i.packet_at(t);
        }
        assert!(!i.stalled_at(t + ms(1500)));
        assert!(i.stalled_at(t + ms(8100)));
    }
}

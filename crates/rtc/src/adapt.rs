//! Video adaptation to the network: a small ladder of formats driven by RTCP receiver
//! reports (loss) and REMB (estimated bandwidth).
use std::time::{Duration, Instant};

use relais_media::VideoFormat;

/// Loss above which a report counts as bad.
pub const LOSS_HIGH: f32 = 0.05;
/// Loss below which a report counts as good.
pub const LOSS_LOW: f32 = 0.02;
/// Consecutive bad reports before stepping down.
const BAD_REPORTS: u32 = 2;
/// Time of good reports before stepping back up.
pub const GOOD_FOR: Duration = Duration::from_secs(10);
/// Start of a call during which REMB is ignored: the receiver's estimate starts low
/// (Chromium: ~300 kb/s) and ramps up in the first seconds.
pub const REMB_WARMUP: Duration = Duration::from_secs(8);
/// How long the estimate must stay below the current bitrate before stepping down.
pub const REMB_LOW_FOR: Duration = Duration::from_secs(3);

/// One rung: a format and the bitrate that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rung {
    /// Resolution and rate.
    pub format: VideoFormat,
    /// Target bitrate, bits per second.
    pub bitrate_bps: u32,
}

/// Decides when to lower or raise the video format.
#[derive(Debug, Clone)]
pub struct Adapter {
    ladder: Vec<Rung>,
    level: usize,
    bad: u32,
    good_since: Option<Instant>,
    started: Instant,
    remb_low_since: Option<Instant>,
}

fn even(v: u32) -> u32 {
    (v / 2).max(1) * 2
}

impl Adapter {
    /// A ladder from the starting format: itself, half the size, half the size at half the rate.
    pub fn new(start: VideoFormat, bitrate_bps: u32) -> Self {
        let half = VideoFormat::new(even(start.width / 2), even(start.height / 2), start.fps);
        let slow = VideoFormat::new(half.width, half.height, (start.fps / 2).max(5));
        Self {
            ladder: vec![
                Rung {
                    format: start,
                    bitrate_bps,
                },
                Rung {
                    format: half,
                    bitrate_bps: bitrate_bps * 2 / 5,
                },
                Rung {
                    format: slow,
                    bitrate_bps: bitrate_bps / 4,
                },
            ],
            level: 0,
            bad: 0,
            good_since: None,
            started: Instant::now(),
            remb_low_since: None,
        }
    }

    /// The rung in use.
    pub fn current(&self) -> Rung {
        self.ladder[self.level]
    }

    /// Feeds one receiver report (`loss` = fraction lost, 0..=1); returns the new rung on a change.
    pub fn on_loss(&mut self, loss: f32, now: Instant) -> Option<Rung> {
        if loss > LOSS_HIGH {
            self.good_since = None;
            self.bad += 1;
            if self.bad >= BAD_REPORTS {
                self.bad = 0;
                return self.step_down();
            }
        } else if loss < LOSS_LOW {
            self.bad = 0;
            let since = *self.good_since.get_or_insert(now);
            if self.level > 0 && now.duration_since(since) >= GOOD_FOR {
                self.good_since = Some(now);
                self.level -= 1;
                return Some(self.current());
            }
        }
        None
    }

    /// Feeds a REMB estimate; steps down at once when it is well below the current bitrate.
    pub fn on_remb(&mut self, bitrate_bps: f32, now: Instant) -> Option<Rung> {
        if now.duration_since(self.started) < REMB_WARMUP {
            return None;
        }
        if bitrate_bps >= self.current().bitrate_bps as f32 * 0.7 {
            self.remb_low_since = None;
            return None;
        }
        let since = *self.remb_low_since.get_or_insert(now);
        if now.duration_since(since) < REMB_LOW_FOR {
            return None;
        }
        self.remb_low_since = None;
        self.good_since = None;
        self.step_down()
    }

    fn step_down(&mut self) -> Option<Rung> {
        if self.level + 1 < self.ladder.len() {
            self.level += 1;
            Some(self.current())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapter() -> Adapter {
        Adapter::new(VideoFormat::new(1280, 720, 30), 2_000_000)
    }

    #[test]
    fn two_lossy_reports_lower_the_format() {
        let (mut a, now) = (adapter(), Instant::now());
        assert_eq!(a.on_loss(0.10, now), None);
        let rung = a.on_loss(0.10, now).unwrap();
        assert_eq!(rung.format, VideoFormat::new(640, 360, 30));
        assert_eq!(rung.bitrate_bps, 800_000);
        a.on_loss(0.2, now);
        assert_eq!(
            a.on_loss(0.2, now).unwrap().format,
            VideoFormat::new(640, 360, 15)
        );
        a.on_loss(0.2, now);
        assert_eq!(a.on_loss(0.2, now), None, "no rung below the last");
    }

    #[test]
    fn one_lossy_report_between_good_ones_changes_nothing() {
        let (mut a, now) = (adapter(), Instant::now());
        for _ in 0..5 {
            assert_eq!(a.on_loss(0.08, now), None);
            assert_eq!(a.on_loss(0.0, now), None);
        }
        assert_eq!(a.current().format.width, 1280);
    }

    #[test]
    fn ten_seconds_of_clean_reports_raise_it_back() {
        let (mut a, t0) = (adapter(), Instant::now());
        a.on_loss(0.1, t0);
        a.on_loss(0.1, t0);
        assert_eq!(a.on_loss(0.0, t0), None);
        assert_eq!(a.on_loss(0.01, t0 + Duration::from_secs(5)), None);
        assert_eq!(a.on_loss(0.0, t0 + GOOD_FOR).unwrap().format.width, 1280);
        assert_eq!(
            a.on_loss(0.0, t0 + GOOD_FOR * 3),
            None,
            "not above the start"
        );
    }

    #[test]
    fn low_remb_lowers_only_when_it_lasts_after_the_warm_up() {
        let mut a = adapter();
        let t0 = a.started;
        // The receiver's first estimates are low: ignored.
        assert_eq!(a.on_remb(300_000.0, t0 + Duration::from_secs(1)), None);
        let t = t0 + REMB_WARMUP;
        assert_eq!(a.on_remb(1_900_000.0, t), None);
        assert_eq!(
            a.on_remb(500_000.0, t),
            None,
            "one low estimate is not enough"
        );
        assert_eq!(a.on_remb(1_900_000.0, t + Duration::from_secs(1)), None);
        assert_eq!(a.on_remb(500_000.0, t + Duration::from_secs(2)), None);
        let rung = a.on_remb(500_000.0, t + Duration::from_secs(2) + REMB_LOW_FOR);
        assert_eq!(rung.unwrap().format.width, 640);
    }
}

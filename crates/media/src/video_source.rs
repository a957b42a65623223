//! Video sources: the trait, and the synthetic pattern used in tests and benchmarks.
use std::time::{Duration, Instant};

use crate::frame::{VideoFormat, VideoFrame};
use crate::{pattern, MediaError};

/// Something that produces frames at its own rate (a camera, a test pattern).
pub trait VideoSource: Send {
    /// Blocks until the next frame is due, and returns it.
    fn next_frame(&mut self) -> Result<VideoFrame, MediaError>;
    /// Changes resolution and rate (bandwidth adaptation); takes effect at the next frame.
    fn set_format(&mut self, width: u32, height: u32, fps: u32) -> Result<(), MediaError>;
    /// The current format.
    fn format(&self) -> VideoFormat;
    /// One frame at the device's full resolution (a still); by default the next frame.
    fn capture_still(&mut self) -> Result<VideoFrame, MediaError> {
        self.next_frame()
    }
}

/// A moving pattern carrying a frame counter and the capture time (see [`pattern`]).
pub struct SyntheticVideo {
    format: VideoFormat,
    counter: u16,
    paced: bool,
    next_due: Option<Instant>,
    frame: Option<VideoFrame>,
}

impl SyntheticVideo {
    /// A paced source (sleeps to keep `fps`).
    pub fn new(width: u32, height: u32, fps: u32) -> Result<Self, MediaError> {
        Ok(Self {
            format: VideoFormat::new(width, height, fps).check()?,
            counter: 0,
            paced: true,
            next_due: None,
            frame: None,
        })
    }

    /// Turns pacing off: frames come as fast as they are asked for (benchmarks, tests).
    pub fn unpaced(mut self) -> Self {
        self.paced = false;
        self
    }

    /// The counter the next frame will carry.
    pub fn counter(&self) -> u16 {
        self.counter
    }

    fn wait_until_due(&mut self) {
        if !self.paced {
            return;
        }
        let interval = self.format.frame_interval();
        let now = Instant::now();
        let due = self.next_due.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        // After a long stall, restart the clock rather than bursting to catch up.
        let next = due + interval;
        self.next_due = Some(if next + Duration::from_millis(200) < Instant::now() {
            Instant::now() + interval
        } else {
            next
        });
    }
}

impl VideoSource for SyntheticVideo {
    fn next_frame(&mut self) -> Result<VideoFrame, MediaError> {
        self.wait_until_due();
        let mut frame = match self.frame.take() {
            Some(f) if f.width() == self.format.width && f.height() == self.format.height => f,
            _ => VideoFrame::black(self.format.width, self.format.height)?,
        };
        frame.stamp_now();
        let millis = (frame.unix_millis % 65536) as u16;
        pattern::paint(&mut frame, self.counter, millis);
        self.counter = self.counter.wrapping_add(1);
        self.frame = Some(frame.clone());
        Ok(frame)
    }

    fn set_format(&mut self, width: u32, height: u32, fps: u32) -> Result<(), MediaError> {
        self.format = VideoFormat::new(width, height, fps).check()?;
        Ok(())
    }

    fn format(&self) -> VideoFormat {
        self.format
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_increases_and_is_readable() {
        let mut s = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        let a = pattern::read(&s.next_frame().unwrap()).unwrap();
        let b = pattern::read(&s.next_frame().unwrap()).unwrap();
        assert_eq!((a.0, b.0), (0, 1));
    }

    #[test]
    fn paced_source_keeps_its_rate() {
        let mut s = SyntheticVideo::new(160, 120, 50).unwrap();
        let start = Instant::now();
        for _ in 0..6 {
            s.next_frame().unwrap();
        }
        // 5 intervals of 20 ms after the first frame.
        assert!(
            start.elapsed() >= Duration::from_millis(95),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn set_format_changes_the_next_frame() {
        let mut s = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        s.set_format(320, 240, 15).unwrap();
        let f = s.next_frame().unwrap();
        assert_eq!((f.width(), f.height()), (320, 240));
        assert!(s.set_format(321, 240, 15).is_err());
    }
}

//! A video source whose camera can be replaced while it runs: the encoder keeps reading
//! the same [`SwitchedVideo`] while [`VideoSwitch::replace`] puts another camera behind it
//! (no renegotiation of the call).
//!
//! A camera that fails (unplugged, silent) never stops the stream: the switch drops it,
//! remembers why ([`VideoSwitch::failure`]) and sends black frames at the same pace until a
//! camera is put back. The latest frame is kept for a preview ([`VideoSwitch::latest`]).
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::frame::{VideoFormat, VideoFrame};
use crate::video_source::VideoSource;
use crate::MediaError;

/// Why the camera behind a switch is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchFailure {
    /// Stable code of the error (`DEVICE_FAILED`…).
    pub code: String,
    /// Its French message.
    pub message: String,
}

struct Slot {
    source: Option<Box<dyn VideoSource>>,
    format: VideoFormat,
    failure: Option<SwitchFailure>,
}

struct Shared {
    slot: Mutex<Slot>,
    latest: Mutex<Option<VideoFrame>>,
    /// Incremented on every replacement and failure.
    generation: AtomicU64,
}

impl Shared {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The handle that replaces the camera and reads its state; cheap to clone.
#[derive(Clone)]
pub struct VideoSwitch {
    shared: Arc<Shared>,
}

/// The source given to the encoder.
pub struct SwitchedVideo {
    shared: Arc<Shared>,
    black: Option<VideoFrame>,
    next_due: Option<Instant>,
}

impl VideoSwitch {
    /// A switch at `format`, with `source` behind it (`None`: black frames until a camera
    /// is put in).
    pub fn new(format: VideoFormat, source: Option<Box<dyn VideoSource>>) -> (Self, SwitchedVideo) {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot {
                source,
                format,
                failure: None,
            }),
            latest: Mutex::new(None),
            generation: AtomicU64::new(0),
        });
        (
            Self {
                shared: Arc::clone(&shared),
            },
            SwitchedVideo {
                shared,
                black: None,
                next_due: None,
            },
        )
    }

    /// Puts `source` behind the switch at the current format; the old camera is closed.
    pub fn replace(&self, mut source: Box<dyn VideoSource>) -> Result<(), MediaError> {
        let format = self.format();
        if source.format() != format {
            source.set_format(format.width, format.height, format.fps)?;
        }
        let old = {
            let mut slot = self.shared.slot();
            slot.failure = None;
            slot.source.replace(source)
        };
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
        drop(old);
        Ok(())
    }

    /// Removes the camera (black frames), recording why.
    pub fn remove(&self, failure: Option<SwitchFailure>) {
        let old = {
            let mut slot = self.shared.slot();
            slot.failure = failure;
            slot.source.take()
        };
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
        drop(old);
    }

    /// Why no camera is behind the switch, when one failed.
    pub fn failure(&self) -> Option<SwitchFailure> {
        self.shared.slot().failure.clone()
    }

    /// Whether a camera is behind the switch.
    pub fn has_source(&self) -> bool {
        self.shared.slot().source.is_some()
    }

    /// The format asked of the camera.
    pub fn format(&self) -> VideoFormat {
        self.shared.slot().format
    }

    /// Changes on every replacement and failure (to notice them by polling).
    pub fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::Relaxed)
    }

    /// The latest frame sent, camera or black.
    pub fn latest(&self) -> Option<VideoFrame> {
        self.shared
            .latest
            .lock()
            .ok()
            .and_then(|l| l.as_ref().cloned())
    }

    /// A still from the camera at its full resolution. The stream pauses meanwhile.
    pub fn capture_still(&self) -> Result<VideoFrame, MediaError> {
        let mut slot = self.shared.slot();
        let failure = slot.failure.clone();
        let source = slot.source.as_mut().ok_or_else(|| match failure {
            Some(f) => MediaError::DeviceFailed(f.message),
            None => MediaError::DeviceNotFound("aucune caméra".into()),
        })?;
        source.capture_still()
    }
}

impl SwitchedVideo {
    fn black_frame(&mut self, format: VideoFormat) -> Result<VideoFrame, MediaError> {
        let interval = format.frame_interval();
        let now = Instant::now();
        let due = self.next_due.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        let next = due + interval;
        self.next_due = Some(if next + Duration::from_millis(200) < Instant::now() {
            Instant::now() + interval
        } else {
            next
        });
        let reuse = self
            .black
            .as_ref()
            .is_some_and(|b| b.width() == format.width && b.height() == format.height);
        if !reuse {
            self.black = Some(VideoFrame::black(format.width, format.height)?);
        }
        let black = self
            .black
            .as_mut()
            .ok_or_else(|| MediaError::BadFrame("noir".into()))?;
        black.stamp_now();
        Ok(black.clone())
    }

    fn keep(&self, frame: &VideoFrame) {
        if let Ok(mut latest) = self.shared.latest.lock() {
            *latest = Some(frame.clone());
        }
    }
}

impl VideoSource for SwitchedVideo {
    fn next_frame(&mut self) -> Result<VideoFrame, MediaError> {
        let shared = Arc::clone(&self.shared);
        let mut slot = shared.slot();
        let format = slot.format;
        let result = slot.source.as_mut().map(|s| s.next_frame());
        match result {
            Some(Ok(frame)) => {
                drop(slot);
                self.next_due = None;
                self.keep(&frame);
                Ok(frame)
            }
            Some(Err(e)) => {
                tracing::warn!(
                    code = e.code(),
                    "camera failed; black frames until it is back"
                );
                slot.failure = Some(SwitchFailure {
                    code: e.code().to_string(),
                    message: e.to_string(),
                });
                let old = slot.source.take();
                drop(slot);
                drop(old);
                shared.generation.fetch_add(1, Ordering::Relaxed);
                let frame = self.black_frame(format)?;
                self.keep(&frame);
                Ok(frame)
            }
            None => {
                drop(slot);
                let frame = self.black_frame(format)?;
                self.keep(&frame);
                Ok(frame)
            }
        }
    }

    fn set_format(&mut self, width: u32, height: u32, fps: u32) -> Result<(), MediaError> {
        let format = VideoFormat::new(width, height, fps).check()?;
        let mut slot = self.shared.slot();
        slot.format = format;
        match slot.source.as_mut() {
            Some(source) => source.set_format(width, height, fps),
            None => Ok(()),
        }
    }

    fn format(&self) -> VideoFormat {
        let slot = self.shared.slot();
        slot.source.as_ref().map_or(slot.format, |s| s.format())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;
    use crate::synthetic_cameras::{mean_chroma, SyntheticCamera};

    const FORMAT: VideoFormat = VideoFormat::new(320, 240, 60);

    fn cam(id: &str) -> Box<dyn VideoSource> {
        Box::new(SyntheticCamera::open(id, FORMAT).unwrap())
    }

    #[test]
    fn replacing_the_camera_changes_the_picture_not_the_stream() {
        let (switch, mut video) = VideoSwitch::new(FORMAT, Some(cam("synthetic-room")));
        let a = video.next_frame().unwrap();
        assert!(mean_chroma(&a).1 < 180);
        let generation = switch.generation();
        switch.replace(cam("synthetic-otoscope")).unwrap();
        assert_ne!(switch.generation(), generation);
        let b = video.next_frame().unwrap();
        assert!(mean_chroma(&b).1 > 180, "{:?}", mean_chroma(&b));
        assert!(pattern::read(&b).is_some());
        assert_eq!(switch.latest().map(|f| f.unix_millis), Some(b.unix_millis));
    }

    #[test]
    fn a_failing_camera_gives_black_frames_and_a_failure() {
        struct Broken;
        impl VideoSource for Broken {
            fn next_frame(&mut self) -> Result<VideoFrame, MediaError> {
                Err(MediaError::DeviceFailed("débranchée".into()))
            }
            fn set_format(&mut self, _: u32, _: u32, _: u32) -> Result<(), MediaError> {
                Ok(())
            }
            fn format(&self) -> VideoFormat {
                FORMAT
            }
        }
        let (switch, mut video) = VideoSwitch::new(FORMAT, Some(Box::new(Broken)));
        let f = video.next_frame().unwrap();
        assert_eq!((f.width(), f.height()), (320, 240));
        assert!(f.y().iter().all(|&y| y == crate::frame::BLACK_Y));
        assert_eq!(
            switch.failure().map(|f| f.code),
            Some("DEVICE_FAILED".into())
        );
        assert!(!switch.has_source());
        assert!(switch.capture_still().is_err());
        // Black frames keep the pace.
        let start = Instant::now();
        for _ in 0..4 {
            video.next_frame().unwrap();
        }
        assert!(start.elapsed() >= Duration::from_millis(45));
        switch.replace(cam("synthetic-room")).unwrap();
        assert_eq!(switch.failure(), None);
        assert!(pattern::read(&video.next_frame().unwrap()).is_some());
    }

    #[test]
    fn format_changes_reach_the_next_camera() {
        let (switch, mut video) = VideoSwitch::new(FORMAT, Some(cam("synthetic-room")));
        video.set_format(160, 120, 15).unwrap();
        switch.replace(cam("synthetic-otoscope")).unwrap();
        let f = video.next_frame().unwrap();
        assert_eq!((f.width(), f.height()), (160, 120));
        let still = switch.capture_still().unwrap();
        assert_eq!((still.width(), still.height()), (1920, 1080));
    }
}

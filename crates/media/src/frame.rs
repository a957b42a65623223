//! Raw video frames (I420) and their format.
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::MediaError;

/// Y value of black in limited-range video.
pub const BLACK_Y: u8 = 16;
/// Y value of white in limited-range video.
pub const WHITE_Y: u8 = 235;
/// Neutral chroma.
pub const NEUTRAL_C: u8 = 128;

/// Resolution and rate asked of a video source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoFormat {
    /// Width in pixels (even).
    pub width: u32,
    /// Height in pixels (even).
    pub height: u32,
    /// Frames per second.
    pub fps: u32,
}

impl VideoFormat {
    /// A format, without checks (see [`VideoFormat::check`]).
    pub const fn new(width: u32, height: u32, fps: u32) -> Self {
        Self { width, height, fps }
    }

    /// Refuses odd, zero or oversized dimensions and a zero or absurd rate.
    pub fn check(self) -> Result<Self, MediaError> {
        check_dimensions(self.width, self.height)?;
        if self.fps == 0 || self.fps > 120 {
            return Err(MediaError::BadFrame(format!("{} images/s", self.fps)));
        }
        Ok(self)
    }

    /// Time between two frames.
    pub fn frame_interval(self) -> Duration {
        Duration::from_micros(1_000_000 / u64::from(self.fps.max(1)))
    }
}

fn check_dimensions(width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0
        || height == 0
        || !width.is_multiple_of(2)
        || !height.is_multiple_of(2)
        || width > 3840
        || height > 2160
    {
        return Err(MediaError::BadFrame(format!("{width}x{height}")));
    }
    Ok(())
}

/// One uncompressed frame, planar I420 (Y, then U, then V, no padding).
#[derive(Clone, PartialEq, Eq)]
pub struct VideoFrame {
    width: u32,
    height: u32,
    data: Vec<u8>,
    /// When the frame was captured (monotonic).
    pub captured_at: Instant,
    /// When the frame was captured, milliseconds since the Unix epoch.
    pub unix_millis: u64,
}

impl std::fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("unix_millis", &self.unix_millis)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn unix_millis_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl VideoFrame {
    /// A black frame captured now.
    pub fn black(width: u32, height: u32) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        let (w, h) = (width as usize, height as usize);
        let mut data = vec![NEUTRAL_C; w * h * 3 / 2];
        data[..w * h].fill(BLACK_Y);
        Ok(Self {
            width,
            height,
            data,
            captured_at: Instant::now(),
            unix_millis: unix_millis_now(),
        })
    }

    /// A frame from packed I420 bytes, captured now.
    pub fn from_i420(width: u32, height: u32, data: Vec<u8>) -> Result<Self, MediaError> {
        check_dimensions(width, height)?;
        let expected = width as usize * height as usize * 3 / 2;
        if data.len() != expected {
            return Err(MediaError::BadFrame(format!(
                "{} octets pour {width}x{height} (attendu {expected})",
                data.len()
            )));
        }
        Ok(Self {
            width,
            height,
            data,
            captured_at: Instant::now(),
            unix_millis: unix_millis_now(),
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The whole I420 buffer.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    fn luma_len(&self) -> usize {
        self.width as usize * self.height as usize
    }

    fn chroma_len(&self) -> usize {
        self.luma_len() / 4
    }

    /// Luma plane (stride = width).
    pub fn y(&self) -> &[u8] {
        &self.data[..self.luma_len()]
    }

    /// Cb plane (stride = width / 2).
    pub fn u(&self) -> &[u8] {
        let start = self.luma_len();
        &self.data[start..start + self.chroma_len()]
    }

    /// Cr plane (stride = width / 2).
    pub fn v(&self) -> &[u8] {
        let start = self.luma_len() + self.chroma_len();
        &self.data[start..]
    }

    /// The three planes, mutable.
    pub fn planes_mut(&mut self) -> (&mut [u8], &mut [u8], &mut [u8]) {
        let (luma, chroma) = (self.luma_len(), self.chroma_len());
        let (y, rest) = self.data.split_at_mut(luma);
        let (u, v) = rest.split_at_mut(chroma);
        (y, u, v)
    }

    /// Stamps the frame as captured now.
    pub fn stamp_now(&mut self) {
        self.captured_at = Instant::now();
        self.unix_millis = unix_millis_now();
    }
}

impl openh264::formats::YUVSource for VideoFrame {
    fn dimensions(&self) -> (usize, usize) {
        (self.width as usize, self.height as usize)
    }

    fn strides(&self) -> (usize, usize, usize) {
        let w = self.width as usize;
        (w, w / 2, w / 2)
    }

    fn y(&self) -> &[u8] {
        VideoFrame::y(self)
    }

    fn u(&self) -> &[u8] {
        VideoFrame::u(self)
    }

    fn v(&self) -> &[u8] {
        VideoFrame::v(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planes_have_the_i420_sizes() {
        let f = VideoFrame::black(640, 480).unwrap();
        assert_eq!(f.y().len(), 640 * 480);
        assert_eq!(f.u().len(), 320 * 240);
        assert_eq!(f.v().len(), 320 * 240);
        assert!(f.y().iter().all(|&p| p == BLACK_Y));
    }

    #[test]
    fn refuses_odd_or_empty_dimensions() {
        assert_eq!(
            VideoFrame::black(641, 480).unwrap_err().code(),
            "MEDIA_BAD_FRAME"
        );
        assert!(VideoFrame::black(0, 0).is_err());
        assert!(VideoFrame::from_i420(4, 4, vec![0; 5]).is_err());
        assert!(VideoFormat::new(640, 480, 0).check().is_err());
    }
}

//! VP8 encoding and decoding (the system libvpx through `relais-vpx`), for browsers whose
//! H.264 is missing (Firefox without its OpenH264 plug-in).
//!
//! Real-time settings: `VPX_DL_REALTIME` deadline, fixed speed 8 (`cpu-used -8`), error
//! resilient, no lag, constant bitrate with WebRTC's buffer sizes, a keyframe on demand and
//! at least every 4 s.
use relais_vpx::{EncoderSettings, VpxError};

use crate::frame::VideoFrame;
use crate::h264::EncodedVideo;
use crate::MediaError;

/// Speed of the encoder: negative = this fixed speed (libvpx's real-time scale goes to 16).
const CPU_USED: i32 = -8;
/// A keyframe may be at most this many times an average frame (limits its burst on the link).
const MAX_INTRA_BITRATE_PCT: u32 = 300;

fn vp8_error(error: impl std::fmt::Display) -> MediaError {
    MediaError::Codec {
        codec: "vp8",
        detail: error.to_string(),
    }
}

impl From<VpxError> for MediaError {
    fn from(error: VpxError) -> Self {
        vp8_error(error)
    }
}

/// VP8 encoder with a settable target bitrate and keyframes on demand.
pub struct Vp8Encoder {
    encoder: Option<relais_vpx::Vp8Encoder>,
    bitrate_bps: u32,
    fps: u32,
    pts: i64,
    keyframe_pending: bool,
}

impl Vp8Encoder {
    /// An encoder aiming at `bitrate_bps` for `fps` frames per second (libvpx is set up at
    /// the first frame, when the size is known).
    pub fn new(bitrate_bps: u32, fps: u32) -> Result<Self, MediaError> {
        if bitrate_bps < 1000 {
            return Err(vp8_error(format!(
                "débit trop faible : {bitrate_bps} bit/s"
            )));
        }
        Ok(Self {
            encoder: None,
            bitrate_bps,
            fps: fps.clamp(1, 120),
            pts: 0,
            keyframe_pending: true,
        })
    }

    /// The target bitrate.
    pub fn bitrate(&self) -> u32 {
        self.bitrate_bps
    }

    /// Changes the target bitrate and frame rate (a new encoder: the next frame is a keyframe).
    pub fn reconfigure(&mut self, bitrate_bps: u32, fps: u32) -> Result<(), MediaError> {
        if bitrate_bps == self.bitrate_bps && fps == self.fps {
            return Ok(());
        }
        *self = Self::new(bitrate_bps, fps)?;
        Ok(())
    }

    /// The next encoded frame will be a keyframe (answer to a PLI or FIR).
    pub fn force_keyframe(&mut self) {
        self.keyframe_pending = true;
    }

    fn settings(&self, width: u32, height: u32) -> EncoderSettings {
        EncoderSettings {
            width,
            height,
            fps: self.fps,
            bitrate_kbps: (self.bitrate_bps / 1000).max(1),
            // Two threads from 640x480 up, as browsers do on two cores.
            threads: if width * height >= 640 * 480 { 2 } else { 1 },
            cpu_used: CPU_USED,
            max_intra_bitrate_pct: MAX_INTRA_BITRATE_PCT,
            keyframe_max_distance: self.fps.saturating_mul(4),
        }
    }

    /// Encodes one frame; the resolution may change between frames (a keyframe follows).
    pub fn encode(&mut self, frame: &VideoFrame) -> Result<EncodedVideo, MediaError> {
        let wanted = self.settings(frame.width(), frame.height());
        let encoder = match self.encoder.take() {
            Some(e) if e.settings() == wanted => e,
            _ => {
                self.keyframe_pending = true;
                relais_vpx::Vp8Encoder::new(wanted)?
            }
        };
        let encoder = self.encoder.insert(encoder);
        let keyframe = std::mem::take(&mut self.keyframe_pending);
        let frames = encoder.encode(frame.data(), self.pts, keyframe)?;
        self.pts += 1;
        let mut out = EncodedVideo {
            data: Vec::new(),
            keyframe: false,
        };
        for f in frames {
            out.keyframe |= f.keyframe;
            out.data.extend_from_slice(&f.data);
        }
        Ok(out)
    }
}

/// Whether a VP8 frame (RFC 6386 §9.1, the first bit of its 3-byte tag) is a keyframe.
pub fn is_keyframe(frame: &[u8]) -> bool {
    frame.len() >= 10 && frame[0] & 1 == 0 && frame[3..6] == [0x9d, 0x01, 0x2a]
}

/// VP8 decoder producing I420 frames.
pub struct Vp8Decoder {
    decoder: relais_vpx::Vp8Decoder,
}

impl Vp8Decoder {
    /// A decoder.
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self {
            decoder: relais_vpx::Vp8Decoder::new()?,
        })
    }

    /// Decodes one frame; `None` when it gave no picture (an invisible frame).
    pub fn decode(&mut self, frame: &[u8]) -> Result<Option<VideoFrame>, MediaError> {
        let Some(picture) = self.decoder.decode(frame)? else {
            return Ok(None);
        };
        let (w, h) = (picture.width, picture.height);
        if w % 2 == 0 && h % 2 == 0 {
            return VideoFrame::from_i420(w, h, picture.data).map(Some);
        }
        // VideoFrame wants even sizes: an odd last row or column is dropped.
        let (ew, eh) = ((w & !1) as usize, (h & !1) as usize);
        let (w, h) = (w as usize, h as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let mut data = Vec::with_capacity(ew * eh * 3 / 2);
        for row in 0..eh {
            data.extend_from_slice(&picture.data[row * w..row * w + ew]);
        }
        for plane in 0..2 {
            let base = w * h + plane * cw * ch;
            for row in 0..eh / 2 {
                data.extend_from_slice(&picture.data[base + row * cw..base + row * cw + ew / 2]);
            }
        }
        VideoFrame::from_i420(ew as u32, eh as u32, data).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;
    use crate::video_source::{SyntheticVideo, VideoSource};

    fn round_trip(width: u32, height: u32, bitrate: u32) {
        let mut source = SyntheticVideo::new(width, height, 30).unwrap().unpaced();
        let mut encoder = Vp8Encoder::new(bitrate, 30).unwrap();
        let mut decoder = Vp8Decoder::new().unwrap();
        let mut read_back = Vec::new();
        for i in 0..20 {
            let frame = source.next_frame().unwrap();
            let expected = pattern::read(&frame).unwrap();
            let encoded = encoder.encode(&frame).unwrap();
            assert!(!encoded.data.is_empty(), "frame {i} was not dropped");
            assert_eq!(encoded.keyframe, i == 0, "frame {i}");
            assert_eq!(is_keyframe(&encoded.data), encoded.keyframe);
            let decoded = decoder
                .decode(&encoded.data)
                .unwrap()
                .expect("a picture per frame");
            assert_eq!((decoded.width(), decoded.height()), (width, height));
            assert_eq!(pattern::read(&decoded), Some(expected), "{width}x{height}");
            read_back.push(expected);
        }
        assert_eq!(read_back.len(), 20);
        assert!(read_back.windows(2).all(|w| w[1] > w[0]), "{read_back:?}");
    }

    #[test]
    fn pattern_survives_vp8_at_640x480() {
        round_trip(640, 480, 1_000_000);
    }

    #[test]
    fn pattern_survives_vp8_at_1280x720() {
        round_trip(1280, 720, 2_000_000);
    }

    #[test]
    fn forced_frames_and_size_changes_are_keyframes() {
        let mut source = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        let mut encoder = Vp8Encoder::new(800_000, 30).unwrap();
        assert!(
            encoder
                .encode(&source.next_frame().unwrap())
                .unwrap()
                .keyframe
        );
        assert!(
            !encoder
                .encode(&source.next_frame().unwrap())
                .unwrap()
                .keyframe
        );
        encoder.force_keyframe();
        assert!(
            encoder
                .encode(&source.next_frame().unwrap())
                .unwrap()
                .keyframe
        );
        let mut small = SyntheticVideo::new(320, 240, 30).unwrap().unpaced();
        let resized = encoder.encode(&small.next_frame().unwrap()).unwrap();
        assert!(resized.keyframe);
        let mut decoder = Vp8Decoder::new().unwrap();
        let decoded = decoder.decode(&resized.data).unwrap().unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 240));
    }

    #[test]
    fn reconfigure_restarts_with_a_keyframe() {
        let mut source = SyntheticVideo::new(320, 240, 30).unwrap().unpaced();
        let mut encoder = Vp8Encoder::new(500_000, 30).unwrap();
        encoder.encode(&source.next_frame().unwrap()).unwrap();
        encoder.reconfigure(300_000, 15).unwrap();
        assert_eq!(encoder.bitrate(), 300_000);
        assert!(
            encoder
                .encode(&source.next_frame().unwrap())
                .unwrap()
                .keyframe
        );
    }

    #[test]
    fn the_bitrate_is_roughly_held() {
        let mut source = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        let mut encoder = Vp8Encoder::new(600_000, 30).unwrap();
        let bytes: usize = (0..90)
            .map(|_| {
                encoder
                    .encode(&source.next_frame().unwrap())
                    .unwrap()
                    .data
                    .len()
            })
            .sum();
        let bps = bytes as f64 * 8.0 / 3.0;
        assert!(bps < 600_000.0 * 1.6, "{bps} bit/s for 600 kbit/s");
    }

    #[test]
    fn garbage_is_an_error_or_nothing_not_a_panic() {
        let mut decoder = Vp8Decoder::new().unwrap();
        assert!(decoder
            .decode(&[0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0xff])
            .is_err());
        assert!(decoder.decode(&[]).unwrap().is_none());
        assert!(Vp8Encoder::new(10, 30).is_err());
    }
}

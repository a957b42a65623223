//! VP8 encoding and decoding (the system libvpx through `relais-vpx`), for browsers whose
//! H.264 is missing (Firefox without its OpenH264 plug-in).
//!
//! Real-time settings: `VPX_DL_REALTIME` deadline, fixed speed 8 (`cpu-used -8`), error
//! resilient, no lag, constant bitrate with WebRTC's buffer sizes, a keyframe on demand and
//! at least every 4 s.
use relais_vpx::{EncoderSettings, VpxError};

use crate::frame::VideoFrame;
use crate::h264::EncodedVideo;
use crate::video_codec::{EncoderBackend, EncoderDriver};
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
pub type Vp8Encoder = EncoderDriver<Vp8Backend>;

/// libvpx behind [`Vp8Encoder`]: set up at the first frame, when the size is known, and again
/// whenever the size or the target changes.
pub struct Vp8Backend {
    encoder: Option<relais_vpx::Vp8Encoder>,
    pts: i64,
}

fn settings(bitrate_bps: u32, fps: u32, width: u32, height: u32) -> EncoderSettings {
    EncoderSettings {
        width,
        height,
        fps,
        bitrate_kbps: (bitrate_bps / 1000).max(1),
        // Two threads from 640x480 up, as browsers do on two cores.
        threads: if width * height >= 640 * 480 { 2 } else { 1 },
        cpu_used: CPU_USED,
        max_intra_bitrate_pct: MAX_INTRA_BITRATE_PCT,
        keyframe_max_distance: fps.saturating_mul(4),
    }
}

impl EncoderBackend for Vp8Backend {
    const MAX_FPS: u32 = 120;

    fn open(bitrate_bps: u32, _fps: u32) -> Result<Self, MediaError> {
        if bitrate_bps < 1000 {
            return Err(vp8_error(format!(
                "débit trop faible : {bitrate_bps} bit/s"
            )));
        }
        Ok(Self {
            encoder: None,
            pts: 0,
        })
    }

    fn encode_frame(
        &mut self,
        frame: &VideoFrame,
        bitrate_bps: u32,
        fps: u32,
        keyframe: bool,
    ) -> Result<EncodedVideo, MediaError> {
        let wanted = settings(bitrate_bps, fps, frame.width(), frame.height());
        let (encoder, keyframe) = match self.encoder.take() {
            Some(e) if e.settings() == wanted => (e, keyframe),
            _ => (relais_vpx::Vp8Encoder::new(wanted)?, true),
        };
        let encoder = self.encoder.insert(encoder);
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
    use crate::video_source::{SyntheticVideo, VideoSource};

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

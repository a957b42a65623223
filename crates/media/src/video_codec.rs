//! The station's video codecs behind one type: H.264 (preferred) or VP8 (browsers without
//! H.264, such as Firefox without its OpenH264 plug-in).
use crate::frame::VideoFrame;
use crate::h264::{EncodedVideo, H264Decoder, H264Encoder};
use crate::vp8::{Vp8Decoder, Vp8Encoder};
use crate::MediaError;

/// A video codec the station can send and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoCodec {
    /// H.264 constrained baseline 42e01f (OpenH264).
    H264,
    /// VP8 (libvpx).
    Vp8,
}

impl VideoCodec {
    /// The RTP/SDP MIME type (`video/H264`, `video/VP8`).
    pub fn mime_type(self) -> &'static str {
        match self {
            VideoCodec::H264 => "video/H264",
            VideoCodec::Vp8 => "video/VP8",
        }
    }

    /// The codec of a MIME type or SDP encoding name (case-insensitive), if ours.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.rsplit('/').next().unwrap_or(name);
        if name.eq_ignore_ascii_case("H264") {
            Some(VideoCodec::H264)
        } else if name.eq_ignore_ascii_case("VP8") {
            Some(VideoCodec::Vp8)
        } else {
            None
        }
    }
}

/// One codec's encoding step. [`EncoderDriver`] wraps it with what both codecs share: the
/// target bitrate and frame rate, reconfiguration and keyframe requests.
pub trait EncoderBackend: Sized {
    /// The highest frame rate kept (a request above it is lowered to it; below 1, raised to 1).
    const MAX_FPS: u32;

    /// A fresh encoder aiming at `bitrate_bps` for `fps` frames per second, as asked.
    fn open(bitrate_bps: u32, fps: u32) -> Result<Self, MediaError>;

    /// Encodes one frame at the driver's target (`fps` as kept); an IDR or keyframe when
    /// `keyframe` is set.
    fn encode_frame(
        &mut self,
        frame: &VideoFrame,
        bitrate_bps: u32,
        fps: u32,
        keyframe: bool,
    ) -> Result<EncodedVideo, MediaError>;
}

/// Rate control and keyframe requests around one codec's encoder: the first frame is a
/// keyframe, a new target opens a new encoder (a keyframe follows), and a keyframe asked for
/// (PLI, FIR) is the next frame.
pub struct EncoderDriver<B> {
    backend: B,
    bitrate_bps: u32,
    fps: u32,
    keyframe_pending: bool,
}

impl<B: EncoderBackend> EncoderDriver<B> {
    /// An encoder aiming at `bitrate_bps` for `fps` frames per second.
    pub fn new(bitrate_bps: u32, fps: u32) -> Result<Self, MediaError> {
        Ok(Self {
            backend: B::open(bitrate_bps, fps)?,
            bitrate_bps,
            fps: fps.clamp(1, B::MAX_FPS),
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

    /// Encodes one frame; the resolution may change between frames (a keyframe follows).
    pub fn encode(&mut self, frame: &VideoFrame) -> Result<EncodedVideo, MediaError> {
        let keyframe = std::mem::take(&mut self.keyframe_pending);
        self.backend
            .encode_frame(frame, self.bitrate_bps, self.fps, keyframe)
    }
}

/// An encoder of either codec, with the same controls.
pub enum VideoEncoder {
    /// H.264 (boxed: OpenH264's encoder state is large).
    H264(Box<H264Encoder>),
    /// VP8.
    Vp8(Vp8Encoder),
}

impl VideoEncoder {
    /// An encoder of `codec` aiming at `bitrate_bps` for `fps` frames per second.
    pub fn new(codec: VideoCodec, bitrate_bps: u32, fps: u32) -> Result<Self, MediaError> {
        Ok(match codec {
            VideoCodec::H264 => VideoEncoder::H264(Box::new(H264Encoder::new(bitrate_bps, fps)?)),
            VideoCodec::Vp8 => VideoEncoder::Vp8(Vp8Encoder::new(bitrate_bps, fps)?),
        })
    }

    /// Its codec.
    pub fn codec(&self) -> VideoCodec {
        match self {
            VideoEncoder::H264(_) => VideoCodec::H264,
            VideoEncoder::Vp8(_) => VideoCodec::Vp8,
        }
    }

    /// The target bitrate.
    pub fn bitrate(&self) -> u32 {
        match self {
            VideoEncoder::H264(e) => e.bitrate(),
            VideoEncoder::Vp8(e) => e.bitrate(),
        }
    }

    /// Changes the target bitrate and frame rate (the next frame is a keyframe).
    pub fn reconfigure(&mut self, bitrate_bps: u32, fps: u32) -> Result<(), MediaError> {
        match self {
            VideoEncoder::H264(e) => e.reconfigure(bitrate_bps, fps),
            VideoEncoder::Vp8(e) => e.reconfigure(bitrate_bps, fps),
        }
    }

    /// The next encoded frame will be a keyframe.
    pub fn force_keyframe(&mut self) {
        match self {
            VideoEncoder::H264(e) => e.force_keyframe(),
            VideoEncoder::Vp8(e) => e.force_keyframe(),
        }
    }

    /// Encodes one frame (H.264: an Annex B access unit; VP8: one frame).
    pub fn encode(&mut self, frame: &VideoFrame) -> Result<EncodedVideo, MediaError> {
        match self {
            VideoEncoder::H264(e) => e.encode(frame),
            VideoEncoder::Vp8(e) => e.encode(frame),
        }
    }
}

/// Decoders of both codecs, each made at its first frame.
#[derive(Default)]
pub struct VideoDecoders {
    h264: Option<H264Decoder>,
    vp8: Option<Vp8Decoder>,
}

impl VideoDecoders {
    /// No decoder yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `codec`'s decoder already open, so its set-up (about 2 ms, and a slower first decode)
    /// is not on the first frame's path; the other one opens when first needed.
    pub fn ready_for(codec: VideoCodec) -> Result<Self, MediaError> {
        let mut decoders = Self::default();
        match codec {
            VideoCodec::H264 => decoders.h264 = Some(H264Decoder::new()?),
            VideoCodec::Vp8 => decoders.vp8 = Some(Vp8Decoder::new()?),
        }
        Ok(decoders)
    }

    /// Decodes one access unit (H.264) or frame (VP8); `None` while no picture is complete.
    pub fn decode(
        &mut self,
        codec: VideoCodec,
        data: &[u8],
    ) -> Result<Option<VideoFrame>, MediaError> {
        match codec {
            VideoCodec::H264 => {
                if self.h264.is_none() {
                    self.h264 = Some(H264Decoder::new()?);
                }
                match self.h264.as_mut() {
                    Some(d) => d.decode(data),
                    None => Ok(None),
                }
            }
            VideoCodec::Vp8 => {
                if self.vp8.is_none() {
                    self.vp8 = Some(Vp8Decoder::new()?);
                }
                match self.vp8.as_mut() {
                    Some(d) => d.decode(data),
                    None => Ok(None),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;
    use crate::video_source::{SyntheticVideo, VideoSource};

    /// Records what the driver asks of a codec.
    struct Recorder {
        opened_at: (u32, u32),
        keyframes: Vec<bool>,
    }

    impl EncoderBackend for Recorder {
        const MAX_FPS: u32 = 60;

        fn open(bitrate_bps: u32, fps: u32) -> Result<Self, MediaError> {
            Ok(Self {
                opened_at: (bitrate_bps, fps),
                keyframes: Vec::new(),
            })
        }

        fn encode_frame(
            &mut self,
            _frame: &VideoFrame,
            _bitrate_bps: u32,
            fps: u32,
            keyframe: bool,
        ) -> Result<EncodedVideo, MediaError> {
            self.keyframes.push(keyframe);
            Ok(EncodedVideo {
                data: vec![fps as u8],
                keyframe,
            })
        }
    }

    #[test]
    fn the_driver_asks_keyframes_first_on_demand_and_after_a_new_target() {
        let frame = SyntheticVideo::new(64, 48, 30)
            .unwrap()
            .unpaced()
            .next_frame()
            .unwrap();
        let mut driver = EncoderDriver::<Recorder>::new(500_000, 90).unwrap();
        assert_eq!(driver.backend.opened_at, (500_000, 90));
        assert_eq!(
            driver.encode(&frame).unwrap().data,
            [60],
            "fps kept at MAX_FPS"
        );
        driver.encode(&frame).unwrap();
        driver.force_keyframe();
        driver.encode(&frame).unwrap();
        driver.reconfigure(500_000, 60).unwrap();
        driver.encode(&frame).unwrap();
        assert_eq!(driver.backend.keyframes, [true, false, true, false]);
        driver.reconfigure(300_000, 60).unwrap();
        assert_eq!(driver.bitrate(), 300_000);
        driver.encode(&frame).unwrap();
        assert_eq!(
            driver.backend.keyframes,
            [true],
            "a new encoder, a keyframe"
        );
    }

    #[test]
    fn names_map_to_codecs() {
        assert_eq!(VideoCodec::from_name("video/H264"), Some(VideoCodec::H264));
        assert_eq!(VideoCodec::from_name("vp8"), Some(VideoCodec::Vp8));
        assert_eq!(VideoCodec::from_name("VP9"), None);
        assert_eq!(
            VideoCodec::from_name(VideoCodec::Vp8.mime_type()),
            Some(VideoCodec::Vp8)
        );
    }

    /// Whether the bitstream itself says keyframe (a VP8 key frame, an H.264 IDR).
    fn reads_as_keyframe(codec: VideoCodec, data: &[u8]) -> bool {
        match codec {
            VideoCodec::H264 => crate::h264::nal_units(data).any(|n| n[0] & 0x1f == 5),
            VideoCodec::Vp8 => crate::vp8::is_keyframe(data),
        }
    }

    fn round_trip(codec: VideoCodec, width: u32, height: u32, bitrate: u32) {
        let mut source = SyntheticVideo::new(width, height, 30).unwrap().unpaced();
        let mut encoder = VideoEncoder::new(codec, bitrate, 30).unwrap();
        let mut decoders = VideoDecoders::new();
        let mut read_back = Vec::new();
        for i in 0..20 {
            let frame = source.next_frame().unwrap();
            let expected = pattern::read(&frame).unwrap();
            let encoded = encoder.encode(&frame).unwrap();
            assert!(
                !encoded.data.is_empty(),
                "{codec:?} frame {i} was not dropped"
            );
            if codec == VideoCodec::Vp8 {
                // OpenH264 may add an IDR of its own at a scene change.
                assert_eq!(encoded.keyframe, i == 0, "{codec:?} frame {i}");
            }
            assert_eq!(reads_as_keyframe(codec, &encoded.data), encoded.keyframe);
            let decoded = decoders
                .decode(codec, &encoded.data)
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
    fn pattern_survives_h264_at_640x480() {
        round_trip(VideoCodec::H264, 640, 480, 1_000_000);
    }

    #[test]
    fn pattern_survives_h264_at_1280x720() {
        round_trip(VideoCodec::H264, 1280, 720, 2_000_000);
    }

    #[test]
    fn pattern_survives_vp8_at_640x480() {
        round_trip(VideoCodec::Vp8, 640, 480, 1_000_000);
    }

    #[test]
    fn pattern_survives_vp8_at_1280x720() {
        round_trip(VideoCodec::Vp8, 1280, 720, 2_000_000);
    }

    #[test]
    fn reconfigure_restarts_with_a_keyframe() {
        let mut source = SyntheticVideo::new(320, 240, 30).unwrap().unpaced();
        for codec in [VideoCodec::H264, VideoCodec::Vp8] {
            let mut encoder = VideoEncoder::new(codec, 500_000, 30).unwrap();
            encoder.encode(&source.next_frame().unwrap()).unwrap();
            assert!(
                !encoder
                    .encode(&source.next_frame().unwrap())
                    .unwrap()
                    .keyframe
            );
            encoder.reconfigure(300_000, 15).unwrap();
            assert_eq!(encoder.bitrate(), 300_000);
            let next = encoder.encode(&source.next_frame().unwrap()).unwrap();
            assert!(next.keyframe, "{codec:?}");
        }
    }

    #[test]
    fn one_decoder_set_reads_both_codecs() {
        let mut source = SyntheticVideo::new(320, 240, 30).unwrap().unpaced();
        let opened_first = [
            VideoDecoders::new(),
            VideoDecoders::ready_for(VideoCodec::H264).unwrap(),
            VideoDecoders::ready_for(VideoCodec::Vp8).unwrap(),
        ];
        for mut decoders in opened_first {
            for codec in [VideoCodec::H264, VideoCodec::Vp8, VideoCodec::H264] {
                let mut encoder = VideoEncoder::new(codec, 400_000, 30).unwrap();
                assert_eq!(encoder.codec(), codec);
                let frame = source.next_frame().unwrap();
                let encoded = encoder.encode(&frame).unwrap();
                let decoded = decoders.decode(codec, &encoded.data).unwrap().unwrap();
                assert_eq!(pattern::read(&decoded), pattern::read(&frame), "{codec:?}");
            }
        }
    }
}

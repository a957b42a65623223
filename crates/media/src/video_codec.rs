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

    #[test]
    fn one_decoder_set_reads_both_codecs() {
        let mut source = SyntheticVideo::new(320, 240, 30).unwrap().unpaced();
        let mut decoders = VideoDecoders::new();
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

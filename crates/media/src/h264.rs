//! H.264 encoding and decoding (OpenH264), constrained baseline `42e01f`.
use openh264::decoder::Decoder;
use openh264::encoder::{
    BitRate, Complexity, Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod, Level,
    Profile, RateControlMode, UsageType,
};
use openh264::formats::YUVSource;
use openh264::OpenH264API;

use crate::frame::VideoFrame;
use crate::video_codec::{EncoderBackend, EncoderDriver};
use crate::MediaError;

/// `profile-level-id` offered in SDP and written in every SPS: constrained baseline, level 3.1.
pub const PROFILE_LEVEL_ID: &str = "42e01f";
/// The SDP `fmtp` line of the video track.
pub const SDP_FMTP: &str = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;
const NAL_IDR: u8 = 5;

/// One encoded frame: an access unit in Annex B (start codes), SPS and PPS before every IDR.
#[derive(Debug, Clone)]
pub struct EncodedVideo {
    /// Annex B bytes; empty when the encoder skipped the frame.
    pub data: Vec<u8>,
    /// Whether it is an IDR (decodable on its own).
    pub keyframe: bool,
}

/// H.264 encoder with a settable target bitrate and keyframes (IDR) on demand.
pub type H264Encoder = EncoderDriver<H264Backend>;

/// OpenH264 behind [`H264Encoder`], keeping the last SPS and PPS to put before every IDR.
pub struct H264Backend {
    encoder: Encoder,
    sps_pps: Vec<u8>,
}

fn encoder_config(bitrate_bps: u32, fps: u32) -> EncoderConfig {
    EncoderConfig::new()
        .bitrate(BitRate::from_bps(bitrate_bps))
        .max_frame_rate(FrameRate::from_hz(fps as f32))
        .rate_control_mode(RateControlMode::Bitrate)
        .usage_type(UsageType::CameraVideoRealTime)
        .profile(Profile::Baseline)
        .level(Level::Level_3_1)
        .skip_frames(false)
        // As real-time encoders do: the fast mode decision, and IDRs only when asked for
        // (PLI, camera switch, reconnection) or every 4 s, not at each detected scene change
        // (the moving test pattern made one every 0.6 s). Together about 20 % less time.
        .complexity(Complexity::Low)
        .scene_change_detect(false)
        // A keyframe every 4 s at most, so a lost PLI is not fatal.
        .intra_frame_period(IntraFramePeriod::from_num_frames(fps.saturating_mul(4)))
}

impl EncoderBackend for H264Backend {
    const MAX_FPS: u32 = u32::MAX;

    fn open(bitrate_bps: u32, fps: u32) -> Result<Self, MediaError> {
        let encoder =
            Encoder::with_api_config(OpenH264API::from_source(), encoder_config(bitrate_bps, fps))
                .map_err(MediaError::h264)?;
        Ok(Self {
            encoder,
            sps_pps: Vec::new(),
        })
    }

    fn encode_frame(
        &mut self,
        frame: &VideoFrame,
        _bitrate_bps: u32,
        _fps: u32,
        keyframe: bool,
    ) -> Result<EncodedVideo, MediaError> {
        if keyframe {
            self.encoder.force_intra_frame();
        }
        let bitstream = self.encoder.encode(frame).map_err(MediaError::h264)?;
        let keyframe = bitstream.frame_type() == FrameType::IDR;
        let mut data = bitstream.to_vec();
        if data.is_empty() {
            return Ok(EncodedVideo {
                data,
                keyframe: false,
            });
        }
        fix_profile(&mut data);
        let types: Vec<u8> = nal_units(&data).map(|n| n[0] & 0x1f).collect();
        if types.contains(&NAL_SPS) {
            self.sps_pps = nal_units(&data)
                .filter(|n| matches!(n[0] & 0x1f, NAL_SPS | NAL_PPS))
                .flat_map(|n| [&[0, 0, 0, 1][..], n].concat())
                .collect();
        } else if types.contains(&NAL_IDR) && !self.sps_pps.is_empty() {
            data = [self.sps_pps.as_slice(), data.as_slice()].concat();
        }
        Ok(EncodedVideo { data, keyframe })
    }
}

/// Writes constrained baseline flags and level 3.1 into every SPS (`42 e0 1f`), so the stream
/// matches the SDP (Safari shows black video otherwise). OpenH264's baseline uses none of
/// the tools the constraint flags exclude.
fn fix_profile(data: &mut [u8]) {
    let mut i = 0;
    while i + 4 < data.len() {
        let start3 = data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1;
        if start3 && data[i + 3] & 0x1f == NAL_SPS && i + 6 < data.len() && data[i + 4] == 0x42 {
            data[i + 5] = 0xe0;
            data[i + 6] = 0x1f;
        }
        i += 1;
    }
}

/// The NAL units (without start codes) of an Annex B buffer.
pub fn nal_units(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&s| {
            let mut e = s - 3;
            while e > 0 && data[e - 1] == 0 {
                e -= 1;
            }
            e
        })
        .chain(std::iter::once(data.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .filter(|(s, e)| e > s)
        .map(move |(s, e)| &data[s..e])
}

/// The `profile-level-id` written in the first SPS of a buffer, as six hex digits.
pub fn sps_profile_level_id(data: &[u8]) -> Option<String> {
    nal_units(data)
        .find(|n| n[0] & 0x1f == NAL_SPS && n.len() >= 4)
        .map(|n| format!("{:02x}{:02x}{:02x}", n[1], n[2], n[3]))
}

/// H.264 decoder producing I420 frames.
pub struct H264Decoder {
    decoder: Decoder,
}

impl H264Decoder {
    /// A decoder.
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self {
            decoder: Decoder::new().map_err(MediaError::h264)?,
        })
    }

    /// Decodes one access unit (Annex B); `None` while no picture is complete.
    pub fn decode(&mut self, access_unit: &[u8]) -> Result<Option<VideoFrame>, MediaError> {
        let Some(yuv) = self.decoder.decode(access_unit).map_err(MediaError::h264)? else {
            return Ok(None);
        };
        let (w, h) = yuv.dimensions();
        let (sy, su, sv) = yuv.strides();
        let mut data = Vec::with_capacity(w * h * 3 / 2);
        for row in 0..h {
            data.extend_from_slice(&yuv.y()[row * sy..row * sy + w]);
        }
        for (plane, stride) in [(yuv.u(), su), (yuv.v(), sv)] {
            for row in 0..h / 2 {
                data.extend_from_slice(&plane[row * stride..row * stride + w / 2]);
            }
        }
        VideoFrame::from_i420(w as u32, h as u32, data).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::video_source::{SyntheticVideo, VideoSource};

    #[test]
    fn first_frame_and_forced_frames_are_idr_with_sps_pps_42e01f() {
        let mut source = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        let mut encoder = H264Encoder::new(800_000, 30).unwrap();
        let first = encoder.encode(&source.next_frame().unwrap()).unwrap();
        assert!(first.keyframe);
        assert_eq!(
            sps_profile_level_id(&first.data).as_deref(),
            Some(PROFILE_LEVEL_ID)
        );
        let second = encoder.encode(&source.next_frame().unwrap()).unwrap();
        assert!(!second.keyframe);
        encoder.force_keyframe();
        let forced = encoder.encode(&source.next_frame().unwrap()).unwrap();
        assert!(forced.keyframe);
        let types: Vec<u8> = nal_units(&forced.data).map(|n| n[0] & 0x1f).collect();
        assert_eq!(&types[..2], &[NAL_SPS, NAL_PPS], "{types:?}");
        assert!(types.contains(&NAL_IDR));
    }

    #[test]
    fn nal_units_split_on_3_and_4_byte_start_codes() {
        let data = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4,
        ];
        let units: Vec<&[u8]> = nal_units(&data).collect();
        assert_eq!(
            units,
            vec![&[0x67, 1, 2][..], &[0x68, 3][..], &[0x65, 4][..]]
        );
    }

    #[test]
    fn garbage_is_an_error_or_nothing_not_a_panic() {
        let mut decoder = H264Decoder::new().unwrap();
        let _ = decoder.decode(&[0, 0, 0, 1, 0x65, 0xff, 0x00, 0x12]);
        let _ = decoder.decode(&[]);
    }
}

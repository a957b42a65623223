//! Encode time per 720p frame of the station's two video codecs (H.264 by OpenH264, VP8 by
//! libvpx), on the synthetic pattern at the bitrate of a 720p30 call: the cost of the VP8
//! path taken when the GP's browser has no H.264 (Firefox without OpenH264).
use std::time::Instant;

use relais_media::{SyntheticVideo, VideoCodec, VideoEncoder, VideoFrame, VideoSource};
use serde_json::{json, Value};

use crate::Result;

/// Frames encoded per codec (3 s at 30 fps), after a first keyframe left out.
const FRAMES: usize = 90;
/// Bitrate of the station's 720p30 video.
const BITRATE_BPS: u32 = 2_500_000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn encode_ms(codec: VideoCodec, frames: &[VideoFrame]) -> Result<(f64, f64, usize)> {
    let mut encoder = VideoEncoder::new(codec, BITRATE_BPS, 30)?;
    encoder.encode(&frames[0])?;
    let mut times = Vec::with_capacity(frames.len());
    let mut bytes = 0;
    for frame in &frames[1..] {
        let start = Instant::now();
        let out = encoder.encode(frame)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        bytes += out.data.len();
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    Ok((median(times), mean, bytes))
}

/// The bench entry: `value` = VP8's mean ms per frame; medians, means and bitrates of both.
pub fn encode_720p() -> Result<Value> {
    let mut source = SyntheticVideo::new(1280, 720, 30)?.unpaced();
    let frames = (0..=FRAMES)
        .map(|_| source.next_frame())
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let (h264_median, h264_mean, h264_bytes) = encode_ms(VideoCodec::H264, &frames)?;
    let (vp8_median, vp8_mean, vp8_bytes) = encode_ms(VideoCodec::Vp8, &frames)?;
    let kbps = |bytes: usize| (bytes as f64 * 8.0 / (FRAMES as f64 / 30.0) / 1000.0).round();
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    Ok(json!({
        "value": r2(vp8_mean),
        "unit": "ms",
        "target": "VP8 path; H.264 alongside (informative)",
        "codec": format!("VP8 {:.2} ms vs H.264 {:.2} ms", vp8_mean, h264_mean),
        "frames": FRAMES,
        "target_kbps": BITRATE_BPS / 1000,
        "h264_median_ms": r2(h264_median),
        "h264_mean_ms": r2(h264_mean),
        "h264_kbps": kbps(h264_bytes),
        "vp8_median_ms": r2(vp8_median),
        "vp8_mean_ms": r2(vp8_mean),
        "vp8_kbps": kbps(vp8_bytes),
        "vp8_over_h264": r2(vp8_mean / h264_mean),
    }))
}

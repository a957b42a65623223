//! Prints the H.264 encode and decode time per frame of the synthetic pattern.
//!
//! `cargo run -p relais-media --example h264_speed`
use std::time::{Duration, Instant};

use relais_media::{H264Decoder, H264Encoder, MediaError, SyntheticVideo, VideoSource};

fn main() -> Result<(), MediaError> {
    for (w, h, bitrate) in [(640, 480, 1_000_000), (1280, 720, 2_000_000)] {
        let mut source = SyntheticVideo::new(w, h, 30)?.unpaced();
        let mut encoder = H264Encoder::new(bitrate, 30)?;
        let mut decoder = H264Decoder::new()?;
        let (mut paint, mut enc, mut dec, mut bytes) =
            (Duration::ZERO, Duration::ZERO, Duration::ZERO, 0);
        let n = 90u32;
        for _ in 0..n {
            let t = Instant::now();
            let frame = source.next_frame()?;
            paint += t.elapsed();
            let t = Instant::now();
            let encoded = encoder.encode(&frame)?;
            enc += t.elapsed();
            bytes += encoded.data.len();
            let t = Instant::now();
            decoder.decode(&encoded.data)?;
            dec += t.elapsed();
        }
        println!(
            "{w}x{h}: pattern {:.2} ms, encode {:.2} ms, decode {:.2} ms per frame, {} kbit/s at 30 fps",
            paint.as_secs_f64() * 1000.0 / f64::from(n),
            enc.as_secs_f64() * 1000.0 / f64::from(n),
            dec.as_secs_f64() * 1000.0 / f64::from(n),
            bytes * 8 * 30 / n as usize / 1000
        );
    }
    Ok(())
}

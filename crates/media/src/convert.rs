//! Frames for the station's webview: RGBA pixels and JPEG images.
use jpeg_encoder::{Encoder, ImageBuffer, JpegColorType, SamplingFactor};

use crate::frame::VideoFrame;
use crate::MediaError;

fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// RGBA pixels of a frame (BT.601, limited range), row after row.
pub fn to_rgba(frame: &VideoFrame) -> Vec<u8> {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let (yp, up, vp) = (frame.y(), frame.u(), frame.v());
    let mut out = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        for x in 0..w {
            let c = (y / 2) * (w / 2) + x / 2;
            let yy = 298 * (i32::from(yp[y * w + x]) - 16);
            let (d, e) = (i32::from(up[c]) - 128, i32::from(vp[c]) - 128);
            out.extend_from_slice(&[
                clamp((yy + 409 * e + 128) >> 8),
                clamp((yy - 100 * d - 208 * e + 128) >> 8),
                clamp((yy + 516 * d + 128) >> 8),
                255,
            ]);
        }
    }
    out
}

/// The frame as full-range YCbCr rows for the JPEG encoder, without an RGB round trip.
struct JpegView<'a>(&'a VideoFrame);

impl ImageBuffer for JpegView<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.0.width() as u16
    }

    fn height(&self) -> u16 {
        self.0.height() as u16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let (luma, chroma) = full_range();
        let w = self.0.width() as usize;
        let y = usize::from(y);
        let row = &self.0.y()[y * w..(y + 1) * w];
        buffers[0].extend(row.iter().map(|&v| luma[usize::from(v)]));
        let c = (y / 2) * (w / 2);
        for (plane, buffer) in [self.0.u(), self.0.v()].into_iter().zip(&mut buffers[1..3]) {
            for &v in &plane[c..c + w / 2] {
                let v = chroma[usize::from(v)];
                buffer.extend_from_slice(&[v, v]);
            }
        }
    }
}

/// Limited-range (video) to full-range (JPEG) tables for luma and chroma, built once.
fn full_range() -> &'static ([u8; 256], [u8; 256]) {
    static TABLES: std::sync::OnceLock<([u8; 256], [u8; 256])> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut luma = [0u8; 256];
        let mut chroma = [0u8; 256];
        for v in 0..256usize {
            let s = v as i32;
            luma[v] = clamp((s - 16) * 255 / 219);
            chroma[v] = clamp((s - 128) * 255 / 224 + 128);
        }
        (luma, chroma)
    })
}

/// A JPEG image of the frame (`quality` 1..=100), 4:2:0 like the source.
pub fn to_jpeg(frame: &VideoFrame, quality: u8) -> Result<Vec<u8>, MediaError> {
    if frame.width() > u32::from(u16::MAX) || frame.height() > u32::from(u16::MAX) {
        return Err(MediaError::BadFrame("trop grande pour JPEG".into()));
    }
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder
        .encode_image(JpegView(frame))
        .map_err(|e| MediaError::Codec {
            codec: "jpeg",
            detail: e.to_string(),
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern;

    #[test]
    fn rgba_keeps_the_pattern_readable() {
        let mut f = VideoFrame::black(640, 480).unwrap();
        pattern::paint(&mut f, 0xBEEF, 0x0102);
        let rgba = to_rgba(&f);
        assert_eq!(rgba.len(), 640 * 480 * 4);
        // 0xBEEF starts with bit 1: the top-left block is white.
        assert_eq!(&rgba[..4], &[255, 255, 255, 255]);
        assert_eq!(pattern::read_rgba(&rgba, 640, 480), Some((0xBEEF, 0x0102)));
    }

    #[test]
    fn jpeg_has_markers() {
        let mut f = VideoFrame::black(320, 240).unwrap();
        pattern::paint(&mut f, 1, 2);
        let jpeg = to_jpeg(&f, 80).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
    }

    #[test]
    fn jpeg_decodes_to_the_same_picture_in_full_range() {
        let mut f = VideoFrame::black(640, 480).unwrap();
        pattern::paint(&mut f, 0xBEEF, 0x0102);
        let jpeg = to_jpeg(&f, 75).unwrap();
        let mut decoder = zune_jpeg::JpegDecoder::new(&jpeg);
        let rgb = decoder.decode().unwrap();
        assert_eq!(decoder.dimensions(), Some((640, 480)));
        let rgba: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        assert_eq!(pattern::read_rgba(&rgba, 640, 480), Some((0xBEEF, 0x0102)));
        // Video white (Y 235) is JPEG white, video black (Y 16) JPEG black, grey stays grey.
        let at = |x: usize, y: usize| &rgba[(y * 640 + x) * 4..(y * 640 + x) * 4 + 3];
        assert!(at(20, 20).iter().all(|&c| c >= 250), "{:?}", at(20, 20));
        assert!(at(60, 20).iter().all(|&c| c <= 5), "{:?}", at(60, 20));
    }
}

/// A frame from packed RGB pixels (BT.601, limited range); odd dimensions are cropped to even.
pub fn from_rgb(rgb: &[u8], width: u32, height: u32) -> Result<VideoFrame, MediaError> {
    let (sw, w, h) = (
        width as usize,
        (width & !1) as usize,
        (height & !1) as usize,
    );
    if rgb.len() < sw * height as usize * 3 {
        return Err(MediaError::BadFrame(format!(
            "{} octets RGB pour {width}x{height}",
            rgb.len()
        )));
    }
    let mut frame = VideoFrame::black(w as u32, h as u32)?;
    let (yp, up, vp) = frame.planes_mut();
    let px = |x: usize, y: usize| {
        let i = (y * sw + x) * 3;
        (
            i32::from(rgb[i]),
            i32::from(rgb[i + 1]),
            i32::from(rgb[i + 2]),
        )
    };
    for y in 0..h {
        for x in 0..w {
            let (r, g, b) = px(x, y);
            yp[y * w + x] = clamp(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
        }
    }
    for cy in 0..h / 2 {
        for cx in 0..w / 2 {
            let (mut r, mut g, mut b) = (0, 0, 0);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (pr, pg, pb) = px(cx * 2 + dx, cy * 2 + dy);
                (r, g, b) = (r + pr, g + pg, b + pb);
            }
            let (r, g, b) = (r / 4, g / 4, b / 4);
            up[cy * (w / 2) + cx] = clamp(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
            vp[cy * (w / 2) + cx] = clamp(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
        }
    }
    Ok(frame)
}

#[cfg(test)]
mod rgb_tests {
    use super::*;

    #[test]
    fn rgb_round_trip_is_close() {
        let rgb: Vec<u8> = (0..(6 * 4))
            .flat_map(|i| [200u8, 30, (i * 10) as u8])
            .collect();
        let frame = from_rgb(&rgb, 6, 4).unwrap();
        let back = to_rgba(&frame);
        assert!((i32::from(back[0]) - 200).abs() < 12, "{}", back[0]);
        assert!((i32::from(back[1]) - 30).abs() < 12, "{}", back[1]);
        assert!(from_rgb(&rgb, 7, 5).is_err());
    }
}

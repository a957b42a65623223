//! The frame-counter test pattern, shared with the GP console's test page.
//!
//! Block size `b = width / 16`. Row 0 (`y` in `[0, b)`): 16 blocks, block `i` (`x` in
//! `[i*b, (i+1)*b)`) shows bit `15 - i` of the frame counter (MSB first), white (Y=235) for 1,
//! black (Y=16) for 0. Row 1 (`y` in `[b, 2b)`): the same for the capture time in Unix
//! milliseconds modulo 65536. Chroma is neutral in both rows. Below: a moving textured
//! pattern, so the encoder has real work.
use crate::frame::{VideoFrame, BLACK_Y, NEUTRAL_C, WHITE_Y};

/// Number of bits (blocks) in a row.
pub const BITS: u32 = 16;

/// Lowest and highest sample values accepted as black and white in YUV (compression drift).
const Y_BLACK_MAX: u8 = 80;
const Y_WHITE_MIN: u8 = 170;
/// The same in RGB.
const RGB_BLACK_MAX: u8 = 70;
const RGB_WHITE_MIN: u8 = 185;

/// Block size in pixels for a frame width.
pub fn block_size(width: u32) -> u32 {
    width / BITS
}

/// Paints the two code rows and the moving pattern; stamps nothing else.
pub fn paint(frame: &mut VideoFrame, counter: u16, millis: u16) {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let b = block_size(frame.width()) as usize;
    let code_rows = (2 * b).min(h);
    let t = usize::from(counter);
    let (y_plane, u_plane, v_plane) = frame.planes_mut();
    // Code rows: one row per value, copied down the block height.
    for (row_index, value) in [counter, millis].into_iter().enumerate() {
        let rows = (row_index * b).min(code_rows)..((row_index + 1) * b).min(code_rows);
        let Some(first) = rows.clone().next() else {
            continue;
        };
        let row = &mut y_plane[first * w..(first + 1) * w];
        row.fill(BLACK_Y);
        for bit in 0..BITS as usize {
            if (value >> (15 - bit)) & 1 == 1 && (bit + 1) * b <= w {
                row[bit * b..(bit + 1) * b].fill(WHITE_Y);
            }
        }
        for y in rows.skip(1) {
            y_plane.copy_within(first * w..(first + 1) * w, y * w);
        }
    }
    // Below: a checker moving right and down over a horizontal gradient, with fine texture.
    // Two templates (the two checker phases), each row is a copy of one of them.
    let shift = (t * 4) % 48;
    let template = |phase: usize| -> Vec<u8> {
        (0..w)
            .map(|x| {
                let xx = x + shift;
                let checker = ((xx / 24) + phase) % 2;
                let gradient = (x * 80) / w.max(1);
                (40 + checker * 100 + gradient + ((xx * 7) & 15)) as u8
            })
            .collect()
    };
    let templates = [template(0), template(1)];
    for y in code_rows..h {
        let phase = ((y + t * 2) / 24) % 2;
        y_plane[y * w..(y + 1) * w].copy_from_slice(&templates[phase]);
    }
    let (cw, ch) = (w / 2, h / 2);
    let chroma_code_rows = code_rows.div_ceil(2).min(ch);
    u_plane[..chroma_code_rows * cw].fill(NEUTRAL_C);
    v_plane[..chroma_code_rows * cw].fill(NEUTRAL_C);
    let u_template: Vec<u8> = (0..cw).map(|x| (96 + ((x + t) % 64)) as u8).collect();
    for y in chroma_code_rows..ch {
        u_plane[y * cw..(y + 1) * cw].copy_from_slice(&u_template);
        v_plane[y * cw..(y + 1) * cw].fill((96 + ((y + t) % 64)) as u8);
    }
}

/// Reads the counter and the milliseconds back from a decoded frame.
///
/// Samples the centre of each block; `None` when a sample is neither clearly black nor
/// clearly white, or when the frame is too small to carry the code.
pub fn read(frame: &VideoFrame) -> Option<(u16, u16)> {
    let w = frame.width() as usize;
    let y_plane = frame.y();
    read_with(frame.width(), frame.height(), |x, y| {
        let v = y_plane[y * w + x];
        classify(v, Y_BLACK_MAX, Y_WHITE_MIN)
    })
}

/// The same as [`read`], on an RGBA buffer (as read from a canvas).
pub fn read_rgba(rgba: &[u8], width: u32, height: u32) -> Option<(u16, u16)> {
    if rgba.len() < width as usize * height as usize * 4 {
        return None;
    }
    let w = width as usize;
    read_with(width, height, |x, y| {
        let i = (y * w + x) * 4;
        let avg = (u16::from(rgba[i]) + u16::from(rgba[i + 1]) + u16::from(rgba[i + 2])) / 3;
        classify(avg as u8, RGB_BLACK_MAX, RGB_WHITE_MIN)
    })
}

fn classify(v: u8, black_max: u8, white_min: u8) -> Option<bool> {
    if v <= black_max {
        Some(false)
    } else if v >= white_min {
        Some(true)
    } else {
        None
    }
}

fn read_with(
    width: u32,
    height: u32,
    bit_at: impl Fn(usize, usize) -> Option<bool>,
) -> Option<(u16, u16)> {
    let b = block_size(width) as usize;
    if b < 2 || (2 * b) > height as usize {
        return None;
    }
    let mut values = [0u16; 2];
    for (row, value) in values.iter_mut().enumerate() {
        let cy = row * b + b / 2;
        for i in 0..BITS as usize {
            let cx = i * b + b / 2;
            if bit_at(cx, cy)? {
                *value |= 1 << (15 - i);
            }
        }
    }
    Some((values[0], values[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_size_follows_the_width() {
        assert_eq!(block_size(640), 40);
        assert_eq!(block_size(1280), 80);
    }

    #[test]
    fn paint_then_read_gives_the_values_back() {
        for (w, h) in [(640, 480), (1280, 720), (320, 240)] {
            let mut f = VideoFrame::black(w, h).unwrap();
            for (c, m) in [(0u16, 0u16), (1, 65535), (0xA5C3, 0x1234), (65535, 7)] {
                paint(&mut f, c, m);
                assert_eq!(read(&f), Some((c, m)), "{w}x{h}");
            }
        }
    }

    #[test]
    fn bit_layout_is_msb_first_white_for_one() {
        let mut f = VideoFrame::black(640, 480).unwrap();
        paint(&mut f, 0x8000, 0x0001);
        assert_eq!(f.y()[20 * 640 + 20], WHITE_Y, "block 0 of row 0 = bit 15");
        assert_eq!(f.y()[20 * 640 + 60], BLACK_Y);
        assert_eq!(
            f.y()[60 * 640 + 15 * 40 + 20],
            WHITE_Y,
            "block 15 of row 1 = bit 0"
        );
        assert_eq!(f.u()[10 * 320 + 10], NEUTRAL_C);
    }

    #[test]
    fn a_frame_without_the_code_reads_none() {
        let mut f = VideoFrame::black(640, 480).unwrap();
        paint(&mut f, 3, 3);
        let (y, _, _) = f.planes_mut();
        y[20 * 640 + 100] = 128;
        assert_eq!(read(&f), None);
        assert_eq!(read(&VideoFrame::black(16, 16).unwrap()), None);
    }

    #[test]
    fn reads_rgba_like_a_canvas() {
        let (w, h) = (640u32, 480u32);
        let mut rgba = vec![0u8; (w * h * 4) as usize];
        let (c, m) = (0x0F0Fu16, 0xF00Du16);
        for y in 0..h as usize {
            for x in 0..w as usize {
                let b = 40;
                let value = if y < b { c } else { m };
                let on = y < 2 * b && (value >> (15 - x / b)) & 1 == 1;
                let v = if on { 255 } else { 0 };
                rgba[(y * w as usize + x) * 4..][..4].copy_from_slice(&[v, v, v, 255]);
            }
        }
        assert_eq!(read_rgba(&rgba, w, h), Some((c, m)));
        assert_eq!(read_rgba(&rgba[..10], w, h), None);
    }
}

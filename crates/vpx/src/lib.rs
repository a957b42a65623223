//! VP8 through the system libvpx, behind a small safe API: [`Vp8Encoder`] (real-time
//! settings chosen by the caller in [`EncoderSettings`]) and [`Vp8Decoder`], both on packed
//! I420 buffers.
//!
//! This is the only crate of the workspace allowed `unsafe`: every block calls libvpx on a
//! context this crate initialised and owns, and says which invariant makes it sound.
use std::ffi::{c_int, c_uint, c_ulong, CStr};
use std::mem::MaybeUninit;

use vpx_sys as sys;

/// A libvpx call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("libvpx : {what} a échoué ({detail})")]
pub struct VpxError {
    /// The operation (`init`, `encode`, `decode`, `control`…).
    pub what: &'static str,
    /// libvpx's message.
    pub detail: String,
}

impl VpxError {
    fn new(what: &'static str, detail: impl Into<String>) -> Self {
        Self {
            what,
            detail: detail.into(),
        }
    }
}

/// The message of a context's last error.
fn context_error(ctx: &mut sys::vpx_codec_ctx_t, what: &'static str) -> VpxError {
    // SAFETY: `ctx` is an initialised context (or a zeroed one whose init failed, for which
    // libvpx documents vpx_codec_error as returning a static string); the returned pointer is
    // a NUL-terminated string owned by libvpx, copied before any other call.
    let detail = unsafe {
        let message = sys::vpx_codec_error(ctx);
        if message.is_null() {
            String::from("erreur inconnue")
        } else {
            CStr::from_ptr(message).to_string_lossy().into_owned()
        }
    };
    VpxError::new(what, detail)
}

fn check(
    ctx: &mut sys::vpx_codec_ctx_t,
    result: sys::vpx_codec_err_t,
    what: &'static str,
) -> Result<(), VpxError> {
    if result == sys::vpx_codec_err_t::VPX_CODEC_OK {
        Ok(())
    } else {
        Err(context_error(ctx, what))
    }
}

/// Size of a packed I420 buffer (chroma planes rounded up).
pub fn i420_len(width: u32, height: u32) -> usize {
    let (w, h) = (width as usize, height as usize);
    w * h + 2 * w.div_ceil(2) * h.div_ceil(2)
}

/// Settings of a real-time VP8 encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderSettings {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second (the time base is 1/fps: one pts per frame).
    pub fps: u32,
    /// Constant target bitrate, kbit/s.
    pub bitrate_kbps: u32,
    /// Encoder threads.
    pub threads: u32,
    /// `VP8E_SET_CPUUSED`: -16..16; negative = this fixed speed.
    pub cpu_used: i32,
    /// `VP8E_SET_MAX_INTRA_BITRATE_PCT`: cap of a keyframe, in % of an average frame (0 = none).
    pub max_intra_bitrate_pct: u32,
    /// At most this many frames between keyframes.
    pub keyframe_max_distance: u32,
}

/// One compressed VP8 frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedFrame {
    /// The frame, as sent in RTP (RFC 7741) after the payload descriptor.
    pub data: Vec<u8>,
    /// A keyframe.
    pub keyframe: bool,
}

/// A real-time VP8 encoder (one-pass CBR, error resilient, no lag, no frame dropping).
pub struct Vp8Encoder {
    // Boxed: libvpx keeps internal pointers relative to the context's address.
    ctx: Box<sys::vpx_codec_ctx_t>,
    settings: EncoderSettings,
}

// SAFETY: a libvpx encoder context is not tied to the thread that created it; every call
// goes through `&mut self`, so it is never used from two threads at once.
unsafe impl Send for Vp8Encoder {}

impl Vp8Encoder {
    /// Opens an encoder.
    pub fn new(settings: EncoderSettings) -> Result<Self, VpxError> {
        let EncoderSettings {
            width, height, fps, ..
        } = settings;
        if width == 0 || height == 0 || width > 16_383 || height > 16_383 || fps == 0 {
            return Err(VpxError::new(
                "init",
                format!("{width}x{height} à {fps} images/s"),
            ));
        }
        let mut cfg = MaybeUninit::<sys::vpx_codec_enc_cfg_t>::zeroed();
        // SAFETY: vpx_codec_vp8_cx returns a static interface; vpx_codec_enc_config_default
        // fills the whole configuration it is given (a properly sized, writable struct).
        let result = unsafe {
            sys::vpx_codec_enc_config_default(sys::vpx_codec_vp8_cx(), cfg.as_mut_ptr(), 0)
        };
        if result != sys::vpx_codec_err_t::VPX_CODEC_OK {
            return Err(VpxError::new("config", format!("{result:?}")));
        }
        // SAFETY: initialised by vpx_codec_enc_config_default just above (checked OK).
        let mut cfg = unsafe { cfg.assume_init() };
        cfg.g_w = width;
        cfg.g_h = height;
        cfg.g_timebase = sys::vpx_rational {
            num: 1,
            den: fps as c_int,
        };
        cfg.g_threads = settings.threads.max(1);
        cfg.g_error_resilient = sys::VPX_ERROR_RESILIENT_DEFAULT;
        cfg.g_pass = sys::vpx_enc_pass::VPX_RC_ONE_PASS;
        cfg.g_lag_in_frames = 0;
        cfg.rc_end_usage = sys::vpx_rc_mode::VPX_CBR;
        cfg.rc_target_bitrate = settings.bitrate_kbps.max(1);
        cfg.rc_dropframe_thresh = 0;
        cfg.rc_resize_allowed = 0;
        cfg.rc_min_quantizer = 2;
        cfg.rc_max_quantizer = 56;
        cfg.rc_undershoot_pct = 100;
        cfg.rc_overshoot_pct = 15;
        cfg.rc_buf_sz = 1000;
        cfg.rc_buf_initial_sz = 500;
        cfg.rc_buf_optimal_sz = 600;
        cfg.kf_mode = sys::vpx_kf_mode::VPX_KF_AUTO;
        cfg.kf_min_dist = 0;
        cfg.kf_max_dist = settings.keyframe_max_distance.max(1);

        // SAFETY: an all-zero context is the documented "not yet initialised" state.
        let mut ctx: Box<sys::vpx_codec_ctx_t> =
            Box::new(unsafe { MaybeUninit::zeroed().assume_init() });
        // SAFETY: `ctx` is a zeroed, boxed (address-stable) context; `cfg` is a complete
        // configuration that outlives the call; the ABI version is the one of the bindings,
        // generated from the same libvpx version pkg-config found.
        let result = unsafe {
            sys::vpx_codec_enc_init_ver(
                ctx.as_mut(),
                sys::vpx_codec_vp8_cx(),
                &cfg,
                0,
                sys::VPX_ENCODER_ABI_VERSION as c_int,
            )
        };
        check(ctx.as_mut(), result, "init")?;
        let mut encoder = Self { ctx, settings };
        encoder.control(
            sys::vp8e_enc_control_id::VP8E_SET_CPUUSED as c_int,
            settings.cpu_used,
        )?;
        encoder.control(
            sys::vp8e_enc_control_id::VP8E_SET_MAX_INTRA_BITRATE_PCT as c_int,
            settings.max_intra_bitrate_pct as c_int,
        )?;
        // Static background threshold and no noise reduction: camera-like real-time content.
        encoder.control(
            sys::vp8e_enc_control_id::VP8E_SET_STATIC_THRESHOLD as c_int,
            1,
        )?;
        encoder.control(
            sys::vp8e_enc_control_id::VP8E_SET_NOISE_SENSITIVITY as c_int,
            0,
        )?;
        Ok(encoder)
    }

    /// The settings it was opened with.
    pub fn settings(&self) -> EncoderSettings {
        self.settings
    }

    fn control(&mut self, id: c_int, value: c_int) -> Result<(), VpxError> {
        // SAFETY: the context is initialised; every control used here takes an `int`
        // argument (vp8cx.h: VP8E_SET_CPUUSED, MAX_INTRA_BITRATE_PCT, STATIC_THRESHOLD,
        // NOISE_SENSITIVITY), which is what the variadic call passes.
        let result = unsafe { sys::vpx_codec_control_(self.ctx.as_mut(), id, value) };
        check(self.ctx.as_mut(), result, "control")
    }

    /// Encodes one packed I420 frame of the configured size; `keyframe` forces one.
    pub fn encode(
        &mut self,
        i420: &[u8],
        pts: i64,
        keyframe: bool,
    ) -> Result<Vec<EncodedFrame>, VpxError> {
        let (width, height) = (self.settings.width, self.settings.height);
        if i420.len() != i420_len(width, height) {
            return Err(VpxError::new(
                "encode",
                format!("{} octets pour {width}x{height}", i420.len()),
            ));
        }
        let mut image = MaybeUninit::<sys::vpx_image_t>::zeroed();
        // SAFETY: vpx_img_wrap only describes the caller's buffer (no copy, no ownership):
        // `i420` has exactly the I420 size of width x height (checked above) and stays
        // borrowed, unmodified, until vpx_codec_encode below returns; libvpx only reads it.
        let wrapped = unsafe {
            sys::vpx_img_wrap(
                image.as_mut_ptr(),
                sys::vpx_img_fmt::VPX_IMG_FMT_I420,
                width as c_uint,
                height as c_uint,
                1,
                i420.as_ptr().cast_mut(),
            )
        };
        if wrapped.is_null() {
            return Err(VpxError::new("encode", "image refusée"));
        }
        let flags = if keyframe {
            sys::VPX_EFLAG_FORCE_KF as sys::vpx_enc_frame_flags_t
        } else {
            0
        };
        // SAFETY: the context is initialised; `wrapped` points to `image`, filled by
        // vpx_img_wrap, describing `i420` which outlives the call.
        let result = unsafe {
            sys::vpx_codec_encode(
                self.ctx.as_mut(),
                wrapped,
                pts,
                1,
                flags,
                sys::VPX_DL_REALTIME as c_ulong,
            )
        };
        check(self.ctx.as_mut(), result, "encode")?;
        let mut frames = Vec::new();
        let mut iter: sys::vpx_codec_iter_t = std::ptr::null();
        loop {
            // SAFETY: the context is initialised and `iter` starts null, as the iteration
            // protocol requires; the packet returned stays valid until the next call on the
            // context, and is copied out before it.
            let packet = unsafe { sys::vpx_codec_get_cx_data(self.ctx.as_mut(), &mut iter) };
            // SAFETY: non-null packets returned by libvpx are valid for reading (see above).
            let Some(packet) = (unsafe { packet.as_ref() }) else {
                break;
            };
            if packet.kind != sys::vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                continue;
            }
            // SAFETY: for VPX_CODEC_CX_FRAME_PKT the `frame` member of the union is the one
            // libvpx wrote; `buf` holds `sz` readable bytes until the next call.
            let frame = unsafe { packet.data.frame };
            let size = usize::try_from(frame.sz).unwrap_or(0);
            if frame.buf.is_null() || size == 0 {
                continue;
            }
            // SAFETY: see above: `buf` is valid for `sz` bytes.
            let data = unsafe { std::slice::from_raw_parts(frame.buf as *const u8, size) };
            frames.push(EncodedFrame {
                data: data.to_vec(),
                keyframe: frame.flags & sys::VPX_FRAME_IS_KEY != 0,
            });
        }
        Ok(frames)
    }
}

impl Drop for Vp8Encoder {
    fn drop(&mut self) {
        // SAFETY: the context was initialised in `new` (a failed init never builds a
        // Vp8Encoder) and is destroyed exactly once, here.
        unsafe {
            sys::vpx_codec_destroy(self.ctx.as_mut());
        }
    }
}

/// A decoded picture, packed I420 (Y, then U, then V; chroma sizes rounded up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The I420 bytes ([`i420_len`] of the size).
    pub data: Vec<u8>,
}

/// A VP8 decoder.
pub struct Vp8Decoder {
    ctx: Box<sys::vpx_codec_ctx_t>,
}

// SAFETY: as for the encoder: a decoder context is not tied to a thread and every call goes
// through `&mut self`.
unsafe impl Send for Vp8Decoder {}

impl Vp8Decoder {
    /// Opens a decoder (one thread).
    pub fn new() -> Result<Self, VpxError> {
        let cfg = sys::vpx_codec_dec_cfg_t {
            threads: 1,
            w: 0,
            h: 0,
        };
        // SAFETY: an all-zero context is the documented "not yet initialised" state.
        let mut ctx: Box<sys::vpx_codec_ctx_t> =
            Box::new(unsafe { MaybeUninit::zeroed().assume_init() });
        // SAFETY: zeroed boxed context, a complete configuration living through the call,
        // the static VP8 decoder interface and the bindings' ABI version.
        let result = unsafe {
            sys::vpx_codec_dec_init_ver(
                ctx.as_mut(),
                sys::vpx_codec_vp8_dx(),
                &cfg,
                0,
                sys::VPX_DECODER_ABI_VERSION as c_int,
            )
        };
        check(ctx.as_mut(), result, "init")?;
        Ok(Self { ctx })
    }

    /// Decodes one frame; the last picture it produced (`None`: nothing to show).
    pub fn decode(&mut self, frame: &[u8]) -> Result<Option<Picture>, VpxError> {
        if frame.is_empty() {
            return Ok(None);
        }
        let len = c_uint::try_from(frame.len())
            .map_err(|_| VpxError::new("decode", "trame trop grande"))?;
        // SAFETY: the context is initialised; `frame` is readable for `len` bytes during the
        // call (libvpx copies what it keeps); no user data, no deadline.
        let result = unsafe {
            sys::vpx_codec_decode(
                self.ctx.as_mut(),
                frame.as_ptr(),
                len,
                std::ptr::null_mut(),
                0,
            )
        };
        check(self.ctx.as_mut(), result, "decode")?;
        let mut picture = None;
        let mut iter: sys::vpx_codec_iter_t = std::ptr::null();
        loop {
            // SAFETY: initialised context, `iter` starting null; the image stays valid until
            // the next decode call on this context, and is copied out before it.
            let image = unsafe { sys::vpx_codec_get_frame(self.ctx.as_mut(), &mut iter) };
            // SAFETY: a non-null image returned by libvpx is valid for reading (see above).
            let Some(image) = (unsafe { image.as_ref() }) else {
                break;
            };
            picture = Some(copy_i420(image)?);
        }
        Ok(picture)
    }
}

/// Copies a decoded 8-bit I420 image into a packed buffer.
fn copy_i420(image: &sys::vpx_image_t) -> Result<Picture, VpxError> {
    if image.fmt != sys::vpx_img_fmt::VPX_IMG_FMT_I420 {
        return Err(VpxError::new("decode", format!("format {:?}", image.fmt)));
    }
    let (width, height) = (image.d_w as usize, image.d_h as usize);
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    let mut data = Vec::with_capacity(i420_len(image.d_w, image.d_h));
    for (plane, w, h) in [(0, width, height), (1, cw, ch), (2, cw, ch)] {
        let stride = usize::try_from(image.stride[plane])
            .map_err(|_| VpxError::new("decode", "pas négatif"))?;
        let base = image.planes[plane];
        if base.is_null() || stride < w {
            return Err(VpxError::new("decode", "plan d'image invalide"));
        }
        for row in 0..h {
            // SAFETY: libvpx's I420 image has `h` rows of at least `w` bytes in plane
            // `plane`, `stride` bytes apart (stride >= w, checked), valid until the next
            // decode call; the row is copied at once.
            let line = unsafe { std::slice::from_raw_parts(base.add(row * stride), w) };
            data.extend_from_slice(line);
        }
    }
    Ok(Picture {
        width: image.d_w,
        height: image.d_h,
        data,
    })
}

impl Drop for Vp8Decoder {
    fn drop(&mut self) {
        // SAFETY: initialised in `new` (a failed init never builds a decoder), destroyed once.
        unsafe {
            sys::vpx_codec_destroy(self.ctx.as_mut());
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn settings(width: u32, height: u32) -> EncoderSettings {
        EncoderSettings {
            width,
            height,
            fps: 30,
            bitrate_kbps: 800,
            threads: 1,
            cpu_used: -8,
            max_intra_bitrate_pct: 300,
            keyframe_max_distance: 120,
        }
    }

    /// A gray frame with a white square at `x`.
    fn frame(width: u32, height: u32, x: usize) -> Vec<u8> {
        let mut data = vec![128u8; i420_len(width, height)];
        let w = width as usize;
        for row in 16..48 {
            data[row * w + x..row * w + x + 32].fill(235);
        }
        data
    }

    #[test]
    fn encodes_and_decodes_a_moving_square() {
        let mut encoder = Vp8Encoder::new(settings(320, 240)).unwrap();
        let mut decoder = Vp8Decoder::new().unwrap();
        for i in 0..10 {
            let frames = encoder
                .encode(&frame(320, 240, i * 8), i as i64, false)
                .unwrap();
            assert_eq!(frames.len(), 1);
            assert_eq!(frames[0].keyframe, i == 0);
            let picture = decoder.decode(&frames[0].data).unwrap().unwrap();
            assert_eq!((picture.width, picture.height), (320, 240));
            // Inside the square: white; beside it: gray.
            let y = &picture.data;
            assert!(y[32 * 320 + i * 8 + 16] > 200, "frame {i}");
            assert!((y[100 * 320 + 160] as i32 - 128).abs() < 20);
        }
    }

    #[test]
    fn forced_keyframes_and_wrong_sizes() {
        let mut encoder = Vp8Encoder::new(settings(64, 48)).unwrap();
        assert!(encoder.encode(&frame(64, 48, 0), 0, false).unwrap()[0].keyframe);
        assert!(!encoder.encode(&frame(64, 48, 8), 1, false).unwrap()[0].keyframe);
        assert!(encoder.encode(&frame(64, 48, 16), 2, true).unwrap()[0].keyframe);
        assert!(encoder.encode(&[0; 10], 3, false).is_err());
        assert!(Vp8Encoder::new(settings(0, 48)).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_crash() {
        let mut decoder = Vp8Decoder::new().unwrap();
        assert!(decoder
            .decode(&[0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0xff])
            .is_err());
        assert_eq!(decoder.decode(&[]).unwrap(), None);
    }
}

//! Media of the Relais station: capture, codecs and test sources.
//!
//! - Video: [`VideoFrame`] (I420), the [`VideoSource`] trait, [`SyntheticVideo`] (a moving
//!   pattern carrying a frame counter, see [`pattern`]) and [`Camera`] (feature `camera`).
//! - Audio: 48 kHz mono `i16` in 20 ms chunks, [`AudioSource`] / [`AudioSink`],
//!   [`ToneSource`] and [`tone::level`], [`Microphone`] / [`Speaker`] (feature `audio-device`).
//! - Codecs: [`H264Encoder`] / [`H264Decoder`] (OpenH264, constrained baseline 42e01f),
//!   [`Vp8Encoder`] / [`Vp8Decoder`] (libvpx, for browsers without H.264), both behind
//!   [`VideoEncoder`] / [`VideoDecoders`]; [`OpusEncoder`] / [`OpusDecoder`], and
//!   [`VoiceStream`] for the far side's voice (losses filled, late packets dropped);
//!   [`convert`] turns frames into RGBA or JPEG for the UI.
//!
//! Nothing here knows WebRTC: `relais-rtc` carries these frames and packets.
#![forbid(unsafe_code)]

pub mod audio;
pub mod audio_device;
pub mod camera;
mod capture;
pub mod convert;
mod error;
pub mod frame;
pub mod h264;
pub mod meter;
pub mod opus_codec;
pub mod pattern;
pub mod steth_input;
pub mod switch;
pub mod synthetic_cameras;
pub mod tone;
pub mod video_codec;
pub mod video_source;
pub mod voice_stream;
pub mod vp8;
pub mod wav;

pub use audio::{AudioSink, AudioSource, MemorySink, CHUNK_DURATION, CHUNK_SAMPLES, SAMPLE_RATE};
pub use audio_device::{list_microphones, list_speakers, Microphone, Speaker};
pub use camera::{list_cameras, Camera, CameraInfo};
pub use error::MediaError;
pub use frame::{VideoFormat, VideoFrame};
pub use h264::{EncodedVideo, H264Decoder, H264Encoder};
pub use opus_codec::{OpusDecoder, OpusEncoder};
pub use switch::{SwitchFailure, SwitchedVideo, VideoSwitch};
pub use tone::ToneSource;
pub use video_codec::{EncoderBackend, EncoderDriver, VideoCodec, VideoDecoders, VideoEncoder};
pub use video_source::{SyntheticVideo, VideoSource};
pub use voice_stream::{VoiceStats, VoiceStream};
pub use vp8::{Vp8Decoder, Vp8Encoder};

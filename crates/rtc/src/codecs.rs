//! The station's video codecs on the wire: H.264 (preferred) and VP8 in every offer; the one
//! the GP's browser accepted is the one sent; either is received.
//!
//! Chromium answers H.264 and keeps it. Firefox without its OpenH264 plug-in (blocked
//! downloads, as on many hospital networks) answers VP8 only: the station then switches its
//! sender's track to VP8 before applying the answer (so the interceptors bind the VP8 stream),
//! its encoder to libvpx, and packetises VP8 itself (the bound track's packetiser is H.264's).
//! Received video is routed by payload type to the right depacketiser and decoder.
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use relais_media::VideoCodec;
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_H264, MIME_TYPE_VP8};
use rtc::rtp::codec::vp8::{Vp8Packet, Vp8Payloader};
use rtc::rtp::packetizer::{Depacketizer, Packetizer};
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind,
};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::peer_connection::MediaEngine;
use webrtc::rtp_transceiver::RtpSender;

use crate::assemble::{AccessUnitAssembler, Pushed};
use crate::RtcError;

/// Payload type offered for H.264.
pub const PT_H264: u8 = 102;
/// Payload type offered for VP8.
pub const PT_VP8: u8 = 96;
/// Largest RTP packet written (as the sample track does).
const MTU: usize = 1200;

fn feedback(typ: &str, parameter: &str) -> RTCPFeedback {
    RTCPFeedback {
        typ: typ.to_owned(),
        parameter: parameter.to_owned(),
    }
}

fn video_feedback() -> Vec<RTCPFeedback> {
    vec![
        feedback("goog-remb", ""),
        feedback("ccm", "fir"),
        feedback("nack", ""),
        feedback("nack", "pli"),
    ]
}

/// H.264 constrained baseline, packetization-mode 1, with NACK, PLI, FIR and REMB.
pub fn h264_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_H264.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: relais_media::h264::SDP_FMTP.to_owned(),
        rtcp_feedback: video_feedback(),
    }
}

/// VP8 with NACK, PLI, FIR and REMB.
pub fn vp8_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_VP8.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: video_feedback(),
    }
}

/// The RTP codec of a video codec.
pub fn rtp_codec(codec: VideoCodec) -> RTCRtpCodec {
    match codec {
        VideoCodec::H264 => h264_codec(),
        VideoCodec::Vp8 => vp8_codec(),
    }
}

/// Registers the video codecs, H.264 first: the offer lists them in this order of preference;
/// and the playout-delay extension (`playout_delay`).
pub fn register_video(media_engine: &mut MediaEngine) -> Result<(), RtcError> {
    for (rtp_codec, payload_type) in [(h264_codec(), PT_H264), (vp8_codec(), PT_VP8)] {
        media_engine.register_codec(
            RTCRtpCodecParameters {
                rtp_codec,
                payload_type,
            },
            RtpCodecKind::Video,
        )?;
    }
    crate::playout_delay::register(media_engine)
}

/// The video codec of an RTP codec's MIME type (`video/VP8`, `video/H264`).
pub fn codec_of_mime(mime: &str) -> Option<VideoCodec> {
    if mime.eq_ignore_ascii_case(MIME_TYPE_VP8) {
        Some(VideoCodec::Vp8)
    } else if mime.eq_ignore_ascii_case(MIME_TYPE_H264) {
        Some(VideoCodec::H264)
    } else {
        None
    }
}

/// The codec of a payload type we offered.
pub fn codec_of_payload_type(payload_type: u8) -> Option<VideoCodec> {
    match payload_type {
        PT_H264 => Some(VideoCodec::H264),
        PT_VP8 => Some(VideoCodec::Vp8),
        _ => None,
    }
}

/// The video codec an SDP (the GP's answer) chose: the first of its video formats that is
/// H.264 or VP8. `None` without a video section or without either codec.
pub fn chosen_video_codec(sdp: &str) -> Option<VideoCodec> {
    let mut in_video = false;
    let mut formats: Vec<&str> = Vec::new();
    let mut names: Vec<(&str, &str)> = Vec::new();
    for line in sdp.lines().map(str::trim) {
        if let Some(media) = line.strip_prefix("m=") {
            if in_video {
                break;
            }
            let mut parts = media.split_whitespace();
            in_video = parts.next() == Some("video");
            if in_video {
                // m=video <port> <proto> <fmt>...; port 0 = rejected.
                let port = parts.next();
                formats = parts.skip(1).collect();
                if port == Some("0") {
                    return None;
                }
            }
        } else if in_video {
            if let Some(map) = line.strip_prefix("a=rtpmap:") {
                if let Some((pt, encoding)) = map.split_once(' ') {
                    names.push((pt, encoding.split('/').next().unwrap_or("")));
                }
            }
        }
    }
    formats.iter().find_map(|pt| {
        names
            .iter()
            .find(|(p, _)| p == pt)
            .and_then(|(_, name)| VideoCodec::from_name(name))
    })
}

/// Follows the GP's answer: the station's video track and encoder switch to the codec it
/// chose (nothing when it chose none of ours, or the video is not sent).
pub(crate) async fn follow_answer(
    sdp: &str,
    slot: &crate::local_media::TrackSlot,
    video: Option<&crate::local_media::VideoControl>,
) {
    let (Some(codec), Some(video)) = (chosen_video_codec(sdp), video) else {
        return;
    };
    match slot.use_codec(codec).await {
        Ok(()) => {
            tracing::info!(?codec, "video codec of the answer");
            video.set_codec(codec);
        }
        Err(e) => tracing::warn!(code = e.code(), error = %e, "video codec not changed"),
    }
}

/// Whether encoded bytes are H.264 Annex B (start code first); a VP8 frame never starts
/// with a zero byte (its show-frame bit is set).
fn looks_like_annex_b(data: &[u8]) -> bool {
    data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1])
}

/// How samples of the video track are written: H.264 through the track's own packetiser,
/// VP8 through ours (written as RTP to the same bound track, under VP8's payload type).
pub struct CodecWriter {
    codec: VideoCodec,
    vp8: Option<Box<dyn Packetizer>>,
    playout_delay_id: Option<u8>,
}

impl Default for CodecWriter {
    fn default() -> Self {
        Self {
            codec: VideoCodec::H264,
            vp8: None,
            playout_delay_id: None,
        }
    }
}

impl CodecWriter {
    /// The codec being sent.
    pub fn codec(&self) -> VideoCodec {
        self.codec
    }

    /// Reads what the answer negotiated for `sender` (its numbering): returns the payload
    /// type to send under, that of the video codec being sent (`None` while it is not among
    /// the sender's codecs) or for an audio track its first codec; keeps the playout-delay
    /// extension's id for the packets packetised here.
    pub async fn read_negotiation(&mut self, sender: &Arc<dyn RtpSender>) -> Option<u8> {
        let params = sender.get_parameters().await.ok()?;
        self.playout_delay_id =
            crate::playout_delay::negotiated_id(&params.rtp_parameters.header_extensions);
        let codecs = &params.rtp_parameters.codecs;
        let is = |c: &RTCRtpCodecParameters, mime: &str| {
            c.rtp_codec.mime_type.eq_ignore_ascii_case(mime)
        };
        if let Some(c) = codecs.iter().find(|c| is(c, self.codec.mime_type())) {
            return Some(c.payload_type);
        }
        let video = codecs.iter().any(|c| {
            c.rtp_codec
                .mime_type
                .to_ascii_lowercase()
                .starts_with("video/")
        });
        (!video)
            .then(|| codecs.first().map(|c| c.payload_type))
            .flatten()
    }

    /// Sends `codec` from now on; tells the sender's core the track's codec changed so its
    /// interceptors (NACK, reports) bind the stream the answer negotiated. Returns whether
    /// anything changed.
    pub async fn switch(
        &mut self,
        codec: VideoCodec,
        track: &Arc<TrackLocalStaticSample>,
        sender: &Arc<dyn RtpSender>,
    ) -> Result<bool, RtcError> {
        if codec == self.codec {
            return Ok(false);
        }
        let current = track.track().await;
        let codings = current
            .codings()
            .iter()
            .cloned()
            .map(|mut coding| {
                coding.codec = rtp_codec(codec);
                coding
            })
            .collect();
        let replacement = MediaStreamTrack::new(
            current.stream_id().clone(),
            current.track_id().clone(),
            current.label().clone(),
            current.kind(),
            codings,
        );
        let replacement = Arc::new(TrackLocalStaticSample::new(Instant::now(), replacement)?);
        sender
            .replace_track(replacement as Arc<dyn TrackLocal>)
            .await?;
        self.codec = codec;
        self.vp8 = None;
        Ok(true)
    }

    /// Writes one encoded frame (dropped when it is of the other codec: a frame encoded
    /// just before a switch).
    pub async fn write(
        &mut self,
        track: &TrackLocalStaticSample,
        ssrc: u32,
        payload_type: u8,
        sample: &Sample,
    ) -> Result<(), RtcError> {
        let ticks = (sample.duration.as_secs_f64() * 90_000.0) as u32;
        if sample.data.is_empty() {
            // A frame not sent (paused, or skipped by the encoder): its RTP time still passes.
            match self.codec {
                VideoCodec::H264 => {
                    track
                        .sample_writer(ssrc, payload_type)
                        .write_sample(sample)
                        .await?;
                }
                VideoCodec::Vp8 => {
                    if let Some(packetizer) = self.vp8.as_mut() {
                        packetizer.skip_samples(ticks);
                    }
                }
            }
            return Ok(());
        }
        let annex_b = looks_like_annex_b(&sample.data);
        match self.codec {
            VideoCodec::H264 if annex_b => {
                track
                    .sample_writer(ssrc, payload_type)
                    .with_extension(crate::playout_delay::extension())
                    .write_sample(sample)
                    .await?;
            }
            VideoCodec::H264 if track_is_audio(track).await => {
                track
                    .sample_writer(ssrc, payload_type)
                    .write_sample(sample)
                    .await?;
            }
            VideoCodec::Vp8 if !annex_b => {
                let packetizer = self.vp8.get_or_insert_with(|| {
                    Box::new(rtc::rtp::packetizer::new_packetizer(
                        Instant::now(),
                        MTU,
                        payload_type,
                        ssrc,
                        Box::new(vp8_payloader()),
                        Box::new(rtc::rtp::sequence::new_random_sequencer()),
                        90_000,
                    ))
                });
                let packets = packetizer.packetize(sample.timestamp, &sample.data, ticks)?;
                for mut packet in packets {
                    packet.header.payload_type = payload_type;
                    if let Some(id) = self.playout_delay_id {
                        crate::playout_delay::stamp(&mut packet, id)?;
                    }
                    track.write_rtp(packet).await?;
                }
            }
            _ => tracing::trace!(codec = ?self.codec, "frame of the other codec dropped"),
        }
        Ok(())
    }
}

/// VP8's payloader with picture ids (receivers detect losses within a frame with them).
fn vp8_payloader() -> Vp8Payloader {
    let mut payloader = Vp8Payloader::default();
    payloader.enable_picture_id = true;
    payloader
}

async fn track_is_audio(track: &TrackLocalStaticSample) -> bool {
    use webrtc::media_stream::Track;
    track.kind().await == RtpCodecKind::Audio
}

/// VP8 frames from RTP packets: frames end at the marker; after a loss, waits for a keyframe.
#[derive(Default)]
pub struct Vp8Assembler {
    depacketizer: Vp8Packet,
    buffer: Vec<u8>,
    timestamp: Option<u32>,
    last_seq: Option<u16>,
    broken: bool,
    started: bool,
    waiting_for_key: bool,
}

impl Vp8Assembler {
    /// A fresh assembler (waits for a first keyframe).
    pub fn new() -> Self {
        Self {
            waiting_for_key: true,
            ..Self::default()
        }
    }

    /// Feeds one RTP packet (sequence number, timestamp, marker, payload).
    pub fn push(&mut self, seq: u16, timestamp: u32, marker: bool, payload: &Bytes) -> Pushed {
        let mut out = Pushed::default();
        if let Some(last) = self.last_seq {
            let delta = seq.wrapping_sub(last);
            if delta == 0 || delta > 0x8000 {
                return out;
            }
            if delta != 1 {
                self.broken = true;
                self.waiting_for_key = true;
                out.need_keyframe = true;
            }
        }
        self.last_seq = Some(seq);
        if payload.is_empty() {
            return out;
        }
        if self.timestamp != Some(timestamp) {
            self.buffer.clear();
            self.timestamp = Some(timestamp);
            self.broken = false;
            self.started = false;
        }
        match self.depacketizer.depacketize(payload) {
            Ok(data) => {
                let head = self.depacketizer.s == 1 && self.depacketizer.pid == 0;
                if head {
                    self.started = true;
                }
                if !self.started {
                    // The frame's first packet was lost.
                    self.broken = true;
                }
                self.buffer.extend_from_slice(&data);
            }
            Err(_) => {
                self.broken = true;
                out.need_keyframe = true;
            }
        }
        if marker {
            let frame = std::mem::take(&mut self.buffer);
            let complete = !self.broken && self.started && !frame.is_empty();
            (self.timestamp, self.broken, self.started) = (None, false, false);
            if complete {
                if self.waiting_for_key && relais_media::vp8::is_keyframe(&frame) {
                    self.waiting_for_key = false;
                }
                if self.waiting_for_key {
                    out.need_keyframe = true;
                } else {
                    out.access_unit = Some(frame);
                }
            } else {
                self.waiting_for_key = true;
                out.need_keyframe = true;
            }
        }
        out
    }
}

/// Received video of either codec: packets routed by payload type (unknown types are taken
/// as H.264, the station's only codec before VP8).
#[derive(Default)]
pub struct VideoAssembler {
    codec: Option<VideoCodec>,
    h264: AccessUnitAssembler,
    vp8: Vp8Assembler,
}

impl VideoAssembler {
    /// A fresh assembler.
    pub fn new() -> Self {
        Self {
            codec: None,
            h264: AccessUnitAssembler::new(),
            vp8: Vp8Assembler::new(),
        }
    }

    /// Feeds one RTP packet; a complete frame comes with its codec.
    pub fn push(
        &mut self,
        payload_type: u8,
        seq: u16,
        timestamp: u32,
        marker: bool,
        payload: &Bytes,
    ) -> (VideoCodec, Pushed) {
        let codec = codec_of_payload_type(payload_type).unwrap_or(VideoCodec::H264);
        self.push_as(codec, seq, timestamp, marker, payload)
    }

    /// Feeds one RTP packet of a known codec (the far side may use its own payload type
    /// numbers: Firefox answers VP8 as 120).
    pub fn push_as(
        &mut self,
        codec: VideoCodec,
        seq: u16,
        timestamp: u32,
        marker: bool,
        payload: &Bytes,
    ) -> (VideoCodec, Pushed) {
        if self.codec != Some(codec) && !payload.is_empty() {
            // The sender changed codec: start afresh, from a keyframe.
            if self.codec.is_some() {
                (self.h264, self.vp8) = (AccessUnitAssembler::new(), Vp8Assembler::new());
            }
            self.codec = Some(codec);
        }
        let pushed = match codec {
            VideoCodec::H264 => self.h264.push(seq, timestamp, marker, payload),
            VideoCodec::Vp8 => self.vp8.push(seq, timestamp, marker, payload),
        };
        (codec, pushed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_are_known_by_mime_type_whatever_their_payload_type() {
        assert_eq!(codec_of_mime("video/VP8"), Some(VideoCodec::Vp8));
        assert_eq!(codec_of_mime("video/vp8"), Some(VideoCodec::Vp8));
        assert_eq!(codec_of_mime("video/H264"), Some(VideoCodec::H264));
        assert_eq!(codec_of_mime("video/AV1"), None);
        // Firefox's own number for VP8 is not one we offered.
        assert_eq!(codec_of_payload_type(120), None);
    }

    const CHROMIUM_ANSWER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 102 96\r\na=mid:0\r\n\
        a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n\
        a=rtpmap:96 VP8/90000\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";
    const FIREFOX_ANSWER: &str =
        "v=0\r\no=mozilla...THIS_IS_SDPARTA-99.0 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n\
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";

    #[test]
    fn the_answer_picks_the_codec() {
        assert_eq!(chosen_video_codec(CHROMIUM_ANSWER), Some(VideoCodec::H264));
        assert_eq!(chosen_video_codec(FIREFOX_ANSWER), Some(VideoCodec::Vp8));
        let vp9_only = FIREFOX_ANSWER.replace("VP8/90000", "VP9/90000");
        assert_eq!(chosen_video_codec(&vp9_only), None);
        let rejected = FIREFOX_ANSWER.replace("m=video 9", "m=video 0");
        assert_eq!(chosen_video_codec(&rejected), None);
        assert_eq!(chosen_video_codec("v=0\r\nm=audio 9 RTP/AVP 0\r\n"), None);
    }

    #[test]
    fn payload_types_map_to_codecs() {
        assert_eq!(codec_of_payload_type(PT_H264), Some(VideoCodec::H264));
        assert_eq!(codec_of_payload_type(PT_VP8), Some(VideoCodec::Vp8));
        assert_eq!(codec_of_payload_type(111), None);
        assert!(looks_like_annex_b(&[0, 0, 0, 1, 0x67]));
        assert!(!looks_like_annex_b(&[0x10, 0x02, 0x00, 0x9d]));
    }

    /// VP8 frames of the synthetic pattern, packetised by the payloader the station uses,
    /// come back whole through the assembler and decode to the same counters.
    fn vp8_packets(frames: usize) -> (Vec<u16>, Vec<Vec<rtc::rtp::Packet>>) {
        use relais_media::{SyntheticVideo, VideoSource, Vp8Encoder};
        let mut source = SyntheticVideo::new(640, 480, 30).unwrap().unpaced();
        let mut encoder = Vp8Encoder::new(800_000, 30).unwrap();
        let mut packetizer = rtc::rtp::packetizer::new_packetizer(
            Instant::now(),
            MTU,
            PT_VP8,
            1,
            Box::new(vp8_payloader()),
            Box::new(rtc::rtp::sequence::new_random_sequencer()),
            90_000,
        );
        let mut counters = Vec::new();
        let mut all = Vec::new();
        for _ in 0..frames {
            let frame = source.next_frame().unwrap();
            counters.push(relais_media::pattern::read(&frame).unwrap().0);
            let encoded = encoder.encode(&frame).unwrap();
            let packets = packetizer
                .packetize(Instant::now(), &Bytes::from(encoded.data), 3000)
                .unwrap();
            all.push(packets);
        }
        (counters, all)
    }

    #[test]
    fn vp8_frames_survive_packetising_and_reassembly() {
        let (counters, frames) = vp8_packets(10);
        assert!(frames[0].len() > 1, "a 640x480 keyframe spans packets");
        let mut assembler = VideoAssembler::new();
        let mut decoders = relais_media::VideoDecoders::new();
        let mut read = Vec::new();
        for packets in &frames {
            for p in packets {
                let h = &p.header;
                let (codec, pushed) =
                    assembler.push(PT_VP8, h.sequence_number, h.timestamp, h.marker, &p.payload);
                assert_eq!(codec, VideoCodec::Vp8);
                if let Some(frame) = pushed.access_unit {
                    let picture = decoders.decode(codec, &frame).unwrap().unwrap();
                    read.push(relais_media::pattern::read(&picture).unwrap().0);
                }
            }
        }
        assert_eq!(read, counters);
    }

    #[test]
    fn a_lost_vp8_packet_waits_for_the_next_keyframe() {
        let (_, frames) = vp8_packets(4);
        let mut a = Vp8Assembler::new();
        let mut delivered = 0;
        let mut asked = false;
        for (i, packets) in frames.iter().enumerate() {
            for (j, p) in packets.iter().enumerate() {
                if i == 1 && j == 0 {
                    continue; // lost
                }
                let h = &p.header;
                let pushed = a.push(h.sequence_number, h.timestamp, h.marker, &p.payload);
                asked |= pushed.need_keyframe;
                delivered += usize::from(pushed.access_unit.is_some());
            }
        }
        assert_eq!(delivered, 1, "only the keyframe before the loss");
        assert!(asked, "a keyframe was asked for");
    }
}

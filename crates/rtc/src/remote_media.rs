//! Remote media: H.264 or VP8 decoded to frames on a thread, Opus decoded to a sink and/or
//! events.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relais_media::{AudioSink, VideoCodec, VideoDecoders, VoiceStream};
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

use crate::codecs::VideoAssembler;
use crate::events::{SessionEvent, Timing};
use crate::feedback::{classify, Feedback};
use crate::liveness::Inbound;
use crate::tasks::TaskCounter;

/// Least time between two keyframe requests.
const PLI_INTERVAL: Duration = Duration::from_millis(300);

/// What remote track tasks share with the session.
#[derive(Clone)]
pub struct RemoteContext {
    /// Session events.
    pub events: mpsc::Sender<SessionEvent>,
    /// Task accounting.
    pub counter: TaskCounter,
    /// When the call started (first offer), for timings.
    pub started: Arc<Mutex<Option<Instant>>>,
    /// Where the GP's voice is played.
    pub sink: Option<Arc<Mutex<Box<dyn AudioSink>>>>,
    /// Emit `RemoteAudio` events.
    pub audio_events: bool,
    /// RTCP feedback about our own tracks, to the session.
    pub feedback: mpsc::UnboundedSender<Feedback>,
    /// First remote video frame already reported.
    pub first_video: Arc<AtomicBool>,
    /// First remote audio already reported.
    pub first_audio: Arc<AtomicBool>,
    /// Arrivals of the far side's packets (the video sender pauses when they stop).
    pub inbound: Arc<Inbound>,
}

impl RemoteContext {
    fn since_start(&self) -> Duration {
        self.started
            .lock()
            .ok()
            .and_then(|s| *s)
            .map(|s| s.elapsed())
            .unwrap_or_default()
    }
}

fn forward_feedback(ctx: &RemoteContext, packets: &[Box<dyn rtc::rtcp::Packet>]) {
    for f in classify(packets) {
        let _ = ctx.feedback.send(f);
    }
}

/// Starts the task (and, for video, the decoding thread) of one remote track.
pub async fn spawn_remote_track(
    track: Arc<dyn TrackRemote>,
    ctx: RemoteContext,
) -> Option<JoinHandle<()>> {
    match track.kind().await {
        RtpCodecKind::Video => spawn_video(track, ctx).await,
        RtpCodecKind::Audio => Some(spawn_audio(track, ctx)),
        _ => None,
    }
}

async fn spawn_video(track: Arc<dyn TrackRemote>, ctx: RemoteContext) -> Option<JoinHandle<()>> {
    let media_ssrc = track.ssrcs().await.first().copied().unwrap_or(0);
    let (units_tx, units_rx) = std::sync::mpsc::sync_channel::<(VideoCodec, Vec<u8>)>(8);
    // No keyframe asked for up front: the GP's browser starts with one, and the assembler
    // asks (PLI) as soon as a frame cannot be decoded without it.
    let need_keyframe = Arc::new(AtomicBool::new(false));
    let decoder_ctx = ctx.clone();
    let decoder_needs = Arc::clone(&need_keyframe);
    let guard = ctx.counter.guard();
    let spawned = std::thread::Builder::new()
        .name("relais-video-recv".into())
        .spawn(move || {
            let _guard = guard;
            // H.264 or VP8, by payload type (crate::codecs); H.264's decoder open before the
            // first frame arrives (the preferred codec, which Chromium answers).
            let mut decoder =
                VideoDecoders::ready_for(VideoCodec::H264).unwrap_or_else(|_| VideoDecoders::new());
            for (codec, unit) in units_rx {
                match decoder.decode(codec, &unit) {
                    Ok(Some(frame)) => {
                        if !decoder_ctx.first_video.swap(true, Ordering::Relaxed) {
                            let after = decoder_ctx.since_start();
                            let _ = decoder_ctx
                                .events
                                .try_send(SessionEvent::Timing(Timing::FirstRemoteVideo { after }));
                        }
                        // Frames are dropped, not queued, when the UI lags.
                        let _ = decoder_ctx
                            .events
                            .try_send(SessionEvent::RemoteVideo(frame));
                    }
                    Ok(None) => {}
                    Err(_) => decoder_needs.store(true, Ordering::Relaxed),
                }
            }
        });
    if spawned.is_err() {
        return None;
    }
    let guard = ctx.counter.guard();
    Some(tokio::spawn(async move {
        let _guard = guard;
        let mut assembler = VideoAssembler::new();
        let mut last_pli: Option<Instant> = None;
        // The codec of the last payload type seen: the far side may number its payload
        // types its own way (Firefox sends VP8 as 120), so an unknown one is looked up in
        // what was negotiated for the stream.
        let mut payload_codec: Option<(u8, VideoCodec)> = None;
        while let Some(event) = track.poll().await {
            if !matches!(event, TrackRemoteEvent::OnEnded) {
                ctx.inbound.packet();
            }
            match event {
                TrackRemoteEvent::OnRtpPacket(packet) => {
                    let h = &packet.header;
                    let codec = match payload_codec {
                        Some((pt, codec)) if pt == h.payload_type => codec,
                        _ => {
                            let negotiated = track
                                .codec(h.ssrc)
                                .await
                                .and_then(|c| crate::codecs::codec_of_mime(&c.mime_type));
                            let codec = negotiated
                                .or_else(|| crate::codecs::codec_of_payload_type(h.payload_type))
                                .unwrap_or(VideoCodec::H264);
                            payload_codec = Some((h.payload_type, codec));
                            codec
                        }
                    };
                    let (codec, pushed) = assembler.push_as(
                        codec,
                        h.sequence_number,
                        h.timestamp,
                        h.marker,
                        &packet.payload,
                    );
                    if pushed.need_keyframe {
                        need_keyframe.store(true, Ordering::Relaxed);
                    }
                    if let Some(unit) = pushed.access_unit {
                        need_keyframe.store(false, Ordering::Relaxed);
                        if units_tx.try_send((codec, unit)).is_err() {
                            // The decoder lags: the next frames would miss a reference.
                            assembler = VideoAssembler::new();
                            need_keyframe.store(true, Ordering::Relaxed);
                        }
                    }
                    let due = last_pli.is_none_or(|t| t.elapsed() >= PLI_INTERVAL);
                    if need_keyframe.load(Ordering::Relaxed) && due {
                        last_pli = Some(Instant::now());
                        let pli = PictureLossIndication {
                            sender_ssrc: 0,
                            media_ssrc,
                        };
                        let _ = track.write_rtcp(vec![Box::new(pli)]).await;
                    }
                }
                TrackRemoteEvent::OnRtcpPacket(packets) => forward_feedback(&ctx, &packets),
                TrackRemoteEvent::OnEnded => break,
                _ => {}
            }
        }
    }))
}

fn spawn_audio(track: Arc<dyn TrackRemote>, ctx: RemoteContext) -> JoinHandle<()> {
    let guard = ctx.counter.guard();
    tokio::spawn(async move {
        let _guard = guard;
        // Losses filled, late packets dropped (relais_media::voice_stream).
        let Ok(mut voice) = VoiceStream::new() else {
            return;
        };
        while let Some(event) = track.poll().await {
            if !matches!(event, TrackRemoteEvent::OnEnded) {
                ctx.inbound.packet();
            }
            match event {
                TrackRemoteEvent::OnRtpPacket(packet) if !packet.payload.is_empty() => {
                    let pcm = match voice.receive(packet.header.sequence_number, &packet.payload) {
                        Ok(pcm) if !pcm.is_empty() => pcm,
                        _ => continue,
                    };
                    if !ctx.first_audio.swap(true, Ordering::Relaxed) {
                        let after = ctx.since_start();
                        let _ = ctx
                            .events
                            .try_send(SessionEvent::Timing(Timing::FirstRemoteAudio { after }));
                    }
                    if let Some(sink) = &ctx.sink {
                        if let Ok(mut sink) = sink.lock() {
                            let _ = sink.play(&pcm);
                        }
                    }
                    if ctx.audio_events {
                        let _ = ctx.events.try_send(SessionEvent::RemoteAudio(pcm));
                    }
                }
                TrackRemoteEvent::OnRtcpPacket(packets) => forward_feedback(&ctx, &packets),
                TrackRemoteEvent::OnEnded => break,
                _ => {}
            }
        }
        let stats = voice.stats();
        tracing::debug!(
            decoded = stats.decoded,
            concealed = stats.concealed,
            dropped = stats.dropped,
            "the GP's voice ended"
        );
    })
}

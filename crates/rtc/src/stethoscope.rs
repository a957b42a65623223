//! The stethoscope's own audio track: stream and track id `stethoscope`, Opus in music
//! mode (Application::Audio: no speech high-pass filter, only a 3 Hz DC reject), 48 kHz
//! mono, 64 kbit/s, in-band FEC on and no DTX.
//!
//! The track is part of every offer of a session created with
//! [`crate::SessionOptions::stethoscope`], so turning the stethoscope on or off needs no
//! renegotiation. Before the first start it sends nothing; afterwards it sends every 20 ms
//! (digital silence while off) so the receiver's jitter buffer keeps an unbroken timeline.
//! The source is handed over with [`StethoscopeControl::set_source`]; the station wraps it
//! to meter and record the very samples sent.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use relais_media::{AudioSource, MediaError, OpusEncoder, CHUNK_DURATION, CHUNK_SAMPLES};
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};
use tokio::sync::mpsc;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::Track;
use webrtc::peer_connection::PeerConnection;
use webrtc::rtp_transceiver::RtpSender;

use crate::events::{IncidentKind, SessionEvent};
use crate::tasks::TaskCounter;
use crate::RtcError;

/// Media stream id (and track id) of the stethoscope: how the console tells it apart.
pub const STETHOSCOPE_STREAM_ID: &str = "stethoscope";
/// Bitrate of the stethoscope's Opus stream.
pub const STETHOSCOPE_BITRATE_BPS: u32 = 64_000;

/// The track and sender of the current connection, and the negotiated payload type.
type Bound = (Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>, Option<u8>);

/// A source waiting to be taken by the sending thread (`Some(None)`: stop the current one).
type Handover = Option<Option<Box<dyn AudioSource>>>;

/// Switches of the stethoscope's sending thread, shared with the session's handle.
pub struct StethoscopeControl {
    stop: AtomicBool,
    handover: Mutex<Handover>,
    on: AtomicBool,
    track: tokio::sync::Mutex<Option<Bound>>,
}

impl StethoscopeControl {
    /// Hands a new source to the sending thread (`None` stops sending the current one; the
    /// device is closed by the thread, which then sends silence).
    pub fn set_source(&self, source: Option<Box<dyn AudioSource>>) {
        self.on.store(source.is_some(), Ordering::Relaxed);
        if let Ok(mut h) = self.handover.lock() {
            *h = Some(source);
        }
    }

    /// Whether a source was handed over and not stopped since.
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Stops the thread (hang-up).
    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Adds the stethoscope's send-only track to a new peer connection.
    pub(crate) async fn bind(&self, pc: &Arc<dyn PeerConnection>) -> Result<(), RtcError> {
        let track = Arc::new(TrackLocalStaticSample::new(
            Instant::now(),
            MediaStreamTrack::new(
                STETHOSCOPE_STREAM_ID.to_owned(),
                STETHOSCOPE_STREAM_ID.to_owned(),
                STETHOSCOPE_STREAM_ID.to_owned(),
                RtpCodecKind::Audio,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        ssrc: Some(rand::random::<u32>()),
                        ..Default::default()
                    },
                    codec: crate::engine::opus_codec(),
                    ..Default::default()
                }],
            ),
        )?);
        let init = RTCRtpTransceiverInit {
            direction: RTCRtpTransceiverDirection::Sendonly,
            ..Default::default()
        };
        let transceiver = pc
            .add_transceiver_from_track(Arc::clone(&track) as Arc<dyn TrackLocal>, Some(init))
            .await?;
        let sender = transceiver
            .sender()
            .await?
            .ok_or_else(|| RtcError::WebRtc("stethoscope sender".into()))?;
        *self.track.lock().await = Some((track, sender, None));
        Ok(())
    }

    /// Forgets the track (hang-up, or before a new connection).
    pub(crate) async fn clear(&self) {
        *self.track.lock().await = None;
    }

    async fn write(&self, data: Vec<u8>, captured_at: Instant) {
        let mut current = self.track.lock().await;
        let Some((track, sender, payload_type)) = current.as_mut() else {
            return;
        };
        if payload_type.is_none() {
            *payload_type = sender
                .get_parameters()
                .await
                .ok()
                .and_then(|p| p.rtp_parameters.codecs.first().map(|c| c.payload_type));
        }
        let (Some(pt), Some(ssrc)) = (*payload_type, track.ssrcs().await.first().copied()) else {
            return;
        };
        let sample = Sample {
            data: Bytes::from(data),
            // Exactly 960 ticks at 48 kHz per packet.
            duration: CHUNK_DURATION,
            ..Sample::new(captured_at)
        };
        if let Err(e) = track.sample_writer(ssrc, pt).write_sample(&sample).await {
            tracing::trace!(error = %e, "stethoscope sample not sent");
        }
    }
}

/// Starts the stethoscope's sending thread (idle until a source is handed over) and its
/// writer task.
pub(crate) fn start(
    events: mpsc::Sender<SessionEvent>,
    counter: &TaskCounter,
) -> Result<Arc<StethoscopeControl>, MediaError> {
    let control = Arc::new(StethoscopeControl {
        stop: AtomicBool::new(false),
        handover: Mutex::new(None),
        on: AtomicBool::new(false),
        track: tokio::sync::Mutex::new(None),
    });
    let mut encoder = OpusEncoder::music()?;
    let (tx, mut rx) = mpsc::channel::<(Vec<u8>, Instant)>(5);
    let ctl = Arc::clone(&control);
    let guard = counter.guard();
    std::thread::Builder::new()
        .name("relais-stethoscope-send".into())
        .spawn(move || {
            let _guard = guard;
            let silence = vec![0i16; CHUNK_SAMPLES];
            let mut source: Option<Box<dyn AudioSource>> = None;
            let mut started = false;
            let mut next_due = Instant::now();
            while !ctl.stop.load(Ordering::Relaxed) {
                if let Some(new) = ctl.handover.lock().ok().and_then(|mut h| h.take()) {
                    started |= new.is_some();
                    // Dropping the old source closes its device.
                    source = new;
                    next_due = Instant::now();
                }
                let chunk = match source.as_mut().map(|s| s.next_chunk()) {
                    Some(Ok(c)) if c.len() == CHUNK_SAMPLES => c,
                    Some(Ok(_)) => silence.clone(),
                    Some(Err(e)) => {
                        source = None;
                        ctl.on.store(false, Ordering::Relaxed);
                        let _ = events.try_send(SessionEvent::Incident {
                            kind: IncidentKind::DeviceFailed,
                            detail: format!("stéthoscope : {}", e.code()),
                        });
                        next_due = Instant::now();
                        continue;
                    }
                    None => {
                        // Off: keep the 20 ms cadence (silence once started, nothing before).
                        let now = Instant::now();
                        if next_due > now {
                            std::thread::sleep((next_due - now).min(Duration::from_millis(20)));
                        }
                        next_due = next_due.max(now) + CHUNK_DURATION;
                        if !started {
                            continue;
                        }
                        silence.clone()
                    }
                };
                let Ok(packet) = encoder.encode(&chunk) else {
                    continue;
                };
                if tx.blocking_send((packet, Instant::now())).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
    let guard = counter.guard();
    let ctl = Arc::clone(&control);
    tokio::spawn(async move {
        let _guard = guard;
        while let Some((packet, at)) = rx.recv().await {
            ctl.write(packet, at).await;
        }
    });
    Ok(control)
}

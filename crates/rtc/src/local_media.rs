//! Local media: capture and encode on dedicated threads, write samples to the current track.
//!
//! The threads outlive a peer connection: when the connection is rebuilt (the GP reloaded),
//! the writer tasks simply write to the new track put in the [`TrackSlot`].
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use relais_media::{
    AudioSource, MediaError, OpusEncoder, VideoCodec, VideoEncoder, VideoFormat, VideoFrame,
    VideoSource, CHUNK_DURATION, CHUNK_SAMPLES,
};
use rtc::media::Sample;
use tokio::sync::mpsc;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::Track;
use webrtc::rtp_transceiver::RtpSender;

use crate::events::{IncidentKind, SessionEvent};
use crate::liveness::Inbound;
use crate::tasks::TaskCounter;

/// One encoded sample on its way to the track.
struct Encoded {
    data: Vec<u8>,
    duration: Duration,
    captured_at: Instant,
}

/// A sending track, its sender, and the negotiated payload type once known.
type Bound = (Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>, Option<u8>);

/// The track (and its sender) samples go to; replaced when the connection is rebuilt.
#[derive(Default)]
pub struct TrackSlot {
    current: tokio::sync::Mutex<Option<Bound>>,
    writer: tokio::sync::Mutex<crate::codecs::CodecWriter>,
}

impl TrackSlot {
    /// Puts a new track in place.
    pub async fn set(&self, track: Arc<TrackLocalStaticSample>, sender: Arc<dyn RtpSender>) {
        *self.current.lock().await = Some((track, sender, None));
        *self.writer.lock().await = Default::default();
    }

    /// Sends `codec` from now on (the one the GP's answer chose): see [`crate::codecs`].
    pub async fn use_codec(&self, codec: VideoCodec) -> Result<(), crate::RtcError> {
        let mut current = self.current.lock().await;
        let Some((track, sender, payload_type)) = current.as_mut() else {
            return Ok(());
        };
        if self
            .writer
            .lock()
            .await
            .switch(codec, track, sender)
            .await?
        {
            *payload_type = None;
        }
        Ok(())
    }

    /// Empties the slot (hang-up).
    pub async fn clear(&self) {
        *self.current.lock().await = None;
    }

    async fn write(&self, sample: &Encoded) {
        let mut current = self.current.lock().await;
        let Some((track, sender, payload_type)) = current.as_mut() else {
            return;
        };
        let mut writer = self.writer.lock().await;
        // Read at each sample: known once negotiated (until then samples are dropped), and
        // the answer may renumber the codec (Firefox answers VP8 as 120).
        *payload_type = writer.read_negotiation(sender).await;
        let (Some(pt), Some(ssrc)) = (*payload_type, track.ssrcs().await.first().copied()) else {
            return;
        };
        let out = Sample {
            data: Bytes::copy_from_slice(&sample.data),
            duration: sample.duration,
            ..Sample::new(sample.captured_at)
        };
        if let Err(e) = writer.write(track, ssrc, pt, &out).await {
            tracing::trace!(error = %e, "sample not sent");
        }
    }
}

/// Shared switches of the video thread.
pub struct VideoControl {
    stop: AtomicBool,
    keyframe: AtomicBool,
    camera_on: AtomicBool,
    bitrate_bps: AtomicU32,
    new_format: Mutex<Option<(VideoFormat, u32)>>,
    format: Mutex<Option<VideoFormat>>,
    codec: Mutex<Option<VideoCodec>>,
}

impl VideoControl {
    fn new(bitrate_bps: u32) -> Self {
        Self {
            stop: AtomicBool::new(false),
            keyframe: AtomicBool::new(true),
            camera_on: AtomicBool::new(true),
            bitrate_bps: AtomicU32::new(bitrate_bps),
            new_format: Mutex::new(None),
            format: Mutex::new(None),
            codec: Mutex::new(None),
        }
    }

    /// The next frame is a keyframe.
    pub fn request_keyframe(&self) {
        self.keyframe.store(true, Ordering::Relaxed);
    }

    /// Camera on (frames) or off (black frames).
    pub fn set_camera_on(&self, on: bool) {
        self.camera_on.store(on, Ordering::Relaxed);
    }

    /// Changes the source format and the encoder bitrate at the next frame.
    pub fn set_format(&self, format: VideoFormat, bitrate_bps: u32) {
        if let Ok(mut f) = self.new_format.lock() {
            *f = Some((format, bitrate_bps));
        }
    }

    /// Encodes with `codec` from the next frame (a keyframe); no change if already so.
    pub fn set_codec(&self, codec: VideoCodec) {
        if let Ok(mut c) = self.codec.lock() {
            *c = Some(codec);
        }
    }

    /// The source's format (once the first frame was captured).
    pub fn format(&self) -> Option<VideoFormat> {
        self.format.lock().ok().and_then(|f| *f)
    }

    /// The encoder's target bitrate.
    pub fn bitrate(&self) -> u32 {
        self.bitrate_bps.load(Ordering::Relaxed)
    }

    /// Stops the thread after its current frame.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Shared switches of the audio thread.
#[derive(Default)]
pub struct AudioControl {
    stop: AtomicBool,
    muted: AtomicBool,
}

impl AudioControl {
    /// Sends silence instead of the source.
    pub fn set_muted(&self, muted: bool) {
        self.muted.store(muted, Ordering::Relaxed);
    }

    /// Stops the thread after its current chunk.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn incident(events: &mpsc::Sender<SessionEvent>, kind: IncidentKind, detail: String) {
    let _ = events.try_send(SessionEvent::Incident { kind, detail });
}

/// Starts the video thread and its writer task.
pub fn start_video(
    mut source: Box<dyn VideoSource>,
    bitrate_bps: u32,
    inbound: Arc<Inbound>,
    slot: Arc<TrackSlot>,
    events: mpsc::Sender<SessionEvent>,
    counter: &TaskCounter,
) -> Result<Arc<VideoControl>, MediaError> {
    let control = Arc::new(VideoControl::new(bitrate_bps));
    let (tx, mut rx) = mpsc::channel::<Encoded>(3);
    let ctl = Arc::clone(&control);
    let guard = counter.guard();
    let start = source.format();
    let mut encoder = VideoEncoder::new(VideoCodec::H264, bitrate_bps, start.fps)?;
    std::thread::Builder::new()
        .name("relais-video-send".into())
        .spawn(move || {
            let _guard = guard;
            let mut failed = false;
            let mut paused = false;
            let mut black: Option<VideoFrame> = None;
            while !ctl.stop.load(Ordering::Relaxed) {
                let pending = ctl.new_format.lock().ok().and_then(|mut f| f.take());
                if let Some((format, bitrate)) = pending {
                    let applied = source
                        .set_format(format.width, format.height, format.fps)
                        .and_then(|()| encoder.reconfigure(bitrate, format.fps));
                    match applied {
                        Ok(()) => ctl.bitrate_bps.store(bitrate, Ordering::Relaxed),
                        Err(e) => tracing::warn!(code = e.code(), "video format not applied"),
                    }
                }
                let format = source.format();
                if let Ok(mut f) = ctl.format.lock() {
                    *f = Some(format);
                }
                let codec = ctl.codec.lock().ok().and_then(|mut c| c.take());
                if let Some(codec) = codec.filter(|c| *c != encoder.codec()) {
                    match VideoEncoder::new(codec, encoder.bitrate(), format.fps) {
                        Ok(e) => encoder = e,
                        Err(e) => tracing::warn!(code = e.code(), "video codec not changed"),
                    }
                }
                let frame = if failed {
                    std::thread::sleep(format.frame_interval());
                    None
                } else {
                    match source.next_frame() {
                        Ok(frame) => Some(frame),
                        Err(e) => {
                            failed = true;
                            incident(
                                &events,
                                IncidentKind::DeviceFailed,
                                format!("caméra : {}", e.code()),
                            );
                            None
                        }
                    }
                };
                let frame = match frame {
                    Some(f) if ctl.camera_on.load(Ordering::Relaxed) => f,
                    _ => {
                        // Camera off or failed: black frames keep the stream (and the GP's view) alive.
                        let reuse = black.as_ref().is_some_and(|b| {
                            b.width() == format.width && b.height() == format.height
                        });
                        if !reuse {
                            black = VideoFrame::black(format.width, format.height).ok();
                        }
                        match black.as_mut() {
                            Some(b) => {
                                b.stamp_now();
                                b.clone()
                            }
                            None => break,
                        }
                    }
                };
                // The far side silent: the path is likely cut, and a frame sent now would
                // only queue up and delay the fresh ones (crate::liveness). None is encoded;
                // the first one after is a keyframe.
                let stalled = inbound.stalled();
                if stalled != paused {
                    paused = stalled;
                    if !paused {
                        encoder.force_keyframe();
                    }
                    tracing::debug!(paused, "video sending paused while the far side is silent");
                }
                if ctl.keyframe.swap(false, Ordering::Relaxed) {
                    encoder.force_keyframe();
                }
                let data = if paused {
                    Vec::new()
                } else {
                    match encoder.encode(&frame) {
                        Ok(e) => e.data,
                        Err(e) => {
                            tracing::warn!(code = e.code(), "frame not encoded");
                            Vec::new()
                        }
                    }
                };
                // A frame not sent is still written, empty: its RTP time passes, so the GP's
                // jitter buffer sees the next one arrive on time.
                let sample = Encoded {
                    data,
                    duration: format.frame_interval(),
                    captured_at: frame.captured_at,
                };
                if tx.blocking_send(sample).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
    let guard = counter.guard();
    tokio::spawn(async move {
        let _guard = guard;
        while let Some(sample) = rx.recv().await {
            slot.write(&sample).await;
        }
    });
    Ok(control)
}

/// Starts the audio thread and its writer task.
pub fn start_audio(
    mut source: Box<dyn AudioSource>,
    slot: Arc<TrackSlot>,
    events: mpsc::Sender<SessionEvent>,
    counter: &TaskCounter,
) -> Result<Arc<AudioControl>, MediaError> {
    let control = Arc::new(AudioControl::default());
    let (tx, mut rx) = mpsc::channel::<Encoded>(5);
    let ctl = Arc::clone(&control);
    let guard = counter.guard();
    let mut encoder = OpusEncoder::voice()?;
    std::thread::Builder::new()
        .name("relais-audio-send".into())
        .spawn(move || {
            let _guard = guard;
            let silence = vec![0i16; CHUNK_SAMPLES];
            let mut failed = false;
            let mut next_due = Instant::now();
            while !ctl.stop.load(Ordering::Relaxed) {
                let chunk = if failed {
                    // Keep the 20 ms cadence with silence.
                    let now = Instant::now();
                    if next_due > now {
                        std::thread::sleep(next_due - now);
                    }
                    next_due = next_due.max(now) + CHUNK_DURATION;
                    silence.clone()
                } else {
                    match source.next_chunk() {
                        Ok(c) if c.len() == CHUNK_SAMPLES => c,
                        Ok(_) => silence.clone(),
                        Err(e) => {
                            failed = true;
                            next_due = Instant::now();
                            incident(
                                &events,
                                IncidentKind::DeviceFailed,
                                format!("microphone : {}", e.code()),
                            );
                            silence.clone()
                        }
                    }
                };
                let chunk = if ctl.muted.load(Ordering::Relaxed) {
                    &silence
                } else {
                    &chunk
                };
                let Ok(packet) = encoder.encode(chunk) else {
                    continue;
                };
                let sample = Encoded {
                    data: packet,
                    // Exactly 960 ticks at 48 kHz per packet.
                    duration: CHUNK_DURATION,
                    captured_at: Instant::now(),
                };
                if tx.blocking_send(sample).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
    let guard = counter.guard();
    tokio::spawn(async move {
        let _guard = guard;
        while let Some(sample) = rx.recv().await {
            slot.write(&sample).await;
        }
    });
    Ok(control)
}

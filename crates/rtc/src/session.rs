//! A call: one peer connection, its media and data channel, driven by signaling messages.
//!
//! [`Session::start`] spawns a control task that owns the peer connection. It reads
//! `Signal`s from the hub (through the app's WebSocket pump), writes `Signal`s back, and
//! reports [`SessionEvent`]s. The handle controls it (mute, camera, format, data, hang-up).
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relais_media::{AudioSink, AudioSource, VideoFormat, VideoSource};
use relais_protocol::signal::Signal;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use rtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::peer_connection::{
    PeerConnection, RTCIceCandidateInit, RTCIceConnectionState, RTCPeerConnectionState,
    RTCSessionDescription, StatsSelector,
};

use crate::adapt::Adapter;
use crate::engine;
use crate::events::{CallState, EndReason, IncidentKind, SessionEvent, Timing};
use crate::feedback::{classify, Feedback};
use crate::handler::{Handler, PcEvent};
use crate::liveness::Inbound;
use crate::local_media::{self, AudioControl, TrackSlot, VideoControl};
use crate::options::{Role, SessionOptions};
use crate::quality::LinkQuality;
use crate::remote_media::{spawn_remote_track, RemoteContext};
use crate::stethoscope::StethoscopeControl;
use crate::tasks::TaskCounter;
use crate::RtcError;

/// Capacity of the event channel; video frames are dropped rather than queued past it.
const EVENT_CAPACITY: usize = 64;
/// Label of the data channel.
const DATA_LABEL: &str = relais_protocol::data::DATA_CHANNEL_LABEL;

/// What the session sends and plays.
#[derive(Default)]
pub struct LocalMedia {
    /// Camera or test pattern; `None` = receive video only.
    pub video: Option<Box<dyn VideoSource>>,
    /// Microphone or test tone; `None` = receive audio only.
    pub audio: Option<Box<dyn AudioSource>>,
    /// Where the far side's voice is played.
    pub speaker: Option<Box<dyn AudioSink>>,
}

enum Command {
    Hangup,
    Quality(oneshot::Sender<LinkQuality>),
    SendData(String, oneshot::Sender<Result<(), RtcError>>),
    RestartIce,
}

/// Handle of a running call; cheap to clone. Dropping every handle hangs up.
#[derive(Clone)]
pub struct Session {
    commands: mpsc::Sender<Command>,
    counter: TaskCounter,
    done: watch::Receiver<bool>,
    video: Option<Arc<VideoControl>>,
    audio: Option<Arc<AudioControl>>,
    start_format: Option<VideoFormat>,
    start_bitrate: u32,
    stethoscope: Option<Arc<StethoscopeControl>>,
}

impl Session {
    /// Starts a call: builds the peer connection and the media threads, then follows the
    /// signaling. The offerer sends its offer on `peerJoined` (or `welcome` with the peer present).
    pub async fn start(
        options: SessionOptions,
        media: LocalMedia,
        signals_in: mpsc::Receiver<Signal>,
        signals_out: mpsc::Sender<Signal>,
    ) -> Result<(Session, mpsc::Receiver<SessionEvent>), RtcError> {
        let (events_tx, events_rx) = mpsc::channel(EVENT_CAPACITY);
        let (commands_tx, commands_rx) = mpsc::channel(16);
        let (done_tx, done_rx) = watch::channel(false);
        let (feedback_tx, feedback_rx) = mpsc::unbounded_channel();
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        let counter = TaskCounter::default();
        let video_slot = Arc::new(TrackSlot::default());
        let audio_slot = Arc::new(TrackSlot::default());
        let start_format = media.video.as_ref().map(|v| v.format());
        let inbound = Arc::new(Inbound::default());
        let video = match media.video {
            Some(source) => Some(local_media::start_video(
                source,
                options.video_bitrate_bps,
                Arc::clone(&inbound),
                Arc::clone(&video_slot),
                events_tx.clone(),
                &counter,
            )?),
            None => None,
        };
        let audio = match media.audio {
            Some(source) => Some(local_media::start_audio(
                source,
                Arc::clone(&audio_slot),
                events_tx.clone(),
                &counter,
            )?),
            None => None,
        };
        let stethoscope = match options.stethoscope {
            true => Some(crate::stethoscope::start(events_tx.clone(), &counter)?),
            false => None,
        };
        let remote = RemoteContext {
            events: events_tx.clone(),
            counter: counter.clone(),
            started: Arc::new(Mutex::new(None)),
            sink: media.speaker.map(|s| Arc::new(Mutex::new(s))),
            audio_events: options.remote_audio_events,
            feedback: feedback_tx,
            first_video: Arc::new(AtomicBool::new(false)),
            first_audio: Arc::new(AtomicBool::new(false)),
            inbound,
        };
        let mut control = Control {
            adapter: start_format.map(|f| Adapter::new(f, options.video_bitrate_bps)),
            options: options.clone(),
            generation: 0,
            pc: None,
            internal_tx,
            remote_set: false,
            pending: Vec::new(),
            state: CallState::Connecting,
            connected_once: false,
            offered: false,
            grace: None,
            retry: None,
            keyframes: Default::default(),
            attempt: 0,
            video_slot,
            audio_slot,
            video_ctl: video.clone(),
            audio_ctl: audio.clone(),
            data: Arc::new(tokio::sync::Mutex::new(None)),
            events: events_tx,
            signals_out,
            remote,
            counter: counter.clone(),
            tasks: Vec::new(),
            stethoscope: stethoscope.clone(),
        };
        if let Err(e) = control.build_pc().await {
            control.end(EndReason::Failed(e.code().to_owned())).await;
            return Err(e);
        }
        let guard = counter.guard();
        tokio::spawn(async move {
            control
                .run(signals_in, commands_rx, internal_rx, feedback_rx)
                .await;
            control.wait_for_tasks().await;
            drop(guard);
            let _ = done_tx.send(true);
        });
        let session = Session {
            commands: commands_tx,
            counter,
            done: done_rx,
            video,
            audio,
            start_format,
            start_bitrate: options.video_bitrate_bps,
            stethoscope,
        };
        Ok((session, events_rx))
    }

    /// Sends a text message on the `relais` data channel.
    pub async fn send_data(&self, text: &str) -> Result<(), RtcError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(Command::SendData(text.to_owned(), tx))
            .await
            .map_err(|_| RtcError::Ended)?;
        rx.await.map_err(|_| RtcError::Ended)?
    }

    /// The stethoscope's track switches (sessions started with `options.stethoscope`).
    pub fn stethoscope(&self) -> Option<Arc<StethoscopeControl>> {
        self.stethoscope.clone()
    }

    /// Mutes (sends silence) or unmutes the voice.
    pub fn set_muted(&self, muted: bool) {
        if let Some(a) = &self.audio {
            a.set_muted(muted);
        }
    }

    /// Camera on, or off (black frames are sent instead).
    pub fn set_camera_enabled(&self, enabled: bool) {
        if let Some(v) = &self.video {
            v.set_camera_on(enabled);
        }
    }

    /// The next video frame sent is a keyframe (after the camera behind the source changed).
    pub fn request_keyframe(&self) {
        if let Some(v) = &self.video {
            v.request_keyframe();
        }
    }

    /// Changes the sent video format; the bitrate follows the pixel rate.
    pub fn set_video_format(&self, width: u32, height: u32, fps: u32) -> Result<(), RtcError> {
        let format = VideoFormat::new(width, height, fps).check()?;
        let (Some(v), Some(start)) = (&self.video, self.start_format) else {
            return Ok(());
        };
        let ratio =
            f64::from(width * height * fps) / f64::from(start.width * start.height * start.fps);
        let bitrate = (f64::from(self.start_bitrate) * ratio).clamp(100_000.0, 8_000_000.0) as u32;
        v.set_format(format, bitrate);
        Ok(())
    }

    /// The format and bitrate being sent (`None` without video).
    pub fn video_format(&self) -> Option<(VideoFormat, u32)> {
        self.video
            .as_ref()
            .and_then(|v| v.format().map(|f| (f, v.bitrate())))
    }

    /// Round-trip time and loss of the link, from the peer connection's statistics.
    pub async fn quality(&self) -> Result<LinkQuality, RtcError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(Command::Quality(tx))
            .await
            .map_err(|_| RtcError::Ended)?;
        rx.await.map_err(|_| RtcError::Ended)
    }

    /// Restarts ICE now (offerer), or asks the offerer to (answerer).
    pub async fn restart_ice(&self) -> Result<(), RtcError> {
        self.commands
            .send(Command::RestartIce)
            .await
            .map_err(|_| RtcError::Ended)
    }

    /// Hangs up: tells the other side, closes the connection, stops every task.
    pub async fn hangup(&self) {
        let _ = self.commands.send(Command::Hangup).await;
        self.closed().await;
    }

    /// Waits until the call is over and all its tasks and threads have stopped.
    pub async fn closed(&self) {
        let mut done = self.done.clone();
        let _ = done.wait_for(|d| *d).await;
    }

    /// Tasks and threads still running (0 once [`Session::closed`] returned).
    pub fn running_tasks(&self) -> usize {
        self.counter.running()
    }
}

enum Flow {
    Continue,
    End(EndReason),
}

struct Control {
    options: SessionOptions,
    generation: u64,
    pc: Option<Arc<dyn PeerConnection>>,
    internal_tx: mpsc::UnboundedSender<(u64, PcEvent)>,
    remote_set: bool,
    pending: Vec<RTCIceCandidateInit>,
    state: CallState,
    connected_once: bool,
    offered: bool,
    grace: Option<Instant>,
    retry: Option<Instant>,
    keyframes: crate::keyframes::KeyframeRepeat,
    attempt: u32,
    video_slot: Arc<TrackSlot>,
    audio_slot: Arc<TrackSlot>,
    video_ctl: Option<Arc<VideoControl>>,
    audio_ctl: Option<Arc<AudioControl>>,
    adapter: Option<Adapter>,
    data: Arc<tokio::sync::Mutex<Option<Arc<dyn DataChannel>>>>,
    events: mpsc::Sender<SessionEvent>,
    signals_out: mpsc::Sender<Signal>,
    remote: RemoteContext,
    counter: TaskCounter,
    tasks: Vec<JoinHandle<()>>,
    stethoscope: Option<Arc<StethoscopeControl>>,
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

impl Control {
    async fn run(
        &mut self,
        mut signals_in: mpsc::Receiver<Signal>,
        mut commands: mpsc::Receiver<Command>,
        mut internal: mpsc::UnboundedReceiver<(u64, PcEvent)>,
        mut feedback: mpsc::UnboundedReceiver<Feedback>,
    ) {
        let mut signals_open = true;
        loop {
            let deadline = [self.grace, self.retry, self.keyframes.deadline()]
                .into_iter()
                .flatten()
                .min();
            let flow = tokio::select! {
                signal = signals_in.recv(), if signals_open => match signal {
                    Some(signal) => self.on_signal(signal).await,
                    None => {
                        // The signaling pump stopped; media may still flow peer to peer.
                        signals_open = false;
                        Flow::Continue
                    }
                },
                command = commands.recv() => match command {
                    Some(Command::SendData(text, reply)) => {
                        let _ = reply.send(self.send_data(&text).await);
                        Flow::Continue
                    }
                    Some(Command::Quality(reply)) => {
                        let quality = match &self.pc {
                            Some(pc) => {
                                crate::quality::from_report(&pc.get_stats(Instant::now(), StatsSelector::None).await)
                            }
                            None => LinkQuality::default(),
                        };
                        let _ = reply.send(quality);
                        Flow::Continue
                    }
                    Some(Command::RestartIce) => {
                        self.restart("demandé").await;
                        Flow::Continue
                    }
                    Some(Command::Hangup) | None => {
                        self.signal(Signal::Hangup).await;
                        Flow::End(EndReason::LocalHangup)
                    }
                },
                Some((generation, event)) = internal.recv() => {
                    if generation == self.generation {
                        self.on_pc_event(event).await;
                    }
                    Flow::Continue
                }
                Some(f) = feedback.recv() => {
                    self.on_feedback(f).await;
                    Flow::Continue
                }
                () = sleep_until(deadline) => {
                    self.on_timer().await;
                    Flow::Continue
                }
            };
            if let Flow::End(reason) = flow {
                self.end(reason).await;
                return;
            }
        }
    }

    async fn emit(&self, event: SessionEvent) {
        let _ = self.events.send(event).await;
    }

    async fn signal(&self, signal: Signal) {
        let _ = self.signals_out.send(signal).await;
    }

    async fn set_state(&mut self, state: CallState) {
        if self.state != state {
            self.state = state.clone();
            self.emit(SessionEvent::State(state)).await;
        }
    }

    async fn incident(&self, kind: IncidentKind, detail: String) {
        tracing::info!(kind = kind.code(), %detail, "call incident");
        self.signal(Signal::Incident {
            kind: kind.code().to_owned(),
            detail: detail.clone(),
        })
        .await;
        self.emit(SessionEvent::Incident { kind, detail }).await;
    }

    fn mark_started(&self) {
        if let Ok(mut s) = self.remote.started.lock() {
            s.get_or_insert_with(Instant::now);
        }
    }

    fn since_start(&self) -> Duration {
        self.remote
            .started
            .lock()
            .ok()
            .and_then(|s| *s)
            .map(|s| s.elapsed())
            .unwrap_or_default()
    }

    /// Closes the current connection (if any) and builds a new one with the same media.
    async fn build_pc(&mut self) -> Result<(), RtcError> {
        self.close_pc().await;
        self.generation += 1;
        self.remote_set = false;
        self.pending.clear();
        let handler = Arc::new(Handler {
            generation: self.generation,
            tx: self.internal_tx.clone(),
        });
        let pc = engine::build_peer_connection(&self.options, handler).await?;
        let offerer = self.options.role == Role::Offerer;
        for (kind, sending) in [
            (RtpCodecKind::Video, self.video_ctl.is_some()),
            (RtpCodecKind::Audio, self.audio_ctl.is_some()),
        ] {
            if sending {
                let (track, sender) = engine::add_track(&pc, &self.options, kind).await?;
                if kind == RtpCodecKind::Video {
                    self.video_slot.set(Arc::clone(&track), sender).await;
                    self.spawn_local_feedback(track);
                } else {
                    self.audio_slot.set(track, sender).await;
                }
            } else if offerer {
                let init = RTCRtpTransceiverInit {
                    direction: RTCRtpTransceiverDirection::Recvonly,
                    ..Default::default()
                };
                pc.add_transceiver_from_kind(kind, Some(init)).await?;
            }
        }
        if let Some(s) = &self.stethoscope {
            s.bind(&pc).await?;
        }
        if offerer {
            let dc = pc.create_data_channel(DATA_LABEL, None).await?;
            self.spawn_data_channel(dc);
        }
        self.pc = Some(pc);
        Ok(())
    }

    async fn close_pc(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        if let Some(dc) = self.data.lock().await.take() {
            let _ = dc.close().await;
        }
        if let Some(pc) = self.pc.take() {
            if let Err(e) = pc.close().await {
                tracing::debug!(error = %e, "peer connection close");
            }
        }
    }

    fn spawn_local_feedback(&mut self, track: Arc<TrackLocalStaticSample>) {
        let feedback = self.remote.feedback.clone();
        let guard = self.counter.guard();
        self.tasks.push(tokio::spawn(async move {
            let _guard = guard;
            while let Some(event) = track.poll().await {
                let TrackLocalEvent::OnRtcpPacket(packets) = event else {
                    continue;
                };
                for f in classify(&packets) {
                    let _ = feedback.send(f);
                }
            }
        }));
    }

    fn spawn_data_channel(&mut self, dc: Arc<dyn DataChannel>) {
        let slot = Arc::clone(&self.data);
        let events = self.events.clone();
        let guard = self.counter.guard();
        self.tasks.push(tokio::spawn(async move {
            let _guard = guard;
            let mut open = false;
            let on_open = |open: &mut bool| {
                let (slot, events, dc) = (Arc::clone(&slot), events.clone(), Arc::clone(&dc));
                let first = !*open;
                *open = true;
                async move {
                    if first {
                        *slot.lock().await = Some(dc);
                        let _ = events.send(SessionEvent::DataChannelOpen).await;
                    }
                }
            };
            if dc.ready_state().await.ok() == Some(webrtc::data_channel::RTCDataChannelState::Open)
            {
                on_open(&mut open).await;
            }
            while let Some(event) = dc.poll().await {
                match event {
                    DataChannelEvent::OnOpen => on_open(&mut open).await,
                    DataChannelEvent::OnMessage(message) if message.is_string => {
                        let text = String::from_utf8_lossy(&message.data).into_owned();
                        let _ = events.send(SessionEvent::Data(text)).await;
                    }
                    DataChannelEvent::OnClose => break,
                    _ => {}
                }
            }
        }));
    }

    async fn send_data(&self, text: &str) -> Result<(), RtcError> {
        let dc = self
            .data
            .lock()
            .await
            .clone()
            .ok_or(RtcError::DataChannelClosed)?;
        dc.send_text(text)
            .await
            .map_err(|_| RtcError::DataChannelClosed)
    }

    async fn send_offer(&mut self, ice_restart: bool) -> Result<(), RtcError> {
        let pc = self.pc.clone().ok_or(RtcError::Ended)?;
        if ice_restart {
            pc.restart_ice().await?;
        }
        let offer = pc.create_offer(None).await?;
        pc.set_local_description(offer.clone()).await?;
        self.mark_started();
        self.offered = true;
        let sdp = crate::dtls_role::as_dtls_client(&offer.sdp);
        self.signal(Signal::Offer { sdp }).await;
        Ok(())
    }

    async fn on_signal(&mut self, signal: Signal) -> Flow {
        let offerer = self.options.role == Role::Offerer;
        match signal {
            Signal::Welcome {
                peer_present: true, ..
            } if offerer && !self.offered => {
                self.offer_or_log().await;
            }
            Signal::PeerJoined if offerer => {
                if self.offered {
                    // The GP's page reloaded: its old connection is gone, start a new one.
                    self.incident(IncidentKind::PeerRejoined, "nouvelle connexion".into())
                        .await;
                    if let Err(e) = self.build_pc().await {
                        return Flow::End(EndReason::Failed(e.code().to_owned()));
                    }
                    let state = if self.connected_once {
                        CallState::Reconnecting
                    } else {
                        CallState::Connecting
                    };
                    self.set_state(state).await;
                    (self.grace, self.retry) = (None, None);
                }
                self.offer_or_log().await;
            }
            Signal::Answer { sdp } if offerer => {
                // Before the answer is applied: the sender's track must carry the chosen codec.
                crate::codecs::follow_answer(&sdp, &self.video_slot, self.video_ctl.as_deref())
                    .await;
                let applied = match (RTCSessionDescription::answer(sdp), self.pc.clone()) {
                    (Ok(answer), Some(pc)) => pc
                        .set_remote_description(answer)
                        .await
                        .map_err(RtcError::from),
                    (Err(e), _) => Err(e.into()),
                    (_, None) => Err(RtcError::Ended),
                };
                match applied {
                    Ok(()) => {
                        self.remote_set = true;
                        self.flush_candidates().await;
                    }
                    Err(e) => tracing::warn!(code = e.code(), error = %e, "answer refused"),
                }
            }
            Signal::Offer { sdp } if !offerer => {
                self.mark_started();
                if let Err(e) = self.answer(sdp).await {
                    tracing::warn!(code = e.code(), error = %e, "offer refused");
                }
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                if candidate.is_empty() {
                    return Flow::Continue;
                }
                let init = RTCIceCandidateInit {
                    candidate,
                    sdp_mid,
                    sdp_mline_index: sdp_m_line_index,
                    ..Default::default()
                };
                if self.remote_set {
                    self.add_candidate(init).await;
                } else {
                    self.pending.push(init);
                }
            }
            Signal::RestartRequest if offerer => self.restart("demandé par le médecin").await,
            Signal::Hangup => return Flow::End(EndReason::RemoteHangup),
            other => tracing::debug!(?other, "signal ignored"),
        }
        Flow::Continue
    }

    async fn offer_or_log(&mut self) {
        if let Err(e) = self.send_offer(false).await {
            tracing::warn!(code = e.code(), error = %e, "offer not sent");
        }
    }

    async fn answer(&mut self, sdp: String) -> Result<(), RtcError> {
        let offer = RTCSessionDescription::offer(sdp)?;
        let pc = self.pc.clone().ok_or(RtcError::Ended)?;
        let pc = match pc.set_remote_description(offer.clone()).await {
            Ok(()) => pc,
            Err(e) if self.remote_set => {
                // An offer from a new connection (the station restarted it): start afresh.
                tracing::info!(error = %e, "new connection from the offerer");
                self.build_pc().await?;
                let pc = self.pc.clone().ok_or(RtcError::Ended)?;
                pc.set_remote_description(offer).await?;
                pc
            }
            Err(e) => return Err(e.into()),
        };
        let answer = pc.create_answer(None).await?;
        pc.set_local_description(answer.clone()).await?;
        self.remote_set = true;
        self.signal(Signal::Answer { sdp: answer.sdp }).await;
        self.flush_candidates().await;
        Ok(())
    }

    async fn add_candidate(&self, init: RTCIceCandidateInit) {
        if let Some(pc) = &self.pc {
            if let Err(e) = pc.add_ice_candidate(init).await {
                tracing::debug!(error = %e, "remote candidate refused");
            }
        }
    }

    async fn flush_candidates(&mut self) {
        for init in std::mem::take(&mut self.pending) {
            self.add_candidate(init).await;
        }
    }

    async fn on_pc_event(&mut self, event: PcEvent) {
        match event {
            PcEvent::Candidate(candidate) => {
                self.signal(Signal::Candidate {
                    candidate,
                    sdp_mid: Some("0".to_owned()),
                    sdp_m_line_index: Some(0),
                })
                .await;
            }
            PcEvent::Ice(state) => match state {
                RTCIceConnectionState::Connected | RTCIceConnectionState::Completed
                    if self.state == CallState::Reconnecting =>
                {
                    self.on_connected().await;
                }
                RTCIceConnectionState::Disconnected => self.on_disconnected().await,
                RTCIceConnectionState::Failed => self.on_failed().await,
                _ => {}
            },
            PcEvent::Connection(state) => match state {
                RTCPeerConnectionState::Connected => self.on_connected().await,
                RTCPeerConnectionState::Disconnected => self.on_disconnected().await,
                RTCPeerConnectionState::Failed => self.on_failed().await,
                _ => {}
            },
            PcEvent::DataChannel(dc) => self.spawn_data_channel(dc),
            PcEvent::Track(track) => {
                if let Some(task) = spawn_remote_track(track, self.remote.clone()).await {
                    self.tasks.push(task);
                }
            }
        }
    }

    async fn on_connected(&mut self) {
        if self.state == CallState::Connected || matches!(self.state, CallState::Ended { .. }) {
            return;
        }
        (self.grace, self.retry, self.attempt) = (None, None, 0);
        if self.connected_once {
            self.incident(IncidentKind::Recovered, "média rétabli".into())
                .await;
        } else {
            let after = self.since_start();
            self.emit(SessionEvent::Timing(Timing::Connected { after }))
                .await;
        }
        self.connected_once = true;
        self.set_state(CallState::Connected).await;
        if let Some(v) = &self.video_ctl {
            v.request_keyframe();
            self.keyframes.arm(Instant::now());
        }
    }

    async fn on_disconnected(&mut self) {
        if self.state != CallState::Connected {
            return;
        }
        self.set_state(CallState::Reconnecting).await;
        self.keyframes.cancel();
        self.incident(IncidentKind::MediaDisconnected, "ICE déconnecté".into())
            .await;
        self.grace = Some(Instant::now() + self.options.reconnect_grace);
    }

    async fn on_failed(&mut self) {
        if matches!(self.state, CallState::Ended { .. }) {
            return;
        }
        if self.state == CallState::Connected {
            self.incident(IncidentKind::MediaDisconnected, "ICE en échec".into())
                .await;
        }
        if self.state != CallState::Connecting {
            self.set_state(CallState::Reconnecting).await;
        }
        self.grace = None;
        if self.retry.is_none() {
            self.restart("échec ICE").await;
        }
    }

    /// ICE restart (offerer) or restart request (answerer); schedules the next attempt.
    async fn restart(&mut self, why: &str) {
        self.attempt += 1;
        self.incident(
            IncidentKind::IceRestart,
            format!("{why}, tentative {}", self.attempt),
        )
        .await;
        match self.options.role {
            Role::Offerer => {
                if let Err(e) = self.send_offer(true).await {
                    tracing::warn!(code = e.code(), error = %e, "ICE restart offer not sent");
                }
            }
            Role::Answerer => self.signal(Signal::RestartRequest).await,
        }
        if self.state != CallState::Connected {
            let backoff = Duration::from_secs(2)
                .saturating_mul(1 << self.attempt.min(6).saturating_sub(1))
                .min(self.options.max_restart_backoff);
            self.retry = Some(Instant::now() + backoff);
        }
    }

    async fn on_timer(&mut self) {
        let now = Instant::now();
        let grace_over = self.grace.is_some_and(|g| g <= now);
        let retry_due = self.retry.is_some_and(|r| r <= now);
        if grace_over {
            self.grace = None;
        }
        if retry_due {
            self.retry = None;
        }
        if self.keyframes.due(now) {
            if let Some(v) = &self.video_ctl {
                v.request_keyframe();
            }
        }
        if (grace_over || retry_due) && self.state == CallState::Reconnecting {
            let why = if grace_over {
                "déconnexion prolongée"
            } else {
                "toujours déconnecté"
            };
            self.restart(why).await;
        }
    }

    async fn on_feedback(&mut self, feedback: Feedback) {
        let now = Instant::now();
        let rung = match (&feedback, self.adapter.as_mut()) {
            (Feedback::Keyframe, _) => {
                if let Some(v) = &self.video_ctl {
                    v.request_keyframe();
                }
                None
            }
            (Feedback::Loss(loss), Some(a)) => a.on_loss(*loss, now),
            (Feedback::Remb(bps), Some(a)) => a.on_remb(*bps, now),
            _ => None,
        };
        if let (Some(rung), Some(v)) = (rung, &self.video_ctl) {
            v.set_format(rung.format, rung.bitrate_bps);
            let f = rung.format;
            self.incident(
                IncidentKind::VideoAdapted,
                format!(
                    "{}x{} {} i/s {} kbit/s",
                    f.width,
                    f.height,
                    f.fps,
                    rung.bitrate_bps / 1000
                ),
            )
            .await;
        }
    }

    async fn end(&mut self, reason: EndReason) {
        (self.grace, self.retry) = (None, None);
        if let Some(v) = &self.video_ctl {
            v.stop();
        }
        if let Some(a) = &self.audio_ctl {
            a.stop();
        }
        self.video_slot.clear().await;
        self.audio_slot.clear().await;
        if let Some(s) = &self.stethoscope {
            s.stop();
            s.clear().await;
        }
        self.close_pc().await;
        self.set_state(CallState::Ended { reason }).await;
    }

    /// Waits (at most ~3 s) until only the control task is left.
    async fn wait_for_tasks(&self) {
        for _ in 0..300 {
            if self.counter.running() <= 1 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::warn!(
            running = self.counter.running(),
            "tasks still running after hang-up"
        );
    }
}

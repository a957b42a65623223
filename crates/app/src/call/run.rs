//! The run loop of one call: signaling pump, peer connection, and the nurse's commands.
use std::sync::Arc;

use chrono::Utc;
use relais_link::signaling::{self, LinkEvent};
use relais_protocol::data::DataMessage;
use relais_protocol::signal::Signal;
use relais_rtc::{
    CallState as RtcState, EndReason, LocalMedia, Role, Session, SessionEvent, Timing,
};
use tokio::sync::mpsc;

use super::frames::FramePipe;
use super::{media, quality_level, CallError, CallState, Calls, ChatLine, Command, Quality};
use crate::hub::SentConsultation;

/// Runs the call until it ends; every step goes to the status and the journal.
pub(crate) async fn run(
    calls: Arc<Calls>,
    sent: SentConsultation,
    mut commands: mpsc::Receiver<Command>,
) {
    let (from_hub_tx, mut from_hub) = mpsc::channel::<Signal>(256);
    let (link_tx, mut link_events) = mpsc::channel::<LinkEvent>(64);
    let (to_hub, link_task) = signaling::spawn(
        sent.client.clone(),
        sent.ticket.consultation_id.clone(),
        sent.ticket.join_token.clone(),
        from_hub_tx,
        link_tx,
    );
    let opened = calls.open_call_media();
    for failure in &opened.failures {
        calls.journal("DEVICE_FAILED", failure);
    }
    let mut options = relais_rtc::SessionOptions::new(Role::Offerer);
    options.ice_servers = sent.ticket.ice_servers.clone();
    options.relay_only = sent.ticket.relay_only;
    // Decoded GP audio as events only where no speaker plays it (synthetic media: tests).
    options.remote_audio_events = matches!(calls.source(), media::MediaSource::Synthetic(_));
    // Media flows all the time: 2 s without a packet is a real cut, worth recovering from;
    // and ICE restarts are retried at least every 2 s, so the call is back soon after the
    // network.
    options.ice_disconnected_timeout = std::time::Duration::from_secs(2);
    options.max_restart_backoff = std::time::Duration::from_secs(2);
    // The stethoscope's own track is offered in every call; it sends once turned on.
    options.stethoscope = true;
    let (to_session_tx, to_session_rx) = mpsc::channel::<Signal>(256);
    let media = LocalMedia {
        video: opened.video,
        audio: opened.audio,
        speaker: opened.speaker,
    };
    let (session, session_events) =
        match Session::start(options, media, to_session_rx, to_hub.clone()).await {
            Ok(started) => started,
            Err(e) => {
                calls.journal("FAILED", e.code());
                calls.update(|s| {
                    s.error = Some(CallError {
                        code: e.code().to_string(),
                        message: "La liaison audio et vidéo n’a pas pu être préparée.".into(),
                    });
                    s.set_state(CallState::Failed, Utc::now());
                });
                calls.cameras_detach();
                link_task.abort();
                return;
            }
        };
    calls.stethoscope.attach(session.stethoscope());
    // The session blocks when its events are not read; this loop also awaits the session
    // (data, hang-up): drain its events on their own task so neither waits for the other.
    let mut events = drain(session_events);
    calls.cameras_attach(&session);
    let observer = calls.observer();
    let mut frames = FramePipe::start(Arc::clone(&observer));
    let mut connected_once = false;
    let mut hub_open = true;
    let mut quality_tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tokio::select! {
            signal = from_hub.recv(), if hub_open => {
                // The pump stops after a hang-up: the session still has to report its end.
                let Some(signal) = signal else {
                    hub_open = false;
                    continue;
                };
                match &signal {
                    Signal::Welcome { peer_present: true, .. } | Signal::PeerJoined => {
                        gp_joined(&calls, &sent).await;
                    }
                    Signal::PeerLeft => calls.journal("GP_LEFT", ""),
                    Signal::Error { code, .. } => tracing::warn!(%code, "hub signaling error"),
                    _ => {}
                }
                if to_session_tx.send(signal).await.is_err() {
                    break;
                }
            }
            event = events.recv() => {
                let Some(event) = event else { break };
                match event {
                    SessionEvent::State(RtcState::Connecting) => {
                        calls.update(|s| s.set_state(CallState::Connecting, Utc::now()));
                    }
                    SessionEvent::State(RtcState::Connected) => {
                        if !connected_once {
                            connected_once = true;
                            calls.journal("CONNECTED", "");
                            calls.consultation_joined();
                        }
                        calls.update(|s| s.set_state(CallState::Connected, Utc::now()));
                    }
                    SessionEvent::State(RtcState::Reconnecting) => {
                        calls.update(|s| s.set_state(CallState::Reconnecting, Utc::now()));
                    }
                    SessionEvent::State(RtcState::Ended { reason }) => {
                        let detail = match &reason {
                            EndReason::LocalHangup => "by=station".to_string(),
                            EndReason::RemoteHangup => "by=gp".to_string(),
                            EndReason::Failed(why) => format!("failed={why}"),
                        };
                        calls.journal("ENDED", &detail);
                        calls.update(|s| s.set_state(CallState::Ended, Utc::now()));
                        break;
                    }
                    SessionEvent::Incident { kind, detail } => calls.journal(kind.code(), &detail),
                    SessionEvent::RemoteVideo(frame) => {
                        observer.remote_frame(&frame);
                        frames.offer(frame);
                    }
                    SessionEvent::RemoteAudio(samples) => observer.remote_audio(&samples),
                    SessionEvent::Data(text) => {
                        if !super::cameras::received(&calls, &text)
                            && !calls.stethoscope_received(&text)
                        {
                            received(&calls, &text);
                        }
                    }
                    SessionEvent::DataChannelOpen => {
                        calls.cameras_channel_open();
                        let calls = Arc::clone(&calls);
                        tokio::spawn(async move { calls.stethoscope_channel_open().await });
                    }
                    SessionEvent::Timing(timing) => {
                        let (what, after) = match timing {
                            Timing::Connected { after } => ("connected", after),
                            Timing::FirstRemoteVideo { after } => ("first_remote_video", after),
                            Timing::FirstRemoteAudio { after } => ("first_remote_audio", after),
                        };
                        tracing::info!(what, ms = after.as_millis() as u64, "call set-up");
                        observer.timing(what, after);
                    }
                }
            }
            event = link_events.recv() => match event {
                Some(LinkEvent::Connected) | None => {}
                Some(LinkEvent::Lost { reason }) => calls.journal("SIGNALING_LOST", &reason),
                Some(LinkEvent::Restored { after }) => {
                    calls.journal("SIGNALING_RESTORED", &format!("after_ms={}", after.as_millis()));
                }
                Some(LinkEvent::Refused { code, message }) => {
                    calls.journal("REFUSED", &code);
                    calls.update(|s| {
                        s.error = Some(CallError { code, message });
                        s.set_state(CallState::Failed, Utc::now());
                    });
                    break;
                }
                Some(LinkEvent::Ended) => {}
            },
            _ = quality_tick.tick(), if connected_once => {
                if let Ok(q) = session.quality().await {
                    calls.update(|s| {
                        s.quality = Quality {
                            rtt_ms: q.rtt_ms,
                            loss_percent: q.loss_percent,
                            level: quality_level(q.rtt_ms, q.loss_percent),
                        }
                    });
                }
            }
            command = commands.recv() => match command {
                Some(Command::Mute(muted)) => session.set_muted(muted),
                Some(Command::Camera(on)) => {
                    session.set_camera_enabled(on);
                    calls.update(|s| s.camera_on = on);
                    calls.camera_toggled();
                }
                Some(Command::Chat(text)) => {
                    let line = ChatLine { from: "station".into(), text, at: Utc::now() };
                    let message = DataMessage::Chat { from: line.from.clone(), text: line.text.clone(), at: line.at };
                    if let Ok(json) = serde_json::to_string(&message) {
                        if session.send_data(&json).await.is_ok() {
                            calls.update(|s| s.chat.push(line));
                        }
                    }
                }
                Some(Command::Data(json)) => {
                    if let Err(e) = session.send_data(&json).await {
                        tracing::warn!(code = e.code(), "data message not sent");
                    }
                }
                Some(Command::HangUp) | None => {
                    session.hangup().await;
                    calls.journal("ENDED", "by=station");
                    calls.update(|s| s.set_state(CallState::Ended, Utc::now()));
                    break;
                }
            },
        }
    }
    session.hangup().await;
    calls.cameras_detach();
    calls.stethoscope.detach();
    if !calls.status().is_some_and(|s| s.state.is_over()) {
        calls.journal("ENDED", "by=station");
        calls.update(|s| s.set_state(CallState::Ended, Utc::now()));
    }
    drop(to_hub);
    // The pump ends on hang-up; give it a moment to deliver it, then stop it.
    if tokio::time::timeout(std::time::Duration::from_secs(2), link_task)
        .await
        .is_err()
    {
        tracing::warn!("signaling pump did not stop in time");
    }
}

/// Forwards the session's events to an unbounded channel read by the run loop.
fn drain(mut events: mpsc::Receiver<SessionEvent>) -> mpsc::UnboundedReceiver<SessionEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    rx
}

/// The GP is in the room: the call is being set up; learn the GP's name.
async fn gp_joined(calls: &Calls, sent: &SentConsultation) {
    calls.journal("GP_JOINED", "");
    calls.update(|s| {
        if matches!(s.state, CallState::WaitingGp) {
            s.set_state(CallState::Connecting, Utc::now());
        }
    });
    if let Ok(status) = sent.client.status(&sent.ticket.consultation_id).await {
        calls.update(|s| s.gp_name = status.gp_name);
    }
}

fn received(calls: &Calls, text: &str) {
    match serde_json::from_str::<DataMessage>(text) {
        Ok(DataMessage::Chat { text, at, .. }) => calls.update(|s| {
            s.chat.push(ChatLine {
                from: "gp".into(),
                text,
                at,
            })
        }),
        Ok(DataMessage::Document { document }) => calls.document_received(&document),
        Ok(_) => {}
        Err(_) => tracing::warn!("unreadable data-channel message ignored"),
    }
}

//! One signaling socket: welcome, relay, incidents, hang-up, and the refusals that close
//! only this socket.

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use relais_protocol::api::HubConsultationStatus;
use relais_protocol::signal::{encode, parse, Side, Signal, CLOSE_POLICY, CLOSE_TOO_BIG};
use tokio::sync::mpsc::unbounded_channel;

use super::rooms::Outbound;
use crate::audit::{Actor, AuditEvent};
use crate::state::AppState;
use crate::tickets::new_join_token;
use crate::turn::ice_servers;

/// Who this socket is.
pub(super) struct Ctx {
    pub state: AppState,
    pub consultation_id: String,
    pub room_id: String,
    pub station_id: String,
    pub side: Side,
    pub actor_id: String,
}

impl Ctx {
    fn actor(&self) -> Actor {
        match self.side {
            Side::Station => Actor::Station(self.actor_id.clone()),
            Side::Gp => Actor::Account(self.actor_id.clone()),
        }
    }

    fn side_text(&self) -> &'static str {
        match self.side {
            Side::Station => "station",
            Side::Gp => "gp",
        }
    }

    async fn audit(&self, action: &str, detail: String) {
        let ev = AuditEvent::new(self.state.now(), self.actor(), action)
            .consultation(&self.consultation_id)
            .detail(detail);
        if let Err(e) = self.state.db(move |r| r.append_audit(&ev)).await {
            tracing::error!(error = %e, consultation = %self.consultation_id, "audit write failed");
        }
    }
}

/// What to do after a received frame.
enum Next {
    Continue,
    /// Send `error` then close with this code.
    Refuse(u16, String, String),
    /// Reply with a non-fatal `error`.
    Warn(&'static str, &'static str),
}

fn close_msg(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

fn error_text(code: &str, message: &str) -> Message {
    Message::Text(
        encode(&Signal::Error {
            code: code.to_string(),
            message: message.to_string(),
        })
        .into(),
    )
}

/// Runs the socket until it closes.
pub(super) async fn run(socket: WebSocket, ctx: Ctx) {
    let (mut sink, mut stream) = socket.split();
    let rejoin_token = match new_join_token(&ctx.state, &ctx.consultation_id, ctx.side).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "rejoin token");
            let _ = sink.send(close_msg(1011, "erreur interne")).await;
            return;
        }
    };
    let (tx, mut rx) = unbounded_channel();
    let joined = ctx
        .state
        .rooms
        .join(&ctx.consultation_id, &ctx.station_id, ctx.side, tx);
    let welcome = Signal::Welcome {
        side: ctx.side,
        room_id: ctx.room_id.clone(),
        peer_present: joined.peer_present,
        rejoin_token,
        ice_servers: ice_servers(&ctx.state.config, &ctx.room_id, ctx.state.now()),
        relay_only: ctx.state.config.relay_only,
    };
    if sink
        .send(Message::Text(encode(&welcome).into()))
        .await
        .is_err()
    {
        ctx.state
            .rooms
            .leave(&ctx.consultation_id, ctx.side, joined.conn);
        return;
    }
    ctx.state
        .rooms
        .send_to_other(&ctx.consultation_id, ctx.side, &Signal::PeerJoined);
    ctx.audit("signal.join", format!("side={}", ctx.side_text()))
        .await;
    tracing::info!(consultation = %ctx.consultation_id, side = ctx.side_text(), "joined");

    loop {
        tokio::select! {
            incoming = stream.next() => {
                let next = match incoming {
                    None | Some(Ok(Message::Close(_))) => break,
                    Some(Err(e)) => {
                        // Too big for the wire limit, or a protocol error: close this one only.
                        tracing::info!(consultation = %ctx.consultation_id, error = %e, "socket error");
                        let _ = sink.send(close_msg(CLOSE_TOO_BIG, "trame refusée")).await;
                        break;
                    }
                    Some(Ok(Message::Binary(_))) => Next::Refuse(
                        CLOSE_POLICY,
                        "SIGNAL_MALFORMED".into(),
                        "Trame binaire refusée : seuls les messages JSON texte sont acceptés.".into(),
                    ),
                    Some(Ok(Message::Text(text))) => handle_text(&ctx, text.as_str()).await,
                    Some(Ok(_)) => Next::Continue,
                };
                match next {
                    Next::Continue => {}
                    Next::Warn(code, message) => {
                        if sink.send(error_text(code, message)).await.is_err() {
                            break;
                        }
                    }
                    Next::Refuse(close, code, message) => {
                        tracing::info!(consultation = %ctx.consultation_id, code = %code, "frame refused");
                        let _ = sink.send(error_text(&code, &message)).await;
                        let _ = sink.send(close_msg(close, &code)).await;
                        break;
                    }
                }
            }
            out = rx.recv() => match out {
                Some(Outbound::Text(t)) => {
                    if sink.send(Message::Text(t.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    let _ = sink.send(close_msg(code, &reason)).await;
                    break;
                }
                None => break,
            },
        }
    }

    if ctx
        .state
        .rooms
        .leave(&ctx.consultation_id, ctx.side, joined.conn)
    {
        ctx.state
            .rooms
            .send_to_other(&ctx.consultation_id, ctx.side, &Signal::PeerLeft);
    }
    ctx.audit("signal.leave", format!("side={}", ctx.side_text()))
        .await;
    tracing::info!(consultation = %ctx.consultation_id, side = ctx.side_text(), "left");
}

async fn handle_text(ctx: &Ctx, text: &str) -> Next {
    let signal = match parse(text) {
        Ok(s) => s,
        Err(e) => return Next::Refuse(e.close_code(), e.code().to_string(), e.to_string()),
    };
    let allowed = match (&signal, ctx.side) {
        (Signal::Offer { .. }, Side::Station) => true,
        (Signal::Answer { .. } | Signal::RestartRequest, Side::Gp) => true,
        (Signal::Candidate { .. }, _) => true,
        (Signal::Offer { .. } | Signal::Answer { .. } | Signal::RestartRequest, _) => {
            return Next::Warn(
                "SIGNAL_FORBIDDEN",
                "Ce message n'est pas permis de ce côté de l'appel.",
            )
        }
        (Signal::Incident { kind, detail }, _) => {
            let kind: String = kind.chars().take(64).collect();
            let detail: String = detail.chars().take(500).collect();
            ctx.audit(
                "signal.incident",
                format!("side={} kind={kind} detail={detail}", ctx.side_text()),
            )
            .await;
            return Next::Continue;
        }
        (Signal::Hangup, _) => {
            hang_up(ctx).await;
            return Next::Continue;
        }
        _ => {
            return Next::Warn(
                "SIGNAL_UNEXPECTED",
                "Message réservé au hub : il n'est pas relayé.",
            )
        }
    };
    if allowed {
        ctx.state
            .rooms
            .send_to_other(&ctx.consultation_id, ctx.side, &signal);
    }
    Next::Continue
}

async fn hang_up(ctx: &Ctx) {
    let now = ctx.state.now();
    let ev = AuditEvent::new(now, ctx.actor(), "signal.hangup")
        .consultation(&ctx.consultation_id)
        .detail(format!("side={}", ctx.side_text()));
    let cid = ctx.consultation_id.clone();
    let result = ctx
        .state
        .db(move |r| {
            r.finish(
                &cid,
                &[
                    HubConsultationStatus::Waiting,
                    HubConsultationStatus::Accepted,
                ],
                HubConsultationStatus::Ended,
                now,
                &ev,
            )
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, consultation = %ctx.consultation_id, "hang-up not recorded");
    }
    tracing::info!(consultation = %ctx.consultation_id, side = ctx.side_text(), "hung up");
    // Both sides (this one included) get `hangup` then a close.
    ctx.state.rooms.end(&ctx.consultation_id);
}

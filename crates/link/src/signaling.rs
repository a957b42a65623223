//! The signaling socket to the hub, kept alive across drops.
//!
//! [`spawn`] connects with the room's one-time join token and pumps
//! [`Signal`]s both ways: what the hub sends goes to `to_peer` (the peer connection), what
//! the returned sender receives goes to the hub. After a drop it reconnects with the
//! `rejoinToken` of the last `welcome` (with backoff); when the hub refuses that token it
//! asks for a fresh ticket. It ends on `hangup` (either way), when the consultation is over,
//! or when every sender is dropped.
use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use relais_protocol::api::ApiError;
use relais_protocol::signal::{encode, parse, Signal, MAX_MESSAGE_BYTES};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::error::from_transport;
use crate::{HubClient, LinkError};

/// Messages kept while the socket is down (an offer supersedes what came before it).
const MAX_PENDING: usize = 64;

/// What happens to the signaling link (for the call screen and the consultation record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// Connected to the hub (first time).
    Connected,
    /// The socket dropped; reconnecting.
    Lost {
        /// Why, without health data.
        reason: String,
    },
    /// Connected again after a drop.
    Restored {
        /// How long the link was down.
        after: Duration,
    },
    /// The hub refused to let this station in (revoked, consultation gone…).
    Refused {
        /// Stable code.
        code: String,
        /// French message.
        message: String,
    },
    /// The link ended (hang-up or consultation over).
    Ended,
}

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Starts the signaling pump; returns the sender of outgoing messages and the task.
pub fn spawn(
    client: HubClient,
    consultation_id: String,
    join_token: String,
    to_peer: mpsc::Sender<Signal>,
    events: mpsc::Sender<LinkEvent>,
) -> (mpsc::Sender<Signal>, JoinHandle<()>) {
    let (out_tx, out_rx) = mpsc::channel(256);
    let pump = Pump {
        client,
        consultation_id,
        token: join_token,
        to_peer,
        events,
        outgoing: out_rx,
        pending: VecDeque::new(),
    };
    (out_tx, tokio::spawn(pump.run()))
}

struct Pump {
    client: HubClient,
    consultation_id: String,
    token: String,
    to_peer: mpsc::Sender<Signal>,
    events: mpsc::Sender<LinkEvent>,
    outgoing: mpsc::Receiver<Signal>,
    pending: VecDeque<Signal>,
}

/// How one connected stretch ended.
enum Stretch {
    Dropped(String),
    Over,
}

impl Pump {
    async fn run(mut self) {
        let mut attempt: u32 = 0;
        let mut down_since: Option<tokio::time::Instant> = None;
        loop {
            match self.connect().await {
                Ok(socket) => {
                    attempt = 0;
                    let event = match down_since.take() {
                        None => LinkEvent::Connected,
                        Some(t) => LinkEvent::Restored { after: t.elapsed() },
                    };
                    let _ = self.events.send(event).await;
                    match self.pump(socket).await {
                        Stretch::Over => break,
                        Stretch::Dropped(reason) => {
                            tracing::info!(consultation = %self.consultation_id, %reason, "signaling dropped");
                            down_since = Some(tokio::time::Instant::now());
                            let _ = self.events.send(LinkEvent::Lost { reason }).await;
                        }
                    }
                }
                Err(LinkError::Refused(e))
                    if e.code == "TOKEN_USED" || e.code == "TOKEN_INVALID" =>
                {
                    match self.client.ticket(&self.consultation_id).await {
                        Ok(ticket) => {
                            self.token = ticket.join_token;
                            continue;
                        }
                        Err(LinkError::Refused(e)) => {
                            self.refused(e).await;
                            break;
                        }
                        Err(_) => {}
                    }
                }
                Err(LinkError::Refused(e)) if attempt > 0 || e.code.starts_with("STATION_") => {
                    self.refused(e).await;
                    break;
                }
                Err(e) => {
                    if down_since.is_none() {
                        down_since = Some(tokio::time::Instant::now());
                        let _ = self.events.send(LinkEvent::Lost { reason: e.code() }).await;
                    }
                }
            }
            if !self.wait_backoff(attempt).await {
                break;
            }
            attempt = attempt.saturating_add(1);
        }
        let _ = self.events.send(LinkEvent::Ended).await;
    }

    async fn refused(&self, e: ApiError) {
        let _ = self
            .events
            .send(LinkEvent::Refused {
                code: e.code,
                message: e.message,
            })
            .await;
    }

    async fn connect(&self) -> Result<Socket, LinkError> {
        let url = self.client.signal_url(&self.token)?;
        let mut config = WebSocketConfig::default();
        config.max_message_size = Some(MAX_MESSAGE_BYTES);
        config.max_frame_size = Some(MAX_MESSAGE_BYTES);
        let connector = Connector::Rustls(self.client.tls_config());
        let fut = tokio_tungstenite::connect_async_tls_with_config(
            url,
            Some(config),
            // TCP_NODELAY: an offer and its candidates go at once, not behind a delayed ACK.
            true,
            Some(connector),
        );
        match tokio::time::timeout(Duration::from_secs(10), fut).await {
            Err(_) => Err(LinkError::Unreachable("timeout".into())),
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(tungstenite::Error::Http(resp))) => {
                let body = resp.body().as_deref().unwrap_or_default();
                match serde_json::from_slice::<ApiError>(body) {
                    Ok(e) => Err(LinkError::Refused(e)),
                    Err(_) => Err(LinkError::Protocol(format!("HTTP {}", resp.status()))),
                }
            }
            Ok(Err(e)) => Err(from_transport(&e)),
        }
    }

    /// Pumps one connected stretch.
    async fn pump(&mut self, socket: Socket) -> Stretch {
        let (mut sink, mut stream) = socket.split();
        while let Some(signal) = self.pending.pop_front() {
            if sink.send(Message::text(encode(&signal))).await.is_err() {
                self.pending.push_front(signal);
                return Stretch::Dropped("send".into());
            }
        }
        loop {
            tokio::select! {
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Text(text))) => match parse(text.as_str()) {
                        Ok(signal) => {
                            tracing::debug!(kind = kind_of(&signal), "signal from the hub");
                            if let Signal::Welcome { rejoin_token, .. } = &signal {
                                self.token = rejoin_token.clone();
                            }
                            let over = matches!(signal, Signal::Hangup);
                            let _ = self.to_peer.send(signal).await;
                            if over {
                                return Stretch::Over;
                            }
                        }
                        Err(e) => tracing::warn!(code = e.code(), "unreadable signaling message ignored"),
                    },
                    Some(Ok(Message::Close(frame))) => {
                        let reason = frame.map(|f| format!("close {}", u16::from(f.code))).unwrap_or_else(|| "close".into());
                        return Stretch::Dropped(reason);
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Stretch::Dropped(e.to_string()),
                    None => return Stretch::Dropped("eof".into()),
                },
                outgoing = self.outgoing.recv() => match outgoing {
                    Some(signal) => {
                        tracing::debug!(kind = kind_of(&signal), "signal to the hub");
                        let over = matches!(signal, Signal::Hangup);
                        if sink.send(Message::text(encode(&signal))).await.is_err() {
                            self.keep(signal);
                            return Stretch::Dropped("send".into());
                        }
                        if over {
                            let _ = sink.close().await;
                            return Stretch::Over;
                        }
                    }
                    None => {
                        let _ = sink.close().await;
                        return Stretch::Over;
                    }
                },
            }
        }
    }

    /// Keeps a message for after the reconnection; an offer supersedes older messages.
    fn keep(&mut self, signal: Signal) {
        if matches!(signal, Signal::Offer { .. }) {
            self.pending.clear();
        }
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(signal);
    }

    /// Waits before the next attempt, keeping outgoing messages; false when the call is over.
    async fn wait_backoff(&mut self, attempt: u32) -> bool {
        let delay = backoff(attempt);
        let deadline = tokio::time::Instant::now() + delay;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return true,
                outgoing = self.outgoing.recv() => match outgoing {
                    // A hang-up while the hub is unreachable: nothing more to wait for.
                    Some(Signal::Hangup) | None => return false,
                    Some(signal) => self.keep(signal),
                },
            }
        }
    }
}

/// The message type, for logs (never the content).
fn kind_of(signal: &Signal) -> &'static str {
    match signal {
        Signal::Welcome { .. } => "welcome",
        Signal::PeerJoined => "peerJoined",
        Signal::PeerLeft => "peerLeft",
        Signal::Offer { .. } => "offer",
        Signal::Answer { .. } => "answer",
        Signal::Candidate { .. } => "candidate",
        Signal::RestartRequest => "restartRequest",
        Signal::Incident { .. } => "incident",
        Signal::Hangup => "hangup",
        Signal::Error { .. } => "error",
    }
}

/// Delay before reconnection attempt `attempt`: 0.2 s doubling up to 5 s.
pub fn backoff(attempt: u32) -> Duration {
    let ms = 200u64.saturating_mul(1u64 << attempt.min(5));
    Duration::from_millis(ms.min(5_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(200));
        assert_eq!(backoff(1), Duration::from_millis(400));
        assert_eq!(backoff(4), Duration::from_millis(3200));
        assert_eq!(backoff(5), Duration::from_millis(5000));
        assert_eq!(backoff(40), Duration::from_millis(5000));
    }
}

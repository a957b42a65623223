//! The peer connection's event handler: forwards everything to the session's control task.
use std::sync::Arc;

use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnectionEventHandler, RTCIceConnectionState, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState,
};

/// What a peer connection reports.
pub enum PcEvent {
    /// A local ICE candidate line to trickle.
    Candidate(String),
    /// ICE connection state.
    Ice(RTCIceConnectionState),
    /// Peer connection state.
    Connection(RTCPeerConnectionState),
    /// The far side opened a data channel.
    DataChannel(Arc<dyn DataChannel>),
    /// A remote track started.
    Track(Arc<dyn TrackRemote>),
}

/// Forwards events tagged with the generation of the connection that produced them.
pub struct Handler {
    /// Generation of the connection.
    pub generation: u64,
    /// To the control task.
    pub tx: mpsc::UnboundedSender<(u64, PcEvent)>,
}

impl Handler {
    fn send(&self, event: PcEvent) {
        let _ = self.tx.send((self.generation, event));
    }
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        match event.candidate.to_json() {
            Ok(init) => self.send(PcEvent::Candidate(init.candidate)),
            Err(e) => tracing::debug!(error = %e, "local candidate not serialisable"),
        }
    }

    async fn on_ice_connection_state_change(&self, state: RTCIceConnectionState) {
        self.send(PcEvent::Ice(state));
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        self.send(PcEvent::Connection(state));
    }

    async fn on_data_channel(&self, data_channel: Arc<dyn DataChannel>) {
        self.send(PcEvent::DataChannel(data_channel));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        self.send(PcEvent::Track(track));
    }
}

//! Live rooms: who is connected on each side of each consultation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use relais_protocol::signal::{encode, Side, Signal, CLOSE_POLICY};
use tokio::sync::mpsc::UnboundedSender;

/// What the hub asks a socket's task to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// A text frame.
    Text(String),
    /// A close frame with code and reason; the task ends after it.
    Close(u16, String),
}

#[derive(Debug)]
struct Peer {
    conn: u64,
    tx: UnboundedSender<Outbound>,
}

#[derive(Debug)]
struct Room {
    station_id: String,
    station: Option<Peer>,
    gp: Option<Peer>,
}

impl Room {
    fn slot(&mut self, side: Side) -> &mut Option<Peer> {
        match side {
            Side::Station => &mut self.station,
            Side::Gp => &mut self.gp,
        }
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Station => Side::Gp,
        Side::Gp => Side::Station,
    }
}

/// Registry of rooms, by consultation id.
#[derive(Debug, Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Room>>,
    next_conn: AtomicU64,
}

/// Result of joining a room.
#[derive(Debug)]
pub struct Joined {
    /// Id of this connection.
    pub conn: u64,
    /// Whether the other side is connected.
    pub peer_present: bool,
}

impl Rooms {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a socket on `side` of the room; a previous socket of that side is closed.
    pub fn join(
        &self,
        consultation_id: &str,
        station_id: &str,
        side: Side,
        tx: UnboundedSender<Outbound>,
    ) -> Joined {
        let conn = self.next_conn.fetch_add(1, Ordering::Relaxed) + 1;
        let mut rooms = self.lock();
        let room = rooms
            .entry(consultation_id.to_string())
            .or_insert_with(|| Room {
                station_id: station_id.to_string(),
                station: None,
                gp: None,
            });
        if let Some(old) = room.slot(side).replace(Peer { conn, tx }) {
            let _ = old.tx.send(Outbound::Close(
                1000,
                "remplacée par une nouvelle connexion".into(),
            ));
        }
        Joined {
            conn,
            peer_present: room.slot(other(side)).is_some(),
        }
    }

    /// Removes the socket `conn` if it is still the one of its side; true if it was.
    pub fn leave(&self, consultation_id: &str, side: Side, conn: u64) -> bool {
        let mut rooms = self.lock();
        let Some(room) = rooms.get_mut(consultation_id) else {
            return false;
        };
        let current = room.slot(side).as_ref().is_some_and(|p| p.conn == conn);
        if current {
            *room.slot(side) = None;
        }
        if room.station.is_none() && room.gp.is_none() {
            rooms.remove(consultation_id);
        }
        current
    }

    /// Sends to the other side; false when nobody is there.
    pub fn send_to_other(&self, consultation_id: &str, from: Side, signal: &Signal) -> bool {
        let mut rooms = self.lock();
        rooms
            .get_mut(consultation_id)
            .and_then(|r| r.slot(other(from)).as_ref())
            .is_some_and(|p| p.tx.send(Outbound::Text(encode(signal))).is_ok())
    }

    /// The call is over: `hangup` to both sides, then their sockets close.
    pub fn end(&self, consultation_id: &str) {
        let room = self.lock().remove(consultation_id);
        if let Some(room) = room {
            for peer in [room.station, room.gp].into_iter().flatten() {
                let _ = peer.tx.send(Outbound::Text(encode(&Signal::Hangup)));
                let _ = peer
                    .tx
                    .send(Outbound::Close(1000, "téléconsultation terminée".into()));
            }
        }
    }

    /// A revoked station: its sockets get an error then are closed; the GPs see `peerLeft`.
    pub fn close_station(&self, station_id: &str) {
        let mut rooms = self.lock();
        for room in rooms.values_mut().filter(|r| r.station_id == station_id) {
            if let Some(peer) = room.station.take() {
                let _ = peer.tx.send(Outbound::Text(encode(&Signal::Error {
                    code: "STATION_REVOKED".into(),
                    message: "Ce poste a été révoqué par le coordinateur.".into(),
                })));
                let _ = peer
                    .tx
                    .send(Outbound::Close(CLOSE_POLICY, "poste révoqué".into()));
                if let Some(gp) = &room.gp {
                    let _ = gp.tx.send(Outbound::Text(encode(&Signal::PeerLeft)));
                }
            }
        }
        rooms.retain(|_, r| r.station.is_some() || r.gp.is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn relays_to_the_other_side_and_replaces_a_stale_socket() {
        let rooms = Rooms::default();
        let (stx, mut srx) = unbounded_channel();
        let (gtx, mut grx) = unbounded_channel();
        let s = rooms.join("c1", "st1", Side::Station, stx);
        assert!(!s.peer_present);
        let g = rooms.join("c1", "st1", Side::Gp, gtx);
        assert!(g.peer_present);
        assert!(rooms.send_to_other("c1", Side::Station, &Signal::Hangup));
        assert_eq!(
            grx.try_recv().ok(),
            Some(Outbound::Text(encode(&Signal::Hangup)))
        );
        let (stx2, _srx2) = unbounded_channel();
        let s2 = rooms.join("c1", "st1", Side::Station, stx2);
        assert!(matches!(srx.try_recv(), Ok(Outbound::Close(1000, _))));
        assert!(
            !rooms.leave("c1", Side::Station, s.conn),
            "stale socket leaves nothing"
        );
        assert!(rooms.leave("c1", Side::Station, s2.conn));
        assert!(!rooms.send_to_other("c1", Side::Gp, &Signal::Hangup));
    }
}

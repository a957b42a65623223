//! Two sessions in one process on 127.0.0.1, wired by channels as the hub would relay them:
//! the station (offerer, 440 Hz) and a GP stand-in (answerer, 1000 Hz).
#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions may unwrap.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relais_media::{pattern, tone, MemorySink, SyntheticVideo, ToneSource};
use relais_protocol::signal::Signal;
use relais_rtc::{
    CallState, EndReason, IncidentKind, LocalMedia, Role, Session, SessionEvent, SessionOptions,
    Timing,
};
use tokio::sync::mpsc;

/// What a peer's events said so far.
#[derive(Default)]
struct Seen {
    states: Vec<CallState>,
    counters: Vec<(Instant, u16)>,
    data: Vec<String>,
    data_open: bool,
    incidents: Vec<IncidentKind>,
    timings: Vec<Timing>,
}

struct Peer {
    session: Session,
    seen: Arc<Mutex<Seen>>,
    sink: MemorySink,
    /// Signals into this peer (as the hub would send them).
    inbox: mpsc::Sender<Signal>,
}

impl Peer {
    fn seen<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.seen.lock().unwrap())
    }

    fn state(&self) -> Option<CallState> {
        self.seen(|s| s.states.last().cloned())
    }

    fn frames_since(&self, t: Instant) -> Vec<u16> {
        self.seen(|s| {
            s.counters
                .iter()
                .filter(|c| c.0 >= t)
                .map(|c| c.1)
                .collect()
        })
    }
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts a peer; its outgoing signals come out of the returned receiver.
async fn peer(role: Role, freq: f32, size: (u32, u32, u32)) -> (Peer, mpsc::Receiver<Signal>) {
    let (inbox, signals_in) = mpsc::channel(256);
    let (signals_out, outbox) = mpsc::channel(256);
    let sink = MemorySink::new(2);
    let media = LocalMedia {
        video: Some(Box::new(
            SyntheticVideo::new(size.0, size.1, size.2).unwrap(),
        )),
        audio: Some(Box::new(ToneSource::new(freq, 0.5))),
        speaker: Some(Box::new(sink.clone())),
    };
    let options = SessionOptions::new(role).loopback();
    let (session, mut events) = Session::start(options, media, signals_in, signals_out)
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let collected = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let mut s = collected.lock().unwrap();
            match event {
                SessionEvent::State(state) => s.states.push(state),
                SessionEvent::RemoteVideo(frame) => {
                    if let Some((counter, _)) = pattern::read(&frame) {
                        s.counters.push((Instant::now(), counter));
                    }
                }
                SessionEvent::Data(text) => s.data.push(text),
                SessionEvent::DataChannelOpen => s.data_open = true,
                SessionEvent::Incident { kind, .. } => s.incidents.push(kind),
                SessionEvent::Timing(t) => s.timings.push(t),
                SessionEvent::RemoteAudio(_) => {}
            }
        }
    });
    let p = Peer {
        session,
        seen,
        sink,
        inbox,
    };
    (p, outbox)
}

/// Relays one side's signals to the other, like the hub (incidents are recorded, not relayed).
fn relay(mut from: mpsc::Receiver<Signal>, to: mpsc::Sender<Signal>) {
    tokio::spawn(async move {
        while let Some(signal) = from.recv().await {
            if matches!(signal, Signal::Incident { .. }) {
                continue;
            }
            if to.send(signal).await.is_err() {
                break;
            }
        }
    });
}

async fn connected_pair(size: (u32, u32, u32)) -> (Peer, Peer) {
    let (station, station_out) = peer(Role::Offerer, 440.0, size).await;
    let (gp, gp_out) = peer(Role::Answerer, 1000.0, size).await;
    relay(station_out, gp.inbox.clone());
    relay(gp_out, station.inbox.clone());
    station.inbox.send(Signal::PeerJoined).await.unwrap();
    wait_until("both connected", Duration::from_secs(8), || {
        station.state() == Some(CallState::Connected) && gp.state() == Some(CallState::Connected)
    })
    .await;
    (station, gp)
}

fn increasing(counters: &[u16]) -> bool {
    counters.len() >= 2 && counters.windows(2).all(|w| w[1] > w[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_carries_video_voice_and_data_both_ways() {
    let (station, gp) = connected_pair((640, 480, 30)).await;
    wait_until("frames on both sides", Duration::from_secs(6), || {
        station.seen(|s| s.counters.len()) >= 15 && gp.seen(|s| s.counters.len()) >= 15
    })
    .await;
    for (who, p) in [("station", &station), ("gp", &gp)] {
        let counters: Vec<u16> = p.seen(|s| s.counters.iter().map(|c| c.1).collect());
        assert!(increasing(&counters), "{who}: {counters:?}");
    }

    // Voice: 440 Hz heard by the GP, 1000 Hz by the station.
    wait_until("audio", Duration::from_secs(4), || {
        station.sink.samples().len() >= 48_000 && gp.sink.samples().len() >= 48_000
    })
    .await;
    let at_gp = gp.sink.last(9600);
    let at_station = station.sink.last(9600);
    assert!(
        tone::level(&at_gp, 440.0) > 0.2,
        "gp 440: {}",
        tone::level(&at_gp, 440.0)
    );
    assert!(tone::level(&at_gp, 1000.0) < 0.05);
    assert!(tone::level(&at_station, 1000.0) > 0.2);
    assert!(tone::level(&at_station, 440.0) < 0.05);

    // Data channel, both ways.
    wait_until("data channels open", Duration::from_secs(4), || {
        station.seen(|s| s.data_open) && gp.seen(|s| s.data_open)
    })
    .await;
    station
        .session
        .send_data("{\"type\":\"chat\",\"text\":\"bonjour\"}")
        .await
        .unwrap();
    gp.session.send_data("bonjour la station").await.unwrap();
    wait_until("data received", Duration::from_secs(3), || {
        gp.seen(|s| s.data.len()) == 1 && station.seen(|s| s.data.len()) == 1
    })
    .await;
    assert_eq!(
        gp.seen(|s| s.data[0].clone()),
        "{\"type\":\"chat\",\"text\":\"bonjour\"}"
    );
    assert_eq!(station.seen(|s| s.data[0].clone()), "bonjour la station");

    let timings = station.seen(|s| s.timings.clone());
    println!("station timings: {timings:?}");
    println!("gp timings: {:?}", gp.seen(|s| s.timings.clone()));
    assert!(timings
        .iter()
        .any(|t| matches!(t, Timing::Connected { .. })));
    assert!(timings
        .iter()
        .any(|t| matches!(t, Timing::FirstRemoteVideo { .. })));

    station.session.hangup().await;
    gp.session.closed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_restart_while_connected_keeps_the_call() {
    let (station, gp) = connected_pair((320, 240, 20)).await;
    wait_until("frames", Duration::from_secs(5), || {
        gp.seen(|s| s.counters.len()) >= 5
    })
    .await;

    // The station restarts ICE, then the GP asks for one.
    station.session.restart_ice().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    gp.session.restart_ice().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let after = Instant::now();
    wait_until("frames after the restarts", Duration::from_secs(5), || {
        gp.frames_since(after).len() >= 10 && station.frames_since(after).len() >= 10
    })
    .await;
    assert!(increasing(&gp.frames_since(after)));
    assert!(increasing(&station.frames_since(after)));
    assert_eq!(station.state(), Some(CallState::Connected));
    assert_eq!(gp.state(), Some(CallState::Connected));
    let restarts = station.seen(|s| {
        s.incidents
            .iter()
            .filter(|k| **k == IncidentKind::IceRestart)
            .count()
    });
    assert!(restarts >= 2, "{restarts} restarts recorded");

    station.session.hangup().await;
    gp.session.closed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hangup_ends_both_sides_and_stops_every_task() {
    let (station, gp) = connected_pair((320, 240, 20)).await;
    wait_until("frames", Duration::from_secs(5), || {
        station.seen(|s| s.counters.len()) >= 3
    })
    .await;
    assert!(station.session.running_tasks() > 4);

    tokio::time::timeout(Duration::from_secs(5), station.session.hangup())
        .await
        .expect("hang-up finishes");
    tokio::time::timeout(Duration::from_secs(5), gp.session.closed())
        .await
        .expect("the other side ends too");
    assert_eq!(station.session.running_tasks(), 0);
    assert_eq!(gp.session.running_tasks(), 0);
    wait_until("ended states", Duration::from_secs(1), || {
        station.state()
            == Some(CallState::Ended {
                reason: EndReason::LocalHangup,
            })
            && gp.state()
                == Some(CallState::Ended {
                    reason: EndReason::RemoteHangup,
                })
    })
    .await;
    assert!(station.session.send_data("x").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reloaded_gp_gets_a_new_connection() {
    let (station, station_out) = peer(Role::Offerer, 440.0, (320, 240, 20)).await;
    let (first_gp, first_out) = peer(Role::Answerer, 1000.0, (320, 240, 20)).await;
    // The station's signals go through a switch, so that a second GP can take over.
    let target = Arc::new(tokio::sync::Mutex::new(first_gp.inbox.clone()));
    let switch = Arc::clone(&target);
    tokio::spawn(async move {
        let mut from = station_out;
        while let Some(signal) = from.recv().await {
            if !matches!(signal, Signal::Incident { .. }) {
                let _ = switch.lock().await.send(signal).await;
            }
        }
    });
    relay(first_out, station.inbox.clone());
    station.inbox.send(Signal::PeerJoined).await.unwrap();
    wait_until("first GP sees frames", Duration::from_secs(8), || {
        first_gp.seen(|s| s.counters.len()) >= 3
    })
    .await;

    // The GP reloads: its old session vanishes without a hang-up, a new one joins.
    let (second_gp, second_out) = peer(Role::Answerer, 1000.0, (320, 240, 20)).await;
    *target.lock().await = second_gp.inbox.clone();
    relay(second_out, station.inbox.clone());
    station.inbox.send(Signal::PeerJoined).await.unwrap();
    wait_until("second GP sees frames", Duration::from_secs(8), || {
        second_gp.seen(|s| s.counters.len()) >= 5 && second_gp.state() == Some(CallState::Connected)
    })
    .await;
    assert!(station.seen(|s| s.incidents.contains(&IncidentKind::PeerRejoined)));
    wait_until("station back to connected", Duration::from_secs(5), || {
        station.state() == Some(CallState::Connected)
    })
    .await;

    station.session.hangup().await;
    second_gp.session.closed().await;
    first_gp.session.hangup().await;
    assert_eq!(station.session.running_tasks(), 0);
}

//! Signaling: one-time tokens, who may join, relay, rejoin, refused frames, hang-up, TURN.

mod common;

use base64::Engine;
use common::*;
use futures_util::SinkExt;
use hmac::{Hmac, Mac};
use relais_hub::IceServerConfig;
use relais_protocol::api::{ConsultationEvent, RoomTicket};
use relais_protocol::signal::{Side, Signal};
use tokio_tungstenite::tungstenite::Message;

/// A station and an accepting GP, each with a ticket; and the GP's client and cookie.
struct Call {
    th: TestHub,
    station: RoomTicket,
    gp: RoomTicket,
    gp_client: reqwest::Client,
    gp_cookie: String,
}

async fn call_with(th: TestHub) -> Call {
    let station = th.station("Poste").await;
    let (gp_client, gp_cookie, _) = th.gp("gp@relais.test").await;
    let ticket = th.consultation(&station, "local-1").await;
    let gp: RoomTicket = th
        .accept(&gp_client, &ticket.consultation_id)
        .await
        .json()
        .await
        .expect("gp ticket");
    Call {
        th,
        station: ticket,
        gp,
        gp_client,
        gp_cookie,
    }
}

async fn call() -> Call {
    call_with(hub().await).await
}

/// Both sides connected; returns (station socket, its rejoin token, gp socket, its rejoin token).
async fn connected(c: &Call) -> (Ws, String, Ws, String) {
    let mut s =
        c.th.connect(&c.station.join_token, None)
            .await
            .expect("station ws");
    let Signal::Welcome {
        side,
        peer_present,
        rejoin_token: s_rejoin,
        ..
    } = recv(&mut s).await
    else {
        panic!("welcome expected");
    };
    assert_eq!((side, peer_present), (Side::Station, false));
    let mut g =
        c.th.connect(&c.gp.join_token, Some(&c.gp_cookie))
            .await
            .expect("gp ws");
    let Signal::Welcome {
        side,
        peer_present,
        rejoin_token: g_rejoin,
        ..
    } = recv(&mut g).await
    else {
        panic!("welcome expected");
    };
    assert_eq!((side, peer_present), (Side::Gp, true));
    assert_eq!(recv(&mut s).await, Signal::PeerJoined);
    (s, s_rejoin, g, g_rejoin)
}

fn offer() -> Signal {
    Signal::Offer {
        sdp: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_tokens_are_one_time_and_bound_to_their_side() {
    let c = call().await;
    assert_eq!(
        c.th.refused("inconnu", None).await,
        (401, "TOKEN_INVALID".into())
    );
    // A GP token without a session, or with another GP's session.
    assert_eq!(
        c.th.refused(&c.gp.join_token, None).await,
        (401, "NOT_SIGNED_IN".into())
    );
    let (_, other_cookie, _) = c.th.gp("autre@relais.test").await;
    assert_eq!(
        c.th.refused(&c.gp.join_token, Some(&other_cookie)).await,
        (403, "FORBIDDEN".into())
    );
    // The station's token used by a GP's browser.
    assert_eq!(
        c.th.refused(&c.station.join_token, Some(&c.gp_cookie))
            .await,
        (403, "FORBIDDEN".into())
    );
    // Refusals did not use the tokens up: their owners still join, once.
    let (_s, _, _g, _) = connected(&c).await;
    assert_eq!(
        c.th.refused(&c.station.join_token, None).await,
        (401, "TOKEN_USED".into())
    );
    assert_eq!(
        c.th.refused(&c.gp.join_token, Some(&c.gp_cookie)).await,
        (401, "TOKEN_USED".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_answer_candidates_and_restart_are_relayed_by_side() {
    let c = call().await;
    let (mut s, _, mut g, _) = connected(&c).await;
    send(&mut s, &offer()).await;
    assert_eq!(recv(&mut g).await, offer());
    let answer = Signal::Answer {
        sdp: "v=0\r\n".into(),
    };
    send(&mut g, &answer).await;
    assert_eq!(recv(&mut s).await, answer);
    let cand = Signal::Candidate {
        candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    };
    send(&mut s, &cand).await;
    assert_eq!(recv(&mut g).await, cand);
    send(&mut g, &cand).await;
    assert_eq!(recv(&mut s).await, cand);
    send(&mut g, &Signal::RestartRequest).await;
    assert_eq!(recv(&mut s).await, Signal::RestartRequest);
    // The GP may not offer, the station may not answer: error, not relayed, socket open.
    send(&mut g, &offer()).await;
    assert!(matches!(recv(&mut g).await, Signal::Error { code, .. } if code == "SIGNAL_FORBIDDEN"));
    send(&mut s, &answer).await;
    assert!(matches!(recv(&mut s).await, Signal::Error { code, .. } if code == "SIGNAL_FORBIDDEN"));
    send(&mut s, &offer()).await;
    assert_eq!(recv(&mut g).await, offer());
    // Incidents are recorded, not relayed.
    send(
        &mut s,
        &Signal::Incident {
            kind: "MEDIA_DISCONNECTED".into(),
            detail: "ice=disconnected".into(),
        },
    )
    .await;
    send(&mut s, &cand).await;
    assert_eq!(recv(&mut g).await, cand, "the incident was not relayed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_side_rejoins_with_its_rejoin_token() {
    let c = call().await;
    let (s, s_rejoin, mut g, _) = connected(&c).await;
    drop(s);
    assert_eq!(recv(&mut g).await, Signal::PeerLeft);
    let mut s = c.th.connect(&s_rejoin, None).await.expect("rejoin");
    let Signal::Welcome {
        peer_present,
        rejoin_token,
        ..
    } = recv(&mut s).await
    else {
        panic!("welcome expected");
    };
    assert!(peer_present);
    assert_ne!(rejoin_token, s_rejoin);
    assert_eq!(recv(&mut g).await, Signal::PeerJoined);
    send(&mut s, &offer()).await;
    assert_eq!(recv(&mut g).await, offer());
    assert_eq!(
        c.th.refused(&s_rejoin, None).await,
        (401, "TOKEN_USED".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_unknown_version_and_binary_frames_close_only_that_socket() {
    let c = call().await;
    let (mut s, mut s_rejoin, mut g, _) = connected(&c).await;
    let bad: [(Message, u16, &str); 4] = [
        (
            Message::Text("{pas du json".into()),
            1008,
            "SIGNAL_MALFORMED",
        ),
        (
            Message::Text(
                format!(
                    "{{\"v\":1,\"type\":\"offer\",\"sdp\":\"{}\"}}",
                    "a".repeat(70 * 1024)
                )
                .into(),
            ),
            1009,
            "SIGNAL_TOO_BIG",
        ),
        (
            Message::Text("{\"v\":2,\"type\":\"hangup\"}".into()),
            1008,
            "SIGNAL_VERSION",
        ),
        (
            Message::Binary(vec![1, 2, 3].into()),
            1008,
            "SIGNAL_MALFORMED",
        ),
    ];
    for (frame, close, code) in bad {
        s.send(frame).await.expect("send");
        let (got, seen) = closed(&mut s).await;
        assert_eq!(got, Some(close), "{code}");
        assert!(
            seen.iter()
                .any(|m| matches!(m, Signal::Error { code: c, .. } if c == code)),
            "{code}: {seen:?}"
        );
        assert_eq!(recv(&mut g).await, Signal::PeerLeft);
        // The GP's side goes on, and the station comes back.
        s = c.th.connect(&s_rejoin, None).await.expect("rejoin");
        let Signal::Welcome { rejoin_token, .. } = recv(&mut s).await else {
            panic!("welcome expected");
        };
        s_rejoin = rejoin_token;
        assert_eq!(recv(&mut g).await, Signal::PeerJoined);
        send(&mut s, &offer()).await;
        assert_eq!(recv(&mut g).await, offer());
    }
    // Same for a GP frame: the station keeps going.
    g.send(Message::Text("[]".into())).await.expect("send");
    assert_eq!(closed(&mut g).await.0, Some(1008));
    assert_eq!(recv(&mut s).await, Signal::PeerLeft);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hangup_ends_the_call_for_both_and_is_in_the_events() {
    let c = call().await;
    let (mut s, s_rejoin, mut g, _) = connected(&c).await;
    send(
        &mut g,
        &Signal::Incident {
            kind: "ICE_RESTART".into(),
            detail: "attempt=1".into(),
        },
    )
    .await;
    send(&mut g, &Signal::Hangup).await;
    let (code, seen) = closed(&mut s).await;
    assert_eq!(code, Some(1000));
    assert!(seen.contains(&Signal::Hangup));
    let (code, seen) = closed(&mut g).await;
    assert_eq!(code, Some(1000));
    assert!(seen.contains(&Signal::Hangup));
    assert_eq!(
        c.th.refused(&s_rejoin, None).await,
        (409, "CONSULTATION_ENDED".into())
    );
    // Give the sockets' tasks a moment to record their leaving.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let events: Vec<ConsultationEvent> = c
        .gp_client
        .get(c.th.url(&format!(
            "/api/consultations/{}/events",
            c.gp.consultation_id
        )))
        .send()
        .await
        .expect("events")
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "consultation.request",
        "consultation.accept",
        "signal.join",
        "signal.incident",
        "signal.hangup",
        "signal.leave",
    ] {
        assert!(actions.contains(&a), "{a} missing in {actions:?}");
    }
    let incident = events
        .iter()
        .find(|e| e.action == "signal.incident")
        .expect("incident");
    assert!(incident.detail.contains("kind=ICE_RESTART"));
    assert!(c.th.hub.admin().verify_audit().await.expect("verify"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turn_credentials_are_hmac_sha1_of_expiry_and_room() {
    let th = hub_with(|config| {
        config.turn_secret = Some("secret-partagé".into());
        config.relay_only = true;
        config.ice_servers = vec![
            IceServerConfig {
                urls: vec!["stun:127.0.0.1:3478".into()],
            },
            IceServerConfig {
                urls: vec!["turn:127.0.0.1:3478?transport=udp".into()],
            },
        ];
    })
    .await;
    let c = call_with(th).await;
    let check = |servers: &[relais_protocol::api::IceServer], room: &str| {
        assert_eq!(servers.len(), 2);
        assert!(servers[0].username.is_none() && servers[0].credential.is_none());
        let user = servers[1].username.clone().expect("username");
        let (expiry, r) = user.split_once(':').expect("expiry:room");
        assert_eq!(r, room);
        let expiry: i64 = expiry.parse().expect("unix time");
        assert_eq!(expiry, c.th.now().timestamp() + 3600);
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice("secret-partagé".as_bytes()).expect("key");
        mac.update(user.as_bytes());
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(servers[1].credential.as_deref(), Some(expected.as_str()));
    };
    check(&c.station.ice_servers, &c.station.room_id);
    check(&c.gp.ice_servers, &c.gp.room_id);
    assert!(c.station.relay_only);
    let mut s = c.th.connect(&c.station.join_token, None).await.expect("ws");
    let Signal::Welcome {
        ice_servers,
        relay_only,
        room_id,
        ..
    } = recv(&mut s).await
    else {
        panic!("welcome expected");
    };
    assert!(relay_only);
    check(&ice_servers, &room_id);
}

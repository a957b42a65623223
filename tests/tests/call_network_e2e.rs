//! The call through a TURN relay (coturn), and its recovery when the media path is cut for
//! 3 s: no user action, and the incident in the consultation's record.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::turn::{Turn, TURN_SECRET};
use relais_e2e::Result;

/// A relay-only call, connected, with video flowing both ways.
async fn relayed_call(turn: &Turn) -> Result<CallScenario> {
    let s = CallScenario::prepare(ScenarioOptions {
        ice_urls: vec![turn.url()],
        turn_secret: Some(TURN_SECRET.into()),
        relay_only: true,
        ..ScenarioOptions::default()
    })
    .await?;
    s.calls.start(&s.consultation_id).await?;
    s.gp_signs_in().await?;
    s.gp_accepts().await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
        v == "connected"
    })
    .await?;
    s.station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    station_frames_advance(&s, Duration::from_secs(15)).await?;
    Ok(s)
}

/// Waits until the station decodes GP frames whose counter moves; returns when.
async fn station_frames_advance(s: &CallScenario, within: Duration) -> Result<Instant> {
    let deadline = Instant::now() + within;
    let start = s.probe.frames.lock().unwrap().len();
    loop {
        {
            let frames = s.probe.frames.lock().unwrap();
            if frames.len() > start + 5 && frames[frames.len() - 1].1 != frames[start].1 {
                return Ok(frames[start + 5].0);
            }
        }
        if Instant::now() > deadline {
            return Err("GP frames stopped reaching the station".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether the console decodes the station's picture (counter read back).
async fn console_sees_station(s: &CallScenario) -> Option<u64> {
    s.gp_reads_remote().await.ok()?["counter"].as_u64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn call_relayed_only_through_coturn() -> Result {
    relais_e2e::within(
        std::time::Duration::from_secs(180),
        call_relayed_only_through_coturn_steps(),
    )
    .await
}

async fn call_relayed_only_through_coturn_steps() -> Result {
    let turn = Turn::start()?;
    let s = relayed_call(&turn).await?;
    let mut seen = None;
    for _ in 0..100 {
        if let Some(c) = console_sees_station(&s).await {
            seen = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.is_some(),
        "the console never decoded the station's picture"
    );
    let log = turn.log_text();
    assert!(
        log.contains("ALLOCATE processed, success"),
        "coturn allocated nothing: the media did not go through the relay"
    );
    s.calls.hang_up().await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn call_recovers_by_itself_after_a_3_second_cut() -> Result {
    relais_e2e::within(
        std::time::Duration::from_secs(180),
        call_recovers_by_itself_after_a_3_second_cut_steps(),
    )
    .await
}

async fn call_recovers_by_itself_after_a_3_second_cut_steps() -> Result {
    let turn = Turn::start()?;
    let s = relayed_call(&turn).await?;

    turn.pause()?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    turn.resume()?;
    let restored = Instant::now();

    // Media comes back on both sides without anyone touching anything.
    let back = station_frames_advance(&s, Duration::from_secs(20)).await?;
    let recovery = back.saturating_duration_since(restored);
    eprintln!(
        "GP video back at the station {} ms after the link was restored",
        recovery.as_millis()
    );
    s.station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(20), |v| {
        v == "connected"
    })
    .await?;
    // The station's picture moves again in the console (a keyframe may be needed first).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let before = console_sees_station(&s).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after = console_sees_station(&s).await;
        if after.is_some() && after != before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "station picture frozen in the console: {before:?} → {after:?}"
        );
    }

    // The incident is in the station's record and in the hub's audit.
    let status = s.calls.status().unwrap();
    let kinds: Vec<&str> = status.events.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"MEDIA_DISCONNECTED"), "journal: {kinds:?}");
    assert!(kinds.contains(&"RECOVERED"), "journal: {kinds:?}");
    let stored = s.station.call_journal(&s.consultation_id)?;
    assert!(
        stored.iter().any(|e| e.kind == "MEDIA_DISCONNECTED"),
        "not stored: {stored:?}"
    );
    let audit = s.hub.admin().audit().await?;
    assert!(
        audit
            .iter()
            .any(|e| e.detail.contains("MEDIA_DISCONNECTED")),
        "hub audit has no incident"
    );
    Ok(())
}

//! The call through a TURN relay (coturn), and its recovery when the media path is cut for
//! 3 s: no user action, and the incident in the consultation's record.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::turn::{Turn, TURN_SECRET};
use relais_e2e::{eventually, Result};

/// A relay-only call, connected, with video flowing both ways.
async fn relayed_call(turn: &Turn) -> Result<CallScenario> {
    let s = CallScenario::prepare(ScenarioOptions {
        ice_urls: vec![turn.url()],
        turn_secret: Some(TURN_SECRET.into()),
        relay_only: true,
        ..ScenarioOptions::default()
    })
    .await?;
    s.connect().await?;
    s.station_sees_gp_moving(Duration::from_secs(15)).await?;
    Ok(s)
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
    eventually(
        "the console decoding the station's picture",
        Duration::from_secs(10),
        async || console_sees_station(&s).await,
    )
    .await?;
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
    let back = s.station_sees_gp_moving(Duration::from_secs(20)).await?;
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
    s.console_sees_station_moving(Duration::from_secs(10))
        .await?;

    // The incident is in the station's record and in the hub's audit.
    s.incident_recorded().await?;
    Ok(())
}

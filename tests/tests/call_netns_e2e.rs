//! The call across a real network interface: the GP's browser is in its own network
//! namespace, joined to the hub and the station by a veth link. The whole consultation runs
//! over that link, then the interface is taken down for 3 s and brought back: the call
//! recovers on both sides without anyone touching anything, and the incident is recorded.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::Result;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn call_over_a_veth_link_recovers_after_the_interface_is_down_3_seconds() -> Result {
    relais_e2e::within(Duration::from_secs(180), steps()).await
}

async fn steps() -> Result {
    let s = CallScenario::prepare(ScenarioOptions {
        gp_in_netns: true,
        ..ScenarioOptions::default()
    })
    .await?;
    let ns = s.netns.as_ref().ok_or("no namespace")?;
    assert!(
        s.hub.url().contains(&ns.host_ip().to_string()),
        "the hub must be reached over the link: {}",
        s.hub.url()
    );

    s.calls.start(&s.consultation_id).await?;
    s.gp_signs_in().await?;
    s.gp_accepts().await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
        v == "connected"
    })
    .await?;
    s.station_state(CallState::Connected, Duration::from_secs(20))
        .await?;

    // Video and sound both ways, over the link.
    station_sees_gp_moving(&s, Duration::from_secs(15)).await?;
    console_sees_station_moving(&s, Duration::from_secs(15)).await?;
    wait_until(
        "the GP's tone at the station",
        Duration::from_secs(10),
        || s.probe.tone_level(1000.0) > 0.05,
    )
    .await?;

    // The interface goes down for 3 s.
    ns.link_down()?;
    let cut = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    ns.link_up()?;
    let restored = Instant::now();
    eprintln!(
        "link down for {} ms",
        restored.duration_since(cut).as_millis()
    );

    // Both directions come back by themselves.
    let gp_back = station_sees_gp_moving(&s, Duration::from_secs(20)).await?;
    let station_back = console_sees_station_moving(&s, Duration::from_secs(20)).await?;
    eprintln!(
        "after restore: GP video at the station in {} ms, station video in the console in {} ms",
        gp_back.saturating_duration_since(restored).as_millis(),
        station_back.saturating_duration_since(restored).as_millis()
    );
    s.station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(20), |v| {
        v == "connected"
    })
    .await?;

    // The incident is in the station's record and in the hub's audit.
    let stored = s.station.call_journal(&s.consultation_id)?;
    let kinds: Vec<&str> = stored.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"MEDIA_DISCONNECTED"), "journal: {kinds:?}");
    assert!(kinds.contains(&"RECOVERED"), "journal: {kinds:?}");
    let audit = s.hub.admin().audit().await?;
    assert!(
        audit
            .iter()
            .any(|e| e.detail.contains("MEDIA_DISCONNECTED")),
        "hub audit has no incident"
    );

    // The GP hangs up: both sides end, and the end is recorded.
    s.gp.click("hangup").await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    wait_until("the station's call to end", Duration::from_secs(10), || {
        s.calls.status().is_some_and(|st| st.state.is_over())
    })
    .await?;
    let stored = s.station.call_journal(&s.consultation_id)?;
    assert!(
        stored.iter().any(|e| e.kind == "ENDED"),
        "journal: {stored:?}"
    );
    Ok(())
}

/// Waits until the station decodes GP frames whose counter moves; returns when.
async fn station_sees_gp_moving(s: &CallScenario, within: Duration) -> Result<Instant> {
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
            return Err("GP frames do not reach the station".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the console decodes the station's picture with a moving counter.
async fn console_sees_station_moving(s: &CallScenario, within: Duration) -> Result<Instant> {
    let deadline = Instant::now() + within;
    let mut last = None;
    loop {
        let now = s
            .gp_reads_remote()
            .await
            .ok()
            .and_then(|v| v["counter"].as_u64());
        if now.is_some() && last.is_some() && now != last {
            return Ok(Instant::now());
        }
        last = now;
        if Instant::now() > deadline {
            return Err(format!("station picture frozen in the console ({last:?})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_until(what: &str, within: Duration, ok: impl Fn() -> bool) -> Result {
    let deadline = Instant::now() + within;
    while !ok() {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

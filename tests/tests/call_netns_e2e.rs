//! The call across a real network interface: the GP's browser is in its own network
//! namespace, joined to the hub and the station by a veth link. The whole consultation runs
//! over that link; the link then loses one packet in ten from the GP for 5 s (the GP's voice
//! stays unbroken at the station); then the interface is taken down for 3 s and brought back:
//! the call recovers on both sides without anyone touching anything, and the incident is
//! recorded.
#![allow(clippy::unwrap_used)]
use std::time::{Duration, Instant};

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::{eventually, Result};

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

    s.connect().await?;

    // Video and sound both ways, over the link.
    s.station_sees_gp_moving(Duration::from_secs(15)).await?;
    s.console_sees_station_moving(Duration::from_secs(15))
        .await?;
    s.station_hears_gp(Duration::from_secs(10)).await?;

    // One packet in ten from the GP lost at random: the station fills the holes of the GP's
    // voice (FEC, concealment) rather than playing it shortened, with clicks.
    let (clean, _) = s.station_voice_over(Duration::from_secs(3)).await;
    let loss = ns.lossy_from_gp(10)?;
    let (lossy, tone) = s.station_voice_over(Duration::from_secs(5)).await;
    drop(loss);
    eprintln!(
        "GP's voice at the station: {:.1} % of the time on a clean link, {:.1} % with 10 % loss (1 kHz at {tone:.3})",
        clean * 100.0,
        lossy * 100.0
    );
    assert!(
        lossy > 0.97 && lossy < 1.03,
        "with 10 % loss the GP's voice filled {:.1} % of the time",
        lossy * 100.0
    );
    assert!(tone > 0.05, "the GP's tone through the loss: {tone}");

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
    let gp_back = s.station_sees_gp_moving(Duration::from_secs(20)).await?;
    let station_back = s
        .console_sees_station_moving(Duration::from_secs(20))
        .await?;
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
    s.incident_recorded().await?;

    // The GP hangs up: both sides end, and the end is recorded.
    s.gp.click("hangup").await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(10), |v| {
        v == "ended"
    })
    .await?;
    eventually(
        "the station's call to end",
        Duration::from_secs(10),
        async || {
            s.calls
                .status()
                .is_some_and(|st| st.state.is_over())
                .then_some(())
        },
    )
    .await?;
    let stored = s.station.call_journal(&s.consultation_id)?;
    assert!(
        stored.iter().any(|e| e.kind == "ENDED"),
        "journal: {stored:?}"
    );
    Ok(())
}

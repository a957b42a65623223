//! The latency benchmark's clock on real parts: two `pacat` readers of the stethoscope's
//! PulseAudio monitor, the second started while the bursts play, hold the same bursts at
//! different sample indices yet stamp them at the same wall time (the lower envelope of each
//! reader's stamps), so the latency between them is 0. Needs pulseaudio (`cargo xtask setup`).
use std::time::{Duration, Instant};

use relais_e2e::steth::latency::{self, Pattern};
use relais_e2e::steth::{self, PulseServer, STETH_SOURCE};
use relais_e2e::Result;

#[test]
fn two_readers_of_the_monitor_agree_on_every_burst_within_3_ms() -> Result {
    let pulse = PulseServer::start()?;
    let pattern = Pattern::new(10, 300);
    let wav = pulse.file("bursts.wav");
    steth::write_wav(&wav, &pattern.signal())?;
    let first = pulse.record(STETH_SOURCE)?;
    let spawned = steth::unix_ms();
    let mut player = pulse.play(&wav)?;
    // The monitor delivers once the sink plays (paplay may take a while to start here).
    let until = Instant::now() + Duration::from_secs(20);
    while first.samples() < 48_000 * 6 / 5 {
        if Instant::now() > until {
            let _ = player.kill();
            return Err("no sound from the monitor".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = pulse.record(STETH_SOURCE)?;
    let until = Instant::now() + Duration::from_secs(20);
    while player.try_wait()?.is_none() {
        if Instant::now() > until {
            let _ = player.kill();
            return Err("paplay did not finish".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let a = first.stop()?;
    let b = second.stop()?;
    let bursts = latency::measure(&pattern, &a, &b, 200.0);
    let s = latency::summarize(&bursts).ok_or("no burst found")?;
    eprintln!("[steth-clock] {s:?}");
    let (ia, ib) = (
        latency::locate(&pattern, &a.samples),
        latency::locate(&pattern, &b.samples),
    );
    for (name, r, h) in [("first", &a, &ia), ("second", &b, &ib)] {
        let at: Vec<Option<f64>> = h
            .iter()
            .map(|h| h.and_then(|h| r.clock.wall_at(h.pos)))
            .map(|w| w.map(|w| (w - spawned).round()))
            .collect();
        let start = r.clock.wall_at(0.0).unwrap_or(0.0) - spawned;
        eprintln!("[steth-clock] {name}: starts {start:.0} ms after paplay, bursts at {at:?} ms");
    }
    // The bursts played before the second reader started need not be in it; the others are.
    assert!(s.detected >= 5, "{bursts:?}");
    assert!(bursts.iter().all(|b| b.reference_score > 0.9), "{bursts:?}");
    assert!(s.min > -3.0 && s.max < 3.0, "{s:?}");
    // Not the same indices: the readers did start apart.
    let last = pattern.bursts - 1;
    let (pa, pb) = (
        ia[last].ok_or("last burst")?.pos,
        ib[last].ok_or("last burst")?.pos,
    );
    assert!(pa - pb > 24_000.0, "last burst at {pa} and {pb}");
    Ok(())
}

//! `call-bench <results.json>`: the call benchmark of the issue, in one run. The station's
//! backend (relais-app, synthetic camera and tone) calls the GP's console in headless
//! Chromium through a real hub on 127.0.0.1; a second Chromium playing the station's part
//! (`js/ref_station.js`) on the same hub is the reference.
//!
//! Measured, in this order: the CPU share and resident memory of this process during a
//! 720p30 call (first, while the process is fresh); offer→connected and offer→first decoded
//! frame (station and Chromium pair, median of [`RUNS`]); glass-to-glass video latency both
//! ways from the painted capture time; recovery after 3 s cuts (the GP's interface down, and
//! coturn paused in a relay-only call). Every entry is written, an `{ "error" }` in place of
//! the figures when its part failed.
use std::process::ExitCode;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use relais_app::call::CallState;
use relais_core::identity::Sex;
use relais_e2e::call::{
    requested_consultation, CallScenario, Probe, ScenarioOptions, FAKE_GP_MEDIA_JS,
};
use relais_e2e::gp::GpBrowser;
use relais_e2e::turn::{Turn, TURN_SECRET};
use relais_e2e::Result;
use serde_json::{json, Map, Value};

/// Plays the station's part in a second Chromium; returns its set-up times.
const REF_STATION_JS: &str = include_str!("../js/ref_station.js");

/// Calls per set-up measurement (a fresh scenario each): seven, as single set-ups on this
/// machine spread over ±70 ms and three runs decided the comparison with the pair by chance.
const RUNS: usize = 7;
/// Cuts of the relayed call.
const CUTS: usize = 3;
/// How long a cut lasts.
const CUT: Duration = Duration::from_secs(3);

/// The results, by entry name.
type Results = Map<String, Value>;

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: call-bench <results.json>");
        return ExitCode::from(2);
    };
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut results = Results::new();

    // First, in a fresh process: the resident memory is then the station's own, not what
    // the allocator kept of the fourteen scenarios and two browsers of the parts after it.
    eprintln!("[call-bench] CPU and memory during a 720p30 call");
    match within(Duration::from_secs(120), cpu_and_memory()).await {
        Ok((cpu, mem)) => {
            results.insert("station_cpu_percent_720p30".into(), with_build(cpu, build));
            results.insert("station_resident_memory_mb".into(), with_build(mem, build));
        }
        Err(e) => {
            for name in ["station_cpu_percent_720p30", "station_resident_memory_mb"] {
                results.insert(
                    name.into(),
                    with_build(json!({ "error": e.to_string() }), build),
                );
            }
        }
    }

    eprintln!("[call-bench] set-up times and glass-to-glass latency ({RUNS} calls)");
    set_up_and_latency(&mut results, build).await;
    for cut in [Cut::LinkDown, Cut::RelayStall] {
        eprintln!(
            "[call-bench] recovery after a {} s cut: {}",
            CUT.as_secs(),
            cut.describe()
        );
        let (to_station, to_gp) = match within(Duration::from_secs(180), reconnection(cut)).await {
            Ok(v) => v,
            Err(e) => (
                json!({ "error": e.to_string() }),
                json!({ "error": e.to_string() }),
            ),
        };
        let (a, b) = cut.entries();
        results.insert(a.into(), with_build(to_station, build));
        results.insert(b.into(), with_build(to_gp, build));
    }
    eprintln!("[call-bench] encode time per 720p frame, H.264 and VP8");
    let encode = relais_e2e::encode_bench::encode_720p()
        .unwrap_or_else(|e| json!({ "error": e.to_string() }));
    results.insert(
        "video_encode_ms_per_720p_frame".into(),
        with_build(encode, build),
    );
    print_table(&results);
    let text = match serde_json::to_string_pretty(&Value::Object(results)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("call-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&out, text + "\n") {
        eprintln!("call-bench: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Runs `f` with a deadline.
async fn within<T>(limit: Duration, f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(limit, f)
        .await
        .map_err(|_| format!("not finished within {} s", limit.as_secs()))?
}

fn with_build(mut v: Value, build: &str) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.insert("build".into(), json!(build));
    }
    v
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Set-up times, one call by each side per run.
#[derive(Default)]
struct SetUp {
    connected: Vec<f64>,
    first_frame: Vec<f64>,
    errors: Vec<String>,
}

impl SetUp {
    fn entries(&self, what: usize, target: &str, extra: &[(&str, Value)]) -> Value {
        let v = if what == 0 {
            &self.connected
        } else {
            &self.first_frame
        };
        let mut m = Map::new();
        match median(v) {
            Some(med) => {
                m.insert("value".into(), json!(round1(med)));
                m.insert("unit".into(), json!("ms"));
                m.insert("target".into(), json!(target));
                m.insert("runs".into(), json!(v.len()));
                m.insert(
                    "samples".into(),
                    json!(v.iter().map(|x| round1(*x)).collect::<Vec<_>>()),
                );
            }
            None => {
                m.insert(
                    "error".into(),
                    json!(self.errors.first().cloned().unwrap_or("no run".into())),
                );
            }
        }
        if !self.errors.is_empty() && !v.is_empty() {
            m.insert("failed_runs".into(), json!(self.errors));
        }
        for (k, val) in extra {
            m.insert((*k).into(), val.clone());
        }
        Value::Object(m)
    }
}

/// Parts 1–3: in each of [`RUNS`] fresh scenarios the station's backend and the reference
/// Chromium each call the same GP console once (order alternating), the station's call also
/// giving glass-to-glass samples.
async fn set_up_and_latency(results: &mut Results, build: &str) {
    let mut station = SetUp::default();
    let mut reference = SetUp::default();
    let mut codecs = Vec::new();
    let mut gp_to_station: Vec<f64> = Vec::new();
    let mut station_to_gp: Vec<f64> = Vec::new();
    let mut latency_errors = Vec::new();
    for run in 0..RUNS {
        let s = match within(Duration::from_secs(90), async {
            let s = CallScenario::prepare(ScenarioOptions::default()).await?;
            s.gp_signs_in().await?;
            Ok(s)
        })
        .await
        {
            Ok(s) => s,
            Err(e) => {
                let e = format!("run {}: scenario: {e}", run + 1);
                eprintln!("  {e}");
                station.errors.push(e.clone());
                reference.errors.push(e.clone());
                latency_errors.push(e);
                continue;
            }
        };
        // Alternate which call the console takes first (warm page, JIT, codecs).
        let station_first = run % 2 == 0;
        for part in 0..2 {
            if (part == 0) == station_first {
                match within(Duration::from_secs(90), station_call(&s)).await {
                    Ok(r) => {
                        eprintln!(
                            "  run {}: station  connected {:.0} ms, first frame {:.0} ms; glass-to-glass GP→station {:?} ms, station→GP {:?} ms",
                            run + 1,
                            r.connected,
                            r.first_frame,
                            median(&r.gp_to_station),
                            median(&r.station_to_gp)
                        );
                        station.connected.push(r.connected);
                        station.first_frame.push(r.first_frame);
                        gp_to_station.extend(r.gp_to_station);
                        station_to_gp.extend(r.station_to_gp);
                        if let Some(e) = r.latency_error {
                            latency_errors.push(format!("run {}: {e}", run + 1));
                        }
                    }
                    Err(e) => {
                        let e = format!("run {}: station call: {e}", run + 1);
                        eprintln!("  {e}");
                        station.errors.push(e.clone());
                        latency_errors.push(e);
                    }
                }
            } else {
                match within(Duration::from_secs(90), reference_call(&s)).await {
                    Ok((c, f, codec)) => {
                        eprintln!(
                            "  run {}: chromium connected {c:.0} ms, first frame {f:.0} ms ({codec})",
                            run + 1
                        );
                        reference.connected.push(c);
                        reference.first_frame.push(f);
                        codecs.push(codec);
                    }
                    Err(e) => {
                        let e = format!("run {}: reference call: {e}", run + 1);
                        eprintln!("  {e}");
                        reference.errors.push(e);
                    }
                }
            }
            if part == 0 {
                if let Err(e) = back_to_list(&s).await {
                    eprintln!("  run {}: console not back on the list: {e}", run + 1);
                }
            }
        }
        let _ = s.calls.hang_up().await;
    }

    let how = "from the first offer sent (the station's own timings, Probe.timings) to the peer connection `connected` / the first decoded GP frame";
    results.insert(
        "station_offer_to_connected_ms".into(),
        with_build(
            station.entries(
                0,
                "<= chromium_pair_offer_to_connected_ms",
                &[("method", json!(how))],
            ),
            build,
        ),
    );
    results.insert(
        "station_first_frame_ms".into(),
        with_build(
            station.entries(
                1,
                "< 500 (and <= chromium_pair_first_frame_ms)",
                &[("method", json!(how))],
            ),
            build,
        ),
    );
    let ref_how = "a second headless Chromium plays the station (js/ref_station.js: fake 640x480 camera and microphone, data channel, H.264 preferred), performance.now() from the offer sent to connectionState `connected` / the first requestVideoFrameCallback of the GP's video";
    results.insert(
        "chromium_pair_offer_to_connected_ms".into(),
        with_build(
            reference.entries(
                0,
                "reference",
                &[("method", json!(ref_how)), ("codec", json!(codecs))],
            ),
            build,
        ),
    );
    results.insert(
        "chromium_pair_first_frame_ms".into(),
        with_build(
            reference.entries(
                1,
                "reference",
                &[("method", json!(ref_how)), ("codec", json!(codecs))],
            ),
            build,
        ),
    );
    let latency = |samples: &[f64], method: &str| match median(samples) {
        Some(m) => {
            let mut v = json!({
                "value": round1(m),
                "unit": "ms",
                "target": "< 100",
                "samples": samples.len(),
                "p90": percentile(samples, 0.9),
                "method": method,
            });
            if !latency_errors.is_empty() {
                if let Some(o) = v.as_object_mut() {
                    o.insert("errors".into(), json!(latency_errors));
                }
            }
            v
        }
        None => json!({
            "error": latency_errors.first().cloned().unwrap_or("no sample".into()),
        }),
    };
    results.insert(
        "glass_to_glass_gp_to_station_ms".into(),
        with_build(
            latency(&gp_to_station, "capture time painted by the console's fake camera (Date.now() mod 65536) → frame decoded by the station's backend (Probe.latencies_ms), over 3 s of each connected call"),
            build,
        ),
    );
    results.insert(
        "glass_to_glass_station_to_gp_ms".into(),
        with_build(
            latency(&station_to_gp, "capture time painted by the station's synthetic camera → read from the console's <video> on a canvas (READ_REMOTE_JS latencyMs), 20+ reads per call; includes Chromium's jitter buffer and render delay"),
            build,
        ),
    );
}

fn percentile(v: &[f64], p: f64) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().map(round1)
}

/// What one call from the station's backend measured.
struct StationRun {
    connected: f64,
    first_frame: f64,
    gp_to_station: Vec<f64>,
    station_to_gp: Vec<f64>,
    latency_error: Option<String>,
}

/// The station calls, the GP accepts; set-up times then glass-to-glass latency; hang-up.
async fn station_call(s: &CallScenario) -> Result<StationRun> {
    s.calls.start(&s.consultation_id).await?;
    s.gp_accepts().await?;
    s.station_state(CallState::Connected, Duration::from_secs(30))
        .await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let (connected, first_frame) = loop {
        let timings = lock(&s.probe.timings).clone();
        let get = |what: &str| {
            timings
                .iter()
                .find(|t| t.0 == what)
                .map(|t| t.1.as_secs_f64() * 1000.0)
        };
        if let (Some(c), Some(f)) = (get("connected"), get("first_remote_video")) {
            break (c, f);
        }
        if Instant::now() > deadline {
            return Err(format!("timings incomplete after 15 s: {timings:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (gp_to_station, station_to_gp, latency_error) = match latency(s).await {
        Ok((a, b)) => (a, b, None),
        Err(e) => (Vec::new(), Vec::new(), Some(e.to_string())),
    };
    s.calls.hang_up().await?;
    Ok(StationRun {
        connected,
        first_frame,
        gp_to_station,
        station_to_gp,
        latency_error,
    })
}

/// Glass-to-glass samples of a connected call: GP→station over 3 s (after 1 s of warm-up),
/// then station→GP from 20 or more reads in the console.
async fn latency(s: &CallScenario) -> Result<(Vec<f64>, Vec<f64>)> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let from = lock(&s.probe.latencies_ms).len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let gp_to_station: Vec<f64> = lock(&s.probe.latencies_ms)
        .get(from..)
        .unwrap_or_default()
        .iter()
        .map(|l| f64::from(*l))
        .collect();
    let mut station_to_gp = Vec::new();
    let mut last_error = None;
    for _ in 0..80 {
        if station_to_gp.len() >= 24 {
            break;
        }
        match s.gp_reads_remote().await {
            Ok(v) => match v["latencyMs"].as_f64() {
                Some(l) => station_to_gp.push(l),
                None => last_error = Some(v.to_string()),
            },
            Err(e) => last_error = Some(e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    if gp_to_station.is_empty() {
        return Err("no GP frame decoded by the station in 3 s".into());
    }
    if station_to_gp.len() < 20 {
        return Err(format!(
            "only {} readable station frames in the console (last: {last_error:?})",
            station_to_gp.len()
        )
        .into());
    }
    Ok((gp_to_station, station_to_gp))
}

/// After a call: the console's "back to the list" button.
async fn back_to_list(s: &CallScenario) -> Result {
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(15), |v| {
        v == "ended"
    })
    .await?;
    s.gp.click("back-to-list").await?;
    s.gp.find("waiting-list").await?;
    // The console stops its camera and microphone at the end of a call, and the fake ones
    // hand out the same tracks: fresh fake devices for the next call.
    s.gp.eval(FAKE_GP_MEDIA_JS).await?;
    Ok(())
}

/// The reference: a second Chromium takes the station's ticket of a second consultation and
/// calls the same console; returns (connected ms, first frame ms, video codec).
async fn reference_call(s: &CallScenario) -> Result<(f64, f64, String)> {
    let id = requested_consultation(
        &s.station,
        ("Lefèvre", "Jeanne", Sex::F),
        NaiveDate::from_ymd_opt(1962, 7, 2).ok_or("date")?,
        "Mal de gorge et fièvre depuis deux jours",
    )?;
    let sent = s.station.send_to_hub(&id).await?;
    let signal_url = sent.client.signal_url(&sent.ticket.join_token)?;
    let browser = GpBrowser::launch(&[]).await?;
    let outcome = async {
        browser.open(&s.hub.url()).await?;
        let args = json!({
            "signalUrl": signal_url,
            "iceServers": sent.ticket.ice_servers,
            "relayOnly": sent.ticket.relay_only,
            "timeoutMs": 25_000,
        });
        let (measured, accepted) = tokio::join!(
            browser.client.execute_async(REF_STATION_JS, vec![args]),
            s.gp_accepts()
        );
        accepted?;
        let v = measured?;
        if let Some(e) = v.get("error") {
            return Err(format!("reference station: {e} ({v})").into());
        }
        let connected = v["connectedMs"].as_f64().ok_or("no connectedMs")?;
        let first = v["firstFrameMs"].as_f64().ok_or("no firstFrameMs")?;
        let codec = v["codec"].as_str().unwrap_or("?").to_string();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((connected, first, codec))
    }
    .await;
    let _ = browser
        .eval("if (window.__relaisRefHangUp) window.__relaisRefHangUp();")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = browser.quit().await;
    outcome
}

/// How the call is cut in part 4.
#[derive(Clone, Copy)]
enum Cut {
    /// The GP's browser in its own network namespace, its interface down (packets dropped):
    /// the cut of the tests.
    LinkDown,
    /// A relay-only call through coturn, coturn stopped (SIGSTOP): packets are not dropped
    /// but queued in the stopped relay and delivered late, all at once.
    RelayStall,
}

impl Cut {
    fn describe(self) -> &'static str {
        match self {
            Cut::LinkDown => "the GP's network interface down (packets dropped)",
            Cut::RelayStall => "coturn stopped (packets queued in the relay)",
        }
    }

    /// The result entries: GP → station, station → GP.
    fn entries(self) -> (&'static str, &'static str) {
        match self {
            Cut::LinkDown => (
                "reconnection_after_3s_cut_ms",
                "reconnection_station_to_gp_after_3s_cut_ms",
            ),
            Cut::RelayStall => (
                "reconnection_after_3s_relay_stall_ms",
                "reconnection_station_to_gp_after_3s_relay_stall_ms",
            ),
        }
    }

    fn options(self, turn: Option<&Turn>) -> ScenarioOptions {
        match (self, turn) {
            (Cut::RelayStall, Some(turn)) => ScenarioOptions {
                ice_urls: vec![turn.url()],
                turn_secret: Some(TURN_SECRET.into()),
                relay_only: true,
                ..ScenarioOptions::default()
            },
            _ => ScenarioOptions {
                gp_in_netns: true,
                ..ScenarioOptions::default()
            },
        }
    }
}

/// Part 4: a call cut [`CUT`] then restored, [`CUTS`] times; the time from the restore until
/// the station decodes a GP frame captured after it; and, measured at the same time, until
/// the console shows a station frame captured after it.
async fn reconnection(cut_kind: Cut) -> Result<(Value, Value)> {
    let turn = match cut_kind {
        Cut::RelayStall => Some(Turn::start()?),
        Cut::LinkDown => None,
    };
    let s = CallScenario::prepare(cut_kind.options(turn.as_ref())).await?;
    let cut_off = |down: bool| -> Result {
        match (&turn, &s.netns) {
            (Some(turn), _) if down => turn.pause(),
            (Some(turn), _) => turn.resume(),
            (None, Some(ns)) if down => ns.link_down(),
            (None, Some(ns)) => ns.link_up(),
            (None, None) => Err("no namespace for the GP".into()),
        }
    };
    s.calls.start(&s.consultation_id).await?;
    s.gp_signs_in().await?;
    s.gp_accepts().await?;
    s.station_state(CallState::Connected, Duration::from_secs(30))
        .await?;
    frames_flow(&s.probe, Duration::from_secs(15)).await?;
    let mut counter_back = Vec::new();
    let mut fresh_back = Vec::new();
    let mut to_gp_back = Vec::new();
    let mut errors = Vec::new();
    for cut in 0..CUTS {
        tokio::time::sleep(Duration::from_secs(2)).await;
        cut_off(true)?;
        tokio::time::sleep(CUT).await;
        let (seen_len, seen_last) = {
            let frames = lock(&s.probe.frames);
            (frames.len(), frames.last().map(|f| f.1))
        };
        let restored = Instant::now();
        cut_off(false)?;
        let restored_millis = (relais_media::frame::unix_millis_now() % 65_536) as u16;
        let (station_side, console_side) = tokio::join!(
            back_after(&s.probe, seen_len, seen_last, restored_millis),
            console_back_after(&s, restored_millis)
        );
        match console_side {
            Ok(at) => {
                let ms = at.saturating_duration_since(restored).as_secs_f64() * 1000.0;
                eprintln!(
                    "  cut {}: station picture fresh in the console {ms:.0} ms after the restore",
                    cut + 1
                );
                to_gp_back.push(ms);
            }
            Err(e) => errors.push(format!("cut {} (console): {e}", cut + 1)),
        }
        match station_side {
            Ok((counter, fresh)) => {
                let c = counter.saturating_duration_since(restored).as_secs_f64() * 1000.0;
                let f = fresh.saturating_duration_since(restored).as_secs_f64() * 1000.0;
                eprintln!(
                    "  cut {}: new GP counter at the station {c:.0} ms after the restore, first frame captured after it {f:.0} ms",
                    cut + 1
                );
                counter_back.push(c);
                fresh_back.push(f);
            }
            Err(e) => {
                eprintln!("  cut {}: {e}", cut + 1);
                errors.push(format!("cut {}: {e}", cut + 1));
            }
        }
        // Connected again before the next cut.
        s.station_state(CallState::Connected, Duration::from_secs(20))
            .await?;
        frames_flow(&s.probe, Duration::from_secs(15)).await?;
    }
    let _ = s.calls.hang_up().await;
    let to_gp = match median(&to_gp_back) {
        Some(m) => json!({
            "value": round1(m),
            "unit": "ms",
            "target": "< 2000",
            "runs": to_gp_back.len(),
            "samples": to_gp_back.iter().map(|x| round1(*x)).collect::<Vec<_>>(),
            "max": to_gp_back.iter().copied().reduce(f64::max).map(round1),
            "method": format!("{}; 3 cuts in one call, measured at the same time as the other direction: from the restore until the console (Chromium) shows a station frame whose painted capture time is after it; the page is read every ~100 ms, so the figure is up to ~100 ms late", cut_kind.describe()),
        }),
        None => json!({ "error": errors.join("; ") }),
    };
    let Some(m) = median(&fresh_back) else {
        return Ok((json!({ "error": errors.join("; ") }), to_gp));
    };
    let mut v = json!({
        "value": round1(m),
        "unit": "ms",
        "target": "< 2000",
        "runs": fresh_back.len(),
        "samples": fresh_back.iter().map(|x| round1(*x)).collect::<Vec<_>>(),
        "max": fresh_back.iter().copied().reduce(f64::max).map(round1),
        "first_new_counter_ms": counter_back.iter().map(|x| round1(*x)).collect::<Vec<_>>(),
        "method": format!("{}; 3 cuts in one call; time from the restore until the station's backend decodes the first GP frame captured after it (capture time painted in the frame). first_new_counter_ms: until the first frame with a counter not decoded before the restore (after a relay stall, frames captured during the cut are delivered at once and do not show the link is live again)", cut_kind.describe()),
    });
    if !errors.is_empty() {
        if let Some(o) = v.as_object_mut() {
            o.insert("failed_cuts".into(), json!(errors));
        }
    }
    Ok((v, to_gp))
}

/// Waits until the console shows a station frame captured at or after `restored_millis`.
async fn console_back_after(s: &CallScenario, restored_millis: u16) -> Result<Instant> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(v) = s.gp_reads_remote().await {
            if let Some(m) = v["millis"].as_u64().and_then(|m| u16::try_from(m).ok()) {
                if m.wrapping_sub(restored_millis) < 30_000 {
                    return Ok(Instant::now());
                }
            }
        }
        if Instant::now() > deadline {
            return Err("station picture not back in the console 20 s after the restore".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until GP frames keep arriving at the station with moving counters.
async fn frames_flow(probe: &Probe, within: Duration) -> Result {
    let deadline = Instant::now() + within;
    let start = lock(&probe.frames).len();
    loop {
        {
            let frames = lock(&probe.frames);
            if frames.len() > start + 5
                && frames.last().map(|f| f.1) != frames.get(start).map(|f| f.1)
            {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err("GP frames do not reach the station".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// After a restore: when the first frame with a new counter arrived, and when the first frame
/// captured after the restore arrived.
async fn back_after(
    probe: &Probe,
    from: usize,
    last: Option<u16>,
    restored_millis: u16,
) -> Result<(Instant, Instant)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut counter_at = None;
    loop {
        {
            let frames = lock(&probe.frames);
            let new = frames.get(from..).unwrap_or_default();
            if counter_at.is_none() {
                counter_at = new.iter().find(|f| Some(f.1) != last).map(|f| f.0);
            }
            // Captured at or after the restore: painted time within 30 s after it (mod 2^16).
            let fresh = new
                .iter()
                .find(|f| f.2.wrapping_sub(restored_millis) < 30_000)
                .map(|f| f.0);
            if let (Some(c), Some(f)) = (counter_at, fresh) {
                return Ok((c, f));
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "media not back 20 s after the restore (new counter: {})",
                counter_at.is_some()
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The first part: a 720p30 call; 3 s after it connects, this process's CPU time over 10 s and its
/// resident memory.
async fn cpu_and_memory() -> Result<(Value, Value)> {
    let s = CallScenario::prepare(ScenarioOptions {
        video_format: Some(relais_media::VideoFormat::new(1280, 720, 30)),
        ..ScenarioOptions::default()
    })
    .await?;
    s.calls.start(&s.consultation_id).await?;
    s.gp_signs_in().await?;
    s.gp_accepts().await?;
    s.station_state(CallState::Connected, Duration::from_secs(30))
        .await?;
    frames_flow(&s.probe, Duration::from_secs(15)).await?;
    // The station starts at 720p but its adapter steps down at once while the GP's bandwidth
    // estimate (REMB) ramps up, and climbs back after 10 s of clean reports: measure only once
    // the console receives 1280x720 again, 12 s or more after the call connected, and still
    // 3 s later (at most 60 s of waiting; measured anyway, and said so, if it never does).
    let connected_at = Instant::now();
    let mut at_720p = None;
    while connected_at.elapsed() < Duration::from_secs(60) {
        if connected_at.elapsed() >= Duration::from_secs(12)
            && console_format(&s).await == "1280x720"
        {
            tokio::time::sleep(Duration::from_secs(3)).await;
            if console_format(&s).await == "1280x720" {
                at_720p = Some(connected_at.elapsed().as_secs_f64());
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let format_at_start = console_format(&s).await;
    let ticks = clock_ticks();
    let frames_before = lock(&s.probe.frames).len();
    let cpu_before = cpu_ticks()?;
    let threads_before = thread_ticks()?;
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let cpu_after = cpu_ticks()?;
    let threads_after = thread_ticks()?;
    let elapsed = t0.elapsed().as_secs_f64();
    // Where the time went, by thread name: the station's own media threads are named relais-*;
    // the tokio workers run webrtc-rs, the hub's signaling and the harness alike.
    let by_thread: Map<String, Value> = threads_after
        .iter()
        .map(|(name, after)| {
            let before = threads_before.get(name).copied().unwrap_or(0);
            let share = after.saturating_sub(before) as f64 / ticks / elapsed * 100.0;
            (name.clone(), json!(round1(share)))
        })
        .filter(|(_, v)| v.as_f64().is_some_and(|v| v > 0.0))
        .collect();
    let frames_during = lock(&s.probe.frames).len() - frames_before;
    let percent = (cpu_after - cpu_before) as f64 / ticks / elapsed * 100.0;
    eprintln!(
        "  by thread (% of one core): {}",
        Value::Object(by_thread.clone())
    );
    let (rss, hwm) = memory_kb()?;
    let gp_sees = console_format(&s).await;
    let _ = s.calls.hang_up().await;
    let scope = "this process: the station backend (capture, H.264 720p30 + Opus encoding, GP video decoding, webrtc-rs) AND the in-process hub (signaling only, the media does not cross it) AND the test harness; Chromium runs apart. An upper bound for the station backend.";
    eprintln!(
        "  720p30: {percent:.1} % of one core over {elapsed:.1} s, RSS {:.1} MB (peak {:.1} MB), console sees {gp_sees}, {} GP frames decoded",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        frames_during
    );
    let mut cpu = json!({
        "value": round1(percent),
        "unit": "%",
        "target": "< 25 (of one core)",
        "window_s": round1(elapsed),
        "console_receives_at_start": format_at_start,
        "console_receives_at_end": gp_sees,
        "window_started_after_connected_s": at_720p.map(round1),
        "gp_frames_decoded_in_window": frames_during,
        "by_thread_percent": by_thread,
        "method": "utime+stime of /proc/self/stat over 10 s, once the console receives 1280x720 again after the adapter's start-up step-down (window_started_after_connected_s; null: never, measured anyway); the console's received format is read at both ends of the window",
        "scope": scope,
    });
    if let (Some(o), false) = (
        cpu.as_object_mut(),
        format_at_start == "1280x720" && gp_sees == "1280x720",
    ) {
        o.insert(
            "caveat".into(),
            json!(format!(
                "the console did not receive 1280x720 throughout the window ({format_at_start} at its start, {gp_sees} at its end): the station's adapter had lowered the video, so this is not the CPU of 720p encoding"
            )),
        );
    }
    let mem = json!({
        "value": round1(rss as f64 / 1024.0),
        "unit": "MB",
        "target": "< 200",
        "peak_mb": round1(hwm as f64 / 1024.0),
        "method": "VmRSS (and VmHWM as peak_mb) of /proc/self/status at the end of the CPU window",
        "scope": scope,
    });
    Ok((cpu, mem))
}

/// The format of the station's picture in the console, `WxH`, or `?`.
async fn console_format(s: &CallScenario) -> String {
    s.gp_reads_remote()
        .await
        .ok()
        .filter(|v| v["width"].is_u64())
        .map(|v| format!("{}x{}", v["width"], v["height"]))
        .unwrap_or("?".into())
}

/// The name and utime + stime (clock ticks) in a `/proc/…/stat` line.
fn parse_stat(stat: &str) -> Option<(String, u64)> {
    // The name is in parentheses and may hold spaces; the fields after it start at field 3
    // (state), so utime (field 14) and stime (field 15) are the 12th and 13th.
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((stat[open + 1..close].to_owned(), ticks(11)? + ticks(12)?))
}

/// utime + stime of this process, in clock ticks.
fn cpu_ticks() -> Result<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    Ok(parse_stat(&stat).ok_or("bad /proc/self/stat")?.1)
}

/// CPU ticks (user + system) of this process's live threads, summed by thread name.
fn thread_ticks() -> Result<std::collections::BTreeMap<String, u64>> {
    let mut by_name = std::collections::BTreeMap::new();
    for task in std::fs::read_dir("/proc/self/task")? {
        // A thread may end between the listing and the read: skip it.
        let Ok(stat) = std::fs::read_to_string(task?.path().join("stat")) else {
            continue;
        };
        if let Some((name, ticks)) = parse_stat(&stat) {
            *by_name.entry(name).or_insert(0) += ticks;
        }
    }
    Ok(by_name)
}

/// Clock ticks per second (`getconf CLK_TCK`, 100 when unknown).
fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// VmRSS and VmHWM of this process, in KiB.
fn memory_kb() -> Result<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Ok((
        field("VmRSS:").ok_or("no VmRSS")?,
        field("VmHWM:").ok_or("no VmHWM")?,
    ))
}

/// The results as a table on stdout.
fn print_table(results: &Results) {
    println!();
    println!(
        "{:<40} {:>12}  {:<6} {:<44} notes",
        "entry", "value", "unit", "target"
    );
    for (name, v) in results {
        if let Some(e) = v.get("error") {
            println!("{name:<40} {:>12}  {:<6} {:<44} {e}", "FAILED", "", "");
            continue;
        }
        let value = v["value"]
            .as_f64()
            .map(|x| format!("{x:.1}"))
            .unwrap_or("?".into());
        let unit = v["unit"].as_str().unwrap_or("");
        let target = v["target"].as_str().unwrap_or("");
        let mut notes = Vec::new();
        if let Some(r) = v.get("runs") {
            notes.push(format!("runs {r}"));
        }
        if let Some(n) = v.get("samples").and_then(Value::as_u64) {
            notes.push(format!("{n} samples"));
        }
        if let Some(c) = v.get("codec") {
            notes.push(format!("codec {c}"));
        }
        println!(
            "{name:<40} {value:>12}  {unit:<6} {target:<44} {}",
            notes.join(", ")
        );
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::parse_stat;

    #[test]
    fn a_stat_line_gives_its_name_and_user_plus_system_ticks() {
        let line = "812 (relais-video (se)) S 1 812 812 0 -1 4194368 10 0 0 0 2730 15 0 0 20 0 9 0";
        assert_eq!(parse_stat(line), Some(("relais-video (se)".into(), 2745)));
        assert_eq!(parse_stat("812 (x) S 1"), None);
    }
}

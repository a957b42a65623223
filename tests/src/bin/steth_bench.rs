//! `steth-bench <results.json>`: the stethoscope path end to end next to Chromium's default
//! audio path, in one run.
//!
//! - Stethoscope: a PulseAudio null sink `steth` (its monitor opened by the station's
//!   backend), the station's own Opus track (music mode), a real hub, the GP's Chromium;
//!   the page records the received track (AudioWorklet, 48 kHz) and measures it.
//! - Default path: Chromium's fake capture fed by the same multi-tone file
//!   (`--use-file-for-fake-audio-capture`), getUserMedia with echo cancellation, noise
//!   suppression and gain control on, through a loopback pair of peer connections.
//!
//! Figures: response at third-octave tones 20 Hz–16 kHz relative to 1 kHz, band edges at
//! −3 dB, attenuation at 40 and 100 Hz, and the latency of both paths measured the same way
//! (see `relais_e2e::steth::latency`): a train of 20 distinct pseudo-random bursts, recorded
//! where it enters the path and where it leaves it, each burst found by cross-correlation at
//! both ends.
//!
//! - Stethoscope: the train is played into the sink; the reference is the sink's monitor
//!   recorded by `pacat` (the stethoscope's input as the station reads it), the received
//!   signal the GP page's track; both stamped with the same wall clock.
//! - Default path: the train is the fake capture's file; the reference is the local
//!   getUserMedia track, the received signal the loopback's track, two channels of one
//!   recorder in the page (same sample clock).
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::gp::GpBrowser;
use relais_e2e::steth::latency::{self, Pattern, Recording, WallMap};
use relais_e2e::steth::{
    self, PulseServer, STETH_DEFAULT_PATH_JS, STETH_LATENCY_JS, STETH_MEASURE_JS, STETH_PROBE_JS,
    STETH_SOURCE,
};
use relais_e2e::Result;
use serde_json::{json, Map, Value};

/// Seconds of signal measured for the response.
const MEASURE_SECONDS: f64 = 2.0;
/// Seconds the default path runs before it is measured (its noise suppression adapts).
const DEFAULT_PATH_SETTLE: Duration = Duration::from_secs(4);
/// Bursts of the latency measurement, and their spacing (ms).
const BURSTS: usize = 20;
const BURST_PERIOD_MS: usize = 400;
/// Longest latency looked for (ms).
const MAX_LATENCY_MS: f64 = 3000.0;
/// Deadline of each latency measurement.
const LATENCY_DEADLINE: Duration = Duration::from_secs(90);
/// Deadline of the whole run.
const RUN_DEADLINE: Duration = Duration::from_secs(300);
/// Result names, in order: each one gets an `error` entry when its measurement did not end.
const ENTRIES: &[&str] = &[
    "stethoscope_response",
    "stethoscope_mouth_to_ear_latency_ms",
    "default_gum_response",
    "default_gum_latency_ms",
];

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: steth-bench <results.json>");
        return ExitCode::from(2);
    };
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let shared = Arc::new(Mutex::new(Map::new()));
    let failure = match tokio::time::timeout(RUN_DEADLINE, run(shared.clone())).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("not finished within {} s", RUN_DEADLINE.as_secs())),
    };
    let mut results = shared.lock().map(|m| m.clone()).unwrap_or_default();
    if let Some(e) = failure {
        for name in ENTRIES {
            results
                .entry(name.to_string())
                .or_insert_with(|| json!({ "error": e }));
        }
    }
    for v in results.values_mut() {
        if let Some(m) = v.as_object_mut() {
            m.insert("build".into(), json!(build));
        }
    }
    for (name, v) in &results {
        eprintln!("[steth-bench] {name}: {v}");
    }
    let text = match serde_json::to_string_pretty(&Value::Object(results)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("steth-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&out, text + "\n") {
        eprintln!("steth-bench: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The response entry of one path.
fn response_entry(measured: &Value, scope: &str) -> Result<Value> {
    if let Some(e) = measured.get("error") {
        return Err(format!("{scope}: {e}").into());
    }
    let resp = steth::response(measured)?;
    let (low, high) = steth::band_edges(&resp);
    let at = |f: f64| {
        resp.iter()
            .find(|(x, _)| *x == f)
            .map(|(_, db)| round1(*db))
    };
    let in_band: Vec<f64> = resp
        .iter()
        .filter(|(f, _)| (20.0..=2000.0).contains(f))
        .map(|(_, db)| *db)
        .collect();
    let worst = in_band
        .iter()
        .fold(0.0f64, |w, db| if db.abs() > w.abs() { *db } else { w });
    let flat = worst.abs() <= 3.0;
    let by_freq: Map<String, Value> = resp
        .iter()
        .map(|(f, db)| (format!("{f}"), json!(round1(*db))))
        .collect();
    Ok(json!({
        "scope": scope,
        "band_low_hz_minus3db": low,
        "band_high_hz_minus3db": high,
        "attenuation_40hz_db": at(40.0).map(|d| -d),
        "attenuation_100hz_db": at(100.0).map(|d| -d),
        "worst_deviation_20_2000hz_db": round1(worst),
        "flat_20_2000hz_within_3db": flat,
        "target": "flat 20–2000 Hz within ±3 dB",
        "met": flat,
        "response_db_re_1khz": by_freq,
        "level_1khz_dbfs": measured["levels"]["1000"].as_f64().map(round1),
    }))
}

/// Records one result.
fn put(results: &Mutex<Map<String, Value>>, name: &str, value: Value) {
    if let Ok(mut m) = results.lock() {
        m.insert(name.into(), value);
    }
}

/// The latency entry from the bursts' outcomes.
fn latency_entry(bursts: &[latency::BurstLatency], extra: Value) -> Value {
    let per_burst: Vec<Value> = bursts
        .iter()
        .map(|b| json!(b.latency_ms.map(round1)))
        .collect();
    let worst = |f: fn(&latency::BurstLatency) -> f64| {
        bursts
            .iter()
            .filter(|b| b.latency_ms.is_some())
            .map(f)
            .fold(f64::INFINITY, f64::min)
    };
    let mut entry = match latency::summarize(bursts) {
        None => json!({
            "error": format!(
                "no burst found at both ends (0/{}); found in the reference: {}",
                bursts.len(),
                bursts.iter().filter(|b| b.reference_score > 0.0).count()
            ),
        }),
        Some(s) => {
            let enough = s.detected * 10 >= s.sent * 9;
            json!({
                "value": round1(s.median),
                "unit": "ms",
                "target": "< 150 ms p95 into the GP's audio graph, with at least 90 % of the bursts found (*_at_speaker adds the page's own output delay)",
                "met": enough && s.p95 < 150.0,
                "median": round1(s.median),
                "p95": round1(s.p95),
                "min": round1(s.min),
                "max": round1(s.max),
                "detected": format!("{}/{}", s.detected, s.sent),
                "bursts_sent": s.sent,
                "bursts_detected": s.detected,
                "lowest_score_reference": round2(worst(|b| b.reference_score)),
                "lowest_score_received": round2(worst(|b| b.received_score)),
            })
        }
    };
    if let (Some(m), Some(x)) = (entry.as_object_mut(), extra.as_object()) {
        m.insert("per_burst_ms".into(), json!(per_burst));
        // Correlation scores at each end (0: not found there).
        let scores: Vec<Value> = bursts
            .iter()
            .map(|b| json!([round2(b.reference_score), round2(b.received_score)]))
            .collect();
        m.insert("per_burst_scores".into(), json!(scores));
        m.extend(x.clone());
        // At the GP's speaker: plus the delay the page's context reports between its graph
        // and its output (its output time stamps against the graph's).
        let out = x["recorder"]["output_timestamp_after_graph_ms"].as_f64();
        if let (Some(out), Some(s)) = (out, latency::summarize(bursts)) {
            m.insert("median_at_speaker_ms".into(), json!(round1(s.median + out)));
            m.insert("p95_at_speaker_ms".into(), json!(round1(s.p95 + out)));
        }
        // What the receiver's jitter buffer does not explain (sender, capture, network, the
        // page's graph), approximately: the buffer's figure is an average over the recording.
        let jb = x["recorder"]["jitter_buffer_ms"].as_f64();
        if let (Some(jb), Some(s)) = (jb, latency::summarize(bursts)) {
            m.insert(
                "median_less_jitter_buffer_ms".into(),
                json!(round1(s.median - jb)),
            );
        }
    }
    entry
}

fn round2(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// What the page's recorder says of itself; `clock` from its stamps.
fn recorder_stats(taken: &Value, clock: &WallMap) -> Value {
    let ms = |k: &str| taken[k].as_f64().map(|v| round1(v * 1000.0));
    // Cross-check of the page's clock: the context's output time stamps minus the graph's
    // (lower envelope) time of the same frame, median.
    let mut ahead: Vec<f64> = taken["outStamps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    let (i, w) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
                    Some(w - clock.wall_at(i)?)
                })
                .collect()
        })
        .unwrap_or_default();
    ahead.sort_by(f64::total_cmp);
    json!({
        "jitter_buffer_ms": taken["jitterBufferMs"].as_f64().map(round1),
        "jitter_buffer_target_ms": taken["jitterBufferTargetMs"].as_f64().map(round1),
        "output_timestamp_after_graph_ms": ahead.get(ahead.len() / 2).copied().map(round1),
        "reads": taken["reads"], "gaps": taken["gaps"], "gap_samples": taken["gapSamples"],
        "races": taken["races"], "shifts": taken["shifts"], "mismatches": taken["mismatches"],
        "stamps": taken["stamps"].as_array().map_or(0, Vec::len),
        "base_latency_ms": ms("baseLatency"), "output_latency_ms": ms("outputLatency"),
    })
}

/// Runs the analysis off the async threads.
async fn analyse(
    pattern: Pattern,
    reference: Recording,
    received: Recording,
) -> Result<Vec<latency::BurstLatency>> {
    Ok(tokio::task::spawn_blocking(move || {
        latency::measure(&pattern, &reference, &received, MAX_LATENCY_MS)
    })
    .await?)
}

/// The stethoscope's latency: the train played into the sink, the monitor recorded as the
/// reference, the GP page's track as the received signal.
async fn steth_latency(s: &CallScenario, pulse: &PulseServer, pattern: &Pattern) -> Result<Value> {
    let wav = pulse.file("bursts.wav");
    steth::write_wav(&wav, &pattern.signal())?;
    let started =
        s.gp.eval_async(&steth::with_params(
            STETH_LATENCY_JS,
            &json!({ "mode": "steth" }),
        ))
        .await?;
    if let Some(e) = started.get("error") {
        return Err(format!("GP recorder: {e}").into());
    }
    let monitor = pulse.record(STETH_SOURCE)?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut player = pulse.play(&wav)?;
    let until = Instant::now() + Duration::from_secs_f64(pattern.seconds() + 10.0);
    loop {
        if player.try_wait()?.is_some() {
            break;
        }
        if Instant::now() > until {
            let _ = player.kill();
            let _ = monitor.stop();
            return Err("paplay did not finish the burst train".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The last burst's way through, then both recordings.
    tokio::time::sleep(Duration::from_millis(MAX_LATENCY_MS as u64 + 300)).await;
    let reference = tokio::task::spawn_blocking(move || monitor.stop()).await??;
    let taken =
        s.gp.eval_async(&steth::with_params(
            STETH_LATENCY_JS,
            &json!({ "take": true }),
        ))
        .await?;
    let received = steth::page_recording(&taken, 0)?;
    let recorder = recorder_stats(&taken, &received.clock);
    let lengths = json!({
        "reference_seconds": round2(reference.samples.len() as f64 / 48_000.0),
        "received_seconds": round2(received.samples.len() as f64 / 48_000.0),
        "reference_stamps": reference.clock.len(),
    });
    let bursts = analyse(pattern.clone(), reference, received).await?;
    Ok(latency_entry(
        &bursts,
        json!({
            "method": format!(
                "{} distinct pseudo-random bursts (50 ms, 200 chips at 4 kHz) every {} ms played with paplay into the null sink; reference: the sink's monitor (the stethoscope's input) recorded by pacat (5 ms fragments); received: the GP page's stethoscope track through a drop-free AnalyserNode recorder; each burst found by normalised cross-correlation (score ≥ {}) at both ends; sample → wall clock (Unix ms, same machine) by the lower envelope of each reader's time stamps; latency = received − reference per burst",
                pattern.bursts, BURST_PERIOD_MS, latency::MIN_SCORE
            ),
            "scope": "stethoscope input (PulseAudio monitor, kept running by silence between the test signals as a real input is) → cpal → Opus music 64 kbit/s → WebRTC via the hub on loopback → the GP's WebAudio graph (the speaker's output latency, reported by the page, not included)",
            "recorder": recorder,
            "recordings": lengths,
        }),
    ))
}

/// The default path's latency: the train is the fake capture's file; local and received
/// tracks recorded together in the page.
async fn default_latency(gp: &GpBrowser, hub_url: &str, pattern: &Pattern) -> Result<Value> {
    gp.open(hub_url).await?;
    gp.eval(STETH_PROBE_JS).await?;
    let started = gp.eval_async(STETH_DEFAULT_PATH_JS).await?;
    if let Some(e) = started.get("error") {
        return Err(format!("default path: {e}").into());
    }
    // Settled like the stethoscope's call, which has been running for a while by then.
    tokio::time::sleep(DEFAULT_PATH_SETTLE).await;
    let rec = gp
        .eval_async(&steth::with_params(
            STETH_LATENCY_JS,
            &json!({ "mode": "default" }),
        ))
        .await?;
    if let Some(e) = rec.get("error") {
        return Err(format!("default path recorder: {e}").into());
    }
    // One whole loop of the file plus the longest latency looked for.
    tokio::time::sleep(Duration::from_secs_f64(
        pattern.seconds() + MAX_LATENCY_MS / 1000.0 + 1.5,
    ))
    .await;
    let taken = gp
        .eval_async(&steth::with_params(
            STETH_LATENCY_JS,
            &json!({ "take": true }),
        ))
        .await?;
    let mut local = steth::page_recording(&taken, 0)?;
    let mut remote = steth::page_recording(&taken, 1)?;
    let recorder = recorder_stats(&taken, &remote.clock);
    // A burst of the reference needs its received copy recorded after it.
    let room = (MAX_LATENCY_MS / 1000.0 * 48_000.0) as usize + latency::CHIP * latency::CHIPS;
    local
        .samples
        .truncate(local.samples.len().saturating_sub(room));
    local.clock = WallMap::sample_clock();
    remote.clock = WallMap::sample_clock();
    let bursts = analyse(pattern.clone(), local, remote).await?;
    let mut entry = latency_entry(
        &bursts,
        json!({
            "method": format!(
                "the same {} bursts every {} ms as Chromium's fake capture file (looped); reference: the local getUserMedia track (after its speech processing); received: the loopback peer connection's track; both as two channels of one drop-free AnalyserNode recorder in the page, so latency = difference of sample indices; each burst found by normalised cross-correlation (score ≥ {})",
                pattern.bursts, BURST_PERIOD_MS, latency::MIN_SCORE
            ),
            "scope": "Chromium getUserMedia track (echo cancellation, noise suppression, gain control on) → default Opus → loopback WebRTC → WebAudio; the capture device's own latency (a fake file here) is not included",
            "recorder": recorder,
        }),
    );
    if let Some(m) = entry.as_object_mut() {
        m.insert("target".into(), json!("reference (speech processing on)"));
        m.remove("met");
    }
    Ok(entry)
}

/// The machine's load average over the last minute (the figures depend on it: the
/// benchmark shares its cores).
fn load_1min() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A measurement with its own deadline: an `error` entry instead of a hang.
async fn bounded(what: &str, f: impl std::future::Future<Output = Result<Value>>) -> Value {
    let load_before = load_1min();
    match tokio::time::timeout(LATENCY_DEADLINE, f).await {
        Ok(Ok(mut v)) => {
            if let Some(m) = v.as_object_mut() {
                m.insert(
                    "machine_load_1min".into(),
                    json!({ "before": load_before, "after": load_1min(), "cores": std::thread::available_parallelism().map(|n| n.get()).ok() }),
                );
            }
            v
        }
        Ok(Err(e)) => json!({ "error": format!("{what}: {e}") }),
        Err(_) => {
            json!({ "error": format!("{what}: not finished within {} s", LATENCY_DEADLINE.as_secs()) })
        }
    }
}

async fn run(results: Arc<Mutex<Map<String, Value>>>) -> Result {
    // Browsers before the private PulseAudio server: they must not play into it.
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    let dir = tempfile::tempdir()?;
    let tones = dir.path().join("multitone.wav");
    steth::write_wav(&tones, &steth::multitone(2.0))?;
    let pattern = Pattern::new(BURSTS, BURST_PERIOD_MS);
    let bursts_file = dir.path().join("bursts.wav");
    steth::write_wav(&bursts_file, &pattern.signal())?;
    let fake_capture = format!("--use-file-for-fake-audio-capture={}", tones.display());
    let default_gp = GpBrowser::launch(&[fake_capture.as_str()]).await?;
    let fake_bursts = format!(
        "--use-file-for-fake-audio-capture={}",
        bursts_file.display()
    );
    let latency_gp = GpBrowser::launch(&[fake_bursts.as_str()]).await?;
    let pulse = PulseServer::start()?;
    // The stethoscope's input runs all along, as a real one does.
    let silence = pulse.keep_running()?;
    let long_tones = pulse.file("multitone-long.wav");
    steth::write_wav(&long_tones, &steth::multitone(6.0))?;

    // The stethoscope path.
    s.calls.start(&s.consultation_id).await?;
    s.gp_signs_in().await?;
    s.gp.eval(STETH_PROBE_JS).await?;
    s.gp_accepts().await?;
    s.gp.wait_attr("call-state", "data-state", Duration::from_secs(30), |v| {
        v == "connected"
    })
    .await?;
    s.station_state(CallState::Connected, Duration::from_secs(20))
        .await?;
    s.calls.stethoscope_start(STETH_SOURCE).await?;
    let freqs: Vec<f64> = steth::TONES_HZ.to_vec();
    let params = json!({ "seconds": MEASURE_SECONDS, "freqs": freqs });
    let mut player = pulse.play(&long_tones)?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let measured =
        s.gp.eval_async(&steth::with_params(STETH_MEASURE_JS, &params))
            .await?;
    let _ = player.wait();
    eprintln!("[steth-bench] stethoscope path measured");
    put(
        &results,
        "stethoscope_response",
        response_entry(&measured, "paplay → PulseAudio monitor → cpal → Opus music 64 kbit/s → WebRTC → Chromium (received track, WebAudio 48 kHz)")
            .unwrap_or_else(|e| json!({ "error": e.to_string() })),
    );

    let entry = bounded("stethoscope latency", steth_latency(&s, &pulse, &pattern)).await;
    eprintln!("[steth-bench] stethoscope latency measured");
    put(&results, "stethoscope_mouth_to_ear_latency_ms", entry);
    s.calls.stethoscope_stop().await?;
    s.calls.hang_up().await?;

    // Chromium's default path, fed by the same signal.
    default_gp.open(&s.hub.url()).await?;
    default_gp.eval(STETH_PROBE_JS).await?;
    let started = default_gp.eval_async(STETH_DEFAULT_PATH_JS).await?;
    if let Some(e) = started.get("error") {
        return Err(format!("default path: {e}").into());
    }
    tokio::time::sleep(DEFAULT_PATH_SETTLE).await;
    let measured = default_gp
        .eval_async(&steth::with_params(STETH_MEASURE_JS, &params))
        .await?;
    eprintln!("[steth-bench] default path measured");
    let entry = response_entry(
        &measured,
        "Chromium fake capture (same file) → getUserMedia echoCancellation/noiseSuppression/autoGainControl on → default Opus → loopback WebRTC → WebAudio 48 kHz",
    )
    .map(|mut entry| {
        if let Some(m) = entry.as_object_mut() {
            m.insert("target".into(), json!("reference (speech processing on)"));
            m.remove("met");
            m.insert("track_settings".into(), started["settings"].clone());
        }
        entry
    })
    .unwrap_or_else(|e| json!({ "error": e.to_string() }));
    put(&results, "default_gum_response", entry);
    default_gp.quit().await?;

    let entry = bounded(
        "default path latency",
        default_latency(&latency_gp, &s.hub.url(), &pattern),
    )
    .await;
    eprintln!("[steth-bench] default path latency measured");
    put(&results, "default_gum_latency_ms", entry);
    latency_gp.quit().await?;
    drop(silence);
    drop(pulse);
    s.gp.quit().await?;
    Ok(())
}

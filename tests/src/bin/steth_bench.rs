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
//! −3 dB, attenuation at 40 and 100 Hz, and the stethoscope's mouth-to-ear latency (a click
//! train written to PulseAudio → onset detected in the GP's page, wall clock).
use std::process::ExitCode;
use std::time::Duration;

use relais_app::call::CallState;
use relais_e2e::call::{CallScenario, ScenarioOptions};
use relais_e2e::gp::GpBrowser;
use relais_e2e::steth::{
    self, PulseServer, STETH_DEFAULT_PATH_JS, STETH_MEASURE_JS, STETH_PROBE_JS, STETH_SOURCE,
};
use relais_e2e::Result;
use serde_json::{json, Map, Value};

/// Seconds of signal measured for the response.
const MEASURE_SECONDS: f64 = 2.0;
/// Seconds the default path runs before it is measured (its noise suppression adapts).
const DEFAULT_PATH_SETTLE: Duration = Duration::from_secs(4);
/// Clicks of the latency measurement.
const CLICKS: usize = 12;

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
    let results = match tokio::time::timeout(Duration::from_secs(240), run()).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => error_entries(&e.to_string()),
        Err(_) => error_entries("not finished within 240 s"),
    };
    let mut results = results;
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

fn error_entries(e: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("stethoscope_response".into(), json!({ "error": e }));
    m
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

async fn run() -> Result<Map<String, Value>> {
    let mut results = Map::new();
    // Both browsers before the private PulseAudio server: they must not play into it.
    let s = CallScenario::prepare(ScenarioOptions::default()).await?;
    let dir = tempfile::tempdir()?;
    let tones = dir.path().join("multitone.wav");
    steth::write_wav(&tones, &steth::multitone(2.0))?;
    let fake_capture = format!("--use-file-for-fake-audio-capture={}", tones.display());
    let default_gp = GpBrowser::launch(&[fake_capture.as_str()]).await?;
    let pulse = PulseServer::start()?;
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
    results.insert(
        "stethoscope_response".into(),
        response_entry(&measured, "paplay → PulseAudio monitor → cpal → Opus music 64 kbit/s → WebRTC → Chromium (received track, WebAudio 48 kHz)")?,
    );

    // Mouth-to-ear latency: clicks written to PulseAudio → onsets in the GP's page.
    let since = steth::unix_ms();
    let written = tokio::task::block_in_place(|| {
        pulse.click_train(0.3 + CLICKS as f64 * 0.5 + 0.2, Duration::from_millis(500))
    })?;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let seen =
        s.gp.eval_async(&steth::with_params(
            STETH_MEASURE_JS,
            &json!({ "seconds": 0.1, "freqs": [], "sinceWall": since }),
        ))
        .await?;
    let onsets: Vec<f64> = seen["onsets"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let mut latencies: Vec<f64> = written
        .iter()
        .filter_map(|w| {
            onsets
                .iter()
                .map(|o| o - w)
                .filter(|d| (0.0..300.0).contains(d))
                .fold(None, |best: Option<f64>, d| {
                    Some(best.map_or(d, |b| b.min(d)))
                })
        })
        .collect();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let latency = if latencies.is_empty() {
        json!({ "error": format!("no click detected ({} written, {} onsets)", written.len(), onsets.len()) })
    } else {
        let med = latencies[latencies.len() / 2];
        json!({
            "value": round1(med),
            "unit": "ms",
            "target": "< 150",
            "met": med < 150.0,
            "min": round1(latencies[0]),
            "max": round1(latencies[latencies.len() - 1]),
            "clicks": written.len(),
            "detected": latencies.len(),
            "scope": "click written to PulseAudio (pacat, 10 ms buffer) → onset in the GP page's audio graph (wall clock, loopback)",
        })
    };
    results.insert("stethoscope_mouth_to_ear_latency_ms".into(), latency);
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
    let mut entry = response_entry(
        &measured,
        "Chromium fake capture (same file) → getUserMedia echoCancellation/noiseSuppression/autoGainControl on → default Opus → loopback WebRTC → WebAudio 48 kHz",
    )?;
    if let Some(m) = entry.as_object_mut() {
        m.insert("target".into(), json!("reference (speech processing on)"));
        m.remove("met");
        m.insert("track_settings".into(), started["settings"].clone());
    }
    results.insert("default_gum_response".into(), entry);
    default_gp.quit().await?;
    drop(pulse);
    s.gp.quit().await?;
    Ok(results)
}

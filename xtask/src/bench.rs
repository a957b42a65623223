//! `cargo xtask bench`: the station's cold start to its first usable screen, and its
//! resident memory at idle (the app and its WebKit processes); then the call benchmark
//! (`call-bench` of relais-e2e: set-up times against a Chromium pair, glass-to-glass latency,
//! recovery after a cut, CPU and memory in a 720p30 call), and the stethoscope benchmark
//! (`steth-bench`: response and latency of the stethoscope's track next to Chromium's default
//! audio path). All into `target/bench/results.json`.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::{sh, xvfb::Xvfb, Result};

const RUNS: usize = 5;
const IDLE: Duration = Duration::from_secs(5);

/// Runs the benchmarks and writes the results: on the build `cargo xtask run` starts, or on
/// the release build with `--release`.
pub fn run(release: bool) -> Result {
    crate::setup::run(crate::setup::Purpose::Test)?;
    crate::build_station(release)?;
    let profile = if release { "release" } else { "debug" };
    let bin = sh::root()
        .join("target")
        .join(profile)
        .join("relais-station");
    let display = Xvfb::start()?;
    let mut starts = Vec::new();
    let mut memories = Vec::new();
    let mut proportional = Vec::new();
    for i in 0..RUNS {
        let (start_ms, rss_mb, pss_mb) = one_run(&bin, display.name(), i)?;
        println!(
            "run {}: first screen {start_ms:.0} ms, idle memory {rss_mb:.1} MB RSS, {pss_mb:.1} MB PSS",
            i + 1
        );
        starts.push(start_ms);
        memories.push(rss_mb);
        proportional.push(pss_mb);
    }
    let mut results = json!({
        "station_cold_start_to_first_screen": { "value": median(&mut starts), "unit": "ms", "target": "< 1500", "runs": RUNS, "build": profile },
        "station_idle_resident_memory": { "value": median(&mut memories), "unit": "MB", "target": "< 150", "build": profile, "scope": "RSS sum of the station process and its WebKit child processes" },
        "station_idle_proportional_memory": { "value": median(&mut proportional), "unit": "MB", "build": profile, "scope": "PSS sum of the same processes (shared libraries counted once)" },
    });
    let dir = sh::root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    drop(display);
    let call = call_bench(release);
    if let (Some(all), Some(call)) = (results.as_object_mut(), call.as_object()) {
        all.extend(call.clone());
    }
    let steth = e2e_bin(release, "steth-bench");
    if let (Some(all), Some(steth)) = (results.as_object_mut(), steth.as_object()) {
        all.extend(steth.clone());
    }
    let path = dir.join("results.json");
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| e.to_string())?;
    println!("{}", std::fs::read_to_string(&path).unwrap_or_default());
    Ok(())
}

/// Runs `call-bench` (same profile) and returns its entries, or one `{ "error" }` entry
/// when it could not run: the start-up figures are written either way.
fn call_bench(release: bool) -> serde_json::Value {
    e2e_bin(release, "call-bench")
}

/// Runs the benchmark binary `name` of relais-e2e (`call-bench`, `steth-bench`) and returns
/// its entries, or one `{ "error" }` entry when it could not run.
fn e2e_bin(release: bool, name: &str) -> serde_json::Value {
    let out = std::env::temp_dir().join(format!("relais-{name}-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let mut c = sh::cargo();
    c.args(["run", "-p", "relais-e2e", "--bin", name]);
    if release {
        c.arg("--release");
    }
    c.arg("--").arg(&out);
    let read = sh::run(&mut c).and_then(|()| {
        let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
        serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
    });
    let _ = std::fs::remove_file(&out);
    match read {
        Ok(v) => v,
        Err(e) => json!({ name.replace('-', "_"): { "error": format!("{name} failed: {e}") } }),
    }
}

/// One start on a fresh data directory, up to the first screen the user can act on.
fn one_run(bin: &Path, display: &str, i: usize) -> Result<(f64, f64, f64)> {
    let dir = std::env::temp_dir().join(format!("relais-bench-{}-{i}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let ready = dir.join("ready");
    let spawned_at = now_ms();
    let t0 = Instant::now();
    let mut child = Command::new(bin)
        .env("DISPLAY", display)
        .env("RELAIS_DATA_DIR", dir.join("data"))
        // No OS keyring on the bench machines: the first screen is the passphrase prompt.
        .env("RELAIS_KEY_STORE", "passphrase")
        .env("RELAIS_READY_FILE", &ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the station: {e}"))?;
    while !ready.exists() {
        if t0.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err("the station showed no screen within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let ready_ms: f64 = std::fs::read_to_string(&ready)
        .map_err(|e| e.to_string())?
        .trim()
        .parse()
        .map_err(|_| "unreadable readiness file")?;
    std::thread::sleep(IDLE);
    let (rss, pss) = tree_memory_kb(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    Ok((
        ready_ms - spawned_at,
        rss as f64 / 1024.0,
        pss as f64 / 1024.0,
    ))
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Resident memory of a process and all its descendants, in KiB: the RSS sum (shared
/// libraries counted in each process) and the PSS sum (shared pages split between them).
fn tree_memory_kb(root: u32) -> (u64, u64) {
    let procs: Vec<(u32, u32, u64, u64)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status =
                std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status"))).ok()?;
            let field = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find(|l| l.starts_with("Pss:"))
                        .and_then(|l| l.split_whitespace().nth(1))
                        .and_then(|v| v.parse::<u64>().ok())
                })
                .unwrap_or(0);
            Some((
                pid,
                field("PPid:")? as u32,
                field("VmRSS:").unwrap_or(0),
                pss,
            ))
        })
        .collect();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(procs.iter().filter(|p| p.1 == parent).map(|p| p.0));
        i += 1;
    }
    procs
        .iter()
        .filter(|p| tree.contains(&p.0))
        .fold((0, 0), |(rss, pss), p| (rss + p.2, pss + p.3))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

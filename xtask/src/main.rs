//! `cargo xtask`: the project's own automation, runnable on a fresh Debian 12 machine.
//!
//! - `setup [--for run|test]`: installs what is missing (Debian packages, npm packages, cargo tools);
//! - `run`: sets up, builds the UI and the station, starts the station;
//! - `test`: sets up, then fmt check, clippy `-D warnings`, UI tests, every Rust test
//!   including the end-to-end ones (the station under Xvfb, driven by tauri-driver);
//! - `bench [--release]`: start-up time and idle memory of the station, then the call benchmark
//!   (`call-bench`: set-up times against a Chromium pair, latency, recovery, CPU, memory), into
//!   `target/bench/results.json`.

mod bench;
mod cups;
mod demo_hub;
mod setup;
mod sh;
mod xvfb;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(setup::Purpose::Test),
        Some("run") => run(),
        Some("test") => test(),
        Some("bench") => bench::run(args.iter().any(|a| a == "--release")),
        _ => {
            eprintln!("usage: cargo xtask <setup|run|test|bench>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A failed step, with what to do.
pub type Result<T = ()> = std::result::Result<T, String>;

/// Builds the UI and the station binary (the UI is embedded in it).
pub fn build_station(release: bool) -> Result {
    sh::run(
        sh::cmd("npm")
            .args(["run", "build"])
            .current_dir(sh::root().join("ui")),
    )?;
    let mut c = sh::cargo();
    c.args(["build", "-p", "relais-station"]);
    if release {
        c.arg("--release");
    }
    sh::run(&mut c)
}

fn run() -> Result {
    setup::run(setup::Purpose::Run)?;
    build_station(false)?;
    sh::run(sh::cargo().args(["build", "-p", "relais-hub"]))?;
    let root = sh::root();
    let hub = demo_hub::DemoHub::start(&root.join("target/demo-hub"))?;
    let bin = root.join("target/debug/relais-station");
    let _display =
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            println!("Pas d'écran détecté : la station démarre dans un écran virtuel (Xvfb).");
            Some(xvfb::Xvfb::start()?)
        } else {
            None
        };
    println!("Démarrage de la station Relais ({}).", bin.display());
    let result = sh::run(
        sh::cmd(bin.to_string_lossy().as_ref())
            .env("RELAIS_HUB_URL", &hub.url)
            .env("RELAIS_HUB_FINGERPRINT", &hub.fingerprint),
    );
    drop(hub);
    result
}

fn test() -> Result {
    setup::run(setup::Purpose::Test)?;
    let root = sh::root();
    let ui = root.join("ui");
    step("cargo fmt --check", || {
        sh::run(sh::cargo().args(["fmt", "--all", "--check"]))
    })?;
    step("UI build", || {
        sh::run(sh::cmd("npm").args(["run", "build"]).current_dir(&ui))
    })?;
    step("UI tests (vitest)", || {
        sh::run(sh::cmd("npm").args(["test"]).current_dir(&ui))
    })?;
    step("clippy -D warnings", || {
        sh::run(sh::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    // One build of every target: the station binary then has the same dependency features
    // as the test build (dev-dependencies unified), so `cargo test` rebuilds nothing.
    step("build (all targets)", || {
        sh::run(sh::cargo().args(["build", "--workspace", "--all-targets"]))
    })?;
    step("CUPS with its test printers", cups::ensure)?;
    let display = xvfb::Xvfb::start()?;
    step("Rust tests (unit, integration, end-to-end)", || {
        sh::run(
            sh::cargo()
                .args(["test", "--workspace", "--no-fail-fast"])
                .env("DISPLAY", display.name())
                .env("RELAIS_PYTHON", setup::python_path())
                .env(
                    "RELAIS_STATION_BIN",
                    root.join("target/debug/relais-station"),
                ),
        )
    })?;
    println!("xtask test: all steps passed");
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    println!("\n==> {name}");
    let t = std::time::Instant::now();
    f().map_err(|e| format!("{name}: {e}"))?;
    println!("<== {name} ({:.1} s)", t.elapsed().as_secs_f64());
    Ok(())
}

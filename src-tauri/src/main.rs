//! Relais station: the Tauri shell. It only wires windows to [`relais_app::Station`];
//! every command is a one-line pass-through (see `commands.rs`).
#![forbid(unsafe_code)]
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod call;
mod commands;
mod devices;
mod documents;
mod export;
mod readings;
mod stethoscope;

use std::sync::Arc;

use relais_app::{Calls, Config, MediaSource, Station, SystemClock};
use tauri::Manager;

fn main() {
    // The station's screens are flat documents: WebKitGTK's accelerated compositing only
    // costs memory here (about 80 MB less in the web process without it). Set before any
    // thread starts; an explicit setting in the environment wins.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    // cpal's PulseAudio client logs "Reactor error: Client disconnected" at ERROR each time
    // a device list is closed (the stethoscope's input is listed every second while it is
    // on): that is its normal end, not a fault, so its reactor is kept out of the log.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RELAIS_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,pulseaudio::client::reactor=off")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{}", e.message);
            std::process::exit(2);
        }
    };
    let station = Arc::new(Station::start(config, Box::new(SystemClock)));
    let result = tauri::Builder::default()
        .setup(move |app| {
            let observer = Arc::new(call::WebviewObserver::new(app.handle().clone()));
            app.manage(Calls::new(
                Arc::clone(&station),
                MediaSource::from_env(),
                observer.clone(),
            ));
            app.manage(station);
            app.manage(observer);
            readings::setup(app);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the station window could not start");
        std::process::exit(1);
    }
}

//! The stethoscope's input unplugged and plugged back during a test: the private
//! PulseAudio server's `steth` null sink is unloaded (its monitor, the stethoscope,
//! disappears as a USB device would) and loaded again under the same name.
use std::process::Command;

use crate::steth::{PulseServer, STETH_SINK};
use crate::Result;

fn pactl(pulse: &PulseServer, args: &[&str]) -> Result<String> {
    let out = Command::new("pactl")
        .args(args)
        .env("PULSE_SERVER", &pulse.server)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "pactl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Unloads the `steth` sink: `steth.monitor` is gone.
pub fn unplug(pulse: &PulseServer) -> Result {
    let modules = pactl(pulse, &["list", "short", "modules"])?;
    let needle = format!("sink_name={STETH_SINK} ");
    let id = modules
        .lines()
        .find(|l| l.contains("module-null-sink") && format!("{l} ").contains(&needle))
        .and_then(|l| l.split_whitespace().next())
        .ok_or("the steth sink's module is not loaded")?
        .to_owned();
    pactl(pulse, &["unload-module", &id])?;
    Ok(())
}

/// Loads the `steth` sink again (48 kHz, mono): `steth.monitor` is back.
pub fn replug(pulse: &PulseServer) -> Result {
    pactl(
        pulse,
        &[
            "load-module",
            "module-null-sink",
            &format!("sink_name={STETH_SINK}"),
            "rate=48000",
            "channels=1",
        ],
    )?;
    Ok(())
}

/// Whether `steth.monitor` is listed.
pub fn plugged(pulse: &PulseServer) -> Result<bool> {
    Ok(pactl(pulse, &["list", "short", "sources"])?.contains(crate::steth::STETH_SOURCE))
}

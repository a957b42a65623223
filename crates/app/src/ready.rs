//! Start-up readiness signal for the cold-start benchmark and the end-to-end tests.
//!
//! When `RELAIS_READY_FILE` is set, the first call to [`mark`] writes there the wall-clock
//! time (milliseconds since the Unix epoch) at which the first screen was on display.
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static MARKED: AtomicBool = AtomicBool::new(false);

/// Records that the first usable screen is displayed (once per process).
pub fn mark() {
    if MARKED.swap(true, Ordering::SeqCst) {
        return;
    }
    let Some(path) = std::env::var_os("RELAIS_READY_FILE") else {
        return;
    };
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let tmp = std::path::PathBuf::from(&path).with_extension("tmp");
    // Written then renamed, so a reader never sees a partial number.
    if std::fs::write(&tmp, ms.to_string())
        .and_then(|()| std::fs::rename(&tmp, &path))
        .is_err()
    {
        tracing::warn!("readiness file could not be written");
    }
}

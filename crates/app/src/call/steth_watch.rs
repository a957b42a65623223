//! The stethoscope's input watched while it is on: unplugged (or silent for seconds), the
//! nurse sees a French notice, the GP hears silence and is told it is off, and the input
//! is looked for every [`RETRY_EVERY`] until it is back, then reopened by itself
//! (`DEVICE_FAILED` then `DEVICE_RECOVERED stethoscope` in the call's journal).
//!
//! An input that fails is noticed by the track that reads it; one that disappears from
//! the list is noticed here, every [`LIST_EVERY`]: a sound server (PulseAudio,
//! PipeWire) moves the stream of a device that goes away to another input — the room's
//! microphone must never be sent as the stethoscope.
use std::sync::Arc;
use std::time::Duration;

use relais_media::steth_input::{list_inputs, matches};

use super::stethoscope::StethoscopeStatus;
use super::{Calls, DeviceNotice};

/// How often the input is looked at.
const WATCH_EVERY: Duration = Duration::from_millis(300);
/// How often a lost input is looked for.
pub const RETRY_EVERY: Duration = Duration::from_secs(2);
/// How often the input in use is looked for in the list.
pub const LIST_EVERY: Duration = Duration::from_secs(1);

/// Code and French notice of a lost input.
pub fn lost_notice(device: &str) -> DeviceNotice {
    DeviceNotice {
        code: "STETHOSCOPE_LOST".into(),
        message: format!(
            "Le stéthoscope « {device} » ne transmet plus de son : il est peut-être débranché. Rebranchez-le : il reprendra tout seul."
        ),
    }
}

/// Code and French notice of an input back.
pub fn recovered_notice(device: &str) -> DeviceNotice {
    DeviceNotice {
        code: "STETHOSCOPE_RECOVERED".into(),
        message: format!(
            "Le stéthoscope « {device} » est rebranché : le médecin l’entend de nouveau."
        ),
    }
}

/// Whether the input `device` is plugged in (always, for an input this machine does not
/// list, e.g. one given by tests: opening it tells).
fn plugged(device: &str) -> bool {
    let inputs = list_inputs();
    inputs.is_empty() || inputs.iter().any(|d| matches(d, device))
}

impl Calls {
    fn steth_failure(&self) -> Option<String> {
        self.stethoscope
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Starts watching the input that was just turned on (once per call).
    pub(super) fn watch_stethoscope(self: &Arc<Self>) {
        let mut slot = self
            .stethoscope
            .watch
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(|w| !w.is_finished()) {
            return;
        }
        let calls = Arc::clone(self);
        *slot = Some(tokio::spawn(async move { calls.steth_watch().await }));
    }

    async fn steth_watch(self: Arc<Self>) {
        let mut next_try = tokio::time::Instant::now();
        let mut next_list = tokio::time::Instant::now() + LIST_EVERY;
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if !self.call_is_live() {
                break;
            }
            let status: StethoscopeStatus = self.stethoscope_status();
            if !status.on {
                break;
            }
            let device = status.device.clone().unwrap_or_default();
            if !status.lost {
                if tokio::time::Instant::now() >= next_list {
                    next_list = tokio::time::Instant::now() + LIST_EVERY;
                    let name = device.clone();
                    let present = tokio::task::spawn_blocking(move || plugged(&name))
                        .await
                        .unwrap_or(true);
                    if !present && self.stethoscope_status().on {
                        self.stethoscope.input_gone();
                        self.journal("DEVICE_FAILED", "stéthoscope : DEVICE_NOT_FOUND");
                    }
                }
                let Some(code) = self.steth_failure() else {
                    continue;
                };
                tracing::info!(%code, "stethoscope input lost");
                self.stethoscope_changed(|s| {
                    s.lost = true;
                    s.notice = Some(lost_notice(&device));
                });
                self.send_stethoscope_state(false).await;
                next_try = tokio::time::Instant::now() + RETRY_EVERY;
                continue;
            }
            if tokio::time::Instant::now() < next_try {
                continue;
            }
            next_try = tokio::time::Instant::now() + RETRY_EVERY;
            if self.steth_reopen(&device).await {
                self.journal("DEVICE_RECOVERED", "stethoscope");
                self.stethoscope_changed(|s| {
                    s.lost = false;
                    s.notice = Some(recovered_notice(&device));
                });
                self.send_stethoscope_state(true).await;
            }
        }
    }

    /// Opens `device` again and hands it to the track; false while it is not back.
    async fn steth_reopen(&self, device: &str) -> bool {
        let Ok(control) = self.stethoscope_control() else {
            return false;
        };
        let open = Arc::clone(&self.stethoscope.opener);
        let name = device.to_owned();
        let opened = tokio::task::spawn_blocking(move || {
            if !plugged(&name) {
                return None;
            }
            open(&name).ok()
        })
        .await
        .ok()
        .flatten();
        let Some(input) = opened else { return false };
        // The nurse may have turned it off meanwhile.
        if !self.stethoscope_status().on {
            return false;
        }
        control.set_source(Some(self.stethoscope_tap(input)));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_notices_name_the_input() {
        let lost = lost_notice("Stéthoscope USB");
        assert_eq!(lost.code, "STETHOSCOPE_LOST");
        assert!(lost.message.contains("« Stéthoscope USB »"));
        assert!(lost.message.contains("Rebranchez-le"));
        let back = recovered_notice("Stéthoscope USB");
        assert_eq!(back.code, "STETHOSCOPE_RECOVERED");
        assert!(back.message.contains("rebranché"));
    }
}

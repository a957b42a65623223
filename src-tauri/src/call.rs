//! The call's link to the webview: status changes as `call-status` events, the GP's video
//! as JPEG images on the channel the call screen opened (`call_video`).
use std::sync::Mutex;

use relais_app::call::CallStatus;
use relais_app::CallObserver;
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{AppHandle, Emitter};

/// Pushes the call to the webview.
pub struct WebviewObserver {
    app: AppHandle,
    video: Mutex<Option<Channel<InvokeResponseBody>>>,
}

impl WebviewObserver {
    /// An observer emitting on `app`.
    pub fn new(app: AppHandle) -> Self {
        Self {
            app,
            video: Mutex::new(None),
        }
    }

    /// The channel that receives the GP's video from now on.
    pub fn set_video_channel(&self, channel: Channel<InvokeResponseBody>) {
        *self.video.lock().unwrap_or_else(|p| p.into_inner()) = Some(channel);
    }
}

impl CallObserver for WebviewObserver {
    fn status(&self, status: &CallStatus) {
        if let Err(e) = self.app.emit("call-status", status) {
            tracing::warn!(error = %e, "call status not delivered to the window");
        }
    }

    fn stethoscope(&self, status: &relais_app::call::StethoscopeStatus) {
        if let Err(e) = self.app.emit("stethoscope-status", status) {
            tracing::warn!(error = %e, "stethoscope status not delivered to the window");
        }
    }

    fn stethoscope_level(&self, level: &relais_app::call::StethoscopeLevel) {
        let _ = self.app.emit("stethoscope-level", level);
    }

    fn remote_jpeg(&self, jpeg: Vec<u8>) {
        // Never hold the lock while sending: the send goes through the window's thread,
        // which may be waiting for this lock (`call_video`).
        let channel = self.video.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(channel) = channel {
            if channel.send(InvokeResponseBody::Raw(jpeg)).is_err() {
                *self.video.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
        }
    }
}

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

    fn remote_jpeg(&self, jpeg: Vec<u8>) {
        let mut video = self.video.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(channel) = video.as_ref() {
            if channel.send(InvokeResponseBody::Raw(jpeg)).is_err() {
                *video = None;
            }
        }
    }
}

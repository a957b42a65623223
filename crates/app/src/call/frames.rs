//! The GP's decoded video, turned into JPEG images for the webview on a worker thread:
//! at most [`MAX_FPS`] images a second, frames dropped while the worker is busy (the
//! picture stays live rather than late).
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use relais_media::VideoFrame;

use super::CallObserver;

/// Highest rate of images sent to the webview.
pub const MAX_FPS: u32 = 15;

/// JPEG quality of the images sent to the webview.
const JPEG_QUALITY: u8 = 75;

/// Feeds the worker.
pub struct FramePipe {
    tx: SyncSender<VideoFrame>,
    last: Option<Instant>,
}

impl FramePipe {
    /// Starts the worker that encodes and hands images to `observer`.
    pub fn start(observer: Arc<dyn CallObserver>) -> Self {
        let (tx, rx) = sync_channel::<VideoFrame>(1);
        let spawned = std::thread::Builder::new()
            .name("relais-remote-video".into())
            .spawn(move || {
                while let Ok(frame) = rx.recv() {
                    match relais_media::convert::to_jpeg(&frame, JPEG_QUALITY) {
                        Ok(jpeg) => observer.remote_jpeg(jpeg),
                        Err(e) => tracing::warn!(code = e.code(), "remote frame not converted"),
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "remote video worker not started");
        }
        Self { tx, last: None }
    }

    /// Offers a frame; dropped when too soon after the last one or when the worker is busy.
    pub fn offer(&mut self, frame: VideoFrame) {
        let now = Instant::now();
        let min_gap = Duration::from_millis(1000 / u64::from(MAX_FPS));
        if self.last.is_some_and(|t| now.duration_since(t) < min_gap) {
            return;
        }
        match self.tx.try_send(frame) {
            Ok(()) => self.last = Some(now),
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

//! The station's camera (nokhwa: V4L2, Media Foundation, AVFoundation), behind feature `camera`.
//!
//! The camera lives on its own thread (nokhwa's handles are not `Send` everywhere); frames
//! come back over a channel, converted to I420.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::frame::{VideoFormat, VideoFrame};
use crate::video_source::VideoSource;
use crate::MediaError;

/// How long a silent camera is waited for before it is declared failed.
const FRAME_TIMEOUT: Duration = Duration::from_secs(3);

/// A camera found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    /// Index to open it with.
    pub index: u32,
    /// Name shown to the user.
    pub name: String,
}

/// The cameras of this machine; empty when there are none (or without feature `camera`).
pub fn list_cameras() -> Vec<CameraInfo> {
    backend::list()
}

/// A camera opened at a format.
pub struct Camera {
    index: u32,
    format: VideoFormat,
    frames: Receiver<Result<VideoFrame, MediaError>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Camera {
    /// Opens camera `index` at the closest format to `format`.
    pub fn open(index: u32, format: VideoFormat) -> Result<Self, MediaError> {
        let format = format.check()?;
        if !cfg!(feature = "camera") {
            return Err(MediaError::FeatureDisabled("camera"));
        }
        if !list_cameras().iter().any(|c| c.index == index) {
            return Err(MediaError::DeviceNotFound(format!("caméra n° {index}")));
        }
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, frames) = mpsc::sync_channel(2);
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("relais-camera".into())
            .spawn(move || backend::run(index, format, ready_tx, tx, thread_stop))
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        let mut camera = Self {
            index,
            format,
            frames,
            stop,
            thread: Some(thread),
        };
        match ready_rx.recv_timeout(FRAME_TIMEOUT) {
            Ok(Ok(actual)) => {
                camera.format = actual;
                Ok(camera)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(MediaError::DeviceFailed(format!(
                "caméra n° {index} : pas de réponse"
            ))),
        }
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl VideoSource for Camera {
    fn next_frame(&mut self) -> Result<VideoFrame, MediaError> {
        match self.frames.recv_timeout(FRAME_TIMEOUT) {
            Ok(frame) => frame,
            Err(RecvTimeoutError::Timeout) => Err(MediaError::DeviceFailed(format!(
                "caméra n° {} muette",
                self.index
            ))),
            Err(RecvTimeoutError::Disconnected) => Err(MediaError::Stopped),
        }
    }

    fn set_format(&mut self, width: u32, height: u32, fps: u32) -> Result<(), MediaError> {
        let wanted = VideoFormat::new(width, height, fps).check()?;
        self.shutdown();
        *self = Camera::open(self.index, wanted)?;
        Ok(())
    }

    fn format(&self) -> VideoFormat {
        self.format
    }

    /// Stops the stream, grabs one frame at the camera's highest resolution, and starts
    /// the stream again at its format.
    fn capture_still(&mut self) -> Result<VideoFrame, MediaError> {
        let format = self.format;
        self.shutdown();
        let index = self.index;
        let still = std::thread::Builder::new()
            .name("relais-camera-still".into())
            .spawn(move || backend::still(index))
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?
            .join()
            .map_err(|_| MediaError::DeviceFailed(format!("caméra n° {index}")))?;
        *self = Camera::open(index, format)?;
        still
    }
}

#[cfg(feature = "camera")]
mod backend {
    use super::*;
    use nokhwa::pixel_format::RgbFormat;
    use nokhwa::utils::{
        ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    };

    pub(super) fn list() -> Vec<CameraInfo> {
        nokhwa::query(ApiBackend::Auto)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|info| match info.index() {
                CameraIndex::Index(i) => Some(CameraInfo {
                    index: *i,
                    name: info.human_name(),
                }),
                CameraIndex::String(_) => None,
            })
            .collect()
    }

    /// One frame at the highest resolution the camera offers (the first frames of a
    /// stream are often dark: the fourth is kept).
    pub(super) fn still(index: u32) -> Result<VideoFrame, MediaError> {
        let requested =
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestResolution);
        let mut camera = nokhwa::Camera::new(CameraIndex::Index(index), requested)
            .and_then(|mut c| c.open_stream().map(|()| c))
            .map_err(|e| MediaError::DeviceFailed(e.to_string()))?;
        let mut last = Err(MediaError::DeviceFailed(format!("caméra n° {index}")));
        for _ in 0..4 {
            last = camera
                .frame()
                .and_then(|buffer| buffer.decode_image::<RgbFormat>())
                .map_err(|e| MediaError::DeviceFailed(e.to_string()))
                .and_then(|rgb| {
                    let (w, h) = rgb.dimensions();
                    crate::convert::from_rgb(rgb.as_raw(), w, h)
                });
        }
        let _ = camera.stop_stream();
        last
    }

    pub(super) fn run(
        index: u32,
        format: VideoFormat,
        ready: mpsc::Sender<Result<VideoFormat, MediaError>>,
        frames: mpsc::SyncSender<Result<VideoFrame, MediaError>>,
        stop: Arc<AtomicBool>,
    ) {
        let requested = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(
            CameraFormat::new_from(format.width, format.height, FrameFormat::MJPEG, format.fps),
        ));
        let mut camera = match nokhwa::Camera::new(CameraIndex::Index(index), requested)
            .and_then(|mut c| c.open_stream().map(|()| c))
        {
            Ok(c) => c,
            Err(e) => {
                let _ = ready.send(Err(MediaError::DeviceFailed(e.to_string())));
                return;
            }
        };
        let actual = camera.camera_format();
        let _ = ready.send(Ok(VideoFormat::new(
            actual.width() & !1,
            actual.height() & !1,
            actual.frame_rate(),
        )));
        while !stop.load(Ordering::Relaxed) {
            let frame = camera
                .frame()
                .and_then(|buffer| buffer.decode_image::<RgbFormat>())
                .map_err(|e| MediaError::DeviceFailed(e.to_string()))
                .and_then(|rgb| {
                    let (w, h) = rgb.dimensions();
                    crate::convert::from_rgb(rgb.as_raw(), w, h)
                });
            let failed = frame.is_err();
            if frames.send(frame).is_err() || failed {
                break;
            }
        }
        let _ = camera.stop_stream();
    }
}

#[cfg(not(feature = "camera"))]
mod backend {
    use super::*;

    pub(super) fn list() -> Vec<CameraInfo> {
        Vec::new()
    }

    pub(super) fn still(_index: u32) -> Result<VideoFrame, MediaError> {
        Err(MediaError::FeatureDisabled("camera"))
    }

    pub(super) fn run(
        _index: u32,
        _format: VideoFormat,
        ready: mpsc::Sender<Result<VideoFormat, MediaError>>,
        _frames: mpsc::SyncSender<Result<VideoFrame, MediaError>>,
        _stop: Arc<AtomicBool>,
    ) {
        let _ = ready.send(Err(MediaError::FeatureDisabled("camera")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_camera_is_a_clear_error() {
        let cameras = list_cameras();
        let missing = cameras.iter().map(|c| c.index + 1).max().unwrap_or(0) + 100;
        let err = Camera::open(missing, VideoFormat::new(640, 480, 30))
            .err()
            .expect("no such camera");
        let expected = if cfg!(feature = "camera") {
            "DEVICE_NOT_FOUND"
        } else {
            "DEVICE_SUPPORT_MISSING"
        };
        assert_eq!(err.code(), expected);
    }
}

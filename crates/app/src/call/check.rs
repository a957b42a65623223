//! The device check before (and during) a call: a preview of the chosen camera as JPEG
//! images, the level of the chosen microphone, and a test tone on the chosen speaker.
//!
//! Before a call the check opens the camera itself; once a call runs, it shows the call's
//! own picture (the camera cannot be opened twice) and gives its camera up to the call.
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use relais_media::{AudioSource, ToneSource, VideoSource, VideoSwitch};
use serde::Serialize;

use super::cameras::switch_format;
use super::devices::{
    camera_error_fr, list_devices, open_camera, open_microphone, open_speaker, resolve,
    DeviceNotice,
};
use super::Calls;
use crate::error::ApiError;

/// Images of the preview a second.
const PREVIEW_FPS: u64 = 10;
/// JPEG quality of the preview.
const PREVIEW_QUALITY: u8 = 70;
/// Length of the speaker's test tone.
const TEST_TONE: Duration = Duration::from_millis(1500);

/// Receives the preview's JPEG images.
pub type JpegSink = Arc<dyn Fn(Vec<u8>) + Send + Sync>;

/// What the device check screen shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckStatus {
    /// The check runs.
    pub running: bool,
    /// Name of the camera previewed.
    pub camera: Option<String>,
    /// Why there is no preview.
    pub camera_error: Option<String>,
    /// Images sent to the preview so far.
    pub frames: u64,
    /// Name of the microphone measured.
    pub microphone: Option<String>,
    /// Why there is no level.
    pub microphone_error: Option<String>,
    /// Level of the microphone over the last 100 ms, 0..=1 (RMS of full scale).
    pub level: f32,
    /// The test tone is playing.
    pub speaker_testing: bool,
    /// Why the test tone could not play.
    pub speaker_error: Option<String>,
    /// Fallbacks (a saved device that is not plugged).
    pub notices: Vec<DeviceNotice>,
}

/// A running check.
pub(crate) struct Running {
    stop: Arc<AtomicBool>,
    level: Arc<AtomicU32>,
    frames: Arc<AtomicU64>,
    speaker_testing: Arc<AtomicBool>,
    info: Arc<Mutex<CheckStatus>>,
    /// The camera the check opened itself (given up when a call starts).
    own: VideoSwitch,
}

impl Running {
    fn info(&self) -> MutexGuard<'_, CheckStatus> {
        self.info.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn status(&self) -> CheckStatus {
        let mut s = self.info().clone();
        s.running = !self.stop.load(Ordering::Relaxed);
        s.level = f32::from_bits(self.level.load(Ordering::Relaxed));
        s.frames = self.frames.load(Ordering::Relaxed);
        s.speaker_testing = self.speaker_testing.load(Ordering::Relaxed);
        s
    }
}

fn rms(samples: &[i16]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    ((sum / samples.len() as f64).sqrt() / 32768.0) as f32
}

impl Calls {
    fn check(&self) -> MutexGuard<'_, Option<Running>> {
        self.check.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts (or restarts) the device check with the chosen devices; preview images go to
    /// `on_jpeg`.
    pub fn start_device_check(
        self: &Arc<Self>,
        on_jpeg: JpegSink,
    ) -> Result<CheckStatus, ApiError> {
        self.station.with_session(|_| Ok(()))?;
        self.stop_device_check();
        let devices = list_devices(&self.source);
        let (saved, _) = self.saved_devices();
        let (choice, notices) = resolve(&saved, &devices);
        let mut info = CheckStatus {
            running: true,
            notices,
            ..CheckStatus::default()
        };
        let (own, mut own_video) = VideoSwitch::new(switch_format(&self.source), None);
        let in_call = self.call_switch().is_some();
        match choice
            .camera_id
            .as_ref()
            .and_then(|id| devices.cameras.iter().find(|c| &c.id == id))
        {
            Some(camera) => {
                info.camera = Some(camera.label.clone());
                if !in_call {
                    if let Err(e) =
                        open_camera(&self.source, &camera.id).and_then(|c| own.replace(c))
                    {
                        info.camera_error = Some(camera_error_fr(&camera.label, &e));
                    }
                }
            }
            None => {
                info.camera_error = Some(
                    "Aucune caméra n’est branchée : l’appel se fera avec le son seulement.".into(),
                )
            }
        }
        let microphone = match &choice.microphone_id {
            Some(id) => devices
                .microphones
                .iter()
                .find(|m| &m.id == id)
                .map(|m| m.label.clone()),
            None => devices
                .microphones
                .first()
                .map(|_| "Micro par défaut du système".into()),
        };
        let mic = open_microphone(&self.source, choice.microphone_id.as_deref());
        match &mic {
            Ok(_) => info.microphone = microphone,
            Err(e) => {
                info.microphone_error = Some(format!(
                    "Le micro ne répond pas ({}). Vérifiez qu’il est branché et qu’aucun autre programme ne l’utilise.",
                    e.code()
                ))
            }
        }
        let running = Running {
            stop: Arc::new(AtomicBool::new(false)),
            level: Arc::new(AtomicU32::new(0)),
            frames: Arc::new(AtomicU64::new(0)),
            speaker_testing: Arc::new(AtomicBool::new(false)),
            info: Arc::new(Mutex::new(info)),
            own: own.clone(),
        };
        // Preview: the call's picture when a call runs, else the check's own camera.
        {
            let (stop, frames, calls) = (
                Arc::clone(&running.stop),
                Arc::clone(&running.frames),
                Arc::clone(self),
            );
            let spawned = std::thread::Builder::new()
                .name("relais-check-video".into())
                .spawn(move || {
                    let interval = Duration::from_millis(1000 / PREVIEW_FPS);
                    let mut last = Instant::now() - interval;
                    while !stop.load(Ordering::Relaxed) {
                        let frame = match calls.call_switch() {
                            Some(call) => {
                                std::thread::sleep(interval);
                                call.latest()
                            }
                            None if own.has_source() => own_video.next_frame().ok(),
                            None => {
                                std::thread::sleep(interval);
                                None
                            }
                        };
                        let Some(frame) = frame else { continue };
                        if last.elapsed() < interval {
                            continue;
                        }
                        last = Instant::now();
                        if let Ok(jpeg) = relais_media::convert::to_jpeg(&frame, PREVIEW_QUALITY) {
                            frames.fetch_add(1, Ordering::Relaxed);
                            on_jpeg(jpeg);
                        }
                    }
                    own.remove(None);
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "device check preview not started");
            }
        }
        // Level meter.
        if let Ok(mut mic) = mic {
            let (stop, level) = (Arc::clone(&running.stop), Arc::clone(&running.level));
            let info = Arc::clone(&running.info);
            let spawned = std::thread::Builder::new()
                .name("relais-check-audio".into())
                .spawn(move || {
                    let mut window: Vec<i16> = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        match mic.next_chunk() {
                            Ok(chunk) => {
                                window.extend_from_slice(&chunk);
                                if window.len() >= 4800 {
                                    level.store(rms(&window).to_bits(), Ordering::Relaxed);
                                    window.clear();
                                }
                            }
                            Err(e) => {
                                level.store(0, Ordering::Relaxed);
                                if let Ok(mut i) = info.lock() {
                                    i.microphone_error =
                                        Some(format!("Le micro s’est arrêté ({}).", e.code()));
                                }
                                break;
                            }
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "device check level meter not started");
            }
        }
        let status = running.status();
        *self.check() = Some(running);
        Ok(status)
    }

    /// The check as it is now (`running: false` when none runs).
    pub fn device_check(&self) -> CheckStatus {
        self.check()
            .as_ref()
            .map(Running::status)
            .unwrap_or_default()
    }

    /// Stops the check; its devices are closed.
    pub fn stop_device_check(&self) {
        if let Some(running) = self.check().take() {
            running.stop.store(true, Ordering::Relaxed);
        }
    }

    /// A call starts: the check gives its camera up (the call opens it).
    pub(crate) fn release_check_camera(&self) {
        if let Some(running) = self.check().as_ref() {
            running.own.remove(None);
        }
    }

    /// Plays a 1.5 s test tone (440 Hz) on the chosen speaker.
    pub fn test_speaker(&self) -> Result<CheckStatus, ApiError> {
        self.station.with_session(|_| Ok(()))?;
        let devices = list_devices(&self.source);
        let (saved, _) = self.saved_devices();
        let (choice, _) = resolve(&saved, &devices);
        let mut speaker =
            open_speaker(&self.source, choice.speaker_id.as_deref()).map_err(|e| {
                ApiError::new(
                    "SPEAKER_FAILED",
                    format!(
                        "Le haut-parleur ne répond pas ({}). Vérifiez qu’il est branché et allumé.",
                        e.code()
                    ),
                )
            })?;
        let testing = self
            .check()
            .as_ref()
            .map(|r| Arc::clone(&r.speaker_testing))
            .unwrap_or_default();
        testing.store(true, Ordering::Relaxed);
        let flag = Arc::clone(&testing);
        std::thread::Builder::new()
            .name("relais-check-speaker".into())
            .spawn(move || {
                let mut tone = ToneSource::new(440.0, 0.3);
                let start = Instant::now();
                while start.elapsed() < TEST_TONE {
                    let Ok(chunk) = tone.next_chunk() else { break };
                    if speaker.play(&chunk).is_err() {
                        break;
                    }
                }
                flag.store(false, Ordering::Relaxed);
            })
            .map_err(|_| ApiError::new("INTERNAL", "Le son de test n’a pas pu être joué."))?;
        let mut status = self.device_check();
        status.speaker_testing = true;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rms_of_silence_and_full_scale() {
        assert_eq!(rms(&[]), 0.0);
        assert_eq!(rms(&[0; 100]), 0.0);
        let square: Vec<i16> = (0..100)
            .map(|i| if i % 2 == 0 { 16384 } else { -16384 })
            .collect();
        assert!((rms(&square) - 0.5).abs() < 0.01);
    }
}

//! Synthetic cameras: several named test devices, each with its own colour, for tests and
//! demonstrations on machines without a camera (`RELAIS_MEDIA=synthetic`).
//!
//! Each device paints the frame-counter pattern of [`crate::pattern`] (so the far side can
//! read it) and tints the moving area below the code rows with its own colour:
//! the room camera keeps the pattern's neutral colours, the otoscope is red, the
//! dermatoscope blue. A still ([`VideoSource::capture_still`]) is the same picture at
//! [`STILL_FORMAT`] (the device's "full resolution").
//!
//! Test hook: [`unplug`], [`make_busy`] and [`plug`] change a device's state for the whole
//! process. An unplugged device disappears from [`list`] and a running source of it fails
//! at its next frame; a busy device is listed but refuses to open.
use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::frame::{VideoFormat, VideoFrame, NEUTRAL_C};
use crate::video_source::{SyntheticVideo, VideoSource};
use crate::{pattern, MediaError};

/// Resolution of a synthetic device's stills.
pub const STILL_FORMAT: VideoFormat = VideoFormat::new(1920, 1080, 30);

/// The colour of a synthetic device's picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tint {
    /// The pattern's own colours (grey-ish on average).
    Neutral,
    /// Red (Cr high).
    Red,
    /// Blue (Cb high).
    Blue,
}

impl Tint {
    /// (Cb, Cr) painted below the code rows, `None` for the pattern's own colours.
    fn chroma(self) -> Option<(u8, u8)> {
        match self {
            Tint::Neutral => None,
            Tint::Red => Some((100, 210)),
            Tint::Blue => Some((210, 100)),
        }
    }
}

/// A synthetic device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticDevice {
    /// Its id (stable).
    pub id: &'static str,
    /// Its name, as a real camera's.
    pub name: &'static str,
    /// Its colour.
    pub tint: Tint,
}

/// The synthetic devices of the station.
pub const DEVICES: [SyntheticDevice; 3] = [
    SyntheticDevice {
        id: "synthetic-room",
        name: "Caméra de test (pièce)",
        tint: Tint::Neutral,
    },
    SyntheticDevice {
        id: "synthetic-otoscope",
        name: "Caméra de test (otoscope, rouge)",
        tint: Tint::Red,
    },
    SyntheticDevice {
        id: "synthetic-dermatoscope",
        name: "Caméra de test (dermatoscope, bleue)",
        tint: Tint::Blue,
    },
];

/// State of a synthetic device (test hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Listed and working.
    Plugged,
    /// Not listed; a running source fails.
    Unplugged,
    /// Listed, but opening it fails (another program holds it).
    Busy,
}

static STATES: Mutex<BTreeMap<&'static str, DeviceState>> = Mutex::new(BTreeMap::new());

fn state_of(id: &str) -> DeviceState {
    STATES
        .lock()
        .map(|s| s.get(id).copied().unwrap_or(DeviceState::Plugged))
        .unwrap_or(DeviceState::Plugged)
}

fn set_state(id: &str, state: DeviceState) {
    let Some(device) = DEVICES.iter().find(|d| d.id == id) else {
        return;
    };
    if let Ok(mut s) = STATES.lock() {
        s.insert(device.id, state);
    }
}

/// Test hook: the device is unplugged (gone from the list, its running source fails).
pub fn unplug(id: &str) {
    set_state(id, DeviceState::Unplugged);
}

/// Test hook: the device is held by another program (listed, refuses to open).
pub fn make_busy(id: &str) {
    set_state(id, DeviceState::Busy);
}

/// Test hook: the device is back and working.
pub fn plug(id: &str) {
    set_state(id, DeviceState::Plugged);
}

/// The plugged (or busy) synthetic devices.
pub fn list() -> Vec<SyntheticDevice> {
    DEVICES
        .iter()
        .copied()
        .filter(|d| state_of(d.id) != DeviceState::Unplugged)
        .collect()
}

/// The device of `id`, plugged or not.
pub fn device(id: &str) -> Option<SyntheticDevice> {
    DEVICES.iter().copied().find(|d| d.id == id)
}

/// A running synthetic device.
pub struct SyntheticCamera {
    device: SyntheticDevice,
    video: SyntheticVideo,
}

impl SyntheticCamera {
    /// Opens device `id` at `format` (paced).
    pub fn open(id: &str, format: VideoFormat) -> Result<Self, MediaError> {
        let device = device(id)
            .filter(|d| state_of(d.id) != DeviceState::Unplugged)
            .ok_or_else(|| MediaError::DeviceNotFound(id.to_string()))?;
        if state_of(device.id) == DeviceState::Busy {
            return Err(MediaError::DeviceFailed(format!(
                "{} : occupée par un autre programme",
                device.name
            )));
        }
        Ok(Self {
            device,
            video: SyntheticVideo::new(format.width, format.height, format.fps)?,
        })
    }

    /// The device.
    pub fn device(&self) -> SyntheticDevice {
        self.device
    }

    fn check_plugged(&self) -> Result<(), MediaError> {
        match state_of(self.device.id) {
            DeviceState::Unplugged => Err(MediaError::DeviceFailed(format!(
                "{} débranchée",
                self.device.name
            ))),
            _ => Ok(()),
        }
    }
}

/// Paints the device's colour below the code rows.
pub fn tint(frame: &mut VideoFrame, tint: Tint) {
    let Some((cb, cr)) = tint.chroma() else {
        return;
    };
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let code_rows = (2 * pattern::block_size(frame.width()) as usize).min(h);
    let first = code_rows.div_ceil(2) * (w / 2);
    let (_, u, v) = frame.planes_mut();
    u[first..].fill(cb);
    v[first..].fill(cr);
}

/// Mean (Cb, Cr) below the code rows (tests: which device a frame comes from).
pub fn mean_chroma(frame: &VideoFrame) -> (u8, u8) {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let code_rows = (2 * pattern::block_size(frame.width()) as usize).min(h);
    let first = code_rows.div_ceil(2) * (w / 2);
    let mean = |p: &[u8]| {
        let p = &p[first.min(p.len())..];
        if p.is_empty() {
            return NEUTRAL_C;
        }
        (p.iter().map(|&x| u64::from(x)).sum::<u64>() / p.len() as u64) as u8
    };
    (mean(frame.u()), mean(frame.v()))
}

impl VideoSource for SyntheticCamera {
    fn next_frame(&mut self) -> Result<VideoFrame, MediaError> {
        self.check_plugged()?;
        let mut frame = self.video.next_frame()?;
        tint(&mut frame, self.device.tint);
        Ok(frame)
    }

    fn set_format(&mut self, width: u32, height: u32, fps: u32) -> Result<(), MediaError> {
        self.video.set_format(width, height, fps)
    }

    fn format(&self) -> VideoFormat {
        self.video.format()
    }

    fn capture_still(&mut self) -> Result<VideoFrame, MediaError> {
        self.check_plugged()?;
        let mut frame = VideoFrame::black(STILL_FORMAT.width, STILL_FORMAT.height)?;
        let millis = (frame.unix_millis % 65_536) as u16;
        pattern::paint(&mut frame, self.video.counter(), millis);
        tint(&mut frame, self.device.tint);
        Ok(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMAT: VideoFormat = VideoFormat::new(320, 240, 30);

    #[test]
    fn each_device_has_its_colour_and_a_readable_counter() {
        let mut room = SyntheticCamera::open("synthetic-room", FORMAT).unwrap();
        let mut red = SyntheticCamera::open("synthetic-otoscope", FORMAT).unwrap();
        let mut blue = SyntheticCamera::open("synthetic-dermatoscope", FORMAT).unwrap();
        let (r, o, d) = (
            room.next_frame().unwrap(),
            red.next_frame().unwrap(),
            blue.next_frame().unwrap(),
        );
        for f in [&r, &o, &d] {
            assert!(pattern::read(f).is_some());
        }
        let (cb, cr) = mean_chroma(&o);
        assert!(cr > 180 && cb < 120, "otoscope {cb} {cr}");
        let (cb, cr) = mean_chroma(&d);
        assert!(cb > 180 && cr < 120, "dermatoscope {cb} {cr}");
        let (cb, cr) = mean_chroma(&r);
        assert!(cb.abs_diff(cr) < 40, "room {cb} {cr}");
    }

    #[test]
    fn a_still_has_the_full_resolution() {
        let mut cam = SyntheticCamera::open("synthetic-otoscope", FORMAT).unwrap();
        let still = cam.capture_still().unwrap();
        assert_eq!((still.width(), still.height()), (1920, 1080));
        assert!(pattern::read(&still).is_some());
    }

    #[test]
    fn unplugged_fails_and_comes_back_busy_refuses_to_open() {
        // Only this test changes the dermatoscope's state (tests run in parallel).
        let id = "synthetic-dermatoscope";
        let mut cam = SyntheticCamera::open(id, FORMAT).unwrap();
        unplug(id);
        assert_eq!(cam.next_frame().unwrap_err().code(), "DEVICE_FAILED");
        assert!(!list().iter().any(|d| d.id == id));
        assert_eq!(
            SyntheticCamera::open(id, FORMAT).err().map(|e| e.code()),
            Some("DEVICE_NOT_FOUND")
        );
        make_busy(id);
        assert!(list().iter().any(|d| d.id == id));
        assert_eq!(
            SyntheticCamera::open(id, FORMAT).err().map(|e| e.code()),
            Some("DEVICE_FAILED")
        );
        plug(id);
        assert!(cam.next_frame().is_ok());
        assert!(SyntheticCamera::open(id, FORMAT).is_ok());
    }
}

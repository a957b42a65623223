//! Level meter: peak and RMS in dBFS over a window, and whether the signal clipped.

/// Lowest level reported, in dBFS (digital silence).
pub const FLOOR_DBFS: f32 = -96.0;
/// A sample at or above this magnitude counts as clipped (|s| >= 32 700 of 32 767).
pub const CLIP_THRESHOLD: i16 = 32_700;

/// The level of a window of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Peak, dBFS (0 = full scale, [`FLOOR_DBFS`] for silence).
    pub peak_dbfs: f32,
    /// Root mean square, dBFS (a full-scale sine gives about −3).
    pub rms_dbfs: f32,
    /// At least one sample reached full scale.
    pub clipped: bool,
}

fn dbfs(linear: f64) -> f32 {
    if linear <= 0.0 {
        return FLOOR_DBFS;
    }
    ((20.0 * linear.log10()) as f32).max(FLOOR_DBFS)
}

/// The level of `samples` (48 kHz mono i16).
pub fn level(samples: &[i16]) -> Level {
    if samples.is_empty() {
        return Level {
            peak_dbfs: FLOOR_DBFS,
            rms_dbfs: FLOOR_DBFS,
            clipped: false,
        };
    }
    let full = f64::from(i16::MAX);
    let peak = samples
        .iter()
        .map(|&s| i32::from(s).unsigned_abs())
        .max()
        .unwrap_or(0);
    let energy: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    let rms = (energy / samples.len() as f64).sqrt();
    Level {
        peak_dbfs: dbfs((f64::from(peak) / full).min(1.0)),
        rms_dbfs: dbfs(rms / full),
        clipped: peak >= CLIP_THRESHOLD.unsigned_abs().into(),
    }
}

/// Accumulates chunks and gives a [`Level`] every `window` samples.
#[derive(Debug)]
pub struct Meter {
    window: usize,
    pending: Vec<i16>,
}

impl Meter {
    /// A meter reporting every `window` samples (4800 = 10 a second at 48 kHz).
    pub fn new(window: usize) -> Self {
        Self {
            window: window.max(1),
            pending: Vec::with_capacity(window),
        }
    }

    /// Adds samples; the level of the window when one is complete.
    pub fn push(&mut self, samples: &[i16]) -> Option<Level> {
        self.pending.extend_from_slice(samples);
        if self.pending.len() < self.window {
            return None;
        }
        let out = level(&self.pending);
        self.pending.clear();
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSource;
    use crate::tone::ToneSource;

    #[test]
    fn a_half_scale_sine_is_minus_6_peak_and_minus_9_rms() {
        let mut t = ToneSource::new(1000.0, 0.5).unpaced();
        let s: Vec<i16> = (0..5).flat_map(|_| t.next_chunk().unwrap()).collect();
        let l = level(&s);
        assert!((l.peak_dbfs + 6.0).abs() < 0.2, "{l:?}");
        assert!((l.rms_dbfs + 9.0).abs() < 0.2, "{l:?}");
        assert!(!l.clipped);
    }

    #[test]
    fn silence_is_the_floor_and_full_scale_clips() {
        assert_eq!(level(&[0; 960]).rms_dbfs, FLOOR_DBFS);
        assert_eq!(level(&[]).peak_dbfs, FLOOR_DBFS);
        let l = level(&[i16::MIN, 0, i16::MAX]);
        assert!(l.clipped);
        assert_eq!(l.peak_dbfs, 0.0);
    }

    #[test]
    fn the_meter_reports_once_per_window() {
        let mut m = Meter::new(4800);
        let reports = (0..20).filter_map(|_| m.push(&[1000; 960])).count();
        assert_eq!(reports, 4);
    }
}

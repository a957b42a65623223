//! A sine tone source, and tone detection (Goertzel).
use std::f32::consts::TAU;
use std::time::Instant;

use crate::audio::{AudioSource, CHUNK_DURATION, CHUNK_SAMPLES, SAMPLE_RATE};
use crate::MediaError;

/// A paced sine tone, 20 ms chunks, continuous phase.
pub struct ToneSource {
    freq_hz: f32,
    amplitude: f32,
    phase: f32,
    paced: bool,
    next_due: Option<Instant>,
}

impl ToneSource {
    /// A tone of `freq_hz` at `amplitude` (0..=1 of full scale), paced in real time.
    pub fn new(freq_hz: f32, amplitude: f32) -> Self {
        Self {
            freq_hz,
            amplitude: amplitude.clamp(0.0, 1.0),
            phase: 0.0,
            paced: true,
            next_due: None,
        }
    }

    /// Turns pacing off (tests).
    pub fn unpaced(mut self) -> Self {
        self.paced = false;
        self
    }
}

impl AudioSource for ToneSource {
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError> {
        if self.paced {
            let now = Instant::now();
            let due = self.next_due.unwrap_or(now);
            if due > now {
                std::thread::sleep(due - now);
            }
            let next = due + CHUNK_DURATION;
            self.next_due = Some(if next < Instant::now() {
                Instant::now()
            } else {
                next
            });
        }
        let step = TAU * self.freq_hz / SAMPLE_RATE as f32;
        let scale = self.amplitude * f32::from(i16::MAX);
        let chunk = (0..CHUNK_SAMPLES)
            .map(|_| {
                let s = (self.phase.sin() * scale) as i16;
                self.phase = (self.phase + step) % TAU;
                s
            })
            .collect();
        Ok(chunk)
    }
}

/// Amplitude of `freq_hz` in `samples` (48 kHz), normalised: a full-scale sine gives ~1.0.
pub fn level(samples: &[i16], freq_hz: f32) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let coeff = 2.0 * (TAU * freq_hz / SAMPLE_RATE as f32).cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &x in samples {
        let s0 = f32::from(x) / f32::from(i16::MAX) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = (s1 * s1 + s2 * s2 - coeff * s1 * s2).max(0.0);
    2.0 * power.sqrt() / samples.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_its_own_frequency_only() {
        let mut t = ToneSource::new(440.0, 0.5).unpaced();
        let samples: Vec<i16> = (0..10).flat_map(|_| t.next_chunk().unwrap()).collect();
        let at = level(&samples, 440.0);
        assert!((at - 0.5).abs() < 0.05, "{at}");
        assert!(level(&samples, 1000.0) < 0.02);
        assert_eq!(level(&[], 440.0), 0.0);
    }

    #[test]
    fn chunks_are_20_ms() {
        assert_eq!(
            ToneSource::new(1000.0, 1.0)
                .unpaced()
                .next_chunk()
                .unwrap()
                .len(),
            960
        );
    }
}

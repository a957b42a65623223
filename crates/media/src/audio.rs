//! Audio chunks (48 kHz mono i16, 20 ms), the source and sink traits, and an in-memory sink.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::MediaError;

/// Sample rate of every chunk.
pub const SAMPLE_RATE: u32 = 48_000;
/// Samples in one 20 ms chunk.
pub const CHUNK_SAMPLES: usize = 960;
/// Duration of one chunk.
pub const CHUNK_DURATION: Duration = Duration::from_millis(20);

/// Something that produces 20 ms chunks at real-time pace (a microphone, a test tone).
pub trait AudioSource: Send {
    /// Blocks until the next chunk of [`CHUNK_SAMPLES`] samples is available.
    fn next_chunk(&mut self) -> Result<Vec<i16>, MediaError>;
}

/// Something that plays decoded audio (a speaker, a test recorder). Must not block long.
pub trait AudioSink: Send {
    /// Queues samples (48 kHz mono) for playing.
    fn play(&mut self, samples: &[i16]) -> Result<(), MediaError>;
}

/// Keeps the last samples it was given, shared with its clones (tests, level meters).
#[derive(Clone, Default)]
pub struct MemorySink {
    samples: Arc<Mutex<Vec<i16>>>,
    capacity: usize,
}

impl MemorySink {
    /// Keeps at most `seconds` of audio.
    pub fn new(seconds: u32) -> Self {
        Self {
            samples: Arc::default(),
            capacity: (SAMPLE_RATE * seconds) as usize,
        }
    }

    /// A copy of what is kept.
    pub fn samples(&self) -> Vec<i16> {
        self.samples.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The last `n` samples (fewer if not yet received).
    pub fn last(&self, n: usize) -> Vec<i16> {
        let s = self.samples();
        s[s.len().saturating_sub(n)..].to_vec()
    }
}

impl AudioSink for MemorySink {
    fn play(&mut self, samples: &[i16]) -> Result<(), MediaError> {
        let mut kept = self
            .samples
            .lock()
            .map_err(|_| MediaError::DeviceFailed("mémoire audio".into()))?;
        kept.extend_from_slice(samples);
        let excess = kept.len().saturating_sub(self.capacity);
        if excess > 0 {
            kept.drain(..excess);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sink_keeps_the_newest_samples() {
        let mut sink = MemorySink::new(1);
        sink.play(&vec![1; 40_000]).unwrap();
        sink.play(&vec![2; 40_000]).unwrap();
        let kept = sink.clone().samples();
        assert_eq!(kept.len(), 48_000);
        assert_eq!(kept[0], 1);
        assert_eq!(sink.last(3), vec![2, 2, 2]);
    }
}

//! WAV files (RIFF, PCM 16-bit): the stethoscope's clips.
//!
//! A clip is kept lossless: the record holds exactly what the stethoscope gave, and it
//! plays in every browser (`decodeAudioData`) and audio program.
use crate::MediaError;

/// Length of the header written by [`encode`].
pub const HEADER_BYTES: usize = 44;

/// A mono 16-bit PCM WAV file of `samples` at `rate` Hz.
pub fn encode(samples: &[i16], rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(HEADER_BYTES + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// A decoded mono 16-bit WAV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Wav {
    /// Sample rate, Hz.
    pub rate: u32,
    /// The samples.
    pub samples: Vec<i16>,
}

impl Wav {
    /// Duration in seconds.
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate.max(1))
    }
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// Reads a mono 16-bit PCM WAV file (as written by [`encode`], other chunks skipped).
pub fn decode(bytes: &[u8]) -> Result<Wav, MediaError> {
    let bad = |why: &str| MediaError::BadAudio(format!("WAV : {why}"));
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(bad("en-tête RIFF/WAVE absent"));
    }
    let mut at = 12;
    let mut rate = None;
    while let (Some(id), Some(len)) = (bytes.get(at..at + 4), u32_at(bytes, at + 4)) {
        let body = at + 8;
        let len = len as usize;
        match id {
            b"fmt " => {
                let (format, channels, bits) = (
                    u16_at(bytes, body),
                    u16_at(bytes, body + 2),
                    u16_at(bytes, body + 14),
                );
                if format != Some(1) || channels != Some(1) || bits != Some(16) {
                    return Err(bad("seul le PCM 16 bits mono est lu"));
                }
                rate = u32_at(bytes, body + 4);
            }
            b"data" => {
                let rate = rate.ok_or_else(|| bad("bloc fmt absent"))?;
                let data = bytes
                    .get(body..body + len)
                    .ok_or_else(|| bad("données tronquées"))?;
                let samples = data
                    .chunks_exact(2)
                    .map(|p| i16::from_le_bytes([p[0], p[1]]))
                    .collect();
                return Ok(Wav { rate, samples });
            }
            _ => {}
        }
        at = body + len + (len & 1);
    }
    Err(bad("bloc data absent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_duration() {
        let samples: Vec<i16> = (0..48_000).map(|i| (i % 200) as i16 - 100).collect();
        let bytes = encode(&samples, 48_000);
        assert_eq!(bytes.len(), HEADER_BYTES + 96_000);
        let wav = decode(&bytes).unwrap();
        assert_eq!(wav.rate, 48_000);
        assert_eq!(wav.samples, samples);
        assert!((wav.seconds() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn refuses_what_is_not_a_wav() {
        assert_eq!(decode(b"not a wav").unwrap_err().code(), "MEDIA_BAD_AUDIO");
        let mut truncated = encode(&[1, 2, 3], 48_000);
        truncated.truncate(HEADER_BYTES + 2);
        assert!(decode(&truncated).is_err());
    }
}

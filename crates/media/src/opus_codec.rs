//! Opus encoding and decoding, 48 kHz mono, 20 ms frames.
use opus::{Application, Bitrate, Channels};

use crate::audio::{CHUNK_SAMPLES, SAMPLE_RATE};
use crate::MediaError;

/// RTP timestamp ticks per 20 ms Opus frame (48 kHz clock).
pub const RTP_TICKS_PER_FRAME: u32 = 960;

const MAX_PACKET: usize = 1500;

/// Opus encoder for 20 ms chunks.
pub struct OpusEncoder {
    encoder: opus::Encoder,
}

impl OpusEncoder {
    fn with(application: Application, bitrate: i32) -> Result<Self, MediaError> {
        let mut encoder = opus::Encoder::new(SAMPLE_RATE, Channels::Mono, application)
            .map_err(MediaError::opus)?;
        encoder
            .set_bitrate(Bitrate::Bits(bitrate))
            .map_err(MediaError::opus)?;
        encoder.set_inband_fec(true).map_err(MediaError::opus)?;
        Ok(Self { encoder })
    }

    /// Speech (VoIP mode, 32 kbit/s).
    pub fn voice() -> Result<Self, MediaError> {
        Self::with(Application::Voip, 32_000)
    }

    /// Faithful audio for the stethoscope (Audio mode, 64 kbit/s, no speech processing).
    pub fn music() -> Result<Self, MediaError> {
        Self::with(Application::Audio, 64_000)
    }

    /// Tells the encoder the expected loss, in percent (enables in-band redundancy).
    pub fn set_expected_loss(&mut self, percent: u8) -> Result<(), MediaError> {
        self.encoder
            .set_packet_loss_perc(i32::from(percent.min(100)))
            .map_err(MediaError::opus)
    }

    /// Encodes one chunk of exactly [`CHUNK_SAMPLES`] samples.
    pub fn encode(&mut self, chunk: &[i16]) -> Result<Vec<u8>, MediaError> {
        if chunk.len() != CHUNK_SAMPLES {
            return Err(MediaError::BadAudio(format!(
                "{} échantillons au lieu de {CHUNK_SAMPLES}",
                chunk.len()
            )));
        }
        self.encoder
            .encode_vec(chunk, MAX_PACKET)
            .map_err(MediaError::opus)
    }
}

/// Opus decoder to 48 kHz mono.
pub struct OpusDecoder {
    decoder: opus::Decoder,
}

impl OpusDecoder {
    /// A decoder.
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self {
            decoder: opus::Decoder::new(SAMPLE_RATE, Channels::Mono).map_err(MediaError::opus)?,
        })
    }

    /// Decodes one packet.
    pub fn decode(&mut self, packet: &[u8]) -> Result<Vec<i16>, MediaError> {
        // Up to 120 ms per packet.
        self.decode_into(packet, CHUNK_SAMPLES * 6, false)
    }

    /// Rebuilds the packet lost just before `next` from the redundancy (in-band FEC) that
    /// `next` carries, or conceals it when `next` has none; as long as `next` lasts.
    pub fn recover(&mut self, next: &[u8]) -> Result<Vec<i16>, MediaError> {
        let samples = opus::packet::get_nb_samples(next, SAMPLE_RATE).map_err(MediaError::opus)?;
        self.decode_into(next, samples, true)
    }

    /// Conceals one lost 20 ms packet.
    pub fn conceal(&mut self) -> Result<Vec<i16>, MediaError> {
        self.decode_into(&[], CHUNK_SAMPLES, false)
    }

    /// At most `samples` samples decoded from `input` (its FEC data when `fec`).
    fn decode_into(
        &mut self,
        input: &[u8],
        samples: usize,
        fec: bool,
    ) -> Result<Vec<i16>, MediaError> {
        let mut out = vec![0i16; samples];
        let n = self
            .decoder
            .decode(input, &mut out, fec)
            .map_err(MediaError::opus)?;
        out.truncate(n);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSource;
    use crate::tone::{level, ToneSource};

    fn through_opus(mut encoder: OpusEncoder, freq: f32) -> Vec<i16> {
        let mut tone = ToneSource::new(freq, 0.5).unpaced();
        let mut decoder = OpusDecoder::new().unwrap();
        let mut out = Vec::new();
        for _ in 0..50 {
            let packet = encoder.encode(&tone.next_chunk().unwrap()).unwrap();
            assert!(packet.len() < 400);
            let pcm = decoder.decode(&packet).unwrap();
            assert_eq!(pcm.len(), CHUNK_SAMPLES);
            out.extend(pcm);
        }
        out
    }

    #[test]
    fn tone_survives_voice_opus() {
        let pcm = through_opus(OpusEncoder::voice().unwrap(), 440.0);
        let tail = &pcm[pcm.len() - 9600..];
        assert!(level(tail, 440.0) > 0.25, "{}", level(tail, 440.0));
        assert!(level(tail, 1000.0) < 0.05, "{}", level(tail, 1000.0));
    }

    #[test]
    fn tone_survives_music_opus() {
        let pcm = through_opus(OpusEncoder::music().unwrap(), 1000.0);
        let tail = &pcm[pcm.len() - 9600..];
        assert!(level(tail, 1000.0) > 0.25);
        assert!(level(tail, 440.0) < 0.05);
    }

    #[test]
    fn refuses_a_wrong_chunk_and_conceals_a_loss() {
        let mut e = OpusEncoder::voice().unwrap();
        assert_eq!(e.encode(&[0; 100]).unwrap_err().code(), "MEDIA_BAD_AUDIO");
        e.set_expected_loss(10).unwrap();
        let mut d = OpusDecoder::new().unwrap();
        d.decode(&e.encode(&[0; 960]).unwrap()).unwrap();
        assert_eq!(d.conceal().unwrap().len(), 960);
    }

    #[test]
    fn twenty_ms_is_960_ticks() {
        let ticks = (crate::audio::CHUNK_DURATION.as_secs_f64() * f64::from(SAMPLE_RATE)) as u32;
        assert_eq!(ticks, RTP_TICKS_PER_FRAME);
    }
}

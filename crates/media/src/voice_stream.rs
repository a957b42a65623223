//! The far side's voice as it arrives: Opus packets numbered by a 16-bit wrapping sequence
//! (RTP's), turned into an unbroken stream of samples for the speaker.
//!
//! - In order: decoded.
//! - After a gap of up to [`MAX_CONCEALED`] packets: the last lost packet is rebuilt from the
//!   in-band redundancy (FEC) carried by the packet that arrived, the ones before it by Opus's
//!   loss concealment, so the voice goes on instead of jumping (the speaker would otherwise
//!   play the next words early and click).
//! - A longer gap (the path was cut): nothing is filled, the voice resumes where it is.
//! - Late (already concealed) and duplicate packets: dropped, never played out of order.
//! - A sequence far behind (the sender started again): taken as the new start.
//!
//! It never waits for a packet: no delay is added to the voice.
use crate::opus_codec::OpusDecoder;
use crate::MediaError;

/// Longest gap filled, in packets (20 ms each: 200 ms).
pub const MAX_CONCEALED: u16 = 10;
/// A packet this far behind the expected one means the sender started again.
const RESTART_BEHIND: u16 = 100;

/// What happened to the packets so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VoiceStats {
    /// Packets decoded.
    pub decoded: u64,
    /// Lost packets rebuilt (FEC or concealment).
    pub concealed: u64,
    /// Late or duplicate packets dropped.
    pub dropped: u64,
}

/// Decodes one stream of the far side's voice (see the module).
pub struct VoiceStream {
    decoder: OpusDecoder,
    expected: Option<u16>,
    stats: VoiceStats,
}

impl VoiceStream {
    /// A stream waiting for its first packet.
    pub fn new() -> Result<Self, MediaError> {
        Ok(Self {
            decoder: OpusDecoder::new()?,
            expected: None,
            stats: VoiceStats::default(),
        })
    }

    /// The samples to play for the packet numbered `seq` (empty for a late or duplicate one):
    /// the lost packets before it rebuilt, then its own.
    pub fn receive(&mut self, seq: u16, packet: &[u8]) -> Result<Vec<i16>, MediaError> {
        let mut out = Vec::new();
        if let Some(expected) = self.expected {
            let ahead = seq.wrapping_sub(expected);
            let behind = expected.wrapping_sub(seq);
            if ahead > u16::MAX / 2 && behind <= RESTART_BEHIND {
                self.stats.dropped += 1;
                return Ok(out);
            }
            if (1..=MAX_CONCEALED).contains(&ahead) {
                for _ in 1..ahead {
                    out.extend(self.decoder.conceal()?);
                }
                out.extend(self.decoder.recover(packet)?);
                self.stats.concealed += u64::from(ahead);
            }
        }
        out.extend(self.decoder.decode(packet)?);
        self.stats.decoded += 1;
        self.expected = Some(seq.wrapping_add(1));
        Ok(out)
    }

    /// What happened so far.
    pub fn stats(&self) -> VoiceStats {
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{AudioSource, CHUNK_SAMPLES};
    use crate::opus_codec::OpusEncoder;
    use crate::tone::{level, ToneSource};

    /// `n` packets of a 440 Hz tone, encoded as for a lossy link.
    fn packets(n: usize) -> Vec<Vec<u8>> {
        let mut tone = ToneSource::new(440.0, 0.5).unpaced();
        let mut encoder = OpusEncoder::voice().unwrap();
        encoder.set_expected_loss(20).unwrap();
        (0..n)
            .map(|_| encoder.encode(&tone.next_chunk().unwrap()).unwrap())
            .collect()
    }

    fn play(stream: &mut VoiceStream, arrivals: &[(u16, &[u8])]) -> Vec<i16> {
        arrivals
            .iter()
            .flat_map(|(seq, p)| stream.receive(*seq, p).unwrap())
            .collect()
    }

    #[test]
    fn in_order_packets_are_decoded_one_after_the_other() {
        let p = packets(20);
        let mut s = VoiceStream::new().unwrap();
        let arrivals: Vec<(u16, &[u8])> = (0..20)
            .map(|i| (1000 + i as u16, p[i].as_slice()))
            .collect();
        assert_eq!(play(&mut s, &arrivals).len(), 20 * CHUNK_SAMPLES);
        assert_eq!(
            s.stats(),
            VoiceStats {
                decoded: 20,
                concealed: 0,
                dropped: 0
            }
        );
    }

    #[test]
    fn lost_packets_are_filled_and_the_tone_goes_on() {
        let p = packets(100);
        let mut s = VoiceStream::new().unwrap();
        // One packet in ten lost, and a burst of three.
        let arrivals: Vec<(u16, &[u8])> = (0..100)
            .filter(|i| i % 10 != 5 && !(60..63).contains(i))
            .map(|i| (i as u16, p[i].as_slice()))
            .collect();
        let pcm = play(&mut s, &arrivals);
        assert_eq!(pcm.len(), 100 * CHUNK_SAMPLES, "the timeline has no hole");
        assert_eq!(s.stats().concealed, 10 + 3);
        // The rebuilt stretch still carries the tone.
        let burst = &pcm[60 * CHUNK_SAMPLES..63 * CHUNK_SAMPLES];
        assert!(level(burst, 440.0) > 0.05, "{}", level(burst, 440.0));
    }

    #[test]
    fn late_and_duplicate_packets_are_dropped_not_played_out_of_order() {
        let p = packets(6);
        let mut s = VoiceStream::new().unwrap();
        let order = [0u16, 2, 1, 3, 3, 4, 5];
        let arrivals: Vec<(u16, &[u8])> = order
            .iter()
            .map(|&i| (i, p[i as usize].as_slice()))
            .collect();
        let pcm = play(&mut s, &arrivals);
        assert_eq!(pcm.len(), 6 * CHUNK_SAMPLES);
        assert_eq!(
            s.stats(),
            VoiceStats {
                decoded: 5,
                concealed: 1,
                dropped: 2
            }
        );
    }

    #[test]
    fn the_sequence_wraps_around() {
        let p = packets(4);
        let mut s = VoiceStream::new().unwrap();
        let arrivals: [(u16, &[u8]); 3] = [(65534, &p[0]), (65535, &p[1]), (1, &p[3])];
        assert_eq!(play(&mut s, &arrivals).len(), 4 * CHUNK_SAMPLES);
        assert_eq!(s.stats().concealed, 1);
    }

    #[test]
    fn a_cut_is_not_filled_and_a_restarted_sender_is_followed() {
        let p = packets(3);
        let mut s = VoiceStream::new().unwrap();
        // 3 s without packets: the voice resumes, no 3 s of concealment.
        let pcm = play(&mut s, &[(10, &p[0]), (160, &p[1])]);
        assert_eq!(pcm.len(), 2 * CHUNK_SAMPLES);
        // The sender started again far behind: followed, not dropped.
        let pcm = play(&mut s, &[(5, &p[2])]);
        assert_eq!(pcm.len(), CHUNK_SAMPLES);
        assert_eq!(s.stats().dropped, 0);
    }
}

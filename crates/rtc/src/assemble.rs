//! H.264 access units from RTP packets: depacketising, padding, loss and keyframe waits.
use bytes::Bytes;
use rtc::rtp::codec::h264::H264Packet;
use rtc::rtp::packetizer::Depacketizer;

const NAL_IDR: u8 = 5;

/// What one packet gave.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pushed {
    /// A complete access unit (Annex B), decodable from the last keyframe on.
    pub access_unit: Option<Vec<u8>>,
    /// A keyframe is needed (loss, or the stream started without one): send a PLI.
    pub need_keyframe: bool,
}

/// Reassembles H.264 access units; after a loss, waits for the next IDR.
#[derive(Default)]
pub struct AccessUnitAssembler {
    depacketizer: H264Packet,
    buffer: Vec<u8>,
    timestamp: Option<u32>,
    last_seq: Option<u16>,
    broken: bool,
    waiting_for_idr: bool,
}

impl AccessUnitAssembler {
    /// A fresh assembler (waits for a first IDR).
    pub fn new() -> Self {
        Self {
            waiting_for_idr: true,
            ..Self::default()
        }
    }

    /// Feeds one RTP packet (sequence number, timestamp, marker, payload).
    pub fn push(&mut self, seq: u16, timestamp: u32, marker: bool, payload: &Bytes) -> Pushed {
        let mut out = Pushed::default();
        if let Some(last) = self.last_seq {
            let delta = seq.wrapping_sub(last);
            if delta == 0 || delta > 0x8000 {
                // Duplicate or late (a retransmission after we moved on): ignore.
                return out;
            }
            if delta != 1 {
                self.broken = true;
                self.waiting_for_idr = true;
                self.depacketizer = H264Packet::default();
                out.need_keyframe = true;
            }
        }
        self.last_seq = Some(seq);
        // Padding-only packets (Chromium's bandwidth probes) carry no media.
        if payload.is_empty() {
            return out;
        }
        if self.timestamp != Some(timestamp) {
            // A new access unit; a previous one without its marker is incomplete.
            self.buffer.clear();
            self.timestamp = Some(timestamp);
            self.broken = false;
        }
        match self.depacketizer.depacketize(payload) {
            Ok(nals) => self.buffer.extend_from_slice(&nals),
            Err(_) => {
                self.broken = true;
                out.need_keyframe = true;
            }
        }
        if marker {
            let unit = std::mem::take(&mut self.buffer);
            let complete = !self.broken && !unit.is_empty();
            self.timestamp = None;
            self.broken = false;
            if complete {
                if self.waiting_for_idr && has_idr(&unit) {
                    self.waiting_for_idr = false;
                }
                if self.waiting_for_idr {
                    out.need_keyframe = true;
                } else {
                    out.access_unit = Some(unit);
                }
            }
        }
        out
    }
}

fn has_idr(annex_b: &[u8]) -> bool {
    relais_media::h264::nal_units(annex_b).any(|n| n[0] & 0x1f == NAL_IDR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nal(header: u8, len: usize) -> Bytes {
        let mut v = vec![header];
        v.extend((0..len).map(|i| (i % 200 + 1) as u8));
        Bytes::from(v)
    }

    /// FU-A fragments of one NAL.
    fn fu_a(header: u8, body: &[u8], parts: usize) -> Vec<Bytes> {
        let chunk = body.len().div_ceil(parts);
        body.chunks(chunk)
            .enumerate()
            .map(|(i, c)| {
                let start = if i == 0 { 0x80 } else { 0 };
                let end = if (i + 1) * chunk >= body.len() {
                    0x40
                } else {
                    0
                };
                let mut v = vec![(header & 0xe0) | 28, start | end | (header & 0x1f)];
                v.extend_from_slice(c);
                Bytes::from(v)
            })
            .collect()
    }

    #[test]
    fn waits_for_an_idr_then_delivers_each_frame() {
        let mut a = AccessUnitAssembler::new();
        let p = a.push(1, 100, true, &nal(0x41, 10));
        assert!(
            p.access_unit.is_none() && p.need_keyframe,
            "P frame before any IDR"
        );
        a.push(2, 200, false, &nal(0x67, 8));
        a.push(3, 200, false, &nal(0x68, 4));
        let idr = a.push(4, 200, true, &nal(0x65, 50));
        let unit = idr.access_unit.unwrap();
        assert_eq!(&unit[..5], &[0, 0, 0, 1, 0x67]);
        assert!(a.push(5, 300, true, &nal(0x41, 10)).access_unit.is_some());
    }

    #[test]
    fn reassembles_fragments_and_skips_padding() {
        let mut a = AccessUnitAssembler::new();
        let body: Vec<u8> = (0..3000).map(|i| (i % 250 + 1) as u8).collect();
        let parts = fu_a(0x65, &body, 3);
        a.push(10, 900, false, &parts[0]);
        assert_eq!(
            a.push(11, 900, false, &Bytes::new()),
            Pushed::default(),
            "padding"
        );
        a.push(12, 900, false, &parts[1]);
        let unit = a.push(13, 900, true, &parts[2]).access_unit.unwrap();
        assert_eq!(unit.len(), 4 + 1 + 3000);
        assert_eq!(unit[4], 0x65);
    }

    #[test]
    fn a_lost_packet_drops_frames_until_the_next_idr() {
        let mut a = AccessUnitAssembler::new();
        assert!(a.push(1, 100, true, &nal(0x65, 10)).access_unit.is_some());
        let lost = a.push(3, 200, true, &nal(0x41, 10));
        assert!(lost.need_keyframe && lost.access_unit.is_none());
        assert!(a.push(4, 300, true, &nal(0x41, 10)).access_unit.is_none());
        assert!(a.push(5, 400, true, &nal(0x65, 10)).access_unit.is_some());
        assert!(a.push(6, 500, true, &nal(0x41, 10)).access_unit.is_some());
    }

    #[test]
    fn duplicates_and_late_packets_are_ignored() {
        let mut a = AccessUnitAssembler::new();
        assert!(a
            .push(65535, 100, true, &nal(0x65, 10))
            .access_unit
            .is_some());
        assert!(
            a.push(0, 200, true, &nal(0x41, 10)).access_unit.is_some(),
            "wraps"
        );
        assert_eq!(a.push(0, 200, true, &nal(0x41, 10)), Pushed::default());
        assert_eq!(a.push(65000, 50, true, &nal(0x41, 10)), Pushed::default());
    }
}

//! An interceptor that hands the far side's RTCP feedback about our tracks (PLI, FIR,
//! receiver reports, REMB) to the application, where the encoder and the adapter act on it.
use std::collections::VecDeque;
use std::time::Instant;

use rtc::interceptor::{Attribute, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::payload_feedbacks::receiver_estimated_maximum_bitrate::ReceiverEstimatedMaximumBitrate;
use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::sender_report::SenderReport;
use rtc::sansio::Protocol;
use rtc::shared::error::Error;

/// Slot of the interceptor: application-most, after the stock ones.
pub const SLOT: usize = 14_000;

/// What the application does with one RTCP packet.
#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    /// PLI or FIR: send a keyframe.
    Keyframe,
    /// Fraction of our packets lost (0..=1), from a receiver report block.
    Loss(f32),
    /// Estimated bandwidth, bits per second.
    Remb(f32),
}

/// Reads the feedback in a batch of RTCP packets.
pub fn classify(packets: &[Box<dyn rtc::rtcp::Packet>]) -> Vec<Feedback> {
    let mut out = Vec::new();
    for p in packets {
        let any = p.as_any();
        if any.is::<PictureLossIndication>() || any.is::<FullIntraRequest>() {
            out.push(Feedback::Keyframe);
        } else if let Some(rr) = any.downcast_ref::<ReceiverReport>() {
            out.extend(
                rr.reports
                    .iter()
                    .map(|r| Feedback::Loss(f32::from(r.fraction_lost) / 256.0)),
            );
        } else if let Some(sr) = any.downcast_ref::<SenderReport>() {
            out.extend(
                sr.reports
                    .iter()
                    .map(|r| Feedback::Loss(f32::from(r.fraction_lost) / 256.0)),
            );
        } else if let Some(remb) = any.downcast_ref::<ReceiverEstimatedMaximumBitrate>() {
            out.push(Feedback::Remb(remb.bitrate));
        }
    }
    out
}

/// The interceptor (see the module doc).
#[derive(Default)]
pub struct FeedbackForwarder {
    read_queue: VecDeque<TaggedPacket>,
    write_queue: VecDeque<TaggedPacket>,
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for FeedbackForwarder {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = Error;
    type Time = Instant;

    fn handle_read(&mut self, mut msg: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &msg.message.packet {
            let wanted: Vec<Box<dyn rtc::rtcp::Packet>> = packets
                .iter()
                .filter(|p| !classify(std::slice::from_ref(p)).is_empty())
                .cloned()
                .collect();
            if wanted.is_empty() {
                return Ok(());
            }
            msg.message.packet = Packet::Rtcp(wanted);
            msg.message.add(Attribute::DeliverToApplication);
        }
        self.read_queue.push_back(msg);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.read_queue.pop_front()
    }

    fn handle_write(&mut self, msg: TaggedPacket) -> Result<(), Self::Error> {
        self.write_queue.push_back(msg);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.write_queue.pop_front()
    }
}

impl Interceptor for FeedbackForwarder {
    fn bind_local_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _info: &StreamInfo) {}
    fn bind_remote_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _info: &StreamInfo) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use rtc::rtcp::reception_report::ReceptionReport;

    #[test]
    fn classifies_keyframe_requests_loss_and_remb() {
        let packets: Vec<Box<dyn rtc::rtcp::Packet>> = vec![
            Box::new(PictureLossIndication {
                sender_ssrc: 1,
                media_ssrc: 2,
            }),
            Box::new(ReceiverReport {
                ssrc: 1,
                reports: vec![ReceptionReport {
                    ssrc: 2,
                    fraction_lost: 64,
                    ..Default::default()
                }],
                ..Default::default()
            }),
            Box::new(ReceiverEstimatedMaximumBitrate {
                sender_ssrc: 1,
                bitrate: 300_000.0,
                ssrcs: vec![2],
            }),
        ];
        assert_eq!(
            classify(&packets),
            vec![
                Feedback::Keyframe,
                Feedback::Loss(0.25),
                Feedback::Remb(300_000.0)
            ]
        );
    }
}

//! The playout-delay RTP header extension on the station's video: "render as soon as decoded".
//!
//! Every video packet carries `http://www.webrtc.org/experiments/rtp-hdrext/playout-delay`
//! with a minimum and a maximum of 0 ms. Chromium then shows each frame of the station as soon
//! as it is decoded instead of scheduling it behind its jitter estimate. Without it, when a
//! relay (TURN) held the station's packets for a few seconds and let them go at once, Chromium
//! took the burst for jitter and held every fresh frame for about 3 s; with it, the GP sees
//! the live picture a few hundred milliseconds after the path comes back (`cargo xtask bench`,
//! `reconnection_station_to_gp_after_3s_relay_stall_ms`). The GP sees the nurse and the patient
//! with the least delay, which is what a consultation needs. The price: network jitter shows as
//! uneven motion rather than added delay, and the picture may lead the voice by what the
//! browser's audio jitter buffer holds (tens of milliseconds on a steady link). A browser that
//! does not know the extension (Firefox) leaves it out of its answer, and nothing is sent.
use bytes::{Bytes, BytesMut};
use rtc::rtp::extension::playout_delay_extension::PlayoutDelayExtension;
use rtc::rtp::extension::HeaderExtension;
use rtc::rtp::Packet;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpHeaderExtensionCapability, RTCRtpHeaderExtensionParameters, RtpCodecKind,
};
use rtc::shared::marshal::{Marshal, MarshalSize};
use webrtc::peer_connection::MediaEngine;

use crate::RtcError;

/// The extension's URI, as negotiated in SDP (`a=extmap`).
pub const URI: &str = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

/// Offers the extension on video.
pub fn register(media_engine: &mut MediaEngine) -> Result<(), RtcError> {
    media_engine.register_header_extension(
        RTCRtpHeaderExtensionCapability {
            uri: URI.to_owned(),
        },
        RtpCodecKind::Video,
        None,
    )?;
    Ok(())
}

/// The extension sent on every video packet: no minimum, no maximum (units of 10 ms).
pub fn extension() -> HeaderExtension {
    HeaderExtension::PlayoutDelay(PlayoutDelayExtension::new(0, 0))
}

/// The id the answer gave the extension, if it kept it.
pub fn negotiated_id(extensions: &[RTCRtpHeaderExtensionParameters]) -> Option<u8> {
    extensions
        .iter()
        .find(|e| e.uri == URI)
        .and_then(|e| u8::try_from(e.id).ok())
}

/// Writes the extension into a packet under `id` (for packets not written by the sample
/// track, which adds it by itself).
pub fn stamp(packet: &mut Packet, id: u8) -> Result<(), RtcError> {
    let ext = extension();
    let mut buf = BytesMut::zeroed(ext.marshal_size());
    ext.marshal_to(&mut buf)?;
    packet.header.set_extension(id, Bytes::from(buf))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_asks_for_no_delay() {
        let mut packet = Packet::default();
        stamp(&mut packet, 5).unwrap();
        let payload = packet.header.get_extension(5).unwrap();
        // 12 bits of minimum, 12 bits of maximum, both zero.
        assert_eq!(payload.as_ref(), &[0, 0, 0]);
    }

    #[test]
    fn the_negotiated_id_is_found_by_uri() {
        let ext = |uri: &str, id| RTCRtpHeaderExtensionParameters {
            uri: uri.to_owned(),
            id,
            encrypted: false,
        };
        let list = [ext("urn:ietf:params:rtp-hdrext:sdes:mid", 1), ext(URI, 7)];
        assert_eq!(negotiated_id(&list), Some(7));
        assert_eq!(negotiated_id(&list[..1]), None);
    }
}

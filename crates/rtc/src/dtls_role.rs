//! The station is the DTLS client of every call it offers.
//!
//! webrtc-rs offers `a=setup:actpass`; browsers then answer `active`, which makes the station
//! the DTLS server. The browser sends its first ClientHello as soon as its own connectivity
//! check succeeds, which is often before the station's ICE agent has nominated the pair, and
//! webrtc-rs drops every non-STUN packet that arrives before that: the handshake then waits
//! for the browser's retransmission. Offered as `active`, the station starts the handshake
//! itself the moment its ICE agent selects the pair, and the browser answers `passive`.
//!
//! RFC 8842 asks an offerer for `actpass`; Chromium and Firefox, the consoles' browsers, accept
//! an `active` offer and answer `passive` as the RFC requires of an answerer (both are tested
//! end to end). The Rust stand-in for the GP answers `passive` too (crate::engine).

/// The offer as sent to the GP: every `a=setup:actpass` line becomes `a=setup:active`.
pub fn as_dtls_client(sdp: &str) -> String {
    sdp.split_inclusive('\n')
        .map(|line| match line.trim_end_matches(['\r', '\n']) {
            "a=setup:actpass" => line.replacen("actpass", "active", 1),
            _ => line.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_media_section_offers_the_client_role_and_nothing_else_changes() {
        let offer =
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=setup:actpass\r\na=x:setup:actpass\r\n\
                     m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=setup:actpass\r\n";
        assert_eq!(
            as_dtls_client(offer),
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=setup:active\r\na=x:setup:actpass\r\n\
             m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=setup:active\r\n"
        );
    }

    #[test]
    fn an_offer_without_the_attribute_is_left_alone() {
        assert_eq!(as_dtls_client("v=0\r\ns=-"), "v=0\r\ns=-");
    }
}

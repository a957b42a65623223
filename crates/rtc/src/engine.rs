//! Building one peer connection: codecs, interceptors, ICE settings, local tracks.
use std::sync::Arc;
use std::time::{Duration, Instant};

use relais_media::h264::SDP_FMTP;
use rtc::interceptor::Slot;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::{MIME_TYPE_H264, MIME_TYPE_OPUS};
use rtc::peer_connection::transport::RTCDtlsRole;
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters,
    RTCRtpEncodingParameters, RtpCodecKind,
};
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::peer_connection::{
    register_default_interceptors, MediaEngine, PeerConnection, PeerConnectionBuilder,
    PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceServer, RTCIceTransportPolicy,
    Registry, SettingEngineBuilder,
};
use webrtc::rtp_transceiver::RtpSender;

use crate::feedback::{FeedbackForwarder, SLOT};
use crate::options::SessionOptions;
use crate::RtcError;

/// Payload type offered for Opus.
const PT_OPUS: u8 = 111;
/// Time between two ICE connectivity checks while connecting (RFC 8445 allows 5 ms and up).
const ICE_CHECK_INTERVAL: Duration = Duration::from_millis(20);
/// Checks of a pair before it is given up: 1.4 s, as webrtc-rs's default.
const ICE_CHECK_ATTEMPTS: u16 = 70;

fn feedback(typ: &str, parameter: &str) -> RTCPFeedback {
    RTCPFeedback {
        typ: typ.to_owned(),
        parameter: parameter.to_owned(),
    }
}

/// H.264 constrained baseline, packetization-mode 1, with NACK, PLI, FIR and REMB.
pub fn h264_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_H264.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: SDP_FMTP.to_owned(),
        rtcp_feedback: vec![
            feedback("goog-remb", ""),
            feedback("ccm", "fir"),
            feedback("nack", ""),
            feedback("nack", "pli"),
        ],
    }
}

/// Opus at 48 kHz (always `/2` in SDP), mono, in-band FEC, no DTX, up to 128 kbit/s (the
/// stethoscope's track sends 64 kbit/s in music mode; the voice stays at 32).
pub fn opus_codec() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.to_owned(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;stereo=0;useinbandfec=1;usedtx=0;maxaveragebitrate=128000"
            .to_owned(),
        rtcp_feedback: vec![],
    }
}

/// A new peer connection with our codecs and settings (no tracks yet).
pub async fn build_peer_connection(
    options: &SessionOptions,
    handler: Arc<dyn PeerConnectionEventHandler>,
) -> Result<Arc<dyn PeerConnection>, RtcError> {
    let mut media_engine = MediaEngine::default();
    // H.264 (preferred) and VP8: the codec the GP's browser accepts is sent (crate::codecs).
    crate::codecs::register_video(&mut media_engine)?;
    media_engine.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: opus_codec(),
            payload_type: PT_OPUS,
        },
        RtpCodecKind::Audio,
    )?;
    let registry = register_default_interceptors(Registry::new(), &mut media_engine)?
        .with(Slot::from(SLOT), FeedbackForwarder::default());

    let settings = SettingEngineBuilder::new()
        .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
        // Without these waits a host/srflx/relay pair is used at once (~1.5 s saved).
        .with_host_acceptance_min_wait(Some(Duration::ZERO))
        .with_srflx_acceptance_min_wait(Some(Duration::ZERO))
        .with_prflx_acceptance_min_wait(Some(Duration::ZERO))
        .with_relay_acceptance_min_wait(Some(Duration::ZERO))
        .with_ice_timeouts(
            Some(options.ice_disconnected_timeout),
            Some(options.ice_failed_timeout),
            Some(Duration::from_millis(500)),
        )
        .with_include_loopback_candidate(options.loopback_only)
        // The controlling agent nominates a valid pair on its next check tick: the shorter the
        // tick, the sooner the station starts the DTLS handshake (crate::dtls_role).
        .with_ice_connection_attempts(Some(ICE_CHECK_INTERVAL), Some(ICE_CHECK_ATTEMPTS))
        // As answerer (the GP's stand-in) be the DTLS server, as the offer asks.
        .with_answering_dtls_role(RTCDtlsRole::Server)
        .build();

    let ice_servers = options
        .ice_servers
        .iter()
        .map(|s| RTCIceServer {
            urls: s.urls.clone(),
            username: s.username.clone().unwrap_or_default(),
            credential: s.credential.clone().unwrap_or_default(),
        })
        .collect();
    let policy = if options.relay_only {
        RTCIceTransportPolicy::Relay
    } else {
        RTCIceTransportPolicy::All
    };
    let configuration = RTCConfigurationBuilder::new()
        .with_ice_servers(ice_servers)
        .with_ice_transport_policy(policy)
        .build();
    let bind = if options.loopback_only {
        "127.0.0.1:0"
    } else {
        "0.0.0.0:0"
    };
    let pc = PeerConnectionBuilder::new()
        .with_configuration(configuration)
        .with_media_engine(media_engine)
        .with_setting_engine(settings)
        .with_interceptor_registry(registry)
        .with_handler(handler)
        .with_udp_addrs(vec![bind])
        .build()
        .await?;
    Ok(Arc::new(pc))
}

/// Adds a sending track of `kind` to the connection.
pub async fn add_track(
    pc: &Arc<dyn PeerConnection>,
    options: &SessionOptions,
    kind: RtpCodecKind,
) -> Result<(Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>), RtcError> {
    let (track_id, codec) = match kind {
        RtpCodecKind::Video => (options.video_track_id.clone(), h264_codec()),
        _ => (options.audio_track_id.clone(), opus_codec()),
    };
    let track = Arc::new(TrackLocalStaticSample::new(
        Instant::now(),
        MediaStreamTrack::new(
            options.stream_id.clone(),
            track_id.clone(),
            track_id,
            kind,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(rand::random::<u32>()),
                    ..Default::default()
                },
                codec,
                ..Default::default()
            }],
        ),
    )?);
    let sender = pc
        .add_track(Arc::clone(&track) as Arc<dyn TrackLocal>)
        .await?;
    Ok((track, sender))
}

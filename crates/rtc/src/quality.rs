//! Link quality from the peer connection's statistics: round-trip time of the selected
//! candidate pair, and the loss the far side reports for what we send.
use webrtc::peer_connection::{RTCStatsReport, RTCStatsReportEntry};

/// What the call screen shows of the link.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LinkQuality {
    /// Round-trip time, milliseconds.
    pub rtt_ms: Option<f64>,
    /// Highest share of our packets the far side reports lost, percent.
    pub loss_percent: Option<f64>,
}

/// Reads the quality out of a statistics report.
pub fn from_report(report: &RTCStatsReport) -> LinkQuality {
    let rtt_ms = report
        .candidate_pairs()
        .filter(|p| p.nominated && p.current_round_trip_time > 0.0)
        .map(|p| p.current_round_trip_time * 1000.0)
        .reduce(f64::min);
    let loss_percent = report
        .iter()
        .filter_map(|e| match e {
            RTCStatsReportEntry::RemoteInboundRtp(r) => Some(r.fraction_lost * 100.0),
            _ => None,
        })
        .reduce(f64::max);
    LinkQuality {
        rtt_ms,
        loss_percent,
    }
}

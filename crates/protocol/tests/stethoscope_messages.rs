//! The stethoscope's data-channel messages as the GP's console and the station exchange
//! them (JSON shapes), old and new side by side.
#![allow(clippy::unwrap_used)]
use relais_core::auscultation::CLIP_BOUNDS;
use relais_protocol::data::DataMessage;
use serde_json::json;

fn parse(v: serde_json::Value) -> DataMessage {
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_state_carries_the_clip_bounds_and_reads_without_them() {
    let state = DataMessage::StethoscopeState {
        on: true,
        clip: Some(CLIP_BOUNDS),
    };
    assert_eq!(
        serde_json::to_value(&state).unwrap(),
        json!({ "type": "stethoscopeState", "on": true, "clip": { "minSeconds": 10, "maxSeconds": 30 } })
    );
    // A station of before the bounds.
    assert_eq!(
        parse(json!({ "type": "stethoscopeState", "on": false })),
        DataMessage::StethoscopeState {
            on: false,
            clip: None
        }
    );
}

#[test]
fn a_clip_is_started_then_stopped_by_the_gp() {
    assert_eq!(
        parse(json!({ "type": "clipRequest", "clipId": "c1", "seconds": 30 })),
        DataMessage::ClipRequest {
            clip_id: "c1".into(),
            seconds: 30
        }
    );
    let stop = DataMessage::ClipStop {
        clip_id: "c1".into(),
    };
    assert_eq!(
        serde_json::to_value(&stop).unwrap(),
        json!({ "type": "clipStop", "clipId": "c1" })
    );
    assert_eq!(parse(json!({ "type": "clipStop", "clipId": "c1" })), stop);
    // A stop refused (too early): the clip goes on, with its code.
    assert_eq!(
        parse(
            json!({ "type": "clipState", "clipId": "c1", "state": "recording", "seconds": 30.0, "code": "CLIP_TOO_SHORT" })
        ),
        DataMessage::ClipState {
            clip_id: "c1".into(),
            state: "recording".into(),
            seconds: 30.0,
            code: Some("CLIP_TOO_SHORT".into())
        }
    );
    assert!(serde_json::from_value::<DataMessage>(json!({ "type": "clipStop" })).is_err());
}

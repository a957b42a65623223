//! Room tickets: a one-time join token per side, with fresh ICE servers.

use relais_protocol::api::RoomTicket;
use relais_protocol::signal::Side;

use crate::error::HubError;
use crate::secret::{new_token, token_hash};
use crate::state::AppState;
use crate::store::ConsultationRow;
use crate::turn::ice_servers;

/// Stores a new one-time join token for `side` of the consultation and returns it.
pub async fn new_join_token(
    state: &AppState,
    consultation_id: &str,
    side: Side,
) -> Result<String, HubError> {
    let token = new_token();
    let hash = token_hash(&token);
    let cid = consultation_id.to_string();
    let at = state.now();
    state
        .db(move |r| r.insert_join_token(&hash, &cid, side, at))
        .await?;
    Ok(token)
}

/// A ticket for `side` of `row`.
pub async fn issue(
    state: &AppState,
    row: &ConsultationRow,
    side: Side,
) -> Result<RoomTicket, HubError> {
    let join_token = new_join_token(state, &row.id, side).await?;
    Ok(RoomTicket {
        consultation_id: row.id.clone(),
        room_id: row.room_id.clone(),
        join_token,
        ice_servers: ice_servers(&state.config, &row.room_id, state.now()),
        relay_only: state.config.relay_only,
    })
}

//! Assisted check-ins done on a home visit without signal: the helper saw the person and took
//! the photo; the check-in is recorded when the op and its photo's upload have both arrived.

use serde_json::json;
use uuid::Uuid;

use super::photos::uploaded;
use super::{Applied, Failure};
use crate::checkins::service::{self, AssistedInput};
use crate::state::AppState;
use crate::sync::commands::CheckinIn;
use crate::vocab::Principal;

/// Recorded through the same service as the online assisted check-in, which knows a check-in by
/// its id (`id`, the op's `entity_id`): sent again after the batch failed, it is found, not
/// recorded twice.
pub async fn assisted(state: &AppState, principal: &Principal, id: Uuid, input: CheckinIn) -> Result<Applied, Failure> {
    let (_, photo) = uploaded(state, principal, input.upload_id).await?;
    let assisted = AssistedInput {
        id,
        performed_at: input.performed_at,
        location_note: input.location_note,
        device: input.device,
        photo,
    };
    let (checkin, _) = service::assisted(state, principal, input.recipient_id, assisted).await?;
    Ok(Applied { application: None, server: json!({ "outcome": checkin.outcome, "next_due": checkin.next_due }) })
}

//! Assisted check-ins done on a home visit without signal: the helper saw the person and took
//! the photo; the check-in is recorded when the op and its photo's upload have both arrived.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::photos::uploaded;
use super::{Applied, Failure, parse};
use crate::checkins::service::{self, AssistedInput};
use crate::state::AppState;
use crate::sync::model::OpIn;
use crate::vocab::Principal;

/// What a `checkin` op carries (the op's `entity_id` is the check-in's id).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssistedCheckin {
    recipient_id: Uuid,
    performed_at: DateTime<Utc>,
    location_note: String,
    device: Option<String>,
    upload_id: Uuid,
}

/// Recorded through the same service as the online assisted check-in, which knows a check-in by
/// its id: sent again after the batch failed, it is found, not recorded twice.
pub async fn assisted(state: &AppState, principal: &Principal, op: &OpIn) -> Result<Applied, Failure> {
    let input: AssistedCheckin = parse(op.data.clone())?;
    let (_, photo) = uploaded(state, principal, input.upload_id).await?;
    let assisted = AssistedInput {
        id: op.entity_id,
        performed_at: input.performed_at,
        location_note: input.location_note,
        device: input.device,
        photo,
    };
    let (checkin, _) = service::assisted(state, principal, input.recipient_id, assisted).await?;
    Ok(Applied { application: None, server: json!({ "outcome": checkin.outcome, "next_due": checkin.next_due }) })
}

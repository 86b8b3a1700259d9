//! Reviewers sign what they decide (谁审核、谁签字、谁负责): the signature names the signer and
//! seals the exact content of the decision with a server key, so a later change to the stored
//! decision no longer matches its seal.

use chrono::Utc;
use entity::account;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;
use crate::vocab::Principal;

const PURPOSE: &str = "review-signature";

pub async fn sign(state: &AppState, signer: &Principal, content: &Value) -> Result<Value, ApiError> {
    let name = account::Entity::find_by_id(signer.account_id).one(&state.db).await?.map(|a| a.display_name);
    let signed_at = Utc::now();
    let canonical = serde_json::to_vec(&json!({ "content": content, "signer": signer.account_id, "at": signed_at }))
        .map_err(ApiError::internal)?;
    Ok(json!({
        "signer_account_id": signer.account_id,
        "signer_name": name,
        "signer_role": signer.role.as_str(),
        "signed_at": signed_at,
        "content_sha256": crate::hex::sha256(&canonical),
        "seal": crate::hex::encode(&state.pii.mac(PURPOSE, &canonical)),
    }))
}

//! The authorization for the economic check, signed on the helper's phone without signal: the
//! drawn signature arrives as a `document.create` op (type `signature`, from an upload), then this
//! op records the authorization that cites it.

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{Applied, Device, Failure, applied_to, locked_is_conflict, readable};
use crate::authorizations::service;
use crate::sync::commands::AuthorizationDataIn;
use crate::vocab::Principal;

/// `authorization.create`: the online endpoint's body without `id` (the op's `entity_id`), with
/// the `application_id`.
pub async fn sign(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    input: AuthorizationDataIn,
) -> Result<Applied, Failure> {
    let application_id = input.application_id;
    let scope = readable(txn, principal, device, application_id).await?;
    service::sign(txn, &scope, input.with_id(id)).await.map_err(locked_is_conflict)?;
    applied_to(txn, application_id).await
}

//! Draft applications and their household members, made offline.

use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{Applied, Device, Failure, applied, editable, locked_is_conflict};
use crate::applications::model::ApplicationIn;
use crate::applications::{members, service};
use crate::state::AppState;
use crate::sync::commands::{DraftUpdateIn, MemberPutIn};
use crate::sync::model::OpIn;
use crate::vocab::Principal;

/// `application.create`: the online create, in the batch's transaction.
pub async fn create(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &mut Device,
    input: ApplicationIn,
) -> Result<Applied, Failure> {
    let (row, _) = service::create(txn, &mut device.lookups, principal, input).await?;
    Ok(applied(row))
}

/// `application.update`, made on the version the batch finds (a conflict is decided before).
pub async fn update(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
    input: DraftUpdateIn,
) -> Result<Applied, Failure> {
    let scope = editable(txn, principal, device, op.entity_id, op.base_version).await?;
    let input = input.at(scope.application().version);
    let row = service::update(txn, &mut device.lookups, scope, input).await.map_err(locked_is_conflict)?;
    Ok(applied(row))
}

/// `member.update`: the member added or replaced.
pub async fn put_member(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
    input: MemberPutIn,
) -> Result<Applied, Failure> {
    let scope = editable(txn, principal, device, input.application_id, op.base_version).await?;
    let put = members::put(txn, &state.pii, &scope, op.entity_id, input.member()).await.map_err(locked_is_conflict)?;
    Ok(applied(put.application))
}

/// `member.delete`: the member removed.
pub async fn delete_member(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
    application_id: Uuid,
) -> Result<Applied, Failure> {
    let scope = editable(txn, principal, device, application_id, op.base_version).await?;
    let now = members::delete(txn, &scope, op.entity_id).await.map_err(locked_is_conflict)?;
    Ok(applied(now))
}

//! The review steps the applicant's side takes, made offline: a withdrawal decided on a home
//! visit. The online step's own checks and writes run in the batch's transaction; a township that
//! moved the application meanwhile makes it a conflict (the version changed), a step the status
//! does not allow is refused (`INVALID_TRANSITION`).

use sea_orm::DatabaseTransaction;

use super::{Applied, Device, Failure, applied_to, editable};
use crate::reviews::steps;
use crate::sync::commands::WithdrawDataIn;
use crate::sync::model::OpIn;
use crate::vocab::Principal;

/// `application.withdraw`: the online step's body without `version` (the op's `base_version`),
/// so at most a `reason`.
pub async fn withdraw(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
    input: WithdrawDataIn,
) -> Result<Applied, Failure> {
    let scope = editable(txn, principal, device, op.entity_id, op.base_version).await?;
    let version = scope.application().version;
    steps::withdraw_in(txn, &scope, input.at(version)).await?;
    applied_to(txn, op.entity_id).await
}

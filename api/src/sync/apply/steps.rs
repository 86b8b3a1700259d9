//! The review steps the applicant's side takes, made offline: a withdrawal decided on a home
//! visit. The online step's own checks and writes run in the batch's transaction; a township that
//! moved the application meanwhile makes it a conflict (the version changed), a step the status
//! does not allow is refused (`INVALID_TRANSITION`).

use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};

use super::{Applied, Device, Failure, applied_to, editable, parse, without_version};
use crate::applications::ScopedApplication;
use crate::reviews::model::WithdrawIn;
use crate::reviews::steps;
use crate::sync::model::OpIn;
use crate::vocab::Principal;

/// `withdraw` on an application: data is the online step's body without `version` (the op's
/// `base_version`), so at most a `reason`.
pub async fn withdraw(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let mut data = without_version(&op.data)?;
    let app = editable(txn, principal, device, op.entity_id, op.base_version).await?;
    data.insert("version".to_owned(), json!(app.version));
    let input: WithdrawIn = parse(Value::Object(data))?;
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    steps::withdraw_in(txn, &scope, input).await?;
    applied_to(txn, op.entity_id).await
}

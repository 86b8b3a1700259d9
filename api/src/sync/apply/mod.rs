//! One pushed operation, applied through the services the online endpoints use, in the push's
//! transaction (see [`atomic`] for when in a savepoint of its own). The services' own checks
//! decide `rejected`; a record changed on the server since the op's base version (by anyone but
//! this device) is a `conflict`; something the op needs that has not arrived (a photo's upload)
//! makes it wait.
//!
//! - [`drafts`]: applications and their members; [`photos`]: documents (signatures too) from
//!   finished uploads; [`signatures`]: the signed authorization; [`checkins`]: assisted
//!   check-ins done offline; [`steps`]: the review steps the applicant's side takes (withdraw).

mod checkins;
mod drafts;
mod photos;
mod signatures;
mod steps;

use std::collections::HashMap;

use entity::{application, sync_op};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::commands::Command;
use super::model::{OpIn, OpName};
use crate::applications::{Lookups, ScopedApplication};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, OpCode};
use crate::state::AppState;
use crate::vocab::Principal;

/// What an applied op did: the application it changed, as it is now, and server-side facts for
/// the phone (the application's status, a check-in's outcome).
pub struct Applied {
    pub application: Option<application::Model>,
    pub server: Value,
}

/// Why an op was not applied.
pub enum Failure {
    /// Invalid: the error says why; the phone must not send it again.
    Rejected(ApiError),
    /// The record changed on the server since the op's base version.
    Conflict { code: OpCode, application: Option<Box<application::Model>> },
    /// Not the op's fault (the database, a dependency): send it again later.
    RetryLater(ApiError),
    /// Something the op needs has not arrived yet (its photo's upload): send it again later.
    Waiting(OpCode),
}

impl From<ApiError> for Failure {
    fn from(err: ApiError) -> Self {
        match err.code() {
            code if code.is_server_error() => Self::RetryLater(err),
            _ => Self::Rejected(err),
        }
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::RetryLater(err.into())
    }
}

/// The pushing device, and the applications its ops changed so far in this batch, as they are
/// now (not yet in `sync_ops`, which the batch writes at its end). Nobody else can change them
/// before the batch commits: its writes hold their rows (an application it created is not even
/// visible), so later ops of the batch read them here.
pub struct Device {
    pub id: Uuid,
    pub applications: HashMap<Uuid, application::Model>,
    /// The catalog, communities and account the batch's drafts read, read once.
    pub lookups: Lookups,
}

/// Whether a refused op leaves nothing behind without a savepoint of its own: the service checks
/// everything before its first write (drafts, members), or its writes are one service call's
/// own savepoint (authorizations). Documents, check-ins and withdrawals write in several steps.
pub fn atomic(op: &OpIn) -> bool {
    matches!(
        op.op,
        OpName::ApplicationCreate
            | OpName::ApplicationUpdate
            | OpName::MemberUpdate
            | OpName::MemberDelete
            | OpName::AuthorizationCreate
    )
}

/// Whether the applied op changed what the applicant's progress page shows (a signature, a
/// withdrawal): its cached answer is dropped after the batch's commit.
pub fn moves_progress(op: &OpIn) -> bool {
    matches!(op.op, OpName::AuthorizationCreate | OpName::ApplicationWithdraw)
}

/// Applies the op's command; an op whose `data` is not its command's body is refused.
pub async fn apply(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let command = match &op.command {
        Ok(command) => command.clone(),
        Err(invalid) => return Err(Failure::Rejected(ApiError::validation(vec![invalid.clone()]))),
    };
    let id = op.entity_id;
    match command {
        Command::ApplicationCreate(draft) => drafts::create(txn, principal, device, draft.with_id(id)).await,
        Command::ApplicationUpdate(body) => drafts::update(txn, principal, device, op, body).await,
        Command::ApplicationWithdraw(body) => steps::withdraw(txn, principal, device, op, body).await,
        Command::MemberUpdate(body) => drafts::put_member(txn, state, principal, device, op, body).await,
        Command::MemberDelete(body) => drafts::delete_member(txn, principal, device, op, body.application_id).await,
        Command::DocumentCreate(link) => photos::link_document(txn, state, principal, device, id, link).await,
        Command::AuthorizationCreate(body) => signatures::sign(txn, principal, device, id, body).await,
        Command::CheckinCreate(body) => checkins::assisted(state, principal, id, body).await,
    }
}

/// A submitted application (the township took it over) is a conflict, not a mistake of the op.
pub(super) fn locked_is_conflict(err: ApiError) -> Failure {
    if err.code() == ErrorCode::ApplicationLocked {
        Failure::Conflict { code: OpCode::ApplicationLocked, application: None }
    } else {
        err.into()
    }
}

/// The application an op names, if the caller may see it (anyone else's is not found), as the
/// batch holds it or else as stored: through the route's own check.
pub(super) async fn readable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
) -> Result<ScopedApplication, Failure> {
    let app = match device.applications.get(&id) {
        Some(app) => app.clone(),
        None => {
            application::Entity::find_by_id(id).one(txn).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?
        }
    };
    Ok(ScopedApplication::authorise(principal.clone(), app)?)
}

/// The application, if the caller may change it and nobody else changed it since `base`.
pub(super) async fn editable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    base: Option<i32>,
) -> Result<ScopedApplication, Failure> {
    let scope = readable(txn, principal, device, id).await?;
    let base = base.ok_or_else(|| {
        rejected("base_version", "请注明该操作所基于的申请版本", "Give the application version this op was made on")
    })?;
    let version = scope.application().version;
    // Changed by this batch, it is as this device left it.
    if version == base || device.applications.contains_key(&id) {
        return Ok(scope);
    }
    // Changes this device made itself since `base` are not a conflict.
    let own = sync_op::Entity::find()
        .filter(sync_op::Column::DeviceId.eq(device.id))
        .filter(sync_op::Column::ApplicationId.eq(id))
        .filter(sync_op::Column::Outcome.eq("applied"))
        .order_by_desc(sync_op::Column::Seq)
        .one(txn)
        .await?
        .and_then(|op| op.result.get("version").and_then(Value::as_i64));
    if own == Some(i64::from(version)) {
        return Ok(scope);
    }
    Err(Failure::Conflict { code: OpCode::ChangedOnServer, application: Some(Box::new(scope.into_application())) })
}

/// What an op on application `id` did, read after it.
pub(super) async fn applied_to(txn: &DatabaseTransaction, id: Uuid) -> Result<Applied, Failure> {
    let row = application::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("the application of an op vanished"))?;
    Ok(applied(row))
}

pub(super) fn applied(row: application::Model) -> Applied {
    let server = json!({ "status": row.status });
    Applied { application: Some(row), server }
}

pub(super) fn rejected(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    Failure::Rejected(ApiError::validation(vec![FieldError::new(field, FieldCode::Required, Message::new(zh, en))]))
}

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
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::model::{EntityKind, OpIn, OpKind};
use crate::applications::Lookups;
use crate::applications::scoped::may_read;
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
        (op.entity, op.op),
        (EntityKind::Application, OpKind::Create | OpKind::Update)
            | (EntityKind::Member | EntityKind::Authorization, _)
    )
}

/// Whether the applied op changed what the applicant's progress page shows (a signature, a
/// withdrawal): its cached answer is dropped after the batch's commit.
pub fn moves_progress(op: &OpIn) -> bool {
    matches!((op.entity, op.op), (EntityKind::Authorization, _) | (EntityKind::Application, OpKind::Withdraw))
}

pub async fn apply(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    match (op.entity, op.op) {
        (EntityKind::Application, OpKind::Create) => drafts::create(txn, principal, device, op).await,
        (EntityKind::Application, OpKind::Update) => drafts::update(txn, principal, device, op).await,
        (EntityKind::Application, OpKind::Withdraw) => steps::withdraw(txn, principal, device, op).await,
        (EntityKind::Member, OpKind::Update | OpKind::Delete) => {
            drafts::member(txn, state, principal, device, op).await
        }
        (EntityKind::Document, OpKind::Create) => photos::link_document(txn, state, principal, device, op).await,
        (EntityKind::Authorization, OpKind::Create) => signatures::sign(txn, principal, device, op).await,
        (EntityKind::Checkin, OpKind::Create) => checkins::assisted(state, principal, op).await,
        _ => Err(Failure::Rejected(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "op",
            FieldCode::UnsupportedOp,
            Message::new(
                "不支持的同步操作(申请:create/update/withdraw;成员:update/delete;材料、授权书、上门核验:create)",
                "Not an operation sync takes (application: create/update/withdraw; member: update/delete; document, authorization, checkin: create)",
            ),
        )]))),
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

/// The application an op names, if the caller may see it; anyone else's is not found.
pub(super) async fn readable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
) -> Result<application::Model, Failure> {
    let app = match device.applications.get(&id) {
        Some(app) => Some(app.clone()),
        None => application::Entity::find_by_id(id).one(txn).await?,
    };
    app.filter(|app| may_read(principal, app)).ok_or_else(|| Failure::Rejected(ApiError::new(ErrorCode::NotFound)))
}

/// The application, if the caller may change it and nobody else changed it since `base`.
pub(super) async fn editable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    base: Option<i32>,
) -> Result<application::Model, Failure> {
    let app = readable(txn, principal, device, id).await?;
    let base = base.ok_or_else(|| {
        rejected("base_version", "请注明该操作所基于的申请版本", "Give the application version this op was made on")
    })?;
    // Changed by this batch, it is as this device left it.
    if app.version == base || device.applications.contains_key(&id) {
        return Ok(app);
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
    if own == Some(i64::from(app.version)) {
        return Ok(app);
    }
    Err(Failure::Conflict { code: OpCode::ChangedOnServer, application: Some(Box::new(app)) })
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

/// Takes the `application_id` an op on a part of an application names out of its data.
pub(super) fn application_id(data: &mut serde_json::Map<String, Value>) -> Result<Uuid, Failure> {
    data.remove("application_id")
        .and_then(|v| serde_json::from_value::<Uuid>(v).ok())
        .ok_or_else(|| rejected("application_id", "请注明所属的申请", "Give the application_id"))
}

pub(super) fn object(data: &Value) -> Result<serde_json::Map<String, Value>, Failure> {
    data.as_object().cloned().ok_or_else(|| rejected("data", "data 应为 JSON 对象", "data must be a JSON object"))
}

pub(super) fn without_version(data: &Value) -> Result<serde_json::Map<String, Value>, Failure> {
    let data = object(data)?;
    if data.contains_key("version") {
        return Err(rejected("data.version", "版本请填在 base_version 中", "Give the version as base_version"));
    }
    Ok(data)
}

pub(super) fn parse<T: DeserializeOwned>(data: Value) -> Result<T, Failure> {
    serde_json::from_value(data).map_err(|err| {
        let text = err.to_string();
        Failure::Rejected(ApiError::new(ErrorCode::ValidationFailed).with_errors(vec![FieldError::new(
            "data",
            FieldCode::InvalidData,
            Message::new(format!("数据有误:{text}"), format!("Invalid data: {text}")),
        )]))
    })
}

pub(super) fn rejected(field: &'static str, zh: &'static str, en: &'static str) -> Failure {
    Failure::Rejected(ApiError::validation(vec![FieldError::new(field, FieldCode::Required, Message::new(zh, en))]))
}

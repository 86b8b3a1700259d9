//! Draft applications and their household members, made offline.

use entity::{application, sync_op};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    Applied, Device, Failure, application_id, applied, applied_to, locked_is_conflict, object, parse, readable,
    rejected, without_version,
};
use crate::applications::model::{ApplicationIn, ApplicationUpdateIn, MemberIn};
use crate::applications::{ScopedApplication, members, service};
use crate::auth::principal::Principal;

use crate::state::AppState;
use crate::sync::model::{OpIn, OpKind};

pub async fn create(txn: &DatabaseTransaction, principal: &Principal, op: &OpIn) -> Result<Applied, Failure> {
    let mut data = object(&op.data)?;
    data.insert("id".to_owned(), json!(op.entity_id));
    let input: ApplicationIn = parse(Value::Object(data))?;
    let (row, _) = service::create(txn, principal, input).await?;
    Ok(applied(&row))
}

pub async fn update(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let app = editable(txn, principal, device, op.entity_id, op.base_version).await?;
    let mut input: ApplicationUpdateIn = parse(Value::Object(without_version(&op.data)?))?;
    input.version = Some(app.version);
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    let row = service::update(txn, scope, input).await.map_err(locked_is_conflict)?;
    Ok(applied(&row))
}

/// A member added or replaced (`update`) or removed (`delete`).
pub async fn member(
    txn: &DatabaseTransaction,
    state: &AppState,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let mut data = object(&op.data)?;
    let application_id = application_id(&mut data)?;
    let app = editable(txn, principal, device, application_id, op.base_version).await?;
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    if op.op == OpKind::Update {
        let input: MemberIn = parse(Value::Object(data))?;
        members::put(txn, &state.pii, &scope, op.entity_id, input).await.map_err(locked_is_conflict)?;
    } else {
        members::delete(txn, &scope, op.entity_id).await.map_err(locked_is_conflict)?;
    }
    applied_to(txn, application_id).await
}

/// The application, if the caller may edit it and nobody else changed it since `base`.
pub async fn editable(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    id: Uuid,
    base: Option<i32>,
) -> Result<application::Model, Failure> {
    let app = readable(txn, principal, id).await?;
    let base = base.ok_or_else(|| {
        rejected("base_version", "请注明该操作所基于的申请版本", "Give the application version this op was made on")
    })?;
    if app.version == base || device.versions.get(&id) == Some(&app.version) {
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
    Err(Failure::Conflict { code: "CHANGED_ON_SERVER", application: Some(Box::new(app)) })
}

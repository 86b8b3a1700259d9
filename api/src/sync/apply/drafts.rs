//! Draft applications and their household members, made offline.

use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};

use super::{
    Applied, Device, Failure, application_id, applied, editable, locked_is_conflict, object, parse, without_version,
};
use crate::applications::model::{ApplicationIn, ApplicationUpdateIn, MemberIn};
use crate::applications::{ScopedApplication, members, service};
use crate::state::AppState;
use crate::sync::model::{OpIn, OpKind};
use crate::vocab::Principal;

pub async fn create(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let mut data = object(&op.data)?;
    data.insert("id".to_owned(), json!(op.entity_id));
    let input: ApplicationIn = parse(Value::Object(data))?;
    let (row, _) = service::create(txn, &mut device.lookups, principal, input).await?;
    Ok(applied(row))
}

pub async fn update(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &mut Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let app = editable(txn, principal, device, op.entity_id, op.base_version).await?;
    let mut input: ApplicationUpdateIn = parse(Value::Object(without_version(&op.data)?))?;
    input.version = Some(app.version);
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    let row = service::update(txn, &mut device.lookups, scope, input).await.map_err(locked_is_conflict)?;
    Ok(applied(row))
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
    let now = if op.op == OpKind::Update {
        let input: MemberIn = parse(Value::Object(data))?;
        members::put(txn, &state.pii, &scope, op.entity_id, input).await.map_err(locked_is_conflict)?.application
    } else {
        members::delete(txn, &scope, op.entity_id).await.map_err(locked_is_conflict)?
    };
    Ok(applied(now))
}

//! The authorization for the economic check, signed on the helper's phone without signal: the
//! drawn signature arrives as a `document` op (type `signature`, from an upload), then this op
//! records the authorization that cites it.

use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};

use super::{Applied, Device, Failure, application_id, applied_to, locked_is_conflict, object, parse, readable};
use crate::applications::ScopedApplication;
use crate::authorizations::model::AuthorizationIn;
use crate::authorizations::service;
use crate::vocab::Principal;

use crate::sync::model::OpIn;

/// `create`: data is the online endpoint's body without `id` (the op's `entity_id`), with the
/// `application_id`.
pub async fn sign(
    txn: &DatabaseTransaction,
    principal: &Principal,
    device: &Device,
    op: &OpIn,
) -> Result<Applied, Failure> {
    let mut data = object(&op.data)?;
    let application_id = application_id(&mut data)?;
    data.insert("id".to_owned(), json!(op.entity_id));
    let input: AuthorizationIn = parse(Value::Object(data))?;
    let app = readable(txn, principal, device, application_id).await?;
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    service::sign(txn, &scope, input).await.map_err(locked_is_conflict)?;
    applied_to(txn, application_id).await
}

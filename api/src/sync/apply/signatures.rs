//! The authorization for the economic check, signed on the helper's phone without signal: the
//! drawn signature arrives as a `document` op (type `signature`, from an upload), then this op
//! records the authorization that cites it.

use entity::application;
use sea_orm::{DatabaseTransaction, EntityTrait};
use serde_json::{Value, json};

use super::drafts::applied;
use super::{Applied, Failure, locked_is_conflict, object, parse, rejected};
use crate::applications::ScopedApplication;
use crate::applications::scoped::may_read;
use crate::auth::principal::Principal;
use crate::authorizations::model::AuthorizationIn;
use crate::authorizations::service;
use crate::error::{ApiError, ErrorCode};
use crate::sync::model::OpIn;

/// `create`: data is the online endpoint's body without `id` (the op's `entity_id`), with the
/// `application_id`.
pub async fn sign(txn: &DatabaseTransaction, principal: &Principal, op: &OpIn) -> Result<Applied, Failure> {
    let mut data = object(&op.data)?;
    let application_id = data
        .remove("application_id")
        .and_then(|v| serde_json::from_value::<uuid::Uuid>(v).ok())
        .ok_or_else(|| rejected("application_id", "请注明授权书所属的申请", "Give the application_id"))?;
    data.insert("id".to_owned(), json!(op.entity_id));
    let input: AuthorizationIn = parse(Value::Object(data))?;
    let app = application::Entity::find_by_id(application_id)
        .one(txn)
        .await?
        .filter(|app| may_read(principal, app))
        .ok_or_else(|| Failure::Rejected(ApiError::new(ErrorCode::NotFound)))?;
    let scope = ScopedApplication { principal: principal.clone(), application: app };
    service::sign(txn, &scope, input).await.map_err(locked_is_conflict)?;
    let row = application::Entity::find_by_id(application_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("the application of an authorization vanished"))?;
    Ok(applied(&row))
}

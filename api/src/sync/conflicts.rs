//! The conflict queue: ops on records that changed on the server meanwhile. The helper who
//! pushed them sees their own; township reviewers and district supervisors see those of their
//! region. Resolving records what was done (reapplied on the server's version, or discarded).

use chrono::Utc;
use entity::sync_conflict;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::model::{ConflictOut, ConflictQuery, ConflictStatus, ResolveIn};
use crate::error::{ApiError, ErrorCode, Message, required_note};
use crate::state::AppState;
use crate::vocab::Principal;
use crate::vocab::Role;

fn visible(principal: &Principal) -> Result<Condition, ApiError> {
    let region = principal.region.as_ref().map(|r| r.as_str().to_owned());
    match (principal.role, region) {
        (Role::Helper, _) => Ok(Condition::all().add(sync_conflict::Column::AccountId.eq(principal.account_id))),
        (Role::TownshipReviewer | Role::DistrictSupervisor, Some(code)) => {
            Ok(Condition::all().add(sync_conflict::Column::CommunityCode.starts_with(code)))
        }
        _ => Err(ApiError::new(ErrorCode::Forbidden)),
    }
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    query: &ConflictQuery,
) -> Result<Vec<ConflictOut>, ApiError> {
    let status = match query.status {
        ConflictStatus::Open => "open",
        ConflictStatus::Resolved => "resolved",
    };
    let rows = sync_conflict::Entity::find()
        .filter(visible(principal)?)
        .filter(sync_conflict::Column::Status.eq(status))
        .order_by_asc(sync_conflict::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(out).collect())
}

pub async fn resolve(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: ResolveIn,
) -> Result<ConflictOut, ApiError> {
    let note = required_note(&input.note, "请写明如何处理", "Say how it was handled")?;
    let row = sync_conflict::Entity::find_by_id(id)
        .filter(visible(principal)?)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let updated = sync_conflict::Entity::update_many()
        .col_expr(sync_conflict::Column::Status, Expr::value("resolved"))
        .col_expr(sync_conflict::Column::Resolution, Expr::value(Some(input.resolution.as_str())))
        .col_expr(sync_conflict::Column::Note, Expr::value(Some(note.to_owned())))
        .col_expr(sync_conflict::Column::ResolvedBy, Expr::value(Some(principal.account_id)))
        .col_expr(sync_conflict::Column::ResolvedAt, Expr::value(Some(Utc::now())))
        .filter(sync_conflict::Column::Id.eq(row.id))
        .filter(sync_conflict::Column::Status.eq("open"))
        .exec(&state.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(Message::new("该冲突已处理。", "This conflict was resolved already.")));
    }
    let row = sync_conflict::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok(out(row))
}

fn out(row: sync_conflict::Model) -> ConflictOut {
    ConflictOut {
        id: row.id,
        op_id: row.op_id,
        account_id: row.account_id,
        entity: row.entity,
        entity_id: row.entity_id,
        code: row.code,
        base_version: row.base_version,
        server_version: row.server_version,
        op: row.payload,
        status: row.status,
        resolution: row.resolution,
        note: row.note,
        created_at: row.created_at,
        resolved_at: row.resolved_at,
    }
}

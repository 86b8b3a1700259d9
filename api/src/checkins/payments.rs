//! Suspending and resuming a recipient's payment: a township reviewer of the recipient's township
//! only, with a reason, and a suspension only after the home visit (the task closed with a
//! finding, or past its due date without one). Each is a `recipient_actions` row and an audit
//! event, in one transaction with the status change.

use chrono::Utc;
use entity::{checkin_task, recipient, recipient_action};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use uuid::Uuid;

use super::model::{RecipientActionOut, RecipientOut, ResumeIn, SuspendIn};
use super::tasks;
use crate::audit::AuditEvent;
use crate::calendar;
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message, required_note};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Scope;

pub const ACTIVE: &str = "active";
pub const SUSPENDED: &str = "suspended";

/// The recipient in the caller's reach (any staff level may read it).
async fn reachable(state: &AppState, principal: &Principal, id: Uuid) -> Result<(Scope, recipient::Model), ApiError> {
    let reach = Scope::of(principal)?;
    let row = recipient::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|r| reach.covers(&r.community_code, &r.township_code, &r.district_code))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    Ok((reach, row))
}

fn reviewer_only(reach: &Scope) -> Result<(), ApiError> {
    match reach {
        Scope::Township(_) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::Forbidden).with_detail(Message::new(
            "只有镇街审核人员可以暂停或恢复救助金发放。",
            "Only a township reviewer suspends or resumes a payment.",
        ))),
    }
}

fn note(text: &str) -> Result<String, ApiError> {
    required_note(text, "请写明理由", "Give the grounds")
}

pub async fn get(state: &AppState, principal: &Principal, id: Uuid) -> Result<RecipientOut, ApiError> {
    let (_, row) = reachable(state, principal, id).await?;
    out(&state.db, row).await
}

pub async fn suspend(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: SuspendIn,
) -> Result<RecipientOut, ApiError> {
    let (reach, row) = reachable(state, principal, id).await?;
    reviewer_only(&reach)?;
    let note = note(&input.note)?;
    let task = checkin_task::Entity::find_by_id(input.task_id)
        .one(&state.db)
        .await?
        .filter(|t| t.recipient_id == row.id)
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "task_id",
                FieldCode::TaskNotFound,
                Message::new("请选择该救助对象的上门核实任务", "Name a home-visit task of this recipient"),
            )])
        })?;
    let visited = task.status == tasks::CLOSED && task.outcome.as_deref() != Some(tasks::CHECKED_IN);
    let overdue = task.status == tasks::OPEN && task.due_date < calendar::today();
    if !(visited || overdue) {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(Message::new(
                "请等社区上门核实后再暂停发放:任务需已办结(且未完成核验),或已超过上门期限。",
                "Suspend only after the home visit: the task must be closed with a finding (not a check-in), or past its due date.",
            ))
            .with_current(json!({ "task_status": task.status, "task_outcome": task.outcome, "task_due_date": task.due_date })));
    }
    change(state, principal, &row, ACTIVE, SUSPENDED, input.reason.as_str(), note, Some(task.id)).await
}

pub async fn resume(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: ResumeIn,
) -> Result<RecipientOut, ApiError> {
    let (reach, row) = reachable(state, principal, id).await?;
    reviewer_only(&reach)?;
    let note = note(&input.note)?;
    change(state, principal, &row, SUSPENDED, ACTIVE, "resumed", note, None).await
}

#[allow(clippy::too_many_arguments)]
async fn change(
    state: &AppState,
    principal: &Principal,
    row: &recipient::Model,
    from: &str,
    to: &str,
    reason: &str,
    note: String,
    task_id: Option<Uuid>,
) -> Result<RecipientOut, ApiError> {
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let changed = recipient::Entity::update_many()
        .col_expr(recipient::Column::Status, Expr::value(to))
        .filter(recipient::Column::Id.eq(row.id))
        .filter(recipient::Column::Status.eq(from))
        .exec(txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::InvalidTransition).with_current(json!({ "status": row.status })));
    }
    let action = if to == SUSPENDED { "suspend" } else { "resume" };
    recipient_action::Entity::insert(recipient_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        recipient_id: Set(row.id),
        action: Set(action.to_owned()),
        reason: Set(reason.to_owned()),
        note: Set(Some(note)),
        task_id: Set(task_id),
        actor_id: Set(principal.account_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(txn)
    .await?;
    AuditEvent::new(if to == SUSPENDED { "recipient.suspended" } else { "recipient.resumed" })
        .by(principal)
        .on("recipient", row.id)
        .in_region(Some(&row.township_code))
        .details(json!({ "reason": reason, "task_id": task_id, "item_code": row.item_code }))
        .record(txn)
        .await?;
    uow.commit(state).await?;
    let row = recipient::Entity::find_by_id(row.id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    out(&state.db, row).await
}

async fn out(db: &impl ConnectionTrait, row: recipient::Model) -> Result<RecipientOut, ApiError> {
    let actions = recipient_action::Entity::find()
        .filter(recipient_action::Column::RecipientId.eq(row.id))
        .order_by_asc(recipient_action::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(RecipientOut {
        id: row.id,
        item_code: row.item_code,
        amount_fen: row.amount_fen,
        status: row.status,
        community_code: row.community_code,
        actions: actions
            .into_iter()
            .map(|a| RecipientActionOut {
                action: a.action,
                reason: a.reason,
                note: a.note,
                task_id: a.task_id,
                actor_id: a.actor_id,
                created_at: a.created_at,
            })
            .collect(),
    })
}

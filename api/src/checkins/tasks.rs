//! Home visits the community owes a recipient. A missed period, a failed check-in, or a reviewer's
//! doubt about a sampled one opens a task (one per period, or per doubted check-in) with a due
//! date; an assisted check-in closes it, or the helper closes it with what they found. Tasks never
//! change a payment: only a township reviewer does (`payments`).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{checkin_cycle, checkin_task, household_member, recipient};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::model::{CloseTaskIn, StaffPeriodOut, TaskOut, TaskQuery, TaskStatus};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode, Message, required_note};
use crate::state::AppState;
use crate::vocab::Principal;
use crate::vocab::Scope;

pub const MISSED: &str = "missed";
pub const FAILED: &str = "failed";
pub const DOUBTFUL: &str = "doubtful";
pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";
/// The outcome of a task an assisted (or a later remote) check-in closed.
pub const CHECKED_IN: &str = "checked_in";

/// Opens a visit for `period`, unless one is open for it already; true when opened.
pub async fn open(
    db: &impl ConnectionTrait,
    kind: &str,
    period: &checkin_cycle::Model,
    checkin_id: Option<Uuid>,
    due: NaiveDate,
) -> Result<bool, DbErr> {
    insert(db, kind, format!("cycle:{}", period.id), period, checkin_id, due).await
}

/// Opens a visit because a reviewer doubted check-in `checkin_id` (one per check-in).
pub async fn open_doubtful(
    db: &impl ConnectionTrait,
    period: &checkin_cycle::Model,
    checkin_id: Uuid,
    due: NaiveDate,
) -> Result<bool, DbErr> {
    insert(db, DOUBTFUL, format!("checkin:{checkin_id}"), period, Some(checkin_id), due).await
}

async fn insert(
    db: &impl ConnectionTrait,
    kind: &str,
    dedupe_key: String,
    period: &checkin_cycle::Model,
    checkin_id: Option<Uuid>,
    due: NaiveDate,
) -> Result<bool, DbErr> {
    let row = checkin_task::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.to_owned()),
        dedupe_key: Set(dedupe_key),
        recipient_id: Set(period.recipient_id),
        cycle_id: Set(Some(period.id)),
        checkin_id: Set(checkin_id),
        subject_index: Set(period.subject_index.clone()),
        community_code: Set(period.community_code.clone()),
        township_code: Set(period.township_code.clone()),
        district_code: Set(period.district_code.clone()),
        due_date: Set(due),
        status: Set(OPEN.to_owned()),
        outcome: Set(None),
        note: Set(None),
        closed_by: Set(None),
        closed_at: Set(None),
        created_at: Set(Utc::now()),
    };
    let inserted = checkin_task::Entity::insert(row)
        .on_conflict_do_nothing_on([checkin_task::Column::DedupeKey])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Closes the open tasks of a period that a check-in just completed.
pub async fn close_for_period(
    db: &impl ConnectionTrait,
    period_id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    checkin_task::Entity::update_many()
        .col_expr(checkin_task::Column::Status, Expr::value(CLOSED))
        .col_expr(checkin_task::Column::Outcome, Expr::value(Some(CHECKED_IN)))
        .col_expr(checkin_task::Column::ClosedBy, Expr::value(Some(by)))
        .col_expr(checkin_task::Column::ClosedAt, Expr::value(Some(now)))
        .filter(checkin_task::Column::CycleId.eq(period_id))
        .filter(checkin_task::Column::Status.eq(OPEN))
        .exec(db)
        .await?;
    Ok(())
}

/// The tasks in the caller's reach (helpers: their community; reviewers: township; supervisors:
/// district), oldest due date first. Audited: the list names people.
pub async fn list(state: &AppState, principal: &Principal, query: &TaskQuery) -> Result<Vec<TaskOut>, ApiError> {
    let reach = Scope::of(principal)?;
    let status = match query.status {
        TaskStatus::Open => OPEN,
        TaskStatus::Closed => CLOSED,
    };
    let rows = checkin_task::Entity::find()
        .filter(reach.filter(
            checkin_task::Column::CommunityCode,
            checkin_task::Column::TownshipCode,
            checkin_task::Column::DistrictCode,
        ))
        .filter(checkin_task::Column::Status.eq(status))
        .order_by_asc(checkin_task::Column::DueDate)
        .order_by_asc(checkin_task::Column::Id)
        .all(&state.db)
        .await?;
    let people = People::load(&state.db, rows.iter().map(|t| t.recipient_id)).await?;
    AuditEvent::new("checkins.tasks.list")
        .by(principal)
        .details(serde_json::json!({ "status": status, "count": rows.len() }))
        .record(&state.db)
        .await?;
    Ok(rows.into_iter().map(|t| people.task_out(t)).collect())
}

/// A helper of the recipient's community closes a task with what they found on the visit.
pub async fn close(state: &AppState, principal: &Principal, id: Uuid, input: CloseTaskIn) -> Result<TaskOut, ApiError> {
    let reach = Scope::of(principal)?;
    let note = required_note(&input.note, "请写明上门看到的情况", "Describe what the visit found")?;
    let task = checkin_task::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|t| {
            matches!(reach, Scope::Community(_)) && reach.covers(&t.community_code, &t.township_code, &t.district_code)
        })
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let now = Utc::now();
    let closed = checkin_task::Entity::update_many()
        .col_expr(checkin_task::Column::Status, Expr::value(CLOSED))
        .col_expr(checkin_task::Column::Outcome, Expr::value(Some(input.finding.as_str())))
        .col_expr(checkin_task::Column::Note, Expr::value(Some(note.to_owned())))
        .col_expr(checkin_task::Column::ClosedBy, Expr::value(Some(principal.account_id)))
        .col_expr(checkin_task::Column::ClosedAt, Expr::value(Some(now)))
        .filter(checkin_task::Column::Id.eq(task.id))
        .filter(checkin_task::Column::Status.eq(OPEN))
        .exec(&state.db)
        .await?;
    if closed.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(Message::new("该任务已办结。", "This task is closed already."))
            .with_current(serde_json::json!({ "status": task.status, "outcome": task.outcome })));
    }
    let row =
        checkin_task::Entity::find_by_id(id).one(&state.db).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    let people = People::load(&state.db, [row.recipient_id]).await?;
    Ok(people.task_out(row))
}

/// Names, masked ID numbers and items of recipients, for lists staff read.
pub struct People {
    recipients: Vec<recipient::Model>,
    members: Vec<household_member::Model>,
}

impl People {
    pub async fn load(db: &impl ConnectionTrait, ids: impl IntoIterator<Item = Uuid>) -> Result<Self, DbErr> {
        let mut ids: Vec<Uuid> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let recipients = recipient::Entity::find().filter(recipient::Column::Id.is_in(ids)).all(db).await?;
        let member_ids: Vec<Uuid> = recipients.iter().map(|r| r.member_id).collect();
        let members =
            household_member::Entity::find().filter(household_member::Column::Id.is_in(member_ids)).all(db).await?;
        Ok(Self { recipients, members })
    }

    pub fn recipient(&self, id: Uuid) -> Option<&recipient::Model> {
        self.recipients.iter().find(|r| r.id == id)
    }

    /// Name and masked ID number of a recipient.
    pub fn person(&self, id: Uuid) -> (String, String) {
        self.recipient(id)
            .and_then(|r| self.members.iter().find(|m| m.id == r.member_id))
            .map(|m| (m.name.clone(), m.id_number_masked.clone()))
            .unwrap_or_default()
    }

    /// A period as staff see it.
    pub fn period_out(&self, c: checkin_cycle::Model) -> StaffPeriodOut {
        let (name, id_number_masked) = self.person(c.recipient_id);
        let recipient = self.recipient(c.recipient_id);
        StaffPeriodOut {
            id: c.id,
            recipient_id: c.recipient_id,
            name,
            id_number_masked,
            item_code: recipient.map(|r| r.item_code.clone()).unwrap_or_default(),
            recipient_status: recipient.map(|r| r.status.clone()).unwrap_or_default(),
            community_code: c.community_code,
            due_date: c.due_date,
            opens_on: c.opens_on,
            closes_on: c.closes_on,
            status: c.status,
            done_at: c.done_at,
            done_mode: c.done_mode,
            failed_attempts: c.failed_attempts,
        }
    }

    pub fn task_out(&self, t: checkin_task::Model) -> TaskOut {
        let (name, id_number_masked) = self.person(t.recipient_id);
        TaskOut {
            id: t.id,
            kind: t.kind,
            recipient_id: t.recipient_id,
            name,
            id_number_masked,
            item_code: self.recipient(t.recipient_id).map(|r| r.item_code.clone()).unwrap_or_default(),
            community_code: t.community_code,
            cycle_id: t.cycle_id,
            checkin_id: t.checkin_id,
            due_date: t.due_date,
            status: t.status,
            outcome: t.outcome,
            note: t.note,
            created_at: t.created_at,
            closed_at: t.closed_at,
        }
    }
}

//! The check-in jobs, safe on several nodes at once: every change is a guarded update from the
//! state read (a period moves to `missed` once), tasks and periods are inserted under unique keys,
//! and deleting a purged selfie twice is harmless. Tests run them with a controlled date.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{application, checkin, checkin_cycle, recipient};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::cycles::{self, MISSED, PENDING};
use super::{challenge, tasks};
use crate::error::ApiError;
use crate::notifications::outbox;
use crate::state::AppState;

/// Rows handled per step and run; the next run takes the rest.
const BATCH: u64 = 500;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub scheduled: u64,
    pub reminded: u64,
    pub missed: u64,
    pub tasks_opened: u64,
}

impl ScanReport {
    pub fn changed(&self) -> bool {
        *self != Self::default()
    }
}

/// Schedules recipients without a pending period, reminds those whose window opened, and turns
/// periods whose window closed into `missed` with a home-visit task.
pub async fn scan(state: &AppState, today: NaiveDate) -> Result<ScanReport, ApiError> {
    let db = &state.db;
    let settings = &state.settings.checkins;
    let mut report = ScanReport::default();
    let unscheduled = recipient::Entity::find()
        .filter(recipient::Column::Status.eq("active"))
        .filter(recipient::Column::ItemCode.is_in(settings.schedules.keys().cloned()))
        .filter(
            recipient::Column::Id.not_in_subquery(
                Query::select()
                    .column(checkin_cycle::Column::RecipientId)
                    .from(checkin_cycle::Entity)
                    .and_where(checkin_cycle::Column::Status.eq(PENDING))
                    .to_owned(),
            ),
        )
        .limit(BATCH)
        .all(db)
        .await?;
    for row in &unscheduled {
        if cycles::schedule_next(db, settings, row, today).await?.is_some() {
            report.scheduled += 1;
        }
    }

    let opened = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::Status.eq(PENDING))
        .filter(checkin_cycle::Column::OpensOn.lte(today))
        .filter(checkin_cycle::Column::RemindedAt.is_null())
        .order_by_asc(checkin_cycle::Column::OpensOn)
        .limit(BATCH)
        .all(db)
        .await?;
    for period in opened {
        let claimed = checkin_cycle::Entity::update_many()
            .col_expr(checkin_cycle::Column::RemindedAt, Expr::value(Some(Utc::now())))
            .filter(checkin_cycle::Column::Id.eq(period.id))
            .filter(checkin_cycle::Column::RemindedAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let Some(owner) = recipient::Entity::find_by_id(period.recipient_id).one(db).await? else { continue };
        let number = application::Entity::find_by_id(owner.application_id).one(db).await?.and_then(|a| a.number);
        outbox::enqueue_checkin_reminder(
            db,
            owner.application_id,
            owner.subject_account_id,
            number.as_deref().unwrap_or("-"),
            period.due_date,
            Utc::now(),
        )
        .await?;
        report.reminded += 1;
    }

    let closed = checkin_cycle::Entity::find()
        .filter(checkin_cycle::Column::Status.eq(PENDING))
        .filter(checkin_cycle::Column::ClosesOn.lt(today))
        .limit(BATCH)
        .all(db)
        .await?;
    for period in closed {
        let moved = checkin_cycle::Entity::update_many()
            .col_expr(checkin_cycle::Column::Status, Expr::value(MISSED))
            .filter(checkin_cycle::Column::Id.eq(period.id))
            .filter(checkin_cycle::Column::Status.eq(PENDING))
            .exec(db)
            .await?;
        if moved.rows_affected == 0 {
            continue;
        }
        report.missed += 1;
        let Some(owner) = recipient::Entity::find_by_id(period.recipient_id).one(db).await? else { continue };
        let due = today + Duration::days(i64::from(settings.task_days));
        if tasks::open(db, tasks::MISSED, &period, None, due).await? {
            report.tasks_opened += 1;
        }
        if owner.status == "active" {
            cycles::schedule_next(db, settings, &owner, today).await?;
        }
    }
    challenge::purge_expired(db, Utc::now()).await?;
    Ok(report)
}

/// Deletes check-in photos older than the retention period (the row keeps its hash for replay
/// checks, and when the photo went). Returns how many were deleted.
pub async fn purge_selfies(state: &AppState, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let before = now - Duration::days(i64::from(state.settings.checkins.selfie_retention_days));
    let due = checkin::Entity::find()
        .filter(checkin::Column::SelfieKey.is_not_null())
        .filter(checkin::Column::CreatedAt.lt(before))
        .order_by_asc(checkin::Column::CreatedAt)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut purged = 0;
    for row in due {
        let Some(key) = row.selfie_key else { continue };
        state.storage.delete(&key).await?;
        let marked = checkin::Entity::update_many()
            .col_expr(checkin::Column::SelfieKey, Expr::value(Option::<String>::None))
            .col_expr(checkin::Column::SelfiePurgedAt, Expr::value(Some(now)))
            .filter(checkin::Column::Id.eq(row.id))
            .filter(checkin::Column::SelfieKey.eq(key))
            .exec(&state.db)
            .await?;
        purged += marked.rows_affected;
    }
    Ok(purged)
}

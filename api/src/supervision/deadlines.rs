//! The deadline job: items at 75% of their time go to `warning`, items past their due date to
//! `overdue` with a ticket for the district; materials asked for that did not arrive in time open
//! a ticket too. Items waiting for the applicant (returned) are paused and skipped.
//!
//! Safe with several nodes: each row changes only from the state it was read in (a guarded
//! update), and tickets have a unique key per kind and item.

use chrono::NaiveDate;
use entity::{application, application_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

use super::tickets;
use crate::error::ApiError;
use crate::state::AppState;
use crate::uow::UnitOfWork;

/// Statuses whose clock runs: waiting for the township or the district.
const RUNNING: [&str; 4] = ["submitted", "accepted", "investigating", "pending_district"];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub warned: usize,
    pub overdue: usize,
    pub materials_overdue: usize,
}

impl ScanReport {
    pub fn changed(&self) -> bool {
        *self != Self::default()
    }
}

/// The state of an item's clock on `today`.
pub fn sla_state(today: NaiveDate, warn: Option<NaiveDate>, due: Option<NaiveDate>) -> &'static str {
    if due.is_some_and(|d| today > d) {
        "overdue"
    } else if warn.is_some_and(|w| today >= w) {
        "warning"
    } else {
        "on_time"
    }
}

pub async fn scan(state: &AppState, today: NaiveDate) -> Result<ScanReport, ApiError> {
    let mut report = ScanReport::default();
    let items = application_item::Entity::find()
        .filter(application_item::Column::Status.is_in(RUNNING))
        .filter(application_item::Column::SlaState.is_in(["on_time", "warning"]))
        .filter(application_item::Column::WarnDate.lte(today))
        .limit(5000)
        .all(&state.db)
        .await?;
    for item in items {
        let next = sla_state(today, item.warn_date, item.due_date);
        if next == item.sla_state {
            continue;
        }
        let mut uow = UnitOfWork::begin(&state.db).await?;
        let moved = application_item::Entity::update_many()
            .col_expr(application_item::Column::SlaState, Expr::value(next))
            .filter(application_item::Column::ApplicationId.eq(item.application_id))
            .filter(application_item::Column::ItemCode.eq(item.item_code.as_str()))
            .filter(application_item::Column::SlaState.eq(item.sla_state.as_str()))
            .exec(uow.txn())
            .await?;
        if moved.rows_affected == 1 && next == "overdue" {
            if let Some(app) = application::Entity::find_by_id(item.application_id).one(uow.txn()).await? {
                let details = json!({ "due_date": item.due_date, "status": item.status });
                tickets::open(uow.txn(), tickets::OVERDUE, &app, &item.item_code, None, details).await?;
            }
            report.overdue += 1;
        } else if moved.rows_affected == 1 {
            report.warned += 1;
        }
        if moved.rows_affected == 1 {
            crate::progress::changed(&mut uow, item.application_id);
        }
        crate::progress::forget_cached(&mut uow, item.application_id);
        uow.commit(state).await?;
    }
    report.materials_overdue = materials(state, today).await?;
    Ok(report)
}

/// Materials asked for (a return, an emergency approval) past their date: a ticket each.
async fn materials(state: &AppState, today: NaiveDate) -> Result<usize, ApiError> {
    let late = application::Entity::find()
        .filter(application::Column::MissingDocuments.is_not_null())
        .filter(application::Column::MaterialsDue.lt(today))
        .limit(5000)
        .all(&state.db)
        .await?;
    let mut opened = 0;
    for app in &late {
        let details =
            json!({ "materials_due": app.materials_due, "missing": app.missing_documents, "emergency": app.emergency });
        opened += usize::from(tickets::open(&state.db, tickets::MATERIALS_OVERDUE, app, "", None, details).await?);
    }
    Ok(opened)
}

/// The items in `warning` or `overdue` in the caller's area, oldest due date first.
pub async fn list(
    state: &AppState,
    principal: &crate::vocab::Principal,
    query: &super::model::DeadlineQuery,
) -> Result<Vec<super::model::DeadlineItemOut>, ApiError> {
    use sea_orm::QueryOrder;
    let area = crate::vocab::Scope::overseer(principal)?;
    let wanted = query.state.as_deref().unwrap_or("overdue");
    if !["overdue", "warning"].contains(&wanted) {
        return Err(ApiError::new(crate::error::ErrorCode::InvalidQuery));
    }
    let items = application_item::Entity::find()
        .filter(application_item::Column::SlaState.eq(wanted))
        .filter(application_item::Column::Status.is_in(RUNNING))
        .order_by_asc(application_item::Column::DueDate)
        .limit(5000)
        .all(&state.db)
        .await?;
    let ids: Vec<uuid::Uuid> = items.iter().map(|i| i.application_id).collect();
    let mut apps = application::Entity::find()
        .filter(application::Column::Id.is_in(ids))
        .filter(area.filter_above_community(application::Column::TownshipCode, application::Column::DistrictCode));
    if let Some(township) = query.township.as_deref() {
        apps = apps.filter(application::Column::TownshipCode.eq(township));
    }
    let apps = apps.all(&state.db).await?;
    let today = crate::calendar::today();
    let calendar = crate::calendar::service::around(&state.db, today).await?;
    Ok(items
        .into_iter()
        .filter_map(|item| {
            let app = apps.iter().find(|a| a.id == item.application_id)?;
            Some(super::model::DeadlineItemOut {
                application_id: app.id,
                number: app.number.clone(),
                township_code: app.township_code.clone(),
                overdue_working_days: item.due_date.map_or(0, |d| calendar.working_days_between(d, today)),
                item_code: item.item_code,
                status: item.status,
                sla_state: item.sla_state,
                due_date: item.due_date,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_states() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert_eq!(sla_state(d(1), Some(d(10)), Some(d(15))), "on_time");
        assert_eq!(sla_state(d(10), Some(d(10)), Some(d(15))), "warning");
        assert_eq!(sla_state(d(15), Some(d(10)), Some(d(15))), "warning");
        assert_eq!(sla_state(d(16), Some(d(10)), Some(d(15))), "overdue");
        assert_eq!(sla_state(d(16), None, None), "on_time");
    }
}

//! Monthly figures per township: applications submitted, decided, processing time in working days
//! (average and p90, the days waiting for the applicant not counted), approval rate, overdue items.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{application, application_item, supervision_ticket};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::model::{FiguresOut, TownshipFiguresOut};
use super::scope::Area;
use super::tickets;
use crate::auth::principal::Principal;
use crate::calendar;
use crate::error::{ApiError, FieldCode, FieldError, Message};
use crate::state::AppState;

/// A month: its first day and the next month's, and those days' midnights in China as UTC instants.
pub struct MonthBounds {
    pub first: NaiveDate,
    pub next: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The month `YYYY-MM`, or `INVALID_MONTH`.
pub fn month_bounds(month: &str) -> Result<MonthBounds, ApiError> {
    let bad = || {
        ApiError::validation(vec![FieldError::new(
            "month",
            FieldCode::InvalidMonth,
            Message::new("月份格式应为 YYYY-MM,如 2026-11", "Give the month as YYYY-MM, e.g. 2026-11"),
        )])
    };
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    if month.len() != 7 {
        return Err(bad());
    }
    let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(bad)?;
    let at = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc() - Duration::hours(8)).ok_or_else(bad);
    Ok(MonthBounds { first, next, from: at(first)?, to: at(next)? })
}

pub async fn monthly(state: &AppState, principal: &Principal, month: &str) -> Result<FiguresOut, ApiError> {
    let area = Area::of(principal)?;
    let MonthBounds { first, from, to, .. } = month_bounds(month)?;
    let in_month = |column: application::Column| Condition::all().add(column.gte(from)).add(column.lt(to));
    let apps = application::Entity::find()
        .filter(area.filter(application::Column::DistrictCode, application::Column::TownshipCode))
        .filter(
            Condition::any()
                .add(in_month(application::Column::SubmittedAt))
                .add(in_month(application::Column::DecidedAt)),
        )
        .all(&state.db)
        .await?;
    let ids: Vec<_> = apps.iter().map(|a| a.id).collect();
    let items = application_item::Entity::find()
        .filter(application_item::Column::ApplicationId.is_in(ids))
        .all(&state.db)
        .await?;
    let overdue = supervision_ticket::Entity::find()
        .filter(area.filter(supervision_ticket::Column::DistrictCode, supervision_ticket::Column::TownshipCode))
        .filter(supervision_ticket::Column::Kind.eq(tickets::OVERDUE))
        .filter(supervision_ticket::Column::OpenedAt.gte(from))
        .filter(supervision_ticket::Column::OpenedAt.lt(to))
        .all(&state.db)
        .await?;
    let calendar = calendar::service::around(&state.db, first).await?;
    let local = |at: DateTime<Utc>| (at + Duration::hours(8)).date_naive();
    let mut townships: BTreeMap<String, Tally> = BTreeMap::new();
    for app in &apps {
        let tally = townships.entry(app.township_code.clone()).or_default();
        if app.submitted_at.is_some_and(|t| t >= from && t < to) {
            tally.applications += 1;
        }
        let (Some(submitted), Some(decided)) = (app.submitted_at, app.decided_at) else { continue };
        if decided < from || decided >= to {
            continue;
        }
        let own: Vec<_> = items.iter().filter(|i| i.application_id == app.id).collect();
        let paused = own.iter().map(|i| i.paused_days).max().unwrap_or(0);
        tally.days.push((calendar.working_days_between(local(submitted), local(decided)) - paused).max(0));
        tally.approved += own.iter().filter(|i| i.status == "approved").count() as u32;
        tally.rejected += own.iter().filter(|i| i.status == "rejected").count() as u32;
    }
    for ticket in &overdue {
        townships.entry(ticket.township_code.clone()).or_default().overdue += 1;
    }
    Ok(FiguresOut { month: month.to_owned(), townships: townships.into_iter().map(|(code, t)| t.out(code)).collect() })
}

#[derive(Default)]
struct Tally {
    applications: u32,
    days: Vec<i32>,
    approved: u32,
    rejected: u32,
    overdue: u32,
}

impl Tally {
    fn out(mut self, township_code: String) -> TownshipFiguresOut {
        self.days.sort_unstable();
        let decided = self.days.len();
        let average = (decided > 0).then(|| f64::from(self.days.iter().sum::<i32>()) / decided as f64);
        let average = average.map(|a| (a * 10.0).round() / 10.0);
        let decisions = self.approved + self.rejected;
        TownshipFiguresOut {
            township_code,
            applications: self.applications,
            decided: decided as u32,
            average_working_days: average,
            p90_working_days: p90(&self.days),
            approval_rate: (decisions > 0)
                .then(|| (f64::from(self.approved) / f64::from(decisions) * 1000.0).round() / 1000.0),
            overdue: self.overdue,
        }
    }
}

/// The nearest-rank 90th percentile of sorted values.
pub fn p90(sorted: &[i32]) -> Option<i32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * 9).div_ceil(10).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p90_is_the_nearest_rank() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[7]), Some(7));
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), Some(9));
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), Some(10));
    }

    #[test]
    fn months_are_china_time() {
        let MonthBounds { first, from, to, .. } = month_bounds("2026-11").unwrap();
        assert_eq!(first, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(from.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert!(month_bounds("2026-13").is_err());
        assert!(month_bounds("2026-1").is_err());
        assert!(month_bounds("nope").is_err());
    }
}

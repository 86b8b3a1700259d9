//! Monthly figures per township: applications submitted, decided, processing time in working days
//! (average and p90, the days waiting for the applicant not counted), approval rate, overdue items.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{application, application_item, supervision_ticket};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::model::{FiguresOut, TownshipFiguresOut};
use super::tickets;
use crate::calendar;
use crate::error::ApiError;
use crate::state::AppState;
use crate::vocab::{MonthBounds, Principal, Scope, month_bounds, p90};

pub async fn monthly(state: &AppState, principal: &Principal, month: &str) -> Result<FiguresOut, ApiError> {
    let area = Scope::overseer(principal)?;
    let MonthBounds { first, from, to, .. } = month_bounds(month)?;
    let in_month = |column: application::Column| Condition::all().add(column.gte(from)).add(column.lt(to));
    let apps = application::Entity::find()
        .filter(area.filter_above_community(application::Column::TownshipCode, application::Column::DistrictCode))
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
    let overdue =
        supervision_ticket::Entity::find()
            .filter(area.filter_above_community(
                supervision_ticket::Column::TownshipCode,
                supervision_ticket::Column::DistrictCode,
            ))
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

//! A month's check-ins per township: periods due, done remotely, done with a helper, missed,
//! failed, payments suspended, and the days from due date to check-in (average and p90).

use std::collections::BTreeMap;

use chrono::Duration;
use entity::{checkin_cycle, recipient, recipient_action};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::cycles::{DONE, MISSED};
use super::model::{CheckinFiguresOut, TownshipCheckinFiguresOut};
use crate::error::ApiError;
use crate::state::AppState;
use crate::vocab::Principal;
use crate::vocab::Scope;
use crate::vocab::{MonthBounds, month_bounds, p90};

#[derive(Default)]
struct Tally {
    due: u64,
    done_remote: u64,
    done_assisted: u64,
    missed: u64,
    failed: u64,
    suspended: u64,
    days: Vec<i32>,
}

pub async fn monthly(state: &AppState, principal: &Principal, month: &str) -> Result<CheckinFiguresOut, ApiError> {
    let area = Scope::overseer(principal)?;
    let MonthBounds { first, next, from, to } = month_bounds(month)?;
    let periods = checkin_cycle::Entity::find()
        .filter(area.filter_above_community(checkin_cycle::Column::TownshipCode, checkin_cycle::Column::DistrictCode))
        .filter(checkin_cycle::Column::DueDate.gte(first))
        .filter(checkin_cycle::Column::DueDate.lt(next))
        .all(&state.db)
        .await?;
    let mut townships: BTreeMap<String, Tally> = BTreeMap::new();
    for period in periods {
        let tally = townships.entry(period.township_code.clone()).or_default();
        tally.due += 1;
        if period.failed_attempts > 0 {
            tally.failed += 1;
        }
        match (period.status.as_str(), period.done_mode.as_deref()) {
            (DONE, Some("assisted")) => tally.done_assisted += 1,
            (DONE, _) => tally.done_remote += 1,
            (MISSED, _) => tally.missed += 1,
            _ => {}
        }
        if let Some(done_at) = period.done_at {
            let day = (done_at + Duration::hours(8)).date_naive();
            tally.days.push(i32::try_from((day - period.due_date).num_days()).unwrap_or(i32::MAX));
        }
    }
    let suspensions = recipient_action::Entity::find()
        .filter(recipient_action::Column::Action.eq("suspend"))
        .filter(recipient_action::Column::CreatedAt.gte(from))
        .filter(recipient_action::Column::CreatedAt.lt(to))
        .all(&state.db)
        .await?;
    if !suspensions.is_empty() {
        let recipients = recipient::Entity::find()
            .filter(recipient::Column::Id.is_in(suspensions.iter().map(|a| a.recipient_id)))
            .all(&state.db)
            .await?;
        for action in &suspensions {
            if let Some(r) = recipients.iter().find(|r| r.id == action.recipient_id)
                && area.covers_township(&r.township_code)
            {
                townships.entry(r.township_code.clone()).or_default().suspended += 1;
            }
        }
    }
    Ok(CheckinFiguresOut {
        month: month.to_owned(),
        townships: townships
            .into_iter()
            .map(|(township_code, mut t)| {
                t.days.sort_unstable();
                let average = (!t.days.is_empty())
                    .then(|| t.days.iter().map(|d| f64::from(*d)).sum::<f64>() / t.days.len() as f64);
                TownshipCheckinFiguresOut {
                    township_code,
                    due: t.due,
                    done_remote: t.done_remote,
                    done_assisted: t.done_assisted,
                    missed: t.missed,
                    failed: t.failed,
                    suspended: t.suspended,
                    average_days_due_to_done: average.map(|a| (a * 10.0).round() / 10.0),
                    p90_days_due_to_done: p90(&t.days).map(i64::from),
                }
            })
            .collect(),
    })
}

//! Lead figures: per township and month, leads raised by level, how soon they were visited and
//! what came of them; and the district dashboard's red/yellow/green counts of open leads.

use std::collections::BTreeMap;

use entity::{lead, monitoring_subject};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::model::{DashboardOut, LeadFiguresMonthOut, LeadFiguresOut, LevelCounts, TownshipDashboardOut};
use crate::error::ApiError;
use crate::vocab::Principal;
use crate::vocab::Scope;
use crate::vocab::{MonthBounds, month_bounds};

fn in_area(area: &Scope) -> Condition {
    Condition::all().add(area.filter_above_community(lead::Column::TownshipCode, lead::Column::DistrictCode))
}

pub async fn monthly(db: &impl ConnectionTrait, by: &Principal, month: &str) -> Result<LeadFiguresMonthOut, ApiError> {
    let area = Scope::overseer(by)?;
    let MonthBounds { from, to, .. } = month_bounds(month)?;
    let rows = lead::Entity::find()
        .filter(in_area(&area))
        .filter(lead::Column::CreatedAt.gte(from))
        .filter(lead::Column::CreatedAt.lt(to))
        .all(db)
        .await?;
    let mut towns: BTreeMap<String, (LeadFiguresOut, Vec<f64>)> = BTreeMap::new();
    for row in rows {
        let (figures, hours) = towns.entry(row.township_code.clone()).or_default();
        figures.raised.add(&row.level);
        if let Some(visited) = row.visited_at {
            figures.visited += 1;
            #[allow(clippy::cast_precision_loss)]
            hours.push((visited - row.created_at).num_seconds() as f64 / 3600.0);
        }
        match row.outcome.as_deref() {
            Some("applied") => figures.applied += 1,
            Some("not_needed") => figures.not_needed += 1,
            Some("referred_to_charity") => figures.referred_to_charity += 1,
            _ => {}
        }
        if row.sla_state == "overdue" {
            figures.overdue += 1;
        }
    }
    let townships = towns
        .into_iter()
        .map(|(township, (mut figures, mut hours))| {
            figures.township_code = township;
            hours.sort_by(f64::total_cmp);
            if !hours.is_empty() {
                #[allow(clippy::cast_precision_loss)]
                let average = hours.iter().sum::<f64>() / hours.len() as f64;
                figures.average_hours_to_visit = Some(round1(average));
                let mid = hours.len() / 2;
                let median = if hours.len() % 2 == 1 { hours[mid] } else { f64::midpoint(hours[mid - 1], hours[mid]) };
                figures.median_hours_to_visit = Some(round1(median));
            }
            figures
        })
        .collect();
    Ok(LeadFiguresMonthOut { month: month.to_owned(), townships })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Open leads by colour and overdue ones, per township and in all, with the pool's size and the
/// pool's people who get nothing.
pub async fn dashboard(db: &impl ConnectionTrait, by: &Principal) -> Result<DashboardOut, ApiError> {
    let area = Scope::overseer(by)?;
    let open = lead::Entity::find().filter(in_area(&area)).filter(lead::Column::Status.ne("closed")).all(db).await?;
    let mut total = LevelCounts::default();
    let mut overdue = 0;
    let mut towns: BTreeMap<String, (LevelCounts, u32)> = BTreeMap::new();
    for row in &open {
        let (counts, late) = towns.entry(row.township_code.clone()).or_default();
        counts.add(&row.level);
        total.add(&row.level);
        if row.sla_state == "overdue" {
            *late += 1;
            overdue += 1;
        }
    }
    let pool =
        monitoring_subject::Entity::find().filter(area.filter_by_township(monitoring_subject::Column::TownshipCode));
    let pool = pool.all(db).await?;
    let receiving = super::pool::receiving(db, &pool).await?;
    let mut people: Vec<&str> = pool.iter().map(|s| s.subject_index.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    let nothing = people.iter().filter(|i| receiving.get(**i).is_none_or(Vec::is_empty)).count();
    Ok(DashboardOut {
        open: total,
        overdue,
        pool: u32::try_from(people.len()).unwrap_or(u32::MAX),
        pool_receiving_nothing: u32::try_from(nothing).unwrap_or(u32::MAX),
        townships: towns
            .into_iter()
            .map(|(township_code, (open, overdue))| TownshipDashboardOut { township_code, open, overdue })
            .collect(),
    })
}

//! The monthly random sample (随机抽查): for each township of the district, `review.sample_percent`
//! of the applications decided in the month, drawn so that anyone can check it. The population
//! (sorted ids) and a random seed are stored; the draw orders the population by
//! SHA-256(`seed:id`) and takes the first ⌈rate × n⌉. Each drawn application opens a review
//! ticket. Drawing the same month again returns the stored sample.

use chrono::Utc;
use entity::{application, supervision_sample};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::SampleOut;
use super::tickets;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Scope;
use crate::vocab::Status;
use crate::vocab::{MonthBounds, month_bounds};

/// The draw: deterministic in `seed` and `population`.
pub fn draw(seed: &str, population: &[Uuid], rate_percent: u8) -> Vec<Uuid> {
    let mut keyed: Vec<([u8; 32], Uuid)> =
        population.iter().map(|id| (Sha256::digest(format!("{seed}:{id}").as_bytes()).into(), *id)).collect();
    keyed.sort();
    let take = (population.len() * usize::from(rate_percent.min(100))).div_ceil(100);
    keyed.into_iter().take(take).map(|(_, id)| id).collect()
}

/// Draws (or returns) the month's sample of every township of the supervisor's district.
pub async fn draw_month(state: &AppState, principal: &Principal, month: &str) -> Result<Vec<SampleOut>, ApiError> {
    let Scope::District(district) = Scope::overseer(principal)? else {
        return Err(ApiError::new(ErrorCode::Forbidden));
    };
    let MonthBounds { from, to, .. } = month_bounds(month)?;
    let decided = application::Entity::find()
        .filter(application::Column::DistrictCode.eq(district.as_str()))
        .filter(application::Column::Status.is_in([Status::Decided.as_str(), Status::Closed.as_str()]))
        .filter(application::Column::DecidedAt.gte(from))
        .filter(application::Column::DecidedAt.lt(to))
        .order_by_asc(application::Column::Id)
        .all(&state.db)
        .await?;
    let mut townships: Vec<&str> = decided.iter().map(|a| a.township_code.as_str()).collect();
    townships.dedup();
    townships.sort_unstable();
    townships.dedup();
    let rate = state.settings.review.sample_percent;
    for township in townships {
        let population: Vec<&application::Model> = decided.iter().filter(|a| a.township_code == township).collect();
        let ids: Vec<Uuid> = population.iter().map(|a| a.id).collect();
        let seed = Uuid::new_v4().simple().to_string();
        let chosen = draw(&seed, &ids, rate);
        let uow = UnitOfWork::begin(&state.db).await?;
        let txn = uow.txn();
        let row = supervision_sample::ActiveModel {
            id: Set(Uuid::now_v7()),
            township_code: Set(township.to_owned()),
            district_code: Set(district.clone()),
            month: Set(month.to_owned()),
            rate_percent: Set(i32::from(rate)),
            seed: Set(seed),
            population: Set(json!(ids)),
            chosen: Set(json!(chosen)),
            created_at: Set(Utc::now()),
            created_by: Set(principal.account_id),
        };
        let inserted = supervision_sample::Entity::insert(row)
            .on_conflict_do_nothing_on([supervision_sample::Column::TownshipCode, supervision_sample::Column::Month])
            .exec_without_returning(txn)
            .await?;
        if matches!(inserted, sea_orm::TryInsertResult::Inserted(1)) {
            for app in population.iter().filter(|a| chosen.contains(&a.id)) {
                tickets::open(txn, tickets::SAMPLE_REVIEW, app, "", None, json!({ "month": month })).await?;
            }
        }
        uow.commit(state).await?;
    }
    list(state, principal, month).await
}

pub async fn list(state: &AppState, principal: &Principal, month: &str) -> Result<Vec<SampleOut>, ApiError> {
    let area = Scope::overseer(principal)?;
    month_bounds(month)?;
    let rows =
        supervision_sample::Entity::find()
            .filter(area.filter_above_community(
                supervision_sample::Column::TownshipCode,
                supervision_sample::Column::DistrictCode,
            ))
            .filter(supervision_sample::Column::Month.eq(month))
            .order_by_asc(supervision_sample::Column::TownshipCode)
            .all(&state.db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| SampleOut {
            id: r.id,
            township_code: r.township_code,
            month: r.month,
            rate_percent: r.rate_percent,
            seed: r.seed,
            population: serde_json::from_value(r.population).unwrap_or_default(),
            chosen: serde_json::from_value(r.chosen).unwrap_or_default(),
            created_at: r.created_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_is_reproducible_and_takes_a_tenth_rounded_up() {
        let population: Vec<Uuid> = (0..25u128).map(|i| Uuid::from_u128(i * 7919 + 1)).collect();
        let first = draw("seed-1", &population, 10);
        assert_eq!(first.len(), 3);
        assert_eq!(draw("seed-1", &population, 10), first);
        let mut shuffled = population.clone();
        shuffled.reverse();
        assert_eq!(draw("seed-1", &shuffled, 10), first, "the order of the population does not matter");
        assert_ne!(draw("seed-2", &population, 10), first);
        assert_eq!(draw("s", &population[..1], 10).len(), 1);
        assert!(draw("s", &[], 10).is_empty());
    }
}

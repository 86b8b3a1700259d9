//! A human look at low-assurance passes: the sampled ones wait for a township reviewer, who sees
//! the selfie (audited) and confirms it or doubts it; a doubt opens a home-visit task.

use chrono::{Duration, Utc};
use entity::{checkin, checkin_cycle};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::model::{ReviewIn, SampledCheckinOut, SampledQuery, Verdict};
use super::tasks::{self, People};
use crate::audit::AuditEvent;
use crate::calendar;
use crate::error::{ApiError, ErrorCode, Message};
use crate::state::AppState;
use crate::uow::UnitOfWork;
use crate::vocab::Principal;
use crate::vocab::Scope;

pub async fn sampled(
    state: &AppState,
    principal: &Principal,
    query: &SampledQuery,
) -> Result<Vec<SampledCheckinOut>, ApiError> {
    let reach = reviewers(principal)?;
    let mut find = checkin::Entity::find()
        .filter(reach.filter(
            checkin::Column::CommunityCode,
            checkin::Column::TownshipCode,
            checkin::Column::DistrictCode,
        ))
        .filter(checkin::Column::Sampled.eq(true));
    if query.pending.unwrap_or(true) {
        find = find.filter(checkin::Column::ReviewVerdict.is_null());
    }
    let rows = find.order_by_asc(checkin::Column::CreatedAt).all(&state.db).await?;
    let people = People::load(&state.db, rows.iter().map(|c| c.recipient_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let (name, id_number_masked) = people.person(c.recipient_id);
            SampledCheckinOut {
                id: c.id,
                recipient_id: c.recipient_id,
                name,
                id_number_masked,
                verifier: c.verifier,
                assurance: c.assurance,
                created_at: c.created_at,
                selfie_kept: c.selfie_key.is_some(),
                review_verdict: c.review_verdict,
            }
        })
        .collect())
}

/// Reviewers and supervisors look at samples; helpers do not (they visit).
fn reviewers(principal: &Principal) -> Result<Scope, ApiError> {
    match Scope::of(principal)? {
        Scope::Community(_) => Err(ApiError::new(ErrorCode::Forbidden)),
        reach => Ok(reach),
    }
}

pub(super) async fn reachable(state: &AppState, principal: &Principal, id: Uuid) -> Result<checkin::Model, ApiError> {
    let reach = Scope::of(principal)?;
    checkin::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|c| reach.covers(&c.community_code, &c.township_code, &c.district_code))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

pub async fn decide(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    input: ReviewIn,
) -> Result<SampledCheckinOut, ApiError> {
    if !matches!(Scope::of(principal)?, Scope::Township(_)) {
        return Err(ApiError::new(ErrorCode::Forbidden));
    }
    let row = reachable(state, principal, id).await?;
    if !row.sampled {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(Message::new("这次核验没有被抽中复核。", "This check-in was not sampled for review.")));
    }
    let verdict = match input.verdict {
        Verdict::Confirmed => "confirmed",
        Verdict::Doubtful => "doubtful",
    };
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let updated = checkin::Entity::update_many()
        .col_expr(checkin::Column::ReviewVerdict, Expr::value(Some(verdict)))
        .col_expr(checkin::Column::ReviewedBy, Expr::value(Some(principal.account_id)))
        .col_expr(checkin::Column::ReviewedAt, Expr::value(Some(Utc::now())))
        .filter(checkin::Column::Id.eq(row.id))
        .filter(checkin::Column::ReviewVerdict.is_null())
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ApiError::new(ErrorCode::InvalidTransition)
            .with_detail(Message::new("这次核验已复核过。", "This check-in was reviewed already."))
            .with_current(json!({ "review_verdict": row.review_verdict })));
    }
    if input.verdict == Verdict::Doubtful
        && let Some(period) =
            checkin_cycle::Entity::find().filter(checkin_cycle::Column::CheckinId.eq(row.id)).one(txn).await?
    {
        let due = calendar::today() + Duration::days(i64::from(state.settings.checkins.task_days));
        tasks::open_doubtful(txn, &period, row.id, due).await?;
    }
    AuditEvent::new("checkin.reviewed")
        .by(principal)
        .on("checkin", row.id)
        .in_region(Some(&row.township_code))
        .details(json!({ "verdict": verdict, "note": input.note }))
        .record(txn)
        .await?;
    uow.commit(state).await?;
    let query = SampledQuery { pending: Some(false) };
    sampled(state, principal, &query)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))
}

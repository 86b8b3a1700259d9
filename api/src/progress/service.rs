//! Serving progress: from the shared cache when it has the answer, else from PostgreSQL (filling
//! the cache); the public query by number and phone tail, rate limited.

use std::net::IpAddr;
use std::time::Duration;

use entity::application;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::cache::{self, Access};
use super::model::{ProgressOut, PublicItemOut, PublicProgressOut, PublicQueryIn};
use super::{batch, build};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, Message};
use crate::infra::rate_limit::Limit;
use crate::state::AppState;
use crate::vocab::{Principal, Status};

/// The progress JSON of application `id` as `principal` may see it; 404 when they may not.
pub async fn for_reader(state: &AppState, principal: &Principal, id: Uuid) -> Result<Vec<u8>, ApiError> {
    if let Some((access, body)) = kept(state, id).await? {
        return if access.allows(principal) { Ok(body) } else { Err(ApiError::new(ErrorCode::NotFound)) };
    }
    let app = application::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|app| Access::of(app).allows(principal))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
    fill(state, &app).await
}

/// The answer as kept: in the cache, else the snapshot (which then refills the cache).
async fn kept(state: &AppState, id: Uuid) -> Result<Option<(Access, Vec<u8>)>, ApiError> {
    if let Some(entry) = cache::get(&state.cache, id).await {
        return Ok(Some(entry));
    }
    let stored = batch::read(state, id).await?;
    if let Some((access, body)) = &stored {
        cache::put(&state.cache, id, access, body, cache_ttl(state)).await;
    }
    Ok(stored)
}

/// Builds the answer from the tables (a draft, or an application from before snapshots) and,
/// past the draft, keeps it in the cache.
async fn fill(state: &AppState, app: &application::Model) -> Result<Vec<u8>, ApiError> {
    let progress = build::load(&state.db, app).await?;
    let body = serde_json::to_vec(&progress).map_err(ApiError::internal)?;
    if app.status != Status::Draft.as_str() {
        cache::put(&state.cache, app.id, &Access::of(app), &body, cache_ttl(state)).await;
    }
    Ok(body)
}

fn cache_ttl(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.review.progress_cache_secs.max(1))
}

/// The public status query. A wrong phone tail answers exactly like an unknown number, and both
/// count against the limits per client address and per number.
pub async fn public(
    state: &AppState,
    input: &PublicQueryIn,
    address: Option<IpAddr>,
) -> Result<PublicProgressOut, ApiError> {
    let tail = input.phone_tail.trim();
    if tail.len() != 4 || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::validation(vec![FieldError::new(
            "phone_tail",
            FieldCode::InvalidPhoneTail,
            Message::new(
                "请填写申请时所留手机号码的后4位数字",
                "Give the last four digits of the phone on the application",
            ),
        )]));
    }
    let number = input.number.trim().to_ascii_uppercase();
    let settings = &state.settings.review;
    let per_address = Limit { limit: settings.public_query_per_address, window: Duration::from_secs(600) };
    let per_number = Limit { limit: settings.public_query_per_number, window: Duration::from_secs(3600) };
    let subject = address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let limited = |secs| ApiError::new(ErrorCode::RateLimited).with_retry_after(secs);
    state.limiter.hit("public-progress:address", &subject, per_address).await.map_err(limited)?;
    state.limiter.hit("public-progress:number", &number, per_number).await.map_err(limited)?;
    let app = application::Entity::find()
        .filter(application::Column::Number.eq(number.as_str()))
        .one(&state.db)
        .await?
        .filter(|app| app.contact_phone.as_deref().is_some_and(|phone| phone.trim().ends_with(tail)))
        .ok_or_else(not_found)?;
    let body = match kept(state, app.id).await? {
        Some((_, body)) => body,
        None => fill(state, &app).await?,
    };
    let progress: ProgressOut = serde_json::from_slice(&body).map_err(ApiError::internal)?;
    Ok(PublicProgressOut {
        number,
        status: progress.status,
        status_name: progress.status_name,
        items: progress
            .items
            .into_iter()
            .map(|i| PublicItemOut { name: i.name, status: i.status, status_name: i.status_name })
            .collect(),
        expected_decision_date: progress.expected_decision_date,
        updated_at: progress.updated_at,
    })
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_detail(Message::new(
        "没有找到该申请,请核对回执上的申请编号和所留手机号码后四位。",
        "No such application; check the number on the receipt and the last four digits of the phone.",
    ))
}

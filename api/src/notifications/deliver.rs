//! The delivery job: claims due notifications (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! several nodes never take the same row), leases them for a minute, sends, and records the
//! outcome; failures are retried with exponential back-off until `max_attempts`.

use chrono::{DateTime, Duration, Utc};
use entity::{account, notification};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::outbox::{FAILED, PENDING, SENT, SKIPPED};
use super::sender::SubscribeSender;
use crate::error::ApiError;
use crate::infra::wechat_subscribe::SendError;
use crate::state::AppState;
use crate::uow::UnitOfWork;

/// Rows one run claims.
const BATCH: u64 = 20;
/// How long a claimed row is left alone by other nodes while it is being sent.
const LEASE_SECS: i64 = 60;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends what is due. Without WeChat credentials nothing is claimed: the rows stay `pending`
/// and go out once the server is configured.
pub async fn deliver_due(state: &AppState, now: DateTime<Utc>) -> Result<Delivered, ApiError> {
    let sender = SubscribeSender::of(state);
    if !sender.is_configured() {
        return Ok(Delivered::default());
    }
    let uow = UnitOfWork::begin(&state.db).await?;
    let txn = uow.txn();
    let due = notification::Entity::find()
        .filter(notification::Column::Status.eq(PENDING))
        .filter(notification::Column::NextAttemptAt.lte(now))
        .order_by_asc(notification::Column::NextAttemptAt)
        .limit(BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(txn)
        .await?;
    let ids: Vec<_> = due.iter().map(|n| n.id).collect();
    if !ids.is_empty() {
        notification::Entity::update_many()
            .col_expr(notification::Column::NextAttemptAt, Expr::value(now + Duration::seconds(LEASE_SECS)))
            .col_expr(notification::Column::Attempts, Expr::col(notification::Column::Attempts).add(1))
            .filter(notification::Column::Id.is_in(ids))
            .exec(txn)
            .await?;
    }
    uow.commit(state).await?;
    let mut report = Delivered::default();
    for row in due {
        let attempt = row.attempts + 1;
        let outcome = send_one(state, &sender, &row).await;
        let update = notification::Entity::update_many().filter(notification::Column::Id.eq(row.id));
        let update = match outcome {
            Ok(()) => {
                report.sent += 1;
                update
                    .col_expr(notification::Column::Status, Expr::value(SENT))
                    .col_expr(notification::Column::SentAt, Expr::value(Some(Utc::now())))
            }
            Err(SendError::Retry(why)) if attempt < state.settings.notifications.max_attempts => {
                report.retrying += 1;
                let wait = backoff(state.settings.notifications.backoff_secs, attempt);
                update
                    .col_expr(notification::Column::NextAttemptAt, Expr::value(now + wait))
                    .col_expr(notification::Column::LastError, Expr::value(Some(clip(&why))))
            }
            Err(SendError::Retry(why) | SendError::Refused(why)) => {
                report.failed += 1;
                let status = if why.contains("43101") { SKIPPED } else { FAILED };
                update
                    .col_expr(notification::Column::Status, Expr::value(status))
                    .col_expr(notification::Column::LastError, Expr::value(Some(clip(&why))))
            }
        };
        update.exec(&state.db).await?;
    }
    Ok(report)
}

async fn send_one(state: &AppState, sender: &SubscribeSender<'_>, row: &notification::Model) -> Result<(), SendError> {
    let account_id = row.account_id.ok_or_else(|| SendError::Refused("no account".to_owned()))?;
    let openid = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await
        .map_err(|err| SendError::Retry(err.to_string()))?
        .and_then(|a| a.wechat_openid)
        .ok_or_else(|| SendError::Refused("the account has no WeChat openid".to_owned()))?;
    sender.send(&openid, &row.template, row.application_id, &row.payload).await
}

/// `base`, doubled for each attempt after the first, at most an hour.
pub fn backoff(base_secs: u64, attempt: i32) -> Duration {
    let factor = 1u64 << attempt.clamp(1, 16).saturating_sub(1);
    let secs = std::cmp::Ord::min(std::cmp::Ord::max(base_secs, 1).saturating_mul(factor), 3600);
    Duration::seconds(i64::try_from(secs).unwrap_or(3600))
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_an_hour() {
        assert_eq!(backoff(30, 1), Duration::seconds(30));
        assert_eq!(backoff(30, 2), Duration::seconds(60));
        assert_eq!(backoff(30, 4), Duration::seconds(240));
        assert_eq!(backoff(30, 12), Duration::seconds(3600));
    }
}

//! Single-use challenges. The nonce is `<expiry in ms>.<128 random bits>`; what it stands for
//! (whose it is, the action asked, the provider's session) is kept under a key holding the
//! caller's account id, in Redis, or in the database while Redis does not answer. Taking it is
//! one atomic step (`GETDEL`, or a `DELETE` that affects one row), so a nonce works once; another
//! person's nonce is simply not found under their key. The expiry inside the nonce tells an
//! expired challenge from a made-up or used one.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use entity::checkin_challenge;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};
use crate::infra::cache::Cache;

/// The liveness actions, with what the phone shows.
pub const ACTIONS: [(&str, &str); 5] = [
    ("blink", "请眨眨眼"),
    ("turn_left", "请向左转头"),
    ("turn_right", "请向右转头"),
    ("open_mouth", "请张张嘴"),
    ("nod", "请点点头"),
];

/// What a nonce stands for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Challenge {
    pub account_id: Uuid,
    pub action: String,
    /// The provider's session (WeChat's `verify_id`).
    pub session: Option<String>,
    /// Our reference sent to the provider (`out_seq_no`).
    pub out_seq_no: String,
    pub expires_at_ms: i64,
}

impl Challenge {
    pub fn expires_at(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.expires_at_ms).single().unwrap_or_else(Utc::now)
    }
}

fn key(account_id: Uuid, nonce: &str) -> String {
    format!("checkin:nonce:{}:{nonce}", account_id.simple())
}

/// A fresh nonce expiring at `expires_at_ms`.
pub fn new_nonce(expires_at_ms: i64) -> Result<String, ApiError> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|_| ApiError::internal("no randomness for a nonce"))?;
    Ok(format!("{expires_at_ms}.{}", crate::hex::encode(&random)))
}

/// A liveness action, picked at random.
pub fn pick_action() -> (&'static str, &'static str) {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    ACTIONS[usize::from(byte[0]) % ACTIONS.len()]
}

/// Keeps `challenge` under `nonce` until it expires (plus a minute, so an expired nonce is told
/// apart from one that never existed for a while longer).
pub async fn keep(cache: &Cache, db: &DatabaseConnection, nonce: &str, challenge: &Challenge) -> Result<(), ApiError> {
    let value = serde_json::to_vec(challenge).map_err(ApiError::internal)?;
    let left = challenge.expires_at_ms - Utc::now().timestamp_millis();
    let ttl = Duration::from_millis(u64::try_from(left.max(1)).unwrap_or(1)) + Duration::from_secs(60);
    match cache.set(&key(challenge.account_id, nonce), &value, ttl).await {
        Ok(()) => Ok(()),
        Err(err) => {
            tracing::warn!(error = %err, "challenge kept in the database: the shared store did not answer");
            let row = checkin_challenge::ActiveModel {
                nonce: Set(nonce.to_owned()),
                account_id: Set(challenge.account_id),
                payload: Set(serde_json::to_value(challenge).map_err(ApiError::internal)?),
                expires_at: Set(challenge.expires_at()),
            };
            checkin_challenge::Entity::insert(row).exec_without_returning(db).await?;
            Ok(())
        }
    }
}

/// Takes the caller's challenge for `nonce`: `CHECKIN_CHALLENGE_EXPIRED` past its expiry,
/// `CHECKIN_CHALLENGE_INVALID` when unknown, used, or someone else's.
pub async fn take(
    cache: &Cache,
    db: &DatabaseConnection,
    account_id: Uuid,
    nonce: &str,
) -> Result<Challenge, ApiError> {
    let expired = ApiError::new(ErrorCode::CheckinChallengeExpired);
    let invalid = ApiError::new(ErrorCode::CheckinChallengeInvalid);
    let claimed_expiry = nonce.split_once('.').and_then(|(ms, _)| ms.parse::<i64>().ok()).ok_or(invalid)?;
    let now = Utc::now().timestamp_millis();
    let found = match cache.take(&key(account_id, nonce)).await {
        Ok(Some(raw)) => serde_json::from_slice::<Challenge>(&raw).ok(),
        // Not in Redis, or Redis away: it may have been kept in the database.
        Ok(None) | Err(_) => from_database(db, account_id, nonce).await?,
    };
    match found {
        Some(challenge) if challenge.account_id == account_id && challenge.expires_at_ms >= now => Ok(challenge),
        Some(challenge) if challenge.account_id == account_id => Err(expired),
        _ if claimed_expiry < now => Err(expired),
        _ => Err(ApiError::new(ErrorCode::CheckinChallengeInvalid)),
    }
}

async fn from_database(db: &DatabaseConnection, account_id: Uuid, nonce: &str) -> Result<Option<Challenge>, ApiError> {
    let Some(row) = checkin_challenge::Entity::find_by_id(nonce.to_owned()).one(db).await? else { return Ok(None) };
    let taken = checkin_challenge::Entity::delete_many()
        .filter(checkin_challenge::Column::Nonce.eq(nonce))
        .filter(checkin_challenge::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(serde_json::from_value(row.payload).ok())
}

/// Puts a taken challenge back (the check-in could not be finished for a reason that is not the
/// caller's: the verifier did not answer, or the photo must be retaken).
pub async fn give_back(cache: &Cache, db: &DatabaseConnection, nonce: &str, challenge: &Challenge) {
    if challenge.expires_at_ms > Utc::now().timestamp_millis()
        && let Err(err) = keep(cache, db, nonce, challenge).await
    {
        tracing::warn!(error = %err, "a challenge could not be given back; the caller starts again");
    }
}

/// Deletes challenges kept in the database that expired (the scan calls it).
pub async fn purge_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, sea_orm::DbErr> {
    let removed = checkin_challenge::Entity::delete_many()
        .filter(checkin_challenge::Column::ExpiresAt.lt(now - chrono::Duration::minutes(5)))
        .exec(db)
        .await?;
    Ok(removed.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_unique_and_carry_their_expiry() {
        let a = new_nonce(1_700_000_000_000).unwrap();
        let b = new_nonce(1_700_000_000_000).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("1700000000000."));
        assert_eq!(a.len(), "1700000000000.".len() + 32);
    }
}

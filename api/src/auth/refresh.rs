//! Opaque rotating refresh tokens.
//!
//! A token is 32 random bytes, base64url; the database keeps only its SHA-256. Each sign-in starts
//! a family; exchanging a token spends it and issues the next one in the same family. The same
//! token presented again within the replay window (`auth.refresh_replay_secs`, the phone never
//! heard the answer), while the successor is unused, gets the same answer ([`super::replay`]).
//! Presenting a spent token otherwise means it was copied: the whole family is revoked, so neither
//! the thief nor the owner can go on, and the owner signs in again. Logout revokes the family.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::refresh_token::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::replay::{self, Pair};
use crate::audit::AuditEvent;
use crate::error::{ApiError, ErrorCode};

const TOKEN_BYTES: usize = 32;
/// Length of a token in base64url without padding.
const TOKEN_LEN: usize = 43;

/// A refresh token as handed to the client, once.
pub struct IssuedRefresh {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Starts a new family (a sign-in) for `account_id`.
pub async fn start_family(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    ttl: Duration,
) -> Result<IssuedRefresh, ApiError> {
    Ok(issue(db, account_id, Uuid::now_v7(), ttl).await?.1)
}

async fn issue(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    family_id: Uuid,
    ttl: Duration,
) -> Result<(Uuid, IssuedRefresh), ApiError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|err| ApiError::internal(err.to_string()))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    let id = Uuid::now_v7();
    refresh_token::ActiveModel {
        id: Set(id),
        family_id: Set(family_id),
        account_id: Set(account_id),
        token_hash: Set(digest(&token)),
        issued_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        successor_id: Set(None),
        successor_sealed: Set(None),
    }
    .insert(db)
    .await?;
    Ok((id, IssuedRefresh { token, expires_at }))
}

/// What presenting a refresh token comes to.
pub enum Exchange {
    /// Spent now; `next` is its successor. Seal the answer with [`keep_answer`] before commit.
    Spent { row: refresh_token::Model, next: IssuedRefresh, next_id: Uuid },
    /// Presented again within the replay window, its successor unused: the answer again.
    Replayed { account_id: Uuid, pair: Pair },
    /// Presented again after the window, or after its successor was used: it was copied.
    Reused(refresh_token::Model),
}

/// Takes `token` in `txn`: spends it, or finds the answer it got within `window`, or finds it
/// reused. The row is locked, so a second refresh with the same token waits for the first to
/// commit and then sees it spent, with its answer.
pub async fn exchange(
    txn: &DatabaseTransaction,
    token: &str,
    ttl: Duration,
    window: Duration,
) -> Result<Exchange, ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidRefreshToken);
    if token.len() != TOKEN_LEN {
        return Err(invalid());
    }
    let Some(row) =
        refresh_token::Entity::find().filter(Column::TokenHash.eq(digest(token))).lock_exclusive().one(txn).await?
    else {
        return Err(invalid());
    };
    let now = Utc::now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    if row.used_at.is_some() {
        return Ok(match replayable(txn, &row, token, window, now).await? {
            Some(pair) => Exchange::Replayed { account_id: row.account_id, pair },
            None => Exchange::Reused(row),
        });
    }
    // Spend it, unless someone else just did (only where rows cannot be locked: SQLite).
    let spent = refresh_token::Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(row.id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    if spent.rows_affected == 0 {
        return Ok(Exchange::Reused(row));
    }
    let (next_id, next) = issue(txn, row.account_id, row.family_id, ttl).await?;
    Ok(Exchange::Spent { row, next, next_id })
}

/// The answer a spent token got, if it was spent less than `window` ago and its successor has not
/// been used (whoever used the successor heard the answer: this is someone else).
async fn replayable(
    txn: &DatabaseTransaction,
    row: &refresh_token::Model,
    token: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Pair>, ApiError> {
    let window = chrono::Duration::from_std(window).map_err(ApiError::internal)?;
    let (Some(used_at), Some(successor), Some(sealed)) = (row.used_at, row.successor_id, &row.successor_sealed) else {
        return Ok(None);
    };
    if now >= used_at + window {
        return Ok(None);
    }
    let unused = refresh_token::Entity::find_by_id(successor)
        .one(txn)
        .await?
        .is_some_and(|next| next.used_at.is_none() && next.revoked_at.is_none());
    Ok(unused.then(|| replay::open(token, row.id, sealed)).flatten())
}

/// Keeps the answer to spending `row` (with `token`), sealed, for the replay window.
pub async fn keep_answer(
    txn: &DatabaseTransaction,
    row: &refresh_token::Model,
    token: &str,
    next_id: Uuid,
    pair: &Pair,
) -> Result<(), ApiError> {
    refresh_token::Entity::update_many()
        .col_expr(Column::SuccessorId, Expr::value(Some(next_id)))
        .col_expr(Column::SuccessorSealed, Expr::value(Some(replay::seal(token, row.id, pair)?)))
        .filter(Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A spent token came back: the whole family is revoked and the reuse audited.
pub async fn revoke_reused(txn: &DatabaseTransaction, row: &refresh_token::Model) -> Result<(), ApiError> {
    revoke_family(txn, row.family_id).await?;
    AuditEvent::new("auth.refresh_reuse")
        .on("account", row.account_id)
        .details(serde_json::json!({ "family_id": row.family_id }))
        .record(txn)
        .await?;
    tracing::warn!(family_id = %row.family_id, "a spent refresh token was presented; its family is revoked");
    Ok(())
}

/// Revokes the family of `token`; the account when this ended a live sign-in. Unknown or already
/// revoked tokens are ignored: logging out twice is harmless.
pub async fn revoke(db: &DatabaseConnection, token: &str) -> Result<Option<Uuid>, ApiError> {
    if token.len() != TOKEN_LEN {
        return Ok(None);
    }
    let row = refresh_token::Entity::find().filter(Column::TokenHash.eq(digest(token))).one(db).await?;
    match row {
        Some(row) if revoke_family(db, row.family_id).await? > 0 => Ok(Some(row.account_id)),
        Some(_) => Ok(None),
        None => Ok(None),
    }
}

/// Revokes every live token of an account (disabled account, changed password).
pub async fn revoke_account(db: &impl ConnectionTrait, account_id: Uuid) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(Utc::now()))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// Revokes the live tokens of a family; how many there were.
async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<u64, DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(Utc::now()))
        .filter(Column::FamilyId.eq(family_id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}

fn digest(token: &str) -> String {
    crate::hex::sha256(token.as_bytes())
}

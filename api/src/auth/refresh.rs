//! Opaque rotating refresh tokens.
//!
//! A token is 32 random bytes, base64url; the database keeps only its SHA-256. Each sign-in starts
//! a family; exchanging a token spends it and issues the next one in the same family. Presenting a
//! spent token means it was copied: the whole family is revoked, so neither the thief nor the owner
//! can go on, and the owner signs in again. Logout revokes the family.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::refresh_token::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use uuid::Uuid;

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
    issue(db, account_id, Uuid::now_v7(), ttl).await
}

async fn issue(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    family_id: Uuid,
    ttl: Duration,
) -> Result<IssuedRefresh, ApiError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|err| ApiError::internal(err.to_string()))?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(ttl).map_err(ApiError::internal)?;
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        account_id: Set(account_id),
        token_hash: Set(digest(&token)),
        issued_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(IssuedRefresh { token, expires_at })
}

/// Spends `token` and issues its successor; returns the account it belongs to.
pub async fn rotate(db: &DatabaseConnection, token: &str, ttl: Duration) -> Result<(Uuid, IssuedRefresh), ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidRefreshToken);
    if token.len() != TOKEN_LEN {
        return Err(invalid());
    }
    let txn = db.begin().await?;
    let Some(row) = refresh_token::Entity::find().filter(Column::TokenHash.eq(digest(token))).one(&txn).await? else {
        return Err(invalid());
    };
    let now = Utc::now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(invalid());
    }
    // Spend it, unless someone else just did: then this is a reuse too.
    let spent = refresh_token::Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(row.id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if row.used_at.is_some() || spent.rows_affected == 0 {
        revoke_family(&txn, row.family_id).await?;
        AuditEvent::new("auth.refresh_reuse")
            .on("account", row.account_id)
            .details(serde_json::json!({ "family_id": row.family_id }))
            .record(&txn)
            .await?;
        txn.commit().await?;
        tracing::warn!(family_id = %row.family_id, "a spent refresh token was presented; its family is revoked");
        return Err(invalid());
    }
    let next = issue(&txn, row.account_id, row.family_id, ttl).await?;
    txn.commit().await?;
    Ok((row.account_id, next))
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

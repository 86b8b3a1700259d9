//! The pair a refresh answered, kept for a short window so that the same refresh token presented
//! again (the phone never heard the answer) gets the same pair instead of ending the sign-in.
//!
//! The pair is sealed (AES-256-GCM, a random nonce, the spent token's row id as associated data)
//! with a key derived from the spent refresh token itself, which the server never stores: only
//! whoever presents that token can open it, and a copy of the database cannot. The job clears
//! sealed pairs once their window has passed.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::{DateTime, Utc};
use entity::refresh_token::{self, Column};
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::ApiError;

const NONCE_BYTES: usize = 12;
const KEY_LABEL: &[u8] = b"jiuzhu/refresh-replay/v1";

/// What a refresh answered, as far as it is not read afresh (the account is).
#[derive(Serialize, Deserialize)]
pub struct Pair {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

/// Seals `pair` for the row of the spent token `presented`.
pub fn seal(presented: &str, row_id: Uuid, pair: &Pair) -> Result<Vec<u8>, ApiError> {
    let plain = serde_json::to_vec(pair).map_err(ApiError::internal)?;
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).map_err(|err| ApiError::internal(err.to_string()))?;
    let sealed = cipher(presented)?
        .encrypt(&Nonce::from(nonce), Payload { msg: &plain, aad: row_id.as_bytes() })
        .map_err(|_| ApiError::internal("sealing a refresh answer failed"))?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// Opens what [`seal`] made, with the token presented again; `None` if it does not open.
pub fn open(presented: &str, row_id: Uuid, blob: &[u8]) -> Option<Pair> {
    let (nonce, sealed) = blob.split_at_checked(NONCE_BYTES)?;
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
    let plain =
        cipher(presented).ok()?.decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad: row_id.as_bytes() }).ok()?;
    serde_json::from_slice(&plain).ok()
}

/// The key: HMAC-SHA256 keyed with the token (32 random bytes), so the stored SHA-256 of the
/// token does not give it.
fn cipher(presented: &str) -> Result<Aes256Gcm, ApiError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(presented.as_bytes()).map_err(ApiError::internal)?;
    mac.update(KEY_LABEL);
    Aes256Gcm::new_from_slice(&mac.finalize().into_bytes()).map_err(ApiError::internal)
}

/// Clears the sealed pairs of tokens spent before `cutoff` (the window's start); how many.
pub async fn clear_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(Column::SuccessorSealed, Expr::value(Option::<Vec<u8>>::None))
        .filter(Column::SuccessorSealed.is_not_null())
        .filter(Column::UsedAt.lt(cutoff))
        .exec(db)
        .await
        .map(|result| result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> Pair {
        let now = Utc::now();
        Pair {
            access_token: "a.b.c".to_owned(),
            access_expires_at: now,
            refresh_token: "next".to_owned(),
            refresh_expires_at: now,
        }
    }

    #[test]
    fn only_the_spent_token_opens_its_row_s_pair() {
        let (token, row) = ("x".repeat(43), Uuid::now_v7());
        let blob = seal(&token, row, &pair()).unwrap();
        assert_eq!(open(&token, row, &blob).map(|p| p.refresh_token).as_deref(), Some("next"));
        assert!(open(&"y".repeat(43), row, &blob).is_none(), "another token");
        assert!(open(&token, Uuid::now_v7(), &blob).is_none(), "another row");
        assert!(open(&token, row, &blob[..8]).is_none(), "cut short");
        let text = String::from_utf8_lossy(&blob);
        assert!(!text.contains("next") && !text.contains("a.b.c"), "nothing in clear text");
    }
}

//! One refresh token, stored as the SHA-256 of its value. Tokens of one sign-in share a family.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_id: Uuid,
    pub account_id: Uuid,
    /// Hex SHA-256 of the token; the token itself is never stored.
    pub token_hash: String,
    pub issued_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set when the token was exchanged for the next one.
    pub used_at: Option<DateTimeUtc>,
    /// Set when the family was revoked (logout, reuse of a spent token).
    pub revoked_at: Option<DateTimeUtc>,
    /// The token this one was exchanged for.
    pub successor_id: Option<Uuid>,
    /// The pair this token was exchanged for, sealed with a key derived from this token (which is
    /// never stored), kept for the replay window after `used_at`, then cleared.
    pub successor_sealed: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A member of an applying household. The ID number is only ever stored encrypted, beside its
//! blind index (for look-ups) and its masked form (for display).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub name: String,
    /// `self` (the applicant), `spouse`, `child`, `parent`, ...
    pub relation: String,
    /// Nonce, ciphertext and tag (AES-256-GCM).
    pub id_number_cipher: Vec<u8>,
    pub id_number_key_id: String,
    /// HMAC-SHA256 of the number under the index key, hex.
    pub id_number_index: String,
    pub id_number_masked: String,
    pub birth_date: Date,
    /// Facts for the pre-check and the review (income, disability ...), JSON.
    pub facts: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

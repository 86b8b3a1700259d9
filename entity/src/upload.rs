//! A resumable upload: declared length and SHA-256, the offset received so far, and when done the
//! whole file's storage key (until a pushed operation links it to a document).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    pub length: i64,
    pub sha256: String,
    pub offset: i64,
    /// `open` or `complete`.
    pub status: String,
    pub file_key: Option<String>,
    /// What a pushed operation made of it (a document, a check-in): kept past the expiry then.
    pub linked_to: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

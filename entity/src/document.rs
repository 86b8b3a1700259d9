//! An uploaded document (photo or PDF), kept through the storage interface. Documents with an
//! owner form that resident's wallet and can be attached to later applications. Photos are stored
//! normalised (upright, at most 2048 px, no metadata) with a thumbnail; `original_sha256` is the
//! hash of the bytes as uploaded (re-uploads are recognised by it), `sha256` of the stored bytes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_account_id: Option<Uuid>,
    pub uploaded_by: Uuid,
    pub doc_type: String,
    /// Where the bytes are in storage; never shown to clients.
    pub storage_key: String,
    pub content_type: String,
    pub byte_size: i64,
    pub sha256: String,
    pub created_at: DateTimeUtc,
    pub original_sha256: String,
    /// Photos only.
    pub thumbnail_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// The 64-bit perceptual hash, as a signed integer.
    pub phash: Option<i64>,
    pub phash_b0: Option<i32>,
    pub phash_b1: Option<i32>,
    pub phash_b2: Option<i32>,
    pub phash_b3: Option<i32>,
    /// `{"measures": {...}, "failed": ["IMAGE_BLURRY", ...]}`.
    pub quality: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

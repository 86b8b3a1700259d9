//! An uploaded document (photo or PDF), kept through the storage interface. Documents with an
//! owner form that resident's wallet and can be attached to later applications.

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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! An application's progress answer as of its last change, written in the transaction of that
//! change: the database path serves it with one read, and it fills the Redis cache.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_snapshots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    /// Who may read it: the facts `may_read` looks at.
    pub subject_account_id: Option<Uuid>,
    pub actor_account_id: Uuid,
    pub community_code: String,
    pub status: String,
    /// The answer's JSON, served as stored.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

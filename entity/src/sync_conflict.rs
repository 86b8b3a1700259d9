//! A pushed operation on a record that changed on the server meanwhile: kept, never dropped,
//! until the helper or a supervisor resolves it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub op_id: Uuid,
    pub account_id: Uuid,
    pub community_code: Option<String>,
    pub entity: String,
    pub entity_id: Uuid,
    pub code: String,
    pub base_version: Option<i32>,
    pub server_version: Option<i32>,
    /// The operation as pushed.
    pub payload: Json,
    /// `open` or `resolved`.
    pub status: String,
    /// `reapplied` (done again on the server's version) or `discarded`.
    pub resolution: Option<String>,
    pub note: Option<String>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

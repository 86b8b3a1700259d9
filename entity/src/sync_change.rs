//! The latest change of one record a phone may hold, kept by triggers; `seq` is its place in the
//! server's change sequence (NULL until the puller numbers it), `deleted` makes it a tombstone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_id: String,
    pub community_code: Option<String>,
    pub deleted: bool,
    pub seq: Option<i64>,
    /// Milliseconds since the epoch.
    pub changed_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

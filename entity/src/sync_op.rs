//! An operation a device pushed, with the answer it got: a resend gets the same answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_ops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub op_id: Uuid,
    pub device_id: Uuid,
    pub seq: i64,
    pub account_id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    /// The application the operation touched, for version checks of later operations.
    pub application_id: Option<Uuid>,
    pub op: String,
    pub content_sha256: String,
    /// `applied`, `conflict` or `rejected`.
    pub outcome: String,
    pub result: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

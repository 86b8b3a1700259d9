//! One period of a recipient's check-in schedule: due on `due_date`, open from `opens_on` to
//! `closes_on` (the grace period). `pending` until a check-in passes (`done`) or the window
//! closes (`missed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkin_cycles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub subject_index: String,
    pub due_date: Date,
    pub opens_on: Date,
    pub closes_on: Date,
    /// `pending`, `done` or `missed`.
    pub status: String,
    pub done_at: Option<DateTimeUtc>,
    /// `remote` or `assisted`.
    pub done_mode: Option<String>,
    pub checkin_id: Option<Uuid>,
    pub failed_attempts: i32,
    pub reminded_at: Option<DateTimeUtc>,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A home visit the community owes a recipient: a check-in was missed, failed, or a reviewer
//! doubted a sampled one. One per cycle (or per doubted check-in), under `dedupe_key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkin_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `missed`, `failed` or `doubtful`.
    pub kind: String,
    pub dedupe_key: String,
    pub recipient_id: Uuid,
    pub cycle_id: Option<Uuid>,
    pub checkin_id: Option<Uuid>,
    pub subject_index: String,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub due_date: Date,
    /// `open` or `closed`.
    pub status: String,
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

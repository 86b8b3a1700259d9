//! A recipient of one approved item: who (the applicant's member row and blind index), how much
//! and from when. Check-ins are scheduled from these.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject_index: String,
    pub subject_account_id: Option<Uuid>,
    pub member_id: Uuid,
    pub application_id: Uuid,
    pub item_code: String,
    pub amount_fen: i64,
    pub start_date: Date,
    /// `active` or `suspended` (by a township reviewer, after a home visit).
    pub status: String,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

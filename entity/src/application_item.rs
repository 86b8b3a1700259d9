//! One aid item of an application, with its own status, department and deadline.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_code: String,
    pub status: String,
    pub department: String,
    pub time_limit_working_days: i32,
    /// Set on submit.
    pub due_date: Option<Date>,
    /// The applicant's ID blind index while the item is under way; unique per item among open
    /// ones, so one person cannot have two open applications for the same item.
    pub open_subject_index: Option<String>,
    /// Bumped by every decision on the item: concurrent decisions carry it, the loser gets 409.
    pub version: i32,
    /// The approved amount, in fen (per month for recurring aid).
    pub amount_fen: Option<i64>,
    /// Reason codes of a rejection (a JSON array).
    pub reasons: Option<Json>,
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    /// The first day of the SLA clock (the submit date).
    pub started_on: Option<Date>,
    /// 75% of the time limit: from this day the item is in warning.
    pub warn_date: Option<Date>,
    /// `on_time`, `warning` or `overdue`, as the deadline job last found it.
    pub sla_state: String,
    /// Working days the clock stood still waiting for the applicant.
    pub paused_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::aid_item::Entity", from = "Column::ItemCode", to = "super::aid_item::Column::Code")]
    AidItem,
}

impl Related<super::aid_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AidItem.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

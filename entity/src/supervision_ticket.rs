//! Something the district must look at: an overdue item, a sampled decision, a rejection
//! escalated for a second look, emergency materials that did not arrive. One per kind and item.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub application_id: Uuid,
    /// Empty for a ticket about the whole application.
    pub item_code: String,
    pub township_code: String,
    pub district_code: String,
    /// `open` or `closed`.
    pub status: String,
    pub opened_at: DateTimeUtc,
    pub due_date: Option<Date>,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<Uuid>,
    pub outcome: Option<String>,
    pub details: Json,
    /// The township's explanation on a ticket the district closes, the latest one given.
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

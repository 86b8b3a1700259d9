//! A lead a warning rule raised about one person for one period: routed to the township, assigned
//! to a helper, visited and closed with an outcome. One per rule, person and period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub rule_id: Uuid,
    pub rule_kind: String,
    pub subject_index: String,
    /// `2026-11` for monthly rules, the record's date for one-off events.
    pub period: String,
    pub level: String,
    pub name: String,
    pub id_number_masked: String,
    pub community_code: String,
    pub township_code: String,
    pub district_code: String,
    /// `open`, `assigned`, `visited` or `closed`.
    pub status: String,
    /// `on_time` or `overdue`.
    pub sla_state: String,
    pub deadline: Date,
    /// The department records behind it and the figure the rule compared.
    pub evidence: Json,
    pub assigned_to: Option<Uuid>,
    pub assigned_at: Option<DateTimeUtc>,
    pub visited_at: Option<DateTimeUtc>,
    pub visit_note: Option<String>,
    /// `applied`, `not_needed` or `referred_to_charity`.
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_by: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

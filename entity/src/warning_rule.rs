//! A warning rule of a region, as data: which kind of check (`medical_expense_month`, ...), its
//! parameters (a threshold), the level of the leads it raises and their deadline in days.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "warning_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The region it applies in: a district or township code (a prefix of the township).
    pub region_code: String,
    /// Unique per region, chosen by the district.
    pub code: String,
    pub name: String,
    pub kind: String,
    pub params: Json,
    /// `red`, `yellow` or `green`.
    pub level: String,
    pub deadline_days: i32,
    pub active: bool,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
